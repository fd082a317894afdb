/* listener.h - listener mode: one long-lived process accepts connections
 * (--listen, or listening sockets from systemd, Accept=no) and starts one
 * session per connection, each as isolated as under inetd.
 *
 * The listener reads no byte from any client: it accepts, decides by the
 * peer's address alone (admission.c: --max-sessions, --max-per-ip,
 * --max-startups), refuses with a 421 it writes without reading, or forks.
 * Behind a balancer (--proxy-protocol, a connection from --proxy-trusted)
 * the per-address limits wait for the client the session reports once it
 * has read the PROXY header (pending.h, admitask.h).
 * The session gets the connection on its standard input and output, as from
 * inetd, and takes the same path from there (the configuration file read
 * anew, the root start's monitor split, its own TLS context and sandbox):
 * with --listen-exec=yes it first executes this program again (fresh
 * address-space layout and stack canary), with the command line the
 * listener was given less its --listen options; with no it goes on in the
 * fork.  The listener reaps its sessions (signalfd), survives their crashes,
 * a failed fork and descriptor exhaustion, and on SIGTERM stops accepting,
 * lets the sessions end (--drain-timeout), and exits. */
#ifndef SOCKFTPD_LISTENER_H
#define SOCKFTPD_LISTENER_H

#include "activation.h"
#include "options.h"

/* listener_run() returned in a new session's process (fork without exec):
 * the connection is on fds 0 and 1, the caller starts the session as an
 * inetd one. */
#define LISTENER_SESSION (-1)

/* Is listener mode asked for: --listen, or systemd's listening sockets? */
int listener_wanted(const struct config *cfg, const struct activation *act);

/* Serve until SIGTERM: the exit status (0; 2 when it cannot start), or
 * LISTENER_SESSION in a session's process. */
int listener_run(const struct config *cfg, const struct activation *act, int argc,
		 char *argv[]);

#endif
