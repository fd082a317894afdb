/* Unit tests for the configuration file parser. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "conffile.h"

static int parse(struct config *c, struct origins *org, const char *text, char *err)
{
	static char buf[4096];
	size_t n = strlen(text);

	memcpy(buf, text, n + 1);
	config_defaults(c, org);
	err[0] = '\0';
	return conffile_parse(c, org, "/etc/sockftpd.conf", buf, n, err, 512);
}

Test(conffile, keys_values_comments_blanks)
{
	struct config c;
	struct origins org;
	char err[512];

	cr_assert_eq(parse(&c, &org, "# a comment\n\n   \t\nanonymous = /srv/ftp\n"
			   "idle-timeout=42\r\n  tls-ciphers =  ECDHE+AESGCM:#x  \n"
			   "   # indented comment\nrequire-tls = all", err), 0, "%s", err);
	cr_assert_str_eq(c.anonymous_root, "/srv/ftp");
	cr_assert_eq(c.idle_timeout, 42);
	cr_assert_str_eq(c.tls_ciphers, "ECDHE+AESGCM:#x");
	cr_assert_eq(c.require_tls, REQUIRE_TLS_ALL);
	cr_assert_eq(org.from[0], FROM_DEFAULT);
}

Test(conffile, errors_name_file_line_and_key)
{
	struct config c;
	char err[512];

	cr_assert_eq(parse(&c, NULL, "\nidle-timeout = soon\n", err), -1);
	cr_assert_str_eq(err, "/etc/sockftpd.conf:2: --idle-timeout: 'soon' is not a number of "
			 "seconds from 1 to 86400");
	cr_assert_eq(parse(&c, NULL, "bogus = 1\n", err), -1);
	cr_assert_str_eq(err, "/etc/sockftpd.conf:1: unknown key 'bogus'");
	cr_assert_eq(parse(&c, NULL, "anonymous /srv\n", err), -1);
	cr_assert_str_eq(err, "/etc/sockftpd.conf:1: not 'key = value'");
	cr_assert_eq(parse(&c, NULL, " = x\n", err), -1);
	cr_assert_eq(parse(&c, NULL, "config = /other\n", err), -1);
	cr_assert_eq(parse(&c, NULL, "help = yes\n", err), -1);
	cr_assert_eq(parse(&c, NULL, "users = a\nusers = /b\n", err), -1);
}

Test(conffile, repeated_key_refused)
{
	struct config c;
	struct origins org;
	char err[512];

	cr_assert_eq(parse(&c, &org, "idle-timeout = 5\nidle-timeout = 6\n", err), -1);
	cr_assert_str_eq(err, "/etc/sockftpd.conf:2: 'idle-timeout' is set twice (first on line 1)");
}

Test(conffile, nul_byte_refused)
{
	struct config c;
	static char buf[16] = "a = b\0c\n";
	char err[512];

	config_defaults(&c, NULL);
	cr_assert_eq(conffile_parse(&c, NULL, "f", buf, 8, err, sizeof(err)), -1);
}
