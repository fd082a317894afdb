/* fileops.h - every file operation of a logged-in session, done below the
 * login's root (vfs.c): the one implementation, run by the session's own
 * process (no monitor: a start without root, or anonymous logins) or by
 * the user process with the login's uid (userproc.c).  Requests and
 * results are those of fileproto.h; a descriptor the operation opens
 * (RETR's file, an upload's file) is handed to the caller.
 *
 * An upload is two requests: FOP_UPLOAD opens the file (a hidden temporary
 * file beside the target for STOR, the file itself for APPE and REST
 * STOR, a new name for STOU) and FOP_UPLOAD_END keeps it (the temporary
 * file renamed over the target) or undoes it (the temporary or new file
 * removed).  Until then the upload is pending here, and a process stopped
 * by a signal (fileops_guard_install) or left by its peer
 * (fileops_abandon) removes what it made. */
#ifndef SOCKFTPD_FILEOPS_H
#define SOCKFTPD_FILEOPS_H

#include <limits.h>
#include <stdbool.h>

#include "fileproto.h"
#include "lister.h"
#include "vfs.h"

struct fileops {
	struct vfs vfs;            /* the root fd, and whether the login may write */
	bool confined;             /* the process is chrooted at the root */
	/* the pending upload: dirfd -1 when none */
	int up_dirfd;
	char up_name[NAME_MAX + 1];
	char up_tmp[64];           /* "" when writing in place */
	bool up_created;
	/* the listing FOP_LIST opened, for fileops_list_run() */
	bool listing;
	struct list_target list;
	enum list_kind list_kind;
	unsigned list_facts;
};

/* The temporary file of the upload in progress, written down where a
 * process that outlives this one reads it (a shared page of the
 * monitor's): a user process that is killed (SIGKILL, its filter) cannot
 * remove its own.  dir: the parent's virtual path; name "" when none. */
struct fileops_leftover {
	char dir[VPATH_MAX];
	char name[64];
};
#define FILEOPS_TEMP_PREFIX ".sockftpd-upload."

/* From now on keep rec up to date (NULL: no record). */
void fileops_record_leftover(struct fileops_leftover *rec);

/* Serve the root root_fd (taken over) for a login that may write or not;
 * confined: the process is chrooted there (a link followed stays below). */
void fileops_init(struct fileops *f, int root_fd, bool rw, bool confined);

/* Do one request.  *fd is the descriptor it opened, or -1. */
void fileops_do(struct fileops *f, const struct fop_request *rq, struct fop_result *res,
		int *fd);

/* Stream the listing the last good FOP_LIST opened into w. */
void fileops_list_run(struct fileops *f, struct dwriter *w);
/* Drop it unstreamed. */
void fileops_list_cancel(struct fileops *f);

/* Undo a pending upload, drop an open listing, close the root. */
void fileops_abandon(struct fileops *f);

/* A process stopped by SIGTERM, SIGHUP or SIGINT removes a pending
 * upload's temporary file, then exits 0. */
void fileops_guard_install(void);

/* In the network process: a stop first ends the user process at the other
 * end of sock (its pending upload undone), then this one (-1: none). */
void fileops_guard_peer(int sock);

#endif
