/* main.c - sockftpd: options, activation, the log, the sandbox, one session,
 * exit status. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "activation.h"
#include "log.h"
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

int main(int argc, char *argv[])
{
	static struct session s;
	struct config cfg;
	struct held held;
	struct activation act;
	char err[512];

	config_defaults(&cfg);
	switch (options_parse(&cfg, argc, argv, err, sizeof(err))) {
	case OPTIONS_RUN:
		break;
	case OPTIONS_HELP: {
		char usage[8192];

		put(1, usage, options_usage(usage, sizeof(usage)));
		return 0;
	}
	case OPTIONS_VERSION:
		put(1, "sockftpd " SOCKFTPD_VERSION "\n", strlen("sockftpd " SOCKFTPD_VERSION "\n"));
		return 0;
	case OPTIONS_ERROR:
		fprintf(stderr, "sockftpd: %s\nTry 'sockftpd --help' for more information.\n",
			err);
		return 2;
	}
	/* A peer that goes away must not kill us in the middle of a write. */
	signal(SIGPIPE, SIG_IGN);
	/* Everything the session needs is acquired before the sandbox: the
	 * connection, the log destination, the roots. */
	if (activation_detect(&act, err, sizeof(err)) < 0) {
		log_open((enum log_target)cfg.log_target);
		log_msg(LOG_ERR, "error", "%s", err);
		return 2;
	}
	log_open((enum log_target)cfg.log_target);
	/* the certificate and key, read and checked by each session */
	held.tls = cfg.tls_cert ? tls_setup(&cfg, err, sizeof(err)) : NULL;
	if (cfg.tls_cert && !held.tls) {
		log_msg(LOG_ERR, "error", "%s", err);
		return 2;
	}
	/* No byte from the client is read before this. */
	if (sandbox_enter(&cfg, &held, err, sizeof(err)) < 0) {
		log_msg(LOG_ERR, "error", "%s", err);
		return 2;
	}
	session_init(&s, &cfg, &held, &act);
	return session_run(&s);
}
