/* transfer.h - the copy engine between files and data connections:
 * sendfile(2) for binary downloads, large-buffer reads and writes for
 * uploads and ASCII, and a buffered writer for listings.  While bytes move,
 * the control connection is watched, so ABOR stops a transfer at once. */
#ifndef SOCKFTPD_TRANSFER_H
#define SOCKFTPD_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct session;

enum xfer_status {
	XFER_DONE,
	XFER_ABORTED,    /* ABOR arrived */
	XFER_NET_ERROR,  /* the data connection failed (errno) */
	XFER_FILE_ERROR, /* reading or writing the file failed (errno) */
	XFER_NO_SPACE,   /* ENOSPC or EDQUOT while writing */
	XFER_TIMEOUT,    /* the data connection stalled past the data timeout */
	XFER_CTRL_GONE,  /* the control connection closed */
};

enum xfer_status xfer_send_file(struct session *s, int dfd, int ffd, bool ascii,
				off_t *bytes);
enum xfer_status xfer_recv_file(struct session *s, int dfd, int ffd, bool ascii,
				off_t *bytes);

/* A buffered writer onto a data connection (or, for STAT, nothing but a
 * buffer the caller sends). */
struct dwriter {
	struct session *s;
	int fd;
	enum xfer_status status;
	off_t bytes;
	size_t len;
	char buf[1 << 16];
};

void dw_init(struct dwriter *w, struct session *s, int fd);
/* Append; flushes when full.  Returns 0, or -1 once status is not DONE. */
int dw_put(struct dwriter *w, const char *p, size_t n);
enum xfer_status dw_flush(struct dwriter *w);

#endif
