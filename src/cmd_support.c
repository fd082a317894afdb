/* cmd_support.c - what the command handlers share. */
#include "cmd_support.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "log.h"
#include "reply.h"
#include "tls.h"
#include "xferlog.h"

static enum outcome sent(int r)
{
	return r < 0 ? DEAD : REPLIED;
}

enum outcome reply(struct session *s, int code, const char *text)
{
	return sent(ctrl_reply(&s->ctrl, code, text));
}

enum outcome replyf(struct session *s, int code, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = ctrl_vreplyf(&s->ctrl, code, fmt, ap);
	va_end(ap);
	return sent(r);
}

enum outcome reply_lines(struct session *s, int code, const char *const *lines, size_t n)
{
	return sent(ctrl_reply_lines(&s->ctrl, code, lines, n));
}

void arg_upper(char *out, size_t cap, const struct command *cmd)
{
	size_t i, n = cmd->arg_len < cap - 1 ? cmd->arg_len : cap - 1;

	for (i = 0; i < n; i++) {
		char c = cmd->arg[i];
		out[i] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
	}
	out[n] = '\0';
}

/* What a failed file operation answers, by errno. */
static const struct {
	int err;
	int code;
	const char *text;
} errno_replies[] = {
	{ENOENT, 550, "No such file or directory."},
	{EACCES, 550, "Permission denied."},
	{EPERM, 550, "Permission denied."},
	{EROFS, 550, "Permission denied."},
	{ETXTBSY, 550, "Permission denied."},
	{EEXIST, 550, "File exists."},
	{ENOTDIR, 550, "Not a directory."},
	{EISDIR, 550, "Is a directory."},
	{ENODEV, 550, "Not a regular file."},  /* a FIFO, a device (fileops.c) */
	{ENOTEMPTY, 550, "Directory not empty."},
	{ELOOP, 550, "Too many levels of symbolic links."},
	{ENAMETOOLONG, 553, "File name too long."},
	{EINVAL, 553, "File name not allowed."},
	{ENOSPC, 552, "Insufficient storage space."},
	{EDQUOT, 552, "Insufficient storage space."},
};

enum outcome reply_errno(struct session *s, int err)
{
	size_t i;

	for (i = 0; i < sizeof(errno_replies) / sizeof(errno_replies[0]); i++)
		if (errno_replies[i].err == err)
			return reply(s, errno_replies[i].code, errno_replies[i].text);
	return replyf(s, 550, "%s.", strerror(err));
}

enum outcome resolve(struct session *s, const char *arg, size_t len, char *vpath)
{
	if (vfs_path(&s->vfs, arg, len, vpath) == 0)
		return GO_ON;
	if (errno == EINVAL)
		return reply(s, 501, "Invalid path.");
	return reply(s, 553, "Path too long.");
}

void files_lost(struct session *s)
{
	if (!s->failed)
		log_msg(LOG_ERR, "error", "%s: the file process failed: %s", s->who,
			strerror(errno));
	s->quit = s->failed = true;
}

enum outcome file_op(struct session *s, const struct fop_request *rq, struct fop_result *res,
		     int *fd)
{
	if (files_call(&s->files, rq, res, fd) == 0)
		return GO_ON;
	files_lost(s);
	return reply(s, 421, "File service failed: closing control connection.");
}

enum outcome file_op_accepting(struct session *s, const struct fop_request *rq,
			       struct fop_result *res, int *fd)
{
	*fd = -1;
	if (files_ask(&s->files, rq) == 0) {
		data_accept_early(&s->data, &s->ends);
		if (files_answer(&s->files, rq, res, fd) == 0)
			return GO_ON;
	}
	files_lost(s);
	return reply(s, 421, "File service failed: closing control connection.");
}

enum outcome need_write(struct session *s)
{
	return s->vfs.writable ? GO_ON : reply(s, 550, "Permission denied.");
}

bool tls_required(const struct session *s, bool anonymous)
{
	return s->cfg->require_tls == REQUIRE_TLS_ALL ||
	       (s->cfg->require_tls == REQUIRE_TLS_LOGINS && !anonymous);
}

enum outcome need_data(struct session *s)
{
	if (s->data.mode == DATA_NONE)
		return reply(s, 425, "Use PORT, PASV, EPRT or EPSV first.");
	if (!s->prot_p && s->logged_in && tls_required(s, s->login.anonymous))
		return reply(s, 521, "Data connections must be protected: send PBSZ 0 and "
			     "PROT P first (--require-tls).");
	return GO_ON;
}

/* Run handshake steps until done, failed or the deadline; waits watch the
 * control channel when watch is set (ABOR ends a data handshake). */
static int handshake(struct session *s, struct chan *c, long long deadline, bool watch,
		     char *err, size_t errcap)
{
	for (;;) {
		struct pollfd p;
		unsigned seen;
		int r = tls_handshake(c, err, errcap);

		if (r != 0)
			return r > 0 ? 0 : -1;
		chan_pollfd(c, CHAN_READ, &p);
		r = watch ? ctrl_wait_other(&s->ctrl, &p, deadline, &seen)
			  : poll(&p, 1, deadline_poll_ms(deadline));
		if (r == 0 || r == 2 || (r < 0 && errno != EINTR)) {
			snprintf(err, errcap, "TLS handshake: %s", r == 0 ? "timed out"
				 : r == 2 ? "cancelled by the client" : strerror(errno));
			return -1;
		}
	}
}

int secure_control(struct session *s, long long deadline, char *err, size_t errcap)
{
	if (tls_wrap(s->held->tls, &s->ctrl_chan, false, err, errcap) < 0 ||
	    handshake(s, &s->ctrl_chan, deadline, false, err, errcap) < 0)
		return -1;
	s->ctrl_secure = true;
	log_msg(LOG_INFO, "tls", "%s: control connection secured (%s)", s->who,
		tls_describe(&s->ctrl_chan));
	return 0;
}

/* PROT P: TLS on the data connection, which must resume this control
 * connection's session (--tls-reuse).  0, or -1 with the reply in *text. */
static int secure_data(struct session *s, struct chan *dc, int *code, const char **text)
{
	char err[200];

	if (tls_wrap(s->held->tls, dc, true, err, sizeof(err)) < 0 ||
	    handshake(s, dc, deadline_in((long long)s->cfg->data_timeout * 1000), true, err,
		      sizeof(err)) < 0) {
		log_msg(LOG_WARNING, "tls", "%s: data connection: %s", s->who, err);
		*code = 425;
		*text = "TLS handshake on the data connection failed.";
		return -1;
	}
	if (s->cfg->tls_reuse == TLS_REUSE_REQUIRED && !tls_resumed(dc)) {
		log_msg(LOG_WARNING, "reject", "%s: data connection did not resume the control "
			"connection's TLS session: refused", s->who);
		*code = 522;
		*text = "TLS session of the data connection must resume the control "
			"connection's session (see --tls-reuse)";
		return -1;
	}
	return 0;
}

enum outcome open_data(struct session *s, const char *what, struct chan *dc,
		       void (*undo)(void *), void *arg)
{
	enum outcome r = need_data(s);
	const char *text = NULL;
	int fd, code = 425;

	if (r != GO_ON) {
		if (undo)
			undo(arg);
		return r;
	}
	fd = data_open(&s->data, &s->ends, deadline_in((long long)s->cfg->data_timeout * 1000),
		       &s->ctrl);
	if (fd >= 0) {
		chan_plain(dc, fd, fd);
		if (replyf(s, 150, "Opening %s mode data connection for %s.",
			   s->ascii ? "ASCII" : "BINARY", what) == DEAD) {
			chan_close(dc);
			r = DEAD;
		} else if (!s->prot_p || secure_data(s, dc, &code, &text) == 0) {
			return GO_ON;
		} else {
			chan_close(dc);
		}
	}
	/* what was made for the transfer goes before the reply */
	if (undo)
		undo(arg);
	return r == DEAD ? DEAD : reply(s, code, text);
}

void start_transfer(struct session *s, struct xfer *x, struct chan *dc)
{
	xfer_init(x, dc, &s->ctrl, s->cfg->rate_limit, s->cfg->data_timeout * 1000);
}

static const char *const status_names[] = {
	[XFER_DONE] = "complete",
	[XFER_ABORTED] = "aborted by ABOR",
	[XFER_QUIT] = "cut short by QUIT",
	[XFER_NET_ERROR] = "data connection failed",
	[XFER_FILE_ERROR] = "file error",
	[XFER_NO_SPACE] = "no space",
	[XFER_TIMEOUT] = "data connection stalled",
	[XFER_CTRL_GONE] = "control connection closed",
};

/* A file transfer, for the --xferlog file (one write, O_APPEND: lines of
 * concurrent sessions never mix) and the journal. */
static void record(struct session *s, const struct xfer *x, enum xfer_status st,
		   enum xfer_way way, const char *verb, const char *vpath, const char *msg)
{
	char bytes[24], ms[24], line[XFERLOG_LINE_MAX];
	long long took = monotonic_ms() - x->start_ms;
	struct log_field f[] = {
		{"FTP_FILE", vpath}, {"FTP_BYTES", bytes},
		{"FTP_DIRECTION", way == WAY_UPLOAD ? "in" : "out"},
		{"FTP_STATUS", status_names[st]}, {"FTP_DURATION_MS", ms},
	};
	char file[600];

	snprintf(bytes, sizeof(bytes), "%lld", (long long)x->bytes);
	snprintf(ms, sizeof(ms), "%lld", took);
	log_escape(file, sizeof(file), vpath, strlen(vpath));
	f[0].value = file;
	log_msg_fields(st == XFER_DONE ? LOG_INFO : LOG_WARNING, "transfer", f,
		       sizeof(f) / sizeof(f[0]), "%s: %s %s", s->who, verb, msg);
	if (s->held->xferlog_fd >= 0) {
		struct xferlog_record r = {
			.duration_ms = took, .host = s->peer.addr, .bytes = x->bytes,
			.root = s->login.root, .path = vpath, .ascii = s->ascii,
			.incoming = way == WAY_UPLOAD, .anonymous = s->login.anonymous,
			.user = s->login.name, .complete = st == XFER_DONE,
		};
		time_t now = time(NULL);
		size_t n;

		localtime_r(&now, &r.when);
		n = xferlog_line(line, sizeof(line), &r);
		if (write(s->held->xferlog_fd, line, n) != (ssize_t)n)
			log_msg(LOG_ERR, "error", "%s: --xferlog: %s", s->who, strerror(errno));
	}
}

enum outcome end_transfer(struct session *s, struct xfer *x, enum xfer_status st,
			  enum xfer_way way, const char *verb, const char *vpath)
{
	char path[600], why[160] = "";
	/* a TLS data stream that ended without close_notify (tls.c: EPROTO)
	 * may have been cut by anyone on the path */
	bool truncated = st == XFER_NET_ERROR && x->err == EPROTO &&
			 chan_is_secure(x->data);

	/* a download ends with our close_notify; an upload was whole when the
	 * client's came (and may already be in place): ours is a courtesy */
	if (st == XFER_DONE && way != WAY_UPLOAD)
		st = xfer_finish(x);
	else if (st == XFER_DONE)
		xfer_finish(x);
	chan_close(x->data);
	if (truncated)
		snprintf(why, sizeof(why), " (TLS close_notify missing: truncated)");
	else if (x->err)
		snprintf(why, sizeof(why), " (%s)", strerror(x->err));
	log_escape(path, sizeof(path), vpath, strlen(vpath));
	if (way == WAY_LISTING) {
		log_msg(st == XFER_DONE ? LOG_INFO : LOG_WARNING, "transfer",
			"%s: %s %s: %s%s, %lld bytes", s->who, verb, path, status_names[st], why,
			(long long)x->bytes);
	} else {
		char msg[800];

		snprintf(msg, sizeof(msg), "%s: %s%s, %lld bytes", path, status_names[st], why,
			 (long long)x->bytes);
		record(s, x, st, way, verb, vpath, msg);
	}
	switch (st) {
	case XFER_DONE:
		return reply(s, 226, "Transfer complete.");
	case XFER_ABORTED:
		s->abor_pending++;
		return reply(s, 426, "Transfer aborted by ABOR.");
	case XFER_QUIT:
		return reply(s, 426, "Upload cut short by QUIT: not stored.");
	case XFER_NET_ERROR:
		return reply(s, 426, truncated ? "Data connection ended without TLS close_notify: "
			     "transfer aborted, nothing stored." : NULL);
	case XFER_TIMEOUT:
		return reply(s, 426, "Data connection stalled; transfer aborted.");
	case XFER_FILE_ERROR:
		return reply(s, 451, NULL);
	case XFER_NO_SPACE:
		return reply(s, 452, NULL);
	case XFER_CTRL_GONE:
		/* the client may only have stopped sending (half-close) */
		reply(s, 426, "Control connection closed; transfer aborted.");
		return REPLIED;
	}
	return DEAD;
}
