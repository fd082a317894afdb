/* options.c - the option table and its parser (pure). */
#include "options.h"

#include "hostport.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

enum option_kind {
	KIND_HELP,     /* --help: an action, no value */
	KIND_VERSION,  /* --version */
	KIND_CHOICE,   /* one of the words in choices ("a|b|c"), stored as first + index */
	KIND_PATH,     /* an absolute path */
	KIND_IPV4,     /* a dotted IPv4 address */
	KIND_RANGE,    /* LO-HI ports, 1024 <= LO <= HI <= 65535 */
	KIND_UINT,     /* a whole number in [min, max] (unsigned) */
	KIND_U64,      /* a whole number in [min, max] (unsigned long long) */
	KIND_NAME,     /* a non-empty word */
};

struct option_def {
	const char *name;
	char short_name;       /* 0 when there is none */
	enum option_kind kind;
	size_t offset;         /* of the field in struct config */
	unsigned long long min, max;  /* KIND_UINT, KIND_U64; KIND_CHOICE: min is the first value */
	const char *choices;   /* KIND_CHOICE: "a|b|c" */
	const char *unit;      /* for messages: "seconds" */
	const char *def;       /* the default, parsed like a value; NULL: none */
	const char *arg;       /* the value's name in --help and the man page */
	const char *help;      /* one line of --help */
	const char *man;       /* its paragraph in sockftpd(8), roff */
};

#define F(field) offsetof(struct config, field)

static const struct option_def option_table[] = {
	{"help", 'h', KIND_HELP, 0, 0, 0, NULL, NULL, NULL, NULL,
	 "show this help and exit",
	 "Show the options and exit."},
	{"version", 'V', KIND_VERSION, 0, 0, 0, NULL, NULL, NULL, NULL,
	 "show the version and exit",
	 "Show the version and exit."},
	{"log", 0, KIND_CHOICE, F(log_target), LOG_TARGET_JOURNAL, 0, "journal|syslog|stderr",
	 NULL, NULL, "journal|syslog|stderr",
	 "where log lines go (default: the journal under systemd, else stderr)",
	 "Where log lines go.\n"
	 "By default they go to the journal when systemd connected standard error to it\n"
	 "(\\fBJOURNAL_STREAM\\fR), to standard error when it is open and not a socket,\n"
	 "and otherwise (inetd hands the connection on standard error too) to the\n"
	 "journal if its socket exists, else to syslog (facility ftp).\n"
	 "The destination is opened before the session is confined, so a chroot does\n"
	 "not cut it off.\n"
	 "Nothing is ever logged on standard output."},
	{"anonymous", 0, KIND_PATH, F(anonymous_root), 0, 0, NULL, NULL, NULL, "DIR",
	 "allow anonymous read-only logins (USER anonymous or ftp), rooted at DIR",
	 "USER\n.B anonymous\nor\n.B ftp\n(any letter case) with any password logs in "
	 "read-only, rooted at\n.IR DIR ."},
	{"users", 0, KIND_PATH, F(users_file), 0, 0, NULL, NULL, NULL, "FILE",
	 "virtual users, one per line: name:crypt-hash:home[:rw|ro]",
	 "Virtual users, one per line\n.BR name:hash:home [ :rw | :ro ]\n"
	 "(see\n.BR LOGINS )."},
	{"pasv-address", 0, KIND_IPV4, F(pasv_address), 0, 0, NULL, NULL, NULL, "IPV4",
	 "address PASV replies announce (behind NAT; default: the control connection's)",
	 "The address PASV replies announce, for a server behind NAT (default: the\n"
	 "local address of the control connection)."},
	{"pasv-ports", 0, KIND_RANGE, F(pasv_ports), 0, 0, NULL, NULL, NULL, "LO-HI",
	 "ports for passive data connections (default: any the kernel picks)",
	 "Ports for passive data connections (default: any port the kernel picks)."},
	{"idle-timeout", 0, KIND_UINT, F(idle_timeout), 1, 86400, NULL, "seconds", "300",
	 "SECONDS",
	 "close a control connection idle this long, with 421 (default 300)",
	 "Close a control connection with no complete command for this long, after a\n"
	 "421 reply; a partial line or a Telnet command does not count as a command.\n"
	 "Each reply must also be sent within this time: a client that stops reading\n"
	 "its replies is dropped."},
	{"data-timeout", 0, KIND_UINT, F(data_timeout), 1, 86400, NULL, "seconds", "120",
	 "SECONDS",
	 "give up on a data connection that stalls this long (default 120)",
	 "Give up on a data connection that does not open, or that moves less than\n"
	 "4 KiB, within this time (426); bytes dripped now and then, or activity on\n"
	 "the control connection, do not keep a stalled transfer alive."},
	{"login-delay", 0, KIND_UINT, F(login_delay_ms), 0, 60000, NULL, "milliseconds",
	 "1000", "MS",
	 "wait this long before answering a failed login (default 1000)",
	 "How long the first failed login waits before its 530; each further failure\n"
	 "waits one more such delay."},
	{"max-login-failures", 0, KIND_UINT, F(max_login_failures), 1, 1000, NULL, NULL, "3",
	 "N",
	 "close the connection (421) after N failed logins (default 3)",
	 "After N failed logins the connection is closed with 421."},
	{"login-timeout", 0, KIND_UINT, F(login_timeout), 1, 86400, NULL, "seconds", "60",
	 "SECONDS",
	 "close a connection not logged in after this long (421; default 60)",
	 "A connection that has not logged in this long after it opened (or after its\n"
	 "last USER or REIN) is closed with 421, whatever it sends meanwhile."},
	{"rate-limit", 0, KIND_U64, F(rate_limit), 1024, 4000000000ULL, NULL,
	 "bytes per second", NULL, "BYTES/S",
	 "cap each session's transfers at this many bytes per second (default: none)",
	 "Cap each session's transfers, both ways, at this rate (default: none).\n"
	 "ABOR is still seen at once while a transfer waits for its rate."},
	{"sandbox", 0, KIND_CHOICE, F(sandbox), SANDBOX_AUTO, 0, "auto|required|off", NULL,
	 "auto", "auto|required|off",
	 "system call filter: auto goes on without it where the kernel refuses it",
	 "The session's\n.BR seccomp (2)\nfilter (see\n.BR PRIVILEGES ):\n"
	 "where the kernel refuses it,\n.B auto\nlogs one line and goes on without it,\n"
	 ".B required\nends the session before the greeting (exit status 2), and\n"
	 ".B off\ndoes not try."},
	{"run-as", 0, KIND_NAME, F(run_as), 0, 0, NULL, NULL, "nobody", "USER",
	 "when started as root, switch to USER before the first command (default nobody)",
	 "The user a root start switches to.\n"
	 "A missing user, or root, is a start-up error (exit status 2)."},
};

#undef F

#define N_OPTIONS (sizeof(option_table) / sizeof(option_table[0]))

static void *field(struct config *cfg, const struct option_def *o)
{
	return (char *)cfg + o->offset;
}

/* A whole decimal number in [min, max]. */
static int parse_number(const char *v, unsigned long long min, unsigned long long max,
			unsigned long long *out)
{
	unsigned long long n = 0;

	if (!*v)
		return -1;
	for (; *v; v++) {
		if (*v < '0' || *v > '9' || n > (max - (unsigned long long)(*v - '0')) / 10)
			return -1;
		n = n * 10 + (unsigned long long)(*v - '0');
	}
	if (n < min)
		return -1;
	*out = n;
	return 0;
}

/* The index of word v among "a|b|c", or -1. */
static int choice_index(const char *choices, const char *v)
{
	size_t len = strlen(v);
	int i = 0;

	while (*choices) {
		size_t n = strcspn(choices, "|");

		if (n == len && memcmp(choices, v, n) == 0)
			return i;
		choices += n + (choices[n] == '|');
		i++;
	}
	return -1;
}

/* Store the value; on a bad one, say why in err. */
static int apply(struct config *cfg, const struct option_def *o, const char *v, char *err,
		 size_t errcap)
{
	unsigned long long n;
	struct in_addr addr;
	int i;

	switch (o->kind) {
	case KIND_HELP:
	case KIND_VERSION:
		return 0;
	case KIND_CHOICE:
		i = choice_index(o->choices, v);
		if (i < 0)
			break;
		*(unsigned *)field(cfg, o) = (unsigned)(o->min + (unsigned)i);
		return 0;
	case KIND_PATH:
		if (v[0] != '/')
			break;
		*(const char **)field(cfg, o) = v;
		return 0;
	case KIND_IPV4:
		if (inet_pton(AF_INET, v, &addr) != 1)
			break;
		*(const char **)field(cfg, o) = v;
		return 0;
	case KIND_RANGE: {
		unsigned *r = field(cfg, o);

		if (hostport_parse_range(v, &r[0], &r[1]) < 0)
			break;
		return 0;
	}
	case KIND_UINT:
	case KIND_U64:
		if (parse_number(v, o->min, o->max, &n) < 0)
			break;
		if (o->kind == KIND_UINT)
			*(unsigned *)field(cfg, o) = (unsigned)n;
		else
			*(unsigned long long *)field(cfg, o) = n;
		return 0;
	case KIND_NAME:
		if (!*v)
			break;
		*(const char **)field(cfg, o) = v;
		return 0;
	}
	switch (o->kind) {
	case KIND_CHOICE:
		snprintf(err, errcap, "--%s: '%.100s' is not one of %s", o->name, v, o->choices);
		break;
	case KIND_PATH:
		snprintf(err, errcap, "--%s: '%.200s' is not an absolute path", o->name, v);
		break;
	case KIND_IPV4:
		snprintf(err, errcap, "--%s: '%.100s' is not an IPv4 address", o->name, v);
		break;
	case KIND_RANGE:
		snprintf(err, errcap, "--%s: '%.100s' is not LO-HI with 1024 <= LO <= HI <= 65535",
			 o->name, v);
		break;
	case KIND_UINT:
	case KIND_U64:
		snprintf(err, errcap, "--%s: '%.100s' is not a number%s%s from %llu to %llu", o->name,
			 v, o->unit ? " of " : "", o->unit ? o->unit : "", o->min, o->max);
		break;
	default:
		snprintf(err, errcap, "--%s needs a %s", o->name, o->arg);
		break;
	}
	return -1;
}

void config_defaults(struct config *cfg)
{
	size_t i;
	char err[8];

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < N_OPTIONS; i++)
		if (option_table[i].def)
			apply(cfg, &option_table[i], option_table[i].def, err, sizeof(err));
#if defined(__SANITIZE_ADDRESS__)
	/* LeakSanitizer needs ptrace and threads at exit: sanitizer builds
	 * are for testing, not for serving */
	cfg->sandbox = SANDBOX_OFF;
#endif
}

static const struct option_def *find(const char *name, size_t len, char short_name)
{
	size_t i;

	for (i = 0; i < N_OPTIONS; i++) {
		const struct option_def *o = &option_table[i];

		if (short_name ? o->short_name == short_name
			       : strlen(o->name) == len && memcmp(o->name, name, len) == 0)
			return o;
	}
	return NULL;
}

static bool takes_value(const struct option_def *o)
{
	return o->kind != KIND_HELP && o->kind != KIND_VERSION;
}

int options_set(struct config *cfg, const char *name, size_t name_len, const char *value,
		char *err, size_t errcap)
{
	const struct option_def *o = find(name, name_len, 0);

	if (!o || !takes_value(o)) {
		snprintf(err, errcap, "unrecognized option '%.*s'",
			 (int)(name_len > 200 ? 200 : name_len), name);
		return -1;
	}
	if (!value) {
		snprintf(err, errcap, "option '--%s' needs an argument (%s)", o->name, o->arg);
		return -1;
	}
	return apply(cfg, o, value, err, errcap);
}

/* Why argument a is no option: len is its long name's length, 0 if none. */
static void unknown(const char *a, size_t len, char *err, size_t errcap)
{
	if (len)
		snprintf(err, errcap, "unrecognized option '%.*s'", (int)(len > 200 ? 202 : len + 2),
			 a);
	else if (a[0] == '-' && a[1] != '\0' && a[1] != '-' && a[2] == '\0')
		snprintf(err, errcap, "invalid option '%s'", a);
	else
		snprintf(err, errcap, "unexpected argument '%.200s'", a);
}

enum options_result options_parse(struct config *cfg, int argc, char *const argv[],
				  char *err, size_t errcap)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = NULL, *value = NULL;
		const struct option_def *o = NULL;
		size_t len = 0;

		if (a[0] == '-' && a[1] == '-' && a[2] != '\0') {
			eq = strchr(a + 2, '=');
			len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			o = find(a + 2, len, 0);
		} else if (a[0] == '-' && a[1] != '\0' && a[1] != '-' && a[2] == '\0') {
			o = find(NULL, 0, a[1]);
		}
		if (!o) {
			unknown(a, len, err, errcap);
			return OPTIONS_ERROR;
		}
		if (!takes_value(o)) {
			if (eq) {
				snprintf(err, errcap, "option '--%s' takes no argument", o->name);
				return OPTIONS_ERROR;
			}
			return o->kind == KIND_HELP ? OPTIONS_HELP : OPTIONS_VERSION;
		}
		value = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
		if (options_set(cfg, o->name, strlen(o->name), value, err, errcap) < 0)
			return OPTIONS_ERROR;
	}
	return OPTIONS_RUN;
}

/* Append to buf (cap bytes, len used); returns the new length, never more
 * than cap - 1. */
static size_t put(char *buf, size_t cap, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static size_t put(char *buf, size_t cap, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (len + 1 >= cap)
		return len;
	va_start(ap, fmt);
	n = vsnprintf(buf + len, cap - len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return len;
	return (size_t)n >= cap - len ? cap - 1 : len + (size_t)n;
}

size_t options_usage(char *buf, size_t cap)
{
	size_t len, i;

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	len = put(buf, cap, 0, "Usage: sockftpd [OPTION]...\n"
		  "Serve one FTP control connection and exit. The connection is the\n"
		  "socket systemd passes (Accept=yes), else standard input and output\n"
		  "(inetd, xinetd, or a pipe for a scripted session).\n\nOptions:\n");
	for (i = 0; i < N_OPTIONS; i++) {
		const struct option_def *o = &option_table[i];
		char left[80];

		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s", o->short_name, o->name);
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->arg ? "=" : "",
				 o->arg ? o->arg : "");
		len = put(buf, cap, len, "  %-36s %s\n", left, o->help);
	}
	return len;
}

/* A name or word in roff: every '-' escaped, choices spaced out. */
static size_t put_roff(char *buf, size_t cap, size_t len, const char *s)
{
	for (; *s; s++) {
		if (*s == '-')
			len = put(buf, cap, len, "\\-");
		else if (*s == '|')
			len = put(buf, cap, len, " | ");
		else
			len = put(buf, cap, len, "%c", *s);
	}
	return len;
}

size_t options_man(char *buf, size_t cap)
{
	size_t len = 0, i;

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	for (i = 0; i < N_OPTIONS; i++) {
		const struct option_def *o = &option_table[i];

		len = put(buf, cap, len, ".TP\n");
		if (o->short_name) {
			len = put(buf, cap, len, ".BR \\-%c \", \" \\-\\-", o->short_name);
			len = put_roff(buf, cap, len, o->name);
		} else if (o->kind == KIND_CHOICE) {
			len = put(buf, cap, len, ".BR \\-\\-");
			len = put_roff(buf, cap, len, o->name);
			len = put(buf, cap, len, "= { ");
			len = put_roff(buf, cap, len, o->choices);
			len = put(buf, cap, len, " }");
		} else {
			len = put(buf, cap, len, ".BI \\-\\-");
			len = put_roff(buf, cap, len, o->name);
			len = put(buf, cap, len, " \" ");
			len = put_roff(buf, cap, len, o->arg);
			len = put(buf, cap, len, "\"");
		}
		len = put(buf, cap, len, "\n%s\n", o->man);
		if (o->def && o->kind != KIND_CHOICE)
			len = put(buf, cap, len, "Default: %s.\n", o->def);
		else if (o->def)
			len = put(buf, cap, len, "Default:\n.BR %s .\n", o->def);
	}
	return len;
}
