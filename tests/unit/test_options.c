/* Unit tests for the command line. */
#include <criterion/criterion.h>
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
