/* main.c - sockftpd: options, activation, one session, exit status. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "activation.h"
#include "log.h"
#include "options.h"
#include "sandbox.h"
#include "session.h"

#ifndef SOCKFTPD_VERSION
#define SOCKFTPD_VERSION "unknown"
#endif

static void put(int fd, const char *s)
{
	ssize_t r = write(fd, s, strlen(s));
	(void)r;
}

int main(int argc, char *argv[])
{
	struct config cfg;
	struct activation act;
	struct session s;
	char err[512];

	config_defaults(&cfg);
	switch (options_parse(&cfg, argc, argv, err, sizeof(err))) {
	case OPTIONS_RUN:
		break;
	case OPTIONS_HELP: {
		char usage[4096];
		size_t n = options_usage(usage, sizeof(usage));
		ssize_t r = write(1, usage, n);
		(void)r;
		return 0;
	}
	case OPTIONS_VERSION:
		put(1, "sockftpd " SOCKFTPD_VERSION "\n");
		return 0;
	case OPTIONS_ERROR:
		fprintf(stderr, "sockftpd: %s\nTry 'sockftpd --help' for more information.\n",
			err);
		return 2;
	}
	log_setup(cfg.log_target);
	/* A peer that goes away must not kill us in the middle of a write. */
	signal(SIGPIPE, SIG_IGN);
	if (activation_detect(&act, err, sizeof(err)) < 0) {
		log_msg(LOG_ERR, "error", "%s", err);
		return 2;
	}
	/* No byte from the client is read before this. */
	if (sandbox_enter(&cfg, err, sizeof(err)) < 0) {
		log_msg(LOG_ERR, "error", "%s", err);
		return 2;
	}
	if (act.mode != ACTIVATION_PIPE) {
		/* a client that stops reading its replies cannot hold the process */
		struct timeval tv = {.tv_sec = (time_t)cfg.idle_timeout};

		setsockopt(act.out_fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	session_init(&s, &cfg, &act);
	return session_run(&s);
}
