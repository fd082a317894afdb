/* session.h - one control connection: its state, and the loop that reads
 * a line, dispatches it through the handler table and ends the session. */
#ifndef SOCKFTPD_SESSION_H
#define SOCKFTPD_SESSION_H

#include <stdbool.h>
#include <sys/types.h>

#include "activation.h"
#include "auth.h"
#include "chan.h"
#include "cidr.h"
#include "command.h"
#include "ctrl.h"
#include "data.h"
#include "files.h"
#include "options.h"
#include "sandbox.h"
#include "vfs.h"

struct session {
	const struct config *cfg;
	const struct held *held;   /* what was opened before the sandbox */
	struct chan ctrl_chan;
	struct ctrl ctrl;
	struct endpoint peer, local;
	struct data_ends ends;     /* for data connections */
	char who[ADDRESS_TEXT_MAX + 16];  /* the client, as logged */
	/* the connection's own peer, to check a PROXY header's sender */
	struct sockaddr_storage conn_peer;
	socklen_t conn_peer_len;
	char balancer[ADDRESS_TEXT_MAX + 16];  /* who sent the PROXY header, or "" */
	struct cidr proxy_nets[CIDR_LIST_MAX]; /* --proxy-trusted, parsed */
	int admit_fd;              /* the listener's admission channel (activation.h) */
	enum activation_mode mode;
	bool quit;                 /* QUIT answered: close after the reply */
	bool failed;               /* the session itself failed: exit status 1 */
	long long login_deadline;  /* set at connect, accepted USER and REIN */
	long long login_cap;       /* connect + login timeout x max login failures */

	/* login */
	char user[USER_NAME_MAX];
	bool have_user;            /* USER was accepted, PASS may follow */
	bool logged_in;
	struct login login;
	unsigned login_failures;

	/* files: the cwd and whether the login may write (vfs; its root is
	 * where the file work is done: files) */
	struct vfs vfs;
	struct files files;
	char rnfr[VPATH_MAX];      /* RNFR's path, "" when none is pending */
	off_t rest;                /* REST offset for the next RETR/STOR */
	bool ascii;                /* TYPE A */
	unsigned mlst_facts;       /* OPTS MLST */

	/* data connections */
	struct data data;
	unsigned abor_pending;     /* transfers ABOR ended: its queued line answers 226 */

	/* FTPS: held->tls is set when TLS is configured */
	bool ctrl_secure;          /* the control connection speaks TLS */
	bool pbsz;                 /* PBSZ 0 was given */
	bool prot_p;               /* PROT P: data connections speak TLS */
};

/* What a handler, or a helper that may have to answer, returns. */
enum outcome {
	DEAD = -1,    /* the control connection failed */
	GO_ON = 0,    /* (helpers) nothing was sent: the caller goes on */
	REPLIED = 1,  /* the command was answered */
};

/* s must be zeroed memory (a static object): its buffers are not cleared
 * again, so an idle session keeps them out of its memory. */
void session_init(struct session *s, const struct config *cfg, const struct held *held,
		  const struct activation *a);

/* Greet, then read and dispatch commands until QUIT, the end of input or a
 * timeout.  Returns the process exit status: 0 for every normal end (also
 * a client that vanished), 1 when the session itself failed. */
int session_run(struct session *s);

#endif
