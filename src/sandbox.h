/* sandbox.h - least privilege before the first command is read: resource
 * limits always; when started as root, the switch to an unprivileged user
 * (--run-as), keeping open only what the configured roots need, a chroot
 * where a single root is served, no capabilities, no_new_privs.  The same
 * walls, with its own filter, for the user process (userproc.c). */
#ifndef SOCKFTPD_SANDBOX_H
#define SOCKFTPD_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "options.h"

struct tls;

/* What a session keeps from before its sandbox: what it could not open
 * afterwards.  Run-time state, apart from the read-only config. */
struct held {
	int anonymous_fd;   /* the anonymous root, or -1 */
	int users_fd;       /* the users file, or -1 */
	bool chrooted;      /* the anonymous root is "/" now */
	struct tls *tls;    /* this session's TLS context (certificate read), or NULL */
	int xferlog_fd;     /* --xferlog, open for appending, or -1 */
	int monitor_fd;     /* the monitor (a root start with --users), or -1 */
	uid_t run_uid;      /* --run-as, looked up by sandbox_run_as() (a root start) */
	gid_t run_gid;
};

/* Nothing held yet. */
#define HELD_NONE {.anonymous_fd = -1, .users_fd = -1, .xferlog_fd = -1, .monitor_fd = -1}

/* Descriptors a session needs at most: control (2), root, users file,
 * passive listener, data connection, file, directory, parent directories
 * (2), splice pipe (2), log socket, the user process, and loading a
 * library. */
#define SANDBOX_NOFILE 64

/* Look --run-as up: main() does it once in a root start, before the
 * monitor splits (so that no process parses nsswitch.conf twice), and
 * sandbox_enter() switches to it.  0, or -1 with a reason. */
int sandbox_run_as(const struct config *cfg, struct held *held, char *err, size_t errcap);

/* Returns 0, or -1 with a one-line reason in err (the caller exits 2). */
int sandbox_enter(const struct config *cfg, struct held *held, char *err, size_t errcap);

/* Set a limit (never raising one the administrator set lower).  0 or -1. */
int sandbox_limit(int resource, rlim_t v);

/* Root becomes who (uid, gid, groups: ngroups of them): no capability in
 * any set, the bounding set emptied, every id checked and setuid(0)
 * verified to fail.  0, or -1 with a reason. */
int sandbox_become(const char *who, uid_t uid, gid_t gid, size_t ngroups, const gid_t *groups,
		   char *err, size_t errcap);

/* Die (SIGKILL) when parent, the monitor, does: after the identity
 * changed, which clears that wish.  0, or -1 (parent is gone already). */
int sandbox_die_with(pid_t parent);

/* Which system call filter. */
enum sandbox_filter {
	FILTER_SESSION,   /* the network process (or a whole session) */
	FILTER_FILES,     /* the user process: no network calls */
};

/* The last walls: no new processes, no_new_privs, the filter (as
 * --sandbox says).  0, or -1 with a reason. */
int sandbox_finish(const struct config *cfg, enum sandbox_filter which, char *err,
		   size_t errcap);

#endif
