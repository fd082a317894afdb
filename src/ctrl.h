/* ctrl.h - the control channel: bounded line reading over a chan, one write
 * per reply, every reply sent before a deadline, and the watch kept while a
 * transfer runs: lines that arrive then wait in a small bounded queue, in
 * order, and an ABOR among them is seen at once.  A client that sends more
 * than the queue holds is no longer read until the transfer ends (TCP
 * holds the rest): its ABOR, too, waits until then. */
#ifndef SOCKFTPD_CTRL_H
#define SOCKFTPD_CTRL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "chan.h"
#include "line.h"

/* What may wait while a transfer runs; when it is full the control
 * connection is not read until the transfer ends (TCP holds the rest), so
 * memory stays bounded and no line is lost or answered out of order. */
#define CTRL_QUEUE_LINES 16
#define CTRL_QUEUE_BYTES 16384

struct ctrl {
	struct chan *ch;
	unsigned send_ms;      /* each reply must be sent within this */
	long long send_cap;    /* ... and before this (DEADLINE_NONE: no cap) */
	size_t rpos, rlen;
	unsigned char rbuf[4096];
	struct line_reader lr;
	bool held;             /* lr holds a framed line the full queue could not take */
	bool held_too_long;
	bool eof;              /* the peer closed while a transfer ran */
	bool saw_quit;         /* ... after a QUIT: in order */
	int eof_errno;         /* why, when it was not an orderly close */
	struct {
		unsigned count;
		size_t used;
		size_t len[CTRL_QUEUE_LINES];
		bool too_long[CTRL_QUEUE_LINES];
		unsigned char bytes[CTRL_QUEUE_BYTES];
	} q;
	unsigned char cur[LINE_MAX_BYTES + 1]; /* the current line (a copy) */
	const char *line;      /* cur, for ctrl_line() */
	size_t line_len;
};

enum ctrl_status {
	CTRL_LINE,      /* a command line: ctrl_line(), ctrl_line_len() */
	CTRL_TOO_LONG,  /* a line passed LINE_MAX_BYTES; its rest is skipped */
	CTRL_EOF,       /* the peer closed the connection or input ended */
	CTRL_ERROR,     /* reading failed (errno says why) */
	CTRL_TIMEOUT,   /* the deadline passed */
};

/* ctrl_watch() results, as bits. */
enum {
	WATCH_ABORT = 1 << 0,  /* ABOR arrived (it is queued: its 226 comes in turn) */
	WATCH_QUIT = 1 << 1,   /* QUIT arrived (queued) */
	WATCH_GONE = 1 << 2,   /* the peer closed, or reading failed */
};

void ctrl_init(struct ctrl *c, struct chan *ch, unsigned send_ms);

/* The next line: queued ones first, then from the connection, waiting at
 * most until deadline (DEADLINE_NONE: for ever). */
enum ctrl_status ctrl_next(struct ctrl *c, long long deadline);

static inline const char *ctrl_line(const struct ctrl *c) { return c->line; }
static inline size_t ctrl_line_len(const struct ctrl *c) { return c->line_len; }

/* While a transfer runs.  Does ctrl_watch() want to be called when the
 * control channel is readable?  (Not after the peer closed, nor while the
 * queue is full.)  Then: has it buffered bytes a poll would not see? */
bool ctrl_watching(const struct ctrl *c);
bool ctrl_buffered(const struct ctrl *c);
/* Read what is there (never blocks) and queue the lines; WATCH_* bits. */
unsigned ctrl_watch(struct ctrl *c);

/* Wait until p is ready (p may be NULL: only wait) or the deadline passes,
 * watching the control channel meanwhile: its lines are queued, and the wait
 * ends early when one of them matters.  Returns 1: p is ready; 0: the
 * deadline passed; -1: poll failed (errno); 2: *seen holds WATCH_* bits. */
int ctrl_wait_other(struct ctrl *c, struct pollfd *p, long long deadline, unsigned *seen);

/* Drop everything read but not yet answered: the buffer, the reader's
 * partial line, the queue (what a client sent in clear after AUTH TLS). */
void ctrl_discard(struct ctrl *c);

/* Send bytes before the send deadline.  0 or -1 with errno. */
int ctrl_send(struct ctrl *c, const void *buf, size_t len);

/* Send one reply in one write; text NULL is the standard text. */
int ctrl_reply(struct ctrl *c, int code, const char *text);
int ctrl_replyf(struct ctrl *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int ctrl_vreplyf(struct ctrl *c, int code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int ctrl_reply_lines(struct ctrl *c, int code, const char *const *lines, size_t n);

#endif
