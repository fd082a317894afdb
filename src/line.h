/* line.h - control-connection line framing with Telnet handling (pure).
 *
 * Bytes from the peer go in; complete command lines come out.  Lines end in
 * CRLF or a bare LF.  Telnet commands (RFC 854) are removed from the data:
 * IAC IAC is one 0xFF data byte, IAC IP / IAC DM / IAC AO / IAC BRK mark the
 * next line as urgent (the Telnet "synch" an FTP client sends before ABOR),
 * WILL and DO are refused once per option with DONT and WONT, subnegotiations
 * are dropped.  A line longer than LINE_MAX_BYTES is reported at once and the
 * rest of it, up to its end, is discarded.  Memory use is fixed. */
#ifndef SOCKFTPD_LINE_H
#define SOCKFTPD_LINE_H

#include <stdbool.h>
#include <stddef.h>

/* Longest command line accepted, in bytes, not counting its CRLF. */
#define LINE_MAX_BYTES 8192

enum line_event {
	LINE_NONE,      /* all input consumed, no complete line yet */
	LINE_READY,     /* lr->buf holds a line of lr->len bytes */
	LINE_TOO_LONG,  /* the line in progress passed the limit; its rest is discarded */
};

struct line_reader {
	unsigned char buf[LINE_MAX_BYTES + 2]; /* room for a final CR and a NUL */
	size_t len;
	bool discarding;  /* inside an overlong line */
	bool urgent;      /* Telnet interrupt seen since the previous line */
	bool last_urgent; /* urgent flag of the line just returned */
	bool returned;    /* buf holds a returned line, cleared on the next feed */
	unsigned char state;
	unsigned char negotiation;      /* WILL/WONT/DO/DONT awaiting its option */
	unsigned char refused[2][32];   /* options already answered, per kind */
	unsigned char out[2 * 256 * 3]; /* Telnet replies to send; never overflows */
	size_t out_len;
};

void line_reader_init(struct line_reader *lr);

/* Consume input up to and including the first event.  Returns the number of
 * bytes consumed and stores the event.  After LINE_READY the line is in
 * lr->buf (NUL-terminated, but it may hold NUL bytes: use lr->len) and stays
 * valid until the next call.  Pending Telnet replies accumulate in lr->out. */
size_t line_reader_feed(struct line_reader *lr, const unsigned char *in,
			size_t n, enum line_event *ev);

#endif
