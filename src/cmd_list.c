/* cmd_list.c - LIST, NLST, MLSD, MLST, STAT: directory listings, streamed
 * entry by entry (a directory of any size is never held in memory) from
 * where the login's files are (lister.c, through files.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "listing.h"
#include "log.h"

/* Skip ls-style options ("-la", "-a -l") that clients put before a path. */
static void skip_options(const char **arg, size_t *len)
{
	while (*len > 0 && (*arg)[0] == '-') {
		const char *sp = memchr(*arg, ' ', *len);

		if (!sp) {
			*len = 0;
			return;
		}
		*len -= (size_t)(sp + 1 - *arg);
		*arg = sp + 1;
	}
}

/* Resolve and open what is to be listed, where the login's files are:
 * GO_ON with what is listed in res->path, or the reply's outcome. */
static enum outcome open_target(struct session *s, const char *arg, size_t len,
				enum list_kind kind, struct fop_result *res)
{
	struct fop_request rq = {.op = FOP_LIST, .arg = kind, .flags = s->mlst_facts};
	const char *slash = memrchr(arg, '/', len);
	enum outcome r = resolve(s, arg, len, rq.path);
	int fd;

	if (r != GO_ON)
		return r;
	if (kind != KIND_MLSD)
		rq.flags |= FOP_FILES_OK;
	/* NLST of a pattern puts the directory part the client sent before
	 * each name */
	if (slash)
		snprintf(rq.path2, sizeof(rq.path2), "%.*s", (int)(slash + 1 - arg), arg);
	r = file_op(s, &rq, res, &fd);
	if (r != GO_ON)
		return r;
	if (res->err == ENOTDIR)
		return reply(s, 501, "Not a directory.");
	return res->err ? reply_errno(s, res->err) : GO_ON;
}

static void lister_of(const struct session *s, struct lister *who)
{
	who->uid = s->login.uid;
	who->gid = s->login.gid;
	who->may_write = s->vfs.writable;
}

static enum outcome list_command(struct session *s, const struct command *cmd,
				 enum list_kind kind)
{
	static struct dwriter w;
	static struct fop_result t;
	const char *arg = cmd->arg;
	size_t len = cmd->arg_len;
	struct chan dc;
	struct xfer x;
	enum outcome r;

	if (kind != KIND_MLSD)
		skip_options(&arg, &len);
	r = open_target(s, arg, len, kind, &t);
	if (r == GO_ON)
		r = open_data(s, t.path, &dc, NULL, NULL);
	if (r != GO_ON) {
		files_list_cancel(&s->files);
		return r;
	}
	start_transfer(s, &x, &dc);
	dw_init(&w, &x, NULL);
	files_list(&s->files, &w);
	r = end_transfer(s, &x, dw_flush(&w), WAY_LISTING, verb_name(cmd->verb), t.path);
	if (files_lost_process(&s->files)) {
		errno = ETIMEDOUT;
		files_lost(s);
	}
	return r;
}

enum outcome cmd_list(struct session *s, const struct command *cmd)
{
	return list_command(s, cmd, KIND_LIST);
}

enum outcome cmd_nlst(struct session *s, const struct command *cmd)
{
	return list_command(s, cmd, KIND_NLST);
}

enum outcome cmd_mlsd(struct session *s, const struct command *cmd)
{
	return list_command(s, cmd, KIND_MLSD);
}

enum outcome cmd_mlst(struct session *s, const struct command *cmd)
{
	char facts[VPATH_MAX + 512], head[VPATH_MAX + 32];
	const char *lines[3] = {head, facts, "End."};
	struct fop_request rq = {.op = FOP_STAT};
	struct fop_result res;
	const char *vpath = rq.path;
	const struct stat *st = &res.st;
	struct lister who;
	enum outcome r = resolve(s, cmd->arg, cmd->arg_len, rq.path);
	int fd;
	size_t n;

	if (r == GO_ON)
		r = file_op(s, &rq, &res, &fd);
	if (r != GO_ON)
		return r;
	if (res.err)
		return reply_errno(s, res.err);
	lister_of(s, &who);
	/* "250-Listing path", " facts path", "250 End." in one write; the
	 * reply encodes CR and LF in the path */
	facts[0] = ' ';
	n = 1 + listing_mlsx_facts(facts + 1, sizeof(facts) - 1, st, NULL, s->mlst_facts, &who);
	snprintf(facts + n, sizeof(facts) - n, " %s", vpath);
	snprintf(head, sizeof(head), "Listing %s", vpath);
	return reply_lines(s, 250, lines, 3);
}

static enum outcome stat_status(struct session *s)
{
	char l1[160], l2[160], l3[80], l4[80];
	const char *lines[] = {"sockftpd status:", l1, l2, l3, l4, "End of status."};

	snprintf(l1, sizeof(l1), " Connected from %s", s->who);
	snprintf(l2, sizeof(l2), " Logged in as %s (%s)", s->logged_in ? s->login.name : "nobody",
		 s->vfs.writable ? "read-write" : "read-only");
	snprintf(l3, sizeof(l3), " TYPE: %s, STRUcture: File, MODE: Stream",
		 s->ascii ? "ASCII" : "BINARY");
	snprintf(l4, sizeof(l4), " Data connection: %s",
		 s->data.mode == DATA_PASSIVE ? "passive, waiting"
		 : s->data.mode == DATA_ACTIVE ? "active, ready" : "none");
	return reply_lines(s, 211, lines, sizeof(lines) / sizeof(lines[0]));
}

enum outcome cmd_stat(struct session *s, const struct command *cmd)
{
	static struct dwriter w;
	static struct fop_result t;
	const char *arg = cmd->arg;
	size_t len = cmd->arg_len;
	char head[2 * VPATH_MAX + 40];
	size_t n;
	enum outcome r;

	if (!cmd->has_arg)
		return stat_status(s);
	skip_options(&arg, &len);
	r = open_target(s, arg, len, KIND_STAT, &t);
	if (r != GO_ON)
		return r;
	/* 213-, the listing (ls lines never start with a digit, and their
	 * names are encoded as replies encode them), 213 End: streamed over
	 * the control channel in one reply */
	dw_init(&w, NULL, &s->ctrl);
	memcpy(head, "213-Status of ", 14);
	n = 14 + listing_name(head + 14, sizeof(head) - 16, t.path);
	memcpy(head + n, ":\r\n", 3);
	dw_put(&w, head, n + 3);
	if (files_list(&s->files, &w) != XFER_DONE && files_lost_process(&s->files)) {
		errno = ETIMEDOUT;
		files_lost(s);
		return reply(s, 421, "File service failed: closing control connection.");
	}
	dw_put(&w, "213 End of status.\r\n", 20);
	return dw_flush(&w) == XFER_DONE ? REPLIED : DEAD;
}
