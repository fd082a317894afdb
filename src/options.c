/* options.c - the option table and its parser (pure). */
#include "options.h"

#include "address.h"
#include "cidr.h"
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
	KIND_CHECK,    /* --check-config */
	KIND_CHOICE,   /* one of the words in choices ("a|b|c"), stored as first + index */
	KIND_PATH,     /* an absolute path */
	KIND_IPV4,     /* a dotted IPv4 address */
	KIND_RANGE,    /* LO-HI ports, 1024 <= LO <= HI <= 65535 */
	KIND_UINT,     /* a whole number in [min, max] (unsigned) */
	KIND_U64,      /* a whole number in [min, max] (unsigned long long) */
	KIND_NAME,     /* a non-empty word */
	KIND_FILE,     /* an absolute path, or a credential's name (no '/') */
	KIND_NETS,     /* address blocks, "CIDR[,CIDR...]" (cidr.h) */
	KIND_LISTEN,   /* ADDR:PORT or [ADDR]:PORT, repeatable (an array and its count) */
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
	const char *bare;      /* the value of the option given without one; NULL: needs one */
	bool cmdline_only;     /* not a key of the configuration file */
	const char *arg;       /* the value's name in --help and the man page */
	const char *help;      /* one line of --help */
	const char *man;       /* its paragraph in sockftpd(8), roff */
};

#define F(field) offsetof(struct config, field)

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

static const struct option_def option_table[] = {
	{.name = "help", .short_name = 'h', .kind = KIND_HELP,
	 .help = "show this help and exit",
	 .man = "Show the options and exit."},
	{.name = "version", .short_name = 'V', .kind = KIND_VERSION,
	 .help = "show the version and exit",
	 .man = "Show the version and exit."},
	{.name = "config", .kind = KIND_PATH, .offset = F(config_file), .arg = "FILE",
	 .cmdline_only = true,
	 .help = "configuration file (default: " SYSCONFDIR "/sockftpd.conf when it exists)",
	 .man = "Read options from\n.I FILE\n(default:\n.I " SYSCONFDIR "/sockftpd.conf\n"
	 "when it exists; see\n.BR sockftpd.conf (5)).\n"
	 "Options on the command line override the file's."},
	{.name = "check-config", .kind = KIND_CHECK, .cmdline_only = true,
	 .help = "check the configuration, print it with where each value comes from, exit",
	 .man = "Parse the command line and the configuration file, check the users file,\n"
	 "the directories, the run-as user and the certificate and key, print the\n"
	 "effective configuration with where each value came from, and exit: 0 when\n"
	 "everything is usable, 2 otherwise.\nNothing is served."},
	{.name = "log", .kind = KIND_CHOICE, .offset = F(log_target), .min = LOG_TARGET_JOURNAL,
	 .choices = "journal|syslog|stderr", .arg = "journal|syslog|stderr",
	 .help = "where log lines go (default: the journal under systemd, else stderr)",
	 .man = "Where log lines go.\n"
	 "By default they go to the journal when systemd connected standard error to it\n"
	 "(\\fBJOURNAL_STREAM\\fR), to standard error when it is open and not a socket,\n"
	 "and otherwise (inetd hands the connection on standard error too) to the\n"
	 "journal if its socket exists, else to syslog (facility ftp).\n"
	 "The destination is opened before the session is confined, so a chroot does\n"
	 "not cut it off.\n"
	 "Nothing is ever logged on standard output."},
	{.name = "anonymous", .kind = KIND_PATH, .offset = F(anonymous_root), .arg = "DIR",
	 .help = "allow anonymous read-only logins (USER anonymous or ftp), rooted at DIR",
	 .man = "USER\n.B anonymous\nor\n.B ftp\n(any letter case) with any password logs in "
	 "read-only, rooted at\n.IR DIR ."},
	{.name = "users", .kind = KIND_PATH, .offset = F(users_file), .arg = "FILE",
	 .help = "virtual users, one per line: name:crypt-hash:home[:rw|ro][:ACCOUNT]",
	 .man = "Virtual users, one per line\n.BR name:hash:home [ :rw | :ro ][ :ACCOUNT ]\n"
	 "(see\n.B LOGINS\nand\n.BR IDENTITIES )."},
	{.name = "pam", .kind = KIND_NAME, .offset = F(pam_service), .bare = "sockftpd",
	 .arg = "SERVICE",
	 .help = "system users log in through PAM SERVICE (default sockftpd; needs a root start)",
	 .man = "System users log in through PAM, with the service\n.I SERVICE\n"
	 "(the option without a value:\n.BR sockftpd ,\n.IR /etc/pam.d/sockftpd ,\n"
	 "which meson installs: Debian's common-auth and common-account,\n"
	 "pam_unix for the session).\n"
	 "Needs a root start (the monitor runs PAM; see\n.BR IDENTITIES ):\n"
	 "without root it is a start-up error (exit status 2).\n"
	 "A login is pam_authenticate, pam_acct_mgmt (a locked or expired account,\n"
	 "or one whose password must be changed, gets 530 and the reason is logged),\n"
	 "initgroups, pam_setcred and pam_open_session before the user's process\n"
	 "starts, as the account, rooted at its home; pam_close_session when the\n"
	 "session ends.\n"
	 "uid 0, a home that is not a directory, and (see\n"
	 ".BR \\-\\-pam\\-check\\-shell )\n"
	 "a shell not in\n.I /etc/shells\nare refused.\n"
	 "With\n.B \\-\\-users\ntoo, a name the users file holds never goes to PAM.\n"
	 "PAM gets PAM_RHOST (the client's IP address, behind a balancer the one the\n"
	 "PROXY header names; none through a pipe), PAM_TTY\n.B ftp\n"
	 "and PAM_RUSER (the name given); its own failure delay is replaced by\n"
	 ".BR \\-\\-login\\-delay ,\n"
	 "and a stack that takes longer than the login deadline is stopped."},
	{.name = "pam-check-shell", .kind = KIND_CHOICE, .offset = F(pam_check_shell),
	 .choices = "no|yes", .def = "yes", .bare = "yes", .arg = "no|yes",
	 .help = "PAM logins need a shell listed in /etc/shells (default yes)",
	 .man = "With\n.BR yes ,\na system user whose login shell is not in\n.I /etc/shells\n"
	 "(such as\n.IR /usr/sbin/nologin )\ncannot log in through\n"
	 ".BR \\-\\-pam ;\n.B no\nallows it."},
	{.name = "pasv-address", .kind = KIND_IPV4, .offset = F(pasv_address), .arg = "IPV4",
	 .help = "address PASV replies announce (behind NAT; default: the control connection's)",
	 .man = "The address PASV replies announce, for a server behind NAT (default: the\n"
	 "local address of the control connection)."},
	{.name = "pasv-ports", .kind = KIND_RANGE, .offset = F(pasv_ports), .arg = "LO-HI",
	 .help = "ports for passive data connections (default: a free one of 32768-60999)",
	 .man = "Ports for passive data connections (default: a free port of 32768-60999,\n"
	 "Linux's default local port range, tried from a random one; any port the kernel\n"
	 "picks when none is free)."},
	{.name = "idle-timeout", .kind = KIND_UINT, .offset = F(idle_timeout), .min = 1,
	 .max = 86400, .unit = "seconds", .def = "300", .arg = "SECONDS",
	 .help = "close a control connection idle this long, with 421 (default 300)",
	 .man = "Close a control connection with no complete command for this long, after a\n"
	 "421 reply; a partial line or a Telnet command does not count as a command.\n"
	 "Each reply must also be sent within this time: a client that stops reading\n"
	 "its replies is dropped."},
	{.name = "data-timeout", .kind = KIND_UINT, .offset = F(data_timeout), .min = 1,
	 .max = 86400, .unit = "seconds", .def = "120", .arg = "SECONDS",
	 .help = "give up on a data connection that stalls this long (default 120)",
	 .man = "Give up on a data connection that does not open, or that moves less than\n"
	 "4 KiB, within this time (426); bytes dripped now and then, or activity on\n"
	 "the control connection, do not keep a stalled transfer alive."},
	{.name = "login-delay", .kind = KIND_UINT, .offset = F(login_delay_ms), .max = 60000,
	 .unit = "milliseconds", .def = "1000", .arg = "MS",
	 .help = "wait this long before answering a failed login (default 1000)",
	 .man = "How long the first failed login waits before its 530; each further failure\n"
	 "waits one more such delay."},
	{.name = "max-login-failures", .kind = KIND_UINT, .offset = F(max_login_failures),
	 .min = 1, .max = 1000, .def = "3", .arg = "N",
	 .help = "close the connection (421) after N failed logins (default 3)",
	 .man = "After N failed logins the connection is closed with 421."},
	{.name = "login-timeout", .kind = KIND_UINT, .offset = F(login_timeout), .min = 1,
	 .max = 86400, .unit = "seconds", .def = "60", .arg = "SECONDS",
	 .help = "close a connection not logged in after this long (421; default 60)",
	 .man = "A connection that has not logged in this long after it opened (or after its\n"
	 "last USER or REIN) is closed with 421, whatever it sends meanwhile."},
	{.name = "rate-limit", .kind = KIND_U64, .offset = F(rate_limit), .min = 1024,
	 .max = 4000000000ULL, .unit = "bytes per second", .arg = "BYTES/S",
	 .help = "cap each session's transfers at this many bytes per second (default: none)",
	 .man = "Cap each session's transfers, both ways, at this rate (default: none).\n"
	 "ABOR is still seen at once while a transfer waits for its rate."},
	{.name = "xferlog", .kind = KIND_PATH, .offset = F(xferlog), .arg = "FILE",
	 .help = "append a line per file transfer to FILE (wu-ftpd xferlog format)",
	 .man = "Append one line per completed or aborted file transfer (RETR, STOR, APPE,\n"
	 "STOU; not listings) to\n.IR FILE ,\nin the wu-ftpd format of\n.BR xferlog (5):\n"
	 "time, seconds, client address, bytes, file (its path on the server; spaces\n"
	 "and control characters as _), a or b, _, i or o, a (anonymous) or r,\n"
	 "user (\n.B anonymous\nfor anonymous logins, not the password they give),\n"
	 "ftp, 0, *, c or i.\n"
	 "The file is opened (created 0640) before the session is confined, and each\n"
	 "line is one write with\n.BR O_APPEND ,\n"
	 "so lines of concurrent sessions never mix.\n"
	 "The journal gets the same record as the fields FTP_FILE, FTP_BYTES,\n"
	 "FTP_DIRECTION, FTP_STATUS and FTP_DURATION_MS."},
	{.name = "tls-cert", .kind = KIND_FILE, .offset = F(tls_cert), .arg = "FILE",
	 .help = "certificate chain (PEM): offer FTPS (AUTH TLS)",
	 .man = "The server's certificate chain, PEM; with it FTPS is offered (AUTH TLS, and\n"
	 "with\n.B \\-\\-tls\\-implicit\nimplicit FTPS).\n"
	 "A name without a slash is a systemd credential, read from\n"
	 ".BR $CREDENTIALS_DIRECTORY .\n"
	 "The certificate and key are read and checked before the session is confined:\n"
	 "a missing, unreadable, expired or mismatched pair ends the start with exit\n"
	 "status 2 and a line naming the file.\n"
	 "Each session reads them anew, so a renewed certificate is served from the\n"
	 "next connection on."},
	{.name = "tls-key", .kind = KIND_FILE, .offset = F(tls_key), .arg = "FILE",
	 .help = "private key (PEM; default: in the --tls-cert file)",
	 .man = "The private key, PEM (default: the one in the\n.B \\-\\-tls\\-cert\nfile); a "
	 "systemd credential as for\n.BR \\-\\-tls\\-cert ."},
	{.name = "tls-implicit", .kind = KIND_CHOICE, .offset = F(tls_implicit),
	 .choices = "no|yes", .def = "no", .bare = "yes", .arg = "no|yes",
	 .help = "implicit FTPS: the TLS handshake before the greeting, PROT P",
	 .man = "Implicit FTPS (port 990): the TLS handshake comes before the 220, and data\n"
	 "connections are protected from the start (PROT P)."},
	{.name = "require-tls", .kind = KIND_CHOICE, .offset = F(require_tls),
	 .choices = "no|logins|all", .def = "no", .bare = "logins", .arg = "no|logins|all",
	 .help = "logins (but anonymous; =all: every one) need AUTH TLS and PROT P",
	 .man = "USER before AUTH TLS gets 530 and no password is read; the data connections\n"
	 "of such logins must be protected (PROT P, 521 otherwise).\n"
	 ".B logins\n(the option without a value) spares anonymous logins,\n.B all\n"
	 "does not."},
	{.name = "tls-reuse", .kind = KIND_CHOICE, .offset = F(tls_reuse),
	 .choices = "required|off", .def = "required", .arg = "required|off",
	 .help = "a protected data connection must resume the control connection's TLS session",
	 .man = "With\n.BR required ,\na protected data connection whose TLS session does not\n"
	 "resume this control connection's session is refused with 522 before a byte\n"
	 "of the file moves, so a data connection cannot be taken over by anyone\n"
	 "but the client.\n"
	 "Only this session's control connection can have given the client its\n"
	 "session: each session makes its own TLS context, ticket keys and session\n"
	 "cache.\n"
	 "Clients that do not resume (Python's ftplib before 3.14 without an\n"
	 "override) need\n.BR off ."},
	{.name = "tls-ciphers", .kind = KIND_NAME, .offset = F(tls_ciphers),
	 .def = "ECDHE+AESGCM:ECDHE+CHACHA20", .arg = "LIST",
	 .help = "TLS 1.2 cipher list (OpenSSL syntax)",
	 .man = "The TLS 1.2 ciphers, in OpenSSL's cipher-list syntax; TLS 1.3 uses\n"
	 "OpenSSL's defaults.\n"
	 "The default allows forward-secret AEAD ciphers only: no RC4, 3DES or CBC."},
	{.name = "tls-min-version", .kind = KIND_CHOICE, .offset = F(tls_min_version),
	 .min = 2, .choices = "1.2|1.3", .def = "1.2", .arg = "1.2|1.3",
	 .help = "the lowest TLS version accepted",
	 .man = "The lowest TLS version accepted."},
	{.name = "tls-sni", .kind = KIND_NAME, .offset = F(tls_sni), .arg = "NAME",
	 .help = "refuse a TLS handshake that asks for another server name",
	 .man = "A handshake whose server name indication names another host is refused\n"
	 "(one without the extension is accepted): a connection meant for another\n"
	 "service cannot be answered by this one."},
	{.name = "proxy-protocol", .kind = KIND_CHOICE, .offset = F(proxy_protocol),
	 .choices = "no|yes", .def = "no", .bare = "yes", .arg = "no|yes",
	 .help = "a PROXY protocol header (v1 or v2) from a trusted balancer comes first",
	 .man = "Every control connection must begin with a PROXY protocol header (version 1\n"
	 "or 2, as HAProxy's\n.B send-proxy\nand\n.B send-proxy-v2\nsend) from an address in\n"
	 ".BR \\-\\-proxy\\-trusted ;\n"
	 "a connection from elsewhere, or without a whole and well-formed header within\n"
	 "5 seconds, is closed without a reply.\n"
	 "The header is read exactly, so an implicit-FTPS handshake may follow it at once.\n"
	 "The client address it gives is the one logged and checked (active-mode\n"
	 "targets, passive connections); a LOCAL header (a health check) keeps the\n"
	 "connection's own.\nNeeds\n.BR \\-\\-proxy\\-trusted ."},
	{.name = "proxy-trusted", .kind = KIND_NETS, .offset = F(proxy_trusted),
	 .arg = "CIDR[,CIDR...]",
	 .help = "the balancers whose PROXY headers are believed, e.g. 10.0.0.0/8,::1",
	 .man = "The addresses (or address blocks) of the balancers allowed to send a PROXY\n"
	 "header, separated by commas, at most 32: a header is never believed from\n"
	 "anywhere else."},
	{.name = "sandbox", .kind = KIND_CHOICE, .offset = F(sandbox), .min = SANDBOX_AUTO,
	 .choices = "auto|required|off", .def = "auto", .arg = "auto|required|off",
	 .help = "system call filter: auto goes on without it where the kernel refuses it",
	 .man = "The session's\n.BR seccomp (2)\nfilter (see\n.BR PRIVILEGES ):\n"
	 "where the kernel refuses it,\n.B auto\nlogs one line and goes on without it,\n"
	 ".B required\nends the session before the greeting (exit status 2), and\n"
	 ".B off\ndoes not try."},
	{.name = "run-as", .kind = KIND_NAME, .offset = F(run_as), .def = "nobody",
	 .arg = "USER",
	 .help = "when started as root, switch to USER before the first command (default nobody)",
	 .man = "The user a root start switches to before the first command (with\n"
	 ".BR \\-\\-users ,\nthe network process), and the account of virtual users\n"
	 "whose line names none.\n"
	 "A missing user, or root, is a start-up error (exit status 2)."},
	{.name = "listen", .kind = KIND_LISTEN, .offset = F(listen), .arg = "ADDR:PORT",
	 .cmdline_only = true,
	 .help = "listener mode: accept on ADDR:PORT ([ADDR]:PORT for IPv6; repeatable)",
	 .man = "Listener mode (see\n.BR \"LISTENER MODE\" ):\n"
	 "listen on\n.I ADDR:PORT\n(IPv4, e.g.\n.BR 0.0.0.0:21 )\nor\n.I [ADDR]:PORT\n"
	 "(IPv6, e.g.\n.BR [::]:21 ,\nwhich accepts IPv6 only), and start one session per\n"
	 "connection; up to 16 addresses.\n"
	 "Port 0 lets the kernel pick one; the log line\n.B Listening on\nnames it.\n"
	 "Listening sockets that systemd passes (a socket unit with\n.BR Accept=no )\n"
	 "select this mode as well."},
	{.name = "listen-exec", .kind = KIND_CHOICE, .offset = F(listen_exec),
	 .choices = "no|yes", .def = "yes", .bare = "yes", .arg = "no|yes",
	 .cmdline_only = true,
	 .help = "listener mode: each session re-executes sockftpd (fresh ASLR) or is a fork",
	 .man = "In listener mode, each session is a fork of the listener that executes\n"
	 "sockftpd anew\n(.BR yes :\n"
	 "its own address-space layout and stack canary, as under inetd), or a fork\n"
	 "alone\n(.BR no :\nfaster, but every session shares the listener's layout; see\n"
	 ".BR \"LISTENER MODE\" )."},
	{.name = "max-sessions", .kind = KIND_UINT, .offset = F(max_sessions), .min = 1,
	 .max = 100000, .def = "1000", .arg = "N", .cmdline_only = true,
	 .help = "listener mode: at most N sessions at once (default 1000)",
	 .man = "In listener mode, at most N sessions run at once; a connection beyond them\n"
	 "gets 421 and is closed."},
	{.name = "max-per-ip", .kind = KIND_UINT, .offset = F(max_per_ip), .max = 100000,
	 .def = "50", .arg = "N", .cmdline_only = true,
	 .help = "listener mode: at most N sessions per client address (0: no limit; default 50)",
	 .man = "In listener mode, at most N sessions of one client address (an IPv6\n"
	 "client's /64; behind a balancer, the one the PROXY header names) run at\n"
	 "once; a connection beyond them gets 421 and is closed.\n0 sets no limit."},
	{.name = "max-startups", .kind = KIND_UINT, .offset = F(max_startups), .max = 1000000,
	 .def = "120", .arg = "N", .cmdline_only = true,
	 .help = "listener mode: a client address starts at most N sessions a minute (default 120)",
	 .man = "In listener mode, each client address (an IPv6 client's /64; behind a\n"
	 "balancer, the one the PROXY header names) may start N sessions at once,\n"
	 "and one more each 60/N seconds after that; beyond that a connection gets\n"
	 "421 and is closed.\n"
	 "A session that crashes costs its address a whole minute of starts.\n"
	 "0 sets no limit."},
	{.name = "drain-timeout", .kind = KIND_UINT, .offset = F(drain_timeout), .max = 86400,
	 .unit = "seconds", .def = "60", .arg = "SECONDS", .cmdline_only = true,
	 .help = "listener mode: after SIGTERM, wait this long for sessions to end (default 60)",
	 .man = "In listener mode, SIGTERM stops the accepting at once and waits this long\n"
	 "for the running sessions to end; then they get SIGTERM (an upload in\n"
	 "progress is undone) and the listener exits."},
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

/* Why v is no value for o. */
static void bad_value(const struct option_def *o, const char *v, char *err, size_t errcap)
{
	switch (o->kind) {
	case KIND_CHOICE:
		snprintf(err, errcap, "--%s: '%.100s' is not one of %s", o->name, v, o->choices);
		break;
	case KIND_PATH:
		snprintf(err, errcap, "--%s: '%.200s' is not an absolute path", o->name, v);
		break;
	case KIND_FILE:
		snprintf(err, errcap, "--%s: '%.200s' is neither an absolute path nor a "
			 "credential name", o->name, v);
		break;
	case KIND_IPV4:
		snprintf(err, errcap, "--%s: '%.100s' is not an IPv4 address", o->name, v);
		break;
	case KIND_NETS:
		snprintf(err, errcap, "--%s: '%.200s' is not a list of at most %d addresses or "
			 "address blocks (192.0.2.0/24,2001:db8::/32)", o->name, v, CIDR_LIST_MAX);
		break;
	case KIND_LISTEN:
		snprintf(err, errcap, "--%s: '%.100s' is not ADDRESS:PORT (IPv4) or [ADDRESS]:PORT "
			 "(IPv6), or more than %d of them", o->name, v, LISTEN_MAX);
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
	case KIND_CHECK:
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
	case KIND_NETS: {
		struct cidr nets[CIDR_LIST_MAX];

		if (cidr_list_parse(v, nets, CIDR_LIST_MAX) < 0)
			break;
		*(const char **)field(cfg, o) = v;
		return 0;
	}
	case KIND_FILE:
		if (!*v || (v[0] != '/' && strchr(v, '/')))
			break;
		*(const char **)field(cfg, o) = v;
		return 0;
	case KIND_LISTEN: {
		struct sockaddr_storage ss;
		socklen_t len;

		if (cfg->listen_count >= LISTEN_MAX || address_parse_listen(v, &ss, &len) < 0)
			break;
		cfg->listen[cfg->listen_count++] = v;
		return 0;
	}
	}
	bad_value(o, v, err, errcap);
	return -1;
}

_Static_assert(N_OPTIONS <= OPTIONS_MAX, "raise OPTIONS_MAX");

void config_defaults(struct config *cfg, struct origins *org)
{
	size_t i;
	char err[8];

	memset(cfg, 0, sizeof(*cfg));
	if (org)
		memset(org, 0, sizeof(*org));
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
	return o->kind != KIND_HELP && o->kind != KIND_VERSION && o->kind != KIND_CHECK;
}

int options_set(struct config *cfg, struct origins *org, enum origin from, unsigned line,
		const char *name, size_t name_len, const char *value, char *err, size_t errcap)
{
	const struct option_def *o = find(name, name_len, 0);
	size_t i;

	if (!o || !takes_value(o) || (from == FROM_FILE && o->cmdline_only)) {
		snprintf(err, errcap, from == FROM_FILE ? "unknown key '%.*s'"
			 : "unrecognized option '%.*s'", (int)(name_len > 200 ? 200 : name_len),
			 name);
		return -1;
	}
	if (!value) {
		snprintf(err, errcap, "option '--%s' needs an argument (%s)", o->name, o->arg);
		return -1;
	}
	i = (size_t)(o - option_table);
	if (org && from == FROM_FILE && org->from[i] == FROM_FILE) {
		snprintf(err, errcap, "'%s' is set twice (first on line %u)", o->name,
			 org->line[i]);
		return -1;
	}
	if (apply(cfg, o, value, err, errcap) < 0)
		return -1;
	if (org) {
		org->from[i] = (unsigned char)from;
		org->line[i] = line;
	}
	return 0;
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

enum options_result options_parse(struct config *cfg, struct origins *org, int argc,
				  char *const argv[], char *err, size_t errcap)
{
	bool check = false;
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
			if (o->kind != KIND_CHECK)
				return o->kind == KIND_HELP ? OPTIONS_HELP : OPTIONS_VERSION;
			check = true;
			continue;
		}
		value = eq ? eq + 1 : o->bare ? o->bare : i + 1 < argc ? argv[++i] : NULL;
		if (options_set(cfg, org, FROM_COMMAND_LINE, 0, o->name, strlen(o->name), value,
				err, errcap) < 0)
			return OPTIONS_ERROR;
	}
	return check ? OPTIONS_CHECK : OPTIONS_RUN;
}

int options_strip_listen(int argc, char *const argv[], char *out[])
{
	int i, n = 0;

	if (argc > 0)
		out[n++] = argv[0];
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct option_def *o = NULL;
		const char *eq = NULL;
		size_t len;

		if (a[0] == '-' && a[1] == '-' && a[2] != '\0') {
			eq = strchr(a + 2, '=');
			len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			o = find(a + 2, len, 0);
		} else if (a[0] == '-' && a[1] != '\0' && a[1] != '-' && a[2] == '\0') {
			o = find(NULL, 0, a[1]);
		}
		if (o && o->kind == KIND_LISTEN) {
			if (!eq)
				i++;  /* its value */
			continue;
		}
		out[n++] = argv[i];
		/* the value of an option that takes the next argument */
		if (o && takes_value(o) && !eq && !o->bare && i + 1 < argc)
			out[n++] = argv[++i];
	}
	out[n] = NULL;
	return n;
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
		  "(inetd, xinetd, or a pipe for a scripted session). With --listen\n"
		  "(or listening sockets from systemd: Accept=no), listen, and start one\n"
		  "session per connection.\n\nOptions:\n");
	for (i = 0; i < N_OPTIONS; i++) {
		const struct option_def *o = &option_table[i];
		char left[80];

		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s", o->short_name, o->name);
		else
			snprintf(left, sizeof(left), "    --%s%s%s%s%s", o->name, o->bare ? "[" : "",
				 o->arg ? "=" : "", o->arg ? o->arg : "", o->bare ? "]" : "");
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
			len = put(buf, cap, len, o->bare ? " [= { " : "= { ");
			len = put_roff(buf, cap, len, o->choices);
			len = put(buf, cap, len, o->bare ? " } ]" : " }");
		} else if (!o->arg) {
			len = put(buf, cap, len, ".B \\-\\-");
			len = put_roff(buf, cap, len, o->name);
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

/* The value o has in cfg, as it would be written; false when it is unset. */
int options_check(const struct config *cfg, char *err, size_t errcap)
{
	if (cfg->proxy_protocol && !cfg->proxy_trusted) {
		snprintf(err, errcap, "--proxy-protocol needs --proxy-trusted: the balancers "
			 "whose headers are believed");
		return -1;
	}
	return 0;
}

static bool value_text(const struct config *cfg, const struct option_def *o, char *buf,
		       size_t cap)
{
	const void *f = (const char *)cfg + o->offset;

	switch (o->kind) {
	case KIND_CHOICE: {
		unsigned idx = *(const unsigned *)f - (unsigned)o->min;
		const char *c = o->choices;

		while (idx-- && strchr(c, '|'))
			c = strchr(c, '|') + 1;
		snprintf(buf, cap, "%.*s", (int)strcspn(c, "|"), c);
		return true;
	}
	case KIND_PATH:
	case KIND_IPV4:
	case KIND_NAME:
	case KIND_FILE:
	case KIND_NETS:
		if (!*(const char *const *)f)
			return false;
		snprintf(buf, cap, "%s", *(const char *const *)f);
		return true;
	case KIND_RANGE: {
		const unsigned *r = f;

		if (!r[0])
			return false;
		snprintf(buf, cap, "%u-%u", r[0], r[1]);
		return true;
	}
	case KIND_UINT:
		snprintf(buf, cap, "%u", *(const unsigned *)f);
		return true;
	case KIND_LISTEN:
		if (!cfg->listen_count)
			return false;
		snprintf(buf, cap, "%s", cfg->listen[0]);
		return true;
	case KIND_U64:
		if (!*(const unsigned long long *)f && !o->def)
			return false;
		snprintf(buf, cap, "%llu", *(const unsigned long long *)f);
		return true;
	default:
		return false;
	}
}

size_t options_describe(const struct config *cfg, const struct origins *org, char *buf,
			size_t cap)
{
	size_t len = 0, i;

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	for (i = 0; i < N_OPTIONS; i++) {
		const struct option_def *o = &option_table[i];
		char v[4200], from[4200];

		if (!takes_value(o) || o->cmdline_only)
			continue;
		if (org && org->from[i] == FROM_FILE)
			snprintf(from, sizeof(from), "%s:%u", org->file ? org->file : "file",
				 org->line[i]);
		else
			snprintf(from, sizeof(from), "%s", org && org->from[i] == FROM_COMMAND_LINE
				 ? "command line" : "default");
		if (value_text(cfg, o, v, sizeof(v)))
			len = put(buf, cap, len, "%s = %s\t# %s\n", o->name, v, from);
		else
			len = put(buf, cap, len, "# %s is not set\n", o->name);
	}
	return len;
}

/* The man text as plain words: a request (.B, .BR, ...) keeps its
 * arguments, joined as roff joins those of .BR and friends; fonts, quotes
 * and escapes go; spaces do not repeat. */
static size_t plain_text(char *out, size_t cap, const char *man)
{
	size_t o = 0;

	while (*man) {
		const char *line = man, *end = man + strcspn(man, "\n");
		bool join = false;

		if (*line == '.') {
			join = end - line > 2 && line[2] != ' ';  /* .BR .IR .BI .RB */
			line += strcspn(line, " ");
			if (line > end)
				line = end;
		}
		for (; line < end && o + 2 < cap; line++) {
			char c = *line;

			if (c == '\\' && line + 1 < end && line[1] == 'f') {
				line += 2;
				continue;
			}
			if (c == '\\' && line + 1 < end && line[1] == '-') {
				out[o++] = '-';
				line++;
				continue;
			}
			if (c == '"' || c == '\\' || (c == ' ' && (join || (o && out[o - 1] == ' '))))
				continue;
			out[o++] = c;
		}
		if (o && out[o - 1] != ' ' && o + 1 < cap)
			out[o++] = ' ';
		man = *end ? end + 1 : end;
	}
	out[o] = '\0';
	return o;
}

/* The man text as comment lines, wrapped at 72 columns. */
static size_t put_comment(char *buf, size_t cap, size_t len, const char *man)
{
	char text[2048];
	const char *p = text;

	size_t n = plain_text(text, sizeof(text), man);

	while (n && text[n - 1] == ' ')
		text[--n] = '\0';
	while (*p) {
		size_t cut;

		while (*p == ' ')
			p++;
		n = strlen(p);
		if (!n)
			break;
		cut = n;
		if (n > 70) {
			cut = 70;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = 70;
		}
		len = put(buf, cap, len, "# %.*s\n", (int)cut, p);
		p += cut;
	}
	return len;
}

size_t options_conf_example(char *buf, size_t cap)
{
	size_t len, i;

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	len = put(buf, cap, 0, "# " SYSCONFDIR "/sockftpd.conf - sockftpd's options, as\n"
		  "#     key = value\n"
		  "# one a line; the keys are the long options (sockftpd --help). Options\n"
		  "# on the command line override these. See sockftpd.conf(5). Check with\n"
		  "#     sockftpd --check-config\n");
	for (i = 0; i < N_OPTIONS; i++) {
		const struct option_def *o = &option_table[i];

		if (!takes_value(o) || o->cmdline_only)
			continue;
		len = put(buf, cap, len, "\n");
		len = put_comment(buf, cap, len, o->man);
		len = put(buf, cap, len, "#%s = %s\n", o->name, o->def ? o->def : o->arg);
	}
	return len;
}

size_t options_conf_man(char *buf, size_t cap)
{
	size_t len = 0, i;

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	for (i = 0; i < N_OPTIONS; i++) {
		const struct option_def *o = &option_table[i];

		if (!takes_value(o) || o->cmdline_only)
			continue;
		len = put(buf, cap, len, ".TP\n.BI ");
		len = put_roff(buf, cap, len, o->name);
		len = put(buf, cap, len, " \" = ");
		len = put_roff(buf, cap, len, o->arg);
		len = put(buf, cap, len, "\"\n%s\n", o->man);
		if (o->def)
			len = put(buf, cap, len, "Default: %s.\n", o->def);
	}
	return len;
}
