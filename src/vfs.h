/* vfs.h - the session's file system: a root directory fd and a current
 * directory.  Every path the client sends is resolved inside the root
 * (openat2 with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS; in the chrooted
 * user process, the chroot: vfs_resolve_by), so "..", absolute paths and
 * symlinks cannot lead out of it. */
#ifndef SOCKFTPD_VFS_H
#define SOCKFTPD_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "pathrules.h"

struct vfs {
	int root_fd;            /* O_PATH directory; -1 before login */
	char cwd[VPATH_MAX];    /* virtual, normalized: "/" at the root */
	bool writable;
};

void vfs_init(struct vfs *v);

/* Open dir as the root.  -1 with errno. */
int vfs_open_root(struct vfs *v, const char *dir, bool writable);
/* Take an already open directory fd as the root (the vfs owns it now). */
void vfs_set_root_fd(struct vfs *v, int fd, bool writable);
void vfs_close(struct vfs *v);

/* Resolve the client's path against the cwd into vpath (VPATH_MAX bytes).
 * -1 with errno EINVAL (NUL byte) or ENAMETOOLONG. */
int vfs_path(const struct vfs *v, const char *arg, size_t len, char *vpath);

/* How vfs_open() resolves paths, for the whole process:
 *   VFS_OPENAT2   openat2() with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS
 *                 (the default; where it is missing, VFS_WALK from then on)
 *   VFS_WALK      vfs_walk_open() below, in user space
 *   VFS_CHROOTED  plain openat(): the kernel resolves, confined by the
 *                 process's own root, which must be the vfs's root and
 *                 hold no proc file system (whose magic links lead out of
 *                 any chroot).  The user process, whose filter refuses
 *                 openat2 (a mode it cannot check), chrooted into the home:
 *                 userproc.c checks both. */
enum vfs_how { VFS_OPENAT2, VFS_WALK, VFS_CHROOTED };
void vfs_resolve_by(enum vfs_how how);

/* Open a virtual path inside the root, as vfs_resolve_by() says.  -1 with
 * errno. */
int vfs_open(const struct vfs *v, const char *vpath, int flags, mode_t mode);

/* The user-space walk vfs_open() falls back to where openat2() is missing
 * (kernels before 5.6, some container filters, valgrind): rel resolved
 * below rootfd one component at a time, never letting the kernel follow a
 * link, ".." never above the root, at most 40 links.  -1 with errno. */
int vfs_walk_open(int rootfd, const char *rel, int flags, mode_t mode);

/* Open the parent directory of vpath (O_PATH) and point *name at its last
 * component, for the *at() calls that must not follow a final symlink
 * (unlink, mkdir, rename, create).  The root itself has no parent: -1 with
 * errno EPERM. */
int vfs_open_parent(const struct vfs *v, const char *vpath, const char **name);

#endif
