/* command.h - the FTP command parser: one line in, a verb and its argument out.
 * Pure: no I/O, no globals.  The verb table covers RFC 959 section 4.1 and the
 * extensions sockftpd implements (RFC 2228, 2389, 2428, 2640, 3659, 4217, 7151). */
#ifndef SOCKFTPD_COMMAND_H
#define SOCKFTPD_COMMAND_H

#include <stddef.h>

/* Alphabetical, so the name table can be binary-searched. */
enum verb {
	VERB_ABOR, VERB_ACCT, VERB_ALLO, VERB_APPE, VERB_AUTH, VERB_CCC,
	VERB_CDUP, VERB_CWD, VERB_DELE, VERB_EPRT, VERB_EPSV, VERB_FEAT,
	VERB_HELP, VERB_HOST, VERB_LANG, VERB_LIST, VERB_MDTM, VERB_MKD,
	VERB_MLSD, VERB_MLST, VERB_MODE, VERB_NLST, VERB_NOOP, VERB_OPTS,
	VERB_PASS, VERB_PASV, VERB_PBSZ, VERB_PORT, VERB_PROT, VERB_PWD,
	VERB_QUIT, VERB_REIN, VERB_REST, VERB_RETR, VERB_RMD, VERB_RNFR,
	VERB_RNTO, VERB_SITE, VERB_SIZE, VERB_SMNT, VERB_STAT, VERB_STOR,
	VERB_STOU, VERB_STRU, VERB_SYST, VERB_TYPE, VERB_USER, VERB_XCUP,
	VERB_XCWD, VERB_XMKD, VERB_XPWD, VERB_XRMD,
	VERB_COUNT
};

/* Longest verb in the table, in bytes. */
#define VERB_MAX_LEN 4

enum parse_status {
	PARSE_OK,       /* verb known; argument (possibly absent) in cmd */
	PARSE_EMPTY,    /* the line was empty */
	PARSE_UNKNOWN,  /* the first word is not a verb of the table */
	PARSE_NUL_ARG,  /* verb known, but the argument holds a NUL byte */
};

struct command {
	enum verb verb;
	const char *arg;   /* points into the line; NUL-terminated when the line is */
	size_t arg_len;
	int has_arg;       /* a space followed the verb (the argument may be empty) */
	const char *word;  /* the first word as sent, for messages (not terminated) */
	size_t word_len;
};

/* Parse one line (without its CRLF or LF).  The line may contain any byte. */
enum parse_status command_parse(const char *line, size_t len, struct command *cmd);

/* Is this line an HTTP request line ("GET /x HTTP/1.1")?  No FTP command
 * looks like one: a client that sends one was sent here by someone else
 * (the ALPACA cross-protocol attack), and the session ends at once. */
int command_is_http(const char *line, size_t len);

/* Canonical upper-case name of a verb. */
const char *verb_name(enum verb v);

/* Look a verb up by name, any letter case; returns -1 when unknown. */
int verb_lookup(const char *name, size_t len);

#endif
