/* monitor.h - a root start with virtual users splits before the greeting:
 *
 *   monitor (root)  <-socketpair->  network process (--run-as, sandboxed)
 *      | forks after a login              ^ user process's socket (SCM_RIGHTS)
 *      v                                  |
 *   user process (the login's account: userproc.c) <- file requests, fds back
 *
 * The monitor never reads the network: it closes every connection
 * descriptor at once and answers only the requests of monitor_proto.h from
 * its socketpair, each allowed only in the state that permits it (the
 * request table).  It checks passwords (the users file, crypt(3)), with
 * the failure delay and at most --max-login-failures failures, and starts
 * the login's user process.  Anything unexpected ends the session. */
#ifndef SOCKFTPD_MONITOR_H
#define SOCKFTPD_MONITOR_H

#include <sys/types.h>

#include "activation.h"
#include "options.h"

/* Fork the network process.  Returns its pid in the monitor, 0 in the
 * network process, -1 with a reason in err; *sock is this side's end of
 * the socketpair between them. */
pid_t monitor_split(int *sock, char *err, size_t errcap);

/* The monitor's life: serve the network process net_pid on sock until it
 * ends, then end the user process.  Returns the network process's exit
 * status (1 when the monitor ended the session); a network process killed
 * by a signal is reported by the same signal. */
int monitor_run(const struct config *cfg, const struct activation *act, int sock,
		pid_t net_pid);

#endif
