/* lister.h - what a listing command names, opened below the root, and its
 * lines (ls -l, NLST names, MLSD facts) streamed entry by entry into a
 * dwriter: a directory of any size is never held in memory.  Part of the
 * file work (fileops.c): it runs where the login's files are reached, in
 * the session's process or in the user process, which streams the lines
 * through a pipe. */
#ifndef SOCKFTPD_LISTER_H
#define SOCKFTPD_LISTER_H

#include <stdbool.h>
#include <sys/stat.h>

#include "listing.h"
#include "transfer.h"
#include "vfs.h"

enum list_kind { KIND_LIST, KIND_NLST, KIND_MLSD, KIND_STAT };

/* An open directory (maybe filtered by a pattern) or one file. */
struct list_target {
	char vpath[VPATH_MAX];    /* what is listed (a pattern's directory) */
	int dirfd;                /* -1 for a single file */
	char pattern[256];        /* "" for no filter */
	char prefix[VPATH_MAX];   /* NLST of a pattern: the directory part as sent */
	struct stat st;           /* the file, or the directory */
};

/* Open what vpath names: a directory, a glob pattern in its last component
 * (then prefix, the client's directory part, goes before NLST names), or,
 * when files_ok, a single file.  0, or an errno (ENOTDIR: a file where only
 * a directory will do). */
int lister_open(const struct vfs *v, struct list_target *t, const char *vpath,
		const char *prefix, bool files_ok);

/* Stream the target's lines into w (as KIND_LIST for STAT's ls lines); the
 * directory is closed after. */
void lister_run(const struct vfs *v, struct list_target *t, enum list_kind kind,
		unsigned facts, const struct lister *who, struct dwriter *w);

void lister_close(struct list_target *t);

#endif
