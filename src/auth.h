/* auth.h - credential back-ends: anonymous, and virtual users from a file
 * checked with crypt(3), here or (a root start) in the monitor, which also
 * starts the login's user process.  Nothing is read before the client
 * sends PASS. */
#ifndef SOCKFTPD_AUTH_H
#define SOCKFTPD_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "options.h"
#include "sandbox.h"
#include "users.h"

struct login {
	char name[USER_NAME_MAX];
	char root[USER_HOME_MAX];
	int root_fd;        /* the root already open here, or -1 */
	int files_fd;       /* the user process's socket (through the monitor), or -1 */
	unsigned uid, gid;  /* the identity the login's file work runs as */
	bool rw;
	bool anonymous;
};

enum auth_result {
	AUTH_OK,
	AUTH_FAILED,          /* the caller waits the failure delay */
	AUTH_FAILED_WAITED,   /* the monitor waited it already */
	AUTH_FAILED_LAST,     /* (monitor) waited, and no attempt is left */
	AUTH_BROKEN,          /* the monitor is gone or broke the protocol */
};

/* Is this a name that logs in anonymously (when --anonymous is set)? */
bool auth_is_anonymous(const struct config *cfg, const char *user);

/* Check user and password and fill out.  Problems an administrator must
 * see (unreadable file, malformed line, missing home, an account this
 * process cannot take) are logged with the file name and line number.
 * wait_ms: what is left of the login deadline (the monitor's PAM stack
 * gets no more). */
enum auth_result auth_check(const struct config *cfg, const struct held *held,
			    const char *user, const char *pass, unsigned wait_ms,
			    struct login *out);

/* The users file's entry of user, when pass is its password and its home a
 * directory; an unknown user costs a hash too.  file is read through fd
 * when it is not -1.  *found: the file has a line for user.  0, or -1. */
int auth_users_file(const char *file, int fd, const char *user, const char *pass,
		    struct user_entry *e, bool *found);

/* Spend what checking pass against a hash made with setting costs (crypt
 * "$6$salt$...", "$y$..."), for a name that has no hash to check: pam_unix
 * answers an unknown user without hashing. */
void auth_spend_hash(const char *pass, const char *setting);

/* Remember who this process is (its user name), before the sandbox: a
 * users file ACCOUNT is compared with it without a name service lookup. */
void auth_know_self(void);

/* Tell the monitor the client a PROXY header named (MON_CLIENT, once,
 * before any login), for PAM_RHOST and its log: 0, or -1 when it cannot
 * be told.  Nothing to do without a monitor. */
int auth_client(const struct held *held, const struct sockaddr *sa, socklen_t len);

/* A login made through the monitor ends (its user process too).  0, or -1
 * when the monitor is gone. */
int auth_logout(const struct held *held);

#endif
