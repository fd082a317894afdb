/* vfs.c - the session's confined file system. */
#include "vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"

void vfs_init(struct vfs *v)
{
	v->root_fd = -1;
	v->cwd[0] = '/';
	v->cwd[1] = '\0';
	v->writable = false;
}

int vfs_open_root(struct vfs *v, const char *dir, bool writable)
{
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	vfs_set_root_fd(v, fd, writable);
	return 0;
}

void vfs_set_root_fd(struct vfs *v, int fd, bool writable)
{
	vfs_close(v);
	v->root_fd = fd;
	v->writable = writable;
	v->cwd[0] = '/';
	v->cwd[1] = '\0';
}

void vfs_close(struct vfs *v)
{
	if (v->root_fd >= 0)
		close(v->root_fd);
	vfs_init(v);
}

int vfs_path(const struct vfs *v, const char *arg, size_t len, char *vpath)
{
	switch (path_resolve(vpath, VPATH_MAX, v->cwd, arg, len)) {
	case PATH_OK:
		return 0;
	case PATH_NUL:
		errno = EINVAL;
		return -1;
	default:
		errno = ENAMETOOLONG;
		return -1;
	}
}

/* Where openat2() is missing (Linux before 5.6, some container seccomp
 * profiles, valgrind), the same rules are followed in user space, one
 * component at a time: no component is ever followed by the kernel
 * (O_NOFOLLOW), a symbolic link is read and its target walked again from
 * the root when absolute, ".." never climbs above the root, and at most 40
 * links are followed.  The kernel's RESOLVE_IN_ROOT also defends against a
 * directory being moved out of the root during the walk; this fallback
 * does not, which is why it is only a fallback. */
#define WALK_MAX_LINKS 40

static bool same_dir(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* Replace the walk's remaining path by the link's target followed by rest. */
static int expand_link(int dirfd, const char *name, char *path, size_t cap,
		       const char *rest)
{
	char target[VPATH_MAX], tmp[VPATH_MAX];
	ssize_t n = readlinkat(dirfd, name, target, sizeof(target) - 1);

	if (n < 0)
		return -1;
	target[n] = '\0';
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s%s%s", target, *rest ? "/" : "", rest) >=
	    sizeof(tmp) || strlen(tmp) >= cap) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, tmp, strlen(tmp) + 1);
	return 0;
}

/* Take the next component of *p into comp ("." for an empty one); *p moves
 * past it and its slashes.  -1 (ENAMETOOLONG) for a component too long. */
static int next_component(const char **p, char *comp)
{
	const char *slash;
	size_t len;

	while (**p == '/')
		(*p)++;
	slash = strchr(*p, '/');
	len = slash ? (size_t)(slash - *p) : strlen(*p);
	if (len > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(comp, *p, len);
	comp[len] = '\0';
	*p += len;
	while (**p == '/')
		(*p)++;
	if (len == 0)
		strcpy(comp, ".");
	return 0;
}

/* Step from directory *cur to the directory fd of comp (never following
 * a link: the walk does that itself); *cur is closed.  0 or -1. */
static int step_into(int *cur, const char *comp)
{
	int next = openat(*cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	close(*cur);
	*cur = next;
	return next < 0 ? -1 : 0;
}

/* comp in *cur is a link: the rest of the walk becomes its target followed
 * by what was left (p), from the root when the target is absolute. */
static int follow_link(int rootfd, int *cur, const char *comp, char *path, const char **p)
{
	char rest[VPATH_MAX];

	memcpy(rest, *p, strlen(*p) + 1);
	if (expand_link(*cur, comp, path, VPATH_MAX, rest) < 0)
		return -1;
	*p = path;
	if (*path == '/') {
		close(*cur);
		*cur = fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
		if (*cur < 0)
			return -1;
	}
	return 0;
}

int vfs_walk_open(int rootfd, const char *rel, int flags, mode_t mode)
{
	char path[VPATH_MAX], comp[NAME_MAX + 1];
	const char *p = path;
	int cur, links = 0;

	if (strlen(rel) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, rel, strlen(rel) + 1);
	cur = fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
	while (cur >= 0) {
		struct stat st;
		bool last;

		if (next_component(&p, comp) < 0)
			break;
		last = *p == '\0';
		if (strcmp(comp, "..") == 0 && same_dir(cur, rootfd))
			strcpy(comp, ".");
		if (!last && (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0)) {
			if (step_into(&cur, comp) < 0)
				return -1;
			continue;
		}
		/* a symbolic link is walked, never handed to the kernel */
		if (fstatat(cur, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode) &&
		    !(last && (flags & O_NOFOLLOW))) {
			if (++links > WALK_MAX_LINKS) {
				errno = ELOOP;
				break;
			}
			if (follow_link(rootfd, &cur, comp, path, &p) < 0)
				break;
			continue;
		}
		if (last) {
			int fd = openat(cur, comp, flags | O_NOFOLLOW | O_CLOEXEC, mode);

			close(cur);
			return fd;
		}
		if (step_into(&cur, comp) < 0)
			return -1;
	}
	if (cur >= 0) {
		int e = errno;

		close(cur);
		errno = e;
	}
	return -1;
}

static enum vfs_how how_now = VFS_OPENAT2;

void vfs_resolve_by(enum vfs_how how)
{
	how_now = how;
}

static int in_root(int dirfd, const char *rel, int flags, mode_t mode)
{
	struct open_how how;

	switch (how_now) {
	case VFS_WALK:
		return vfs_walk_open(dirfd, rel, flags, mode);
	case VFS_CHROOTED:
		/* the process's root is the vfs's: the kernel keeps ".." and
		 * absolute links in it, and no magic link is below it */
		return openat(dirfd, rel, flags | O_CLOEXEC, mode);
	default:
		break;
	}
	memset(&how, 0, sizeof(how));
	how.flags = (unsigned long long)(flags | O_CLOEXEC);
	if (flags & (O_CREAT | O_TMPFILE))
		how.mode = mode;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	for (;;) {
		long fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));

		if (fd < 0 && errno == ENOSYS) {
			how_now = VFS_WALK;
			log_msg(LOG_WARNING, "error", "openat2() is not available (kernel older "
				"than 5.6, or filtered): paths are resolved in user space");
			return vfs_walk_open(dirfd, rel, flags, mode);
		}
		/* EAGAIN: a rename raced with the lookup; the kernel asks to retry */
		if (fd >= 0 || (errno != EAGAIN && errno != EINTR))
			return (int)fd;
	}
}

int vfs_open(const struct vfs *v, const char *vpath, int flags, mode_t mode)
{
	if (v->root_fd < 0) {
		errno = EACCES;
		return -1;
	}
	return in_root(v->root_fd, path_relative(vpath), flags, mode);
}

int vfs_open_parent(const struct vfs *v, const char *vpath, const char **name)
{
	char parent[VPATH_MAX];
	size_t plen;

	*name = path_basename(vpath, &plen);
	if (**name == '\0') {
		errno = EPERM;
		return -1;
	}
	memcpy(parent, vpath, plen);
	parent[plen] = '\0';
	return vfs_open(v, parent, O_PATH | O_DIRECTORY, 0);
}
