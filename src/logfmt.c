/* logfmt.c - log text and journal fields (pure). */
#include "logfmt.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (n bytes left) and its code
 * point, or 0 when it is not valid (overlong, surrogate, beyond U+10FFFF,
 * truncated). */
static size_t utf8_char(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (len == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	*cp = c;
	return len;
}

/* Characters that must not reach a log as themselves. */
static bool unsafe(uint32_t c)
{
	return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x61c ||
	       c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029;
}

size_t log_escape(char *dst, size_t cap, const char *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0, i = 0;

	if (cap == 0)
		return 0;
	while (i < len) {
		uint32_t c = 0;
		size_t n = utf8_char(s + i, len - i, &c), need, k;
		bool esc = n == 0 || unsafe(c);

		if (n == 0)
			n = 1;
		need = esc ? 4 * n : c == '\\' ? 2 : n;
		if (o + need + 3 >= cap) {
			if (o + 3 < cap) {
				memcpy(dst + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (esc) {
			for (k = 0; k < n; k++) {
				dst[o++] = '\\';
				dst[o++] = 'x';
				dst[o++] = hex[s[i + k] >> 4];
				dst[o++] = hex[s[i + k] & 15];
			}
		} else if (c == '\\') {
			dst[o++] = '\\';
			dst[o++] = '\\';
		} else {
			memcpy(dst + o, s + i, n);
			o += n;
		}
		i += n;
	}
	dst[o] = '\0';
	return o;
}

size_t journal_field(char *buf, size_t cap, size_t len, const char *key, const char *value)
{
	size_t k = strlen(key), v = strlen(value), i;

	if (!memchr(value, '\n', v)) {
		if (len + k + 1 + v + 1 > cap)
			return len;
		memcpy(buf + len, key, k);
		buf[len + k] = '=';
		memcpy(buf + len + k + 1, value, v);
		buf[len + k + 1 + v] = '\n';
		return len + k + v + 2;
	}
	if (len + k + 1 + 8 + v + 1 > cap)
		return len;
	memcpy(buf + len, key, k);
	buf[len + k] = '\n';
	for (i = 0; i < 8; i++)
		buf[len + k + 1 + i] = (char)(unsigned char)((uint64_t)v >> (8 * i));
	memcpy(buf + len + k + 9, value, v);
	buf[len + k + 9 + v] = '\n';
	return len + k + v + 10;
}
