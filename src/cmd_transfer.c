/* cmd_transfer.c - RETR, STOR, APPE, STOU, REST, ABOR. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "log.h"
#include "transfer.h"

int cmd_rest(struct session *s, const struct command *cmd)
{
	long long v = 0;
	size_t i;

	for (i = 0; i < cmd->arg_len; i++) {
		char c = cmd->arg[i];

		if (c < '0' || c > '9' || v > (0x7fffffffffffffffLL - 9) / 10)
			return ctrl_reply(&s->ctrl, 501, "REST takes a byte offset.");
		v = v * 10 + (c - '0');
	}
	s->rest = (off_t)v;
	return ctrl_replyf(&s->ctrl, 350, "Restart position accepted (%lld).", v);
}

int cmd_abor(struct session *s, const struct command *cmd)
{
	(void)cmd;
	data_reset(&s->data);
	return ctrl_reply(&s->ctrl, 225, "No transfer to abort.");
}

int cmd_retr(struct session *s, const struct command *cmd)
{
	char vpath[VPATH_MAX], what[VPATH_MAX + 48];
	off_t rest = s->rest, bytes = 0;
	struct stat st;
	int r, fd, dfd, status;

	s->rest = 0;
	r = session_path(s, cmd->arg, cmd->arg_len, vpath);
	if (r < 0)
		return r == -1 ? 0 : -1;
	fd = vfs_open(&s->vfs, vpath, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);
	if (fd < 0)
		return session_reply_errno(s, errno);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return ctrl_reply(&s->ctrl, 550, S_ISDIR(st.st_mode) ? "Is a directory."
								 : "Not a regular file.");
	}
	if (rest > st.st_size) {
		close(fd);
		return ctrl_reply(&s->ctrl, 554, "REST offset beyond the end of the file.");
	}
	if (rest && lseek(fd, rest, SEEK_SET) < 0) {
		r = errno;
		close(fd);
		return session_reply_errno(s, r);
	}
	snprintf(what, sizeof(what), "%s (%lld bytes)", vpath, (long long)(st.st_size - rest));
	dfd = session_open_data(s, what);
	if (dfd < 0) {
		close(fd);
		return dfd == -1 ? 0 : -1;
	}
	status = xfer_send_file(s, dfd, fd, s->ascii, &bytes);
	close(dfd);
	close(fd);
	return session_end_transfer(s, status, "RETR", vpath, bytes);
}

/* Did the client close its control connection (it died mid-upload)?  Then
 * the end of the data stream is not the end of the file. */
static bool client_gone(struct session *s)
{
	struct pollfd p = {.fd = s->ctrl.in_fd, .events = POLLRDHUP};

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

enum store_how { STORE_REPLACE, STORE_APPEND, STORE_UNIQUE };

/* A hidden name for the upload in progress, in the target's directory. */
static int open_temp(int dirfd, char *name, size_t cap)
{
	int tries;

	for (tries = 0; tries < 16; tries++) {
		unsigned long long r = 0;
		int fd;

		if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
			r ^= (unsigned long long)getpid() << 20 ^ (unsigned long long)tries;
		snprintf(name, cap, ".sockftpd-upload.%016llx", r);
		fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
			    0666);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

static int open_unique(struct session *s, const struct command *cmd, char *vpath)
{
	char base[VPATH_MAX], try[VPATH_MAX + 8];
	int i, r;

	r = session_path(s, cmd->arg_len ? cmd->arg : "file", cmd->arg_len ? cmd->arg_len : 4,
			 base);
	if (r < 0)
		return r;
	for (i = 0; i < 100; i++) {
		int fd;

		if (i == 0)
			snprintf(try, sizeof(try), "%s", base);
		else
			snprintf(try, sizeof(try), "%s.%d", base, i);
		if (strlen(try) >= VPATH_MAX)
			break;
		fd = vfs_open(&s->vfs, try, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0666);
		if (fd >= 0) {
			memcpy(vpath, try, strlen(try) + 1);
			return fd;
		}
		if (errno != EEXIST)
			return session_reply_errno(s, errno) < 0 ? -2 : -1;
	}
	return ctrl_reply(&s->ctrl, 553, "Could not make a unique file name.") < 0 ? -2 : -1;
}

static int store(struct session *s, const struct command *cmd, enum store_how how)
{
	char vpath[VPATH_MAX], tmp[64], what[VPATH_MAX + 16];
	const char *name = NULL;
	off_t rest = s->rest, bytes = 0;
	int r, fd, dirfd = -1, dfd, status;
	bool atomic = how == STORE_REPLACE && rest == 0;

	s->rest = 0;
	r = session_deny_write(s);
	if (r)
		return r < 0 ? -1 : 0;
	if (how == STORE_UNIQUE) {
		fd = open_unique(s, cmd, vpath);
		if (fd < 0)
			return fd == -1 ? 0 : -1;
	} else {
		r = session_path(s, cmd->arg, cmd->arg_len, vpath);
		if (r < 0)
			return r == -1 ? 0 : -1;
		if (atomic) {
			struct stat st;

			dirfd = vfs_open_parent(&s->vfs, vpath, &name);
			if (dirfd < 0)
				return session_reply_errno(s, errno);
			if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISDIR(st.st_mode)) {
				close(dirfd);
				return ctrl_reply(&s->ctrl, 550, "Is a directory.");
			}
			fd = open_temp(dirfd, tmp, sizeof(tmp));
		} else {
			struct stat st;

			/* O_NONBLOCK: a FIFO must not hang the session */
			fd = vfs_open(&s->vfs, vpath,
				      O_WRONLY | O_CREAT | O_NONBLOCK | O_NOCTTY |
				      (how == STORE_APPEND ? O_APPEND : 0), 0666);
			if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
				close(fd);
				return ctrl_reply(&s->ctrl, 550, "Not a regular file.");
			}
			if (fd >= 0 && rest && lseek(fd, rest, SEEK_SET) < 0) {
				close(fd);
				fd = -1;
			}
		}
		if (fd < 0) {
			r = errno;
			if (dirfd >= 0)
				close(dirfd);
			return session_reply_errno(s, r);
		}
	}
	if (how == STORE_UNIQUE)
		snprintf(what, sizeof(what), "FILE: %s", vpath);
	dfd = session_open_data(s, how == STORE_UNIQUE ? what : vpath);
	if (dfd < 0) {
		status = -1;
	} else {
		status = xfer_recv_file(s, dfd, fd, s->ascii, &bytes);
		close(dfd);
		if (status == XFER_DONE && client_gone(s))
			status = XFER_CTRL_GONE;
	}
	if (close(fd) < 0 && status == XFER_DONE)
		status = errno == ENOSPC || errno == EDQUOT ? XFER_NO_SPACE : XFER_FILE_ERROR;
	if (atomic) {
		/* Only a whole upload replaces the old file. */
		if (status == XFER_DONE && renameat(dirfd, tmp, dirfd, name) < 0)
			status = XFER_FILE_ERROR;
		if (status != XFER_DONE)
			unlinkat(dirfd, tmp, 0);
		close(dirfd);
	}
	if (dfd < 0)
		return dfd == -1 ? 0 : -1;
	return session_end_transfer(s, status,
				    how == STORE_APPEND ? "APPE" : how == STORE_UNIQUE ? "STOU" : "STOR",
				    vpath, bytes);
}

int cmd_stor(struct session *s, const struct command *cmd)
{
	return store(s, cmd, STORE_REPLACE);
}

int cmd_appe(struct session *s, const struct command *cmd)
{
	return store(s, cmd, STORE_APPEND);
}

int cmd_stou(struct session *s, const struct command *cmd)
{
	return store(s, cmd, STORE_UNIQUE);
}
