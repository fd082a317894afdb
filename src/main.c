/* main.c - sockftpd: options and configuration file, activation, the log,
 * the sandbox, one session, exit status. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "activation.h"
#include "auth.h"
#include "check.h"
#include "cmd.h"
#include "conffile.h"
#include "fileops.h"
#include "listener.h"
#include "log.h"
#include "monitor.h"
#include "options.h"
#include "sandbox.h"
#include "session.h"
#include "tls.h"

#ifndef SOCKFTPD_VERSION
#define SOCKFTPD_VERSION "unknown"
#endif

static void put(int fd, const char *s, size_t n)
{
	ssize_t r = write(fd, s, n);
	(void)r;
}

/* A start-up error: on stderr, or (inetd hands the connection on stderr
 * too) to the log.  usage: the command line was wrong. */
static int fail(const char *err, bool usage)
{
	struct stat st;

	if (fstat(2, &st) == 0 && !S_ISSOCK(st.st_mode)) {
		fprintf(stderr, "sockftpd: %s\n%s", err,
			usage ? "Try 'sockftpd --help' for more information.\n" : "");
	} else {
		log_open(LOG_TARGET_AUTO);
		log_msg(LOG_ERR, "error", "%s", err);
	}
	return 2;
}

/* Read the configuration file: the one --config names, or the default one
 * when it exists.  1 read, 0 none, -1 error. */
static int read_config(const char *named, char *buf, size_t cap, size_t *len, char *err,
		       size_t errcap)
{
	const char *file = named ? named : SYSCONFDIR "/sockftpd.conf";
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	ssize_t n = 0;

	if (fd < 0 && errno == ENOENT && !named)
		return 0;
	if (fd >= 0) {
		size_t got = 0;

		while ((n = read(fd, buf + got, cap - got)) > 0 && (got += (size_t)n) < cap)
			;
		*len = got;
		close(fd);
	}
	if (fd < 0 || n < 0 || *len == cap) {
		snprintf(err, errcap, "%s: %s", file,
			 fd >= 0 && n >= 0 ? "larger than 64 KiB" : strerror(errno));
		return -1;
	}
	return 1;
}

/* The configuration: defaults, then the file, then the command line. */
static enum options_result configure(struct config *cfg, struct origins *org, int argc,
				     char *argv[], char *err, size_t errcap)
{
	static char text[CONFFILE_MAX + 1];
	enum options_result r;
	const char *file;
	size_t len = 0;
	int have;

	config_defaults(cfg, org);
	r = options_parse(cfg, org, argc, argv, err, errcap);
	if (r != OPTIONS_RUN && r != OPTIONS_CHECK)
		return r;
	have = read_config(cfg->config_file, text, CONFFILE_MAX + 1, &len, err, errcap);
	if (have < 0)
		return OPTIONS_ERROR;
	if (have > 0) {
		file = cfg->config_file ? cfg->config_file : SYSCONFDIR "/sockftpd.conf";
		config_defaults(cfg, org);
		if (conffile_parse(cfg, org, file, text, len, err, errcap) < 0)
			return OPTIONS_ERROR;
		r = options_parse(cfg, org, argc, argv, err, errcap);
		if (r != OPTIONS_RUN && r != OPTIONS_CHECK)
			return r;
	}
	return options_check(cfg, err, errcap) < 0 ? OPTIONS_ERROR : r;
}

/* --pam runs in the monitor, which only a root start has.  0, or -1 with
 * the reason in err. */
static int pam_start_error(const struct config *cfg, char *err, size_t errcap)
{
	const char *svc = cfg->pam_service;

	if (strchr(svc, '/') || strcmp(svc, ".") == 0 || strcmp(svc, "..") == 0) {
		snprintf(err, errcap, "--pam: '%.100s' is not a PAM service name (a file name "
			 "in /etc/pam.d)", svc);
		return -1;
	}
	if (geteuid() != 0) {
		snprintf(err, errcap, "--pam: PAM logins need a root start (the root monitor "
			 "runs PAM and starts each login's process as its account), and this "
			 "process runs as uid %u: start sockftpd as root (the identities unit, "
			 "xinetd's user = root) or drop --pam", (unsigned)geteuid());
		return -1;
	}
	return 0;
}

/* A command line that does not serve a session: --help, --version,
 * --check-config, an error.  Its exit status, or -1 to serve. */
static int not_serving(enum options_result r, const struct config *cfg,
		       const struct origins *org, const char *err)
{
	switch (r) {
	case OPTIONS_RUN:
		return -1;
	case OPTIONS_CHECK:
		return check_config(cfg, org);
	case OPTIONS_HELP: {
		char usage[8192];

		put(1, usage, options_usage(usage, sizeof(usage)));
		return 0;
	}
	case OPTIONS_VERSION:
		put(1, "sockftpd " SOCKFTPD_VERSION "\n", strlen("sockftpd " SOCKFTPD_VERSION "\n"));
		return 0;
	case OPTIONS_ERROR:
		break;
	}
	return fail(err, true);
}

/* What the session needs from before the sandbox besides the connection:
 * the certificate and key (read and checked by each session), the
 * transfer log, who this process is.  0, or -1 (logged). */
static int acquire(const struct config *cfg, struct held *held)
{
	char err[512];

	held->tls = cfg->tls_cert ? tls_setup(cfg, err, sizeof(err)) : NULL;
	if (cfg->tls_cert && !held->tls) {
		log_msg(LOG_ERR, "error", "%s", err);
		return -1;
	}
	if (cfg->xferlog) {
		held->xferlog_fd = open(cfg->xferlog, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
					O_NOCTTY, 0640);
		if (held->xferlog_fd < 0) {
			log_msg(LOG_ERR, "error", "--xferlog %s: %s", cfg->xferlog, strerror(errno));
			tls_free(held->tls);
			return -1;
		}
		tzset();  /* local time for its lines, read before a chroot */
	}
	/* whom a login's account is compared with: no monitor decides */
	if (held->monitor_fd < 0)
		auth_know_self();
	return 0;
}

/* The session's end.  Its replies and log lines are out already (no stdio
 * buffer holds any), so the exit handlers and the libraries' destructors
 * are skipped: they would only write pages a forking listener shares with
 * the session (a copy of each, and a TLB flush; bench/listener.py's CPU per
 * forked session).  Sanitizer builds run them: their leak check is one. */
static _Noreturn void end_session(int status)
{
#if defined(__SANITIZE_ADDRESS__)
	exit(status);
#else
	_exit(status);
#endif
}

int main(int argc, char *argv[])
{
	static struct session s;
	struct config cfg;
	struct origins org;
	struct held held = HELD_NONE;
	struct activation act;
	char err[512];
	int status;

	status = not_serving(configure(&cfg, &org, argc, argv, err, sizeof(err)), &cfg, &org, err);
	if (status >= 0)
		return status;
	if (cfg.pam_service && pam_start_error(&cfg, err, sizeof(err)) < 0)
		return fail(err, false);
	/* A peer that goes away must not kill us in the middle of a write;
	 * a stop removes an upload's temporary file. */
	signal(SIGPIPE, SIG_IGN);
	fileops_guard_install();
	/* Everything the session needs is acquired before the sandbox: the
	 * connection, the log destination, the roots. */
	if (activation_detect(&act, err, sizeof(err)) < 0) {
		log_open((enum log_target)cfg.log_target);
		log_msg(LOG_ERR, "error", "%s", err);
		return 2;
	}
	log_open((enum log_target)cfg.log_target);
	/* Listener mode: in a session's process (fork without exec) the
	 * connection is on fds 0 and 1 now, and the session goes on as an
	 * inetd one, with the configuration file read anew. */
	if (listener_wanted(&cfg, &act)) {
		auth_know_self();  /* once for the sessions it forks */
		status = listener_run(&cfg, &act, argc, argv);
		if (status != LISTENER_SESSION)
			return status;
		if (configure(&cfg, &org, argc, argv, err, sizeof(err)) != OPTIONS_RUN ||
		    activation_detect(&act, err, sizeof(err)) < 0) {
			log_msg(LOG_ERR, "error", "%s", err);
			return 2;
		}
		log_open((enum log_target)cfg.log_target);
	}
	/* Started as root: --run-as is looked up once, before any split (the
	 * network process then starts no name service of its own). */
	if (geteuid() == 0 && sandbox_run_as(&cfg, &held, err, sizeof(err)) < 0) {
		log_msg(LOG_ERR, "error", "%s", err);
		return 2;
	}
	/* With virtual users or PAM: the root monitor (which never reads the
	 * network) checks passwords and starts each login's user process; the
	 * rest of this function is the network process's. */
	if (geteuid() == 0 && (cfg.users_file || cfg.pam_service)) {
		pid_t net = monitor_split(&held.monitor_fd, err, sizeof(err));

		if (net < 0) {
			log_msg(LOG_ERR, "error", "%s", err);
			return 2;
		}
		if (net > 0)
			return monitor_run(&cfg, &act, held.monitor_fd, net);
	}
	if (acquire(&cfg, &held) < 0)
		return 2;
	/* No byte from the client is read before this. */
	if (sandbox_enter(&cfg, &held, err, sizeof(err)) < 0) {
		log_msg(LOG_ERR, "error", "%s", err);
		tls_free(held.tls);
		return 2;
	}
	session_init(&s, &cfg, &held, &act);
	status = session_run(&s);
	tls_free(held.tls);
	end_session(status);
}
