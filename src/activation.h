/* activation.h - where the control connection comes from. */
#ifndef SOCKFTPD_ACTIVATION_H
#define SOCKFTPD_ACTIVATION_H

#include <stddef.h>
#include <sys/socket.h>

#include "address.h"

/* Set by the listener for the sessions it starts (only the log tells). */
#define ACTIVATION_LISTENER_ENV "SOCKFTPD_LISTENER"
/* Set by the listener, behind a balancer, for a session whose per-source
 * limits wait for the client the PROXY header names: the descriptor number
 * of the session's end of its admission channel (pending.h, admitask.h). */
#define ACTIVATION_ADMIT_FD_ENV "SOCKFTPD_ADMISSION_FD"

enum activation_mode {
	ACTIVATION_SYSTEMD, /* the one connected socket sd_listen_fds() reports */
	ACTIVATION_INETD,   /* a connected socket on standard input and output */
	ACTIVATION_PIPE,    /* standard input is a pipe, file or terminal */
	ACTIVATION_LISTEN,  /* listening sockets from systemd (Accept=no): listener mode */
	ACTIVATION_LISTENED, /* a session the listener started: as inetd (fds 0 and 1) */
};

/* In a session the listener forked without exec: what the variable above
 * says to an exec'd one (a variable set in the forked process would cost
 * an allocation of the environment per session). */
void activation_mark_listened(void);

struct activation {
	enum activation_mode mode;
	int in_fd, out_fd;
	struct endpoint peer;   /* the client */
	struct sockaddr_storage peer_sa;   /* the same; peer_len 0 when not a socket */
	socklen_t peer_len;
	struct endpoint local;  /* this end of the control connection */
	struct sockaddr_storage local_sa;  /* the same, for data connections */
	socklen_t local_len;
	int listen_first, listen_n;  /* ACTIVATION_LISTEN: fds listen_first.. */
	/* ACTIVATION_LISTENED behind a balancer: the admission channel (a
	 * SOCK_SEQPACKET socket, close-on-exec); 0 when none (never 0-2), -1
	 * when the listener named one that is not there (the session ends) */
	int admit_fd;
};

/* Decide, in this order: systemd-passed listening sockets (all of them
 * listening: listener mode), a systemd-passed connection, a socket on fd 0, a
 * pipe on fd 0.  Returns 0, or -1 with a one-line reason in err (the caller exits
 * with status 2: several sockets, a listening socket, closed descriptors). */
int activation_detect(struct activation *a, char *err, size_t errcap);

const char *activation_mode_name(enum activation_mode m);

#endif
