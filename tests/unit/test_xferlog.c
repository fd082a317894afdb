/* Unit tests for the transfer log format. */
#include <criterion/criterion.h>
#include <string.h>

#include "xferlog.h"

static struct xferlog_record rec(void)
{
	struct xferlog_record r;

	memset(&r, 0, sizeof(r));
	r.when.tm_year = 126;
	r.when.tm_mon = 11;
	r.when.tm_mday = 1;
	r.when.tm_wday = 2;
	r.when.tm_hour = 3;
	r.when.tm_min = 4;
	r.when.tm_sec = 5;
	r.duration_ms = 2600;
	r.host = "192.0.2.7";
	r.bytes = 12345;
	r.root = "/srv/ftp/alice/";
	r.path = "/dir/file.txt";
	r.user = "alice";
	r.complete = true;
	return r;
}

Test(xferlog, the_fourteen_fields)
{
	char buf[512];
	struct xferlog_record r = rec();
	size_t n = xferlog_line(buf, sizeof(buf), &r);

	cr_assert_str_eq(buf, "Tue Dec 01 03:04:05 2026 3 192.0.2.7 12345 "
			 "/srv/ftp/alice/dir/file.txt b _ o r alice ftp 0 * c\n");
	cr_assert_eq(n, strlen(buf));
}

Test(xferlog, upload_ascii_anonymous_incomplete)
{
	char buf[512];
	struct xferlog_record r = rec();

	r.incoming = r.ascii = r.anonymous = true;
	r.complete = false;
	r.user = "anonymous";
	r.root = "/";
	xferlog_line(buf, sizeof(buf), &r);
	cr_assert_str_eq(buf, "Tue Dec 01 03:04:05 2026 3 192.0.2.7 12345 /dir/file.txt "
			 "a _ i a anonymous ftp 0 * i\n");
}

Test(xferlog, spaces_and_controls_in_names)
{
	char buf[512];
	struct xferlog_record r = rec();

	r.path = "/a b\tc\nd\re\x7f" "f";
	r.user = "x y";
	xferlog_line(buf, sizeof(buf), &r);
	cr_assert(strstr(buf, " /srv/ftp/alice/a_b_c_d_e_f b _ o r x_y ftp 0 * c\n"), "%s", buf);
	/* fourteen fields, whatever the names held */
	int fields = 0;
	for (char *t = strtok(buf, " \n"); t; t = strtok(NULL, " \n"))
		fields++;
	cr_assert_eq(fields, 18); /* the time is five words */
}

Test(xferlog, a_short_buffer_still_ends_the_line)
{
	char buf[40];
	struct xferlog_record r = rec();
	size_t n = xferlog_line(buf, sizeof(buf), &r);

	cr_assert_lt(n, sizeof(buf));
	cr_assert_eq(buf[n - 1], '\n');
}
