/* xferlog.h - the wu-ftpd transfer log format (pure), as xferlog(5)
 * describes it: one line per transfer with fourteen fields,
 *   current-time transfer-time remote-host file-size filename
 *   transfer-type special-action-flag direction access-mode username
 *   service-name authentication-method authenticated-user-id
 *   completion-status
 * Spaces and control characters in the file name and the user name become
 * '_', as proftpd writes them, so every line splits into its fields. */
#ifndef SOCKFTPD_XFERLOG_H
#define SOCKFTPD_XFERLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct xferlog_record {
	struct tm when;          /* the end of the transfer, local time */
	long long duration_ms;
	const char *host;        /* the client's address */
	long long bytes;
	const char *root;        /* the login's root on the server ("" when none) */
	const char *path;        /* the file, from the root ("/a/b") */
	bool ascii;              /* TYPE A */
	bool incoming;           /* STOR, APPE, STOU */
	bool anonymous;
	const char *user;
	bool complete;
};

/* The longest line: two paths and the rest. */
#define XFERLOG_LINE_MAX (2 * 4096 + 512)

/* One line, with its newline.  Returns its length (never more than cap-1). */
size_t xferlog_line(char *buf, size_t cap, const struct xferlog_record *r);

#endif
