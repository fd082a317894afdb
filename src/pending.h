/* pending.h - listener mode behind a balancer (--proxy-protocol): the
 * sessions whose client the listener does not know yet (admission.h).
 *
 * Each such session gets one end of a SOCK_SEQPACKET socketpair; once it
 * has read the PROXY header it reports the client's address there (one
 * message of ADMISSION_REPORT_LEN bytes) and waits for one verdict byte.
 * The listener keeps the other end here, non-blocking, with a deadline,
 * until that one exchange is over: at most one entry per running session.
 * It reads nothing but these fixed-size reports from its own sessions,
 * never a byte of a client. */
#ifndef SOCKFTPD_PENDING_H
#define SOCKFTPD_PENDING_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "admission.h"

/* From the fork to the report: the session's start (an exec, the
 * configuration, its certificate, the monitor split, the sandbox) and the
 * PROXY header's 5 seconds.  A session silent that long is killed. */
#define PENDING_TIMEOUT_MS 20000

struct pending_entry {
	pid_t pid;              /* the session */
	int fd;                 /* the listener's end */
	uint64_t deadline_ms;
};

struct pending {
	struct pending_entry *e;
	size_t n, cap;
};

enum pending_read {
	PENDING_WAIT,    /* nothing yet */
	PENDING_CLIENT,  /* a client's address */
	PENDING_LOCAL,   /* a LOCAL header: no client */
	PENDING_GONE,    /* the session closed its end without a report */
	PENDING_BAD,     /* not exactly a report */
};

/* A socketpair for a new session: the listener's end (non-blocking,
 * close-on-exec), or -1; *session_end the session's (close-on-exec too). */
int pending_pair(int *session_end);

/* Keep fd for session pid until deadline_ms: 0, or -1 when full. */
int pending_add(struct pending *p, pid_t pid, int fd, uint64_t deadline_ms);

/* The entry of pid, or p->n. */
size_t pending_find(const struct pending *p, pid_t pid);

/* Close entry i's end and forget it (the last entry takes its place). */
void pending_remove(struct pending *p, size_t i);

/* Close every end (in a new session's process: fork without exec). */
void pending_close_all(struct pending *p);

/* One pollfd per entry, in order, into pfd: their number. */
size_t pending_pollfds(const struct pending *p, struct pollfd *pfd);

/* The earliest deadline, or UINT64_MAX. */
uint64_t pending_next_deadline(const struct pending *p);

/* Read entry i's report; PENDING_CLIENT fills *ss and *len. */
enum pending_read pending_read(struct pending *p, size_t i, struct sockaddr_storage *ss,
			       socklen_t *len);

/* Send the verdict to entry i (without blocking) and remove it. */
void pending_answer(struct pending *p, size_t i, enum adm_verdict v);

#endif
