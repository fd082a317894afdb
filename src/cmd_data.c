/* cmd_data.c - PASV, EPSV, PORT, EPRT. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "hostport.h"
#include "log.h"

static int no_network(struct session *s)
{
	return ctrl_reply(&s->ctrl, 425,
			  "Data connections need a network control connection.");
}

/* PASV, PORT and EPRT: refused after EPSV ALL, and without a network.
 * Returns 1 after replying (*r is the reply's result), 0 to go on. */
static int refused(struct session *s, int *r)
{
	if (s->data.epsv_all)
		*r = ctrl_reply(&s->ctrl, 503, "EPSV ALL in effect: use EPSV.");
	else if (s->mode == ACTIVATION_PIPE)
		*r = no_network(s);
	else
		return 0;
	return 1;
}

/* 522 names the protocol this connection can use (RFC 2428). */
static int wrong_protocol(struct session *s)
{
	return ctrl_reply(&s->ctrl, 522, s->local.family == AF_INET6
			  ? "Network protocol not supported, use (2)"
			  : "Network protocol not supported, use (1)");
}

int cmd_pasv(struct session *s, const struct command *cmd)
{
	struct in_addr a;
	unsigned port;
	char text[80];
	int r;

	(void)cmd;
	if (refused(s, &r))
		return r;
	/* PASV can only announce IPv4 (RFC 2428 section 3) */
	if (s->local.family != AF_INET)
		return ctrl_reply(&s->ctrl, 425, "PASV is IPv4 only: use EPSV.");
	if (data_listen(s, &port) < 0) {
		log_msg(LOG_ERR, "error", "%s: PASV: %s", s->who, strerror(errno));
		return ctrl_reply(&s->ctrl, 425, NULL);
	}
	if (inet_pton(AF_INET, s->cfg->pasv_address ? s->cfg->pasv_address : s->local.addr,
		      &a) != 1)
		return ctrl_reply(&s->ctrl, 425, NULL);
	hostport_format_pasv(text, sizeof(text), &a, port);
	return ctrl_reply(&s->ctrl, 227, text);
}

int cmd_epsv(struct session *s, const struct command *cmd)
{
	unsigned port;
	int want = 0;

	if (cmd->arg_len == 3 && strncasecmp(cmd->arg, "ALL", 3) == 0) {
		s->data.epsv_all = true;
		return ctrl_reply(&s->ctrl, 200, "EPSV ALL ok.");
	}
	if (cmd->arg_len == 1 && (cmd->arg[0] == '1' || cmd->arg[0] == '2'))
		want = cmd->arg[0] == '1' ? AF_INET : AF_INET6;
	else if (cmd->arg_len)
		return wrong_protocol(s);
	if (s->mode == ACTIVATION_PIPE)
		return no_network(s);
	if (want && want != s->local.family)
		return wrong_protocol(s);
	if (data_listen(s, &port) < 0) {
		log_msg(LOG_ERR, "error", "%s: EPSV: %s", s->who, strerror(errno));
		return ctrl_reply(&s->ctrl, 425, NULL);
	}
	return ctrl_replyf(&s->ctrl, 229, "Entering Extended Passive Mode (|||%u|)", port);
}

/* Bounce protection: only the client's own address, only ports >= 1024. */
static int set_active(struct session *s, const struct sockaddr_storage *ss,
		      socklen_t len, const char *verb)
{
	struct endpoint ep;

	endpoint_from_sockaddr(&ep, (const struct sockaddr *)ss, len);
	if (strcmp(ep.addr, s->peer.addr) != 0 || ep.port < 1024) {
		log_msg(LOG_WARNING, "reject", "%s: %s to %s port %u refused (bounce protection)",
			s->who, verb, ep.addr, ep.port);
		return ctrl_reply(&s->ctrl, 504,
				  "Data connections only to your own address, ports 1024 and up.");
	}
	data_reset(&s->data);
	s->data.mode = DATA_ACTIVE;
	s->data.target = *ss;
	s->data.target_len = len;
	return ctrl_replyf(&s->ctrl, 200, "%s command successful.", verb);
}

int cmd_port(struct session *s, const struct command *cmd)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int r;

	if (refused(s, &r))
		return r;
	if (hostport_parse_port(cmd->arg, cmd->arg_len, &ss, &len) != HOSTPORT_OK)
		return ctrl_reply(&s->ctrl, 501, "Illegal PORT command.");
	return set_active(s, &ss, len, "PORT");
}

int cmd_eprt(struct session *s, const struct command *cmd)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int r;

	if (refused(s, &r))
		return r;
	switch (hostport_parse_eprt(cmd->arg, cmd->arg_len, &ss, &len)) {
	case HOSTPORT_OK:
		break;
	case HOSTPORT_UNSUPPORTED:
		return ctrl_reply(&s->ctrl, 522, "Network protocol not supported, use (1,2)");
	default:
		return ctrl_reply(&s->ctrl, 501, "Illegal EPRT command.");
	}
	return set_active(s, &ss, len, "EPRT");
}
