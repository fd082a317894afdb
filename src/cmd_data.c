/* cmd_data.c - PASV, EPSV, PORT, EPRT. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "hostport.h"
#include "log.h"
#include "tls.h"

static enum outcome no_network(struct session *s)
{
	return reply(s, 425, "Data connections need a network control connection.");
}

/* PASV, PORT and EPRT: refused after EPSV ALL, and without a network. */
static enum outcome refused(struct session *s)
{
	if (s->data.epsv_all)
		return reply(s, 503, "EPSV ALL in effect: use EPSV.");
	if (s->mode == ACTIVATION_PIPE)
		return no_network(s);
	return GO_ON;
}

/* 522 names the protocol this connection can use (RFC 2428). */
static enum outcome wrong_protocol(struct session *s)
{
	return reply(s, 522, s->local.family == AF_INET6
		     ? "Network protocol not supported, use (2)"
		     : "Network protocol not supported, use (1)");
}

/* A data connection is coming: a TLS 1.3 client gets a fresh ticket with
 * this reply, so that it resumes even late in a long session. */
static void fresh_ticket(struct session *s)
{
	if (s->prot_p && s->ctrl_secure)
		tls_fresh_ticket(&s->ctrl_chan);
}

/* Listen for a passive data connection: GO_ON with *port, or 425. */
static enum outcome listen_passive(struct session *s, const char *verb, unsigned *port)
{
	if (data_listen(&s->data, &s->ends, s->cfg->pasv_ports[0], s->cfg->pasv_ports[1],
			port) == 0) {
		fresh_ticket(s);
		return GO_ON;
	}
	log_msg(LOG_ERR, "error", "%s: %s: %s", s->who, verb, strerror(errno));
	return reply(s, 425, NULL);
}

enum outcome cmd_pasv(struct session *s, const struct command *cmd)
{
	struct in_addr a;
	unsigned port;
	char text[80];
	enum outcome r = refused(s);

	(void)cmd;
	if (r != GO_ON)
		return r;
	/* PASV can only announce IPv4 (RFC 2428 section 3) */
	if (s->local.family != AF_INET)
		return reply(s, 425, "PASV is IPv4 only: use EPSV.");
	r = listen_passive(s, "PASV", &port);
	if (r != GO_ON)
		return r;
	if (inet_pton(AF_INET, s->cfg->pasv_address ? s->cfg->pasv_address : s->local.addr,
		      &a) != 1)
		return reply(s, 425, NULL);
	hostport_format_pasv(text, sizeof(text), &a, port);
	return reply(s, 227, text);
}

enum outcome cmd_epsv(struct session *s, const struct command *cmd)
{
	unsigned port;
	int want = 0;
	enum outcome r;

	if (cmd->arg_len == 3 && strncasecmp(cmd->arg, "ALL", 3) == 0) {
		s->data.epsv_all = true;
		return reply(s, 200, "EPSV ALL ok.");
	}
	if (cmd->arg_len == 1 && (cmd->arg[0] == '1' || cmd->arg[0] == '2'))
		want = cmd->arg[0] == '1' ? AF_INET : AF_INET6;
	else if (cmd->arg_len)
		return wrong_protocol(s);
	if (s->mode == ACTIVATION_PIPE)
		return no_network(s);
	if (want && want != s->local.family)
		return wrong_protocol(s);
	r = listen_passive(s, "EPSV", &port);
	if (r != GO_ON)
		return r;
	return replyf(s, 229, "Entering Extended Passive Mode (|||%u|)", port);
}

/* Bounce protection: only the client's own address, only ports >= 1024. */
static enum outcome set_active(struct session *s, const struct sockaddr_storage *ss,
			       socklen_t len, const char *verb)
{
	struct endpoint ep;

	endpoint_from_sockaddr(&ep, (const struct sockaddr *)ss, len);
	if (strcmp(ep.addr, s->peer.addr) != 0 || ep.port < 1024) {
		log_msg(LOG_WARNING, "reject", "%s: %s to %s port %u refused (bounce protection)",
			s->who, verb, ep.addr, ep.port);
		return reply(s, 504, "Data connections only to your own address, ports 1024 and up.");
	}
	data_set_active(&s->data, ss, len);
	fresh_ticket(s);
	return replyf(s, 200, "%s command successful.", verb);
}

enum outcome cmd_port(struct session *s, const struct command *cmd)
{
	struct sockaddr_storage ss;
	socklen_t len;
	enum outcome r = refused(s);

	if (r != GO_ON)
		return r;
	if (hostport_parse_port(cmd->arg, cmd->arg_len, &ss, &len) != HOSTPORT_OK)
		return reply(s, 501, "Illegal PORT command.");
	return set_active(s, &ss, len, "PORT");
}

enum outcome cmd_eprt(struct session *s, const struct command *cmd)
{
	struct sockaddr_storage ss;
	socklen_t len;
	enum outcome r = refused(s);

	if (r != GO_ON)
		return r;
	switch (hostport_parse_eprt(cmd->arg, cmd->arg_len, &ss, &len)) {
	case HOSTPORT_OK:
		break;
	case HOSTPORT_UNSUPPORTED:
		return reply(s, 522, "Network protocol not supported, use (1,2)");
	default:
		return reply(s, 501, "Illegal EPRT command.");
	}
	return set_active(s, &ss, len, "EPRT");
}
