/* account.h - the system identity a login's file work takes: the users
 * file's ACCOUNT (a system user by name, or uid=,gid=), or the default, the
 * --run-as user.  Resolved in the monitor (root) before the user process
 * starts, by --check-config, and, without root, to tell a login that asks
 * for another uid. */
#ifndef SOCKFTPD_ACCOUNT_H
#define SOCKFTPD_ACCOUNT_H

#include <stddef.h>
#include <sys/types.h>

#include "users.h"

/* Supplementary groups kept at most; an account in more is refused. */
#define ACCOUNT_GROUPS_MAX 256

struct account {
	char name[USER_ACCOUNT_MAX + 16];  /* as logged: "alice", "uid=1001,gid=1001" */
	uid_t uid;
	gid_t gid;
	size_t ngroups;                    /* supplementary groups (a named account's) */
	gid_t groups[ACCOUNT_GROUPS_MAX];
};

/* The account of e; run_as is the default's user name.  uid 0 and gid 0
 * are refused.  0, or -1 with the reason in why. */
int account_resolve(const struct user_entry *e, const char *run_as, struct account *a,
		    char *why, size_t cap);

/* A login's home, opened as root would chroot into it: home must be an
 * absolute path with no symbolic link in any component (whoever may write
 * a parent directory could otherwise point the home anywhere, even at /),
 * and a directory.  The O_PATH descriptor (fchdir, then chroot(".")), or
 * -1 with errno (ELOOP: a symbolic link) and the reason in why
 * (without the path).  Every
 * login method that roots a session at a home calls this. */
int home_open_nofollow(const char *home, char *why, size_t cap);

#endif
