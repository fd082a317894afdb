/* session.h - one control connection: state and the command dispatch table. */
#ifndef SOCKFTPD_SESSION_H
#define SOCKFTPD_SESSION_H

#include <stdbool.h>
#include <sys/types.h>

#include "activation.h"
#include "auth.h"
#include "command.h"
#include "ctrl.h"
#include "data.h"
#include "options.h"
#include "vfs.h"

struct session {
	const struct config *cfg;
	struct ctrl ctrl;
	struct endpoint peer, local;
	char who[ADDRESS_TEXT_MAX + 16];  /* the client, as logged */
	enum activation_mode mode;
	bool quit;           /* QUIT answered: close after the reply */

	/* login */
	char user[USER_NAME_MAX];
	bool have_user;      /* USER was accepted, PASS may follow */
	bool logged_in;
	struct login login;
	unsigned login_failures;

	/* files */
	struct vfs vfs;
	char rnfr[VPATH_MAX]; /* RNFR's path, "" when none is pending */
	off_t rest;           /* REST offset for the next RETR/STOR */
	bool ascii;           /* TYPE A */
	unsigned mlst_facts;  /* OPTS MLST */

	/* data connections */
	struct data data;
};

/* A command handler sends its reply (or replies) itself.  Returns 0, or -1
 * when the control connection failed. */
typedef int (*command_fn)(struct session *s, const struct command *cmd);

void session_init(struct session *s, const struct config *cfg,
		  const struct activation *a);

/* Greet, then read and dispatch commands until QUIT or end of input.
 * Returns the process exit status. */
int session_run(struct session *s);

/* While a transfer runs, the control connection had input: handle it.
 * Returns 0 to go on, 1 when ABOR asked to stop, -1 when the control
 * connection is gone. */
int session_during_transfer(struct session *s);

#endif
