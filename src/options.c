/* options.c - the command line table and its parser (pure). */
#include "options.h"

#include "hostport.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

enum option_id {
	OPT_HELP, OPT_VERSION, OPT_LOG, OPT_ANONYMOUS, OPT_USERS, OPT_PASV_ADDRESS,
	OPT_PASV_PORTS, OPT_IDLE_TIMEOUT, OPT_DATA_TIMEOUT, OPT_LOGIN_DELAY, OPT_RUN_AS,
	OPT_SANDBOX, OPT_MAX_LOGIN_FAILURES, OPT_LOGIN_TIMEOUT, OPT_RATE_LIMIT,
};

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
	{OPT_ANONYMOUS, 0, "anonymous", "DIR",
	 "allow anonymous read-only logins (USER anonymous or ftp), rooted at DIR"},
	{OPT_USERS, 0, "users", "FILE",
	 "virtual users, one per line: name:crypt-hash:home[:rw|ro]"},
	{OPT_PASV_ADDRESS, 0, "pasv-address", "IPV4",
	 "address PASV replies announce (behind NAT; default: the control connection's)"},
	{OPT_PASV_PORTS, 0, "pasv-ports", "LO-HI",
	 "ports for passive data connections (default: any the kernel picks)"},
	{OPT_IDLE_TIMEOUT, 0, "idle-timeout", "SECONDS",
	 "close a control connection idle this long, with 421 (default 300)"},
	{OPT_DATA_TIMEOUT, 0, "data-timeout", "SECONDS",
	 "give up on a data connection that stalls this long (default 120)"},
	{OPT_LOGIN_DELAY, 0, "login-delay", "MS",
	 "wait this long before answering a failed login (default 1000)"},
	{OPT_MAX_LOGIN_FAILURES, 0, "max-login-failures", "N",
	 "close the connection (421) after N failed logins (default 3)"},
	{OPT_LOGIN_TIMEOUT, 0, "login-timeout", "SECONDS",
	 "close a connection not logged in after this long (421; default 60)"},
	{OPT_RATE_LIMIT, 0, "rate-limit", "BYTES/S",
	 "cap each session's transfers at this many bytes per second (default: none)"},
	{OPT_SANDBOX, 0, "sandbox", "auto|required|off",
	 "system call filter: auto goes on without it where the kernel refuses it"},
	{OPT_RUN_AS, 0, "run-as", "USER",
	 "when started as root, switch to USER before the first command (default nobody)"},
};

#define N_OPTIONS (sizeof(option_table) / sizeof(option_table[0]))

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->log_target = LOG_TARGET_AUTO;
	cfg->idle_timeout = 300;
	cfg->data_timeout = 120;
	cfg->login_delay_ms = 1000;
	cfg->run_as = "nobody";
	cfg->max_login_failures = 3;
	cfg->login_timeout = 60;
#if defined(__SANITIZE_ADDRESS__)
	/* LeakSanitizer needs ptrace and threads at exit: sanitizer builds
	 * are for testing, not for serving */
	cfg->sandbox = SANDBOX_OFF;
#else
	cfg->sandbox = SANDBOX_AUTO;
#endif
	cfg->anonymous_fd = -1;
	cfg->users_fd = -1;
}

/* A whole decimal number in [min, max]. */
static int set_uint(unsigned *out, const char *v, unsigned long min, unsigned long max)
{
	unsigned long n = 0;

	if (!*v)
		return -1;
	for (; *v; v++) {
		if (*v < '0' || *v > '9')
			return -1;
		n = n * 10 + (unsigned long)(*v - '0');
		if (n > max)
			return -1;
	}
	if (n < min)
		return -1;
	*out = (unsigned)n;
	return 0;
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
		case OPT_ANONYMOUS:
		case OPT_USERS:
			if (value[0] != '/') {
				snprintf(err, errcap, "--%s: '%.200s' is not an absolute path",
					 o->name, value);
				return OPTIONS_ERROR;
			}
			if (o->id == OPT_ANONYMOUS)
				cfg->anonymous_root = value;
			else
				cfg->users_file = value;
			break;
		case OPT_PASV_ADDRESS: {
			struct in_addr addr;

			if (inet_pton(AF_INET, value, &addr) != 1) {
				snprintf(err, errcap, "--pasv-address: '%.100s' is not an IPv4 address",
					 value);
				return OPTIONS_ERROR;
			}
			cfg->pasv_address = value;
			break;
		}
		case OPT_PASV_PORTS:
			if (hostport_parse_range(value, &cfg->pasv_lo, &cfg->pasv_hi) < 0) {
				snprintf(err, errcap, "--pasv-ports: '%.100s' is not LO-HI with "
					 "1024 <= LO <= HI <= 65535", value);
				return OPTIONS_ERROR;
			}
			break;
		case OPT_IDLE_TIMEOUT:
		case OPT_DATA_TIMEOUT:
			if (set_uint(o->id == OPT_IDLE_TIMEOUT ? &cfg->idle_timeout
				     : &cfg->data_timeout, value, 1, 86400) < 0) {
				snprintf(err, errcap, "--%s: '%.100s' is not a number of seconds "
					 "from 1 to 86400", o->name, value);
				return OPTIONS_ERROR;
			}
			break;
		case OPT_MAX_LOGIN_FAILURES:
			if (set_uint(&cfg->max_login_failures, value, 1, 1000) < 0) {
				snprintf(err, errcap, "--max-login-failures: '%.100s' is not a "
					 "number from 1 to 1000", value);
				return OPTIONS_ERROR;
			}
			break;
		case OPT_LOGIN_TIMEOUT:
			if (set_uint(&cfg->login_timeout, value, 1, 86400) < 0) {
				snprintf(err, errcap, "--login-timeout: '%.100s' is not a number of "
					 "seconds from 1 to 86400", value);
				return OPTIONS_ERROR;
			}
			break;
		case OPT_RATE_LIMIT: {
			unsigned v;

			if (set_uint(&v, value, 1024, 4000000000UL) < 0) {
				snprintf(err, errcap, "--rate-limit: '%.100s' is not a number of "
					 "bytes per second from 1024 to 4000000000", value);
				return OPTIONS_ERROR;
			}
			cfg->rate_limit = v;
			break;
		}
		case OPT_SANDBOX:
			if (strcmp(value, "auto") == 0)
				cfg->sandbox = SANDBOX_AUTO;
			else if (strcmp(value, "required") == 0)
				cfg->sandbox = SANDBOX_REQUIRED;
			else if (strcmp(value, "off") == 0)
				cfg->sandbox = SANDBOX_OFF;
			else {
				snprintf(err, errcap, "--sandbox: '%.100s' is not one of %s",
					 value, o->arg);
				return OPTIONS_ERROR;
			}
			break;
		case OPT_RUN_AS:
			if (!*value) {
				snprintf(err, errcap, "--run-as needs a user name");
				return OPTIONS_ERROR;
			}
			cfg->run_as = value;
			break;
		case OPT_LOGIN_DELAY:
			if (set_uint(&cfg->login_delay_ms, value, 0, 60000) < 0) {
				snprintf(err, errcap, "--login-delay: '%.100s' is not a number of "
					 "milliseconds from 0 to 60000", value);
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
		char left[80];

		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s", o->short_name, o->name);
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name,
				 o->arg ? "=" : "", o->arg ? o->arg : "");
		n = snprintf(buf + len, cap - len, "  %-36s %s\n", left, o->help);
		if (n < 0 || (size_t)n >= cap - len)
			return strlen(buf);
		len += (size_t)n;
	}
	return len;
}
