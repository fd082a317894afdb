/* session.c - per-connection state, the dispatch table, and the helpers the
 * handlers share. */
#include "session.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "line.h"
#include "listing.h"
#include "clock.h"
#include "log.h"
#include "transfer.h"

enum {
	NEED_LOGIN = 1 << 0,  /* 530 before login */
	NEED_ARG = 1 << 1,    /* 501 without an argument */
	KEEP_RNFR = 1 << 2,   /* does not cancel a pending RNFR */
};

struct handler {
	command_fn run;   /* NULL: known verb, not implemented (502) */
	unsigned flags;
};

#define L NEED_LOGIN
#define A NEED_ARG

/* Indexed by verb.  Verbs without a handler answer 502. */
static const struct handler handlers[VERB_COUNT] = {
	[VERB_ABOR] = {cmd_abor, L},
	[VERB_ACCT] = {cmd_acct, 0},
	[VERB_ALLO] = {cmd_allo, L},
	[VERB_APPE] = {cmd_appe, L | A},
	[VERB_CDUP] = {cmd_cdup, L},
	[VERB_CWD] = {cmd_cwd, L | A},
	[VERB_DELE] = {cmd_dele, L | A},
	[VERB_EPRT] = {cmd_eprt, L | A},
	[VERB_EPSV] = {cmd_epsv, L},
	[VERB_FEAT] = {cmd_feat, 0},
	[VERB_HELP] = {cmd_help, 0},
	[VERB_HOST] = {cmd_host, A},
	[VERB_LIST] = {cmd_list, L},
	[VERB_MDTM] = {cmd_mdtm, L | A},
	[VERB_MKD] = {cmd_mkd, L | A},
	[VERB_MLSD] = {cmd_mlsd, L},
	[VERB_MLST] = {cmd_mlst, L},
	[VERB_MODE] = {cmd_mode, A},
	[VERB_NLST] = {cmd_nlst, L},
	[VERB_NOOP] = {cmd_noop, KEEP_RNFR},
	[VERB_OPTS] = {cmd_opts, A},
	[VERB_PASS] = {cmd_pass, 0},
	[VERB_PASV] = {cmd_pasv, L},
	[VERB_PORT] = {cmd_port, L | A},
	[VERB_PWD] = {cmd_pwd, L},
	[VERB_QUIT] = {cmd_quit, 0},
	[VERB_REIN] = {cmd_rein, 0},
	[VERB_REST] = {cmd_rest, L | A},
	[VERB_RETR] = {cmd_retr, L | A},
	[VERB_RMD] = {cmd_rmd, L | A},
	[VERB_RNFR] = {cmd_rnfr, L | A},
	[VERB_RNTO] = {cmd_rnto, L | A},
	[VERB_SITE] = {cmd_site, L | A},
	[VERB_SIZE] = {cmd_size, L | A},
	[VERB_STAT] = {cmd_stat, L},
	[VERB_STOR] = {cmd_stor, L | A},
	[VERB_STOU] = {cmd_stou, L},
	[VERB_STRU] = {cmd_stru, A},
	[VERB_SYST] = {cmd_syst, 0},
	[VERB_TYPE] = {cmd_type, A},
	[VERB_USER] = {cmd_user, A},
	[VERB_XCUP] = {cmd_cdup, L},
	[VERB_XCWD] = {cmd_cwd, L | A},
	[VERB_XMKD] = {cmd_mkd, L | A},
	[VERB_XPWD] = {cmd_pwd, L},
	[VERB_XRMD] = {cmd_rmd, L | A},
};

#undef L
#undef A

void session_init(struct session *s, const struct config *cfg,
		  const struct activation *a)
{
	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->peer = a->peer;
	s->local = a->local;
	s->mode = a->mode;
	s->mlst_facts = FACT_ALL;
	vfs_init(&s->vfs);
	data_init(&s->data);
	ctrl_init(&s->ctrl, a->in_fd, a->out_fd);
}

static int reject(struct session *s, int code, const char *text,
		  const char *why, const struct command *cmd)
{
	char word[64];

	log_escape(word, sizeof(word), cmd->word, cmd->word_len);
	log_msg(LOG_WARNING, "reject", "%s: %s: '%s'", s->who, why, word);
	return ctrl_reply(&s->ctrl, code, text);
}

static int dispatch(struct session *s)
{
	const char *line = ctrl_line(&s->ctrl);
	size_t len = ctrl_line_len(&s->ctrl);
	struct command cmd;
	const struct handler *h;

	switch (command_parse(line, len, &cmd)) {
	case PARSE_EMPTY:
		log_msg(LOG_WARNING, "reject", "%s: Empty command line", s->who);
		return ctrl_reply(&s->ctrl, 500, NULL);
	case PARSE_UNKNOWN:
		return reject(s, 500, NULL, "Command unrecognized", &cmd);
	case PARSE_NUL_ARG:
		log_request(verb_name(cmd.verb), cmd.arg, cmd.arg_len, 1,
			    cmd.verb == VERB_PASS);
		log_msg(LOG_WARNING, "reject", "%s: NUL byte in the argument of %s",
			s->who, verb_name(cmd.verb));
		return ctrl_reply(&s->ctrl, 501, NULL);
	case PARSE_OK:
		break;
	}
	log_request(verb_name(cmd.verb), cmd.arg, cmd.arg_len, cmd.has_arg,
		    cmd.verb == VERB_PASS);
	h = &handlers[cmd.verb];
	if (!(h->flags & KEEP_RNFR) && cmd.verb != VERB_RNTO)
		s->rnfr[0] = '\0';
	if (!h->run)
		return ctrl_reply(&s->ctrl, 502, NULL);
	if ((h->flags & NEED_LOGIN) && !s->logged_in)
		return ctrl_reply(&s->ctrl, 530, "Please login with USER and PASS.");
	if ((h->flags & NEED_ARG) && cmd.arg_len == 0)
		return ctrl_reply(&s->ctrl, 501, NULL);
	return h->run(s, &cmd);
}

int session_during_transfer(struct session *s)
{
	struct command cmd;

	switch (ctrl_poll_line(&s->ctrl)) {
	case CTRL_NONE:
		return 0;
	case CTRL_EOF:
	case CTRL_ERROR:
	case CTRL_TIMEOUT:
		return -1;
	case CTRL_TOO_LONG:
		return ctrl_reply(&s->ctrl, 500, "Syntax error, command line too long.") < 0 ? -1 : 0;
	case CTRL_LINE:
		break;
	}
	if (command_parse(ctrl_line(&s->ctrl), ctrl_line_len(&s->ctrl), &cmd) == PARSE_OK &&
	    cmd.verb == VERB_ABOR) {
		log_request("ABOR", cmd.arg, cmd.arg_len, cmd.has_arg, 0);
		return 1;
	}
	/* Anything else waits for the transfer to end. */
	ctrl_hold(&s->ctrl);
	return 0;
}

int session_path(struct session *s, const char *arg, size_t len, char *vpath)
{
	if (vfs_path(&s->vfs, arg, len, vpath) == 0)
		return 0;
	if (errno == EINVAL)
		return ctrl_reply(&s->ctrl, 501, "Invalid path.") < 0 ? -2 : -1;
	return ctrl_reply(&s->ctrl, 553, "Path too long.") < 0 ? -2 : -1;
}

/* What a failed file operation answers, by errno. */
static const struct {
	int err;
	int code;
	const char *text;
} errno_replies[] = {
	{ENOENT, 550, "No such file or directory."},
	{EACCES, 550, "Permission denied."},
	{EPERM, 550, "Permission denied."},
	{EROFS, 550, "Permission denied."},
	{EEXIST, 550, "File exists."},
	{ENOTDIR, 550, "Not a directory."},
	{EISDIR, 550, "Is a directory."},
	{ENOTEMPTY, 550, "Directory not empty."},
	{ELOOP, 550, "Too many levels of symbolic links."},
	{ENAMETOOLONG, 553, "File name too long."},
	{EINVAL, 553, "File name not allowed."},
	{ENOSPC, 552, "Insufficient storage space."},
	{EDQUOT, 552, "Insufficient storage space."},
};

int session_reply_errno(struct session *s, int err)
{
	size_t i;

	for (i = 0; i < sizeof(errno_replies) / sizeof(errno_replies[0]); i++)
		if (errno_replies[i].err == err)
			return ctrl_reply(&s->ctrl, errno_replies[i].code, errno_replies[i].text);
	return ctrl_replyf(&s->ctrl, 550, "%s.", strerror(err));
}

int session_deny_write(struct session *s)
{
	if (s->vfs.writable)
		return 0;
	return ctrl_reply(&s->ctrl, 550, "Permission denied.") < 0 ? -1 : 1;
}

int session_open_data(struct session *s, const char *what)
{
	int fd;

	if (s->data.mode == DATA_NONE)
		return ctrl_reply(&s->ctrl, 425, "Use PORT, PASV, EPRT or EPSV first.") < 0 ? -2 : -1;
	fd = data_open(s);
	if (fd < 0)
		return ctrl_reply(&s->ctrl, 425, NULL) < 0 ? -2 : -1;
	if (ctrl_replyf(&s->ctrl, 150, "Opening %s mode data connection for %s.",
			s->ascii ? "ASCII" : "BINARY", what) < 0) {
		close(fd);
		return -2;
	}
	return fd;
}

int session_end_transfer(struct session *s, int status, const char *verb,
			 const char *vpath, long long bytes)
{
	static const char *const names[] = {
		[XFER_DONE] = "complete", [XFER_ABORTED] = "aborted",
		[XFER_NET_ERROR] = "data connection failed", [XFER_FILE_ERROR] = "file error",
		[XFER_NO_SPACE] = "no space", [XFER_TIMEOUT] = "data timeout",
		[XFER_CTRL_GONE] = "control connection closed",
	};
	char path[600];

	log_escape(path, sizeof(path), vpath, strlen(vpath));
	log_msg(status == XFER_DONE ? LOG_INFO : LOG_WARNING, "transfer",
		"%s: %s %s: %s, %lld bytes", s->who, verb, path, names[status], bytes);
	switch ((enum xfer_status)status) {
	case XFER_DONE:
		return ctrl_reply(&s->ctrl, 226, "Transfer complete.");
	case XFER_ABORTED:
		if (ctrl_reply(&s->ctrl, 426, NULL) < 0)
			return -1;
		return ctrl_reply(&s->ctrl, 226, "Abort successful.");
	case XFER_NET_ERROR:
		return ctrl_reply(&s->ctrl, 426, NULL);
	case XFER_TIMEOUT:
		return ctrl_reply(&s->ctrl, 426, "Data connection timed out; transfer aborted.");
	case XFER_FILE_ERROR:
		return ctrl_reply(&s->ctrl, 451, NULL);
	case XFER_NO_SPACE:
		return ctrl_reply(&s->ctrl, 452, NULL);
	case XFER_CTRL_GONE:
		return -1;
	}
	return -1;
}


int session_run(struct session *s)
{
	const char *who = s->who;
	long long login_deadline;
	int status = 0;

	if (ctrl_reply(&s->ctrl, 220, NULL) < 0)
		return 0;
	log_set_client(&s->peer);
	endpoint_format(&s->peer, s->who, sizeof(s->who));
	log_msg(LOG_INFO, "connect", "Accepted new connection (address = %s, via %s)",
		who, activation_mode_name(s->mode));
	login_deadline = monotonic_ms() + (long long)s->cfg->login_timeout * 1000;
	while (!s->quit) {
		long long wait = (long long)s->cfg->idle_timeout * 1000;
		bool login_wait = false;
		enum ctrl_status st;
		int r = 0;

		if (!s->logged_in && login_deadline - monotonic_ms() < wait) {
			wait = login_deadline - monotonic_ms();
			login_wait = true;
			if (wait < 0)
				wait = 0;
		}
		st = ctrl_next(&s->ctrl, (int)wait);
		if (st == CTRL_EOF)
			break;
		if (st == CTRL_TIMEOUT) {
			if (login_wait) {
				log_msg(LOG_INFO, "timeout", "%s: not logged in after %u s, closing",
					who, s->cfg->login_timeout);
				ctrl_reply(&s->ctrl, 421, "Login timeout: closing control connection.");
			} else {
				log_msg(LOG_INFO, "timeout", "%s: idle for %u s, closing", who,
					s->cfg->idle_timeout);
				ctrl_reply(&s->ctrl, 421, "Timeout: closing control connection.");
			}
			break;
		}
		if (st == CTRL_ERROR) {
			log_msg(LOG_ERR, "error", "%s: control connection: %s", who,
				strerror(errno));
			status = 1;
			break;
		}
		if (st == CTRL_TOO_LONG) {
			log_msg(LOG_WARNING, "reject",
				"%s: Command line longer than %d bytes, discarded", who,
				LINE_MAX_BYTES);
			r = ctrl_reply(&s->ctrl, 500, "Syntax error, command line too long.");
		} else {
			r = dispatch(s);
		}
		if (r < 0) {
			log_msg(LOG_ERR, "error", "%s: control connection: %s", who,
				strerror(errno));
			status = 1;
			break;
		}
	}
	data_reset(&s->data);
	vfs_close(&s->vfs);
	log_msg(LOG_INFO, "disconnect", "%s disconnected", who);
	return status;
}
