/* session.c - per-connection state and the dispatch loop. */
#include "session.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "admitask.h"
#include "auth.h"
#include "cmd_support.h"
#include "cmd_table.h"
#include "deadline.h"
#include "line.h"
#include "listing.h"
#include "log.h"
#include "proxyread.h"

void session_init(struct session *s, const struct config *cfg, const struct held *held,
		  const struct activation *a)
{
	s->cfg = cfg;
	s->held = held;
	s->peer = a->peer;
	s->conn_peer = a->peer_sa;
	s->conn_peer_len = a->peer_len;
	s->local = a->local;
	s->mode = a->mode;
	s->admit_fd = a->admit_fd;
	s->mlst_facts = FACT_ALL;
	vfs_init(&s->vfs);
	files_init(&s->files);
	data_init(&s->data);
	chan_plain(&s->ctrl_chan, a->in_fd, a->out_fd);
	/* a client that stops reading its replies cannot hold the process */
	ctrl_init(&s->ctrl, &s->ctrl_chan, cfg->idle_timeout * 1000);
	s->ends.local = a->local_sa;
	s->ends.local_len = a->local_len;
	s->ends.peer_addr = s->peer.addr;
}

/* The first word of a line nobody recognised, for the log: only when it
 * looks like a command word (letters, up to a space), and not at all where
 * a password may be what was sent (after USER, a client that lost the verb
 * sends the password alone; a tab instead of a space joins it to PASS). */
static enum outcome unrecognized(struct session *s, const struct command *cmd)
{
	char word[80];
	size_t n = 0;

	while (n < cmd->word_len && ((cmd->word[n] | 0x20) >= 'a' && (cmd->word[n] | 0x20) <= 'z'))
		n++;
	if (s->have_user && !s->logged_in)
		snprintf(word, sizeof(word), "<not shown: a password may follow USER>");
	else if (n != cmd->word_len || n > 16)
		snprintf(word, sizeof(word), "<not shown: %zu bytes, not a command word>",
			 cmd->word_len);
	else
		log_escape(word, sizeof(word), cmd->word, n);
	log_msg(LOG_WARNING, "reject", "%s: Command unrecognized: '%s'", s->who, word);
	return reply(s, 500, NULL);
}

static enum outcome dispatch(struct session *s)
{
	struct command cmd;
	const struct handler *h;

	if (command_is_http(ctrl_line(&s->ctrl), ctrl_line_len(&s->ctrl))) {
		/* someone sent a web client here (ALPACA): no answer at all */
		log_msg(LOG_WARNING, "reject", "%s: an HTTP request on the FTP control connection: "
			"closing", s->who);
		s->quit = true;
		return REPLIED;
	}
	switch (command_parse(ctrl_line(&s->ctrl), ctrl_line_len(&s->ctrl), &cmd)) {
	case PARSE_EMPTY:
		log_msg(LOG_WARNING, "reject", "%s: Empty command line", s->who);
		return reply(s, 500, NULL);
	case PARSE_UNKNOWN:
		return unrecognized(s, &cmd);
	case PARSE_NUL_ARG:
		log_request(verb_name(cmd.verb), cmd.arg, cmd.arg_len, 1,
			    cmd.verb == VERB_PASS);
		log_msg(LOG_WARNING, "reject", "%s: NUL byte in the argument of %s",
			s->who, verb_name(cmd.verb));
		return reply(s, 501, NULL);
	case PARSE_OK:
		break;
	}
	log_request(verb_name(cmd.verb), cmd.arg, cmd.arg_len, cmd.has_arg,
		    cmd.verb == VERB_PASS);
	h = handler_for(cmd.verb);
	if (!(h->flags & KEEP_RNFR) && cmd.verb != VERB_RNTO)
		s->rnfr[0] = '\0';
	if (!h->run)
		return reply(s, 502, NULL);
	if ((h->flags & NEED_LOGIN) && !s->logged_in)
		return reply(s, 530, "Please login with USER and PASS.");
	if ((h->flags & NEED_ARG) && cmd.arg_len == 0)
		return reply(s, 501, NULL);
	return h->run(s, &cmd);
}

/* A write to a client that went away is the client's end, not ours. */
static bool client_left(int err)
{
	/* EPROTO, ECONNABORTED: the client broke off its TLS (chan.h) */
	return err == EPIPE || err == ECONNRESET || err == ETIMEDOUT || err == ENOTCONN ||
	       err == EPROTO || err == ECONNABORTED;
}

/* One line, or the reason the session ends: 1 go on, 0 end, -1 failed. */
static int next(struct session *s)
{
	long long idle = deadline_in((long long)s->cfg->idle_timeout * 1000);
	bool login_first = !s->logged_in && s->login_deadline < idle;

	/* before login, a client that stops reading is held no longer than
	 * the login timeout either */
	s->ctrl.send_cap = s->logged_in ? DEADLINE_NONE : s->login_deadline;
	switch (ctrl_next(&s->ctrl, login_first ? s->login_deadline : idle)) {
	case CTRL_LINE:
		return dispatch(s) == DEAD ? -1 : 1;
	case CTRL_TOO_LONG:
		log_msg(LOG_WARNING, "reject", "%s: Command line longer than %d bytes, discarded",
			s->who, LINE_MAX_BYTES);
		return reply(s, 500, "Syntax error, command line too long.") == DEAD ? -1 : 1;
	case CTRL_TIMEOUT:
		if (login_first) {
			log_msg(LOG_INFO, "timeout", "%s: not logged in after %u s, closing",
				s->who, s->cfg->login_timeout);
			reply(s, 421, "Login timeout: closing control connection.");
		} else {
			log_msg(LOG_INFO, "timeout", "%s: idle for %u s, closing", s->who,
				s->cfg->idle_timeout);
			reply(s, 421, "Timeout: closing control connection.");
		}
		return 0;
	case CTRL_EOF:
		return 0;
	case CTRL_ERROR:
		break;
	}
	return -1;
}

/* Behind a balancer: the PROXY header, believed only from a trusted
 * sender, says who the client is.  Nothing is sent before it is read. */
static int proxied(struct session *s, struct proxy_header *h)
{
	char err[160];
	int n;

	memset(h, 0, sizeof(*h));
	h->local = true;  /* no header: the connection's own endpoints */
	if (!s->cfg->proxy_protocol)
		return 0;
	endpoint_format(&s->peer, s->balancer, sizeof(s->balancer));
	n = cidr_list_parse(s->cfg->proxy_trusted, s->proxy_nets, CIDR_LIST_MAX);
	if (n < 0 || !s->conn_peer_len ||
	    !cidr_list_match(s->proxy_nets, (size_t)n, (const struct sockaddr *)&s->conn_peer)) {
		log_msg(LOG_WARNING, "reject", "%s: not a trusted PROXY sender (--proxy-trusted), "
			"closing", s->balancer);
		return -1;
	}
	if (proxy_read(&s->ctrl_chan, deadline_in(PROXY_HEADER_TIMEOUT_MS), h, err,
		       sizeof(err)) < 0) {
		log_msg(LOG_WARNING, "reject", "%s: %s, closing", s->balancer, err);
		return -1;
	}
	if (!h->local)
		endpoint_from_sockaddr(&s->peer, (const struct sockaddr *)&h->src, h->addr_len);
	/* passive connections from a balancer carry a header too */
	s->ends.proxy_nets = s->proxy_nets;
	s->ends.n_proxy_nets = (size_t)n;
	return 0;
}

/* Listener mode behind a balancer: the listener applies --max-per-ip and
 * --max-startups to the client the header named, which this session
 * reports to it (a LOCAL header: none).  Refused: the listener's 421. */
static int admitted(struct session *s, const struct proxy_header *h)
{
	const struct sockaddr *sa = h->local ? NULL : (const struct sockaddr *)&h->src;
	socklen_t len = h->addr_len;
	enum adm_verdict v;
	int r, e;

	if (s->admit_fd == 0)
		return 0;
	if (!s->cfg->proxy_protocol) {
		/* the listener saw --proxy-protocol, this configuration not */
		sa = s->conn_peer_len ? (const struct sockaddr *)&s->conn_peer : NULL;
		len = s->conn_peer_len;
	}
	errno = EBADF;
	r = s->admit_fd > 0 ? admit_ask(s->admit_fd, sa, len,
					deadline_in(ADMIT_VERDICT_TIMEOUT_MS), &v) : -1;
	e = errno;
	if (s->admit_fd > 0)
		close(s->admit_fd);
	s->admit_fd = 0;
	if (r < 0) {
		log_msg(LOG_ERR, "error", "%s: no admission from the listener: %s, closing",
			s->peer.addr, strerror(e));
		return -1;
	}
	if (v == ADM_OK)
		return 0;
	(void)ctrl_reply(&s->ctrl, 421, admission_refusal(v));
	return -1;
}

/* With a monitor (--pam, --users), the client a header named becomes its
 * PAM_RHOST and the client of its log lines. */
static int told_monitor(struct session *s, const struct proxy_header *h)
{
	if (!s->cfg->proxy_protocol || h->local ||
	    auth_client(s->held, (const struct sockaddr *)&h->src, h->addr_len) == 0)
		return 0;
	log_msg(LOG_ERR, "error", "%s: cannot tell the monitor the client: %s, closing",
		s->peer.addr, strerror(errno));
	return -1;
}

/* Implicit FTPS: the handshake comes before the greeting. */
static int implicit_tls(struct session *s)
{
	char err[256];

	if (!s->cfg->tls_implicit || !s->held->tls)
		return 0;
	if (secure_control(s, s->login_deadline, err, sizeof(err)) < 0) {
		log_msg(LOG_WARNING, "tls", "%s: %s", s->who, err);
		return -1;
	}
	s->pbsz = s->prot_p = true;
	return 0;
}

int session_run(struct session *s)
{
	struct proxy_header h;
	int status = 0;

	/* Behind a balancer, the PROXY header comes first: read by the session
	 * in every mode (the listener reads no client byte), before the
	 * implicit TLS handshake and the greeting; then the listener's limits
	 * on its client, and the monitor told who it is. */
	if (proxied(s, &h) < 0 || admitted(s, &h) < 0 || told_monitor(s, &h) < 0) {
		if (s->admit_fd > 0)
			close(s->admit_fd);
		chan_close(&s->ctrl_chan);
		return 0;
	}
	log_set_client(&s->peer);
	endpoint_format(&s->peer, s->who, sizeof(s->who));
	s->login_deadline = deadline_in((long long)s->cfg->login_timeout * 1000);
	s->login_cap = deadline_in((long long)s->cfg->login_timeout * 1000 *
				   s->cfg->max_login_failures);
	if (implicit_tls(s) < 0 || ctrl_reply(&s->ctrl, 220, NULL) < 0) {
		chan_close(&s->ctrl_chan);
		return 0;
	}
	log_msg(LOG_INFO, "connect", "Accepted new connection (address = %s, via %s%s%s)",
		s->who, activation_mode_name(s->mode), s->balancer[0] ? ", PROXY header from " : "",
		s->balancer);
	while (!s->quit) {
		int r = next(s);

		if (r > 0)
			continue;
		if (r < 0) {
			int e = errno;

			if (client_left(e)) {
				log_msg(LOG_INFO, "disconnect", "%s: control connection: %s", s->who,
					strerror(e));
			} else {
				log_msg(LOG_ERR, "error", "%s: control connection: %s", s->who,
					strerror(e));
				status = 1;
			}
		}
		break;
	}
	if (s->failed)
		status = 1;
	data_reset(&s->data);
	vfs_close(&s->vfs);
	files_close(&s->files);
	if (s->ctrl_secure)
		chan_finish(&s->ctrl_chan, deadline_in(1000));  /* close_notify, briefly */
	chan_close(&s->ctrl_chan);
	log_msg(LOG_INFO, "disconnect", "%s disconnected", s->who);
	return status;
}
