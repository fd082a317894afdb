/* Unit tests for the pure part of logging: escaping what the peer sent. */
#include <criterion/criterion.h>
#include <string.h>

#include "log.h"

Test(log, control_bytes_escaped)
{
	char buf[64];
	size_t n = log_escape(buf, sizeof(buf), "a\nb\r\0\x7f\x1b[2J", 10);
	cr_assert_str_eq(buf, "a\\x0ab\\x0d\\x00\\x7f\\x1b[2J");
	cr_assert_eq(n, strlen(buf));
}

Test(log, utf8_kept)
{
	char buf[64];
	log_escape(buf, sizeof(buf), "caf\xc3\xa9", 5);
	cr_assert_str_eq(buf, "caf\xc3\xa9");
}

Test(log, long_input_cut_with_ellipsis)
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
