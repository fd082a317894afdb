/* cmd.h - command handlers, grouped by concern in cmd_*.c. */
#ifndef SOCKFTPD_CMD_H
#define SOCKFTPD_CMD_H

#include "session.h"

/* cmd_misc.c */
int cmd_noop(struct session *s, const struct command *cmd);
int cmd_quit(struct session *s, const struct command *cmd);

#endif
