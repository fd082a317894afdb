/* userproc.h - the user process: a login's file work, done as the login's
 * account.  The monitor forks it (as root) after a good login; it roots
 * itself at the login's home (chroot, then openat2 RESOLVE_IN_ROOT below
 * it, as every session does), becomes the account (groups, gid, uid, all
 * checked), empties its bounding set, sets no_new_privs and installs its
 * own filter, which has no network call.  Then it says so to the monitor,
 * which hands its socket to the network process, and serves that
 * process's file requests (fileproto.h, fileops.c) until it closes the
 * socket: an upload left pending is undone then. */
#ifndef SOCKFTPD_USERPROC_H
#define SOCKFTPD_USERPROC_H

#include "account.h"
#include "fileops.h"
#include "options.h"
#include "users.h"

/* Where the start failed (MON_NOT_READY's step). */
enum userproc_step {
	STEP_HOME = 1,    /* entering the home (chdir, chroot) */
	STEP_IDENTITY,    /* becoming the account */
	STEP_ROOT,        /* the home as the account's root: open, searchable */
	STEP_WALLS,       /* limits, no_new_privs, the filter */
	STEP_MAX = STEP_WALLS
};

const char *userproc_step_name(unsigned step);

/* In the process the monitor forked: start as e's account a, report on
 * sock (MON_READY, or MON_NOT_READY with the errno and the step), then
 * serve the requests that come on sock.  Returns the exit status: 0 when
 * the other end closed, 1 when the start or the protocol failed. */
int userproc_run(int sock, const struct config *cfg, const struct user_entry *e,
		 const struct account *a);

/* In a process the monitor forked after a user process was killed with an
 * upload pending: as e's account a, chrooted in the home as the user
 * process was, remove the temporary file rec names (only a name
 * FILEOPS_TEMP_PREFIX starts, below rec->dir).  The exit status: 0 when it
 * is gone. */
int userproc_clean_leftover(const struct user_entry *e, const struct account *a,
			    const struct fileops_leftover *rec);

#endif
