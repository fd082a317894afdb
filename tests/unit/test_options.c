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
	config_defaults(cfg, NULL);
	err[0] = '\0';
	return options_parse(cfg, NULL, argc + 1, argv, err, 256);
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

	config_defaults(&c, NULL);
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

	config_defaults(&c, NULL);
	cr_assert_eq(options_set(&c, NULL, FROM_FILE, 1, "login-timeout", 13, "30", err,
				 sizeof(err)), 0);
	cr_assert_eq(c.login_timeout, 30);
	cr_assert_eq(options_set(&c, NULL, FROM_FILE, 1, "bogus", 5, "1", err, sizeof(err)), -1);
	cr_assert_str_eq(err, "unknown key 'bogus'");
	cr_assert_eq(options_set(&c, NULL, FROM_FILE, 1, "help", 4, "x", err, sizeof(err)), -1);
	cr_assert_eq(options_set(&c, NULL, FROM_FILE, 1, "config", 6, "/x", err, sizeof(err)),
		     -1);
	cr_assert_eq(options_set(&c, NULL, FROM_COMMAND_LINE, 0, "log", 3, NULL, err,
				 sizeof(err)), -1);
}

#ifdef SOURCE_ROOT
/* The generated sections of the man pages are the table's, word for word:
 * they cannot drift apart.  (Regenerate them: ninja -C build man-options.) */
static void page_matches(const char *page, const char *marker,
			 size_t (*gen)(char *, size_t))
{
	static char man[1 << 17], want[1 << 17];
	char begin_m[64], end_m[64], path[512];
	const char *begin, *end;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/docs/%s", SOURCE_ROOT, page);
	f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	n = fread(man, 1, sizeof(man) - 1, f);
	fclose(f);
	man[n] = '\0';
	snprintf(begin_m, sizeof(begin_m), ".\\\" BEGIN %s", marker);
	snprintf(end_m, sizeof(end_m), ".\\\" END %s", marker);
	begin = strstr(man, begin_m);
	end = strstr(man, end_m);
	cr_assert(begin && end && begin < end, "markers missing in docs/%s", page);
	begin = strchr(begin, '\n') + 1;
	gen(want, sizeof(want));
	cr_assert_eq((size_t)(end - begin), strlen(want),
		     "docs/%s %s differ from the table; regenerate them", page, marker);
	cr_assert_eq(memcmp(begin, want, strlen(want)), 0,
		     "docs/%s %s differ from the table; regenerate them", page, marker);
}

Test(options, man_pages_match_the_table)
{
	page_matches("sockftpd.8", "OPTIONS", options_man);
	page_matches("sockftpd.conf.5", "KEYS", options_conf_man);
}
#endif

Test(options, describe_says_where_values_come_from)
{
	struct config c;
	struct origins org;
	char err[256], out[16384];
	char *argv[] = {"sockftpd", "--idle-timeout=7", "--check-config"};

	config_defaults(&c, &org);
	org.file = "/etc/x.conf";
	cr_assert_eq(options_set(&c, &org, FROM_FILE, 4, "data-timeout", 12, "9", err,
				 sizeof(err)), 0);
	cr_assert_eq(options_set(&c, &org, FROM_FILE, 5, "data-timeout", 12, "8", err,
				 sizeof(err)), -1);
	cr_assert_str_eq(err, "'data-timeout' is set twice (first on line 4)");
	cr_assert_eq(options_parse(&c, &org, 3, argv, err, sizeof(err)), OPTIONS_CHECK);
	options_describe(&c, &org, out, sizeof(out));
	cr_assert(strstr(out, "idle-timeout = 7\t# command line\n"), "%s", out);
	cr_assert(strstr(out, "data-timeout = 9\t# /etc/x.conf:4\n"), "%s", out);
	cr_assert(strstr(out, "login-timeout = 60\t# default\n"), "%s", out);
	cr_assert(strstr(out, "tls-reuse = required\t# default\n"), "%s", out);
	cr_assert(strstr(out, "# anonymous is not set\n"), "%s", out);
	cr_assert_null(strstr(out, "config"), "%s", out);
}

Test(options, example_file_has_every_key_commented)
{
	static char conf[1 << 17];
	struct config c;
	char err[256];

	options_conf_example(conf, sizeof(conf));
	cr_assert(strstr(conf, "\n#idle-timeout = 300\n"));
	cr_assert(strstr(conf, "\n#tls-cert = FILE\n"));
	cr_assert_null(strstr(conf, "\n#config"));
	cr_assert_null(strstr(conf, "\n#help"));
	/* and each of its lines, uncommented, is a line the file may hold
	 * where a default is given */
	config_defaults(&c, NULL);
	cr_assert_eq(options_set(&c, NULL, FROM_FILE, 1, "idle-timeout", 12, "300", err,
				 sizeof(err)), 0);
}
