/* cmd_support.c - what the command handlers share. */
#include "cmd_support.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "deadline.h"
#include "log.h"
#include "reply.h"

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
	char text[REPLY_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return reply(s, code, text);
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

enum outcome need_write(struct session *s)
{
	return s->vfs.writable ? GO_ON : reply(s, 550, "Permission denied.");
}

enum outcome need_data(struct session *s)
{
	if (s->data.mode != DATA_NONE)
		return GO_ON;
	return reply(s, 425, "Use PORT, PASV, EPRT or EPSV first.");
}

int connect_data(struct session *s, struct chan *dc)
{
	int fd = data_open(&s->data, &s->ends,
			   deadline_in((long long)s->cfg->data_timeout * 1000), &s->ctrl);

	if (fd < 0)
		return -1;
	chan_plain(dc, fd, fd);
	return 0;
}

enum outcome announce_data(struct session *s, const char *what, struct chan *dc)
{
	if (replyf(s, 150, "Opening %s mode data connection for %s.",
		   s->ascii ? "ASCII" : "BINARY", what) == DEAD) {
		chan_close(dc);
		return DEAD;
	}
	return GO_ON;
}

enum outcome open_data(struct session *s, const char *what, struct chan *dc)
{
	enum outcome r = need_data(s);

	if (r != GO_ON)
		return r;
	if (connect_data(s, dc) < 0)
		return reply(s, 425, NULL);
	return announce_data(s, what, dc);
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

enum outcome end_transfer(struct session *s, struct xfer *x, enum xfer_status st,
			  const char *verb, const char *vpath)
{
	char path[600], why[160] = "";

	if (st == XFER_DONE)
		st = xfer_finish(x);
	chan_close(x->data);
	if (x->err)
		snprintf(why, sizeof(why), " (%s)", strerror(x->err));
	log_escape(path, sizeof(path), vpath, strlen(vpath));
	log_msg(st == XFER_DONE ? LOG_INFO : LOG_WARNING, "transfer",
		"%s: %s %s: %s%s, %lld bytes", s->who, verb, path, status_names[st], why,
		(long long)x->bytes);
	switch (st) {
	case XFER_DONE:
		return reply(s, 226, "Transfer complete.");
	case XFER_ABORTED:
		s->abor_pending++;
		return reply(s, 426, "Transfer aborted by ABOR.");
	case XFER_QUIT:
		return reply(s, 426, "Upload cut short by QUIT: not stored.");
	case XFER_NET_ERROR:
		return reply(s, 426, NULL);
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
