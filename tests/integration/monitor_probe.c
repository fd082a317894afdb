/* monitor_probe.c - the monitor of a root start, facing a network process
 * that was taken over: it runs the very monitor sockftpd runs
 * (monitor_split, monitor_run), but the network process it forks becomes
 * nobody and runs ATTACKER instead of the FTP session, with its end of
 * the socketpair as descriptor 3.  The attacker speaks the monitor's
 * protocol directly (tests/integration/test_identities.py).
 *
 *   monitor_probe [SOCKFTPD OPTIONS...] -- ATTACKER [ARGS...]
 *
 * Exit status: the monitor's (the attacker's, or 1 when the monitor ended
 * the session).  Needs root. */
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "activation.h"
#include "log.h"
#include "monitor.h"
#include "options.h"

int main(int argc, char *argv[])
{
	static struct config cfg;
	struct activation act;
	char err[512];
	int sep, sock;
	pid_t pid;

	for (sep = 1; sep < argc && strcmp(argv[sep], "--") != 0; sep++)
		;
	if (sep >= argc - 1 || geteuid() != 0) {
		fprintf(stderr, "usage (as root): monitor_probe [OPTIONS] -- ATTACKER [ARGS]\n");
		return 2;
	}
	config_defaults(&cfg, NULL);
	argv[sep] = NULL;
	if (options_parse(&cfg, NULL, sep, argv, err, sizeof(err)) != OPTIONS_RUN ||
	    (!cfg.users_file && !cfg.pam_service)) {
		fprintf(stderr, "monitor_probe: %s\n",
			cfg.users_file || cfg.pam_service ? err : "--users or --pam is needed");
		return 2;
	}
	log_open((enum log_target)cfg.log_target);
	memset(&act, 0, sizeof(act));
	act.mode = ACTIVATION_PIPE;
	act.in_fd = act.out_fd = -1;
	snprintf(act.peer.addr, sizeof(act.peer.addr), "probe");
	pid = monitor_split(&sock, err, sizeof(err));
	if (pid < 0) {
		fprintf(stderr, "monitor_probe: %s\n", err);
		return 2;
	}
	if (pid > 0)
		return monitor_run(&cfg, &act, sock, pid);
	/* the network process, taken over: the run-as user, speaking to the
	 * monitor on descriptor 3 */
	if (dup2(sock, 3) < 0 || setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
	    setresuid(65534, 65534, 65534) < 0) {
		perror("monitor_probe");
		_exit(2);
	}
	execvp(argv[sep + 1], argv + sep + 1);
	perror(argv[sep + 1]);
	_exit(2);
}
