/* line.c - control-connection line framing with Telnet handling (pure). */
#include "line.h"

#include <string.h>

enum {
	T_SE = 240, T_NOP = 241, T_DM = 242, T_BRK = 243, T_IP = 244,
	T_AO = 245, T_AYT = 246, T_EC = 247, T_EL = 248, T_GA = 249,
	T_SB = 250, T_WILL = 251, T_WONT = 252, T_DO = 253, T_DONT = 254,
	T_IAC = 255,
};

enum { S_DATA, S_IAC, S_NEGOTIATE, S_SB, S_SB_IAC, S_CR };

void line_reader_init(struct line_reader *lr)
{
	/* the buffers need no clearing: a session that stays idle keeps
	 * them untouched, and so out of its memory */
	lr->len = 0;
	lr->discarding = lr->urgent = lr->last_urgent = lr->returned = false;
	lr->state = 0;
	lr->negotiation = 0;
	memset(lr->refused, 0, sizeof(lr->refused));
	lr->out_len = 0;
}

/* Refuse an option the peer offers (WILL -> DONT) or asks for (DO -> WONT),
 * once per option: answering again could loop with a peer that repeats. */
static void refuse(struct line_reader *lr, unsigned char verb, unsigned char opt)
{
	int kind = verb == T_WILL ? 0 : 1;
	unsigned char bit = (unsigned char)(1u << (opt & 7));

	if (lr->refused[kind][opt >> 3] & bit)
		return;
	lr->refused[kind][opt >> 3] |= bit;
	lr->out[lr->out_len++] = T_IAC;
	lr->out[lr->out_len++] = kind == 0 ? T_DONT : T_WONT;
	lr->out[lr->out_len++] = opt;
}

/* One data byte of the line.  Returns an event when it completes or
 * overflows the line. */
static enum line_event data_byte(struct line_reader *lr, unsigned char c)
{
	if (c == '\n') {
		bool was_discarding = lr->discarding;

		lr->discarding = false;
		if (lr->len > 0 && lr->buf[lr->len - 1] == '\r')
			lr->len--;
		lr->last_urgent = lr->urgent;
		lr->urgent = false;
		if (was_discarding) {
			lr->len = 0;
			return LINE_NONE;
		}
		lr->buf[lr->len] = '\0';
		return LINE_READY;
	}
	if (lr->discarding)
		return LINE_NONE;
	/* A CR may take the one spare byte: it is dropped if LF follows. */
	if (lr->len < LINE_MAX_BYTES || (lr->len == LINE_MAX_BYTES && c == '\r')) {
		lr->buf[lr->len++] = c;
		return LINE_NONE;
	}
	lr->discarding = true;
	lr->len = 0;
	return LINE_TOO_LONG;
}

/* The byte after an IAC. */
static enum line_event command_byte(struct line_reader *lr, unsigned char c)
{
	lr->state = S_DATA;
	switch (c) {
	case T_IAC:
		return data_byte(lr, c);
	case T_WILL: case T_WONT: case T_DO: case T_DONT:
		lr->negotiation = c;
		lr->state = S_NEGOTIATE;
		return LINE_NONE;
	case T_SB:
		lr->state = S_SB;
		return LINE_NONE;
	case T_IP: case T_DM: case T_AO: case T_BRK:
		lr->urgent = true;
		return LINE_NONE;
	case T_SE: case T_NOP: case T_AYT: case T_EC:
	case T_EL: case T_GA:
		return LINE_NONE;
	default:
		/* Not a Telnet command: a stray IAC (for example the urgent DM
		 * byte was taken out of band).  Keep the byte, drop the IAC. */
		if (c == '\r')
			lr->state = S_CR;
		return data_byte(lr, c);
	}
}

/* One byte of input, in whatever state the reader is. */
static enum line_event step(struct line_reader *lr, unsigned char c)
{
	switch (lr->state) {
	case S_CR:
		/* RFC 854: CR NUL is a bare CR. */
		lr->state = S_DATA;
		if (c == '\0')
			return LINE_NONE;
		/* fall through */
	case S_DATA:
		if (c == T_IAC) {
			lr->state = S_IAC;
			return LINE_NONE;
		}
		if (c == '\r')
			lr->state = S_CR;
		return data_byte(lr, c);
	case S_IAC:
		return command_byte(lr, c);
	case S_NEGOTIATE:
		lr->state = S_DATA;
		if (lr->negotiation == T_WILL || lr->negotiation == T_DO)
			refuse(lr, lr->negotiation, c);
		return LINE_NONE;
	case S_SB:
		if (c == T_IAC)
			lr->state = S_SB_IAC;
		return LINE_NONE;
	case S_SB_IAC:
		lr->state = c == T_SE ? S_DATA : S_SB;
		return LINE_NONE;
	}
	return LINE_NONE;
}

size_t line_reader_feed(struct line_reader *lr, const unsigned char *in,
			size_t n, enum line_event *ev)
{
	size_t i;

	if (lr->returned) {
		lr->returned = false;
		lr->len = 0;
	}
	*ev = LINE_NONE;
	for (i = 0; i < n; i++) {
		enum line_event e = step(lr, in[i]);

		if (e != LINE_NONE) {
			lr->returned = e == LINE_READY;
			*ev = e;
			return i + 1;
		}
	}
	return n;
}
