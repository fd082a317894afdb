/* options.h - the options: ONE typed table (name, kind, bounds, default,
 * --help text, man-page text), parsed into an immutable struct config.
 * The command line uses it today; a configuration file can use the same
 * table through options_set().  Pure: messages are returned, not printed. */
#ifndef SOCKFTPD_OPTIONS_H
#define SOCKFTPD_OPTIONS_H

#include <stddef.h>

enum log_target {
	LOG_TARGET_AUTO,    /* journal under systemd, stderr otherwise */
	LOG_TARGET_JOURNAL,
	LOG_TARGET_SYSLOG,
	LOG_TARGET_STDERR,
};

enum require_tls {
	REQUIRE_TLS_NO,
	REQUIRE_TLS_LOGINS,  /* every login but anonymous */
	REQUIRE_TLS_ALL,
};

enum tls_reuse {
	TLS_REUSE_REQUIRED,  /* a data connection must resume the control session */
	TLS_REUSE_OFF,
};

enum sandbox_mode {
	SANDBOX_AUTO,      /* install the filter; where it cannot be, say so and go on */
	SANDBOX_REQUIRED,  /* no filter, no session */
	SANDBOX_OFF,
};

/* How many --listen addresses. */
#define LISTEN_MAX 16

/* Read-only once parsed: what changes at run time lives elsewhere. */
struct config {
	const char *config_file;      /* --config FILE (command line only) */
	unsigned log_target;          /* enum log_target: --log */
	unsigned sandbox;             /* enum sandbox_mode: --sandbox */
	const char *anonymous_root;   /* --anonymous DIR: read-only anonymous logins */
	const char *users_file;       /* --users FILE: virtual users */
	const char *pam_service;      /* --pam SERVICE: system users through PAM, or NULL */
	unsigned pam_check_shell;     /* --pam-check-shell: the shell must be in /etc/shells */
	const char *pasv_address;     /* --pasv-address: IPv4 announced by PASV */
	unsigned pasv_ports[2];       /* --pasv-ports LO-HI; 0-0 is any port */
	unsigned idle_timeout;        /* --idle-timeout seconds */
	unsigned data_timeout;        /* --data-timeout seconds */
	unsigned login_delay_ms;      /* --login-delay ms before a failed login's 530 */
	const char *run_as;           /* --run-as: the user a root start switches to */
	unsigned max_login_failures;  /* --max-login-failures: then 421 and close */
	unsigned login_timeout;       /* --login-timeout seconds to log in */
	unsigned long long rate_limit; /* --rate-limit bytes/s per session, 0: none */
	const char *xferlog;          /* --xferlog FILE: the wu-ftpd transfer log */
	/* FTPS: offered when tls_cert is set.  Files are absolute paths or
	 * names of systemd credentials ($CREDENTIALS_DIRECTORY). */
	const char *tls_cert;         /* --tls-cert */
	const char *tls_key;          /* --tls-key (default: in the cert file) */
	unsigned tls_implicit;        /* --tls-implicit: handshake before the 220 */
	unsigned require_tls;         /* enum require_tls: --require-tls */
	unsigned tls_reuse;           /* enum tls_reuse: --tls-reuse */
	const char *tls_ciphers;      /* --tls-ciphers: TLS 1.2 cipher list */
	unsigned tls_min_version;     /* --tls-min-version: 2 (1.2) or 3 (1.3) */
	const char *tls_sni;          /* --tls-sni: the only server name accepted */
	unsigned proxy_protocol;      /* --proxy-protocol: a PROXY header comes first */
	const char *proxy_trusted;    /* --proxy-trusted: who may send one (CIDR list) */
	/* Listener mode (command line only: the listener reads them once). */
	const char *listen[LISTEN_MAX]; /* --listen ADDR:PORT, repeatable */
	unsigned listen_count;
	unsigned listen_exec;         /* --listen-exec no|yes: re-execute each session */
	unsigned max_sessions;        /* --max-sessions N */
	unsigned max_per_ip;          /* --max-per-ip N, 0: none */
	unsigned max_startups;        /* --max-startups N a minute per source, 0: none */
	unsigned drain_timeout;       /* --drain-timeout seconds after SIGTERM */
};

enum options_result {
	OPTIONS_RUN,      /* serve a session with the config */
	OPTIONS_CHECK,    /* --check-config: check everything, print it, exit 0 or 2 */
	OPTIONS_HELP,     /* print options_usage() on stdout, exit 0 */
	OPTIONS_VERSION,  /* print the version on stdout, exit 0 */
	OPTIONS_ERROR,    /* print the message on stderr, exit 2 */
};

/* Where each option's value came from, for --check-config. */
#define OPTIONS_MAX 48
enum origin { FROM_DEFAULT, FROM_FILE, FROM_COMMAND_LINE };
struct origins {
	const char *file;               /* the configuration file, if any */
	unsigned char from[OPTIONS_MAX];
	unsigned line[OPTIONS_MAX];     /* FROM_FILE: its line */
};

/* Every option at its default (origins too, when not NULL). */
void config_defaults(struct config *cfg, struct origins *org);

/* Parse argv (argv[0] is skipped) over what cfg holds.  On OPTIONS_ERROR a
 * one-line message is left in err.  Values point into argv.  org may be
 * NULL. */
enum options_result options_parse(struct config *cfg, struct origins *org, int argc,
				  char *const argv[], char *err, size_t errcap);

/* Set one option by its long name (name_len bytes) to value; the value must
 * outlive cfg.  from FROM_FILE (line): options only the command line takes
 * are refused, and so is a key set twice.  0, or -1 with a message in err. */
int options_set(struct config *cfg, struct origins *org, enum origin from, unsigned line,
		const char *name, size_t name_len, const char *value, char *err, size_t errcap);

/* The rules between options, checked once everything is read: 0, or -1
 * with a one-line message in err. */
int options_check(const struct config *cfg, char *err, size_t errcap);
/* argv without the listener's --listen options (with their values), into
 * out (room for argc + 1 pointers, NULL-terminated): the command line of a
 * session the listener re-executes.  Returns the new argc. */
int options_strip_listen(int argc, char *const argv[], char *out[]);

/* The effective configuration, one "key = value" line per option, with
 * where it came from. */
size_t options_describe(const struct config *cfg, const struct origins *org, char *buf,
			size_t cap);

/* The --help text, built from the option table. */
size_t options_usage(char *buf, size_t cap);

/* The OPTIONS section of sockftpd(8) in roff, built from the table. */
size_t options_man(char *buf, size_t cap);

/* The keys of sockftpd.conf(5) in roff, and the commented file meson
 * installs as /etc/sockftpd.conf: both from the table. */
size_t options_conf_man(char *buf, size_t cap);
size_t options_conf_example(char *buf, size_t cap);

#endif
