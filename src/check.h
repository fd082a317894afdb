/* check.h - --check-config: everything a session would need, checked
 * without serving, and the effective configuration printed. */
#ifndef SOCKFTPD_CHECK_H
#define SOCKFTPD_CHECK_H

#include "options.h"

/* Prints on stdout; problems also on stderr.  Returns the exit status: 0
 * when everything is usable, 2 otherwise. */
int check_config(const struct config *cfg, const struct origins *org);

#endif
