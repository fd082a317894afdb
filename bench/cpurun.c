/* cpurun.c - CPU time per session of programs started directly, for
 * bench/sessions.py --cpu.  Each session: a socketpair is the connection,
 * on fd 3 with LISTEN_FDS=1 and LISTEN_PID (mode "s", as systemd passes
 * it) or on fds 0 and 1 (mode "i", as inetd does); the runner reads the
 * greeting, sends QUIT, reads to the end, reaps the program.  CPU is the
 * user + system time of the reaped children (getrusage), so neither the
 * runner nor an activator nor TCP is in the figure; the programs take turns
 * over the rounds, so a drifting load spreads over all of them.
 *
 *   cpurun SESSIONS ROUNDS UID MODE:PROGRAM[,ARG...] ...
 *
 * prints one line per program: milliseconds per session.  UID > 0: the
 * programs run as that uid and gid (the benchmark runs them as nobody).
 * Not part of the build: bench/sessions.py compiles it. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_ARGS 16

static double children_cpu(void)
{
	struct rusage r;

	getrusage(RUSAGE_CHILDREN, &r);
	return (double)(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
	       (double)(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

static int session(char *const argv[], int inetd, int uid)
{
	char buf[512], pid[24];
	int sv[2], sent = 0, status;
	ssize_t n;
	pid_t p;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	p = fork();
	if (p < 0)
		return -1;
	if (p == 0) {
		int null = open("/dev/null", O_RDWR);

		if (inetd) {
			dup2(sv[1], 0);
			dup2(sv[1], 1);
		} else {
			dup2(sv[1], 3);
			snprintf(pid, sizeof(pid), "%d", (int)getpid());
			setenv("LISTEN_PID", pid, 1);
			setenv("LISTEN_FDS", "1", 1);
			dup2(null, 0);
			dup2(null, 1);
		}
		dup2(null, 2);
		if (uid > 0 && (setgroups(0, NULL) < 0 || setresgid((gid_t)uid, (gid_t)uid, (gid_t)uid) < 0 ||
				setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) < 0))
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	close(sv[1]);
	while ((n = read(sv[0], buf, sizeof(buf))) > 0)
		if (!sent) {
			sent = write(sv[0], "QUIT\r\n", 6) == 6;
		}
	close(sv[0]);
	if (waitpid(p, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) >= 126)
		return -1;
	return 0;
}

int main(int argc, char *argv[])
{
	int sessions, rounds, uid, nprog, r, i, k;
	char *args[MAX_ARGS][MAX_ARGS + 1];
	int inetd[MAX_ARGS];
	double total[MAX_ARGS] = {0};

	if (argc < 5 || argc - 4 > MAX_ARGS) {
		fprintf(stderr, "usage: cpurun SESSIONS ROUNDS UID MODE:PROGRAM[,ARG...] ...\n");
		return 2;
	}
	sessions = atoi(argv[1]);
	rounds = atoi(argv[2]);
	uid = atoi(argv[3]);
	nprog = argc - 4;
	for (i = 0; i < nprog; i++) {
		char *spec = argv[4 + i], *tok;
		int n = 0;

		if ((spec[0] != 's' && spec[0] != 'i') || spec[1] != ':') {
			fprintf(stderr, "cpurun: %s: MODE is s or i\n", spec);
			return 2;
		}
		inetd[i] = spec[0] == 'i';
		for (tok = strtok(spec + 2, ","); tok && n < MAX_ARGS; tok = strtok(NULL, ","))
			args[i][n++] = tok;
		args[i][n] = NULL;
	}
	for (r = 0; r < rounds; r++)
		for (i = 0; i < nprog; i++) {
			double c0 = children_cpu();

			for (k = 0; k < sessions; k++)
				if (session(args[i], inetd[i], uid) < 0) {
					fprintf(stderr, "cpurun: %s: a session failed\n", args[i][0]);
					return 1;
				}
			total[i] += children_cpu() - c0;
		}
	for (i = 0; i < nprog; i++)
		printf("%.4f\n", total[i] / (double)(sessions * rounds) * 1000.0);
	return 0;
}
