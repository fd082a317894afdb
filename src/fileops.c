/* fileops.c - the file work of a logged-in session. */
#include "fileops.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* fchmodat2 (Linux 6.6) by number where the headers are older: since Linux
 * 5.1 every new call has the same number on every architecture, plus the
 * architecture's base, which pidfd_send_signal (424) gives. */
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 (SYS_pidfd_send_signal - 424 + 452)
#endif

/* The temporary file of the upload in progress, for on_stop(). */
static volatile sig_atomic_t pending_dirfd = -1;
static char pending_name[64];
/* The user process's socket, for on_stop() in the network process. */
static volatile sig_atomic_t stop_peer = -1;

/* How long a stopped network process waits for its user process. */
#define PEER_WAIT_MS 2000

/* Where the pending temporary file is written down for the monitor, and
 * the parent directory of the upload under way. */
static struct fileops_leftover *leftover;
static char upload_dir[VPATH_MAX];

void fileops_record_leftover(struct fileops_leftover *rec)
{
	leftover = rec;
	if (rec)
		memset(rec, 0, sizeof(*rec));
}

static void pending(int dirfd, const char *name)
{
	pending_dirfd = -1;
	if (leftover)
		leftover->name[0] = '\0';
	if (dirfd >= 0) {
		memcpy(pending_name, name, sizeof(pending_name));
		pending_dirfd = dirfd;
		if (leftover) {
			memcpy(leftover->dir, upload_dir, sizeof(leftover->dir));
			snprintf(leftover->name, sizeof(leftover->name), "%s", name);
		}
	}
}

/* A session stopped during an upload (SIGTERM from systemctl stop, SIGHUP,
 * SIGINT) leaves no temporary file behind: the old file stays, whole. */
static void on_stop(int sig)
{
	(void)sig;
	if (pending_dirfd >= 0) {
		unlinkat(pending_dirfd, pending_name, 0);
		if (leftover)
			leftover->name[0] = '\0';
	}
	/* the network process: the user process sees the end of its requests,
	 * undoes a pending upload and exits; then the client sees ours */
	if (stop_peer >= 0) {
		struct pollfd p = {.fd = stop_peer, .events = POLLIN};
		char b[256];

		shutdown(stop_peer, SHUT_WR);
		while (poll(&p, 1, PEER_WAIT_MS) > 0 && recv(stop_peer, b, sizeof(b), MSG_DONTWAIT) > 0)
			;
	}
	_exit(0);
}

void fileops_guard_peer(int sock)
{
	stop_peer = sock;
}

void fileops_guard_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

void fileops_init(struct fileops *f, int root_fd, bool rw, bool confined)
{
	vfs_init(&f->vfs);
	vfs_set_root_fd(&f->vfs, root_fd, rw);
	f->confined = confined;
	f->up_dirfd = -1;
	f->up_tmp[0] = '\0';
	f->up_created = false;
	f->listing = false;
	f->list.dirfd = -1;
}

static void fail(struct fop_result *res, int err, enum fop_why why)
{
	res->err = err ? err : EIO;
	res->why = why;
}

/* The errno of a call that returned r (0 when it succeeded). */
static int err_of(int r)
{
	return r < 0 ? errno : 0;
}

/* Open the parent of vpath: its fd, and its last component copied into
 * name (NAME_MAX + 1).  -1 with errno. */
static int parent_of(const struct fileops *f, const char *vpath, char *name)
{
	const char *last;
	int fd = vfs_open_parent(&f->vfs, vpath, &last);

	if (fd >= 0 && strlen(last) > NAME_MAX) {
		close(fd);
		errno = ENAMETOOLONG;
		return -1;
	}
	if (fd >= 0)
		memcpy(name, last, strlen(last) + 1);
	return fd;
}

/* chmod of name in dirfd, never following a last symbolic link (which
 * Linux cannot chmod: EOPNOTSUPP).  An errno, or 0. */
static int chmod_at(const struct fileops *f, int dirfd, const char *name, mode_t mode)
{
	struct stat st;

	if (syscall(SYS_fchmodat2, dirfd, name, mode, AT_SYMLINK_NOFOLLOW) == 0)
		return 0;
	if (errno != ENOSYS)
		return errno;
	/* before Linux 6.6: the C library's way, through /proc */
	if (fchmodat(dirfd, name, mode, AT_SYMLINK_NOFOLLOW) == 0)
		return 0;
	if (errno != EOPNOTSUPP || !f->confined)
		return errno;
	/* no /proc under the chroot: not a link now, then changed; a link
	 * swapped in meanwhile is followed, but below the chroot */
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno;
	if (S_ISLNK(st.st_mode))
		return EOPNOTSUPP;
	return err_of(fchmodat(dirfd, name, mode, 0));
}

/* The calls on a parent directory and a name: MKD, RMD, DELE, RNFR, SITE
 * CHMOD.  An errno, or 0. */
static int on_name(const struct fileops *f, const struct fop_request *rq)
{
	char name[NAME_MAX + 1];
	struct stat st;
	int fd = parent_of(f, rq->path, name), e;

	if (fd < 0)
		return errno;
	switch (rq->op) {
	case FOP_MKDIR:
		e = err_of(mkdirat(fd, name, 0777));
		break;
	case FOP_RMDIR:
		e = err_of(unlinkat(fd, name, AT_REMOVEDIR));
		break;
	case FOP_DELETE:
		e = err_of(unlinkat(fd, name, 0));
		break;
	case FOP_RNFR:
		e = err_of(fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW));
		break;
	default:
		e = chmod_at(f, fd, name, (mode_t)rq->arg);
		break;
	}
	close(fd);
	return e;
}

static int rename_op(const struct fileops *f, const struct fop_request *rq)
{
	char from[NAME_MAX + 1], to[NAME_MAX + 1];
	int tfd = parent_of(f, rq->path2, to), ffd, e;

	if (tfd < 0)
		return errno;
	ffd = parent_of(f, rq->path, from);
	e = ffd < 0 ? errno : err_of(renameat(ffd, from, tfd, to));
	if (ffd >= 0)
		close(ffd);
	close(tfd);
	return e;
}

/* CWD: a directory the login may search.  O_PATH does not check search
 * permission: faccessat does, for the effective uid. */
static int cwd_op(const struct fileops *f, const char *vpath)
{
	int fd = vfs_open(&f->vfs, vpath, O_PATH | O_DIRECTORY, 0), e;

	if (fd < 0)
		return errno;
	e = err_of(faccessat(fd, ".", X_OK, AT_EACCESS));
	close(fd);
	return e;
}

static int stat_op(const struct fileops *f, const char *vpath, struct stat *st)
{
	int fd = vfs_open(&f->vfs, vpath, O_PATH, 0), e;

	if (fd < 0)
		return errno;
	e = err_of(fstat(fd, st));
	close(fd);
	return e;
}

/* A hidden name for the upload in progress, in the target's directory. */
static int open_temp(struct fileops *f)
{
	int tries, fd = -1;

	for (tries = 0; tries < 16; tries++) {
		unsigned long long r = 0;

		if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
			r ^= (unsigned long long)getpid() << 20 ^ (unsigned long long)tries;
		snprintf(f->up_tmp, sizeof(f->up_tmp), FILEOPS_TEMP_PREFIX "%016llx", r);
		fd = openat(f->up_dirfd, f->up_tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
			    O_NOFOLLOW, 0666);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0)
		f->up_tmp[0] = '\0';
	else
		pending(f->up_dirfd, f->up_tmp);
	return fd;
}

/* STOR: a new file replaces the target only when the upload is whole.  The
 * target may be replaced only where this login could have written it: a
 * regular file it can open for writing (whose mode, and owner where the
 * process may, the new file keeps), or nothing. */
static int open_replacement(struct fileops *f, struct fop_result *res)
{
	struct stat st;
	bool exists = fstatat(f->up_dirfd, f->up_name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	int fd;

	if (exists && S_ISDIR(st.st_mode)) {
		fail(res, EISDIR, WHY_ERRNO);
		return -1;
	}
	if (exists && !S_ISREG(st.st_mode)) {
		fail(res, EINVAL, WHY_NOT_REPLACED);
		return -1;
	}
	if (exists) {
		int old = openat(f->up_dirfd, f->up_name, O_WRONLY | O_NOFOLLOW | O_NONBLOCK |
				 O_NOCTTY | O_CLOEXEC);

		if (old < 0) {
			fail(res, errno, WHY_ERRNO);
			return -1;
		}
		close(old);
	}
	fd = open_temp(f);
	if (fd < 0) {
		fail(res, errno, WHY_ERRNO);
		return -1;
	}
	if (exists) {
		/* no set-id bit survives a replacement */
		(void)!fchmod(fd, st.st_mode & 01777);
		if (fchown(fd, st.st_uid, st.st_gid) < 0 && errno != EPERM)
			res->warn = errno;
	}
	return fd;
}

/* APPE, and STOR after REST: written in place. */
static int open_in_place(struct fileops *f, const char *vpath, bool append, off_t rest,
			 struct fop_result *res)
{
	/* O_NONBLOCK: a FIFO must not hang the session */
	int flags = O_WRONLY | O_NONBLOCK | O_NOCTTY | (append ? O_APPEND : 0);
	struct stat st;
	int fd = vfs_open(&f->vfs, vpath, flags, 0);

	if (fd < 0 && errno == ENOENT && !rest) {
		fd = openat(f->up_dirfd, f->up_name, flags | O_CREAT | O_EXCL | O_NOFOLLOW |
			    O_CLOEXEC, 0666);
		f->up_created = fd >= 0;
	}
	if (fd < 0) {
		if (errno == ENOENT && rest)
			fail(res, ENOENT, WHY_REST_BEYOND);
		else
			fail(res, errno, WHY_ERRNO);
		return -1;
	}
	res->flags |= FOP_IN_PLACE;
	if (fstat(fd, &st) < 0)
		fail(res, errno, WHY_ERRNO);
	else if (!S_ISREG(st.st_mode))
		fail(res, EINVAL, WHY_NOT_REGULAR);
	else if (rest > st.st_size)
		fail(res, EINVAL, WHY_REST_BEYOND);
	else if (rest && lseek(fd, rest, SEEK_SET) < 0)
		fail(res, errno, WHY_ERRNO);
	else
		res->old_size = st.st_size;
	if (res->err) {
		close(fd);
		return -1;
	}
	return fd;
}

/* STOU: a name that does not exist yet, from the argument or "file". */
static int open_unique(struct fileops *f, const char *vpath, struct fop_result *res)
{
	char base[NAME_MAX + 1], try[NAME_MAX + 1];
	int i;

	snprintf(base, sizeof(base), "%s", f->up_name);
	for (i = 0; i < 100; i++) {
		int fd;

		if ((size_t)snprintf(try, sizeof(try), i ? "%s.%d" : "%s", base, i) >= sizeof(try))
			break;
		fd = openat(f->up_dirfd, try, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			    0666);
		if (fd >= 0) {
			size_t plen;

			path_basename(vpath, &plen);
			snprintf(res->path, sizeof(res->path), "%.*s%s%s", (int)plen, vpath,
				 plen > 1 ? "/" : "", try);
			memcpy(f->up_name, try, strlen(try) + 1);
			f->up_created = true;
			return fd;
		}
		if (errno != EEXIST) {
			fail(res, errno, WHY_ERRNO);
			return -1;
		}
	}
	fail(res, EEXIST, WHY_NO_UNIQUE);
	return -1;
}

/* Take back what an upload made, and forget it. */
static void upload_done(struct fileops *f, bool keep, struct fop_result *res)
{
	int e = 0;

	if (f->up_tmp[0] && keep)
		e = err_of(renameat(f->up_dirfd, f->up_tmp, f->up_dirfd, f->up_name));
	if (!keep && f->up_created)
		unlinkat(f->up_dirfd, f->up_name, 0);  /* "not stored" means not there */
	if (f->up_tmp[0] && (!keep || e))
		unlinkat(f->up_dirfd, f->up_tmp, 0);
	pending(-1, NULL);
	if (f->up_dirfd >= 0)
		close(f->up_dirfd);
	f->up_dirfd = -1;
	f->up_tmp[0] = '\0';
	f->up_created = false;
	if (e)
		fail(res, e, WHY_ERRNO);
}

static int upload(struct fileops *f, const struct fop_request *rq, struct fop_result *res)
{
	int fd;

	if (f->up_dirfd >= 0) {
		struct fop_result ignored;

		upload_done(f, false, &ignored);  /* never two at once */
	}
	f->up_dirfd = parent_of(f, rq->path, f->up_name);
	{
		size_t plen;

		path_basename(rq->path, &plen);
		snprintf(upload_dir, sizeof(upload_dir), "%.*s", (int)plen, rq->path);
	}
	if (f->up_dirfd < 0) {
		fail(res, errno, WHY_ERRNO);
		return -1;
	}
	snprintf(res->path, sizeof(res->path), "%s", rq->path);
	if (rq->arg == UPLOAD_UNIQUE)
		fd = open_unique(f, rq->path, res);
	else if (rq->arg == UPLOAD_APPEND || rq->off)
		fd = open_in_place(f, rq->path, rq->arg == UPLOAD_APPEND, (off_t)rq->off, res);
	else
		fd = open_replacement(f, res);
	if (fd < 0) {
		struct fop_result ignored;

		memset(&ignored, 0, sizeof(ignored));
		upload_done(f, false, &ignored);
		return -1;
	}
	if (f->up_created)
		res->flags |= FOP_CREATED;
	return fd;
}

static void list_op(struct fileops *f, const struct fop_request *rq, struct fop_result *res)
{
	int e;

	fileops_list_cancel(f);
	e = lister_open(&f->vfs, &f->list, rq->path, rq->path2, rq->flags & FOP_FILES_OK);
	if (e) {
		fail(res, e, WHY_ERRNO);
		return;
	}
	f->listing = true;
	f->list_kind = (enum list_kind)rq->arg;
	f->list_facts = rq->flags & FACT_ALL;
	res->st = f->list.st;
	if (f->list.dirfd < 0)
		res->flags |= FOP_ONE_FILE;
	snprintf(res->path, sizeof(res->path), "%s", f->list.vpath);
}

static bool writes(enum fop op)
{
	return op == FOP_MKDIR || op == FOP_RMDIR || op == FOP_DELETE || op == FOP_RNFR ||
	       op == FOP_RENAME || op == FOP_CHMOD || op == FOP_UPLOAD;
}

/* A file to read (RETR): only a regular file's descriptor leaves here, not
 * a directory's (which the network process could walk or list with) nor a
 * device's or a FIFO's; *st is its stat.  -1 with errno: EISDIR, or ENODEV
 * for the others. */
static int open_regular(const struct fileops *f, const char *vpath, struct stat *st)
{
	int fd = vfs_open(&f->vfs, vpath, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0), e = 0;

	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0)
		e = errno;
	else if (S_ISDIR(st->st_mode))
		e = EISDIR;
	else if (!S_ISREG(st->st_mode))
		e = ENODEV;
	if (e) {
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

void fileops_do(struct fileops *f, const struct fop_request *rq, struct fop_result *res,
		int *fd)
{
	memset(res, 0, sizeof(*res));
	*fd = -1;
	if (writes(rq->op) && !f->vfs.writable) {
		fail(res, EACCES, WHY_ERRNO);
		return;
	}
	switch (rq->op) {
	case FOP_CWD:
		res->err = cwd_op(f, rq->path);
		break;
	case FOP_STAT:
		res->err = stat_op(f, rq->path, &res->st);
		break;
	case FOP_OPEN_READ:
		*fd = open_regular(f, rq->path, &res->st);
		res->err = *fd < 0 ? errno : 0;
		break;
	case FOP_RENAME:
		res->err = rename_op(f, rq);
		break;
	case FOP_UPLOAD:
		*fd = upload(f, rq, res);
		break;
	case FOP_UPLOAD_END:
		if (f->up_dirfd < 0)
			fail(res, EINVAL, WHY_ERRNO);
		else
			upload_done(f, rq->arg == 1, res);
		break;
	case FOP_LIST:
		list_op(f, rq, res);
		break;
	default:
		res->err = on_name(f, rq);
		break;
	}
}

void fileops_list_run(struct fileops *f, struct dwriter *w)
{
	struct lister who = {.uid = geteuid(), .gid = getegid(), .may_write = f->vfs.writable};

	if (!f->listing)
		return;
	f->listing = false;
	lister_run(&f->vfs, &f->list, f->list_kind, f->list_facts, &who, w);
	lister_close(&f->list);
}

void fileops_list_cancel(struct fileops *f)
{
	if (f->listing)
		lister_close(&f->list);
	f->listing = false;
}

void fileops_abandon(struct fileops *f)
{
	struct fop_result ignored;

	fileops_list_cancel(f);
	if (f->up_dirfd >= 0)
		upload_done(f, false, &ignored);
	vfs_close(&f->vfs);
}
