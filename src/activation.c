/* activation.c - find the control connection: systemd, inetd or a pipe. */
#include "activation.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>

#include "sdlib.h"

static bool listened;

void activation_mark_listened(void)
{
	listened = true;
}

const char *activation_mode_name(enum activation_mode m)
{
	switch (m) {
	case ACTIVATION_SYSTEMD: return "systemd";
	case ACTIVATION_INETD: return "inetd";
	case ACTIVATION_PIPE: return "pipe";
	case ACTIVATION_LISTEN: return "systemd, listening";
	case ACTIVATION_LISTENED: return "listener";
	}
	return "?";
}

static void endpoints(struct activation *a, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int on = 1;

	memset(&ss, 0, sizeof(ss));
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0) {
		endpoint_from_sockaddr(&a->peer, (struct sockaddr *)&ss, len);
		a->peer_sa = ss;
		a->peer_len = len;
	} else
		snprintf(a->peer.addr, sizeof(a->peer.addr), "unknown");
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
		endpoint_from_sockaddr(&a->local, (struct sockaddr *)&ss, len);
		a->local_sa = ss;
		a->local_len = len;
	} else
		snprintf(a->local.addr, sizeof(a->local.addr), "unknown");
	/* The Telnet "synch" before ABOR sends DM as urgent data: keep it in
	 * the stream, where the line reader recognises it. */
	if (a->peer.family == AF_INET || a->peer.family == AF_INET6) {
		setsockopt(fd, SOL_SOCKET, SO_OOBINLINE, &on, sizeof(on));
		/* Replies are whole (one write each): send them at once, or a
		 * 226 waits behind the unacknowledged 150 for the client's
		 * delayed ACK (40 ms a transfer). */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	}
}

/* Returns 1 when systemd passed the connection, 0 when it passed nothing,
 * -1 on a refusal. */
static int from_systemd(struct activation *a, char *err, size_t errcap)
{
	struct sdlib_fds fds;

	if (!getenv("LISTEN_FDS"))
		return 0;
	if (sdlib_listen_fds(&fds) < 0) {
		snprintf(err, errcap, "LISTEN_FDS is set but libsystemd cannot be loaded: %s",
			 sdlib_error());
		return -1;
	}
	if (fds.n < 0) {
		snprintf(err, errcap, "sd_listen_fds: %s", strerror(-fds.n));
		return -1;
	}
	if (fds.n == 0)
		return 0;
	if (fds.listening_all) {
		/* Accept=no: listener mode (listener.c) */
		a->mode = ACTIVATION_LISTEN;
		a->listen_first = SD_LISTEN_FDS_START;
		a->listen_n = fds.n;
		a->in_fd = a->out_fd = -1;
		return 1;
	}
	if (fds.n > 1) {
		snprintf(err, errcap,
			 "systemd passed %d file descriptors that are not all listening "
			 "sockets: use a socket unit with Accept=yes (one connection) or "
			 "Accept=no (listening sockets only)", fds.n);
		return -1;
	}
	if (fds.connected <= 0) {
		snprintf(err, errcap,
			 "systemd passed fd %d, which is not a connected stream socket",
			 SD_LISTEN_FDS_START);
		return -1;
	}
	a->mode = ACTIVATION_SYSTEMD;
	a->in_fd = a->out_fd = SD_LISTEN_FDS_START;
	endpoints(a, SD_LISTEN_FDS_START);
	return 1;
}

static int from_stdio(struct activation *a, char *err, size_t errcap)
{
	struct stat st;
	int v = 0;
	socklen_t len = sizeof(v);

	if (fstat(0, &st) < 0) {
		snprintf(err, errcap, "standard input is not open: %s", strerror(errno));
		return -1;
	}
	if (fcntl(1, F_GETFL) < 0) {
		snprintf(err, errcap, "standard output is not open");
		return -1;
	}
	a->in_fd = 0;
	a->out_fd = 1;
	if (!S_ISSOCK(st.st_mode)) {
		a->mode = ACTIVATION_PIPE;
		snprintf(a->peer.addr, sizeof(a->peer.addr), "stdin");
		snprintf(a->local.addr, sizeof(a->local.addr), "stdout");
		return 0;
	}
	if (getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 && v) {
		snprintf(err, errcap,
			 "standard input is a listening socket; sockftpd serves one "
			 "connection: use wait=no (inetd) or Accept=yes (systemd)");
		return -1;
	}
	len = sizeof(v);
	if (getsockopt(0, SOL_SOCKET, SO_TYPE, &v, &len) == 0 && v != SOCK_STREAM) {
		snprintf(err, errcap, "standard input is not a stream socket");
		return -1;
	}
	if (getenv(ACTIVATION_LISTENER_ENV)) {
		listened = true;
		unsetenv(ACTIVATION_LISTENER_ENV);
	}
	a->mode = listened ? ACTIVATION_LISTENED : ACTIVATION_INETD;
	endpoints(a, 0);
	return 0;
}

/* The listener's admission channel for this session, when it gave one:
 * a descriptor above 2 that is a SOCK_SEQPACKET socket of AF_UNIX, kept
 * from any program this process may execute. */
static void admit_channel(struct activation *a)
{
	const char *v = getenv(ACTIVATION_ADMIT_FD_ENV);
	int type = 0, domain = 0;
	socklen_t len = sizeof(type);
	char *end;
	long fd;

	if (!v)
		return;
	fd = strtol(v, &end, 10);
	unsetenv(ACTIVATION_ADMIT_FD_ENV);
	if (a->mode != ACTIVATION_LISTENED)
		return;
	a->admit_fd = -1;  /* asked for, but not there: the session ends */
	if (*end || end == v || fd <= 2 || fd > 65535 ||
	    getsockopt((int)fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
	    type != SOCK_SEQPACKET)
		return;
	len = sizeof(domain);
	if (getsockopt((int)fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 ||
	    domain != AF_UNIX || fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0)
		return;
	a->admit_fd = (int)fd;
}

int activation_detect(struct activation *a, char *err, size_t errcap)
{
	int r;

	memset(a, 0, sizeof(*a));
	r = from_systemd(a, err, errcap);
	if (r == 0)
		r = from_stdio(a, err, errcap);
	if (r < 0)
		return -1;
	admit_channel(a);
	return 0;
}
