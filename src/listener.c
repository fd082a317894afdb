/* listener.c - listener mode: accept, admission control, one isolated
 * session per connection. */
#include "listener.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "address.h"
#include "admission.h"
#include "log.h"
#include "reply.h"

/* Listening sockets at most (--listen, and what systemd passes). */
#define LISTENER_FDS_MAX 64
/* Connections taken from one listening socket per wake-up. */
#define ACCEPT_BATCH 32
/* Pauses after a failed accept or fork: from the first to the longest. */
#define BACKOFF_FIRST_MS 50
#define BACKOFF_MAX_MS 2000
/* After the drain timeout and SIGTERM, how long sessions have to end
 * before SIGKILL. */
#define KILL_AFTER_MS 5000

extern char **environ;

struct kid {
	pid_t pid;
	size_t slot;                        /* its source in the admission table */
	char who[ADDRESS_TEXT_MAX + 8];     /* the client, for the log */
};

/* Refusals logged at most once a second each, with the count of those not
 * logged. */
struct quiet {
	uint64_t last_ms;
	unsigned held;
};

struct listener {
	const struct config *cfg;
	int fd[LISTENER_FDS_MAX];
	size_t nfd;
	int sigfd;
	sigset_t oldmask;
	int exe_fd;                /* this program, for --listen-exec=yes */
	char **exec_argv;
	struct admission adm;
	struct adm_source *sources;
	struct kid *kids;
	size_t sources_size, kids_size;  /* bytes mapped */
	size_t nkids;
	/* accepting paused (descriptors or processes ran out) until resume_ms */
	bool paused;
	uint64_t resume_ms;
	unsigned backoff_ms;
	bool said_accept, said_fork;  /* the trouble is logged once per episode */
	/* SIGTERM */
	bool draining, terminated, killed;
	uint64_t deadline_ms;
	struct quiet quiet[4];     /* per enum adm_verdict */
};

/* A table of its own pages, which a fork does not copy: the session gets
 * zeroes there (MADV_WIPEONFORK, Linux 4.14; without it, the copy is
 * unmapped at once). */
static void *table(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, bytes, MADV_WIPEONFORK);
	return p;
}

static void unmap(void *p, size_t bytes)
{
	if (p)
		munmap(p, bytes);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int listener_wanted(const struct config *cfg, const struct activation *act)
{
	return cfg->listen_count > 0 || act->mode == ACTIVATION_LISTEN;
}

static void describe(int fd, char *buf, size_t cap)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct endpoint ep;

	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		memset(&ss, 0, sizeof(ss));
	endpoint_from_sockaddr(&ep, (struct sockaddr *)&ss, len);
	endpoint_format(&ep, buf, cap);
}

static int add_fd(struct listener *l, int fd, char *err, size_t errcap)
{
	int fl = fcntl(fd, F_GETFL);

	if (l->nfd >= LISTENER_FDS_MAX) {
		snprintf(err, errcap, "more than %d listening sockets", LISTENER_FDS_MAX);
		return -1;
	}
	/* never inherited by a session; never blocks the listener */
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
		snprintf(err, errcap, "listening socket %d: %s", fd, strerror(errno));
		return -1;
	}
	l->fd[l->nfd++] = fd;
	return 0;
}

static int open_listeners(struct listener *l, const struct activation *act, char *err,
			  size_t errcap)
{
	unsigned i;
	int on = 1;

	for (i = 0; i < l->cfg->listen_count; i++) {
		const char *text = l->cfg->listen[i];
		struct sockaddr_storage ss;
		socklen_t len;
		int fd;

		if (address_parse_listen(text, &ss, &len) < 0) {
			snprintf(err, errcap, "--listen %s: not an address", text);
			return -1;
		}
		fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0 ||
		    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
		    (ss.ss_family == AF_INET6 &&
		     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) < 0) ||
		    bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, SOMAXCONN) < 0) {
			snprintf(err, errcap, "--listen %s: %s", text, strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		if (add_fd(l, fd, err, errcap) < 0) {
			close(fd);
			return -1;
		}
	}
	if (act->mode == ACTIVATION_LISTEN)
		for (i = 0; i < (unsigned)act->listen_n; i++)
			if (add_fd(l, act->listen_first + (int)i, err, errcap) < 0)
				return -1;
	return 0;
}

/* Write a 421 without reading anything, and close. */
static void refuse(int conn, const char *text)
{
	char buf[256];
	size_t n = reply_format(buf, sizeof(buf), 421, text);
	ssize_t r = send(conn, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);

	(void)r;
	shutdown(conn, SHUT_WR);
	close(conn);
}

static void refused(struct listener *l, enum adm_verdict v, const char *who, const char *why)
{
	struct quiet *q = &l->quiet[v];
	uint64_t now = now_ms();

	if (q->last_ms && now - q->last_ms < 1000) {
		q->held++;
		return;
	}
	if (q->held)
		log_msg(LOG_NOTICE, "reject", "Refused %s: %s (and %u more such since the last "
			"line)", who, why, q->held);
	else
		log_msg(LOG_NOTICE, "reject", "Refused %s: %s", who, why);
	q->last_ms = now;
	q->held = 0;
}

static void pause_accepting(struct listener *l)
{
	l->backoff_ms = l->backoff_ms ? l->backoff_ms * 2 : BACKOFF_FIRST_MS;
	if (l->backoff_ms > BACKOFF_MAX_MS)
		l->backoff_ms = BACKOFF_MAX_MS;
	l->paused = true;
	l->resume_ms = now_ms() + l->backoff_ms;
}

/* In the new session's process: nothing of the listener stays but the
 * connection, on fds 0 and 1. */
static int become_session(struct listener *l, int conn)
{
	size_t i;

	for (i = 0; i < l->nfd; i++)
		close(l->fd[i]);
	close(l->sigfd);
	sigprocmask(SIG_SETMASK, &l->oldmask, NULL);
	if ((conn != 0 && dup2(conn, 0) < 0) || (conn != 1 && dup2(conn, 1) < 0))
		_exit(2);
	if (conn > 1)
		close(conn);
	if (l->cfg->listen_exec) {
		setenv(ACTIVATION_LISTENER_ENV, "1", 1);
		fexecve(l->exe_fd, l->exec_argv, environ);
		log_msg(LOG_ERR, "error", "cannot execute sockftpd for a session: %s",
			strerror(errno));
		_exit(2);
	}
	activation_mark_listened();
	if (l->exe_fd >= 0)
		close(l->exe_fd);
	/* other clients' addresses are none of this session's business:
	 * wiped on fork (MADV_WIPEONFORK), and unmapped */
	unmap(l->kids, l->kids_size);
	unmap(l->sources, l->sources_size);
	free(l->exec_argv);
	return LISTENER_SESSION;
}

/* A connection: admit it and start its session, or refuse it.  Returns
 * LISTENER_SESSION in the session's process, 0 in the listener. */
static int take(struct listener *l, int conn, const struct sockaddr_storage *ss,
		socklen_t len)
{
	unsigned char key[16];
	struct endpoint ep;
	char who[ADDRESS_TEXT_MAX + 8];
	size_t slot = 0;
	enum adm_verdict v;
	pid_t pid;

	endpoint_from_sockaddr(&ep, (const struct sockaddr *)ss, len);
	endpoint_format(&ep, who, sizeof(who));
	if (admission_key((const struct sockaddr *)ss, len, key) < 0)
		memset(key, 0, sizeof(key));  /* not IP: one source for all */
	v = admission_admit(&l->adm, key, now_ms(), &slot);
	switch (v) {
	case ADM_OK:
		break;
	case ADM_FULL:
		refuse(conn, "Too many sessions on this server; try again later.");
		refused(l, v, who, "--max-sessions reached");
		return 0;
	case ADM_PER_IP:
		refuse(conn, "Too many sessions from your address; close one and try again.");
		refused(l, v, who, "--max-per-ip reached for its address");
		return 0;
	case ADM_RATE:
		refuse(conn, "Too many new connections from your address; try again in a "
		       "minute.");
		refused(l, v, who, "--max-startups reached for its address");
		return 0;
	}
	pid = fork();
	if (pid == 0)
		return become_session(l, conn);
	if (pid < 0) {
		int e = errno;

		refuse(conn, "Cannot start a session now; try again later.");
		admission_end(&l->adm, slot, 0, now_ms());
		if (!l->said_fork)
			log_msg(LOG_ERR, "error", "fork: %s: refusing connections with 421, and "
				"accepting more slowly, until a session can start (logged once)",
				strerror(e));
		l->said_fork = true;
		pause_accepting(l);
		return 0;
	}
	close(conn);
	if (l->said_fork)
		log_msg(LOG_NOTICE, "listener", "Sessions start again");
	l->said_fork = false;
	l->kids[l->nkids].pid = pid;
	l->kids[l->nkids].slot = slot;
	snprintf(l->kids[l->nkids].who, sizeof(l->kids[l->nkids].who), "%s", who);
	l->nkids++;
	return 0;
}

/* Take what the listening socket fd has queued. */
static int accept_on(struct listener *l, int fd)
{
	int n;

	for (n = 0; n < ACCEPT_BATCH && !l->paused; n++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int conn;

		memset(&ss, 0, sizeof(ss));
		conn = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC);
		if (conn < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			/* EMFILE, ENFILE, ENOBUFS, ENOMEM: the connection
			 * waits in the queue; try again a little later */
			if (!l->said_accept)
				log_msg(LOG_ERR, "error", "accept: %s: accepting paused, retried "
					"every %d ms at most, until it works again (logged once)",
					strerror(errno), BACKOFF_MAX_MS);
			l->said_accept = true;
			pause_accepting(l);
			return 0;
		}
		if (l->said_accept)
			log_msg(LOG_NOTICE, "listener", "Accepting again");
		l->said_accept = false;
		if (!l->said_fork)
			l->backoff_ms = 0;
		if (take(l, conn, &ss, len) == LISTENER_SESSION)
			return LISTENER_SESSION;
	}
	return 0;
}

static bool crash_signal(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
	       sig == SIGABRT || sig == SIGSYS;
}

static void reap(struct listener *l)
{
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		size_t i;

		for (i = 0; i < l->nkids && l->kids[i].pid != pid; i++)
			;
		if (i == l->nkids)
			continue;
		if (WIFSIGNALED(st)) {
			int sig = WTERMSIG(st);

			if (crash_signal(sig) || !l->terminated)
				log_msg(crash_signal(sig) ? LOG_WARNING : LOG_NOTICE, "listener",
					"Session %d of %s killed by signal %d (%s)", (int)pid,
					l->kids[i].who, sig, strsignal(sig));
			admission_end(&l->adm, l->kids[i].slot, crash_signal(sig), now_ms());
		} else {
			admission_end(&l->adm, l->kids[i].slot, 0, now_ms());
		}
		l->kids[i] = l->kids[--l->nkids];
	}
}

static void signal_sessions(struct listener *l, int sig)
{
	size_t i;

	for (i = 0; i < l->nkids; i++)
		kill(l->kids[i].pid, sig);
}

static void stop(struct listener *l)
{
	size_t i;

	if (l->draining) {
		/* a second SIGTERM: do not wait */
		if (!l->terminated)
			signal_sessions(l, SIGTERM);
		l->terminated = true;
		l->deadline_ms = now_ms() + KILL_AFTER_MS;
		return;
	}
	for (i = 0; i < l->nfd; i++)
		close(l->fd[i]);
	l->nfd = 0;
	l->draining = true;
	l->deadline_ms = now_ms() + (uint64_t)l->cfg->drain_timeout * 1000;
	log_msg(LOG_NOTICE, "listener", "Stopping: no new sessions; waiting up to %u s for %zu "
		"running", l->cfg->drain_timeout, l->nkids);
}

static void on_signals(struct listener *l)
{
	struct signalfd_siginfo si;

	while (read(l->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			reap(l);
			break;
		case SIGTERM:
		case SIGINT:
			stop(l);
			break;
		case SIGHUP:
			log_msg(LOG_NOTICE, "listener", "SIGHUP ignored: each session reads the "
				"configuration file when it starts");
			break;
		default:
			break;
		}
	}
}

/* The listener's walls: it keeps the identity it was started with (a root
 * start's sessions need root for their chroot, their switch to --run-as and
 * the monitor), but can never gain more: no_new_privs, no core dumps. */
static int walls(char *err, size_t errcap)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_DUMPABLE, 0) < 0) {
		snprintf(err, errcap, "no_new_privs: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int setup(struct listener *l, const struct activation *act, int argc, char *argv[],
		 char *err, size_t errcap)
{
	const struct config *cfg = l->cfg;
	size_t cap = (size_t)cfg->max_sessions + ADMISSION_SPARE;
	sigset_t set;

	l->sources_size = cap * sizeof(*l->sources);
	l->kids_size = cfg->max_sessions * sizeof(*l->kids);
	l->sources = table(l->sources_size);
	l->kids = table(l->kids_size);
	l->exec_argv = calloc((size_t)argc + 1, sizeof(char *));
	if (!l->sources || !l->kids || !l->exec_argv) {
		snprintf(err, errcap, "out of memory for %u sessions", cfg->max_sessions);
		return -1;
	}
	admission_init(&l->adm, l->sources, cap, cfg->max_sessions, cfg->max_per_ip,
		       cfg->max_startups);
	options_strip_listen(argc, argv, l->exec_argv);
	if (cfg->listen_exec) {
		l->exe_fd = open("/proc/self/exe", O_PATH | O_CLOEXEC);
		if (l->exe_fd < 0) {
			snprintf(err, errcap, "/proc/self/exe (--listen-exec=yes): %s",
				 strerror(errno));
			return -1;
		}
	}
	if (open_listeners(l, act, err, errcap) < 0)
		return -1;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, &l->oldmask) < 0 ||
	    (l->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC)) < 0) {
		snprintf(err, errcap, "signalfd: %s", strerror(errno));
		return -1;
	}
	return walls(err, errcap);
}

static void cleanup(struct listener *l)
{
	size_t i;

	for (i = 0; i < l->nfd; i++)
		close(l->fd[i]);
	if (l->sigfd >= 0)
		close(l->sigfd);
	if (l->exe_fd >= 0)
		close(l->exe_fd);
	unmap(l->kids, l->kids_size);
	unmap(l->sources, l->sources_size);
	free(l->exec_argv);
}

int listener_run(const struct config *cfg, const struct activation *act, int argc,
		 char *argv[])
{
	static struct listener l;
	char err[512];
	size_t i;

	memset(&l, 0, sizeof(l));
	l.cfg = cfg;
	l.sigfd = l.exe_fd = -1;
	if (setup(&l, act, argc, argv, err, sizeof(err)) < 0) {
		log_msg(LOG_ERR, "error", "%s", err);
		cleanup(&l);
		return 2;
	}
	for (i = 0; i < l.nfd; i++) {
		char where[ADDRESS_TEXT_MAX + 8];

		describe(l.fd[i], where, sizeof(where));
		log_msg(LOG_INFO, "listener", "Listening on %s (sessions: %s; at most %u, %u per "
			"address, %u starts a minute per address)", where,
			cfg->listen_exec ? "fork+exec" : "fork", cfg->max_sessions,
			cfg->max_per_ip, cfg->max_startups);
	}
	for (;;) {
		struct pollfd pfd[LISTENER_FDS_MAX + 1];
		nfds_t n = 1;
		int timeout = -1;
		uint64_t now = now_ms();

		if (l.draining && l.nkids == 0)
			break;
		if (l.paused && now >= l.resume_ms)
			l.paused = false;
		if (l.draining && now >= l.deadline_ms) {
			if (l.terminated) {
				signal_sessions(&l, SIGKILL);
				l.killed = true;
			} else {
				log_msg(LOG_NOTICE, "listener", "Drain timeout: ending %zu sessions",
					l.nkids);
				signal_sessions(&l, SIGTERM);
				l.terminated = true;
			}
			l.deadline_ms = now + KILL_AFTER_MS;
		}
		pfd[0].fd = l.sigfd;
		pfd[0].events = POLLIN;
		if (!l.paused)
			for (i = 0; i < l.nfd; i++) {
				pfd[n].fd = l.fd[i];
				pfd[n].events = POLLIN;
				n++;
			}
		if (l.paused)
			timeout = (int)(l.resume_ms - now);
		if (l.draining && !l.killed)
			timeout = (int)(l.deadline_ms > now ? l.deadline_ms - now : 0);
		if (poll(pfd, n, timeout) < 0 && errno != EINTR) {
			log_msg(LOG_ERR, "error", "poll: %s", strerror(errno));
			break;
		}
		if (pfd[0].revents)
			on_signals(&l);
		for (i = 1; i < n && !l.draining && !l.paused; i++)
			if (pfd[i].revents && accept_on(&l, pfd[i].fd) == LISTENER_SESSION)
				return LISTENER_SESSION;
	}
	log_msg(LOG_NOTICE, "listener", "Stopped");
	cleanup(&l);
	return 0;
}
