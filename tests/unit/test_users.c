/* Unit tests for the users file line parser. */
#include <criterion/criterion.h>
#include <string.h>

#include "users.h"

static enum users_line parse(const char *s, struct user_entry *e, const char **why)
{
	*why = NULL;
	return users_parse_line(s, strlen(s), e, why);
}

Test(users, good_lines)
{
	struct user_entry e;
	const char *why;
	cr_assert_eq(parse("alice:$6$salt$hash:/srv/ftp/alice:rw\n", &e, &why), USERS_LINE_ENTRY);
	cr_assert_str_eq(e.name, "alice");
	cr_assert_str_eq(e.hash, "$6$salt$hash");
	cr_assert_str_eq(e.home, "/srv/ftp/alice");
	cr_assert(e.rw);
	cr_assert_eq(parse("bob:$y$j9T$abc$def:/home/bob", &e, &why), USERS_LINE_ENTRY);
	cr_assert_not(e.rw);
	cr_assert_eq(parse("carol:$2b$05$x:/c:ro\r\n", &e, &why), USERS_LINE_ENTRY);
	cr_assert_not(e.rw);
}

Test(users, skipped_lines)
{
	struct user_entry e;
	const char *why;
	cr_assert_eq(parse("", &e, &why), USERS_LINE_SKIP);
	cr_assert_eq(parse("\n", &e, &why), USERS_LINE_SKIP);
	cr_assert_eq(parse("# comment:$6$:/x", &e, &why), USERS_LINE_SKIP);
}

Test(users, bad_lines_say_why)
{
	struct user_entry e;
	const char *why;
	const char *bad[] = {"alice", "alice:$6$x", ":$6$x:/h", "alice:plain:/h",
			     "alice:$6$x:relative", "alice:$6$x:/h:rx", "alice:$6$x:/h:rw:extra",
			     "al ice:$6$x:/h", "alice::/h"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(parse(bad[i], &e, &why), USERS_LINE_BAD, "%s", bad[i]);
		cr_assert_not_null(why);
	}
	cr_assert_eq(users_parse_line("a:$6$x\0:/h", 10, &e, &why), USERS_LINE_BAD);
	char longname[200];
	memset(longname, 'n', 100);
	strcpy(longname + 100, ":$6$x:/h");
	cr_assert_eq(parse(longname, &e, &why), USERS_LINE_BAD);
}
