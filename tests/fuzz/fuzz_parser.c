/* fuzz_parser.c - libFuzzer target for the pure control-channel code:
 * line framing with Telnet handling (line.c), the command parser
 * (command.c) and reply formatting (reply.c).
 *
 * The input is the byte stream a client sends.  It is framed three times:
 * in chunks whose sizes come from a generator seeded by the input, one byte
 * per call, and all remaining bytes per call.  The three must give the same
 * events, lines, urgent flags and Telnet refusals.  Every line is checked,
 * parsed (from a heap copy of exactly its length, so ASan sees a read past
 * the end) and checked against the parser's contract.  Lines and raw pieces
 * of the input (with CR and LF) are then formatted as reply texts into heap
 * buffers of exactly the capacity given.
 *
 * Only properties that line.h, command.h and reply.h promise (or that follow
 * from line.c's state machine) are asserted.  A violation prints what failed
 * and aborts, so libFuzzer saves the input as a crash. */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "command.h"
#include "line.h"
#include "reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define T_IAC 255
#define T_WONT 252
#define T_DONT 254

#define CHECK(cond) \
	do { if (!(cond)) fail(__LINE__, #cond); } while (0)

static void fail(int line, const char *what)
{
	fprintf(stderr, "fuzz_parser.c:%d: invariant violated: %s\n", line, what);
	abort();
}

/* A growable record of what the reader produced, to compare runs. */
struct record {
	unsigned char *p;
	size_t len, cap;
};

static void put(struct record *r, const void *b, size_t n)
{
	if (n == 0)
		return;
	if (r->len + n > r->cap) {
		size_t cap = r->cap ? r->cap : 256;

		while (cap < r->len + n)
			cap *= 2;
		r->p = realloc(r->p, cap);
		CHECK(r->p != NULL);
		r->cap = cap;
	}
	memcpy(r->p + r->len, b, n);
	r->len += n;
}

static void put_event(struct record *r, char kind, const unsigned char *line,
		      size_t len, bool urgent)
{
	unsigned char head[1 + 1 + sizeof(size_t)];

	head[0] = (unsigned char)kind;
	head[1] = urgent;
	memcpy(head + 2, &len, sizeof(len));
	put(r, head, sizeof(head));
	put(r, line, len);
}

static bool same(const struct record *a, const struct record *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
}

/* xorshift64*: chunk sizes and reply parameters, reproducible per input. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static uint64_t seed_of(const uint8_t *d, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ d[i]) * 0x100000001b3ULL;
	return h ? h : 1;
}

/* ---- command_parse ---------------------------------------------------- */

static void check_parse(const unsigned char *bytes, size_t len)
{
	/* Exactly len bytes, no terminator: command_parse must not look past. */
	char *line = malloc(len ? len : 1);
	const char *sp;
	size_t wlen;
	struct command cmd;
	enum parse_status st;
	int v, lin = -1, i;

	CHECK(line != NULL);
	if (len)
		memcpy(line, bytes, len);
	st = command_parse(line, len, &cmd);
	sp = memchr(line, ' ', len);
	wlen = sp ? (size_t)(sp - line) : len;
	CHECK(cmd.word == line);
	CHECK(cmd.word_len == wlen);
	if (len == 0) {
		CHECK(st == PARSE_EMPTY);
		free(line);
		return;
	}
	CHECK(st != PARSE_EMPTY);
	v = verb_lookup(line, wlen);
	/* The binary search against a plain scan of the table. */
	for (i = 0; i < VERB_COUNT; i++) {
		const char *name = verb_name((enum verb)i);

		if (strlen(name) == wlen && memchr(line, '\0', wlen) == NULL &&
		    strncasecmp(name, line, wlen) == 0)
			lin = i;
	}
	CHECK(v == lin);
	if (v < 0) {
		CHECK(st == PARSE_UNKNOWN);
		free(line);
		return;
	}
	CHECK(st == PARSE_OK || st == PARSE_NUL_ARG);
	CHECK(cmd.verb == (enum verb)v);
	CHECK(cmd.has_arg == (sp != NULL));
	if (sp) {
		CHECK(cmd.arg == sp + 1);
		CHECK(cmd.arg_len == len - wlen - 1);
		CHECK((memchr(cmd.arg, '\0', cmd.arg_len) != NULL) == (st == PARSE_NUL_ARG));
	} else {
		CHECK(st == PARSE_OK);
		CHECK(cmd.arg == line + len);
		CHECK(cmd.arg_len == 0);
	}
	free(line);
}

/* ---- reply_format / reply_format_lines -------------------------------- */

/* Decode one reply line's text (CR NUL -> CR, NUL -> LF) and check that it
 * is a prefix of want.  Returns the decoded length. */
static size_t check_text(const char *p, size_t n, const char *want)
{
	size_t i = 0, k = 0, wl = strlen(want);

	while (i < n) {
		char c = p[i++];

		CHECK(c != '\n');
		if (c == '\r') {
			CHECK(i < n && p[i] == '\0');
			i++;
		} else if (c == '\0') {
			c = '\n';
		}
		CHECK(k < wl && want[k] == c);
		k++;
	}
	return k;
}

static size_t encoded_len(const char *t)
{
	size_t n = 0;

	for (; *t; t++)
		n += *t == '\r' ? 2 : 1;
	return n;
}

/* Split a formatted reply into its lines at CRLF (the text cannot contain
 * one: CR is sent as CR NUL, LF as NUL).  Returns the number of lines. */
static size_t split_reply(const char *buf, size_t n, const char **start, size_t *len,
			  size_t max)
{
	size_t i = 0, from = 0, count = 0;

	CHECK(n >= 2 && buf[n - 2] == '\r' && buf[n - 1] == '\n');
	while (i < n) {
		if (buf[i] == '\r' && i + 1 < n && buf[i + 1] == '\n') {
			CHECK(count < max);
			start[count] = buf + from;
			len[count++] = i - from;
			i += 2;
			from = i;
		} else if (buf[i] == '\r') {
			CHECK(i + 1 < n && buf[i + 1] == '\0');
			i += 2;
		} else {
			CHECK(buf[i] != '\n');
			i++;
		}
	}
	CHECK(from == n);
	return count;
}

static void code_text(char out[4], int code)
{
	if (code < 100 || code > 999)
		code = 451;
	snprintf(out, 4, "%03d", code);
}

static void check_reply(int code, const char *text, size_t cap)
{
	char *buf = malloc(cap ? cap : 1);
	const char *want = text ? text : reply_text(code);
	const char *start[2];
	size_t len[2], n, got;
	char c[4];

	CHECK(buf != NULL);
	if (!want)
		want = "";
	n = reply_format(buf, cap, code, text);
	CHECK(n <= cap);
	if (cap < 7) {
		CHECK(n == 0);
		free(buf);
		return;
	}
	CHECK(split_reply(buf, n, start, len, 2) == 1);
	code_text(c, code);
	CHECK(len[0] >= 4 && memcmp(start[0], c, 3) == 0 && start[0][3] == ' ');
	got = check_text(start[0] + 4, len[0] - 4, want);
	/* cut only when it does not fit */
	if (4 + encoded_len(want) + 2 <= cap)
		CHECK(got == strlen(want));
	free(buf);
}

#define MAX_TEXTS 16

static void check_reply_lines(int code, const char *const *lines, size_t nl, size_t cap)
{
	char *buf = malloc(cap ? cap : 1);
	const char *start[MAX_TEXTS + 1];
	size_t len[MAX_TEXTS + 1], n, count, i;
	char c[4];

	CHECK(buf != NULL);
	n = reply_format_lines(buf, cap, code, lines, nl);
	CHECK(n <= cap);
	if (nl <= 1 || cap < 7 + 64 + 7) {
		/* the single-line forms: reply_format() of the only or last line */
		const char *t = nl ? lines[nl - 1] : NULL;
		char *one = malloc(cap ? cap : 1);

		CHECK(one != NULL);
		CHECK(reply_format(one, cap, code, t) == n);
		CHECK(n == 0 || memcmp(one, buf, n) == 0);
		free(one);
		free(buf);
		check_reply(code, t, cap);
		return;
	}
	count = split_reply(buf, n, start, len, MAX_TEXTS + 1);
	code_text(c, code);
	CHECK(count >= 2 && count <= nl);
	/* "CODE-first" */
	CHECK(len[0] >= 4 && memcmp(start[0], c, 3) == 0 && start[0][3] == '-');
	check_text(start[0] + 4, len[0] - 4, lines[0]);
	/* middle lines, in order, never mistakable for the last one */
	for (i = 1; i + 1 < count; i++) {
		const char *p = start[i];
		size_t l = len[i];

		if (l > 0)
			CHECK(!(p[0] >= '0' && p[0] <= '9'));
		if (lines[i][0] >= '0' && lines[i][0] <= '9') {
			CHECK(l >= 1 && p[0] == ' ');
			p++;
			l--;
		}
		check_text(p, l, lines[i]);
	}
	/* "CODE last", always there, and whole when it is short */
	CHECK(len[count - 1] >= 4 && memcmp(start[count - 1], c, 3) == 0 &&
	      start[count - 1][3] == ' ');
	if (check_text(start[count - 1] + 4, len[count - 1] - 4, lines[nl - 1]) <
	    strlen(lines[nl - 1]))
		CHECK(encoded_len(lines[nl - 1]) > 64);
	free(buf);
}

static int pick_code(uint64_t *s)
{
	static const int edge[] = {INT_MIN, -1, 0, 99, 100, 999, 1000, INT_MAX};
	uint64_t r = rnd(s);

	switch (r % 4) {
	case 0: case 1:
		return 100 + (int)((r >> 8) % 600);
	case 2:
		return (int)(uint32_t)(r >> 16);
	default:
		return edge[(r >> 8) % (sizeof(edge) / sizeof(edge[0]))];
	}
}

static size_t pick_cap(uint64_t *s)
{
	uint64_t r = rnd(s);

	switch (r % 4) {
	case 0:
		return REPLY_MAX;
	case 1:
		return (size_t)(r >> 8) % 100;      /* around the small limits */
	default:
		return (size_t)(r >> 8) % (REPLY_MAX + 64);
	}
}

/* ---- line_reader_feed -------------------------------------------------- */

enum chunking { CHUNK_RANDOM, CHUNK_BYTE, CHUNK_ALL };

struct pass {
	struct record events;   /* 'L' lines and 'T' too-long, in order */
	struct record telnet;   /* refusals sent, in order */
};

struct facts {
	bool has_iac;           /* the input holds a 0xFF byte */
	bool has_iac_iac;       /* ... two in a row, the only source of data 0xFF */
	char *texts[MAX_TEXTS]; /* the first lines, as C strings, for replies */
	size_t ntexts;
};

static void on_line(const struct line_reader *lr, const struct facts *f)
{
	CHECK(lr->len <= LINE_MAX_BYTES);
	CHECK(lr->buf[lr->len] == '\0');
	CHECK(memchr(lr->buf, '\n', lr->len) == NULL);
	if (!f->has_iac_iac)
		CHECK(memchr(lr->buf, T_IAC, lr->len) == NULL);
	if (!f->has_iac)
		CHECK(!lr->last_urgent);
}

/* The refusals added to lr->out since offset from. */
static void on_telnet(const struct line_reader *lr, size_t from, const struct facts *f,
		      bool refused[2][256])
{
	size_t i;

	CHECK(lr->out_len <= sizeof(lr->out));
	CHECK(lr->out_len >= from);
	CHECK(lr->out_len % 3 == 0);
	if (!f->has_iac)
		CHECK(lr->out_len == 0);
	for (i = from; i < lr->out_len; i += 3) {
		int kind = lr->out[i + 1] == T_DONT ? 0 : 1;

		CHECK(lr->out[i] == T_IAC);
		CHECK(lr->out[i + 1] == T_DONT || lr->out[i + 1] == T_WONT);
		/* once per option and kind, so a repeating peer cannot loop us */
		CHECK(!refused[kind][lr->out[i + 2]]);
		refused[kind][lr->out[i + 2]] = true;
	}
}

static void frame(const uint8_t *data, size_t size, enum chunking how, uint64_t seed,
		  struct facts *f, struct pass *out)
{
	static struct line_reader lr;
	static bool refused[2][256];
	size_t pos = 0, sent = 0;

	line_reader_init(&lr);
	memset(refused, 0, sizeof(refused));
	while (pos < size) {
		size_t chunk, left;
		unsigned char *copy;
		const unsigned char *p;

		switch (how) {
		case CHUNK_BYTE:
			chunk = 1;
			break;
		case CHUNK_ALL:
			chunk = size - pos;
			break;
		default: {
			uint64_t r = rnd(&seed);

			/* mostly small pieces, sometimes large ones */
			chunk = r % 8 == 0 ? (size_t)(r >> 8) % 16384 + 1 : (size_t)(r >> 8) % 64 + 1;
			if (chunk > size - pos)
				chunk = size - pos;
			/* an empty feed now and then: allowed, it only ends the
			 * previous line's validity */
			if (r % 32 == 1) {
				enum line_event ev;

				CHECK(line_reader_feed(&lr, data + pos, 0, &ev) == 0);
				CHECK(ev == LINE_NONE);
			}
			break;
		}
		}
		/* Random chunks are fed from heap copies of exactly their size,
		 * so a read past a chunk is caught (the whole input is one such
		 * copy already). */
		copy = NULL;
		p = data + pos;
		if (how == CHUNK_RANDOM) {
			copy = malloc(chunk);
			CHECK(copy != NULL);
			memcpy(copy, data + pos, chunk);
			p = copy;
		}
		left = chunk;
		while (left > 0) {
			enum line_event ev;
			size_t used = line_reader_feed(&lr, p, left, &ev);

			CHECK(used >= 1 && used <= left);
			CHECK(ev == LINE_NONE || ev == LINE_READY || ev == LINE_TOO_LONG);
			if (ev == LINE_NONE)
				CHECK(used == left);
			on_telnet(&lr, sent, f, refused);
			put(&out->telnet, lr.out + sent, lr.out_len - sent);
			/* ctrl.c sends and forgets them; CHUNK_ALL never does, to
			 * show that the buffer holds every refusal there can be */
			if (how != CHUNK_ALL)
				lr.out_len = 0;
			else
				sent = lr.out_len;
			if (ev == LINE_READY) {
				on_line(&lr, f);
				put_event(&out->events, 'L', lr.buf, lr.len, lr.last_urgent);
				if (how == CHUNK_RANDOM) {
					check_parse(lr.buf, lr.len);
					if (f->ntexts < MAX_TEXTS) {
						char *t = malloc(lr.len + 1);

						CHECK(t != NULL);
						memcpy(t, lr.buf, lr.len + 1);
						f->texts[f->ntexts++] = t;
					}
				}
			} else if (ev == LINE_TOO_LONG) {
				CHECK(lr.len == 0 && lr.discarding);
				put_event(&out->events, 'T', NULL, 0, false);
			}
			p += used;
			left -= used;
		}
		free(copy);
		pos += chunk;
	}
}

/* What the framing must give for an input without any 0xFF byte, from the
 * documented rules alone: lines end at LF, one CR before it is dropped, a
 * NUL right after a CR is dropped (RFC 854 CR NUL), a line is at most
 * LINE_MAX_BYTES and an overlong one is reported once and skipped to its
 * LF. */
static void model(const uint8_t *d, size_t n, struct pass *out)
{
	unsigned char *line = malloc(LINE_MAX_BYTES + 1);
	size_t len = 0, i;
	bool discarding = false, after_cr = false;

	CHECK(line != NULL);
	for (i = 0; i < n; i++) {
		unsigned char c = d[i];

		if (after_cr && c == '\0') {
			after_cr = false;
			continue;
		}
		after_cr = c == '\r';
		if (c == '\n') {
			if (!discarding) {
				if (len > 0 && line[len - 1] == '\r')
					len--;
				put_event(&out->events, 'L', line, len, false);
			}
			discarding = false;
			len = 0;
			continue;
		}
		if (discarding)
			continue;
		/* the CR of a maximal line's CRLF may take one more byte */
		if (len < LINE_MAX_BYTES || (len == LINE_MAX_BYTES && c == '\r')) {
			line[len++] = c;
		} else {
			put_event(&out->events, 'T', NULL, 0, false);
			discarding = true;
			len = 0;
		}
	}
	free(line);
}

static void free_pass(struct pass *p)
{
	free(p->events.p);
	free(p->telnet.p);
}

static void static_checks(void)
{
	static bool done;
	int v;

	if (done)
		return;
	done = true;
	for (v = 0; v < VERB_COUNT; v++) {
		const char *name = verb_name((enum verb)v);
		char lower[8];
		size_t i, n = strlen(name);

		CHECK(n >= 3 && n <= VERB_MAX_LEN);
		CHECK(verb_lookup(name, n) == v);
		for (i = 0; i < n; i++)
			lower[i] = (char)(name[i] | 0x20);
		CHECK(verb_lookup(lower, n) == v);
		if (v > 0)
			CHECK(strcmp(verb_name((enum verb)(v - 1)), name) < 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct facts f;
	struct pass a = {0}, b = {0}, c = {0};
	uint64_t seed = seed_of(data, size), s2;
	size_t i;

	static_checks();
	memset(&f, 0, sizeof(f));
	f.has_iac = memchr(data, T_IAC, size) != NULL;
	for (i = 0; i + 1 < size && !f.has_iac_iac; i++)
		f.has_iac_iac = data[i] == T_IAC && data[i + 1] == T_IAC;

	frame(data, size, CHUNK_RANDOM, seed, &f, &a);
	frame(data, size, CHUNK_BYTE, 0, &f, &b);
	frame(data, size, CHUNK_ALL, 0, &f, &c);
	/* chunk boundaries must not matter */
	CHECK(same(&a.events, &b.events));
	CHECK(same(&a.events, &c.events));
	CHECK(same(&a.telnet, &b.telnet));
	CHECK(same(&a.telnet, &c.telnet));
	if (!f.has_iac) {
		struct pass m = {0};

		model(data, size, &m);
		CHECK(same(&a.events, &m.events));
		free_pass(&m);
	}
	free_pass(&a);
	free_pass(&b);
	free_pass(&c);

	/* Replies with the lines as texts, and raw pieces of the input, which
	 * may hold CR and LF. */
	s2 = seed ^ 0x9e3779b97f4a7c15ULL;
	while (size > 0 && f.ntexts < MAX_TEXTS && rnd(&s2) % 4 != 0) {
		uint64_t r = rnd(&s2);
		size_t from = (size_t)(r % size), n = (size_t)(r >> 32) % 300;
		char *t;

		if (r % 16 == 0)
			n = (size_t)(r >> 32) % (2 * REPLY_MAX);
		if (n > size - from)
			n = size - from;
		t = malloc(n + 1);
		CHECK(t != NULL);
		memcpy(t, data + from, n);
		t[n] = '\0';
		f.texts[f.ntexts++] = t;
	}
	for (i = 0; i < f.ntexts && i < 4; i++)
		check_reply(pick_code(&s2), rnd(&s2) % 8 ? f.texts[i] : NULL, pick_cap(&s2));
	if (f.ntexts == 0)
		check_reply(pick_code(&s2), NULL, pick_cap(&s2));
	check_reply_lines(pick_code(&s2), (const char *const *)f.texts, f.ntexts,
			  pick_cap(&s2));
	for (i = 0; i < f.ntexts; i++)
		free(f.texts[i]);
	return 0;
}
