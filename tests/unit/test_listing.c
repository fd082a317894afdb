/* Unit tests for listing lines and MLSx facts. */
#include <criterion/criterion.h>
#include <string.h>

#include "listing.h"

static struct stat file_stat(mode_t mode, off_t size, time_t mtime)
{
	struct stat st;
	memset(&st, 0, sizeof(st));
	st.st_mode = mode;
	st.st_size = size;
	st.st_mtime = mtime;
	st.st_nlink = 1;
	st.st_uid = 1000;
	st.st_gid = 100;
	return st;
}

#define T_2026_11_20_1030 1795170600 /* 2026-11-20 10:30:00 UTC */

Test(listing, ls_line_recent_and_old)
{
	char buf[256];
	struct stat st = file_stat(S_IFREG | 0644, 1234, T_2026_11_20_1030);
	listing_ls_line(buf, sizeof(buf), &st, "a b.txt", NULL, T_2026_11_20_1030 + 86400);
	cr_assert_str_eq(buf, "-rw-r--r--   1 1000     100              1234 Nov 20 10:30 a b.txt\r\n");
	listing_ls_line(buf, sizeof(buf), &st, "old", NULL, T_2026_11_20_1030 + 400 * 86400);
	cr_assert_str_eq(buf, "-rw-r--r--   1 1000     100              1234 Nov 20  2026 old\r\n");
}

Test(listing, ls_types_and_special_bits)
{
	char buf[256];
	struct stat st = file_stat(S_IFDIR | 01777, 4096, T_2026_11_20_1030);
	listing_ls_line(buf, sizeof(buf), &st, "tmp", NULL, T_2026_11_20_1030);
	cr_assert(strncmp(buf, "drwxrwxrwt", 10) == 0, "%s", buf);
	st = file_stat(S_IFLNK | 0777, 7, T_2026_11_20_1030);
	listing_ls_line(buf, sizeof(buf), &st, "l", "target", T_2026_11_20_1030);
	cr_assert(strstr(buf, " l -> target\r\n"), "%s", buf);
	cr_assert_eq(buf[0], 'l');
	st = file_stat(S_IFREG | 06755, 1, T_2026_11_20_1030);
	listing_ls_line(buf, sizeof(buf), &st, "s", NULL, T_2026_11_20_1030);
	cr_assert(strncmp(buf, "-rwsr-sr-x", 10) == 0, "%s", buf);
}

Test(listing, mlsx_facts)
{
	char buf[256];
	struct lister ro = {.uid = 1000, .gid = 100, .may_write = false};
	struct lister rw = {.uid = 1000, .gid = 100, .may_write = true};
	struct stat st = file_stat(S_IFREG | 0644, 42, T_2026_11_20_1030);
	listing_mlsx_line(buf, sizeof(buf), &st, "f", NULL, FACT_ALL, &ro);
	cr_assert_str_eq(buf, "type=file;size=42;modify=20261120103000;perm=r;unix.mode=0644; f\r\n");
	listing_mlsx_line(buf, sizeof(buf), &st, "f", NULL, FACT_ALL, &rw);
	cr_assert_str_eq(buf, "type=file;size=42;modify=20261120103000;perm=adfrw;unix.mode=0644; f\r\n");
	st = file_stat(S_IFDIR | 0755, 4096, T_2026_11_20_1030);
	listing_mlsx_line(buf, sizeof(buf), &st, ".", "cdir", FACT_TYPE | FACT_PERM, &rw);
	cr_assert_str_eq(buf, "type=cdir;perm=elcmpdf; .\r\n");
	listing_mlsx_line(buf, sizeof(buf), &st, "d", NULL, FACT_TYPE | FACT_PERM, &ro);
	cr_assert_str_eq(buf, "type=dir;perm=el; d\r\n");
}

Test(listing, perm_reflects_mode_bits)
{
	char p[16];
	struct lister rw_other = {.uid = 2000, .gid = 200, .may_write = true};
	struct stat st = file_stat(S_IFREG | 0640, 1, 0);
	listing_perm(p, sizeof(p), &st, &rw_other);  /* no read for others */
	cr_assert_str_eq(p, "df");
	st = file_stat(S_IFDIR | 0750, 1, 0);
	struct lister group = {.uid = 2000, .gid = 100, .may_write = true};
	listing_perm(p, sizeof(p), &st, &group);     /* r-x via group, no write */
	cr_assert_str_eq(p, "eldf");
}

Test(listing, opts_and_feat)
{
	char acc[64], feat[128];
	unsigned m = mlst_opts("Type;SIZE;bogus;modify;type;", 28, acc, sizeof(acc));
	cr_assert_eq(m, FACT_TYPE | FACT_SIZE | FACT_MODIFY);
	cr_assert_str_eq(acc, "type;size;modify;");
	mlst_feat(feat, sizeof(feat), m);
	cr_assert_str_eq(feat, "type*;size*;modify*;perm;unix.mode;");
	cr_assert_eq(mlst_opts("", 0, acc, sizeof(acc)), 0);
	cr_assert_str_eq(acc, "");
}

Test(listing, time_format)
{
	char t[20];
	cr_assert_eq(listing_time(t, sizeof(t), T_2026_11_20_1030), 14);
	cr_assert_str_eq(t, "20261120103000");
	cr_assert_eq(listing_time(t, sizeof(t), 0), 14);
	cr_assert_str_eq(t, "19700101000000");
}

Test(listing, names_encode_cr_and_lf)
{
	char out[64];
	size_t n = listing_name(out, sizeof(out), "a\rb\nc");

	cr_assert_eq(n, 6);
	cr_assert_eq(memcmp(out, "a\r\0b\0c", 6), 0);
	/* cut, never inside a CR NUL pair */
	n = listing_name(out, 3, "a\rb");
	cr_assert_eq(n, 1);
}

Test(listing, no_line_can_be_split_by_a_name)
{
	struct stat st;
	struct lister who = {1000, 1000, true};
	char line[512];
	size_t n;

	memset(&st, 0, sizeof(st));
	st.st_mode = S_IFREG | 0644;
	n = listing_ls_line(line, sizeof(line), &st, "x\r\n226 forged", "t\ny", 0);
	cr_assert_eq(memcmp(line + n - 2, "\r\n", 2), 0);
	cr_assert_null(memmem(line, n - 2, "\n", 1), "an LF before the end");
	cr_assert_not_null(memmem(line, n, "x\r\0\0" "226 forged -> t\0y\r\n", 21));
	n = listing_mlsx_line(line, sizeof(line), &st, "m\nn", NULL, FACT_TYPE, &who);
	cr_assert_eq(n, strlen("type=file; m") + 4);
	cr_assert_eq(memcmp(line, "type=file; m\0n\r\n", n), 0);
}

Test(listing, lines_cut_keep_their_crlf)
{
	struct stat st;
	char line[80], name[200];
	size_t n;

	memset(&st, 0, sizeof(st));
	st.st_mode = S_IFREG | 0644;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	n = listing_ls_line(line, sizeof(line), &st, name, NULL, 0);
	cr_assert_lt(n, sizeof(line));
	cr_assert_eq(memcmp(line + n - 2, "\r\n", 2), 0);
}
