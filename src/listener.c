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
#include "cidr.h"
#include "log.h"
#include "pending.h"
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

/* The client as logged: an address, or one a PROXY header named and who
 * sent it. */
#define WHO_MAX (2 * ADDRESS_TEXT_MAX + 64)

struct kid {
	pid_t pid;
	size_t slot;          /* its source in the admission table, or ADMISSION_NO_SLOT */
	char who[WHO_MAX];    /* the client, for the log */
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
	/* --proxy-protocol: connections from these are admitted on the
	 * client their session reports (pending.h) */
	struct cidr trusted[CIDR_LIST_MAX];
	size_t ntrusted;
	struct pending pending;
	struct pollfd *pfd;        /* signals, listening sockets, pending reports */
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
static void refuse(int conn, enum adm_verdict v)
{
	char buf[256];
	size_t n = reply_format(buf, sizeof(buf), 421, v == ADM_OK ?
				"Cannot start a session now; try again later." :
				admission_refusal(v));
	ssize_t r = send(conn, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);

	(void)r;
	shutdown(conn, SHUT_WR);
	close(conn);
}

/* Why a connection was refused, for the log. */
static const char *reason(enum adm_verdict v)
{
	switch (v) {
	case ADM_OK:
		break;
	case ADM_FULL:
		return "--max-sessions reached";
	case ADM_PER_IP:
		return "--max-per-ip reached for its address";
	case ADM_RATE:
		return "--max-startups reached for its address";
	}
	return "?";
}

static void refused(struct listener *l, enum adm_verdict v, const char *who)
{
	struct quiet *q = &l->quiet[v];
	const char *why = reason(v);
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

/* The session's end of its admission channel, above 2 (fds 0 and 1 are
 * the connection's), told by the environment; kept across the exec with
 * --listen-exec=yes (activation.c makes it close-on-exec again).  -1 when
 * it cannot be. */
static int admission_channel(struct listener *l, int chan)
{
	char num[16];
	int fd;

	if (chan < 0)
		return 0;
	fd = fcntl(chan, l->cfg->listen_exec ? F_DUPFD : F_DUPFD_CLOEXEC, 3);
	close(chan);
	if (fd < 0)
		return -1;
	snprintf(num, sizeof(num), "%d", fd);
	return setenv(ACTIVATION_ADMIT_FD_ENV, num, 1);
}

/* In the new session's process: nothing of the listener stays but the
 * connection, on fds 0 and 1, and the session's end of its admission
 * channel (chan, or -1 when none). */
static int become_session(struct listener *l, int conn, int chan)
{
	size_t i;

	for (i = 0; i < l->nfd; i++)
		close(l->fd[i]);
	close(l->sigfd);
	pending_close_all(&l->pending);  /* other sessions' channels */
	sigprocmask(SIG_SETMASK, &l->oldmask, NULL);
	if (conn <= 2) {
		/* move it out of the way of the channel's move */
		int moved = fcntl(conn, F_DUPFD_CLOEXEC, 3);

		if (moved < 0)
			_exit(2);
		close(conn);
		conn = moved;
	}
	if (admission_channel(l, chan) < 0 || dup2(conn, 0) < 0 || dup2(conn, 1) < 0)
		_exit(2);
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
	free(l->pending.e);
	free(l->pfd);
	return LISTENER_SESSION;
}

/* A connection from a trusted balancer: its session reports the client
 * (pending.h), and only then are the per-source limits applied. */
static bool deferred(const struct listener *l, const struct sockaddr_storage *ss)
{
	return l->ntrusted && cidr_list_match(l->trusted, l->ntrusted,
					      (const struct sockaddr *)ss);
}

/* The fork failed, or the channel could not be made: 421, and slower. */
static void cannot_start(struct listener *l, int conn, size_t slot, const char *what)
{
	int e = errno;

	refuse(conn, ADM_OK);
	admission_end(&l->adm, slot, 0, now_ms());
	if (!l->said_fork)
		log_msg(LOG_ERR, "error", "%s: %s: refusing connections with 421, and accepting "
			"more slowly, until a session can start (logged once)", what,
			strerror(e));
	l->said_fork = true;
	pause_accepting(l);
}

/* Fork the admitted connection's session.  slot ADMISSION_NO_SLOT: it was
 * held (admission_hold), and gets an admission channel to report its
 * client on.  LISTENER_SESSION in the session, else 0. */
static int start(struct listener *l, int conn, size_t slot, const char *who)
{
	int chan = -1, mine = -1;
	pid_t pid;

	if (slot == ADMISSION_NO_SLOT && (mine = pending_pair(&chan)) < 0) {
		cannot_start(l, conn, slot, "socketpair");
		return 0;
	}
	pid = fork();
	if (pid == 0) {
		if (mine >= 0)
			close(mine);
		return become_session(l, conn, chan);
	}
	if (chan >= 0)
		close(chan);
	if (pid < 0) {
		if (mine >= 0)
			close(mine);
		cannot_start(l, conn, slot, "fork");
		return 0;
	}
	close(conn);
	/* room for one per session: cannot be full */
	if (mine >= 0 && pending_add(&l->pending, pid, mine, now_ms() + PENDING_TIMEOUT_MS) < 0)
		close(mine);
	if (l->said_fork)
		log_msg(LOG_NOTICE, "listener", "Sessions start again");
	l->said_fork = false;
	l->kids[l->nkids].pid = pid;
	l->kids[l->nkids].slot = slot;
	snprintf(l->kids[l->nkids].who, sizeof(l->kids[l->nkids].who), "%s", who);
	l->nkids++;
	return 0;
}

/* A connection: admit it and start its session, or refuse it.  Returns
 * LISTENER_SESSION in the session's process, 0 in the listener. */
static int take(struct listener *l, int conn, const struct sockaddr_storage *ss,
		socklen_t len)
{
	unsigned char key[16];
	struct endpoint ep;
	char who[WHO_MAX];
	size_t slot = ADMISSION_NO_SLOT;
	enum adm_verdict v;

	endpoint_from_sockaddr(&ep, (const struct sockaddr *)ss, len);
	endpoint_format(&ep, who, sizeof(who));
	if (admission_key((const struct sockaddr *)ss, len, key) < 0)
		memset(key, 0, sizeof(key));  /* not IP: one source for all */
	if (deferred(l, ss))
		v = admission_hold(&l->adm);
	else
		v = admission_admit(&l->adm, key, now_ms(), &slot);
	if (v != ADM_OK) {
		refuse(conn, v);
		refused(l, v, who);
		return 0;
	}
	return start(l, conn, slot, who);
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
		/* gone before its report: its channel with it */
		pending_remove(&l->pending, pending_find(&l->pending, pid));
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

static struct kid *kid_of(struct listener *l, pid_t pid)
{
	size_t i;

	for (i = 0; i < l->nkids; i++)
		if (l->kids[i].pid == pid)
			return &l->kids[i];
	return NULL;
}

/* A session reported its client (or sent what is not a report): the
 * per-source limits on the client, and the answer. */
static void on_report(struct listener *l, size_t i)
{
	pid_t pid = l->pending.e[i].pid;
	struct kid *k = kid_of(l, pid);
	struct sockaddr_storage ss;
	socklen_t len;
	unsigned char key[16];
	char client[ADDRESS_TEXT_MAX + 8], balancer[ADDRESS_TEXT_MAX + 8];
	struct endpoint ep;
	size_t slot = ADMISSION_NO_SLOT;
	enum adm_verdict v;

	switch (pending_read(&l->pending, i, &ss, &len)) {
	case PENDING_WAIT:
		return;
	case PENDING_CLIENT:
		break;
	case PENDING_LOCAL:  /* a health check: --max-sessions alone */
		pending_answer(&l->pending, i, ADM_OK);
		return;
	case PENDING_GONE:   /* it ends without a report: nothing to answer */
		pending_remove(&l->pending, i);
		return;
	case PENDING_BAD:
		log_msg(LOG_ERR, "error", "Session %d of %s sent a malformed admission report: "
			"killed", (int)pid, k ? k->who : "?");
		kill(pid, SIGKILL);
		pending_remove(&l->pending, i);
		return;
	}
	endpoint_from_sockaddr(&ep, (const struct sockaddr *)&ss, len);
	endpoint_format(&ep, client, sizeof(client));
	if (!k || admission_key((const struct sockaddr *)&ss, len, key) < 0) {
		pending_answer(&l->pending, i, ADM_FULL);
		return;
	}
	v = admission_claim(&l->adm, key, now_ms(), &slot);
	k->slot = slot;
	snprintf(balancer, sizeof(balancer), "%.*s", (int)sizeof(balancer) - 1, k->who);
	snprintf(k->who, sizeof(k->who), "%s (PROXY header from %s)", client, balancer);
	pending_answer(&l->pending, i, v);
	if (v != ADM_OK)
		refused(l, v, k->who);
}

/* Sessions that did not report in time are killed. */
static void overdue(struct listener *l, uint64_t now)
{
	size_t i = l->pending.n;

	while (i-- > 0) {
		struct pending_entry *e = &l->pending.e[i];
		struct kid *k;

		if (e->deadline_ms > now)
			continue;
		k = kid_of(l, e->pid);
		log_msg(LOG_ERR, "error", "Session %d of %s reported no client within %d s: killed",
			(int)e->pid, k ? k->who : "?", PENDING_TIMEOUT_MS / 1000);
		kill(e->pid, SIGKILL);
		pending_remove(&l->pending, i);
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
	/* behind a balancer, one admission channel per session at most; not
	 * wiped on fork, so that a session (fork without exec) closes them */
	l->pending.cap = cfg->proxy_protocol ? cfg->max_sessions : 0;
	l->pending.e = calloc(l->pending.cap + 1, sizeof(*l->pending.e));
	l->pfd = calloc(1 + LISTENER_FDS_MAX + l->pending.cap, sizeof(*l->pfd));
	if (!l->sources || !l->kids || !l->exec_argv || !l->pending.e || !l->pfd) {
		snprintf(err, errcap, "out of memory for %u sessions", cfg->max_sessions);
		return -1;
	}
	admission_init(&l->adm, l->sources, cap, cfg->max_sessions, cfg->max_per_ip,
		       cfg->max_startups);
	if (cfg->proxy_protocol) {
		int n = cidr_list_parse(cfg->proxy_trusted, l->trusted, CIDR_LIST_MAX);

		if (n < 0) {
			snprintf(err, errcap, "--proxy-trusted: not a list of addresses");
			return -1;
		}
		l->ntrusted = (size_t)n;
	}
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
	pending_close_all(&l->pending);
	unmap(l->kids, l->kids_size);
	unmap(l->sources, l->sources_size);
	free(l->exec_argv);
	free(l->pending.e);
	free(l->pfd);
}

/* The drain's deadlines: SIGTERM to the sessions, then SIGKILL. */
static void drain_step(struct listener *l, uint64_t now)
{
	if (!l->draining || now < l->deadline_ms)
		return;
	if (l->terminated) {
		signal_sessions(l, SIGKILL);
		l->killed = true;
	} else {
		log_msg(LOG_NOTICE, "listener", "Drain timeout: ending %zu sessions", l->nkids);
		signal_sessions(l, SIGTERM);
		l->terminated = true;
	}
	l->deadline_ms = now + KILL_AFTER_MS;
}

/* How long poll may wait: -1 for ever. */
static int poll_timeout(const struct listener *l, uint64_t now)
{
	uint64_t until = pending_next_deadline(&l->pending);

	if (l->paused && l->resume_ms < until)
		until = l->resume_ms;
	if (l->draining && !l->killed && l->deadline_ms < until)
		until = l->deadline_ms;
	if (until == UINT64_MAX)
		return -1;
	return until > now ? (int)(until - now > 86400000 ? 86400000 : until - now) : 0;
}

/* One wait and what it brought: LISTENER_SESSION in a new session, -1 when
 * poll failed, else 0. */
static int serve_once(struct listener *l)
{
	struct pollfd *pfd = l->pfd;
	nfds_t n = 1, first_listen, first_pending;
	uint64_t now = now_ms();
	size_t i, np;

	if (l->paused && now >= l->resume_ms)
		l->paused = false;
	drain_step(l, now);
	overdue(l, now);
	pfd[0].fd = l->sigfd;
	pfd[0].events = POLLIN;
	first_listen = n;
	if (!l->paused)
		for (i = 0; i < l->nfd; i++) {
			pfd[n].fd = l->fd[i];
			pfd[n].events = POLLIN;
			n++;
		}
	first_pending = n;
	np = pending_pollfds(&l->pending, pfd + n);
	n += np;
	if (poll(pfd, n, poll_timeout(l, now)) < 0) {
		if (errno == EINTR)
			return 0;
		log_msg(LOG_ERR, "error", "poll: %s", strerror(errno));
		return -1;
	}
	/* reports first, while every entry is still where pfd says; from the
	 * last, since an answered one takes the last one's place */
	for (i = np; i-- > 0;)
		if (pfd[first_pending + i].revents)
			on_report(l, i);
	if (pfd[0].revents)
		on_signals(l);
	for (i = first_listen; i < first_pending && !l->draining && !l->paused; i++)
		if (pfd[i].revents && accept_on(l, pfd[i].fd) == LISTENER_SESSION)
			return LISTENER_SESSION;
	return 0;
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
			"address, %u starts a minute per address%s)", where,
			cfg->listen_exec ? "fork+exec" : "fork", cfg->max_sessions,
			cfg->max_per_ip, cfg->max_startups, cfg->proxy_protocol ?
			"; from --proxy-trusted, per address the PROXY header gives" : "");
	}
	while (!(l.draining && l.nkids == 0)) {
		int r = serve_once(&l);

		if (r == LISTENER_SESSION)
			return LISTENER_SESSION;
		if (r < 0)
			break;
	}
	log_msg(LOG_NOTICE, "listener", "Stopped");
	cleanup(&l);
	return 0;
}
