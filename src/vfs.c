/* vfs.c - the session's confined file system. */
#include "vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

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
	vfs_close(v);
	v->root_fd = fd;
	v->writable = writable;
	v->cwd[0] = '/';
	v->cwd[1] = '\0';
	return 0;
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

static int in_root(int dirfd, const char *rel, int flags, mode_t mode)
{
	struct open_how how;

	memset(&how, 0, sizeof(how));
	how.flags = (unsigned long long)(flags | O_CLOEXEC);
	if (flags & (O_CREAT | O_TMPFILE))
		how.mode = mode;
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	for (;;) {
		long fd = syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));

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
