/* sandbox.h - least privilege before the first command is read: resource
 * limits always; when started as root, the switch to an unprivileged user
 * (--run-as), keeping open only what the configured roots need, a chroot
 * where a single root is served, no capabilities, no_new_privs. */
#ifndef SOCKFTPD_SANDBOX_H
#define SOCKFTPD_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

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
};

/* Nothing held yet. */
#define HELD_NONE {.anonymous_fd = -1, .users_fd = -1, .xferlog_fd = -1}

/* Returns 0, or -1 with a one-line reason in err (the caller exits 2). */
int sandbox_enter(const struct config *cfg, struct held *held, char *err, size_t errcap);

#endif
