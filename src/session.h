/* session.h - one control connection: state and the command dispatch table. */
#ifndef SOCKFTPD_SESSION_H
#define SOCKFTPD_SESSION_H

#include <stdbool.h>

#include "activation.h"
#include "command.h"
#include "ctrl.h"
#include "options.h"

struct session {
	const struct config *cfg;
	struct ctrl ctrl;
	struct endpoint peer, local;
	char who[ADDRESS_TEXT_MAX + 16];  /* the client, as logged */
	enum activation_mode mode;
	bool quit;        /* QUIT answered: close after the reply */
};

/* A command handler sends its reply (or replies) itself.  Returns 0, or -1
 * when the control connection failed. */
typedef int (*command_fn)(struct session *s, const struct command *cmd);

void session_init(struct session *s, const struct config *cfg,
		  const struct activation *a);

/* Greet, then read and dispatch commands until QUIT or end of input.
 * Returns the process exit status. */
int session_run(struct session *s);

#endif
