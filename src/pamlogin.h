/* pamlogin.h - a login through PAM (--pam), in a process of its own.
 *
 * The monitor forks the PAM process (root, its own process group) for one
 * login attempt.  It loads libpam (pamlib.c), and runs, with the password
 * the network process forwarded: pam_start (the service, PAM_RHOST the
 * client's address, PAM_TTY "ftp", PAM_RUSER the name given), then
 * pam_authenticate, pam_acct_mgmt (an expired account, or one whose
 * password must be changed, is refused), the account from getpwnam (uid 0
 * refused; a shell not in /etc/shells refused unless --pam-check-shell=no;
 * the home must be a directory), initgroups, pam_setcred(ESTABLISH),
 * pam_open_session.  It tells the monitor the result, then holds the PAM
 * session open until the monitor closes its socket (or sends SIGTERM, or
 * dies): pam_close_session, pam_setcred(DELETE), pam_end.
 *
 * The monitor waits for the result no longer than the login deadline; a
 * PAM stack that takes longer is killed, with everything it started (its
 * process group).  The user process is forked by the monitor, not by the
 * PAM process, so it inherits nothing PAM left in memory (the shadow
 * entries read, the password). */
#ifndef SOCKFTPD_PAMLOGIN_H
#define SOCKFTPD_PAMLOGIN_H

#include <stddef.h>
#include <sys/types.h>

#include "account.h"
#include "options.h"
#include "users.h"

struct pam_login {
	pid_t pid;                  /* the PAM process, or -1 */
	int sock;                   /* to it; closing it ends the PAM session */
	/* the account, when the login is good */
	char name[USER_NAME_MAX];   /* PAM_USER after the stack */
	char home[USER_HOME_MAX];
	uid_t uid;
	gid_t gid;
	size_t ngroups;             /* the groups after initgroups and pam_setcred */
	gid_t groups[ACCOUNT_GROUPS_MAX];
};

#define PAM_LOGIN_NONE {.pid = -1, .sock = -1}

enum pamlogin_result {
	PAMLOGIN_OK,        /* a PAM session is open: pamlogin_end() closes it */
	PAMLOGIN_REFUSED,   /* the reason is logged */
	PAMLOGIN_TIMEOUT,   /* no answer before the deadline: killed */
};

/* Run the login of user with password pass (cleared here) in a new PAM
 * process; rhost is the client's address.  The PAM process closes the
 * descriptors close_fds names first.  Waits at most timeout_ms.  rhost ""
 * (not an IP address): no PAM_RHOST. */
enum pamlogin_result pamlogin_begin(const struct config *cfg, const char *rhost,
				    const char *user, char *pass, int timeout_ms,
				    const int *close_fds, size_t nclose, struct pam_login *pl);

/* The PAM session ends, and its process: 0, or -1 when it did not end
 * cleanly (logged). */
int pamlogin_end(struct pam_login *pl);

/* The PAM process's pid for a stop signal: the whole group gets it. */
void pamlogin_signal(pid_t pid, int sig);

#endif
