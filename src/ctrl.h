/* ctrl.h - the control channel: bounded line reading, one write per reply. */
#ifndef SOCKFTPD_CTRL_H
#define SOCKFTPD_CTRL_H

#include <stdbool.h>
#include <stddef.h>

#include "line.h"

struct ctrl {
	int in_fd, out_fd;
	size_t rpos, rlen;
	bool held;      /* the current line is to be returned again */
	unsigned char rbuf[4096];
	struct line_reader lr;
};

enum ctrl_status {
	CTRL_LINE,      /* a command line: ctrl_line(), ctrl_line_len() */
	CTRL_TOO_LONG,  /* a line passed LINE_MAX_BYTES; its rest will be skipped */
	CTRL_EOF,       /* the peer closed the connection or input ended */
	CTRL_ERROR,     /* a read or write failed (errno says why) */
	CTRL_TIMEOUT,   /* nothing arrived in time */
	CTRL_NONE,      /* (ctrl_poll_line) no complete line yet */
};

void ctrl_init(struct ctrl *c, int in_fd, int out_fd);

/* Wait for the next line, at most timeout_ms (-1: for ever). */
enum ctrl_status ctrl_next(struct ctrl *c, int timeout_ms);

/* While a transfer runs: process what is buffered, reading at most once
 * (call it when the input is readable or ctrl_buffered() says so). */
enum ctrl_status ctrl_poll_line(struct ctrl *c);

/* Bytes already read but not yet framed into lines. */
static inline bool ctrl_buffered(const struct ctrl *c) { return c->rpos < c->rlen; }

/* Keep the current line: the next ctrl_next() returns it again. */
static inline void ctrl_hold(struct ctrl *c) { c->held = true; }

static inline const char *ctrl_line(const struct ctrl *c) { return (const char *)c->lr.buf; }
static inline size_t ctrl_line_len(const struct ctrl *c) { return c->lr.len; }
/* The line followed a Telnet interrupt (IP, DM, AO, BRK). */
static inline int ctrl_line_urgent(const struct ctrl *c) { return c->lr.last_urgent; }

/* Send bytes, all of them (retrying short writes).  0 or -1. */
int ctrl_send(struct ctrl *c, const void *buf, size_t len);

/* Send one reply in one write; text NULL is the standard text. */
int ctrl_reply(struct ctrl *c, int code, const char *text);
int ctrl_replyf(struct ctrl *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int ctrl_reply_lines(struct ctrl *c, int code, const char *const *lines, size_t n);

#endif
