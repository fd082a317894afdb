/* conffile.h - the configuration file (pure): "key = value" lines whose
 * keys are the long options of the one option table.  Blank lines and
 * lines whose first non-blank character is '#' are skipped; spaces around
 * '=' and at both ends are dropped; the value is the rest of the line.
 * Applied over the defaults, before the command line, which wins. */
#ifndef SOCKFTPD_CONFFILE_H
#define SOCKFTPD_CONFFILE_H

#include <stddef.h>

#include "options.h"

/* Largest configuration file read. */
#define CONFFILE_MAX (64 * 1024)

/* Parse text (len bytes, and room for one more: it is modified in place,
 * values are cut out of it, so it must outlive cfg).  0, or -1 with "FILE:LINE: key: why" in err. */
int conffile_parse(struct config *cfg, struct origins *org, const char *file, char *text,
		   size_t len, char *err, size_t errcap);

#endif
