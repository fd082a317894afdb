/* data.c - data connections. */
#include "data.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "session.h"

void data_init(struct data *d)
{
	memset(d, 0, sizeof(*d));
	d->listen_fd = -1;
}

void data_reset(struct data *d)
{
	bool all = d->epsv_all;

	if (d->listen_fd >= 0)
		close(d->listen_fd);
	data_init(d);
	d->epsv_all = all;
}

static int local_address(struct session *s, struct sockaddr_storage *ss, socklen_t *len)
{
	*len = sizeof(*ss);
	memset(ss, 0, sizeof(*ss));
	return getsockname(s->ctrl.in_fd, (struct sockaddr *)ss, len);
}

static void set_port(struct sockaddr_storage *ss, unsigned port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
}

static unsigned get_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

int data_listen(struct session *s, unsigned *port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;
	unsigned tries, span = 0, start = 0;

	data_reset(&s->data);
	if (local_address(s, &ss, &len) < 0)
		return -1;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	/* Ports of finished data connections sit in TIME_WAIT for a minute:
	 * without this a --pasv-ports range runs dry after a burst of files. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){1}, sizeof(int));
	if (s->cfg->pasv_lo) {
		span = s->cfg->pasv_hi - s->cfg->pasv_lo + 1;
		if (getrandom(&start, sizeof(start), GRND_NONBLOCK) != sizeof(start))
			start = (unsigned)getpid();
	}
	for (tries = 0;; tries++) {
		if (span) {
			if (tries >= span || tries >= 100) {
				close(fd);
				errno = EADDRINUSE;
				return -1;
			}
			set_port(&ss, s->cfg->pasv_lo + (start + tries) % span);
		} else {
			set_port(&ss, 0);
		}
		if (bind(fd, (struct sockaddr *)&ss, len) == 0)
			break;
		if (!span || errno != EADDRINUSE) {
			close(fd);
			return -1;
		}
	}
	len = sizeof(ss);
	if (listen(fd, 1) < 0 || getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		close(fd);
		return -1;
	}
	s->data.mode = DATA_PASSIVE;
	s->data.listen_fd = fd;
	*port = get_port(&ss);
	return 0;
}


static int accept_from_peer(struct session *s)
{
	long long deadline = monotonic_ms() + (long long)s->cfg->data_timeout * 1000;

	for (;;) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		struct endpoint ep;
		struct pollfd p = {.fd = s->data.listen_fd, .events = POLLIN};
		long long left = deadline - monotonic_ms();
		int fd, r;

		if (left <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = ETIMEDOUT;
			return -1;
		}
		fd = accept4(s->data.listen_fd, (struct sockaddr *)&ss, &len,
			     SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno == EAGAIN || errno == ECONNABORTED || errno == EINTR)
				continue;
			return -1;
		}
		endpoint_from_sockaddr(&ep, (struct sockaddr *)&ss, len);
		if (strcmp(ep.addr, s->peer.addr) == 0)
			return fd;
		/* Someone else took the announced port: drop it, keep waiting. */
		log_msg(LOG_WARNING, "reject",
			"%s: passive data connection from %s dropped (not the client)",
			s->who, ep.addr);
		close(fd);
	}
}

static int connect_to_target(struct session *s)
{
	struct sockaddr_storage local;
	socklen_t llen;
	int fd, err = 0;
	socklen_t elen = sizeof(err);
	struct pollfd p;
	int r;

	fd = socket(s->data.target.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	/* Leave from the address the client talks to. */
	if (local_address(s, &local, &llen) == 0 && local.ss_family == s->data.target.ss_family) {
		set_port(&local, 0);
		bind(fd, (struct sockaddr *)&local, llen);
	}
	if (connect(fd, (struct sockaddr *)&s->data.target, s->data.target_len) < 0 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	p.fd = fd;
	p.events = POLLOUT;
	do
		r = poll(&p, 1, (int)s->cfg->data_timeout * 1000);
	while (r < 0 && errno == EINTR);
	if (r <= 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 || err) {
		close(fd);
		errno = r == 0 ? ETIMEDOUT : err ? err : errno;
		return -1;
	}
	return fd;
}

int data_open(struct session *s)
{
	int fd = -1;

	if (s->data.mode == DATA_PASSIVE)
		fd = accept_from_peer(s);
	else if (s->data.mode == DATA_ACTIVE)
		fd = connect_to_target(s);
	else
		errno = ENOTCONN;
	if (fd < 0)
		log_msg(LOG_WARNING, "error", "%s: data connection: %s", s->who, strerror(errno));
	data_reset(&s->data);
	return fd;
}
