/* fileproto.h - the file operations of a logged-in session, as requests
 * and results (pure), and their bytes between the network process and the
 * user process (SOCK_SEQPACKET, one message each way; a result may carry
 * one descriptor by SCM_RIGHTS).
 *
 * A request names normalized virtual paths ("/", "/a/b": no "." or ".."
 * component, no empty one, no trailing '/'); the user process resolves them
 * below its own root and acts as its own uid, so a request can do no more
 * than the login could.  Fields each operation does not use must be 0 or
 * empty: anything else is not a request. */
#ifndef SOCKFTPD_FILEPROTO_H
#define SOCKFTPD_FILEPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "pathrules.h"

enum fop {
	FOP_CWD = 1,      /* path: a directory the login may enter */
	FOP_STAT,         /* path: its stat, links inside the root followed */
	FOP_OPEN_READ,    /* path: open a regular file for reading -> fd, st */
	FOP_MKDIR,        /* path */
	FOP_RMDIR,        /* path */
	FOP_DELETE,       /* path */
	FOP_RNFR,         /* path: it exists (the last component not followed) */
	FOP_RENAME,       /* path -> path2 */
	FOP_CHMOD,        /* path to mode arg (at most 01777) */
	FOP_UPLOAD,       /* path, arg enum upload_how, off the REST offset -> fd */
	FOP_UPLOAD_END,   /* arg 1: keep the upload, 0: undo it */
	FOP_LIST,         /* path (and the NLST prefix in path2), arg enum list_kind,
			   * flags MLST facts | FOP_FILES_OK -> a pipe with the lines */
	FOP_COUNT
};

enum upload_how { UPLOAD_REPLACE, UPLOAD_APPEND, UPLOAD_UNIQUE };

/* FOP_LIST's flags: a single file may be listed (not MLSD). */
#define FOP_FILES_OK 0x100u

/* A failure that has its own reply rather than an errno's. */
enum fop_why {
	WHY_ERRNO,            /* err says it */
	WHY_NOT_REPLACED,     /* STOR over something not a regular file */
	WHY_NOT_REGULAR,      /* APPE or REST STOR on something not a regular file */
	WHY_REST_BEYOND,      /* REST offset beyond the end */
	WHY_NO_UNIQUE,        /* STOU found no free name */
	WHY_COUNT
};

/* Result flags. */
#define FOP_CREATED  0x1u   /* the upload made a new file */
#define FOP_IN_PLACE 0x2u   /* the upload writes the file itself (no temporary) */
#define FOP_ONE_FILE 0x4u   /* the listing is of one file, not a directory */
#define FOP_FLAGS_ALL 0x7u

struct fop_request {
	enum fop op;
	unsigned arg, flags;
	long long off;
	char path[VPATH_MAX];
	char path2[VPATH_MAX];
};

struct fop_result {
	int err;              /* errno, 0: done */
	enum fop_why why;
	unsigned flags;
	int warn;             /* an errno worth a log line (keeping an owner) */
	long long old_size;   /* an upload in place: the size before */
	struct stat st;       /* mode, nlink, uid, gid, size, mtime travel */
	char path[VPATH_MAX]; /* STOU: the name made; LIST: what is listed */
};

/* Room for any message, either way. */
#define FOP_MSG_MAX (2 * VPATH_MAX + 128)

/* Is p a normalized absolute virtual path? */
bool fop_path_ok(const char *p);

int fop_parse_request(const void *buf, size_t len, struct fop_request *rq);
size_t fop_format_request(void *buf, size_t cap, const struct fop_request *rq);
int fop_parse_result(const void *buf, size_t len, struct fop_result *res);
size_t fop_format_result(void *buf, size_t cap, const struct fop_result *res);

#endif
