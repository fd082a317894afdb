/* fdpass.h - one message, and at most one descriptor with it, over a
 * SOCK_SEQPACKET socket (SCM_RIGHTS).  Whatever arrives is bounded: a
 * message longer than the buffer, or more than one descriptor, is refused
 * (and what came with it closed). */
#ifndef SOCKFTPD_FDPASS_H
#define SOCKFTPD_FDPASS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Send buf (n bytes), with fd when it is not -1.  0, or -1 with errno. */
int fdpass_send(int sock, const void *buf, size_t n, int fd);

/* Receive one message into buf (cap bytes); *fd is the descriptor that
 * came with it (close-on-exec), or -1.  Returns its length, 0 at the end
 * of the stream, or -1 with errno (EMSGSIZE: too long, or too many
 * descriptors). */
ssize_t fdpass_recv(int sock, void *buf, size_t cap, int *fd);

/* sock is to receive no descriptor (the monitor's end, a user process's
 * end): where the kernel has SO_PASSRIGHTS (Linux 6.16) the sender's
 * SCM_RIGHTS fails (EPERM) and nothing arrives.  0, or -1 with errno
 * (ENOPROTOOPT: an older kernel; fdpass_drop() is then what stands). */
int fdpass_refuse_fds(int sock);

/* Close a descriptor that came unasked.  With defuse on (the monitor,
 * which has no filter) without blocking: a socket sent with SO_LINGER and a
 * send queue nobody drains would hold close() for the linger time, so its
 * linger is switched off first.  fdpass_recv() closes extra descriptors
 * this way. */
void fdpass_defuse(bool on);
void fdpass_drop(int fd);

/* Wait until sock (or any descriptor) has something to read, or the
 * deadline (deadline.h) passes: 0, or -1 with errno (ETIMEDOUT). */
int fdpass_wait(int fd, long long deadline);

#endif
