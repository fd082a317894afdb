/* session.c - per-connection state and the dispatch table. */
#include "session.h"

#include <errno.h>
#include <string.h>

#include "cmd.h"
#include "line.h"
#include "log.h"

struct handler {
	command_fn run;   /* NULL: known verb, not implemented (502) */
};

/* Indexed by verb.  Verbs without a handler answer 502. */
static const struct handler handlers[VERB_COUNT] = {
	[VERB_NOOP] = {cmd_noop},
	[VERB_QUIT] = {cmd_quit},
};

void session_init(struct session *s, const struct config *cfg,
		  const struct activation *a)
{
	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->peer = a->peer;
	s->local = a->local;
	s->mode = a->mode;
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
	if (!h->run)
		return ctrl_reply(&s->ctrl, 502, NULL);
	return h->run(s, &cmd);
}

int session_run(struct session *s)
{
	const char *who = s->who;
	int status = 0;

	if (ctrl_reply(&s->ctrl, 220, NULL) < 0)
		return 0;
	log_set_client(&s->peer);
	endpoint_format(&s->peer, s->who, sizeof(s->who));
	log_msg(LOG_INFO, "connect", "Accepted new connection (address = %s, via %s)",
		who, activation_mode_name(s->mode));
	while (!s->quit) {
		enum ctrl_status st = ctrl_next(&s->ctrl);
		int r = 0;

		if (st == CTRL_EOF)
			break;
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
	log_msg(LOG_INFO, "disconnect", "%s disconnected", who);
	return status;
}
