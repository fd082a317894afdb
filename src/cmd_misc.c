/* cmd_misc.c - commands that touch no file: NOOP, QUIT, SYST, FEAT, OPTS,
 * HELP, HOST, ALLO, TYPE, MODE, STRU, SITE. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cmd.h"
#include "listing.h"

/* The argument, upper-cased, as a C string (cut at cap - 1). */
static void arg_upper(char *out, size_t cap, const struct command *cmd)
{
	size_t i, n = cmd->arg_len < cap - 1 ? cmd->arg_len : cap - 1;

	for (i = 0; i < n; i++) {
		char c = cmd->arg[i];
		out[i] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
	}
	out[n] = '\0';
}

int cmd_noop(struct session *s, const struct command *cmd)
{
	(void)cmd;
	return ctrl_reply(&s->ctrl, 200, NULL);
}

int cmd_quit(struct session *s, const struct command *cmd)
{
	(void)cmd;
	s->quit = true;
	return ctrl_reply(&s->ctrl, 221, NULL);
}

int cmd_syst(struct session *s, const struct command *cmd)
{
	(void)cmd;
	return ctrl_reply(&s->ctrl, 215, NULL);
}

int cmd_feat(struct session *s, const struct command *cmd)
{
	char mlst[128];
	const char *lines[] = {
		"Features:", " EPRT", " EPSV", " MDTM", mlst, " PASV", " REST STREAM",
		" SIZE", " TVFS", " UTF8", "End",
	};

	(void)cmd;
	mlst[0] = ' ';
	memcpy(mlst + 1, "MLST ", 5);
	mlst_feat(mlst + 6, sizeof(mlst) - 6, s->mlst_facts);
	return ctrl_reply_lines(&s->ctrl, 211, lines, sizeof(lines) / sizeof(lines[0]));
}

int cmd_opts(struct session *s, const struct command *cmd)
{
	char a[64];

	arg_upper(a, sizeof(a), cmd);
	if (strcmp(a, "UTF8 ON") == 0 || strcmp(a, "UTF8") == 0)
		return ctrl_reply(&s->ctrl, 200, "Always in UTF8 mode.");
	if (strncmp(a, "MLST", 4) == 0 && (a[4] == ' ' || a[4] == '\0')) {
		char accepted[128];
		const char *facts = cmd->arg_len > 5 ? cmd->arg + 5 : "";
		size_t flen = cmd->arg_len > 5 ? cmd->arg_len - 5 : 0;

		s->mlst_facts = mlst_opts(facts, flen, accepted, sizeof(accepted));
		return ctrl_replyf(&s->ctrl, 200, "MLST OPTS %s", accepted);
	}
	return ctrl_reply(&s->ctrl, 501, "Option not understood.");
}

int cmd_help(struct session *s, const struct command *cmd)
{
	static const char *const lines[] = {
		"The following commands are recognized:",
		" ABOR ACCT ALLO APPE CDUP CWD  DELE EPRT EPSV FEAT HELP HOST LIST MDTM",
		" MKD  MLSD MLST MODE NLST NOOP OPTS PASS PASV PORT PWD  QUIT REIN REST",
		" RETR RMD  RNFR RNTO SITE SIZE STAT STOR STOU STRU SYST TYPE USER XCUP",
		" XCWD XMKD XPWD XRMD",
		"Help OK.",
	};

	if (cmd->arg_len) {
		char a[16];
		int v;

		arg_upper(a, sizeof(a), cmd);
		v = verb_lookup(a, strlen(a));
		if (v < 0)
			return ctrl_replyf(&s->ctrl, 502, "Unknown command %s.", a);
		return ctrl_replyf(&s->ctrl, 214, "Syntax: %s (see RFC 959 and RFC 3659).",
				   verb_name((enum verb)v));
	}
	return ctrl_reply_lines(&s->ctrl, 214, lines, sizeof(lines) / sizeof(lines[0]));
}

int cmd_host(struct session *s, const struct command *cmd)
{
	(void)cmd;
	/* RFC 7151: one virtual host here; HOST is only valid before login. */
	if (s->logged_in || s->have_user)
		return ctrl_reply(&s->ctrl, 503, "HOST must come before USER.");
	return ctrl_reply(&s->ctrl, 220, "Host accepted.");
}

int cmd_allo(struct session *s, const struct command *cmd)
{
	(void)cmd;
	return ctrl_reply(&s->ctrl, 202, "ALLO is not needed on this server.");
}

int cmd_type(struct session *s, const struct command *cmd)
{
	char a[16];

	arg_upper(a, sizeof(a), cmd);
	if (strcmp(a, "I") == 0 || strcmp(a, "L 8") == 0 || strcmp(a, "L8") == 0) {
		s->ascii = false;
		return ctrl_reply(&s->ctrl, 200, "Switching to Binary mode.");
	}
	if (strcmp(a, "A") == 0 || strcmp(a, "A N") == 0) {
		s->ascii = true;
		return ctrl_reply(&s->ctrl, 200, "Switching to ASCII mode.");
	}
	if (strlen(a) >= 1 && strchr("AEIL", a[0]) && cmd->arg_len < sizeof(a))
		return ctrl_reply(&s->ctrl, 504, "Unsupported TYPE.");
	return ctrl_reply(&s->ctrl, 501, "Unrecognized TYPE.");
}

int cmd_mode(struct session *s, const struct command *cmd)
{
	char a[8];

	arg_upper(a, sizeof(a), cmd);
	if (strcmp(a, "S") == 0)
		return ctrl_reply(&s->ctrl, 200, "Mode set to S.");
	if (strcmp(a, "B") == 0 || strcmp(a, "C") == 0 || strcmp(a, "Z") == 0)
		return ctrl_reply(&s->ctrl, 504, "Only MODE S is supported.");
	return ctrl_reply(&s->ctrl, 501, "Unrecognized MODE.");
}

int cmd_stru(struct session *s, const struct command *cmd)
{
	char a[8];

	arg_upper(a, sizeof(a), cmd);
	if (strcmp(a, "F") == 0)
		return ctrl_reply(&s->ctrl, 200, "Structure set to F.");
	if (strcmp(a, "R") == 0 || strcmp(a, "P") == 0)
		return ctrl_reply(&s->ctrl, 504, "Only STRU F is supported.");
	return ctrl_reply(&s->ctrl, 501, "Unrecognized STRU.");
}

int cmd_site(struct session *s, const struct command *cmd)
{
	char a[8];

	arg_upper(a, sizeof(a), cmd);
	if (strcmp(a, "HELP") == 0) {
		static const char *const lines[] = {"SITE commands:", " CHMOD HELP", "End."};
		return ctrl_reply_lines(&s->ctrl, 214, lines, 3);
	}
	if (strncmp(a, "CHMOD ", 6) == 0)
		return cmd_site_chmod(s, cmd->arg + 6, cmd->arg_len - 6);
	return ctrl_reply(&s->ctrl, 500, "Unknown SITE command.");
}
