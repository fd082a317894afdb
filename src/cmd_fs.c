/* cmd_fs.c - navigation and file operations: CWD, CDUP, PWD, MKD, RMD, DELE,
 * RNFR, RNTO, SIZE, MDTM, SITE CHMOD. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "listing.h"
#include "log.h"

/* Reply with 257 "path" text. */
static enum outcome reply_257(struct session *s, const char *vpath, const char *text)
{
	char q[VPATH_MAX * 2];

	path_quote(q, sizeof(q), vpath);
	return replyf(s, 257, "\"%s\" %s", q, text);
}

static enum outcome change_dir(struct session *s, const char *arg, size_t len)
{
	char vpath[VPATH_MAX];
	enum outcome r = resolve(s, arg, len, vpath);
	int fd, e = 0;

	if (r != GO_ON)
		return r;
	fd = vfs_open(&s->vfs, vpath, O_PATH | O_DIRECTORY, 0);
	if (fd < 0)
		return reply_errno(s, errno);
	/* O_PATH does not check search permission: ask for it. */
	if (faccessat(fd, ".", X_OK, AT_EACCESS) < 0)
		e = errno;
	close(fd);
	if (e)
		return reply_errno(s, e);
	memcpy(s->vfs.cwd, vpath, strlen(vpath) + 1);
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

/* Refuse read-only logins, resolve, open the parent: the common start of
 * every command that changes a name.  GO_ON with *fd open, or the reply's
 * outcome. */
static enum outcome writable_parent(struct session *s, const char *arg, size_t len,
				    char *vpath, const char **name, int *fd)
{
	enum outcome r = need_write(s);

	if (r == GO_ON)
		r = resolve(s, arg, len, vpath);
	if (r != GO_ON)
		return r;
	*fd = vfs_open_parent(&s->vfs, vpath, name);
	return *fd < 0 ? reply_errno(s, errno) : GO_ON;
}

/* The errno of a call that returned r (0 when it succeeded). */
static int err_of(int r)
{
	return r < 0 ? errno : 0;
}

enum outcome cmd_mkd(struct session *s, const struct command *cmd)
{
	char vpath[VPATH_MAX];
	const char *name;
	int fd, e;
	enum outcome r = writable_parent(s, cmd->arg, cmd->arg_len, vpath, &name, &fd);

	if (r != GO_ON)
		return r;
	e = err_of(mkdirat(fd, name, 0777));
	close(fd);
	return e ? reply_errno(s, e) : reply_257(s, vpath, "created.");
}

static enum outcome unlink_reply(struct session *s, const struct command *cmd, int flags)
{
	char vpath[VPATH_MAX];
	const char *name;
	int fd, e;
	enum outcome r = writable_parent(s, cmd->arg, cmd->arg_len, vpath, &name, &fd);

	if (r != GO_ON)
		return r;
	e = err_of(unlinkat(fd, name, flags));
	close(fd);
	if (e == EISDIR && !flags)
		return reply(s, 550, "Is a directory: use RMD.");
	if (e)
		return reply_errno(s, e);
	return reply(s, 250, flags ? "Directory removed." : "File deleted.");
}

enum outcome cmd_rmd(struct session *s, const struct command *cmd)
{
	return unlink_reply(s, cmd, AT_REMOVEDIR);
}

enum outcome cmd_dele(struct session *s, const struct command *cmd)
{
	return unlink_reply(s, cmd, 0);
}

enum outcome cmd_rnfr(struct session *s, const struct command *cmd)
{
	char vpath[VPATH_MAX];
	const char *name;
	struct stat st;
	int fd, e;
	enum outcome r = writable_parent(s, cmd->arg, cmd->arg_len, vpath, &name, &fd);

	if (r != GO_ON)
		return r;
	e = err_of(fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW));
	close(fd);
	if (e)
		return reply_errno(s, e);
	memcpy(s->rnfr, vpath, strlen(vpath) + 1);
	return reply(s, 350, "Ready for RNTO.");
}

enum outcome cmd_rnto(struct session *s, const struct command *cmd)
{
	char from[VPATH_MAX], vpath[VPATH_MAX];
	const char *fname, *tname;
	int ffd, tfd, e;
	enum outcome r;

	if (!s->rnfr[0])
		return reply(s, 503, "RNFR required first.");
	memcpy(from, s->rnfr, sizeof(from));
	s->rnfr[0] = '\0';
	r = writable_parent(s, cmd->arg, cmd->arg_len, vpath, &tname, &tfd);
	if (r != GO_ON)
		return r;
	ffd = vfs_open_parent(&s->vfs, from, &fname);
	e = ffd < 0 ? errno : err_of(renameat(ffd, fname, tfd, tname));
	if (ffd >= 0)
		close(ffd);
	close(tfd);
	return e ? reply_errno(s, e) : reply(s, 250, "Rename successful.");
}

/* stat a path, following symlinks inside the root: GO_ON, or the reply's
 * outcome. */
static enum outcome stat_path(struct session *s, const struct command *cmd, struct stat *st)
{
	char vpath[VPATH_MAX];
	enum outcome r = resolve(s, cmd->arg, cmd->arg_len, vpath);
	int fd, e;

	if (r != GO_ON)
		return r;
	fd = vfs_open(&s->vfs, vpath, O_PATH, 0);
	e = fd < 0 ? errno : err_of(fstat(fd, st));
	if (fd >= 0)
		close(fd);
	return e ? reply_errno(s, e) : GO_ON;
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
	char vpath[VPATH_MAX];
	const char *sp = memchr(arg, ' ', len), *name;
	unsigned mode = 0;
	size_t i;
	int fd, e;
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
	r = writable_parent(s, sp + 1, len - (size_t)(sp + 1 - arg), vpath, &name, &fd);
	if (r != GO_ON)
		return r;
	/* fchmodat does not follow a final symlink out of the root: it cannot
	 * change a symlink's mode on Linux and fails with EOPNOTSUPP */
	e = err_of(fchmodat(fd, name, mode, AT_SYMLINK_NOFOLLOW));
	close(fd);
	if (e == EOPNOTSUPP)
		return reply(s, 550, "Cannot change the mode of a symbolic link.");
	return e ? reply_errno(s, e) : reply(s, 200, "SITE CHMOD command ok.");
}
