/* syscall_filter.h - the system call filters, compiled by libseccomp at
 * build time (filter_gen.c): the session's, and the user process's, which
 * is the session's without a network call. */
#ifndef SOCKFTPD_SYSCALL_FILTER_H
#define SOCKFTPD_SYSCALL_FILTER_H

/* Install the allow-list: every other call kills the process (and the
 * kernel logs it).  Returns 0, or a negative errno when the kernel or the
 * environment cannot install it. */
int seccomp_install(void);

/* The same, with the user process's list: no socket, connect, bind,
 * listen, accept... (only the descriptors it holds to talk through). */
int seccomp_install_files(void);

#endif
