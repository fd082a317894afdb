/* transfer.c - the copy engine. */
#include "transfer.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "ascii.h"
#include "deadline.h"

#define IO_BUF (1 << 18)

static char iobuf[IO_BUF];
static char convbuf[2 * IO_BUF];

void xfer_init(struct xfer *x, struct chan *data, struct ctrl *ctrl,
	       unsigned long long rate, unsigned stall_ms)
{
	memset(x, 0, sizeof(*x));
	x->data = data;
	x->ctrl = ctrl;
	x->rate = rate;
	x->stall_ms = stall_ms;
	x->start_ms = monotonic_ms();
	x->stall_deadline = x->start_ms + stall_ms;
}

/* Bytes moved: the stall deadline moves only after XFER_PROGRESS_MIN. */
static void moved(struct xfer *x, size_t n)
{
	x->bytes += (off_t)n;
	if (x->bytes - x->mark >= XFER_PROGRESS_MIN) {
		x->mark = x->bytes;
		x->stall_deadline = deadline_in(x->stall_ms);
	}
}

/* What the control channel said, as the end of a transfer, or XFER_DONE
 * to go on.  QUIT ends uploads only. */
static enum xfer_status heard(struct xfer *x, unsigned seen, bool upload)
{
	if (seen & WATCH_ABORT)
		return XFER_ABORTED;
	if ((seen & WATCH_QUIT) && upload)
		return XFER_QUIT;
	/* a client that said QUIT may close its side: that is no failure */
	if ((seen & WATCH_GONE) && !x->ctrl->saw_quit) {
		x->err = x->ctrl->eof_errno;
		return XFER_CTRL_GONE;
	}
	return XFER_DONE;
}

/* The data stream of an upload ended: is the client still there?  One
 * that died mid-upload closes both connections, and the end of the data
 * stream alone would look like a whole file. */
static enum xfer_status upload_ended(struct xfer *x)
{
	if (!ctrl_watching(x->ctrl))
		return XFER_DONE;
	return heard(x, ctrl_watch(x->ctrl) & WATCH_GONE, true);
}

/* Wait until the data channel can go on in direction dir. */
static enum xfer_status wait_data(struct xfer *x, enum chan_dir dir, bool upload)
{
	for (;;) {
		struct pollfd p;
		unsigned seen;
		enum xfer_status st;
		int r;

		if (deadline_passed(x->stall_deadline))
			return XFER_TIMEOUT;
		if (dir == CHAN_READ && chan_pending(x->data))
			return XFER_DONE;
		chan_pollfd(x->data, dir, &p);
		r = ctrl_wait_other(x->ctrl, &p, x->stall_deadline, &seen);
		if (r == 1)
			return XFER_DONE;
		if (r == 0)
			return XFER_TIMEOUT;
		if (r < 0) {
			x->err = errno;
			return XFER_NET_ERROR;
		}
		st = heard(x, seen, upload);
		if (st != XFER_DONE)
			return st;
	}
}

/* --rate-limit: moves happen in chunks of a tenth of a second's worth (at
 * least 4 KiB); after each the transfer waits until it is back under the
 * rate, watching the control channel all the while. */
static size_t chunk(const struct xfer *x, size_t max)
{
	unsigned long long tenth = x->rate / 10;

	if (!x->rate)
		return max;
	if (tenth < XFER_PROGRESS_MIN)
		tenth = XFER_PROGRESS_MIN;
	return tenth < max ? (size_t)tenth : max;
}

static enum xfer_status pace(struct xfer *x, bool upload)
{
	long long due;
	unsigned seen;

	if (!x->rate)
		return XFER_DONE;
	due = x->start_ms + (long long)((unsigned long long)x->bytes * 1000 / x->rate);
	if (due <= monotonic_ms())
		return XFER_DONE;
	while (ctrl_wait_other(x->ctrl, NULL, due, &seen) == 2) {
		enum xfer_status st = heard(x, seen, upload);

		if (st != XFER_DONE)
			return st;
	}
	/* waiting for the rate is not a stall */
	x->stall_deadline = deadline_in(x->stall_ms);
	return XFER_DONE;
}

static enum xfer_status net_error(struct xfer *x)
{
	x->err = errno;
	return XFER_NET_ERROR;
}

static enum xfer_status file_error(struct xfer *x)
{
	x->err = errno;
	return errno == ENOSPC || errno == EDQUOT ? XFER_NO_SPACE : XFER_FILE_ERROR;
}

enum xfer_status xfer_send_buf(struct xfer *x, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = chan_write(x->data, buf, n);

		if (w < 0) {
			enum xfer_status st;

			if (errno != EAGAIN)
				return net_error(x);
			st = wait_data(x, CHAN_WRITE, false);
			if (st != XFER_DONE)
				return st;
			continue;
		}
		buf += w;
		n -= (size_t)w;
		moved(x, (size_t)w);
	}
	return XFER_DONE;
}

/* Zero-copy download from the file's own offset (REST moved it). */
static enum xfer_status sendfile_all(struct xfer *x, int ffd)
{
	for (;;) {
		enum xfer_status st = pace(x, false);
		ssize_t n;

		if (st != XFER_DONE)
			return st;
		n = chan_sendfile(x->data, ffd, chunk(x, 1 << 30));
		if (n < 0) {
			if (errno != EAGAIN)
				/* which side failed: a file read error is EIO and friends */
				return errno == EPIPE || errno == ECONNRESET ? net_error(x)
									     : file_error(x);
			st = wait_data(x, CHAN_WRITE, false);
			if (st != XFER_DONE)
				return st;
			continue;
		}
		if (n == 0)
			return XFER_DONE;
		moved(x, (size_t)n);
	}
}

enum xfer_status xfer_send_file(struct xfer *x, int ffd, bool ascii)
{
	if (!ascii && chan_can_sendfile(x->data))
		return sendfile_all(x, ffd);
	for (;;) {
		enum xfer_status st = pace(x, false);
		ssize_t n;

		if (st != XFER_DONE)
			return st;
		n = read(ffd, iobuf, chunk(x, sizeof(iobuf)));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return file_error(x);
		}
		if (n == 0)
			return XFER_DONE;
		if (ascii)
			st = xfer_send_buf(x, convbuf, ascii_to_crlf(iobuf, (size_t)n, convbuf));
		else
			st = xfer_send_buf(x, iobuf, (size_t)n);
		if (st != XFER_DONE)
			return st;
	}
}

static enum xfer_status write_file(struct xfer *x, int ffd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(ffd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return file_error(x);
		}
		p += w;
		n -= (size_t)w;
	}
	return XFER_DONE;
}

/* What splice_recv() says when the file cannot take spliced pages (EINVAL:
 * some file systems): it has moved what the pipe held with read/write, and
 * the caller goes on that way. */
#define XFER_NO_SPLICE ((enum xfer_status)100)

/* Move n bytes from the pipe to the file the plain way. */
static enum xfer_status drain_pipe(struct xfer *x, int pfd, int ffd, size_t n)
{
	while (n > 0) {
		ssize_t r = read(pfd, iobuf, n < sizeof(iobuf) ? n : sizeof(iobuf));
		enum xfer_status st;

		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			return file_error(x);
		}
		st = write_file(x, ffd, iobuf, (size_t)r);
		if (st != XFER_DONE)
			return st;
		n -= (size_t)r;
	}
	return XFER_NO_SPLICE;
}

/* Zero-copy upload: channel -> pipe -> file with splice(2). */
static enum xfer_status splice_through(struct xfer *x, int ffd, int p[2])
{
	for (;;) {
		enum xfer_status st = pace(x, true);
		ssize_t n;

		if (st == XFER_DONE)
			st = wait_data(x, CHAN_READ, true);
		if (st != XFER_DONE)
			return st;
		n = chan_splice_to_pipe(x->data, p[1], chunk(x, 1 << 20));
		if (n < 0) {
			if (errno == EAGAIN)
				continue;
			return net_error(x);
		}
		if (n == 0)
			return upload_ended(x);
		moved(x, (size_t)n);
		while (n > 0) {
			ssize_t m = splice(p[0], NULL, ffd, NULL, (size_t)n, SPLICE_F_MOVE);

			if (m < 0) {
				if (errno == EINTR)
					continue;
				if (errno == EINVAL)
					return drain_pipe(x, p[0], ffd, (size_t)n);
				return file_error(x);
			}
			n -= m;
		}
	}
}

static enum xfer_status splice_recv(struct xfer *x, int ffd)
{
	static int p[2] = {-1, -1};
	enum xfer_status st;

	if (p[0] < 0) {
		if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
			return XFER_NO_SPLICE;
		fcntl(p[1], F_SETPIPE_SZ, 1 << 20);
	}
	st = splice_through(x, ffd, p);
	if (st != XFER_DONE) {
		/* bytes may be left in the pipe: they must never reach the next
		 * upload's file */
		close(p[0]);
		close(p[1]);
		p[0] = p[1] = -1;
	}
	return st;
}

/* Write the bytes gathered in iobuf (converted from CRLF in TYPE A). */
static enum xfer_status flush_in(struct xfer *x, int ffd, struct ascii_in *conv, bool ascii,
				 size_t *fill)
{
	size_t n = *fill;

	*fill = 0;
	if (!n)
		return XFER_DONE;
	if (ascii)
		return write_file(x, ffd, convbuf, ascii_from_crlf(conv, iobuf, n, convbuf));
	return write_file(x, ffd, iobuf, n);
}

enum xfer_status xfer_recv_file(struct xfer *x, int ffd, bool ascii)
{
	struct ascii_in conv = {false};
	size_t fill = 0, cap = chunk(x, sizeof(iobuf));

	if (!ascii && chan_can_splice(x->data) && !(fcntl(ffd, F_GETFL) & O_APPEND)) {
		enum xfer_status st = splice_recv(x, ffd);

		if (st != XFER_NO_SPLICE)
			return st;
	}
	for (;;) {
		enum xfer_status st;
		ssize_t n;

		/* A secure channel hands out one record (16 KiB) per read: the
		 * records it already holds are gathered and written to the file
		 * at once.  Before any wait, what was gathered is written. */
		if (!fill || fill == cap || !chan_pending(x->data)) {
			st = flush_in(x, ffd, &conv, ascii, &fill);
			if (st == XFER_DONE)
				st = pace(x, true);
			if (st == XFER_DONE)
				st = wait_data(x, CHAN_READ, true);
			if (st != XFER_DONE)
				return st;
		}
		n = chan_read(x->data, iobuf + fill, cap - fill);
		if (n < 0) {
			int e = errno;

			if (e == EAGAIN)
				continue;
			st = flush_in(x, ffd, &conv, ascii, &fill);
			errno = e;
			return st == XFER_DONE ? net_error(x) : st;
		}
		if (n == 0) {
			st = flush_in(x, ffd, &conv, ascii, &fill);
			if (st == XFER_DONE)
				st = write_file(x, ffd, convbuf,
						ascii ? ascii_from_crlf_end(&conv, convbuf) : 0);
			return st == XFER_DONE ? upload_ended(x) : st;
		}
		moved(x, (size_t)n);
		fill += (size_t)n;
	}
}

enum xfer_status xfer_finish(struct xfer *x)
{
	if (chan_finish(x->data, x->stall_deadline) < 0)
		return errno == ETIMEDOUT ? XFER_TIMEOUT : net_error(x);
	return XFER_DONE;
}

void dw_init(struct dwriter *w, struct xfer *x, struct ctrl *ctrl)
{
	w->x = x;
	w->ctrl = ctrl;
	w->fd = -1;
	w->status = XFER_DONE;
	w->bytes = 0;
	w->len = 0;
}

void dw_init_fd(struct dwriter *w, int fd)
{
	dw_init(w, NULL, NULL);
	w->fd = fd;
}

/* All of buf into a blocking descriptor.  0 or -1. */
static int write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t r = write(fd, buf, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		buf += r;
		n -= (size_t)r;
	}
	return 0;
}

enum xfer_status dw_flush(struct dwriter *w)
{
	if (w->status == XFER_DONE && w->len) {
		if (w->x)
			w->status = xfer_send_buf(w->x, w->buf, w->len);
		else if (w->fd >= 0)
			w->status = write_all(w->fd, w->buf, w->len) < 0 ? XFER_NET_ERROR : XFER_DONE;
		else if (ctrl_send(w->ctrl, w->buf, w->len) < 0)
			w->status = XFER_CTRL_GONE;
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
