/* cmd_fs.c - navigation and file operations: CWD, CDUP, PWD, MKD, RMD, DELE,
 * RNFR, RNTO, SIZE, MDTM, SITE CHMOD.  The file work itself is done where
 * the login's files are (files.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "listing.h"

/* Reply with 257 "path" text. */
static enum outcome reply_257(struct session *s, const char *vpath, const char *text)
{
	char q[VPATH_MAX * 2];

	path_quote(q, sizeof(q), vpath);
	return replyf(s, 257, "\"%s\" %s", q, text);
}

/* Resolve the client's path and run op on it: GO_ON with res, or the
 * reply's outcome (a bad path, the file process gone). */
static enum outcome path_op(struct session *s, enum fop op, const char *arg, size_t len,
			    struct fop_request *rq, struct fop_result *res)
{
	enum outcome r = resolve(s, arg, len, rq->path);
	int fd;

	if (r != GO_ON)
		return r;
	rq->op = op;
	r = file_op(s, rq, res, &fd);
	return r;
}

static enum outcome change_dir(struct session *s, const char *arg, size_t len)
{
	struct fop_request rq = {0};
	struct fop_result res;
	enum outcome r = path_op(s, FOP_CWD, arg, len, &rq, &res);

	if (r != GO_ON)
		return r;
	if (res.err)
		return reply_errno(s, res.err);
	memcpy(s->vfs.cwd, rq.path, strlen(rq.path) + 1);
	return reply(s, 250, "Directory successfully changed.");
}

enum outcome cmd_cwd(struct session *s, const struct command *cmd)
{
	return change_dir(s, cmd->arg, cmd->arg_len);
}

enum outcome cmd_cdup(struct session *s, const struct command *cmd)
{
	(void)cmd;
	return change_dir(s, "..", 2);
}

enum outcome cmd_pwd(struct session *s, const struct command *cmd)
{
	(void)cmd;
	return reply_257(s, s->vfs.cwd, "is the current directory.");
}

/* Refuse read-only logins, then run a request that changes a name. */
static enum outcome write_op(struct session *s, enum fop op, const char *arg, size_t len,
			     struct fop_request *rq, struct fop_result *res)
{
	enum outcome r = need_write(s);

	return r != GO_ON ? r : path_op(s, op, arg, len, rq, res);
}

enum outcome cmd_mkd(struct session *s, const struct command *cmd)
{
	struct fop_request rq = {0};
	struct fop_result res;
	enum outcome r = write_op(s, FOP_MKDIR, cmd->arg, cmd->arg_len, &rq, &res);

	if (r != GO_ON)
		return r;
	return res.err ? reply_errno(s, res.err) : reply_257(s, rq.path, "created.");
}

static enum outcome unlink_reply(struct session *s, const struct command *cmd, enum fop op)
{
	struct fop_request rq = {0};
	struct fop_result res;
	enum outcome r = write_op(s, op, cmd->arg, cmd->arg_len, &rq, &res);

	if (r != GO_ON)
		return r;
	if (res.err == EISDIR && op == FOP_DELETE)
		return reply(s, 550, "Is a directory: use RMD.");
	if (res.err)
		return reply_errno(s, res.err);
	return reply(s, 250, op == FOP_RMDIR ? "Directory removed." : "File deleted.");
}

enum outcome cmd_rmd(struct session *s, const struct command *cmd)
{
	return unlink_reply(s, cmd, FOP_RMDIR);
}

enum outcome cmd_dele(struct session *s, const struct command *cmd)
{
	return unlink_reply(s, cmd, FOP_DELETE);
}

enum outcome cmd_rnfr(struct session *s, const struct command *cmd)
{
	struct fop_request rq = {0};
	struct fop_result res;
	enum outcome r = write_op(s, FOP_RNFR, cmd->arg, cmd->arg_len, &rq, &res);

	if (r != GO_ON)
		return r;
	if (res.err)
		return reply_errno(s, res.err);
	memcpy(s->rnfr, rq.path, strlen(rq.path) + 1);
	return reply(s, 350, "Ready for RNTO.");
}

enum outcome cmd_rnto(struct session *s, const struct command *cmd)
{
	struct fop_request rq = {0};
	struct fop_result res;
	enum outcome r;
	int fd;

	if (!s->rnfr[0])
		return reply(s, 503, "RNFR required first.");
	memcpy(rq.path, s->rnfr, sizeof(rq.path));
	s->rnfr[0] = '\0';
	r = need_write(s);
	if (r == GO_ON)
		r = resolve(s, cmd->arg, cmd->arg_len, rq.path2);
	if (r != GO_ON)
		return r;
	rq.op = FOP_RENAME;
	r = file_op(s, &rq, &res, &fd);
	if (r != GO_ON)
		return r;
	return res.err ? reply_errno(s, res.err) : reply(s, 250, "Rename successful.");
}

/* stat a path, following symlinks inside the root: GO_ON, or the reply's
 * outcome. */
static enum outcome stat_path(struct session *s, const struct command *cmd, struct stat *st)
{
	struct fop_request rq = {0};
	struct fop_result res;
	enum outcome r = path_op(s, FOP_STAT, cmd->arg, cmd->arg_len, &rq, &res);

	if (r != GO_ON)
		return r;
	if (res.err)
		return reply_errno(s, res.err);
	*st = res.st;
	return GO_ON;
}

enum outcome cmd_size(struct session *s, const struct command *cmd)
{
	struct stat st;
	enum outcome r;

	/* RFC 3659 4: the size depends on TYPE; a TYPE A size would mean
	 * reading the whole file, so it is refused (as REST is). */
	if (s->ascii)
		return reply(s, 550, "SIZE is not available in ASCII mode: use TYPE I.");
	r = stat_path(s, cmd, &st);
	if (r != GO_ON)
		return r;
	if (!S_ISREG(st.st_mode))
		return reply(s, 550, "Not a regular file.");
	return replyf(s, 213, "%lld", (long long)st.st_size);
}

enum outcome cmd_mdtm(struct session *s, const struct command *cmd)
{
	struct stat st;
	char t[20];
	enum outcome r = stat_path(s, cmd, &st);

	if (r != GO_ON)
		return r;
	if (!S_ISREG(st.st_mode))
		return reply(s, 550, "Not a regular file.");
	listing_time(t, sizeof(t), st.st_mtime);
	return replyf(s, 213, "%s", t);
}

enum outcome cmd_site_chmod(struct session *s, const char *arg, size_t len)
{
	struct fop_request rq = {0};
	struct fop_result res;
	const char *sp = memchr(arg, ' ', len);
	unsigned mode = 0;
	size_t i;
	enum outcome r;

	if (!sp || sp == arg || (size_t)(sp - arg) > 4)
		return reply(s, 501, "Usage: SITE CHMOD <octal mode> <path>.");
	for (i = 0; arg + i < sp; i++) {
		if (arg[i] < '0' || arg[i] > '7')
			return reply(s, 501, "Usage: SITE CHMOD <octal mode> <path>.");
		mode = mode * 8 + (unsigned)(arg[i] - '0');
	}
	/* no set-id bits from a remote user */
	if (mode > 01777)
		return reply(s, 501, "Mode not allowed.");
	rq.arg = mode;
	r = write_op(s, FOP_CHMOD, sp + 1, len - (size_t)(sp + 1 - arg), &rq, &res);
	if (r != GO_ON)
		return r;
	if (res.err == EOPNOTSUPP)
		return reply(s, 550, "Cannot change the mode of a symbolic link.");
	return res.err ? reply_errno(s, res.err) : reply(s, 200, "SITE CHMOD command ok.");
}
