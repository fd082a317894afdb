/* cmd_table.c - the handler table, and HELP and FEAT printed from it. */
#include "cmd_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "listing.h"

#define L NEED_LOGIN
#define A NEED_ARG

/* Indexed by verb.  Verbs without a handler answer 502. */
static const struct handler handlers[VERB_COUNT] = {
	[VERB_ABOR] = {cmd_abor, L, "ABOR", NULL},
	[VERB_ACCT] = {cmd_acct, 0, "ACCT <account>", NULL},
	[VERB_ALLO] = {cmd_allo, L, "ALLO <bytes>", NULL},
	[VERB_APPE] = {cmd_appe, L | A, "APPE <path>", NULL},
	[VERB_AUTH] = {cmd_auth, A | TLS_FEAT, "AUTH TLS", "AUTH TLS"},
	[VERB_CCC] = {cmd_ccc, 0, "CCC (refused)", NULL},
	[VERB_CDUP] = {cmd_cdup, L, "CDUP", NULL},
	[VERB_CWD] = {cmd_cwd, L | A, "CWD <path>", "TVFS"},
	[VERB_DELE] = {cmd_dele, L | A, "DELE <path>", NULL},
	[VERB_EPRT] = {cmd_eprt, L | A, "EPRT |<af>|<address>|<port>|", "EPRT"},
	[VERB_EPSV] = {cmd_epsv, L, "EPSV [1|2|ALL]", "EPSV"},
	[VERB_FEAT] = {cmd_feat, 0, "FEAT", NULL},
	[VERB_HELP] = {cmd_help, 0, "HELP [<command>]", NULL},
	[VERB_HOST] = {cmd_host, A, "HOST <host name>", NULL},
	[VERB_LIST] = {cmd_list, L, "LIST [<path>]", NULL},
	[VERB_MDTM] = {cmd_mdtm, L | A, "MDTM <path>", "MDTM"},
	[VERB_MKD] = {cmd_mkd, L | A, "MKD <path>", NULL},
	[VERB_MLSD] = {cmd_mlsd, L, "MLSD [<path>]", NULL},
	[VERB_MLST] = {cmd_mlst, L, "MLST [<path>]", "MLST"},
	[VERB_MODE] = {cmd_mode, A, "MODE S", NULL},
	[VERB_NLST] = {cmd_nlst, L, "NLST [<path>]", NULL},
	[VERB_NOOP] = {cmd_noop, KEEP_RNFR, "NOOP", NULL},
	[VERB_OPTS] = {cmd_opts, A, "OPTS UTF8 ON | OPTS MLST <facts>", "UTF8"},
	[VERB_PASS] = {cmd_pass, 0, "PASS <password>", NULL},
	[VERB_PASV] = {cmd_pasv, L, "PASV", "PASV"},
	[VERB_PBSZ] = {cmd_pbsz, A | TLS_FEAT, "PBSZ 0", "PBSZ"},
	[VERB_PORT] = {cmd_port, L | A, "PORT <h1,h2,h3,h4,p1,p2>", NULL},
	[VERB_PROT] = {cmd_prot, A | TLS_FEAT, "PROT C|P", "PROT"},
	[VERB_PWD] = {cmd_pwd, L, "PWD", NULL},
	[VERB_QUIT] = {cmd_quit, 0, "QUIT", NULL},
	[VERB_REIN] = {cmd_rein, 0, "REIN", NULL},
	[VERB_REST] = {cmd_rest, L | A, "REST <byte offset> (TYPE I only)", "REST STREAM"},
	[VERB_RETR] = {cmd_retr, L | A, "RETR <path>", NULL},
	[VERB_RMD] = {cmd_rmd, L | A, "RMD <path>", NULL},
	[VERB_RNFR] = {cmd_rnfr, L | A, "RNFR <path>", NULL},
	[VERB_RNTO] = {cmd_rnto, L | A, "RNTO <path>", NULL},
	[VERB_SITE] = {cmd_site, L | A, "SITE CHMOD <octal mode> <path> | SITE HELP", NULL},
	[VERB_SIZE] = {cmd_size, L | A, "SIZE <path> (TYPE I only)", "SIZE"},
	[VERB_STAT] = {cmd_stat, L, "STAT [<path>]", NULL},
	[VERB_STOR] = {cmd_stor, L | A, "STOR <path>", NULL},
	[VERB_STOU] = {cmd_stou, L, "STOU [<path>]", NULL},
	[VERB_STRU] = {cmd_stru, A, "STRU F", NULL},
	[VERB_SYST] = {cmd_syst, 0, "SYST", NULL},
	[VERB_TYPE] = {cmd_type, A, "TYPE A|I", NULL},
	[VERB_USER] = {cmd_user, A, "USER <name>", NULL},
	[VERB_XCUP] = {cmd_cdup, L, "XCUP (CDUP)", NULL},
	[VERB_XCWD] = {cmd_cwd, L | A, "XCWD <path> (CWD)", NULL},
	[VERB_XMKD] = {cmd_mkd, L | A, "XMKD <path> (MKD)", NULL},
	[VERB_XPWD] = {cmd_pwd, L, "XPWD (PWD)", NULL},
	[VERB_XRMD] = {cmd_rmd, L | A, "XRMD <path> (RMD)", NULL},
};

#undef L
#undef A

const struct handler *handler_for(enum verb v)
{
	return &handlers[v];
}

static void trim(char *l)
{
	size_t n = strlen(l);

	while (n > 0 && l[n - 1] == ' ')
		l[--n] = '\0';
}

enum outcome cmd_help(struct session *s, const struct command *cmd)
{
	/* 14 verbs a line, each in 5 columns */
	char lines[VERB_COUNT / 14 + 3][14 * 5 + 2];
	const char *ptrs[VERB_COUNT / 14 + 3];
	size_t n = 0, col = 0;
	int v, last = 0;

	if (cmd->arg_len) {
		char a[16];

		arg_upper(a, sizeof(a), cmd);
		v = verb_lookup(a, strlen(a));
		if (v < 0)
			return replyf(s, 502, "Unknown command %s.", a);
		if (!handlers[v].run)
			return replyf(s, 502, "%s is not implemented on this server.",
				      verb_name((enum verb)v));
		return replyf(s, 214, "Syntax: %s", handlers[v].syntax);
	}
	ptrs[n++] = "The following commands are recognized:";
	for (v = 0; v < VERB_COUNT; v++)
		if (handlers[v].run)
			last = v;
	for (v = 0; v < VERB_COUNT; v++) {
		if (!handlers[v].run)
			continue;
		if (col == 0)
			ptrs[n] = lines[n];
		snprintf(lines[n] + col * 5, sizeof(lines[n]) - col * 5, " %-4s",
			 verb_name((enum verb)v));
		if (++col == 14 || v == last) {
			trim(lines[n]);
			n++;
			col = 0;
		}
	}
	ptrs[n++] = "Help OK.";
	return reply_lines(s, 214, ptrs, n);
}

static int by_text(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

enum outcome cmd_feat(struct session *s, const struct command *cmd)
{
	char mlst[128];
	char feats[VERB_COUNT][32];
	const char *lines[VERB_COUNT + 2];
	size_t n = 0;
	int v;

	(void)cmd;
	for (v = 0; v < VERB_COUNT; v++) {
		const char *f = handlers[v].feat;

		if (!f || ((handlers[v].flags & TLS_FEAT) && !s->held->tls))
			continue;
		if (v == VERB_MLST) {
			memcpy(mlst, " MLST ", 6);
			mlst_feat(mlst + 6, sizeof(mlst) - 6, s->mlst_facts);
			lines[1 + n++] = mlst;
		} else {
			feats[n][0] = ' ';
			memcpy(feats[n] + 1, f, strlen(f) + 1);
			lines[1 + n] = feats[n];
			n++;
		}
	}
	qsort(lines + 1, n, sizeof(lines[0]), by_text);
	lines[0] = "Features:";
	lines[n + 1] = "End";
	return reply_lines(s, 211, lines, n + 2);
}
