/* The user process's requests and results: normalized paths only, no
 * field an operation does not use, and a round trip is exact. */
#include <criterion/criterion.h>
#include <string.h>

#include "fileproto.h"
#include "listing.h"

static struct fop_request rq;
static struct fop_result res;
static unsigned char buf[FOP_MSG_MAX];

static size_t format(enum fop op, const char *path, const char *path2)
{
	memset(&rq, 0, sizeof(rq));
	rq.op = op;
	strcpy(rq.path, path);
	strcpy(rq.path2, path2);
	return fop_format_request(buf, sizeof(buf), &rq);
}

Test(fileproto, normalized_paths)
{
	const char *good[] = {"/", "/a", "/a/b", "/a b/.c", "/...", "/a..", "/.a/b."};
	const char *bad[] = {"", "a", "//", "/a/", "/a//b", "/.", "/..", "/a/./b", "/a/../b",
			     "/a/.."};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		cr_expect(fop_path_ok(good[i]), "%s", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_not(fop_path_ok(bad[i]), "%s", bad[i]);
}

Test(fileproto, requests_round_trip)
{
	struct fop_request back;
	size_t n = format(FOP_RENAME, "/a/b", "/c");

	cr_assert_gt(n, 0);
	cr_assert_eq(fop_parse_request(buf, n, &back), 0);
	cr_assert_eq(memcmp(&rq, &back, sizeof(rq)), 0);
	for (size_t i = 0; i < n; i++)
		cr_expect_eq(fop_parse_request(buf, i, &back), -1, "prefix %zu", i);
	buf[n] = 0;
	cr_assert_eq(fop_parse_request(buf, n + 1, &back), -1);

	memset(&rq, 0, sizeof(rq));
	rq.op = FOP_UPLOAD;
	rq.arg = UPLOAD_APPEND;
	rq.off = 1234567890123LL;
	strcpy(rq.path, "/up.bin");
	n = fop_format_request(buf, sizeof(buf), &rq);
	cr_assert_eq(fop_parse_request(buf, n, &back), 0);
	cr_assert_eq(back.off, 1234567890123LL);
	cr_assert_eq(back.arg, UPLOAD_APPEND);

	/* a listing's prefix is the client's text, not a path */
	memset(&rq, 0, sizeof(rq));
	rq.op = FOP_LIST;
	rq.arg = 3;
	rq.flags = FACT_ALL | FOP_FILES_OK;
	strcpy(rq.path, "/d");
	strcpy(rq.path2, "../x y/");
	n = fop_format_request(buf, sizeof(buf), &rq);
	cr_assert_eq(fop_parse_request(buf, n, &back), 0);
	cr_assert_str_eq(back.path2, "../x y/");
}

Test(fileproto, what_an_operation_does_not_take_is_refused)
{
	/* not normalized, relative, or a second path where none goes */
	cr_assert_eq(format(FOP_OPEN_READ, "/a/../../etc/passwd", ""), 0);
	cr_assert_eq(format(FOP_OPEN_READ, "etc/passwd", ""), 0);
	cr_assert_eq(format(FOP_OPEN_READ, "/a", "/b"), 0);
	cr_assert_eq(format(FOP_RENAME, "/a", "../b"), 0);
	cr_assert_eq(format(FOP_UPLOAD_END, "/a", ""), 0);
	cr_assert_gt(format(FOP_UPLOAD_END, "", ""), 0);
	/* a set-id mode, a REST where none goes, unknown operations */
	memset(&rq, 0, sizeof(rq));
	rq.op = FOP_CHMOD;
	strcpy(rq.path, "/f");
	rq.arg = 01777;
	cr_assert_gt(fop_format_request(buf, sizeof(buf), &rq), 0);
	rq.arg = 04755;
	cr_assert_eq(fop_format_request(buf, sizeof(buf), &rq), 0);
	rq.arg = 0755;
	rq.off = 1;
	cr_assert_eq(fop_format_request(buf, sizeof(buf), &rq), 0);
	rq.off = 0;
	rq.op = FOP_COUNT;
	cr_assert_eq(fop_format_request(buf, sizeof(buf), &rq), 0);
	rq.op = 0;
	cr_assert_eq(fop_format_request(buf, sizeof(buf), &rq), 0);
	/* the same bytes made by hand are refused on arrival */
	memset(&rq, 0, sizeof(rq));
	rq.op = FOP_CHMOD;
	rq.arg = 0755;
	strcpy(rq.path, "/f");
	size_t n = fop_format_request(buf, sizeof(buf), &rq);
	struct fop_request back;

	buf[2] = 0x09;  /* arg 0x9ed = 04755 */
	cr_assert_eq(fop_parse_request(buf, n, &back), -1);
	buf[2] = 0x01;
	buf[0] = FOP_COUNT;
	cr_assert_eq(fop_parse_request(buf, n, &back), -1);
}

Test(fileproto, results_round_trip)
{
	struct fop_result back;
	size_t n;

	memset(&res, 0, sizeof(res));
	res.flags = FOP_CREATED | FOP_IN_PLACE;
	res.old_size = 99;
	res.warn = 1;
	res.st.st_mode = 0100644;
	res.st.st_nlink = 3;
	res.st.st_uid = 1001;
	res.st.st_gid = 1002;
	res.st.st_size = 1LL << 40;
	res.st.st_mtime = -5;
	strcpy(res.path, "/file.1");
	n = fop_format_result(buf, sizeof(buf), &res);
	cr_assert_gt(n, 0);
	cr_assert_eq(fop_parse_result(buf, n, &back), 0);
	cr_assert_eq(memcmp(&res, &back, sizeof(res)), 0);
	for (size_t i = 0; i < n; i++)
		cr_expect_eq(fop_parse_result(buf, i, &back), -1, "prefix %zu", i);
	/* a reason needs an errno; unknown flags and reasons are refused */
	res.why = WHY_NO_UNIQUE;
	cr_assert_eq(fop_format_result(buf, sizeof(buf), &res), 0);
	res.err = 17;
	cr_assert_gt(fop_format_result(buf, sizeof(buf), &res), 0);
	res.why = WHY_COUNT;
	cr_assert_eq(fop_format_result(buf, sizeof(buf), &res), 0);
	res.why = WHY_ERRNO;
	res.flags = 0x80;
	cr_assert_eq(fop_format_result(buf, sizeof(buf), &res), 0);
	res.flags = 0;
	n = fop_format_result(buf, sizeof(buf), &res);
	buf[0] ^= 1;  /* not a result */
	cr_assert_eq(fop_parse_result(buf, n, &back), -1);
}
