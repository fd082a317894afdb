/* wire.h - fixed-format messages between sockftpd's processes (pure):
 * little-endian integers and length-prefixed strings, written into and read
 * from bounded buffers.  A reader never trusts a length: every string is
 * checked against its bounds and for NUL bytes, and a message is good only
 * when it was read to its last byte (wire_done). */
#ifndef SOCKFTPD_WIRE_H
#define SOCKFTPD_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct wire_out {
	unsigned char *p;
	size_t cap, len;
	bool bad;          /* something did not fit */
};

struct wire_in {
	const unsigned char *p;
	size_t len, pos;
	bool bad;          /* short, too long, or a bad string */
};

static inline void wire_out_init(struct wire_out *w, unsigned char *p, size_t cap)
{
	w->p = p;
	w->cap = cap;
	w->len = 0;
	w->bad = false;
}

static inline void wire_in_init(struct wire_in *r, const unsigned char *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->pos = 0;
	r->bad = false;
}

static inline void wire_put_uint(struct wire_out *w, uint64_t v, size_t bytes)
{
	size_t i;

	if (w->bad || w->cap - w->len < bytes) {
		w->bad = true;
		return;
	}
	for (i = 0; i < bytes; i++)
		w->p[w->len++] = (unsigned char)(v >> (8 * i));
}

static inline void wire_put_u8(struct wire_out *w, unsigned v) { wire_put_uint(w, v, 1); }
static inline void wire_put_u32(struct wire_out *w, uint32_t v) { wire_put_uint(w, v, 4); }
static inline void wire_put_u64(struct wire_out *w, uint64_t v) { wire_put_uint(w, v, 8); }

/* A string of at most 65535 bytes: its length in two bytes, then the bytes. */
static inline void wire_put_str(struct wire_out *w, const char *s)
{
	size_t n = strlen(s);

	if (n > 0xffff) {
		w->bad = true;
		return;
	}
	wire_put_uint(w, n, 2);
	if (w->bad || w->cap - w->len < n) {
		w->bad = true;
		return;
	}
	memcpy(w->p + w->len, s, n);
	w->len += n;
}

/* The message's length, or 0 when it did not fit. */
static inline size_t wire_out_len(const struct wire_out *w)
{
	return w->bad ? 0 : w->len;
}

static inline uint64_t wire_get_uint(struct wire_in *r, size_t bytes)
{
	uint64_t v = 0;
	size_t i;

	if (r->bad || r->len - r->pos < bytes) {
		r->bad = true;
		return 0;
	}
	for (i = 0; i < bytes; i++)
		v |= (uint64_t)r->p[r->pos++] << (8 * i);
	return v;
}

static inline unsigned wire_get_u8(struct wire_in *r) { return (unsigned)wire_get_uint(r, 1); }
static inline uint32_t wire_get_u32(struct wire_in *r) { return (uint32_t)wire_get_uint(r, 4); }
static inline uint64_t wire_get_u64(struct wire_in *r) { return wire_get_uint(r, 8); }

/* A string of min to cap - 1 bytes without NUL, into out (cap bytes, NUL
 * terminated).  On any failure out is "" and the reader is bad. */
static inline void wire_get_str(struct wire_in *r, char *out, size_t cap, size_t min)
{
	size_t n = (size_t)wire_get_uint(r, 2);

	out[0] = '\0';
	if (r->bad || n < min || n >= cap || r->len - r->pos < n ||
	    memchr(r->p + r->pos, '\0', n)) {
		r->bad = true;
		return;
	}
	memcpy(out, r->p + r->pos, n);
	out[n] = '\0';
	r->pos += n;
}

/* Was the whole message read, and nothing was wrong? */
static inline bool wire_done(const struct wire_in *r)
{
	return !r->bad && r->pos == r->len;
}

#endif
