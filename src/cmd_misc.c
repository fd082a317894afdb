/* cmd_misc.c - commands that touch no file: NOOP, QUIT. */
#include "cmd.h"

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
