/* transfer.c - the copy engine. */
#include "transfer.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/sendfile.h>
#include <time.h>
#include <unistd.h>

#include "ascii.h"
#include "clock.h"
#include "session.h"

#define IO_BUF (1 << 18)

static char iobuf[IO_BUF];
static char convbuf[2 * IO_BUF];

/* Wait until fd is ready for events, watching the control connection too.
 * Returns XFER_DONE when fd is ready. */
static enum xfer_status wait_io(struct session *s, int fd, short events)
{
	for (;;) {
		struct pollfd p[2] = {
			{.fd = fd, .events = events},
			{.fd = s->ctrl.in_fd, .events = POLLIN},
		};
		nfds_t n = s->ctrl.held ? 1 : 2;
		int r;

		if (!s->ctrl.held && ctrl_buffered(&s->ctrl)) {
			r = session_during_transfer(s);
			if (r)
				return r > 0 ? XFER_ABORTED : XFER_CTRL_GONE;
			continue;
		}
		r = poll(p, n, (int)s->cfg->data_timeout * 1000);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return XFER_NET_ERROR;
		}
		if (r == 0)
			return XFER_TIMEOUT;
		if (n == 2 && p[1].revents) {
			r = session_during_transfer(s);
			if (r)
				return r > 0 ? XFER_ABORTED : XFER_CTRL_GONE;
		}
		if (p[0].revents)
			return XFER_DONE;
	}
}

/* --rate-limit: moves happen in chunks of a tenth of a second's worth, and
 * after each the transfer sleeps until it is back under the rate. */
static size_t chunk(const struct session *s, size_t max)
{
	unsigned long long tenth = s->cfg->rate_limit / 10;

	if (!s->cfg->rate_limit)
		return max;
	if (tenth < 4096)
		tenth = 4096;
	return tenth < max ? (size_t)tenth : max;
}


static void throttle(const struct session *s, long long start_ms, off_t bytes)
{
	long long due, left;

	if (!s->cfg->rate_limit)
		return;
	due = start_ms + (long long)((unsigned long long)bytes * 1000 / s->cfg->rate_limit);
	left = due - monotonic_ms();
	if (left > 0) {
		struct timespec ts = {.tv_sec = left / 1000, .tv_nsec = left % 1000 * 1000000};

		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
}

/* When a transfer starts, for throttle(): 0 without a rate limit. */
static long long pace_start(const struct session *s)
{
	return s->cfg->rate_limit ? monotonic_ms() : 0;
}

/* Before each read from the data socket: keep to the rate, then wait for
 * bytes (watching the control connection). */
static enum xfer_status pace_in(struct session *s, long long start, off_t bytes, int dfd)
{
	throttle(s, start, bytes);
	return wait_io(s, dfd, POLLIN);
}

/* Write all of buf to the non-blocking data socket. */
static enum xfer_status send_all(struct session *s, int dfd, const char *buf, size_t n)
{
	while (n > 0) {
		enum xfer_status st = wait_io(s, dfd, POLLOUT);
		ssize_t w;

		if (st != XFER_DONE)
			return st;
		w = write(dfd, buf, n);
		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return XFER_NET_ERROR;
		}
		buf += w;
		n -= (size_t)w;
	}
	return XFER_DONE;
}

enum xfer_status xfer_send_file(struct session *s, int dfd, int ffd, bool ascii,
				off_t *bytes)
{
	long long start = pace_start(s);

	*bytes = 0;
	for (;;) {
		enum xfer_status st;
		ssize_t n;

		throttle(s, start, *bytes);
		if (ascii) {
			size_t out;

			n = read(ffd, iobuf, chunk(s, sizeof(iobuf)));
			if (n < 0) {
				if (errno == EINTR)
					continue;
				return XFER_FILE_ERROR;
			}
			if (n == 0)
				return XFER_DONE;
			out = ascii_to_crlf(iobuf, (size_t)n, convbuf);
			st = send_all(s, dfd, convbuf, out);
			if (st != XFER_DONE)
				return st;
			*bytes += (off_t)out;
			continue;
		}
		/* from the file's own offset (REST moved it); wait (and watch
		 * the control connection for ABOR) only when the socket is full */
		n = sendfile(dfd, ffd, NULL, chunk(s, 1 << 30));
		if (n < 0) {
			if (errno == EAGAIN) {
				st = wait_io(s, dfd, POLLOUT);
				if (st != XFER_DONE)
					return st;
				continue;
			}
			if (errno == EINTR)
				continue;
			/* which side failed: a file read error is EIO and friends */
			return errno == EPIPE || errno == ECONNRESET ? XFER_NET_ERROR
								      : XFER_FILE_ERROR;
		}
		if (n == 0)
			return XFER_DONE;
		*bytes += n;
	}
}

static enum xfer_status write_file(int ffd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(ffd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno == ENOSPC || errno == EDQUOT ? XFER_NO_SPACE
								  : XFER_FILE_ERROR;
		}
		p += w;
		n -= (size_t)w;
	}
	return XFER_DONE;
}

/* What splice_recv() says when the file cannot take spliced pages (EINVAL:
 * an O_APPEND file, some file systems): it has moved what the pipe held with
 * read/write, and the caller goes on that way. */
#define XFER_NO_SPLICE ((enum xfer_status)100)

static enum xfer_status write_file(int ffd, const char *p, size_t n);

/* Move n bytes from the pipe to the file the plain way. */
static enum xfer_status drain_pipe(int pfd, int ffd, size_t n, off_t *bytes)
{
	while (n > 0) {
		ssize_t r = read(pfd, iobuf, n < sizeof(iobuf) ? n : sizeof(iobuf));
		enum xfer_status st;

		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			return XFER_FILE_ERROR;
		}
		st = write_file(ffd, iobuf, (size_t)r);
		if (st != XFER_DONE)
			return st;
		n -= (size_t)r;
		*bytes += r;
	}
	return XFER_NO_SPLICE;
}

/* Zero-copy upload: socket -> pipe -> file with splice(2). */
static enum xfer_status splice_through(struct session *s, int dfd, int ffd, int p[2],
				       off_t *bytes);

static enum xfer_status splice_recv(struct session *s, int dfd, int ffd, off_t *bytes)
{
	static int p[2] = {-1, -1};
	enum xfer_status st;

	if (p[0] < 0) {
		if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
			return XFER_NO_SPLICE;
		fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	}
	st = splice_through(s, dfd, ffd, p, bytes);
	if (st != XFER_DONE) {
		/* bytes may be left in the pipe: they must never reach the next
		 * upload's file */
		close(p[0]);
		close(p[1]);
		p[0] = p[1] = -1;
	}
	return st;
}

static enum xfer_status splice_through(struct session *s, int dfd, int ffd, int p[2],
				       off_t *bytes)
{
	long long start = pace_start(s);

	for (;;) {
		enum xfer_status st = pace_in(s, start, *bytes, dfd);
		ssize_t n;

		if (st != XFER_DONE)
			return st;
		n = splice(dfd, NULL, p[1], NULL, chunk(s, 1 << 20),
			   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return XFER_NET_ERROR;
		}
		if (n == 0)
			return XFER_DONE;
		while (n > 0) {
			ssize_t m = splice(p[0], NULL, ffd, NULL, (size_t)n, SPLICE_F_MOVE);

			if (m < 0) {
				if (errno == EINTR)
					continue;
				if (errno == EINVAL)
					return drain_pipe(p[0], ffd, (size_t)n, bytes);
				return errno == ENOSPC || errno == EDQUOT ? XFER_NO_SPACE
									  : XFER_FILE_ERROR;
			}
			n -= m;
			*bytes += m;
		}
	}
}

enum xfer_status xfer_recv_file(struct session *s, int dfd, int ffd, bool ascii,
				off_t *bytes)
{
	struct ascii_in conv = {false};
	long long start;

	*bytes = 0;
	if (!ascii && !(fcntl(ffd, F_GETFL) & O_APPEND)) {
		enum xfer_status st = splice_recv(s, dfd, ffd, bytes);

		if (st != XFER_NO_SPLICE)
			return st;
	}
	start = pace_start(s);
	for (;;) {
		enum xfer_status st = pace_in(s, start, *bytes, dfd);
		ssize_t n;

		if (st != XFER_DONE)
			return st;
		n = read(dfd, iobuf, chunk(s, sizeof(iobuf)));
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return XFER_NET_ERROR;
		}
		if (n == 0) {
			size_t out = ascii ? ascii_from_crlf_end(&conv, convbuf) : 0;

			return write_file(ffd, convbuf, out);
		}
		*bytes += n;
		if (ascii) {
			size_t out = ascii_from_crlf(&conv, iobuf, (size_t)n, convbuf);

			st = write_file(ffd, convbuf, out);
		} else {
			st = write_file(ffd, iobuf, (size_t)n);
		}
		if (st != XFER_DONE)
			return st;
	}
}

void dw_init(struct dwriter *w, struct session *s, int fd)
{
	w->s = s;
	w->fd = fd;
	w->status = XFER_DONE;
	w->bytes = 0;
	w->len = 0;
}

enum xfer_status dw_flush(struct dwriter *w)
{
	if (w->status == XFER_DONE && w->len) {
		w->status = send_all(w->s, w->fd, w->buf, w->len);
		if (w->status == XFER_DONE)
			w->bytes += (off_t)w->len;
	}
	w->len = 0;
	return w->status;
}

int dw_put(struct dwriter *w, const char *p, size_t n)
{
	while (n > 0) {
		size_t room = sizeof(w->buf) - w->len, k = n < room ? n : room;

		if (w->status != XFER_DONE)
			return -1;
		memcpy(w->buf + w->len, p, k);
		w->len += k;
		p += k;
		n -= k;
		if (w->len == sizeof(w->buf) && dw_flush(w) != XFER_DONE)
			return -1;
	}
	return w->status == XFER_DONE ? 0 : -1;
}
