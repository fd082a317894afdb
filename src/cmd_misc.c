/* cmd_misc.c - commands that touch no file: NOOP, QUIT, SYST, OPTS, HOST,
 * ALLO, TYPE, MODE, STRU, SITE.  (HELP and FEAT: cmd_table.c.) */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "listing.h"

enum outcome cmd_noop(struct session *s, const struct command *cmd)
{
	(void)cmd;
	return reply(s, 200, NULL);
}

enum outcome cmd_quit(struct session *s, const struct command *cmd)
{
	(void)cmd;
	s->quit = true;
	return reply(s, 221, NULL);
}

enum outcome cmd_syst(struct session *s, const struct command *cmd)
{
	(void)cmd;
	return reply(s, 215, NULL);
}

enum outcome cmd_opts(struct session *s, const struct command *cmd)
{
	char a[64];

	arg_upper(a, sizeof(a), cmd);
	if (strcmp(a, "UTF8 ON") == 0 || strcmp(a, "UTF8") == 0)
		return reply(s, 200, "Always in UTF8 mode.");
	if (strncmp(a, "MLST", 4) == 0 && (a[4] == ' ' || a[4] == '\0')) {
		char accepted[128];
		const char *facts = cmd->arg_len > 5 ? cmd->arg + 5 : "";
		size_t flen = cmd->arg_len > 5 ? cmd->arg_len - 5 : 0;

		s->mlst_facts = mlst_opts(facts, flen, accepted, sizeof(accepted));
		return replyf(s, 200, "MLST OPTS %s", accepted);
	}
	return reply(s, 501, "Option not understood.");
}

enum outcome cmd_host(struct session *s, const struct command *cmd)
{
	(void)cmd;
	/* RFC 7151: one virtual host here; HOST is only valid before login. */
	if (s->logged_in || s->have_user)
		return reply(s, 503, "HOST must come before USER.");
	return reply(s, 220, "Host accepted.");
}

enum outcome cmd_allo(struct session *s, const struct command *cmd)
{
	(void)cmd;
	return reply(s, 202, "ALLO is not needed on this server.");
}

enum outcome cmd_type(struct session *s, const struct command *cmd)
{
	char a[16];

	arg_upper(a, sizeof(a), cmd);
	if (strcmp(a, "I") == 0 || strcmp(a, "L 8") == 0 || strcmp(a, "L8") == 0) {
		s->ascii = false;
		return reply(s, 200, "Switching to Binary mode.");
	}
	if (strcmp(a, "A") == 0 || strcmp(a, "A N") == 0) {
		s->ascii = true;
		return reply(s, 200, "Switching to ASCII mode.");
	}
	if (strlen(a) >= 1 && strchr("AEIL", a[0]) && cmd->arg_len < sizeof(a))
		return reply(s, 504, "Unsupported TYPE.");
	return reply(s, 501, "Unrecognized TYPE.");
}

enum outcome cmd_mode(struct session *s, const struct command *cmd)
{
	char a[8];

	arg_upper(a, sizeof(a), cmd);
	if (strcmp(a, "S") == 0)
		return reply(s, 200, "Mode set to S.");
	if (strcmp(a, "B") == 0 || strcmp(a, "C") == 0 || strcmp(a, "Z") == 0)
		return reply(s, 504, "Only MODE S is supported.");
	return reply(s, 501, "Unrecognized MODE.");
}

enum outcome cmd_stru(struct session *s, const struct command *cmd)
{
	char a[8];

	arg_upper(a, sizeof(a), cmd);
	if (strcmp(a, "F") == 0)
		return reply(s, 200, "Structure set to F.");
	if (strcmp(a, "R") == 0 || strcmp(a, "P") == 0)
		return reply(s, 504, "Only STRU F is supported.");
	return reply(s, 501, "Unrecognized STRU.");
}

enum outcome cmd_site(struct session *s, const struct command *cmd)
{
	char a[8];

	arg_upper(a, sizeof(a), cmd);
	if (strcmp(a, "HELP") == 0) {
		static const char *const lines[] = {"SITE commands:", " CHMOD HELP", "End."};
		return reply_lines(s, 214, lines, 3);
	}
	if (strncmp(a, "CHMOD ", 6) == 0)
		return cmd_site_chmod(s, cmd->arg + 6, cmd->arg_len - 6);
	return reply(s, 500, "Unknown SITE command.");
}
