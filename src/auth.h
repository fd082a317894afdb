/* auth.h - credential back-ends: anonymous, and virtual users from a file
 * checked with crypt(3).  Nothing is read before the client sends PASS. */
#ifndef SOCKFTPD_AUTH_H
#define SOCKFTPD_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "options.h"
#include "sandbox.h"
#include "users.h"

struct login {
	char name[USER_NAME_MAX];
	char root[USER_HOME_MAX];
	int root_fd;        /* the root already open (privileges dropped), or -1 */
	bool rw;
	bool anonymous;
};

/* Is this a name that logs in anonymously (when --anonymous is set)? */
bool auth_is_anonymous(const struct config *cfg, const char *user);

/* Check user and password.  Returns 0 and fills out, or -1.  Problems an
 * administrator must see (unreadable file, malformed line, missing home) are
 * logged with the file name and line number. */
int auth_check(const struct config *cfg, const struct held *held, const char *user,
	       const char *pass, struct login *out);

#endif
