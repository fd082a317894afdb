/* cmd_transfer.c - RETR, STOR, APPE, STOU, REST, ABOR. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "log.h"

enum outcome cmd_rest(struct session *s, const struct command *cmd)
{
	long long v = 0;
	size_t i;

	for (i = 0; i < cmd->arg_len; i++) {
		char c = cmd->arg[i];

		if (c < '0' || c > '9' || v > (0x7fffffffffffffffLL - 9) / 10)
			return reply(s, 501, "REST takes a byte offset.");
		v = v * 10 + (c - '0');
	}
	s->rest = (off_t)v;
	return replyf(s, 350, "Restart position accepted (%lld).", v);
}

enum outcome cmd_abor(struct session *s, const struct command *cmd)
{
	(void)cmd;
	data_reset(&s->data);
	/* the second reply of an ABOR that ended a transfer (the 426 went) */
	if (s->abor_pending) {
		s->abor_pending--;
		return reply(s, 226, "Abort successful.");
	}
	return reply(s, 225, "No transfer to abort.");
}

/* A byte offset counts bytes of the file as stored: in TYPE A they are not
 * the bytes that cross the network, so a restart there is refused (as
 * proftpd does) rather than resumed at the wrong place. */
static enum outcome no_ascii_rest(struct session *s, off_t rest)
{
	if (rest && s->ascii)
		return reply(s, 504, "REST is not available in ASCII mode: use TYPE I.");
	return GO_ON;
}

enum outcome cmd_retr(struct session *s, const struct command *cmd)
{
	char what[VPATH_MAX + 48];
	struct fop_request rq = {.op = FOP_OPEN_READ};
	struct fop_result res;
	off_t rest = s->rest;
	const struct stat *st;
	struct chan dc;
	struct xfer x;
	int fd = -1;
	enum outcome r;

	s->rest = 0;
	r = no_ascii_rest(s, rest);
	if (r == GO_ON)
		r = resolve(s, cmd->arg, cmd->arg_len, rq.path);
	if (r == GO_ON)
		r = file_op_accepting(s, &rq, &res, &fd);
	if (r != GO_ON)
		return r;
	if (res.err)
		return reply_errno(s, res.err);
	/* the descriptor's fstat, taken in this process (files_call) */
	st = &res.st;
	if (!S_ISREG(st->st_mode))
		r = reply(s, 550, S_ISDIR(st->st_mode) ? "Is a directory." : "Not a regular file.");
	else if (rest > st->st_size)
		r = reply(s, 554, "REST offset beyond the end of the file.");
	else if (rest && lseek(fd, rest, SEEK_SET) < 0)
		r = reply_errno(s, errno);
	if (r == GO_ON) {
		snprintf(what, sizeof(what), "%s (%lld bytes)", rq.path,
			 (long long)(st->st_size - rest));
		r = open_data(s, what, &dc, NULL, NULL);
	}
	if (r != GO_ON) {
		close(fd);
		return r;
	}
	start_transfer(s, &x, &dc);
	r = end_transfer(s, &x, xfer_send_file(&x, fd, s->ascii), WAY_DOWNLOAD, "RETR", rq.path);
	close(fd);
	return r;
}

/* An upload under way: the file being written (opened where the login's
 * files are) and what the file work said about it. */
struct upload {
	struct session *s;
	struct fop_result res;  /* path: the file; flags: created, in place */
	int fd;
	bool open;              /* FOP_UPLOAD succeeded: FOP_UPLOAD_END is due */
};

/* The end of the upload, kept or undone where it was opened.  0, or the
 * errno of keeping it (-1: the file process failed). */
static int upload_end(struct upload *u, bool keep)
{
	struct fop_request rq = {.op = FOP_UPLOAD_END, .arg = keep};
	struct fop_result res;
	int fd;

	if (!u->open)
		return 0;
	u->open = false;
	if (files_call(&u->s->files, &rq, &res, &fd) < 0) {
		files_lost(u->s);
		return -1;
	}
	return res.err;
}

/* Undo what an upload that did not happen made (open_data's undo). */
static void discard(void *arg)
{
	struct upload *u = arg;

	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
	upload_end(u, false);
}

/* An upload written in place that failed gives the file back its old
 * length: an append leaves nothing (bytes a resumed upload overwrote stay
 * overwritten).  A whole one keeps what lies beyond it: STOR after REST
 * writes a region, as vsftpd does, so a client may patch a file. */
static enum xfer_status settle_in_place(struct upload *u, enum xfer_status st)
{
	if (st != XFER_DONE && (u->res.flags & FOP_IN_PLACE) && !(u->res.flags & FOP_CREATED))
		(void)!ftruncate(u->fd, (off_t)u->res.old_size);
	return st;
}

/* Receive into u->fd and keep the result only when it is whole. */
static enum xfer_status receive(struct session *s, struct upload *u, struct chan *dc,
				struct xfer *x)
{
	enum xfer_status st;
	int e;

	start_transfer(s, x, dc);
	st = settle_in_place(u, xfer_recv_file(x, u->fd, s->ascii));
	if (close(u->fd) < 0 && st == XFER_DONE) {
		x->err = errno;
		st = errno == ENOSPC || errno == EDQUOT ? XFER_NO_SPACE : XFER_FILE_ERROR;
	}
	u->fd = -1;
	/* only a whole upload replaces the old file */
	e = upload_end(u, st == XFER_DONE);
	if (e && st == XFER_DONE) {
		x->err = e > 0 ? e : EIO;
		st = XFER_FILE_ERROR;
	}
	return st;
}

/* The failure of FOP_UPLOAD, answered. */
static enum outcome refused(struct session *s, const struct fop_result *res)
{
	switch (res->why) {
	case WHY_NOT_REPLACED:
		return reply(s, 550, "Not a regular file: not replaced.");
	case WHY_NOT_REGULAR:
		return reply(s, 550, "Not a regular file.");
	case WHY_REST_BEYOND:
		return reply(s, 554, "REST offset beyond the end of the file.");
	case WHY_NO_UNIQUE:
		return reply(s, 553, "Could not make a unique file name.");
	default:
		return reply_errno(s, res->err);
	}
}

static enum outcome prepare(struct session *s, const struct command *cmd,
			    enum upload_how how, off_t rest, struct upload *u)
{
	struct fop_request rq = {.op = FOP_UPLOAD, .arg = how, .off = rest};
	enum outcome r = need_write(s);

	if (r == GO_ON)
		r = no_ascii_rest(s, rest);
	/* no data connection asked for: say so before anything is created */
	if (r == GO_ON)
		r = need_data(s);
	if (r == GO_ON && how == UPLOAD_UNIQUE && !cmd->arg_len)
		r = resolve(s, "file", 4, rq.path);
	else if (r == GO_ON)
		r = resolve(s, cmd->arg, cmd->arg_len, rq.path);
	if (r == GO_ON)
		r = file_op(s, &rq, &u->res, &u->fd);
	if (r != GO_ON)
		return r;
	if (u->res.err)
		return refused(s, &u->res);
	u->open = true;
	if (u->res.warn) {
		char name[300];

		log_escape(name, sizeof(name), u->res.path, strlen(u->res.path));
		log_msg(LOG_WARNING, "error", "%s: keeping the owner of %s: %s", s->who, name,
			strerror(u->res.warn));
	}
	return GO_ON;
}

static enum outcome store(struct session *s, const struct command *cmd, enum upload_how how)
{
	static const char *const verbs[] = {"STOR", "APPE", "STOU"};
	struct upload u = {.s = s, .fd = -1};
	char what[VPATH_MAX + 16];
	off_t rest = s->rest;
	struct chan dc;
	struct xfer x;
	enum outcome r;

	s->rest = 0;
	r = prepare(s, cmd, how, rest, &u);
	if (r == GO_ON) {
		snprintf(what, sizeof(what), how == UPLOAD_UNIQUE ? "FILE: %s" : "%s", u.res.path);
		r = open_data(s, what, &dc, discard, &u);
		if (r == GO_ON)
			r = end_transfer(s, &x, receive(s, &u, &dc, &x), WAY_UPLOAD, verbs[how],
					 u.res.path);
	}
	discard(&u);
	return r;
}

enum outcome cmd_stor(struct session *s, const struct command *cmd)
{
	return store(s, cmd, UPLOAD_REPLACE);
}

enum outcome cmd_appe(struct session *s, const struct command *cmd)
{
	return store(s, cmd, UPLOAD_APPEND);
}

enum outcome cmd_stou(struct session *s, const struct command *cmd)
{
	return store(s, cmd, UPLOAD_UNIQUE);
}
