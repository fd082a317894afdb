/* ctrl.c - the control channel. */
#include "ctrl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "command.h"
#include "deadline.h"
#include "reply.h"

void ctrl_init(struct ctrl *c, struct chan *ch, unsigned send_ms)
{
	/* field by field: the buffers (32 KiB) stay untouched until used */
	c->ch = ch;
	c->send_ms = send_ms;
	c->send_cap = DEADLINE_NONE;
	c->rpos = c->rlen = 0;
	c->held = c->held_too_long = c->eof = c->saw_quit = false;
	c->eof_errno = 0;
	c->q.count = 0;
	c->q.used = 0;
	c->line = (const char *)c->cur;
	c->line_len = 0;
	line_reader_init(&c->lr);
}

int ctrl_send(struct ctrl *c, const void *buf, size_t len)
{
	return chan_write_all(c->ch, buf, len, deadline_min(deadline_in(c->send_ms), c->send_cap));
}

/* Telnet refusals (DONT/WONT) the reader produced: bounded by the reader. */
static int flush_telnet(struct ctrl *c)
{
	int r = 0;

	if (c->lr.out_len)
		r = ctrl_send(c, c->lr.out, c->lr.out_len);
	c->lr.out_len = 0;
	return r;
}

/* Read once into rbuf.  1: bytes; 0: would block; -1: EOF or error (errno
 * 0 for an orderly close). */
static int fill(struct ctrl *c)
{
	ssize_t n = chan_read(c->ch, c->rbuf, sizeof(c->rbuf));

	if (n > 0) {
		c->rpos = 0;
		c->rlen = (size_t)n;
		return 1;
	}
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n == 0)
		errno = 0;
	return -1;
}

/* Frame buffered bytes up to the first event. */
static enum line_event frame(struct ctrl *c)
{
	enum line_event ev;

	c->rpos += line_reader_feed(&c->lr, c->rbuf + c->rpos, c->rlen - c->rpos, &ev);
	return ev;
}

/* The current line is a copy: the reader may frame the next lines (during
 * a transfer) while the handler still reads this one. */
static void set_line(struct ctrl *c, const void *p, size_t len)
{
	if (p != c->cur)
		memcpy(c->cur, p, len);
	c->cur[len] = '\0';
	c->line = (const char *)c->cur;
	c->line_len = len;
}

/* The oldest queued line becomes the current one. */
static enum ctrl_status pop(struct ctrl *c)
{
	size_t len = c->q.len[0];
	bool too_long = c->q.too_long[0];

	memcpy(c->cur, c->q.bytes, len);
	memmove(c->q.bytes, c->q.bytes + len, c->q.used - len);
	c->q.used -= len;
	c->q.count--;
	memmove(c->q.len, c->q.len + 1, c->q.count * sizeof(c->q.len[0]));
	memmove(c->q.too_long, c->q.too_long + 1, c->q.count * sizeof(c->q.too_long[0]));
	set_line(c, c->cur, len);
	return too_long ? CTRL_TOO_LONG : CTRL_LINE;
}

enum ctrl_status ctrl_next(struct ctrl *c, long long deadline)
{
	if (c->q.count)
		return pop(c);
	if (c->held) {
		c->held = false;
		set_line(c, c->lr.buf, c->held_too_long ? 0 : c->lr.len);
		return c->held_too_long ? CTRL_TOO_LONG : CTRL_LINE;
	}
	if (c->eof) {
		errno = c->eof_errno;
		return c->eof_errno ? CTRL_ERROR : CTRL_EOF;
	}
	for (;;) {
		enum line_event ev;

		if (c->rpos == c->rlen) {
			int r = chan_wait(c->ch, CHAN_READ, deadline);

			if (r == 0)
				return CTRL_TIMEOUT;
			if (r < 0)
				return CTRL_ERROR;
			r = fill(c);
			if (r == 0) {
				/* a channel that could not go on after all: the
				 * deadline still holds */
				if (deadline_passed(deadline))
					return CTRL_TIMEOUT;
				continue;
			}
			if (r < 0)
				return errno == 0 || errno == ECONNRESET ? CTRL_EOF : CTRL_ERROR;
		}
		ev = frame(c);
		if (flush_telnet(c) < 0)
			return CTRL_ERROR;
		if (ev == LINE_READY) {
			set_line(c, c->lr.buf, c->lr.len);
			return CTRL_LINE;
		}
		if (ev == LINE_TOO_LONG) {
			set_line(c, c->lr.buf, 0);
			return CTRL_TOO_LONG;
		}
	}
}

bool ctrl_watching(const struct ctrl *c)
{
	return !c->eof && !c->held;
}

bool ctrl_buffered(const struct ctrl *c)
{
	return ctrl_watching(c) && (c->rpos < c->rlen || chan_pending(c->ch));
}

/* Queue the line the reader holds; false when it does not fit. */
static bool enqueue(struct ctrl *c, bool too_long)
{
	size_t len = too_long ? 0 : c->lr.len;

	if (c->q.count == CTRL_QUEUE_LINES || c->q.used + len > CTRL_QUEUE_BYTES)
		return false;
	memcpy(c->q.bytes + c->q.used, c->lr.buf, len);
	c->q.used += len;
	c->q.len[c->q.count] = len;
	c->q.too_long[c->q.count] = too_long;
	c->q.count++;
	return true;
}

static unsigned classify(const struct ctrl *c)
{
	struct command cmd;

	if (command_parse((const char *)c->lr.buf, c->lr.len, &cmd) != PARSE_OK)
		return 0;
	if (cmd.verb == VERB_ABOR)
		return WATCH_ABORT;
	return cmd.verb == VERB_QUIT ? WATCH_QUIT : 0;
}

/* Reads per ctrl_watch(): enough to drain what a client pipelines, few
 * enough that a flood of bytes without lines cannot starve a transfer. */
#define WATCH_READS 4

unsigned ctrl_watch(struct ctrl *c)
{
	unsigned seen = 0, reads = 0;

	while (ctrl_watching(c)) {
		enum line_event ev;

		if (c->rpos == c->rlen) {
			int r;

			if (reads++ == WATCH_READS)
				break;
			r = fill(c);
			if (r == 0)
				break;
			if (r < 0) {
				c->eof = true;
				c->eof_errno = errno == ECONNRESET ? 0 : errno;
				seen |= WATCH_GONE;
				break;
			}
		}
		ev = frame(c);
		if (flush_telnet(c) < 0) {
			c->eof = true;
			c->eof_errno = errno;
			seen |= WATCH_GONE;
			break;
		}
		if (ev == LINE_NONE)
			continue;
		if (ev == LINE_READY)
			seen |= classify(c);
		if (seen & WATCH_QUIT)
			c->saw_quit = true;
		if (!enqueue(c, ev == LINE_TOO_LONG)) {
			c->held = true;
			c->held_too_long = ev == LINE_TOO_LONG;
		}
	}
	return seen;
}

void ctrl_discard(struct ctrl *c)
{
	c->rpos = c->rlen = 0;
	line_reader_init(&c->lr);
	c->q.count = 0;
	c->q.used = 0;
	c->held = false;
}

int ctrl_wait_other(struct ctrl *c, struct pollfd *p, long long deadline, unsigned *seen)
{
	*seen = 0;
	for (;;) {
		struct pollfd fds[2];
		nfds_t n = 0;
		int r;

		if (ctrl_buffered(c)) {
			*seen = ctrl_watch(c);
			if (*seen)
				return 2;
			if (deadline_passed(deadline))
				return 0;
			if (ctrl_buffered(c))
				continue;
		}
		if (p)
			fds[n++] = *p;
		if (ctrl_watching(c))
			chan_pollfd(c->ch, CHAN_READ, &fds[n++]);
		r = poll(fds, n, deadline_poll_ms(deadline));
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			return 0;
		if (p && fds[0].revents) {
			p->revents = fds[0].revents;
			return 1;
		}
		*seen = ctrl_watch(c);
		if (*seen)
			return 2;
	}
}

int ctrl_reply(struct ctrl *c, int code, const char *text)
{
	char buf[REPLY_MAX];

	return ctrl_send(c, buf, reply_format(buf, sizeof(buf), code, text));
}

int ctrl_vreplyf(struct ctrl *c, int code, const char *fmt, va_list ap)
{
	char text[REPLY_MAX];

	vsnprintf(text, sizeof(text), fmt, ap);
	return ctrl_reply(c, code, text);
}

int ctrl_replyf(struct ctrl *c, int code, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = ctrl_vreplyf(c, code, fmt, ap);
	va_end(ap);
	return r;
}

int ctrl_reply_lines(struct ctrl *c, int code, const char *const *lines, size_t n)
{
	char buf[REPLY_MAX];

	return ctrl_send(c, buf, reply_format_lines(buf, sizeof(buf), code, lines, n));
}
