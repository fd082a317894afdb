/* ctrl.h - the control channel: bounded line reading, one write per reply. */
#ifndef SOCKFTPD_CTRL_H
#define SOCKFTPD_CTRL_H

#include <stddef.h>

#include "line.h"

struct ctrl {
	int in_fd, out_fd;
	size_t rpos, rlen;
	unsigned char rbuf[4096];
	struct line_reader lr;
};

enum ctrl_status {
	CTRL_LINE,      /* a command line: ctrl_line(), ctrl_line_len() */
	CTRL_TOO_LONG,  /* a line passed LINE_MAX_BYTES; its rest will be skipped */
	CTRL_EOF,       /* the peer closed the connection or input ended */
	CTRL_ERROR,     /* a read or write failed (errno says why) */
};

void ctrl_init(struct ctrl *c, int in_fd, int out_fd);

/* Wait for the next line. */
enum ctrl_status ctrl_next(struct ctrl *c);

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
