/* cmd_login.c - USER, PASS, REIN, ACCT. */
#include <fcntl.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "deadline.h"
#include "log.h"
#include "monitor_proto.h"

static void logout(struct session *s)
{
	/* a login through the monitor: its user process ends with it */
	bool remote = s->files.sock >= 0;

	files_close(&s->files);
	if (remote && auth_logout(s->held) < 0)
		files_lost(s);
	s->logged_in = false;
	s->have_user = false;
	s->user[0] = '\0';
	memset(&s->login, 0, sizeof(s->login));
	s->rnfr[0] = '\0';
	s->rest = 0;
	vfs_close(&s->vfs);
	data_reset(&s->data);
}

/* A new login attempt (an accepted USER, REIN) gets the whole login
 * timeout again, but never more than the time max-login-failures whole
 * attempts take from the connection: refused or repeated USERs cannot keep
 * a session that never logs in alive. */
static void fresh_login_deadline(struct session *s)
{
	s->login_deadline = deadline_min(deadline_in((long long)s->cfg->login_timeout * 1000),
					 s->login_cap);
}

enum outcome cmd_user(struct session *s, const struct command *cmd)
{
	logout(s);
	if (!s->cfg->anonymous_root && !s->cfg->users_file && !s->cfg->pam_service)
		return reply(s, 530, "No logins are configured on this server.");
	if (cmd->arg_len >= sizeof(s->user))
		return reply(s, 530, "Login incorrect.");
	memcpy(s->user, cmd->arg, cmd->arg_len);
	s->user[cmd->arg_len] = '\0';
	if (!s->ctrl_secure && tls_required(s, auth_is_anonymous(s->cfg, s->user))) {
		/* no password crosses the network in clear */
		s->user[0] = '\0';
		return reply(s, 530, "TLS required: use AUTH TLS before USER (--require-tls).");
	}
	s->have_user = true;
	fresh_login_deadline(s);
	if (auth_is_anonymous(s->cfg, s->user))
		return reply(s, 331, "Anonymous login ok, send your e-mail address as password.");
	/* The same answer whether the user exists or not. */
	return reply(s, 331, "Please specify the password.");
}

static void delay_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0)
		;
}

/* A refused login: waited is set when the monitor waited the delay
 * already, last when it allows no other attempt. */
static enum outcome failed(struct session *s, bool waited, bool last)
{
	char user[80];

	s->have_user = false;
	s->login_failures++;
	if (last && s->login_failures < s->cfg->max_login_failures)
		s->login_failures = s->cfg->max_login_failures;
	log_escape(user, sizeof(user), s->user, strlen(s->user));
	log_msg(LOG_WARNING, "login-failed", "%s: failed login for %s (%u of %u)", s->who, user,
		s->login_failures, s->cfg->max_login_failures);
	/* each failure waits longer: 1, 2, 3... times the delay */
	if (!waited)
		delay_ms(s->cfg->login_delay_ms * s->login_failures);
	if (s->login_failures >= s->cfg->max_login_failures) {
		log_msg(LOG_WARNING, "login-failed", "%s: too many failed logins (%u), closing",
			s->who, s->login_failures);
		s->quit = true;
		return reply(s, 421, "Too many failed logins, closing.");
	}
	return reply(s, 530, "Login incorrect.");
}

/* The login's files: in the user process, or here below its root. */
static int open_files(struct session *s, struct login *login)
{
	if (login->files_fd >= 0) {
		files_remote(&s->files, login->files_fd, (long long)s->cfg->idle_timeout * 1000);
	} else {
		int fd = login->root_fd >= 0
			 ? login->root_fd : open(login->root, O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0) {
			log_msg(LOG_ERR, "error", "%s: root %s of %s cannot be opened", s->who,
				login->root, login->name);
			return -1;
		}
		files_here(&s->files, fd, login->rw);
	}
	/* here: the cwd and whether writes are allowed */
	vfs_set_root_fd(&s->vfs, -1, login->rw);
	return 0;
}

enum outcome cmd_pass(struct session *s, const struct command *cmd)
{
	char pass[MON_PASS_MAX];
	struct login login;
	enum auth_result ok = AUTH_FAILED;

	if (s->logged_in)
		return reply(s, 230, "Already logged in.");
	if (!s->have_user)
		return reply(s, 503, "Login with USER first.");
	if (cmd->arg_len < sizeof(pass)) {
		memcpy(pass, cmd->arg, cmd->arg_len);
		pass[cmd->arg_len] = '\0';
		ok = auth_check(s->cfg, s->held, s->user, pass,
				(unsigned)deadline_poll_ms(s->login_deadline), &login);
		explicit_bzero(pass, sizeof(pass));
	}
	if (ok == AUTH_BROKEN) {
		files_lost(s);
		return reply(s, 421, "Login service failed: closing control connection.");
	}
	if (ok != AUTH_OK && deadline_passed(s->login_deadline)) {
		/* the login service took the time that was left (a slow PAM
		 * stack, stopped by the monitor) */
		log_msg(LOG_INFO, "timeout", "%s: not logged in after %u s, closing", s->who,
			s->cfg->login_timeout);
		s->quit = true;
		return reply(s, 421, "Login timeout: closing control connection.");
	}
	if (ok == AUTH_OK && open_files(s, &login) < 0)
		ok = AUTH_FAILED;
	if (ok != AUTH_OK)
		return failed(s, ok != AUTH_FAILED, ok == AUTH_FAILED_LAST);
	s->login = login;
	s->logged_in = true;
	if (login.files_fd >= 0)
		log_msg(LOG_INFO, "login", "%s: %s logged in (%s; files as uid %u, gid %u)",
			s->who, login.name, login.rw ? "read-write" : "read-only", login.uid,
			login.gid);
	else
		log_msg(LOG_INFO, "login", "%s: %s logged in (%s)", s->who, login.name,
			login.rw ? "read-write" : "read-only");
	return reply(s, 230, "Login successful.");
}

enum outcome cmd_rein(struct session *s, const struct command *cmd)
{
	(void)cmd;
	logout(s);
	fresh_login_deadline(s);
	s->ascii = false;
	return reply(s, 220, NULL);
}

enum outcome cmd_acct(struct session *s, const struct command *cmd)
{
	(void)cmd;
	return reply(s, 202, "ACCT is not needed on this server.");
}
