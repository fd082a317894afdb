/* cmd_transfer.c - RETR, STOR, APPE, STOU, REST, ABOR. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
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
	char vpath[VPATH_MAX], what[VPATH_MAX + 48];
	off_t rest = s->rest;
	struct stat st;
	struct chan dc;
	struct xfer x;
	int fd, e;
	enum outcome r;

	s->rest = 0;
	r = no_ascii_rest(s, rest);
	if (r == GO_ON)
		r = resolve(s, cmd->arg, cmd->arg_len, vpath);
	if (r != GO_ON)
		return r;
	fd = vfs_open(&s->vfs, vpath, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);
	if (fd < 0)
		return reply_errno(s, errno);
	e = fstat(fd, &st) < 0 ? errno : 0;
	if (!e && !S_ISREG(st.st_mode))
		r = reply(s, 550, S_ISDIR(st.st_mode) ? "Is a directory." : "Not a regular file.");
	else if (!e && rest > st.st_size)
		r = reply(s, 554, "REST offset beyond the end of the file.");
	else if (!e && rest && lseek(fd, rest, SEEK_SET) < 0)
		e = errno;
	if (e)
		r = reply_errno(s, e);
	if (r == GO_ON) {
		snprintf(what, sizeof(what), "%s (%lld bytes)", vpath,
			 (long long)(st.st_size - rest));
		r = open_data(s, what, &dc, NULL, NULL);
	}
	if (r != GO_ON) {
		close(fd);
		return r;
	}
	start_transfer(s, &x, &dc);
	r = end_transfer(s, &x, xfer_send_file(&x, fd, s->ascii), WAY_DOWNLOAD, "RETR", vpath);
	close(fd);
	return r;
}

enum store_how { STORE_REPLACE, STORE_APPEND, STORE_UNIQUE };

/* Where an upload goes: its directory, its name there, the file being
 * written, and what must happen to it when the upload is not whole. */
struct upload {
	char vpath[VPATH_MAX];
	const char *name;       /* in dirfd */
	int dirfd, fd;
	char tmp[64];           /* the hidden temporary name, "" when writing in place */
	bool created;           /* fd is a new file (STOU, APPE of a new name) */
	off_t old_size;         /* in place: the size before, restored when it fails */
};

/* The temporary file of the upload in progress, for on_stop(). */
static volatile sig_atomic_t pending_dirfd = -1;
static char pending_name[64];

static void pending(int dirfd, const char *name)
{
	pending_dirfd = -1;
	if (dirfd >= 0) {
		memcpy(pending_name, name, sizeof(pending_name));
		pending_dirfd = dirfd;
	}
}

/* A session stopped during an upload (SIGTERM from systemctl stop, SIGHUP,
 * SIGINT) leaves no temporary file behind: the old file stays, whole. */
static void on_stop(int sig)
{
	(void)sig;
	if (pending_dirfd >= 0)
		unlinkat(pending_dirfd, pending_name, 0);
	_exit(0);
}

void upload_guard_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

/* A hidden name for the upload in progress, in the target's directory. */
static int open_temp(struct upload *u)
{
	int tries;

	for (tries = 0; tries < 16; tries++) {
		unsigned long long r = 0;

		if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
			r ^= (unsigned long long)getpid() << 20 ^ (unsigned long long)tries;
		snprintf(u->tmp, sizeof(u->tmp), ".sockftpd-upload.%016llx", r);
		u->fd = openat(u->dirfd, u->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
			       0666);
		if (u->fd >= 0 || errno != EEXIST)
			break;
	}
	if (u->fd < 0)
		u->tmp[0] = '\0';
	else
		pending(u->dirfd, u->tmp);
	return u->fd;
}

/* STOR: a new file replaces the target only when the upload is whole.  The
 * target may be replaced only where this login could have written it: a
 * regular file it can open for writing (whose mode, and owner where the
 * process may, the new file keeps), or nothing. */
static enum outcome open_replacement(struct session *s, struct upload *u)
{
	struct stat st;
	bool exists = fstatat(u->dirfd, u->name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	int old = -1;

	if (exists && S_ISDIR(st.st_mode))
		return reply(s, 550, "Is a directory.");
	if (exists && !S_ISREG(st.st_mode))
		return reply(s, 550, "Not a regular file: not replaced.");
	if (exists) {
		old = openat(u->dirfd, u->name, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
			     O_CLOEXEC);
		if (old < 0)
			return reply_errno(s, errno);
		close(old);
	}
	if (open_temp(u) < 0)
		return reply_errno(s, errno);
	if (exists) {
		/* no set-id bit survives a replacement */
		fchmod(u->fd, st.st_mode & 01777);
		if (fchown(u->fd, st.st_uid, st.st_gid) < 0 && errno != EPERM) {
			char name[300];

			log_escape(name, sizeof(name), u->vpath, strlen(u->vpath));
			log_msg(LOG_WARNING, "error", "%s: keeping the owner of %s: %s", s->who,
				name, strerror(errno));
		}
	}
	return GO_ON;
}

/* APPE, and STOR after REST: written in place. */
static enum outcome open_in_place(struct session *s, struct upload *u, bool append,
				  off_t rest)
{
	/* O_NONBLOCK: a FIFO must not hang the session */
	int flags = O_WRONLY | O_NONBLOCK | O_NOCTTY | (append ? O_APPEND : 0);
	struct stat st;

	u->fd = vfs_open(&s->vfs, u->vpath, flags, 0);
	if (u->fd < 0 && errno == ENOENT && !rest) {
		u->fd = openat(u->dirfd, u->name, flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			       0666);
		u->created = u->fd >= 0;
	}
	if (u->fd < 0)
		return errno == ENOENT && rest
		       ? reply(s, 554, "REST offset beyond the end of the file.")
		       : reply_errno(s, errno);
	if (fstat(u->fd, &st) < 0)
		return reply_errno(s, errno);
	if (!S_ISREG(st.st_mode))
		return reply(s, 550, "Not a regular file.");
	if (rest > st.st_size)
		return reply(s, 554, "REST offset beyond the end of the file.");
	if (rest && lseek(u->fd, rest, SEEK_SET) < 0)
		return reply_errno(s, errno);
	u->old_size = st.st_size;
	return GO_ON;
}

/* STOU: a name that does not exist yet, from the argument or "file". */
static enum outcome open_unique(struct session *s, struct upload *u)
{
	char base[NAME_MAX + 1], try[NAME_MAX + 1];
	int i;

	snprintf(base, sizeof(base), "%s", u->name);
	for (i = 0; i < 100; i++) {
		if ((size_t)snprintf(try, sizeof(try), i ? "%s.%d" : "%s", base, i) >= sizeof(try))
			break;
		u->fd = openat(u->dirfd, try, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			       0666);
		if (u->fd >= 0) {
			size_t plen;

			path_basename(u->vpath, &plen);
			snprintf(u->vpath + plen, VPATH_MAX - plen, "%s%s", plen > 1 ? "/" : "", try);
			u->name = path_basename(u->vpath, &plen);
			u->created = true;
			return GO_ON;
		}
		if (errno != EEXIST)
			return reply_errno(s, errno);
	}
	return reply(s, 553, "Could not make a unique file name.");
}

/* Undo what an upload that did not happen left: a temporary or a new file. */
static void discard(void *arg)
{
	struct upload *u = arg;

	pending(-1, NULL);
	if (u->tmp[0])
		unlinkat(u->dirfd, u->tmp, 0);
	else if (u->created)
		unlinkat(u->dirfd, u->name, 0);
}

/* An upload written in place that failed gives the file back its old
 * length: an append leaves nothing (bytes a resumed upload overwrote stay
 * overwritten).  A whole one keeps what lies beyond it: STOR after REST
 * writes a region, as vsftpd does, so a client may patch a file. */
static enum xfer_status settle_in_place(struct upload *u, enum xfer_status st)
{
	if (st != XFER_DONE && !u->created)
		(void)!ftruncate(u->fd, u->old_size);
	return st;
}

/* Receive into u->fd and keep the result only when it is whole. */
static enum xfer_status receive(struct session *s, struct upload *u, struct chan *dc,
				struct xfer *x)
{
	enum xfer_status st;

	start_transfer(s, x, dc);
	st = xfer_recv_file(x, u->fd, s->ascii);
	if (!u->tmp[0])
		st = settle_in_place(u, st);
	if (close(u->fd) < 0 && st == XFER_DONE) {
		x->err = errno;
		st = errno == ENOSPC || errno == EDQUOT ? XFER_NO_SPACE : XFER_FILE_ERROR;
	}
	u->fd = -1;
	if (st != XFER_DONE && u->created)
		unlinkat(u->dirfd, u->name, 0);  /* "not stored" means not there */
	if (u->tmp[0]) {
		/* Only a whole upload replaces the old file. */
		if (st == XFER_DONE && renameat(u->dirfd, u->tmp, u->dirfd, u->name) < 0) {
			x->err = errno;
			st = XFER_FILE_ERROR;
		}
		if (st != XFER_DONE)
			unlinkat(u->dirfd, u->tmp, 0);
		pending(-1, NULL);
	}
	return st;
}

static enum outcome prepare(struct session *s, const struct command *cmd, enum store_how how,
			    off_t rest, struct upload *u)
{
	enum outcome r = need_write(s);

	if (r == GO_ON)
		r = no_ascii_rest(s, rest);
	/* no data connection asked for: say so before anything is created */
	if (r == GO_ON)
		r = need_data(s);
	if (r == GO_ON && how == STORE_UNIQUE && !cmd->arg_len)
		r = resolve(s, "file", 4, u->vpath);
	else if (r == GO_ON)
		r = resolve(s, cmd->arg, cmd->arg_len, u->vpath);
	if (r != GO_ON)
		return r;
	u->dirfd = vfs_open_parent(&s->vfs, u->vpath, &u->name);
	if (u->dirfd < 0)
		return reply_errno(s, errno);
	if (how == STORE_UNIQUE)
		return open_unique(s, u);
	if (how == STORE_APPEND || rest)
		return open_in_place(s, u, how == STORE_APPEND, rest);
	return open_replacement(s, u);
}

static enum outcome store(struct session *s, const struct command *cmd, enum store_how how)
{
	static const char *const verbs[] = {"STOR", "APPE", "STOU"};
	struct upload u = {.dirfd = -1, .fd = -1};
	char what[VPATH_MAX + 16];
	off_t rest = s->rest;
	struct chan dc;
	struct xfer x;
	enum outcome r;

	s->rest = 0;
	r = prepare(s, cmd, how, rest, &u);
	if (r == GO_ON) {
		snprintf(what, sizeof(what), how == STORE_UNIQUE ? "FILE: %s" : "%s", u.vpath);
		r = open_data(s, what, &dc, discard, &u);
		if (r == GO_ON)
			r = end_transfer(s, &x, receive(s, &u, &dc, &x), WAY_UPLOAD, verbs[how],
					 u.vpath);
	} else {
		discard(&u);
	}
	if (u.fd >= 0)
		close(u.fd);
	if (u.dirfd >= 0)
		close(u.dirfd);
	return r;
}

enum outcome cmd_stor(struct session *s, const struct command *cmd)
{
	return store(s, cmd, STORE_REPLACE);
}

enum outcome cmd_appe(struct session *s, const struct command *cmd)
{
	return store(s, cmd, STORE_APPEND);
}

enum outcome cmd_stou(struct session *s, const struct command *cmd)
{
	return store(s, cmd, STORE_UNIQUE);
}
