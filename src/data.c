/* data.c - data connections. */
#include "data.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "log.h"
#include "proxyread.h"

void data_init(struct data *d)
{
	memset(d, 0, sizeof(*d));
	d->listen_fd = -1;
	d->ready_fd = -1;
}

void data_reset(struct data *d)
{
	bool all = d->epsv_all;

	if (d->listen_fd >= 0)
		close(d->listen_fd);
	if (d->ready_fd >= 0)
		close(d->ready_fd);
	data_init(d);
	d->epsv_all = all;
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

/* Bind fd to a port of lo-hi (any when lo is 0), starting at a random one. */
static int bind_in_range(int fd, struct sockaddr_storage *ss, socklen_t len, unsigned lo,
			 unsigned hi)
{
	unsigned tries, span = lo ? hi - lo + 1 : 0, start = 0;

	if (span && getrandom(&start, sizeof(start), GRND_NONBLOCK) != sizeof(start))
		start = (unsigned)getpid();
	for (tries = 0; !span || (tries < span && tries < 100); tries++) {
		set_port(ss, span ? lo + (start + tries) % span : 0);
		if (bind(fd, (struct sockaddr *)ss, len) == 0)
			return 0;
		if (!span || errno != EADDRINUSE)
			return -1;
	}
	errno = EADDRINUSE;
	return -1;
}

/* Without --pasv-ports, a random port of Linux's default local port range,
 * tried as a range's are: the kernel's own choice (port 0) skips the ports
 * in TIME_WAIT one at a time, and after a burst of small files thousands of
 * them lie where it looks first (each PASV then cost hundreds of
 * microseconds: docs/PERFORMANCE.md, "Identities").  Port 0 only when none
 * of those tries was free. */
#define ANY_LO 32768
#define ANY_HI 60999

static int bind_any_or_in(int fd, struct sockaddr_storage *ss, socklen_t len, unsigned lo,
			  unsigned hi)
{
	if (lo)
		return bind_in_range(fd, ss, len, lo, hi);
	if (bind_in_range(fd, ss, len, ANY_LO, ANY_HI) == 0)
		return 0;
	return errno == EADDRINUSE ? bind_in_range(fd, ss, len, 0, 0) : -1;
}

int data_listen(struct data *d, const struct data_ends *ends, unsigned lo, unsigned hi,
		unsigned *port)
{
	struct sockaddr_storage ss = ends->local;
	socklen_t len = ends->local_len;
	int fd;

	data_reset(d);
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	/* Ports of finished data connections sit in TIME_WAIT for a minute:
	 * without this a --pasv-ports range runs dry after a burst of files. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &(int){1}, sizeof(int));
	if (bind_any_or_in(fd, &ss, len, lo, hi) < 0 || listen(fd, 1) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &(socklen_t){sizeof(ss)}) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	d->mode = DATA_PASSIVE;
	d->listen_fd = fd;
	*port = get_port(&ss);
	return 0;
}

void data_set_active(struct data *d, const struct sockaddr_storage *ss, socklen_t len)
{
	data_reset(d);
	d->mode = DATA_ACTIVE;
	d->target = *ss;
	d->target_len = len;
}

/* Wait for fd (events) before the deadline, watching the control channel. */
static int wait_fd(int fd, short events, long long deadline, struct ctrl *watch)
{
	struct pollfd p = {.fd = fd, .events = events};
	unsigned seen;
	int r = ctrl_wait_other(watch, &p, deadline, &seen);

	if (r == 0)
		errno = ETIMEDOUT;
	if (r == 2)
		errno = ECANCELED;
	return r == 1 ? 0 : -1;
}

/* A passive connection from a balancer: its PROXY header says who is
 * behind it (ep becomes that; LOCAL leaves the balancer, who is not the
 * client).  -1 when there is no good header before the deadline. */
static int behind_balancer(int fd, struct endpoint *ep, long long deadline)
{
	struct proxy_header h;
	struct chan c;
	char err[160];

	chan_plain(&c, fd, fd);
	if (proxy_read(&c, deadline, &h, err, sizeof(err)) < 0) {
		log_msg(LOG_WARNING, "reject", "%s: passive data connection from %s dropped: %s",
			log_client(), ep->addr, err);
		return -1;
	}
	if (!h.local)
		endpoint_from_sockaddr(ep, (const struct sockaddr *)&h.src, h.addr_len);
	return 0;
}

/* Is the connection accepted on fd (from ss) the client's?  A balancer's
 * says who is behind it first.  Another's is dropped. */
static bool from_client(const struct data_ends *ends, int fd, const struct sockaddr_storage *ss,
			socklen_t len, long long deadline)
{
	struct endpoint ep;

	endpoint_from_sockaddr(&ep, (const struct sockaddr *)ss, len);
	if (ends->n_proxy_nets &&
	    cidr_list_match(ends->proxy_nets, ends->n_proxy_nets, (const struct sockaddr *)ss) &&
	    behind_balancer(fd, &ep, deadline) < 0) {
		close(fd);
		return false;
	}
	if (strcmp(ep.addr, ends->peer_addr) == 0)
		return true;
	/* Someone else took the announced port: drop it, keep waiting. */
	log_msg(LOG_WARNING, "reject", "%s: passive data connection from %s dropped (not the client)",
		log_client(), ep.addr);
	close(fd);
	return false;
}

static int accept_from_peer(struct data *d, const struct data_ends *ends, long long deadline,
			    struct ctrl *watch)
{
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int fd;

		if (wait_fd(d->listen_fd, POLLIN, deadline, watch) < 0)
			return -1;
		fd = accept4(d->listen_fd, (struct sockaddr *)&ss, &len,
			     SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno == EAGAIN || errno == ECONNABORTED || errno == EINTR)
				continue;
			return -1;
		}
		if (from_client(ends, fd, &ss, len, deadline))
			return fd;
	}
}

/* At most this many connections taken off the queue at once. */
#define EARLY_TRIES 4

void data_accept_early(struct data *d, const struct data_ends *ends)
{
	int i;

	/* not behind a balancer: its header may still be on its way */
	if (d->mode != DATA_PASSIVE || d->ready_fd >= 0 || ends->n_proxy_nets)
		return;
	for (i = 0; i < EARLY_TRIES; i++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int fd = accept4(d->listen_fd, (struct sockaddr *)&ss, &len,
				 SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (fd < 0 && (errno == ECONNABORTED || errno == EINTR))
			continue;
		if (fd < 0)
			return;  /* none yet (EAGAIN): data_open waits */
		if (from_client(ends, fd, &ss, len, 0)) {
			d->ready_fd = fd;
			return;
		}
	}
}

static int connect_to_target(struct data *d, const struct data_ends *ends,
			     long long deadline, struct ctrl *watch)
{
	struct sockaddr_storage local = ends->local;
	int fd, err = 0;

	fd = socket(d->target.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	/* Leave from the address the client talks to. */
	if (local.ss_family == d->target.ss_family) {
		set_port(&local, 0);
		bind(fd, (struct sockaddr *)&local, ends->local_len);
	}
	if ((connect(fd, (struct sockaddr *)&d->target, d->target_len) < 0 &&
	     errno != EINPROGRESS) ||
	    wait_fd(fd, POLLOUT, deadline, watch) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &(socklen_t){sizeof(err)}) < 0 || err) {
		int e = err ? err : errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int data_open(struct data *d, const struct data_ends *ends, long long deadline,
	      struct ctrl *watch)
{
	int fd = -1;

	if (d->ready_fd >= 0) {
		fd = d->ready_fd;
		d->ready_fd = -1;
	} else if (d->mode == DATA_PASSIVE) {
		fd = accept_from_peer(d, ends, deadline, watch);
	} else if (d->mode == DATA_ACTIVE) {
		fd = connect_to_target(d, ends, deadline, watch);
	} else {
		errno = ENOTCONN;
	}
	if (fd < 0) {
		int e = errno;

		log_msg(LOG_WARNING, "error", "%s: data connection: %s", log_client(),
			e == ECANCELED ? "cancelled by the client" : strerror(e));
		errno = e;
	}
	data_reset(d);
	return fd;
}
