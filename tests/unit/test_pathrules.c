/* Unit tests for the client's view of paths. */
#include <criterion/criterion.h>
#include <string.h>

#include "pathrules.h"

static const char *res(const char *cwd, const char *arg)
{
	static char out[VPATH_MAX];
	int r = path_resolve(out, sizeof(out), cwd, arg, strlen(arg));
	cr_assert_eq(r, PATH_OK, "%s + %s", cwd, arg);
	return out;
}

Test(pathrules, relative_and_absolute)
{
	cr_assert_str_eq(res("/", ""), "/");
	cr_assert_str_eq(res("/", "a"), "/a");
	cr_assert_str_eq(res("/a", "b/c"), "/a/b/c");
	cr_assert_str_eq(res("/a", "/x/y"), "/x/y");
	cr_assert_str_eq(res("/a/b", ""), "/a/b");
}

Test(pathrules, dots_and_slashes)
{
	cr_assert_str_eq(res("/", "./a//b/./"), "/a/b");
	cr_assert_str_eq(res("/a/b", ".."), "/a");
	cr_assert_str_eq(res("/a/b", "../../.."), "/");
	cr_assert_str_eq(res("/", "../../etc/passwd"), "/etc/passwd");
	cr_assert_str_eq(res("/a", "/../../b"), "/b");
	cr_assert_str_eq(res("/", "a/../../b/.."), "/");
	cr_assert_str_eq(res("/", "..."), "/...");
	cr_assert_str_eq(res("/", ".hidden"), "/.hidden");
	cr_assert_str_eq(res("/", "///"), "/");
}

Test(pathrules, spaces_and_utf8_kept)
{
	cr_assert_str_eq(res("/", " lead and trail "), "/ lead and trail ");
	cr_assert_str_eq(res("/d", "caf\xc3\xa9.txt"), "/d/caf\xc3\xa9.txt");
}

Test(pathrules, nul_and_length)
{
	char out[VPATH_MAX], big[VPATH_MAX + 10];
	cr_assert_eq(path_resolve(out, sizeof(out), "/", "a\0b", 3), PATH_NUL);
	memset(big, 'x', sizeof(big));
	cr_assert_eq(path_resolve(out, sizeof(out), "/", big, sizeof(big)), PATH_TOO_LONG);
	cr_assert_eq(path_resolve(out, 8, "/", "abcdefgh", 8), PATH_TOO_LONG);
	cr_assert_eq(path_resolve(out, 8, "/", "abcdef", 6), PATH_OK);
	cr_assert_str_eq(out, "/abcdef");
}

Test(pathrules, relative_basename_quote)
{
	size_t plen;
	char q[32];
	cr_assert_str_eq(path_relative("/"), ".");
	cr_assert_str_eq(path_relative("/a/b"), "a/b");
	cr_assert_str_eq(path_basename("/a/b", &plen), "b");
	cr_assert_eq(plen, 2);
	cr_assert_str_eq(path_basename("/a", &plen), "a");
	cr_assert_eq(plen, 1);
	cr_assert_str_eq(path_basename("/", &plen), "");
	path_quote(q, sizeof(q), "/say \"hi\"");
	cr_assert_str_eq(q, "/say \"\"hi\"\"");
	cr_assert_eq(path_quote(q, 4, "\"\"\""), 2);
}
