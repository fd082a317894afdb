/* Unit tests for the reply table and reply formatting. */
#include <criterion/criterion.h>
#include <string.h>

#include "reply.h"

static const int rfc959_codes[] = {
	110, 120, 125, 150, 200, 202, 211, 212, 213, 214, 215, 220, 221, 225,
	226, 227, 230, 250, 257, 331, 332, 350, 421, 425, 426, 450, 451, 452,
	500, 501, 502, 503, 504, 530, 532, 550, 551, 552, 553,
};

Test(reply, every_rfc959_code_has_a_text)
{
	for (size_t i = 0; i < sizeof(rfc959_codes) / sizeof(rfc959_codes[0]); i++) {
		const char *t = reply_text(rfc959_codes[i]);
		cr_assert_not_null(t, "%d", rfc959_codes[i]);
		cr_assert_gt(strlen(t), 0);
		cr_assert_null(strpbrk(t, "\r\n"));
	}
	cr_assert_null(reply_text(299));
	cr_assert_null(reply_text(0));
	cr_assert_not_null(reply_text(229)); /* RFC 2428 */
	cr_assert_not_null(reply_text(234)); /* RFC 2228 */
}

Test(reply, seed_texts_byte_for_byte)
{
	cr_assert_str_eq(reply_text(220), "Service ready for new user.");
	cr_assert_str_eq(reply_text(200), "Command okay.");
	cr_assert_str_eq(reply_text(500), "Syntax error, command unrecognized.");
	cr_assert_str_eq(reply_text(502), "Command not implemented.");
	cr_assert_str_eq(reply_text(221), "Service closing control connection.");
}

static void check(int code, const char *text, const char *expect)
{
	char buf[REPLY_MAX];
	size_t n = reply_format(buf, sizeof(buf), code, text);
	cr_assert_eq(n, strlen(expect), "got %.*s", (int)n, buf);
	cr_assert_eq(memcmp(buf, expect, n), 0);
}

Test(reply, single_line)
{
	check(220, NULL, "220 Service ready for new user.\r\n");
	check(257, "\"/a b\" is the current directory.", "257 \"/a b\" is the current directory.\r\n");
	check(299, NULL, "299 \r\n");
}

Test(reply, cr_and_lf_cannot_end_a_reply_early)
{
	char buf[64];
	size_t n = reply_format(buf, sizeof(buf), 550, "a\rb\nc");
	const char expect[] = "550 a\r\0b\0c\r\n";
	cr_assert_eq(n, sizeof(expect) - 1);
	cr_assert_eq(memcmp(buf, expect, n), 0);
}

Test(reply, truncated_text_still_ends_in_crlf)
{
	char buf[16], big[100];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	size_t n = reply_format(buf, sizeof(buf), 200, big);
	cr_assert_eq(n, sizeof(buf));
	cr_assert_eq(memcmp(buf, "200 xxxxxxxxxx\r\n", 16), 0);
	cr_assert_eq(reply_format(buf, 6, 200, "x"), 0);
	/* a CR never splits from its NUL at the cut */
	n = reply_format(buf, 9, 200, "\r\r\r");
	cr_assert_eq(n, 8);
	cr_assert_eq(memcmp(buf, "200 \r\0\r\n", 8), 0);
}

Test(reply, multi_line)
{
	char buf[REPLY_MAX];
	const char *lines[] = {"Extensions supported:", " EPSV", "UTF8", "2389 is an RFC", "End"};
	const char expect[] = "211-Extensions supported:\r\n EPSV\r\nUTF8\r\n 2389 is an RFC\r\n211 End\r\n";
	size_t n = reply_format_lines(buf, sizeof(buf), 211, lines, 5);
	cr_assert_eq(n, sizeof(expect) - 1, "%.*s", (int)n, buf);
	cr_assert_eq(memcmp(buf, expect, n), 0);

	n = reply_format_lines(buf, sizeof(buf), 200, lines, 1);
	cr_assert_eq(memcmp(buf, "200 Extensions supported:\r\n", n), 0);
}

Test(reply, multi_line_too_long_keeps_last_line)
{
	char buf[256];
	const char *lines[40];
	for (int i = 0; i < 40; i++)
		lines[i] = "a fairly long middle line of text";
	lines[0] = "first";
	lines[39] = "last";
	size_t n = reply_format_lines(buf, sizeof(buf), 214, lines, 40);
	cr_assert_leq(n, sizeof(buf));
	cr_assert_eq(memcmp(buf, "214-first\r\n", 11), 0);
	cr_assert_eq(memcmp(buf + n - 10, "214 last\r\n", 10), 0);
}
