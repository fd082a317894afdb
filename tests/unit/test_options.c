/* Unit tests for the command line. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "options.h"

static enum options_result parse(struct config *cfg, char *err, int argc, ...)
{
	char *argv[16] = {"sockftpd"};
	va_list ap;
	va_start(ap, argc);
	for (int i = 1; i <= argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	config_defaults(cfg);
	err[0] = '\0';
	return options_parse(cfg, argc + 1, argv, err, 256);
}

Test(options, none_runs_with_defaults)
{
	struct config c;
	char err[256];
	cr_assert_eq(parse(&c, err, 0), OPTIONS_RUN);
	cr_assert_eq(c.log_target, LOG_TARGET_AUTO);
}

Test(options, help_and_version)
{
	struct config c;
	char err[256];
	cr_assert_eq(parse(&c, err, 1, "--help"), OPTIONS_HELP);
	cr_assert_eq(parse(&c, err, 1, "-h"), OPTIONS_HELP);
	cr_assert_eq(parse(&c, err, 1, "--version"), OPTIONS_VERSION);
	cr_assert_eq(parse(&c, err, 1, "-V"), OPTIONS_VERSION);
	cr_assert_eq(parse(&c, err, 1, "--help=yes"), OPTIONS_ERROR);
	cr_assert(strstr(err, "takes no argument"));
}

Test(options, log_target)
{
	struct config c;
	char err[256];
	cr_assert_eq(parse(&c, err, 1, "--log=journal"), OPTIONS_RUN);
	cr_assert_eq(c.log_target, LOG_TARGET_JOURNAL);
	cr_assert_eq(parse(&c, err, 2, "--log", "syslog"), OPTIONS_RUN);
	cr_assert_eq(c.log_target, LOG_TARGET_SYSLOG);
	cr_assert_eq(parse(&c, err, 1, "--log=stderr"), OPTIONS_RUN);
	cr_assert_eq(c.log_target, LOG_TARGET_STDERR);
	cr_assert_eq(parse(&c, err, 1, "--log=stdout"), OPTIONS_ERROR);
	cr_assert(strstr(err, "stdout"), "%s", err);
	cr_assert_eq(parse(&c, err, 1, "--log"), OPTIONS_ERROR);
	cr_assert(strstr(err, "needs an argument"), "%s", err);
}

Test(options, unknown_rejected)
{
	struct config c;
	char err[256];
	cr_assert_eq(parse(&c, err, 1, "--frobnicate"), OPTIONS_ERROR);
	cr_assert_str_eq(err, "unrecognized option '--frobnicate'");
	cr_assert_eq(parse(&c, err, 1, "--frobnicate=3"), OPTIONS_ERROR);
	cr_assert_str_eq(err, "unrecognized option '--frobnicate'");
	cr_assert_eq(parse(&c, err, 1, "-x"), OPTIONS_ERROR);
	cr_assert_eq(parse(&c, err, 1, "extra"), OPTIONS_ERROR);
	cr_assert_eq(parse(&c, err, 1, "-"), OPTIONS_ERROR);
	cr_assert_eq(parse(&c, err, 1, "--"), OPTIONS_ERROR);
	cr_assert_eq(parse(&c, err, 1, "--hel"), OPTIONS_ERROR);
}

Test(options, usage_lists_every_option)
{
	char buf[4096];
	size_t n = options_usage(buf, sizeof(buf));
	cr_assert_eq(n, strlen(buf));
	cr_assert(strstr(buf, "--help"));
	cr_assert(strstr(buf, "--version"));
	cr_assert(strstr(buf, "--log=journal|syslog|stderr"));
	/* bounded */
	char small[40];
	cr_assert_lt(options_usage(small, sizeof(small)), sizeof(small));
}

Test(options, defaults_come_from_the_table)
{
	struct config c;

	config_defaults(&c);
	cr_assert_eq(c.idle_timeout, 300);
	cr_assert_eq(c.data_timeout, 120);
	cr_assert_eq(c.login_delay_ms, 1000);
	cr_assert_eq(c.max_login_failures, 3);
	cr_assert_eq(c.login_timeout, 60);
	cr_assert_str_eq(c.run_as, "nobody");
	cr_assert_eq(c.rate_limit, 0);
	cr_assert_eq(c.pasv_ports[0], 0);
	cr_assert_null(c.anonymous_root);
}

Test(options, every_kind_parses_and_refuses)
{
	struct config c;
	char err[256];

	cr_assert_eq(parse(&c, err, 2, "--idle-timeout", "86400"), OPTIONS_RUN);
	cr_assert_eq(c.idle_timeout, 86400);
	cr_assert_eq(parse(&c, err, 1, "--idle-timeout=86401"), OPTIONS_ERROR);
	cr_assert_str_eq(err, "--idle-timeout: '86401' is not a number of seconds from 1 to 86400");
	cr_assert_eq(parse(&c, err, 1, "--idle-timeout=0"), OPTIONS_ERROR);
	cr_assert_eq(parse(&c, err, 1, "--idle-timeout=1x"), OPTIONS_ERROR);
	cr_assert_eq(parse(&c, err, 1, "--idle-timeout="), OPTIONS_ERROR);
	cr_assert_eq(parse(&c, err, 1, "--max-login-failures=99999999999999999999999"),
		     OPTIONS_ERROR);
	cr_assert_str_eq(err, "--max-login-failures: '99999999999999999999999' is not a number "
			 "from 1 to 1000");
	cr_assert_eq(parse(&c, err, 1, "--rate-limit=4000000000"), OPTIONS_RUN);
	cr_assert_eq(c.rate_limit, 4000000000ULL);
	cr_assert_eq(parse(&c, err, 1, "--rate-limit=1023"), OPTIONS_ERROR);
	cr_assert_eq(parse(&c, err, 1, "--anonymous=/srv/ftp"), OPTIONS_RUN);
	cr_assert_str_eq(c.anonymous_root, "/srv/ftp");
	cr_assert_eq(parse(&c, err, 1, "--anonymous=srv"), OPTIONS_ERROR);
	cr_assert_str_eq(err, "--anonymous: 'srv' is not an absolute path");
	cr_assert_eq(parse(&c, err, 1, "--pasv-address=192.0.2.1"), OPTIONS_RUN);
	cr_assert_eq(parse(&c, err, 1, "--pasv-address=::1"), OPTIONS_ERROR);
	cr_assert_eq(parse(&c, err, 1, "--pasv-ports=50000-50010"), OPTIONS_RUN);
	cr_assert_eq(c.pasv_ports[0], 50000);
	cr_assert_eq(c.pasv_ports[1], 50010);
	cr_assert_eq(parse(&c, err, 1, "--pasv-ports=80-90"), OPTIONS_ERROR);
	cr_assert_eq(parse(&c, err, 1, "--sandbox=required"), OPTIONS_RUN);
	cr_assert_eq(c.sandbox, SANDBOX_REQUIRED);
	cr_assert_eq(parse(&c, err, 1, "--sandbox=sometimes"), OPTIONS_ERROR);
	cr_assert_str_eq(err, "--sandbox: 'sometimes' is not one of auto|required|off");
	cr_assert_eq(parse(&c, err, 1, "--run-as="), OPTIONS_ERROR);
	cr_assert_eq(parse(&c, err, 2, "--run-as", "ftp"), OPTIONS_RUN);
	cr_assert_str_eq(c.run_as, "ftp");
}

Test(options, set_by_name_for_a_configuration_file)
{
	struct config c;
	char err[256];

	config_defaults(&c);
	cr_assert_eq(options_set(&c, "login-timeout", 13, "30", err, sizeof(err)), 0);
	cr_assert_eq(c.login_timeout, 30);
	cr_assert_eq(options_set(&c, "bogus", 5, "1", err, sizeof(err)), -1);
	cr_assert_str_eq(err, "unrecognized option 'bogus'");
	cr_assert_eq(options_set(&c, "help", 4, NULL, err, sizeof(err)), -1);
	cr_assert_eq(options_set(&c, "log", 3, NULL, err, sizeof(err)), -1);
}

#ifdef SOURCE_ROOT
/* The OPTIONS section of sockftpd(8) is the table's, word for word: they
 * cannot drift apart.  (Regenerate it with: ninja -C build man-options.) */
Test(options, man_page_matches_the_table)
{
	static char man[1 << 16], want[1 << 16];
	FILE *f = fopen(SOURCE_ROOT "/docs/sockftpd.8", "r");
	const char *begin, *end;
	size_t n;

	cr_assert_not_null(f);
	n = fread(man, 1, sizeof(man) - 1, f);
	fclose(f);
	man[n] = '\0';
	begin = strstr(man, ".\\\" BEGIN OPTIONS");
	end = strstr(man, ".\\\" END OPTIONS");
	cr_assert(begin && end && begin < end, "markers missing in docs/sockftpd.8");
	begin = strchr(begin, '\n') + 1;
	options_man(want, sizeof(want));
	cr_assert_eq((size_t)(end - begin), strlen(want),
		     "docs/sockftpd.8 OPTIONS differ from the table; regenerate them");
	cr_assert_eq(memcmp(begin, want, strlen(want)), 0,
		     "docs/sockftpd.8 OPTIONS differ from the table; regenerate them");
}
#endif
