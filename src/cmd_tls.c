/* cmd_tls.c - AUTH, PBSZ, PROT, CCC (RFC 4217). */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "deadline.h"
#include "log.h"

enum outcome cmd_auth(struct session *s, const struct command *cmd)
{
	char a[16], err[256];
	bool legacy;

	if (!s->held->tls)
		return reply(s, 502, "TLS is not configured on this server.");
	if (s->ctrl_secure)
		return reply(s, 503, "The control connection is already secure.");
	if (s->mode == ACTIVATION_PIPE)
		return reply(s, 534, "TLS needs a network connection.");
	arg_upper(a, sizeof(a), cmd);
	/* TLS-P and SSL as vsftpd takes them: TLS with data protection on */
	legacy = strcmp(a, "SSL") == 0 || strcmp(a, "TLS-P") == 0;
	if (strcmp(a, "TLS") != 0 && strcmp(a, "TLS-C") != 0 && !legacy)
		return reply(s, 504, "AUTH TLS, TLS-C, TLS-P or SSL.");
	if (reply(s, 234, "AUTH TLS successful.") == DEAD)
		return DEAD;
	/* Anything the client sent after AUTH in clear is not a command
	 * (CVE-2011-1575): it is dropped, never run. */
	ctrl_discard(&s->ctrl);
	if (secure_control(s, deadline_in((long long)s->cfg->login_timeout * 1000), err,
			   sizeof(err)) < 0) {
		/* the client's handshake failed (or was refused): nothing more
		 * can be said in clear after 234; the session ends, as the
		 * client wanted or caused */
		log_msg(LOG_WARNING, "tls", "%s: %s", s->who, err);
		s->quit = true;
		return REPLIED;
	}
	if (legacy)
		s->pbsz = s->prot_p = true;
	return REPLIED;
}

enum outcome cmd_pbsz(struct session *s, const struct command *cmd)
{
	(void)cmd;
	if (!s->ctrl_secure)
		return reply(s, 503, "PBSZ comes after AUTH TLS.");
	s->pbsz = true;
	/* RFC 4217 9: TLS has no buffer size; any value becomes 0 */
	return reply(s, 200, "PBSZ=0");
}

enum outcome cmd_prot(struct session *s, const struct command *cmd)
{
	char a[8];

	if (!s->ctrl_secure)
		return reply(s, 503, "PROT comes after AUTH TLS.");
	if (!s->pbsz)
		return reply(s, 503, "PBSZ 0 comes before PROT.");
	arg_upper(a, sizeof(a), cmd);
	if (strcmp(a, "C") == 0 || strcmp(a, "P") == 0) {
		s->prot_p = a[0] == 'P';
		return replyf(s, 200, "PROT now %s.", s->prot_p ? "Private" : "Clear");
	}
	if (strcmp(a, "S") == 0 || strcmp(a, "E") == 0)
		return reply(s, 536, "Only PROT C and PROT P are supported.");
	return reply(s, 504, "PROT C or PROT P.");
}

enum outcome cmd_ccc(struct session *s, const struct command *cmd)
{
	(void)cmd;
	/* back to clear text would let anyone on the path inject commands */
	return reply(s, 534, "CCC refused: the control connection stays protected.");
}
