/* pamlogin.c - a login through PAM, in the PAM process. */
#include "pamlogin.h"

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <shadow.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "deadline.h"
#include "logfmt.h"
#include "log.h"
#include "pamlib.h"

/* The one message of the PAM process to the monitor. */
struct pam_answer {
	unsigned ok;
	unsigned uid, gid;
	unsigned ngroups;
	unsigned groups[ACCOUNT_GROUPS_MAX];
	char name[USER_NAME_MAX];
	char home[USER_HOME_MAX];
};

/* What the conversation answers. */
struct conv_data {
	const char *user;
	const char *pass;
};

/* Prompts without echo get the password, prompts with echo the name; other
 * messages are logged at debug level, never shown to the client. */
static int converse(int n, const struct pam_message **msg, struct pam_response **resp,
		    void *data)
{
	const struct conv_data *cd = data;
	struct pam_response *r;
	int i;

	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	r = calloc((size_t)n, sizeof(*r));
	if (!r)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		const char *answer = NULL;

		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
			answer = cd->pass;
			break;
		case PAM_PROMPT_ECHO_ON:
			answer = cd->user;
			break;
		case PAM_ERROR_MSG:
		case PAM_TEXT_INFO:
			log_msg(LOG_DEBUG, "pam", "PAM says: %.200s", msg[i]->msg ? msg[i]->msg : "");
			continue;
		default:
			answer = NULL;
			break;
		}
		if (!answer || strlen(answer) >= PAM_MAX_RESP_SIZE ||
		    !(r[i].resp = strdup(answer))) {
			for (; i >= 0; i--) {
				if (r[i].resp) {
					explicit_bzero(r[i].resp, strlen(r[i].resp));
					free(r[i].resp);
				}
			}
			free(r);
			return PAM_CONV_ERR;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

/* PAM's own failure delay (pam_unix: about 2 s) is not slept: the monitor
 * waits --login-delay after every failed login, PAM or not. */
static void no_delay(int retval, unsigned usec, void *data)
{
	(void)retval;
	(void)usec;
	(void)data;
}

/* Is shell in /etc/shells?  An empty one is /bin/sh, as login(1) has it. */
static int shell_listed(const char *shell)
{
	const char *s;
	int found = 0;

	if (!*shell)
		shell = "/bin/sh";
	setusershell();
	while (!found && (s = getusershell()) != NULL)
		found = strcmp(s, shell) == 0;
	endusershell();
	return found;
}

/* What the system's databases say of a refused name, for the log only
 * (the client gets the same 530 whatever the reason). */
static const char *hint(const char *user)
{
	long today = (long)(time(NULL) / 86400);
	const struct spwd *sp;
	const char *h = "";

	errno = 0;
	if (!getpwnam(user))
		return ": no such user";
	sp = getspnam(user);
	if (!sp || !sp->sp_pwdp)
		h = "";
	else if (sp->sp_pwdp[0] == '!')
		h = ": the account is locked";
	else if (sp->sp_expire > 0 && today >= sp->sp_expire)
		h = ": the account expired";
	else if (sp->sp_lstchg == 0)
		h = ": the password must be changed, which FTP cannot do";
	else if (sp->sp_lstchg > 0 && sp->sp_max >= 0 && today > sp->sp_lstchg + sp->sp_max)
		h = ": the password expired";
	endspent();
	return h;
}

/* The first crypt hash of the shadow file ("$..."), as the setting for an
 * unknown user's hash: the cost of the system's method.  0 or -1. */
static int some_hash(char *buf, size_t cap)
{
	const struct spwd *sp;
	int r = -1;

	setspent();
	while ((sp = getspent()) != NULL)
		if (sp->sp_pwdp && sp->sp_pwdp[0] == '$' && strlen(sp->sp_pwdp) < cap) {
			snprintf(buf, cap, "%s", sp->sp_pwdp);
			r = 0;
			break;
		}
	endspent();
	return r;
}

/* The account's checks after PAM: 0, or -1 (logged). */
static int account_checks(const struct config *cfg, const struct passwd *pw,
			  struct pam_answer *ans)
{
	struct stat st;
	int r;

	if (pw->pw_uid == 0 || pw->pw_gid == 0) {
		log_msg(LOG_WARNING, "login-failed", "PAM %s: %s: uid or gid 0 is refused",
			cfg->pam_service, pw->pw_name);
		return -1;
	}
	if (cfg->pam_check_shell && !shell_listed(pw->pw_shell)) {
		log_msg(LOG_WARNING, "login-failed", "PAM %s: %s: shell %.200s is not in "
			"/etc/shells (--pam-check-shell=no allows it)", cfg->pam_service,
			pw->pw_name, pw->pw_shell);
		return -1;
	}
	r = pw->pw_dir[0] == '/' && strlen(pw->pw_dir) < sizeof(ans->home)
	    ? stat(pw->pw_dir, &st) : (errno = EINVAL, -1);
	if (r < 0 || !S_ISDIR(st.st_mode)) {
		log_msg(LOG_WARNING, "login-failed", "PAM %s: %s: home %.200s: %s",
			cfg->pam_service, pw->pw_name, pw->pw_dir,
			r < 0 ? strerror(errno) : "not a directory");
		return -1;
	}
	if (strlen(pw->pw_name) >= sizeof(ans->name))
		return -1;
	if (initgroups(pw->pw_name, pw->pw_gid) < 0) {
		log_msg(LOG_ERR, "error", "PAM %s: %s: initgroups: %s", cfg->pam_service,
			pw->pw_name, strerror(errno));
		return -1;
	}
	ans->uid = (unsigned)pw->pw_uid;
	ans->gid = (unsigned)pw->pw_gid;
	snprintf(ans->name, sizeof(ans->name), "%s", pw->pw_name);
	snprintf(ans->home, sizeof(ans->home), "%s", pw->pw_dir);
	return 0;
}

/* The groups pam_setcred left (initgroups', and any a module added): 0,
 * or -1 (logged) when there are too many or one is root's. */
static int read_groups(const struct config *cfg, struct pam_answer *ans)
{
	gid_t groups[ACCOUNT_GROUPS_MAX];
	int n = getgroups(ACCOUNT_GROUPS_MAX, groups), i;

	if (n < 0) {
		log_msg(LOG_WARNING, "login-failed", "PAM %s: %s: in more than %d groups",
			cfg->pam_service, ans->name, ACCOUNT_GROUPS_MAX);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (groups[i] == 0) {
			log_msg(LOG_WARNING, "login-failed", "PAM %s: %s: in group 0 (root), "
				"refused", cfg->pam_service, ans->name);
			return -1;
		}
		ans->groups[i] = (unsigned)groups[i];
	}
	ans->ngroups = (unsigned)n;
	return 0;
}

static volatile sig_atomic_t stopped;

static void on_stop(int sig)
{
	(void)sig;
	stopped = 1;
}

/* Hold the session until the monitor closes the socket, goes away, or
 * sends SIGTERM (blocked but while waiting, so none is missed). */
static void hold(int sock)
{
	struct pollfd p = {.fd = sock, .events = POLLIN};
	sigset_t none;
	char c;

	sigemptyset(&none);
	while (!stopped) {
		int r = ppoll(&p, 1, NULL, &none);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || recv(sock, &c, 1, MSG_DONTWAIT) <= 0)
			break;
	}
}

/* The PAM process.  Its exit status: 0 after a session, 1 otherwise. */
/* pam_start and the items: PAM_RHOST (an IP address only), PAM_TTY,
 * PAM_RUSER, our own failure delay.  0, or -1 (logged; *ph to end when
 * set). */
static int pam_begin(const struct pamlib *p, const struct config *cfg, const char *rhost,
		     const char *user, const struct pam_conv *conv, pam_handle_t **ph)
{
	void (*delay_fn)(int, unsigned, void *) = no_delay;
	const void *delay_item;
	int rc = p->pam_start(cfg->pam_service, user, conv, ph);

	if (rc != PAM_SUCCESS) {
		log_msg(LOG_ERR, "error", "PAM %s: pam_start: %s", cfg->pam_service,
			p->pam_strerror(*ph, rc));
		*ph = NULL;
		return -1;
	}
	memcpy(&delay_item, &delay_fn, sizeof(delay_item));
	if ((rhost[0] && (rc = p->pam_set_item(*ph, PAM_RHOST, rhost)) != PAM_SUCCESS) ||
	    (rc = p->pam_set_item(*ph, PAM_TTY, "ftp")) != PAM_SUCCESS ||
	    (rc = p->pam_set_item(*ph, PAM_RUSER, user)) != PAM_SUCCESS ||
	    (rc = p->pam_set_item(*ph, PAM_FAIL_DELAY, delay_item)) != PAM_SUCCESS) {
		log_msg(LOG_ERR, "error", "PAM %s: pam_set_item: %s", cfg->pam_service,
			p->pam_strerror(*ph, rc));
		return -1;
	}
	return 0;
}

/* pam_authenticate (the password wiped after it, here and in PAM's
 * handle) and pam_acct_mgmt.  0, or -1 (logged). */
static int pam_check(const struct pamlib *p, const struct config *cfg, pam_handle_t *ph,
		     const char *user, const char *who, char *pass)
{
	static char setting[USER_HASH_MAX];
	int rc, known;

	/* an unknown user runs the whole stack too, and since pam_unix then
	 * computes no hash, one hash of the system's method (the first in
	 * /etc/shadow): the same time, the same answer */
	errno = 0;
	known = getpwnam(user) != NULL;
	rc = p->pam_authenticate(ph, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
	if (!known && some_hash(setting, sizeof(setting)) == 0)
		auth_spend_hash(pass, setting);
	explicit_bzero(setting, sizeof(setting));
	explicit_bzero(pass, strlen(pass));
	/* the password PAM kept (pam_set_item wipes the old one) */
	(void)p->pam_set_item(ph, PAM_AUTHTOK, NULL);
	if (rc != PAM_SUCCESS) {
		log_msg(LOG_WARNING, "login-failed", "PAM %s: %s: %s%s", cfg->pam_service, who,
			p->pam_strerror(ph, rc), hint(user));
		return -1;
	}
	rc = p->pam_acct_mgmt(ph, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
	if (rc != PAM_SUCCESS) {
		log_msg(LOG_WARNING, "login-failed", "PAM %s: %s: account refused: %s%s",
			cfg->pam_service, who, p->pam_strerror(ph, rc), hint(user));
		return -1;
	}
	return 0;
}

/* pam_open_session, the answer to the monitor, the session held until the
 * monitor closes its socket (or a stop), pam_close_session.  0, or -1
 * (logged) when the session could not be opened. */
static int pam_hold_session(const struct pamlib *p, const struct config *cfg, pam_handle_t *ph,
			    struct pam_answer *ans, int sock)
{
	struct sigaction sa;
	sigset_t term;
	int rc;

	/* a stop from now on closes the session */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGHUP);
	sigprocmask(SIG_BLOCK, &term, NULL);
	rc = p->pam_open_session(ph, PAM_SILENT);
	if (rc != PAM_SUCCESS) {
		log_msg(LOG_WARNING, "login-failed", "PAM %s: %s: pam_open_session: %s",
			cfg->pam_service, ans->name, p->pam_strerror(ph, rc));
		return -1;
	}
	ans->ok = 1;
	if (send(sock, ans, sizeof(*ans), MSG_NOSIGNAL) == (ssize_t)sizeof(*ans))
		hold(sock);
	rc = p->pam_close_session(ph, PAM_SILENT);
	if (rc != PAM_SUCCESS)
		log_msg(LOG_ERR, "error", "PAM %s: %s: pam_close_session: %s", cfg->pam_service,
			ans->name, p->pam_strerror(ph, rc));
	return 0;
}

static int pam_process(const struct config *cfg, const char *rhost, const char *user,
		       char *pass, int sock)
{
	static struct pam_answer ans;
	struct conv_data cd = {.user = user, .pass = pass};
	struct pam_conv conv = {.conv = converse, .appdata_ptr = &cd};
	const struct pamlib *p = pamlib_get();
	const struct passwd *pw;
	const void *item = NULL;
	pam_handle_t *ph = NULL;
	char who[4 * USER_NAME_MAX];  /* the name the client gave, escaped for the log */
	int rc, cred = 0, status = 1;

	memset(&ans, 0, sizeof(ans));
	log_escape(who, sizeof(who), user, strlen(user));
	if (!p) {
		explicit_bzero(pass, strlen(pass));
		log_msg(LOG_ERR, "error", "--pam: %s", pamlib_error());
		goto answer;
	}
	if (pam_begin(p, cfg, rhost, user, &conv, &ph) < 0) {
		explicit_bzero(pass, strlen(pass));
		if (!ph)
			goto answer;
		goto end;
	}
	if (pam_check(p, cfg, ph, user, who, pass) < 0)
		goto end;
	/* the name the stack settled on */
	if (p->pam_get_item(ph, PAM_USER, &item) != PAM_SUCCESS || !item)
		item = user;
	errno = 0;
	pw = getpwnam(item);
	if (!pw) {
		log_msg(LOG_WARNING, "login-failed", "PAM %s: %s: %s", cfg->pam_service,
			who, errno ? strerror(errno) : "no such system user");
		goto end;
	}
	if (account_checks(cfg, pw, &ans) < 0)
		goto end;
	rc = p->pam_setcred(ph, PAM_ESTABLISH_CRED | PAM_SILENT);
	if (rc != PAM_SUCCESS) {
		log_msg(LOG_WARNING, "login-failed", "PAM %s: %s: pam_setcred: %s",
			cfg->pam_service, ans.name, p->pam_strerror(ph, rc));
		goto end;
	}
	cred = 1;
	if (read_groups(cfg, &ans) < 0 || pam_hold_session(p, cfg, ph, &ans, sock) < 0)
		goto end;
	status = 0;
end:
	if (cred)
		(void)p->pam_setcred(ph, PAM_DELETE_CRED | PAM_SILENT);
	(void)p->pam_end(ph, ans.ok ? PAM_SUCCESS : PAM_AUTH_ERR);
answer:
	if (!ans.ok)
		(void)send(sock, &ans, sizeof(ans), MSG_NOSIGNAL);
	return status;
}

/* pid and everything it started, stopped first so that nothing forks
 * meanwhile, then killed: a module's helpers may have left its process
 * group (pam_exec's child calls setsid), not its descendants. */
static void kill_tree(pid_t pid, unsigned depth)
{
	char path[64];
	struct dirent *de;
	DIR *d;

	kill(pid, SIGSTOP);
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = depth < 32 ? opendir(path) : NULL;
	while (d && (de = readdir(d)) != NULL) {
		char kids[80];
		FILE *f;
		int kid;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(kids, sizeof(kids), "/proc/%d/task/%.16s/children", (int)pid, de->d_name);
		f = fopen(kids, "re");
		while (f && fscanf(f, "%d", &kid) == 1)
			if (kid > 1)
				kill_tree((pid_t)kid, depth + 1);
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	kill(pid, SIGKILL);
}

void pamlogin_signal(pid_t pid, int sig)
{
	if (pid > 0)
		kill(-pid, sig);
}

static void reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

/* The answer, or -1 when none came in time (*late) or it is not one. */
static int wait_answer(struct pam_login *pl, int timeout_ms, struct pam_answer *ans, int *late)
{
	long long deadline = deadline_in(timeout_ms);
	struct pollfd p = {.fd = pl->sock, .events = POLLIN};
	ssize_t n;
	int r;

	*late = 0;
	do
		r = poll(&p, 1, deadline_poll_ms(deadline));
	while (r < 0 && errno == EINTR);
	if (r == 0) {
		*late = 1;
		return -1;
	}
	n = recv(pl->sock, ans, sizeof(*ans), MSG_DONTWAIT);
	if (n != (ssize_t)sizeof(*ans) || ans->ngroups > ACCOUNT_GROUPS_MAX)
		return -1;
	ans->name[sizeof(ans->name) - 1] = '\0';
	ans->home[sizeof(ans->home) - 1] = '\0';
	return 0;
}

enum pamlogin_result pamlogin_begin(const struct config *cfg, const char *rhost,
				    const char *user, char *pass, int timeout_ms,
				    const int *close_fds, size_t nclose, struct pam_login *pl)
{
	static struct pam_answer ans;
	int sv[2], late;
	pid_t pid;
	size_t i;

	pl->pid = -1;
	pl->sock = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		explicit_bzero(pass, strlen(pass));
		log_msg(LOG_ERR, "error", "socketpair: %s", strerror(errno));
		return PAMLOGIN_REFUSED;
	}
	pid = fork();
	if (pid == 0) {
		/* its own group: a deadline kills whatever the stack started */
		setpgid(0, 0);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		close(sv[0]);
		for (i = 0; i < nclose; i++)
			if (close_fds[i] >= 0)
				close(close_fds[i]);
		_exit(pam_process(cfg, rhost, user, pass, sv[1]));
	}
	explicit_bzero(pass, strlen(pass));
	close(sv[1]);
	if (pid < 0) {
		log_msg(LOG_ERR, "error", "fork: %s", strerror(errno));
		close(sv[0]);
		return PAMLOGIN_REFUSED;
	}
	setpgid(pid, pid);
	pl->pid = pid;
	pl->sock = sv[0];
	memset(&ans, 0, sizeof(ans));
	if (wait_answer(pl, timeout_ms, &ans, &late) < 0 || !ans.ok) {
		if (late) {
			char who[4 * USER_NAME_MAX];

			log_escape(who, sizeof(who), user, strlen(user));
			log_msg(LOG_WARNING, "login-failed", "PAM %s: %s: no answer within the "
				"login deadline (%d ms): stopped", cfg->pam_service, who,
				timeout_ms);
		}
		kill_tree(pid, 0);
		pamlogin_signal(pid, SIGKILL);
		reap(pid);
		close(pl->sock);
		pl->pid = -1;
		pl->sock = -1;
		return late ? PAMLOGIN_TIMEOUT : PAMLOGIN_REFUSED;
	}
	snprintf(pl->name, sizeof(pl->name), "%s", ans.name);
	snprintf(pl->home, sizeof(pl->home), "%s", ans.home);
	pl->uid = (uid_t)ans.uid;
	pl->gid = (gid_t)ans.gid;
	pl->ngroups = ans.ngroups;
	for (i = 0; i < ans.ngroups; i++)
		pl->groups[i] = (gid_t)ans.groups[i];
	return PAMLOGIN_OK;
}

int pamlogin_end(struct pam_login *pl)
{
	int st = 0;

	if (pl->pid <= 0)
		return 0;
	close(pl->sock);
	pl->sock = -1;
	while (waitpid(pl->pid, &st, 0) < 0 && errno == EINTR)
		;
	pl->pid = -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		log_msg(LOG_ERR, "error", "PAM process ended badly (status %d)", st);
		return -1;
	}
	return 0;
}
