/* ascii.c - TYPE A conversions (pure). */
#include "ascii.h"

#include <string.h>

size_t ascii_to_crlf(const char *in, size_t n, char *out)
{
	size_t o = 0;

	while (n > 0) {
		const char *lf = memchr(in, '\n', n);
		size_t run = lf ? (size_t)(lf - in) : n;

		memcpy(out + o, in, run);
		o += run;
		if (!lf)
			break;
		out[o++] = '\r';
		out[o++] = '\n';
		in += run + 1;
		n -= run + 1;
	}
	return o;
}

size_t ascii_from_crlf(struct ascii_in *st, const char *in, size_t n, char *out)
{
	size_t o = 0, i;

	for (i = 0; i < n; i++) {
		char c = in[i];

		if (st->held_cr) {
			st->held_cr = false;
			if (c != '\n')
				out[o++] = '\r';
		}
		if (c == '\r')
			st->held_cr = true;
		else
			out[o++] = c;
	}
	return o;
}

size_t ascii_from_crlf_end(struct ascii_in *st, char *out)
{
	if (!st->held_cr)
		return 0;
	st->held_cr = false;
	out[0] = '\r';
	return 1;
}
