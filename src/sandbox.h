/* sandbox.h - least privilege before the first command is read: resource
 * limits always; when started as root, the switch to an unprivileged user
 * (--run-as), keeping open only what the configured roots need, a chroot
 * where a single root is served, no capabilities, no_new_privs. */
#ifndef SOCKFTPD_SANDBOX_H
#define SOCKFTPD_SANDBOX_H

#include <stddef.h>

#include "options.h"

/* Returns 0, or -1 with a one-line reason in err (the caller exits 2). */
int sandbox_enter(struct config *cfg, char *err, size_t errcap);

#endif
