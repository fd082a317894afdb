/* command.c - the FTP command parser and the verb table (pure). */
#include "command.h"

#include <string.h>

static const char *const verb_names[VERB_COUNT] = {
	[VERB_ABOR] = "ABOR", [VERB_ACCT] = "ACCT", [VERB_ALLO] = "ALLO",
	[VERB_APPE] = "APPE", [VERB_AUTH] = "AUTH", [VERB_CCC] = "CCC",
	[VERB_CDUP] = "CDUP", [VERB_CWD] = "CWD", [VERB_DELE] = "DELE",
	[VERB_EPRT] = "EPRT", [VERB_EPSV] = "EPSV", [VERB_FEAT] = "FEAT",
	[VERB_HELP] = "HELP", [VERB_HOST] = "HOST", [VERB_LANG] = "LANG",
	[VERB_LIST] = "LIST", [VERB_MDTM] = "MDTM", [VERB_MKD] = "MKD",
	[VERB_MLSD] = "MLSD", [VERB_MLST] = "MLST", [VERB_MODE] = "MODE",
	[VERB_NLST] = "NLST", [VERB_NOOP] = "NOOP", [VERB_OPTS] = "OPTS",
	[VERB_PASS] = "PASS", [VERB_PASV] = "PASV", [VERB_PBSZ] = "PBSZ",
	[VERB_PORT] = "PORT", [VERB_PROT] = "PROT", [VERB_PWD] = "PWD",
	[VERB_QUIT] = "QUIT", [VERB_REIN] = "REIN", [VERB_REST] = "REST",
	[VERB_RETR] = "RETR", [VERB_RMD] = "RMD", [VERB_RNFR] = "RNFR",
	[VERB_RNTO] = "RNTO", [VERB_SITE] = "SITE", [VERB_SIZE] = "SIZE",
	[VERB_SMNT] = "SMNT", [VERB_STAT] = "STAT", [VERB_STOR] = "STOR",
	[VERB_STOU] = "STOU", [VERB_STRU] = "STRU", [VERB_SYST] = "SYST",
	[VERB_TYPE] = "TYPE", [VERB_USER] = "USER", [VERB_XCUP] = "XCUP",
	[VERB_XCWD] = "XCWD", [VERB_XMKD] = "XMKD", [VERB_XPWD] = "XPWD",
	[VERB_XRMD] = "XRMD",
};

const char *verb_name(enum verb v)
{
	return (unsigned)v < VERB_COUNT ? verb_names[v] : "?";
}

int verb_lookup(const char *name, size_t len)
{
	char up[VERB_MAX_LEN + 1];
	size_t i;
	int lo = 0, hi = VERB_COUNT - 1;

	if (len < 3 || len > VERB_MAX_LEN)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 'a' + 'A');
		else if (c < 'A' || c > 'Z')
			return -1;
		up[i] = (char)c;
	}
	up[len] = '\0';
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		int d = strcmp(up, verb_names[mid]);
		if (d == 0)
			return mid;
		if (d < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	return -1;
}

enum parse_status command_parse(const char *line, size_t len, struct command *cmd)
{
	const char *sp = memchr(line, ' ', len);
	size_t wlen = sp ? (size_t)(sp - line) : len;
	int v;

	memset(cmd, 0, sizeof(*cmd));
	cmd->word = line;
	cmd->word_len = wlen;
	if (len == 0)
		return PARSE_EMPTY;
	v = verb_lookup(line, wlen);
	if (v < 0)
		return PARSE_UNKNOWN;
	cmd->verb = (enum verb)v;
	if (sp) {
		cmd->has_arg = 1;
		cmd->arg = sp + 1;
		cmd->arg_len = len - wlen - 1;
		if (memchr(cmd->arg, '\0', cmd->arg_len))
			return PARSE_NUL_ARG;
	} else {
		cmd->arg = line + len;
	}
	return PARSE_OK;
}

int command_is_http(const char *line, size_t len)
{
	static const char *const methods[] = {
		"GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "CONNECT ", "TRACE ",
		"PATCH ", "PRI ",
	};
	const char *sp;
	size_t i;

	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		size_t m = strlen(methods[i]);

		if (len > m && memcmp(line, methods[i], m) == 0)
			break;
	}
	if (i == sizeof(methods) / sizeof(methods[0]))
		return 0;
	/* METHOD SP target SP HTTP/digit... */
	sp = memchr(line, ' ', len);
	sp = memchr(sp + 1, ' ', len - (size_t)(sp + 1 - line));
	return sp && (size_t)(line + len - sp) > 6 && memcmp(sp + 1, "HTTP/", 5) == 0;
}
