/* cmd_support.h - what the command handlers share: replies as outcomes,
 * resolving the client's paths, errno replies, the read-only check, and the
 * data connection with its 150 and final replies. */
#ifndef SOCKFTPD_CMD_SUPPORT_H
#define SOCKFTPD_CMD_SUPPORT_H

#include "session.h"
#include "transfer.h"

/* Send a reply: REPLIED, or DEAD when the control connection failed. */
enum outcome reply(struct session *s, int code, const char *text);
enum outcome replyf(struct session *s, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
enum outcome reply_lines(struct session *s, int code, const char *const *lines, size_t n);

/* The command's argument, upper-cased, as a C string (cut at cap - 1). */
void arg_upper(char *out, size_t cap, const struct command *cmd);

/* Reply to a failed file operation from its errno (550, 553, 552...). */
enum outcome reply_errno(struct session *s, int err);

/* Resolve the client's path into vpath (VPATH_MAX): GO_ON, or the 501/553
 * reply's outcome. */
enum outcome resolve(struct session *s, const char *arg, size_t len, char *vpath);

/* Run a file request where the login's files are (files.c): GO_ON with
 * res (and *fd, a descriptor it opened, or -1), or the 421 reply's outcome
 * when the file process failed (the session ends, status 1). */
enum outcome file_op(struct session *s, const struct fop_request *rq, struct fop_result *res,
		     int *fd);

/* file_op for a transfer command: while the user process opens the file,
 * a passive data connection the client already made is accepted
 * (data_accept_early), so the two overlap. */
enum outcome file_op_accepting(struct session *s, const struct fop_request *rq,
			       struct fop_result *res, int *fd);

/* The file process failed: say so in the log; the session ends after the
 * reply under way (status 1). */
void files_lost(struct session *s);

/* GO_ON when the login may write, else the 550 reply's outcome. */
enum outcome need_write(struct session *s);

/* GO_ON when a data connection was asked for (PASV, EPSV, PORT, EPRT) and
 * may be opened as the data protection stands (--require-tls wants PROT
 * P), else the reply's outcome (425, 521): checked before anything is
 * created. */
enum outcome need_data(struct session *s);

/* Open the data connection (the mode was set), send 150 and, with PROT P,
 * make it secure (and check it resumes the control connection's TLS
 * session).  GO_ON with *dc open, or the reply's outcome (425, 522); undo,
 * when not NULL, runs before such a reply, to take back what was made for
 * the transfer. */
enum outcome open_data(struct session *s, const char *what, struct chan *dc,
		       void (*undo)(void *), void *arg);

/* TLS on the control connection: the handshake, before the deadline.
 * 0, or -1 with a reason (the session cannot go on). */
int secure_control(struct session *s, long long deadline, char *err, size_t errcap);

/* Must this login use TLS (--require-tls)? */
bool tls_required(const struct session *s, bool anonymous);

/* A transfer on dc, with the session's rate limit and data timeout. */
void start_transfer(struct session *s, struct xfer *x, struct chan *dc);

/* What a transfer moved: a listing, or a file one way or the other. */
enum xfer_way { WAY_LISTING, WAY_DOWNLOAD, WAY_UPLOAD };

/* After a transfer: close dc, log it (a file transfer also in the journal's
 * FTP_* transfer fields and the --xferlog file), and answer 226, or
 * 426/451/452 as the status says (an ABOR's 226 comes when its queued line
 * is answered). */
enum outcome end_transfer(struct session *s, struct xfer *x, enum xfer_status st,
			  enum xfer_way way, const char *verb, const char *vpath);

#endif
