/* Unit tests for logfmt.c: what the peer sent, made safe for a log line,
 * and the journal's datagram fields. */
#include <criterion/criterion.h>
#include <string.h>

#include "logfmt.h"

static const char *esc(const char *in, size_t len)
{
	static char buf[256];

	log_escape(buf, sizeof(buf), in, len);
	return buf;
}

Test(logfmt, control_bytes_escaped)
{
	char buf[64];
	size_t n = log_escape(buf, sizeof(buf), "a\nb\r\0\x7f\x1b[2J", 10);
	cr_assert_str_eq(buf, "a\\x0ab\\x0d\\x00\\x7f\\x1b[2J");
	cr_assert_eq(n, strlen(buf));
}

Test(logfmt, utf8_kept)
{
	cr_assert_str_eq(esc("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14),
			 "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
}

Test(logfmt, c1_controls_escaped)
{
	/* U+0085 NEL and U+009B CSI, which some terminals obey */
	cr_assert_str_eq(esc("a\xc2\x85" "b\xc2\x9b" "c", 7), "a\\xc2\\x85b\\xc2\\x9bc");
}

Test(logfmt, bidi_controls_escaped)
{
	/* U+202E RIGHT-TO-LEFT OVERRIDE, U+2066 LRI, U+200F RLM, U+061C ALM */
	cr_assert_str_eq(esc("x\xe2\x80\xae" "y", 5), "x\\xe2\\x80\\xaey");
	cr_assert_str_eq(esc("\xe2\x81\xa6", 3), "\\xe2\\x81\\xa6");
	cr_assert_str_eq(esc("\xe2\x80\x8f", 3), "\\xe2\\x80\\x8f");
	cr_assert_str_eq(esc("\xd8\x9c", 2), "\\xd8\\x9c");
	/* line and paragraph separators */
	cr_assert_str_eq(esc("\xe2\x80\xa8\xe2\x80\xa9", 6), "\\xe2\\x80\\xa8\\xe2\\x80\\xa9");
}

Test(logfmt, invalid_utf8_escaped_bytewise)
{
	/* a lone continuation byte, an overlong slash, a surrogate, beyond
	 * U+10FFFF, a truncated sequence at the end */
	cr_assert_str_eq(esc("\x80", 1), "\\x80");
	cr_assert_str_eq(esc("\xc0\xaf", 2), "\\xc0\\xaf");
	cr_assert_str_eq(esc("\xed\xa0\x80", 3), "\\xed\\xa0\\x80");
	cr_assert_str_eq(esc("\xf4\x90\x80\x80", 4), "\\xf4\\x90\\x80\\x80");
	cr_assert_str_eq(esc("ok\xe2\x82", 4), "ok\\xe2\\x82");
	cr_assert_str_eq(esc("\xff", 1), "\\xff");
}

Test(logfmt, backslash_doubled)
{
	/* so that a name cannot pretend to hold an escape */
	cr_assert_str_eq(esc("a\\x0ab", 6), "a\\\\x0ab");
}

Test(logfmt, long_input_cut_with_ellipsis)
{
	char buf[16], in[100];
	memset(in, 'q', sizeof(in));
	size_t n = log_escape(buf, sizeof(buf), in, sizeof(in));
	cr_assert_lt(n, sizeof(buf));
	cr_assert_eq(strcmp(buf + n - 3, "..."), 0);
	cr_assert_eq(log_escape(buf, 0, in, 1), 0);
	log_escape(buf, 1, in, 5);
	cr_assert_str_eq(buf, "");
}

Test(logfmt, never_cut_inside_a_character)
{
	char buf[12];
	/* 4-byte characters: the cut comes between two of them */
	log_escape(buf, sizeof(buf), "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 12);
	cr_assert_str_eq(buf, "\xf0\x9f\x98\x80\xf0\x9f\x98\x80...");
}

Test(logfmt, journal_text_field)
{
	char buf[64];
	size_t n = journal_field(buf, sizeof(buf), 0, "MESSAGE", "hello");
	n = journal_field(buf, sizeof(buf), n, "PRIORITY", "6");
	cr_assert_eq(n, 25);
	cr_assert_eq(memcmp(buf, "MESSAGE=hello\nPRIORITY=6\n", 25), 0);
}

Test(logfmt, journal_binary_field_for_newlines)
{
	char buf[64];
	size_t n = journal_field(buf, sizeof(buf), 0, "M", "a\nb");
	cr_assert_eq(n, 1 + 1 + 8 + 3 + 1);
	cr_assert_eq(memcmp(buf, "M\n\x03\0\0\0\0\0\0\0a\nb\n", n), 0);
}

Test(logfmt, journal_field_that_does_not_fit_is_left_out)
{
	char buf[16];
	cr_assert_eq(journal_field(buf, 10, 0, "MESSAGE", "too long"), 0);
	cr_assert_eq(journal_field(buf, 10, 3, "A", "bcdef"), 3);
	cr_assert_eq(journal_field(buf, sizeof(buf), 3, "A", "bcdef"), 3 + 8);
}
