/* cmd_table.h - THE command list: for every verb the parser knows, its
 * handler (none: 502), when it may run, its syntax for HELP and its line in
 * FEAT.  HELP and FEAT are printed from this table, so the list exists
 * once. */
#ifndef SOCKFTPD_CMD_TABLE_H
#define SOCKFTPD_CMD_TABLE_H

#include "cmd.h"

enum {
	NEED_LOGIN = 1 << 0,  /* 530 before login */
	NEED_ARG = 1 << 1,    /* 501 without an argument */
	KEEP_RNFR = 1 << 2,   /* does not cancel a pending RNFR */
	TLS_FEAT = 1 << 3,    /* in FEAT only when TLS is configured */
};

struct handler {
	command_fn run;       /* NULL: known verb, not implemented (502) */
	unsigned flags;
	const char *syntax;   /* for HELP VERB */
	const char *feat;     /* its FEAT line, or NULL */
};

const struct handler *handler_for(enum verb v);

#endif
