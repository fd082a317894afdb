/* Unit tests for TYPE A conversions. */
#include <criterion/criterion.h>
#include <string.h>

#include "ascii.h"

Test(ascii, to_crlf)
{
	char out[64];
	size_t n = ascii_to_crlf("a\nb\n\nc", 6, out);
	cr_assert_eq(n, 9);
	cr_assert_eq(memcmp(out, "a\r\nb\r\n\r\nc", 9), 0);
	cr_assert_eq(ascii_to_crlf("", 0, out), 0);
}

Test(ascii, from_crlf_across_every_split)
{
	const char in[] = "a\r\nb\rc\r\r\nd\r";
	const char want[] = "a\nb\rc\r\nd\r";
	for (size_t cut = 0; cut <= sizeof(in) - 1; cut++) {
		struct ascii_in st = {false};
		char out[64];
		size_t n = ascii_from_crlf(&st, in, cut, out);
		n += ascii_from_crlf(&st, in + cut, sizeof(in) - 1 - cut, out + n);
		n += ascii_from_crlf_end(&st, out + n);
		cr_assert_eq(n, sizeof(want) - 1, "cut %zu", cut);
		cr_assert_eq(memcmp(out, want, n), 0, "cut %zu", cut);
	}
}

Test(ascii, round_trip)
{
	const char text[] = "line one\nline two\n\nlast";
	char crlf[64], back[64];
	struct ascii_in st = {false};
	size_t n = ascii_to_crlf(text, sizeof(text) - 1, crlf);
	size_t m = ascii_from_crlf(&st, crlf, n, back);
	m += ascii_from_crlf_end(&st, back + m);
	cr_assert_eq(m, sizeof(text) - 1);
	cr_assert_eq(memcmp(back, text, m), 0);
}
