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
static int reply_257(struct session *s, const char *vpath, const char *text)
{
	char q[VPATH_MAX * 2];

	path_quote(q, sizeof(q), vpath);
	return ctrl_replyf(&s->ctrl, 257, "\"%s\" %s", q, text);
}

static int change_dir(struct session *s, const char *arg, size_t len)
{
	char vpath[VPATH_MAX];
	int r = session_path(s, arg, len, vpath), fd;

	if (r < 0)
		return r == -1 ? 0 : -1;
	fd = vfs_open(&s->vfs, vpath, O_PATH | O_DIRECTORY, 0);
	if (fd < 0)
		return session_reply_errno(s, errno);
	/* O_PATH does not check search permission: ask for it. */
	if (faccessat(fd, ".", X_OK, AT_EACCESS) < 0) {
		int e = errno;
		close(fd);
		return session_reply_errno(s, e);
	}
	close(fd);
	memcpy(s->vfs.cwd, vpath, strlen(vpath) + 1);
	return ctrl_reply(&s->ctrl, 250, "Directory successfully changed.");
}

int cmd_cwd(struct session *s, const struct command *cmd)
{
	return change_dir(s, cmd->arg, cmd->arg_len);
}

int cmd_cdup(struct session *s, const struct command *cmd)
{
	(void)cmd;
	return change_dir(s, "..", 2);
}

int cmd_pwd(struct session *s, const struct command *cmd)
{
	(void)cmd;
	return reply_257(s, s->vfs.cwd, "is the current directory.");
}

/* Resolve, refuse read-only logins, open the parent: the common start of
 * every command that changes a name.  Returns the parent fd, or -1 after
 * replying (-2 on a control failure). */
static int writable_parent(struct session *s, const char *arg, size_t len,
			   char *vpath, const char **name)
{
	int r = session_deny_write(s), fd;

	if (r)
		return r < 0 ? -2 : -1;
	r = session_path(s, arg, len, vpath);
	if (r < 0)
		return r;
	fd = vfs_open_parent(&s->vfs, vpath, name);
	if (fd < 0)
		return session_reply_errno(s, errno) < 0 ? -2 : -1;
	return fd;
}

#define PARENT_OR_RETURN(fd) \
	do { if ((fd) < 0) return (fd) == -1 ? 0 : -1; } while (0)

int cmd_mkd(struct session *s, const struct command *cmd)
{
	char vpath[VPATH_MAX];
	const char *name;
	int fd = writable_parent(s, cmd->arg, cmd->arg_len, vpath, &name), r;

	PARENT_OR_RETURN(fd);
	r = mkdirat(fd, name, 0777);
	r = r < 0 ? errno : 0;
	close(fd);
	if (r)
		return session_reply_errno(s, r);
	return reply_257(s, vpath, "created.");
}

static int unlink_reply(struct session *s, const struct command *cmd, int flags)
{
	char vpath[VPATH_MAX];
	const char *name;
	int fd = writable_parent(s, cmd->arg, cmd->arg_len, vpath, &name), r;

	PARENT_OR_RETURN(fd);
	r = unlinkat(fd, name, flags);
	r = r < 0 ? errno : 0;
	close(fd);
	if (r == EISDIR && !flags)
		return ctrl_reply(&s->ctrl, 550, "Is a directory: use RMD.");
	if (r)
		return session_reply_errno(s, r);
	return ctrl_reply(&s->ctrl, 250, flags ? "Directory removed." : "File deleted.");
}

int cmd_rmd(struct session *s, const struct command *cmd)
{
	return unlink_reply(s, cmd, AT_REMOVEDIR);
}

int cmd_dele(struct session *s, const struct command *cmd)
{
	return unlink_reply(s, cmd, 0);
}

int cmd_rnfr(struct session *s, const struct command *cmd)
{
	char vpath[VPATH_MAX];
	const char *name;
	struct stat st;
	int fd = writable_parent(s, cmd->arg, cmd->arg_len, vpath, &name), r;

	PARENT_OR_RETURN(fd);
	r = fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW);
	r = r < 0 ? errno : 0;
	close(fd);
	if (r)
		return session_reply_errno(s, r);
	memcpy(s->rnfr, vpath, strlen(vpath) + 1);
	return ctrl_reply(&s->ctrl, 350, "Ready for RNTO.");
}

int cmd_rnto(struct session *s, const struct command *cmd)
{
	char from[VPATH_MAX], vpath[VPATH_MAX];
	const char *fname, *tname;
	int ffd, tfd, r;

	if (!s->rnfr[0])
		return ctrl_reply(&s->ctrl, 503, "RNFR required first.");
	memcpy(from, s->rnfr, sizeof(from));
	s->rnfr[0] = '\0';
	tfd = writable_parent(s, cmd->arg, cmd->arg_len, vpath, &tname);
	PARENT_OR_RETURN(tfd);
	ffd = vfs_open_parent(&s->vfs, from, &fname);
	if (ffd < 0) {
		r = errno;
		close(tfd);
		return session_reply_errno(s, r);
	}
	r = renameat(ffd, fname, tfd, tname);
	r = r < 0 ? errno : 0;
	close(ffd);
	close(tfd);
	if (r)
		return session_reply_errno(s, r);
	return ctrl_reply(&s->ctrl, 250, "Rename successful.");
}

/* stat a path, following symlinks inside the root. */
static int stat_path(struct session *s, const struct command *cmd, struct stat *st)
{
	char vpath[VPATH_MAX];
	int r = session_path(s, cmd->arg, cmd->arg_len, vpath), fd;

	if (r < 0)
		return r;
	fd = vfs_open(&s->vfs, vpath, O_PATH, 0);
	if (fd < 0 || fstat(fd, st) < 0) {
		r = errno;
		if (fd >= 0)
			close(fd);
		return session_reply_errno(s, r) < 0 ? -2 : -1;
	}
	close(fd);
	return 0;
}

int cmd_size(struct session *s, const struct command *cmd)
{
	struct stat st;
	int r = stat_path(s, cmd, &st);

	if (r < 0)
		return r == -1 ? 0 : -1;
	if (!S_ISREG(st.st_mode))
		return ctrl_reply(&s->ctrl, 550, "Not a regular file.");
	return ctrl_replyf(&s->ctrl, 213, "%lld", (long long)st.st_size);
}

int cmd_mdtm(struct session *s, const struct command *cmd)
{
	struct stat st;
	char t[20];
	int r = stat_path(s, cmd, &st);

	if (r < 0)
		return r == -1 ? 0 : -1;
	if (!S_ISREG(st.st_mode))
		return ctrl_reply(&s->ctrl, 550, "Not a regular file.");
	listing_time(t, sizeof(t), st.st_mtime);
	return ctrl_replyf(&s->ctrl, 213, "%s", t);
}

int cmd_site_chmod(struct session *s, const char *arg, size_t len)
{
	char vpath[VPATH_MAX];
	const char *sp = memchr(arg, ' ', len), *name;
	unsigned mode = 0;
	size_t i;
	int fd, r;

	if (!sp || sp == arg || (size_t)(sp - arg) > 4)
		return ctrl_reply(&s->ctrl, 501, "Usage: SITE CHMOD <octal mode> <path>.");
	for (i = 0; arg + i < sp; i++) {
		if (arg[i] < '0' || arg[i] > '7')
			return ctrl_reply(&s->ctrl, 501, "Usage: SITE CHMOD <octal mode> <path>.");
		mode = mode * 8 + (unsigned)(arg[i] - '0');
	}
	/* no set-id bits from a remote user */
	if (mode > 01777)
		return ctrl_reply(&s->ctrl, 501, "Mode not allowed.");
	fd = writable_parent(s, sp + 1, len - (size_t)(sp + 1 - arg), vpath, &name);
	PARENT_OR_RETURN(fd);
	/* fchmodat does not follow a final symlink out of the root: it cannot
	 * change a symlink's mode on Linux and fails with EOPNOTSUPP */
	r = fchmodat(fd, name, mode, AT_SYMLINK_NOFOLLOW);
	r = r < 0 ? errno : 0;
	close(fd);
	if (r == EOPNOTSUPP)
		return ctrl_reply(&s->ctrl, 550, "Cannot change the mode of a symbolic link.");
	if (r)
		return session_reply_errno(s, r);
	return ctrl_reply(&s->ctrl, 200, "SITE CHMOD command ok.");
}
