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
			     "alice:$6$x:relative", "alice:$6$x:/h:rx:bob", "alice:$6$x:/h:rw:bob:x",
			     "al ice:$6$x:/h", "alice::/h", "alice:$6$x:/h:rw:",
			     "alice:$6$x:/h:rw:b b", "alice:$6$x:/h:r+w"};
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

static const char *account_of(const char *line, struct user_entry *e)
{
	const char *why = NULL;

	if (users_parse_line(line, strlen(line), e, &why) != USERS_LINE_ENTRY)
		return why ? why : "?";
	return NULL;
}

Test(users, accounts)
{
	struct user_entry e;

	/* none: the default */
	cr_assert_null(account_of("a:$6$x:/h:rw", &e));
	cr_assert_eq(e.account, ACCOUNT_DEFAULT);
	/* a system user, after the mode or in its place */
	cr_assert_null(account_of("a:$6$x:/h:rw:alice", &e));
	cr_assert_eq(e.account, ACCOUNT_NAME);
	cr_assert_str_eq(e.account_name, "alice");
	cr_assert(e.rw);
	cr_assert_null(account_of("a:$6$x:/h:www-data", &e));
	cr_assert_eq(e.account, ACCOUNT_NAME);
	cr_assert_str_eq(e.account_name, "www-data");
	cr_assert_not(e.rw);
	cr_assert_null(account_of("a:$6$x:/h:ro:host$", &e));
	cr_assert_str_eq(e.account_name, "host$");
	/* ids: uid=UID,gid=GID */
	cr_assert_null(account_of("a:$6$x:/h:ro:uid=1001,gid=1002", &e));
	cr_assert_eq(e.account, ACCOUNT_IDS);
	cr_assert_eq(e.uid, 1001);
	cr_assert_eq(e.gid, 1002);
	cr_assert_null(account_of("a:$6$x:/h:uid=4294967294,gid=1", &e));
	cr_assert_eq(e.uid, 4294967294u);
	/* a mode word is the mode, and a fifth field must follow one */
	cr_assert_null(account_of("a:$6$x:/h:ro", &e));
	cr_assert_eq(e.account, ACCOUNT_DEFAULT);
}

Test(users, accounts_refused)
{
	struct user_entry e;
	const char *bad[] = {
		"a:$6$x:/h:rw:root", "a:$6$x:/h:rw:uid=0,gid=0", "a:$6$x:/h:rw:uid=0,gid=5",
		"a:$6$x:/h:rw:uid=5,gid=0", "a:$6$x:/h:rw:uid=01,gid=5", "a:$6$x:/h:rw:uid=5",
		"a:$6$x:/h:rw:uid=5,gid=", "a:$6$x:/h:rw:uid=-1,gid=5", "a:$6$x:/h:rw:uid=+5,gid=5",
		"a:$6$x:/h:rw:uid=4294967295,gid=5", "a:$6$x:/h:rw:uid=99999999999,gid=5",
		"a:$6$x:/h:rw:gid=5,uid=5", "a:$6$x:/h:rw:uid=5,gid=5,", "a:$6$x:/h:rw:1001",
		"a:$6$x:/h:rw:-bob", "a:$6$x:/h:rw:bo$b", "a:$6$x:/h:rw:b/b",
		"a:$6$x:/h:rw:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_not_null(account_of(bad[i], &e), "%s", bad[i]);
	cr_assert_str_eq(account_of("a:$6$x:/h:rw:uid=0,gid=0", &e),
			 "uid 0 is refused: name an unprivileged account");
}

Test(users, accounts_format_as_parsed)
{
	const char *lines[] = {
		"a:$6$x:/h:rw\n", "a:$6$x:/h:ro:alice\n", "a:!$6$x:/srv/a b:rw:uid=7,gid=8\n",
		"a:$6$x:/h:ro:rw\n",
	};
	struct user_entry e, back;
	const char *why;
	char out[USER_LINE_MAX];

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		size_t n;

		cr_assert_eq(users_parse_line(lines[i], strlen(lines[i]), &e, &why),
			     USERS_LINE_ENTRY, "%s", lines[i]);
		n = users_format_line(out, sizeof(out), &e);
		cr_assert_str_eq(out, lines[i]);
		cr_assert_eq(users_parse_line(out, n, &back, &why), USERS_LINE_ENTRY);
		cr_assert_eq(memcmp(&e, &back, sizeof(e)), 0);
	}
	/* the short form comes back with its mode written */
	cr_assert_eq(users_parse_line("a:$6$x:/h:bob", 13, &e, &why), USERS_LINE_ENTRY);
	users_format_line(out, sizeof(out), &e);
	cr_assert_str_eq(out, "a:$6$x:/h:ro:bob\n");
	/* an account set and cleared as sockftpd-passwd does */
	cr_assert_null(users_parse_account("uid=3,gid=4", 11, &e));
	users_format_account(out, sizeof(out), &e);
	cr_assert_str_eq(out, "uid=3,gid=4");
	cr_assert_null(users_parse_account("", 0, &e));
	cr_assert_eq(e.account, ACCOUNT_DEFAULT);
}

/* An unknown name is checked against the costliest hash of the file. */
Test(users, hash_cost_orders_the_methods)
{
	const char *y = "$y$j9T$salt$hash", *b = "$2b$12$abcdefghijklmnopqrstuv", *s6 = "$6$s$h",
		   *s5 = "$5$s$h", *md5 = "$1$s$h", *des = "abcdefghijklm";

	cr_expect_gt(users_hash_cost(y), users_hash_cost(b));
	cr_expect_gt(users_hash_cost(b), users_hash_cost(s6));
	cr_expect_gt(users_hash_cost(s6), users_hash_cost(s5));
	cr_expect_gt(users_hash_cost(s5), users_hash_cost(md5));
	cr_expect_gt(users_hash_cost(md5), users_hash_cost(des));
	cr_expect_eq(users_hash_cost("!$y$j9T$salt$hash"), users_hash_cost(y));
	cr_expect_eq(users_hash_cost("$gy$j9T$s$h"), users_hash_cost(y));
	cr_expect_str_eq(users_hash_method(y), "yescrypt");
	cr_expect_str_eq(users_hash_method("!$6$s$h"), "sha512-crypt");
	cr_expect_str_eq(users_hash_method(des), "DES");
}
