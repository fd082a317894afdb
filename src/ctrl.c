/* ctrl.c - the control channel. */
#include "ctrl.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "reply.h"

void ctrl_init(struct ctrl *c, int in_fd, int out_fd)
{
	c->in_fd = in_fd;
	c->out_fd = out_fd;
	c->rpos = c->rlen = 0;
	c->held = false;
	line_reader_init(&c->lr);
}

int ctrl_send(struct ctrl *c, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(c->out_fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Frame what is buffered; read once first when nothing is (blocking only
 * if the caller polled).  CTRL_NONE: the buffer is used up, no line yet. */
static enum ctrl_status step(struct ctrl *c)
{
	enum line_event ev;
	size_t used;

	if (c->rpos == c->rlen) {
		ssize_t n;

		do
			n = read(c->in_fd, c->rbuf, sizeof(c->rbuf));
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return errno == ECONNRESET ? CTRL_EOF : CTRL_ERROR;
		if (n == 0)
			return CTRL_EOF;
		c->rpos = 0;
		c->rlen = (size_t)n;
	}
	used = line_reader_feed(&c->lr, c->rbuf + c->rpos, c->rlen - c->rpos, &ev);
	c->rpos += used;
	if (c->lr.out_len) {
		/* Telnet refusals (DONT/WONT): bounded by the reader. */
		int r = ctrl_send(c, c->lr.out, c->lr.out_len);

		c->lr.out_len = 0;
		if (r < 0)
			return CTRL_ERROR;
	}
	if (ev == LINE_READY)
		return CTRL_LINE;
	if (ev == LINE_TOO_LONG)
		return CTRL_TOO_LONG;
	return CTRL_NONE;
}

enum ctrl_status ctrl_next(struct ctrl *c, int timeout_ms)
{
	if (c->held) {
		c->held = false;
		return CTRL_LINE;
	}
	for (;;) {
		enum ctrl_status st;

		if (c->rpos == c->rlen && timeout_ms >= 0) {
			struct pollfd p = {.fd = c->in_fd, .events = POLLIN};
			int r = poll(&p, 1, timeout_ms);

			if (r == 0)
				return CTRL_TIMEOUT;
			if (r < 0 && errno != EINTR)
				return CTRL_ERROR;
			if (r < 0)
				continue;
		}
		st = step(c);
		if (st != CTRL_NONE)
			return st;
	}
}

enum ctrl_status ctrl_poll_line(struct ctrl *c)
{
	if (c->held)
		return CTRL_NONE;
	return step(c);
}

int ctrl_reply(struct ctrl *c, int code, const char *text)
{
	char buf[REPLY_MAX];

	return ctrl_send(c, buf, reply_format(buf, sizeof(buf), code, text));
}

int ctrl_replyf(struct ctrl *c, int code, const char *fmt, ...)
{
	char text[REPLY_MAX - 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return ctrl_reply(c, code, text);
}

int ctrl_reply_lines(struct ctrl *c, int code, const char *const *lines, size_t n)
{
	char buf[REPLY_MAX];

	return ctrl_send(c, buf, reply_format_lines(buf, sizeof(buf), code, lines, n));
}
