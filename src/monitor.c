/* monitor.c - the privileged half of a root start with virtual users. */
#include "monitor.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "account.h"
#include "auth.h"
#include "deadline.h"
#include "fdpass.h"
#include "fileops.h"
#include "log.h"
#include "monitor_proto.h"
#include "pamlogin.h"
#include "sandbox.h"
#include "userproc.h"

/* How long a new user process may take to say it is ready. */
#define READY_TIMEOUT_MS 10000
/* How long a user process told to end may take before it is killed. */
#define END_TIMEOUT_MS 2000

struct monitor {
	const struct config *cfg;
	int sock;                  /* to the network process */
	int users_fd;              /* the users file, or -1 */
	pid_t net, user;           /* the processes; user -1 when none */
	enum mon_state state;
	unsigned failures;
	char name[USER_NAME_MAX];  /* the login, for the log */
	/* the login's entry and account, for a clean-up after its process */
	const struct user_entry *e;
	const struct account *a;
	struct fileops_leftover *leftover;  /* shared with the user process */
	char rhost[ADDRESS_TEXT_MAX];  /* the client's address, for PAM */
	struct pam_login pam;      /* a login through PAM: its session's process */
};

/* The processes a stop signal goes on to. */
static volatile sig_atomic_t stop_net = -1, stop_user = -1, stop_pam = -1;

static void forward(int sig)
{
	int e = errno;

	if (stop_net > 0)
		kill((pid_t)stop_net, sig);
	if (stop_user > 0)
		kill((pid_t)stop_user, SIGTERM);
	if (stop_pam > 0)
		pamlogin_signal((pid_t)stop_pam, SIGTERM);
	errno = e;
}

pid_t monitor_split(int *sock, char *err, size_t errcap)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(err, errcap, "socketpair: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, errcap, "fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	close(sv[pid == 0 ? 0 : 1]);
	*sock = sv[pid == 0 ? 1 : 0];
	return pid;
}

static bool network_socket(int fd)
{
	int domain = 0;
	socklen_t len = sizeof(domain);

	return getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 &&
	       (domain == AF_INET || domain == AF_INET6);
}

/* fd no longer open here: 0, 1 and 2 point at /dev/null instead. */
static void drop_fd(int fd, int null)
{
	if (fd < 0)
		return;
	if (fd <= 2 && null >= 0)
		dup2(null, fd);
	else
		close(fd);
}

/* The monitor holds no descriptor of the connection: not the control
 * connection wherever it came (0 and 1, 2 from inetd, 3 from systemd),
 * nor any other network socket. */
static void close_connection(const struct activation *act, int keep)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	drop_fd(act->in_fd, null);
	if (act->out_fd != act->in_fd)
		drop_fd(act->out_fd, null);
	while (d && (de = readdir(d)) != NULL) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] < '0' || de->d_name[0] > '9' || fd == dirfd(d) || fd == keep ||
		    fd == null)
			continue;
		if (network_socket(fd))
			drop_fd(fd, null);
	}
	if (d)
		closedir(d);
	else if (network_socket(2))
		drop_fd(2, null);  /* without /proc: inetd's third copy */
	if (null >= 0)
		close(null);
}

static void delay_ms(unsigned long long ms)
{
	struct timespec ts = {.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int send_reply(struct monitor *m, const struct mon_reply *rp, int fd)
{
	unsigned char buf[MON_MSG_MAX];
	size_t n = mon_format_reply(buf, sizeof(buf), rp);

	if (n == 0) {
		errno = EINVAL;
		return -1;
	}
	return fdpass_send(m->sock, buf, n, fd);
}

/* Wait for a child; its status. */
static int reap(pid_t pid)
{
	int st = 0;

	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

/* pid ends within ms milliseconds (a pidfd), else it is killed (SIGKILL).
 * Its status. */
static int wait_within(pid_t pid, int ms)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), st = 0, r = 0;
	struct pollfd p = {.fd = pidfd, .events = POLLIN};

	if (pidfd >= 0) {
		long long end = deadline_in(ms);

		while ((r = poll(&p, 1, deadline_poll_ms(end))) < 0 && errno == EINTR)
			;
		close(pidfd);
	}
	/* no pidfd: no bounded wait, killed now */
	if (r <= 0 || waitpid(pid, &st, WNOHANG) != pid) {
		kill(pid, SIGKILL);
		st = reap(pid);
	}
	return st;
}

/* pid ends: SIGTERM (and SIGCONT, for a process someone stopped), at
 * most ms milliseconds to go, then SIGKILL.  Whoever shares the account's
 * uid may stop the process: the wait is bounded either way.  Its status. */
static int end_within(pid_t pid, int ms)
{
	kill(pid, SIGTERM);
	kill(pid, SIGCONT);
	return wait_within(pid, ms);
}

/* A user process that was killed left its upload's temporary file: a
 * process as its account, in its home, removes it. */
static void clean_leftover(struct monitor *m)
{
	pid_t pid;

	if (!m->leftover || !m->leftover->name[0] || !m->e || !m->a)
		return;
	pid = fork();
	if (pid == 0)
		_exit(userproc_clean_leftover(m->e, m->a, m->leftover));
	if (pid > 0)
		(void)wait_within(pid, END_TIMEOUT_MS);
	memset(m->leftover, 0, sizeof(*m->leftover));
}

/* A PAM login's session closes (after its user process ended). */
static void end_pam(struct monitor *m)
{
	if (m->pam.pid <= 0)
		return;
	(void)pamlogin_end(&m->pam);
	stop_pam = -1;
}

/* The user process of the login ends (the network process closed its end
 * already; a stop also undoes an upload it left), then its PAM session. */
static void end_user(struct monitor *m)
{
	int st;

	if (m->user <= 0) {
		end_pam(m);
		return;
	}
	stop_user = -1;  /* forward() signals no pid that may be reaped */
	st = end_within(m->user, END_TIMEOUT_MS);
	if (WIFSIGNALED(st) && WTERMSIG(st) != SIGTERM)
		log_msg(LOG_ERR, "error", "user process of %s was killed by signal %d (%s)",
			m->name, WTERMSIG(st), strsignal(WTERMSIG(st)));
	stop_user = -1;
	m->user = -1;
	clean_leftover(m);
	end_pam(m);
}

/* Its first message: ready, or why not.  0 or -1. */
static int wait_ready(struct monitor *m, int sock, const struct account *a)
{
	struct pollfd p = {.fd = sock, .events = POLLIN};
	unsigned char buf[64];
	struct mon_reply rp;
	ssize_t n = -1;
	int fd = -1, r;

	while ((r = poll(&p, 1, READY_TIMEOUT_MS)) < 0 && errno == EINTR)
		;
	if (r > 0)
		n = fdpass_recv(sock, buf, sizeof(buf), &fd);
	if (fd >= 0)
		fdpass_drop(fd);
	if (n > 0 && fd < 0 && mon_parse_reply(buf, (size_t)n, &rp) == 0) {
		if (rp.type == MON_READY)
			return 0;
		if (rp.type == MON_NOT_READY) {
			log_msg(LOG_ERR, "error", "user process of %s as %s (uid %u): %s: %s",
				m->name, a->name, (unsigned)a->uid, userproc_step_name(rp.step),
				strerror(rp.err));
			return -1;
		}
	}
	log_msg(LOG_ERR, "error", "user process of %s as %s did not start%s", m->name, a->name,
		r == 0 ? " in time" : "");
	return -1;
}

/* Fork the login's user process: its socket in *fd, or -1. */
static int start_user(struct monitor *m, const struct user_entry *e, const struct account *a,
		      int *fd)
{
	pid_t pid;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		log_msg(LOG_ERR, "error", "socketpair: %s", strerror(errno));
		return -1;
	}
	/* nor to the user process, from the network process */
	(void)fdpass_refuse_fds(sv[1]);
	if (m->leftover)
		memset(m->leftover, 0, sizeof(*m->leftover));
	pid = fork();
	if (pid == 0) {
		fdpass_defuse(false);  /* its filter has no setsockopt */
		fileops_record_leftover(m->leftover);
		close(sv[0]);
		close(m->sock);
		if (m->users_fd >= 0)
			close(m->users_fd);
		if (m->pam.sock >= 0)
			close(m->pam.sock);  /* the PAM session is the monitor's to end */
		_exit(userproc_run(sv[1], m->cfg, e, a));
	}
	close(sv[1]);
	if (pid < 0) {
		log_msg(LOG_ERR, "error", "fork: %s", strerror(errno));
		close(sv[0]);
		return -1;
	}
	m->e = e;
	m->a = a;
	stop_user = m->user = pid;
	if (wait_ready(m, sv[0], a) < 0) {
		close(sv[0]);
		kill(pid, SIGKILL);
		end_user(m);
		return -1;
	}
	*fd = sv[0];
	return 0;
}

/* A login through PAM (pamlogin.c), no longer than the login deadline:
 * the user's entry and account.  0, -1 refused, 1 out of time. */
static int pam_login(struct monitor *m, struct mon_request *rq, struct user_entry *e,
		     struct account *a)
{
	const int fds[] = {m->sock, m->users_fd};
	unsigned long long cap = (unsigned long long)m->cfg->login_timeout * 1000;
	int wait = (int)(rq->wait_ms < cap ? rq->wait_ms : cap);
	size_t i;

	switch (pamlogin_begin(m->cfg, m->rhost, rq->user, rq->pass, wait, fds,
			       sizeof(fds) / sizeof(fds[0]), &m->pam)) {
	case PAMLOGIN_OK:
		break;
	case PAMLOGIN_TIMEOUT:
		return 1;
	default:
		return -1;
	}
	stop_pam = m->pam.pid;
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", m->pam.name);
	snprintf(e->home, sizeof(e->home), "%s", m->pam.home);
	e->rw = true;
	e->account = ACCOUNT_NAME;
	snprintf(e->account_name, sizeof(e->account_name), "%s", m->pam.name);
	memset(a, 0, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", m->pam.name);
	a->uid = m->pam.uid;
	a->gid = m->pam.gid;
	a->ngroups = m->pam.ngroups;
	for (i = 0; i < a->ngroups; i++)
		a->groups[i] = m->pam.groups[i];
	return 0;
}

/* MON_AUTH: decided once, here.  The users file first: a name it holds
 * never goes to PAM (--pam).  The password is cleared before a user
 * process is forked.  0, or -1 when the reply cannot go. */
static int authenticate(struct monitor *m, struct mon_request *rq)
{
	static struct user_entry e;
	static struct account a;
	const struct config *cfg = m->cfg;
	struct mon_reply rp;
	char why[300];
	int fd = -1, r;
	bool ok = false, found = false, late = false;

	memset(&rp, 0, sizeof(rp));
	m->state = MON_PREAUTH;  /* from START too: no CLIENT after an AUTH */
	/* only ever logged: escaped as every client text is */
	log_escape(m->name, sizeof(m->name), rq->user, strlen(rq->user));
	if (cfg->users_file) {
		ok = auth_users_file(cfg->users_file, m->users_fd, rq->user, rq->pass, &e,
				     &found) == 0;
		if (ok && account_resolve(&e, cfg->run_as, &a, why, sizeof(why)) < 0) {
			log_msg(LOG_ERR, "error", "users file %s: user %s: %s", cfg->users_file,
				e.name, why);
			ok = false;
		}
	}
	if (!found && cfg->pam_service) {
		r = pam_login(m, rq, &e, &a);
		ok = r == 0;
		late = r > 0;
	}
	explicit_bzero(rq->pass, sizeof(rq->pass));
	if (ok)
		ok = start_user(m, &e, &a, &fd) == 0;
	if (!ok) {
		end_pam(m);
		/* each failure waits longer: 1, 2, 3... times the delay; a PAM
		 * stack out of time used the login deadline up */
		m->failures++;
		if (!late)
			delay_ms((unsigned long long)cfg->login_delay_ms * m->failures);
		rp.type = MON_AUTH_FAIL;
		rp.last = late || m->failures >= cfg->max_login_failures;
		if (rp.last)
			m->state = MON_CLOSED;
		return send_reply(m, &rp, -1);
	}
	rp.type = MON_AUTH_OK;
	rp.rw = e.rw;
	rp.uid = (unsigned)a.uid;
	rp.gid = (unsigned)a.gid;
	snprintf(rp.name, sizeof(rp.name), "%s", e.name);
	snprintf(rp.root, sizeof(rp.root), "%s", e.home);
	r = send_reply(m, &rp, fd);
	close(fd);
	m->state = MON_AUTHED;
	return r;
}

/* MON_LOGOUT. */
static int logout(struct monitor *m)
{
	struct mon_reply rp = {.type = MON_LOGGED_OUT};

	end_user(m);
	m->state = MON_PREAUTH;
	return send_reply(m, &rp, -1);
}

/* MON_CLIENT: the client the PROXY header named, as the network process
 * read it.  It becomes PAM_RHOST and the client of this process's log
 * lines; a network process that lies gains no more than it could write in
 * its own log lines (docs/SECURITY.md). */
static void client(struct monitor *m, const struct mon_request *rq)
{
	struct sockaddr_storage ss;
	struct endpoint ep;
	socklen_t len;

	memset(&ss, 0, sizeof(ss));
	if (rq->family == 4) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)rq->port);
		memcpy(&in->sin_addr, rq->addr, 4);
		len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)rq->port);
		memcpy(&in6->sin6_addr, rq->addr, 16);
		len = sizeof(*in6);
	}
	endpoint_from_sockaddr(&ep, (struct sockaddr *)&ss, len);
	log_msg(LOG_INFO, "connect", "monitor: client %s per PROXY header, sent by %s (PAM_RHOST "
		"and these log lines)", ep.addr, m->rhost[0] ? m->rhost : "?");
	snprintf(m->rhost, sizeof(m->rhost), "%s", ep.addr);
	log_set_client(&ep);
	m->state = MON_PREAUTH;
}

static int violation(struct monitor *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Anything unexpected ends the session. */
static int violation(struct monitor *m, const char *fmt, ...)
{
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	log_msg(LOG_ERR, "error", "monitor: %s from the network process: ending the session",
		what);
	kill(m->net, SIGKILL);
	return -1;
}

/* Requests until the network process ends (0) or breaks the rules (-1). */
static int serve(struct monitor *m)
{
	static unsigned char buf[MON_MSG_MAX];
	static struct mon_request rq;

	for (;;) {
		int fd, r;
		ssize_t n = fdpass_recv(m->sock, buf, sizeof(buf), &fd);

		if (n == 0)
			return 0;
		if (fd >= 0)
			fdpass_drop(fd);
		if (n < 0)
			return errno == ECONNRESET ? 0 : violation(m, "%s", strerror(errno));
		if (fd >= 0)
			return violation(m, "a descriptor");
		r = mon_parse_request(buf, (size_t)n, &rq);
		explicit_bzero(buf, (size_t)n);
		if (r < 0)
			return violation(m, "a message that is not a request (%zd bytes)", n);
		if (!mon_allowed(m->state, rq.type))
			return violation(m, "%s where it is not allowed", mon_type_name(rq.type));
		if (rq.type == MON_CLIENT) {
			client(m, &rq);  /* no reply */
			continue;
		}
		r = rq.type == MON_AUTH ? authenticate(m, &rq) : logout(m);
		explicit_bzero(&rq, sizeof(rq));
		if (r < 0)
			return 0;  /* the network process is gone */
	}
}

static void on_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

int monitor_run(const struct config *cfg, const struct activation *act, int sock,
		pid_t net_pid)
{
	struct monitor m = {.cfg = cfg, .sock = sock, .users_fd = -1, .net = net_pid,
			    .user = -1, .pam = PAM_LOGIN_NONE};
	int r, st;

	stop_net = net_pid;
	on_stop_signals();
	/* no descriptor is to come from the network process: refused by the
	 * kernel where it can, else closed without blocking */
	fdpass_defuse(true);
	(void)fdpass_refuse_fds(sock);
	/* where a user process writes down its upload's temporary file */
	m.leftover = mmap(NULL, sizeof(*m.leftover), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m.leftover == MAP_FAILED)
		m.leftover = NULL;
	/* the client behind a balancer may be told once, before any login */
	m.state = cfg->proxy_protocol ? MON_START : MON_PREAUTH;
	close_connection(act, sock);
	if (act->admit_fd > 2)
		close(act->admit_fd);  /* the listener's admission channel: the network process's */
	log_set_client(&act->peer);
	/* PAM_RHOST only for an IP address: a pipe's "stdin" would make
	 * libpam's audit resolve it as a host name (a DNS query) */
	if (act->peer.family == AF_INET || act->peer.family == AF_INET6)
		snprintf(m.rhost, sizeof(m.rhost), "%s", act->peer.addr);
	(void)sandbox_limit(RLIMIT_CORE, 0);
	if (cfg->users_file) {
		m.users_fd = open(cfg->users_file, O_RDONLY | O_CLOEXEC);
		if (m.users_fd < 0)
			log_msg(LOG_ERR, "error", "users file %s: %s", cfg->users_file,
				strerror(errno));
	}
	r = serve(&m);
	end_user(&m);
	close(m.sock);
	if (m.users_fd >= 0)
		close(m.users_fd);
	stop_net = -1;  /* forward() signals no pid that may be reaped */
	st = reap(net_pid);
	if (r < 0)
		return 1;
	if (WIFSIGNALED(st)) {
		int sig = WTERMSIG(st);

		log_msg(LOG_ERR, "error", "network process killed by signal %d (%s)", sig,
			strsignal(sig));
		signal(sig, SIG_DFL);
		raise(sig);
		return 1;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
