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

Test(users, locked_accounts)
{
	struct user_entry e;
	const char *why = NULL;
	const char *l = "bob:!$6$salt$hash:/srv/b:rw\n";

	cr_assert_eq(users_parse_line(l, strlen(l), &e, &why), USERS_LINE_ENTRY);
	cr_assert(e.locked);
	cr_assert_str_eq(e.hash, "!$6$salt$hash");
	cr_assert_eq(users_parse_line("bob:!:/srv/b", 12, &e, &why), USERS_LINE_BAD);
}

Test(users, format_is_the_inverse_of_parse)
{
	struct user_entry e, back;
	const char *why = NULL;
	char line[256];

	memset(&e, 0, sizeof(e));
	strcpy(e.name, "alice");
	strcpy(e.hash, "$y$j9T$abc$def");
	strcpy(e.home, "/srv/ftp/alice");
	e.rw = true;
	size_t n = users_format_line(line, sizeof(line), &e);
	cr_assert_str_eq(line, "alice:$y$j9T$abc$def:/srv/ftp/alice:rw\n");
	cr_assert_eq(users_parse_line(line, n, &back, &why), USERS_LINE_ENTRY);
	cr_assert_str_eq(back.home, e.home);
	cr_assert(back.rw);
	cr_assert_eq(users_format_line(line, 10, &e), 0);
}

Test(users, names_and_homes_that_would_break_the_file)
{
	cr_assert_null(users_bad_name("alice.b-c_d"));
	cr_assert_not_null(users_bad_name(""));
	cr_assert_not_null(users_bad_name("a:b"));
	cr_assert_not_null(users_bad_name("a b"));
	cr_assert_not_null(users_bad_name("a\nb"));
	cr_assert_not_null(users_bad_name("#x"));
	cr_assert_null(users_bad_home("/srv/ftp/a b"));
	cr_assert_not_null(users_bad_home("srv"));
	cr_assert_not_null(users_bad_home("/a:b"));
	cr_assert_not_null(users_bad_home("/a\tb"));
	cr_assert_not_null(users_bad_home("/ab "));
}
