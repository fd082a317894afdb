/* cmd_login.c - USER, PASS, REIN, ACCT. */
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "deadline.h"
#include "log.h"

static void logout(struct session *s)
{
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
	if (!s->cfg->anonymous_root && !s->cfg->users_file)
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

static enum outcome failed(struct session *s)
{
	char user[80];

	s->have_user = false;
	s->login_failures++;
	log_escape(user, sizeof(user), s->user, strlen(s->user));
	log_msg(LOG_WARNING, "login-failed", "%s: failed login for %s (%u of %u)", s->who, user,
		s->login_failures, s->cfg->max_login_failures);
	/* each failure waits longer: 1, 2, 3... times the delay */
	delay_ms(s->cfg->login_delay_ms * s->login_failures);
	if (s->login_failures >= s->cfg->max_login_failures) {
		log_msg(LOG_WARNING, "login-failed", "%s: too many failed logins (%u), closing",
			s->who, s->login_failures);
		s->quit = true;
		return reply(s, 421, "Too many failed logins, closing.");
	}
	return reply(s, 530, "Login incorrect.");
}

enum outcome cmd_pass(struct session *s, const struct command *cmd)
{
	char pass[512];
	struct login login;
	int ok = -1;

	if (s->logged_in)
		return reply(s, 230, "Already logged in.");
	if (!s->have_user)
		return reply(s, 503, "Login with USER first.");
	if (cmd->arg_len < sizeof(pass)) {
		memcpy(pass, cmd->arg, cmd->arg_len);
		pass[cmd->arg_len] = '\0';
		ok = auth_check(s->cfg, s->held, s->user, pass, &login);
		memset(pass, 0, sizeof(pass));
	}
	if (ok == 0 && login.root_fd >= 0) {
		vfs_set_root_fd(&s->vfs, login.root_fd, login.rw);
	} else if (ok == 0 && vfs_open_root(&s->vfs, login.root, login.rw) < 0) {
		log_msg(LOG_ERR, "error", "%s: root %s of %s cannot be opened", s->who,
			login.root, login.name);
		ok = -1;
	}
	if (ok < 0)
		return failed(s);
	s->login = login;
	s->logged_in = true;
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
