/* options.c - the command line table and its parser (pure). */
#include "options.h"

#include <stdio.h>
#include <string.h>

enum option_id { OPT_HELP, OPT_VERSION, OPT_LOG };

struct option_def {
	enum option_id id;
	char short_name;       /* 0 when there is none */
	const char *name;
	const char *arg;       /* name of the argument, NULL for a flag */
	const char *help;
};

static const struct option_def option_table[] = {
	{OPT_HELP, 'h', "help", NULL, "show this help and exit"},
	{OPT_VERSION, 'V', "version", NULL, "show the version and exit"},
	{OPT_LOG, 0, "log", "journal|syslog|stderr",
	 "where log lines go (default: the journal under systemd, else stderr)"},
};

#define N_OPTIONS (sizeof(option_table) / sizeof(option_table[0]))

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->log_target = LOG_TARGET_AUTO;
}

static const struct option_def *find_long(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < N_OPTIONS; i++)
		if (strlen(option_table[i].name) == len &&
		    memcmp(option_table[i].name, name, len) == 0)
			return &option_table[i];
	return NULL;
}

static const struct option_def *find_short(char c)
{
	size_t i;

	for (i = 0; i < N_OPTIONS; i++)
		if (option_table[i].short_name == c)
			return &option_table[i];
	return NULL;
}

static int set_log(struct config *cfg, const char *v)
{
	if (strcmp(v, "journal") == 0)
		cfg->log_target = LOG_TARGET_JOURNAL;
	else if (strcmp(v, "syslog") == 0)
		cfg->log_target = LOG_TARGET_SYSLOG;
	else if (strcmp(v, "stderr") == 0)
		cfg->log_target = LOG_TARGET_STDERR;
	else
		return -1;
	return 0;
}

enum options_result options_parse(struct config *cfg, int argc,
				  char *const argv[], char *err, size_t errcap)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct option_def *o;
		const char *value = NULL;

		if (a[0] == '-' && a[1] == '-' && a[2] != '\0') {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);

			o = find_long(a + 2, len);
			if (!o) {
				snprintf(err, errcap, "unrecognized option '%.*s'",
					 (int)(len + 2 > 200 ? 200 : len + 2), a);
				return OPTIONS_ERROR;
			}
			if (eq && !o->arg) {
				snprintf(err, errcap, "option '--%s' takes no argument",
					 o->name);
				return OPTIONS_ERROR;
			}
			value = eq ? eq + 1 : NULL;
		} else if (a[0] == '-' && a[1] != '\0' && a[1] != '-' && a[2] == '\0') {
			o = find_short(a[1]);
			if (!o) {
				snprintf(err, errcap, "invalid option '-%c'", a[1]);
				return OPTIONS_ERROR;
			}
		} else {
			snprintf(err, errcap, "unexpected argument '%.200s'", a);
			return OPTIONS_ERROR;
		}
		if (o->arg && !value) {
			if (i + 1 >= argc) {
				snprintf(err, errcap, "option '--%s' needs an argument (%s)",
					 o->name, o->arg);
				return OPTIONS_ERROR;
			}
			value = argv[++i];
		}
		switch (o->id) {
		case OPT_HELP:
			return OPTIONS_HELP;
		case OPT_VERSION:
			return OPTIONS_VERSION;
		case OPT_LOG:
			if (set_log(cfg, value) < 0) {
				snprintf(err, errcap, "--log: '%.100s' is not one of %s",
					 value, o->arg);
				return OPTIONS_ERROR;
			}
			break;
		}
	}
	return OPTIONS_RUN;
}

size_t options_usage(char *buf, size_t cap)
{
	size_t len = 0, i;
	int n;

	n = snprintf(buf, cap,
		     "Usage: sockftpd [OPTION]...\n"
		     "Serve one FTP control connection and exit. The connection is the\n"
		     "socket systemd passes (Accept=yes), else standard input and output\n"
		     "(inetd, xinetd, or a pipe for a scripted session).\n\nOptions:\n");
	if (n < 0 || (size_t)n >= cap)
		return cap ? strlen(buf) : 0;
	len = (size_t)n;
	for (i = 0; i < N_OPTIONS && len < cap; i++) {
		const struct option_def *o = &option_table[i];
		char left[64];

		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s", o->short_name, o->name);
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name,
				 o->arg ? "=" : "", o->arg ? o->arg : "");
		n = snprintf(buf + len, cap - len, "  %-30s %s\n", left, o->help);
		if (n < 0 || (size_t)n >= cap - len)
			return strlen(buf);
		len += (size_t)n;
	}
	return len;
}
