/* transfer.h - the copy engine between files and data channels.  It asks
 * the channel for zero-copy (sendfile for downloads, splice for uploads)
 * and moves the bytes itself where the channel says no, for TYPE A, and for
 * appends.  While bytes move, the control channel is watched, so ABOR stops
 * a transfer at once, also while a rate limit holds it back.
 *
 * Narrow inputs: the data channel, the control channel to watch, the rate
 * limit and the stall timeout.  A transfer is given up when
 * XFER_PROGRESS_MIN bytes do not move within the stall timeout: a byte
 * dripped now and then does not keep it alive. */
#ifndef SOCKFTPD_TRANSFER_H
#define SOCKFTPD_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "chan.h"
#include "ctrl.h"

#define XFER_PROGRESS_MIN 4096

enum xfer_status {
	XFER_DONE,
	XFER_ABORTED,    /* ABOR arrived */
	XFER_QUIT,       /* QUIT arrived before the upload ended */
	XFER_NET_ERROR,  /* the data connection failed (err) */
	XFER_FILE_ERROR, /* reading or writing the file failed (err) */
	XFER_NO_SPACE,   /* ENOSPC or EDQUOT while writing */
	XFER_TIMEOUT,    /* the data connection stalled past the data timeout */
	XFER_CTRL_GONE,  /* the control connection closed (err, 0 when in order) */
};

struct xfer {
	struct chan *data;
	struct ctrl *ctrl;
	unsigned long long rate;  /* bytes per second, 0: no limit */
	unsigned stall_ms;
	/* results */
	off_t bytes;              /* bytes moved on the data connection */
	int err;                  /* errno of a failure */
	/* progress */
	long long start_ms, stall_deadline;
	off_t mark;               /* bytes at the last move of stall_deadline */
};

void xfer_init(struct xfer *x, struct chan *data, struct ctrl *ctrl,
	       unsigned long long rate, unsigned stall_ms);

/* File -> data channel, from the file's offset; ascii converts LF to CRLF. */
enum xfer_status xfer_send_file(struct xfer *x, int ffd, bool ascii);
/* Data channel -> file, at the file's offset; ascii converts CRLF to LF.
 * QUIT ends an upload: the client left before it was whole. */
enum xfer_status xfer_recv_file(struct xfer *x, int ffd, bool ascii);
/* Bytes -> data channel (listings). */
enum xfer_status xfer_send_buf(struct xfer *x, const char *buf, size_t n);
/* End the data stream in order (a secure channel says so in-band). */
enum xfer_status xfer_finish(struct xfer *x);

/* A buffered writer for listings: onto a data transfer, (STAT) onto the
 * control channel as the body of a reply, or (the user process) into a
 * pipe to the session's process. */
struct dwriter {
	struct xfer *x;       /* NULL: write to ctrl, or to fd */
	struct ctrl *ctrl;
	int fd;               /* a blocking pipe, or -1 */
	enum xfer_status status;
	off_t bytes;
	size_t len;
	char buf[1 << 16];
};

void dw_init(struct dwriter *w, struct xfer *x, struct ctrl *ctrl);
/* A writer into fd, which blocks (the other end reads as it goes); a write
 * that fails (the reader went away) ends it with XFER_NET_ERROR. */
void dw_init_fd(struct dwriter *w, int fd);
/* Append; flushes when full.  Returns 0, or -1 once status is not DONE. */
int dw_put(struct dwriter *w, const char *p, size_t n);
enum xfer_status dw_flush(struct dwriter *w);

#endif
