/* chan.c - the plain channel, and the waits every channel shares. */
#include "chan.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deadline.h"

/* Sockets are used with MSG_DONTWAIT rather than O_NONBLOCK: the flag on the
 * shared open file would also change the socket for whoever else holds it
 * (inetd hands the same connection on three descriptors).  (A secure
 * channel cannot: OpenSSL reads and writes the socket itself, so tls.c sets
 * O_NONBLOCK; by then the session owns the connection.)  A pipe or file is
 * only read or written after poll() said it can be. */
static ssize_t plain_read(struct chan *c, void *buf, size_t n)
{
	ssize_t r;

	do
		r = c->is_socket ? recv(c->rfd, buf, n, MSG_DONTWAIT) : read(c->rfd, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

static ssize_t plain_write(struct chan *c, const void *buf, size_t n)
{
	ssize_t r;

	do
		r = c->is_socket ? send(c->wfd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL)
				 : write(c->wfd, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

static size_t plain_pending(const struct chan *c)
{
	(void)c;
	return 0;
}

static ssize_t plain_sendfile(struct chan *c, int ffd, size_t n)
{
	ssize_t r;

	do
		r = sendfile(c->wfd, ffd, NULL, n);
	while (r < 0 && errno == EINTR);
	return r;
}

static ssize_t plain_splice(struct chan *c, int pipe_wfd, size_t n)
{
	ssize_t r;

	do
		r = splice(c->rfd, NULL, pipe_wfd, NULL, n, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
	while (r < 0 && errno == EINTR);
	return r;
}

static int plain_finish(struct chan *c)
{
	(void)c;
	return 0;
}

static void plain_close(struct chan *c)
{
	close(c->rfd);
	if (c->wfd != c->rfd)
		close(c->wfd);
}

static const struct chan_ops plain_ops = {
	.read = plain_read,
	.write = plain_write,
	.pending = plain_pending,
	.sendfile = plain_sendfile,
	.splice_to_pipe = plain_splice,
	.finish = plain_finish,
	.close = plain_close,
};

/* Scripted sessions read a pipe or file and write a pipe, file or terminal:
 * no zero-copy there. */
static const struct chan_ops stdio_ops = {
	.read = plain_read,
	.write = plain_write,
	.pending = plain_pending,
	.finish = plain_finish,
	.close = plain_close,
};

void chan_plain(struct chan *c, int rfd, int wfd)
{
	struct stat st;

	c->rfd = rfd;
	c->wfd = wfd;
	c->is_socket = fstat(rfd, &st) == 0 && S_ISSOCK(st.st_mode);
	c->ops = c->is_socket ? &plain_ops : &stdio_ops;
	c->rwant = CHAN_READ;
	c->wwant = CHAN_WRITE;
	c->impl = NULL;
}

void chan_pollfd(const struct chan *c, enum chan_dir dir, struct pollfd *p)
{
	enum chan_dir want = dir == CHAN_READ ? c->rwant : c->wwant;

	p->fd = want == CHAN_READ ? c->rfd : c->wfd;
	p->events = want == CHAN_READ ? POLLIN : POLLOUT;
	p->revents = 0;
}

int chan_wait(struct chan *c, enum chan_dir dir, long long deadline)
{
	if (dir == CHAN_READ && chan_pending(c))
		return 1;
	for (;;) {
		struct pollfd p;
		int r;

		chan_pollfd(c, dir, &p);
		r = poll(&p, 1, deadline_poll_ms(deadline));
		if (r > 0)
			return 1;
		if (r == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

int chan_write_all(struct chan *c, const void *buf, size_t n, long long deadline)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = chan_write(c, p, n);

		if (w < 0) {
			int r;

			if (errno != EAGAIN)
				return -1;
			r = chan_wait(c, CHAN_WRITE, deadline);
			if (r <= 0) {
				if (r == 0)
					errno = ETIMEDOUT;
				return -1;
			}
			continue;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int chan_finish(struct chan *c, long long deadline)
{
	for (;;) {
		int r = c->ops->finish(c);

		if (r == 0 || errno != EAGAIN)
			return r;
		r = chan_wait(c, CHAN_WRITE, deadline);
		if (r <= 0) {
			if (r == 0)
				errno = ETIMEDOUT;
			return -1;
		}
	}
}

void chan_close(struct chan *c)
{
	if (c->ops) {
		c->ops->close(c);
		c->ops = NULL;
	}
	c->impl = NULL;
	c->rfd = c->wfd = -1;
}
