/* files.h - where a logged-in session's file work is done: in this process
 * (fileops.c, no monitor) or in the user process the monitor started for
 * the login (userproc.c), through a socketpair.  The handlers ask in the
 * same words either way (fileproto.h); descriptors come back over
 * SCM_RIGHTS, so RETR still sendfile()s and STOR still splice()s here, and
 * a listing comes back as a pipe of lines. */
#ifndef SOCKFTPD_FILES_H
#define SOCKFTPD_FILES_H

#include <stdbool.h>

#include "fileops.h"
#include "fileproto.h"
#include "transfer.h"

struct files {
	int sock;              /* the user process, or -1: here */
	bool local;            /* local is in use */
	struct fileops local_ops;
	int list_fd;           /* a listing's pipe from the user process, or -1 */
	long long wait_ms;     /* the longest wait for the user process */
	bool lost;             /* it did not answer in time, or broke off */
};

void files_init(struct files *f);
/* A login whose files are reached here, below root_fd (taken over). */
void files_here(struct files *f, int root_fd, bool rw);
/* A login whose files the user process at the other end of sock reaches
 * (sock taken over).  No wait for it lasts longer than wait_ms: a user
 * process that does not answer by then (stopped by someone of its uid,
 * hung) is lost, and so is the session. */
void files_remote(struct files *f, int sock, long long wait_ms);
/* Is a login's file work reachable? */
bool files_open(const struct files *f);

/* Do one request.  0 with res (and *fd, the descriptor it opened, or -1),
 * or -1 with errno when the user process is gone or broke the protocol:
 * the session cannot go on.  A descriptor that came back is of the type
 * the request asks for, and res->st is its fstat taken in this process. */
int files_call(struct files *f, const struct fop_request *rq, struct fop_result *res,
	       int *fd);

/* files_call in two halves, so that the caller may do something else
 * while the user process works: files_ask sends the request (nothing yet
 * when the work is done here), files_answer waits for its result (or does
 * the work here).  Every files_ask that succeeded needs its files_answer
 * before the next request; either failing is files_call failing. */
int files_ask(struct files *f, const struct fop_request *rq);
int files_answer(struct files *f, const struct fop_request *rq, struct fop_result *res,
		 int *fd);

/* Stream the listing a good FOP_LIST opened into w; drop it unstreamed.
 * When the user process stops sending for wait_ms, w ends with
 * XFER_FILE_ERROR and files_lost() tells: the session cannot go on. */
enum xfer_status files_list(struct files *f, struct dwriter *w);
void files_list_cancel(struct files *f);
bool files_lost_process(const struct files *f);

/* The login ends: a pending upload undone, the root or the user process's
 * socket closed (which ends the user process). */
void files_close(struct files *f);

#endif
