/* options.h - the command line: one table of options, parsed into a config
 * (pure: messages are returned, not printed). */
#ifndef SOCKFTPD_OPTIONS_H
#define SOCKFTPD_OPTIONS_H

#include <stddef.h>

enum log_target {
	LOG_TARGET_AUTO,    /* journal under systemd, stderr otherwise */
	LOG_TARGET_JOURNAL,
	LOG_TARGET_SYSLOG,
	LOG_TARGET_STDERR,
};

enum sandbox_mode {
	SANDBOX_AUTO,      /* install the filter; where it cannot be, say so and go on */
	SANDBOX_REQUIRED,  /* no filter, no session */
	SANDBOX_OFF,
};

struct config {
	enum log_target log_target;
	enum sandbox_mode sandbox;    /* --sandbox */
	const char *anonymous_root;   /* --anonymous DIR: read-only anonymous logins */
	const char *users_file;       /* --users FILE: virtual users */
	const char *pasv_address;     /* --pasv-address: IPv4 announced by PASV */
	unsigned pasv_lo, pasv_hi;    /* --pasv-ports LO-HI; 0-0 is any port */
	unsigned idle_timeout;        /* --idle-timeout seconds (default 300) */
	unsigned data_timeout;        /* --data-timeout seconds (default 120) */
	unsigned login_delay_ms;      /* --login-delay ms before a failed login's 530 */
	const char *run_as;           /* --run-as: the user a root start switches to */
	unsigned max_login_failures;  /* --max-login-failures: then 421 and close */
	unsigned login_timeout;       /* --login-timeout seconds to log in (default 60) */
	unsigned long long rate_limit; /* --rate-limit bytes/s per session, 0: none */

	/* set by the sandbox when it drops root: what stays open */
	int anonymous_fd;             /* the anonymous root, or -1 */
	int users_fd;                 /* the users file, or -1 */
	int chrooted;                 /* the anonymous root is now "/" */
};

enum options_result {
	OPTIONS_RUN,      /* serve a session with the config */
	OPTIONS_HELP,     /* print options_usage() on stdout, exit 0 */
	OPTIONS_VERSION,  /* print the version on stdout, exit 0 */
	OPTIONS_ERROR,    /* print the message on stderr, exit 2 */
};

void config_defaults(struct config *cfg);

/* Parse argv (argv[0] is skipped).  On OPTIONS_ERROR a one-line message is
 * left in err. */
enum options_result options_parse(struct config *cfg, int argc,
				  char *const argv[], char *err, size_t errcap);

/* The --help text, built from the option table. */
size_t options_usage(char *buf, size_t cap);

#endif
