/* lister.c - listings streamed from the file system. */
#include "lister.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* The directory t->vpath names, or (not found) its parent filtered by the
 * glob pattern in its last component. */
static int open_dir_or_pattern(const struct vfs *v, struct list_target *t, const char *prefix)
{
	int fd = vfs_open(v, t->vpath, O_RDONLY | O_DIRECTORY, 0);
	size_t plen;
	const char *base;

	if (fd >= 0 || errno != ENOENT)
		return fd;
	base = path_basename(t->vpath, &plen);
	if (!has_glob(base) || strlen(base) >= sizeof(t->pattern)) {
		errno = ENOENT;
		return -1;
	}
	snprintf(t->pattern, sizeof(t->pattern), "%s", base);
	snprintf(t->prefix, sizeof(t->prefix), "%s", prefix);
	t->vpath[plen] = '\0';
	return vfs_open(v, t->vpath, O_RDONLY | O_DIRECTORY, 0);
}

int lister_open(const struct vfs *v, struct list_target *t, const char *vpath,
		const char *prefix, bool files_ok)
{
	int fd, e;

	t->dirfd = -1;
	t->pattern[0] = t->prefix[0] = '\0';
	snprintf(t->vpath, sizeof(t->vpath), "%s", vpath);
	fd = open_dir_or_pattern(v, t, prefix);
	if (fd < 0 && errno == ENOTDIR && files_ok) {
		fd = vfs_open(v, t->vpath, O_PATH, 0);
		e = fd < 0 ? errno : fstat(fd, &t->st) < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		return e;
	}
	if (fd < 0)
		return errno;
	if (fstat(fd, &t->st) < 0) {
		e = errno;
		close(fd);
		return e;
	}
	t->dirfd = fd;
	return 0;
}

void lister_close(struct list_target *t)
{
	if (t->dirfd >= 0)
		close(t->dirfd);
	t->dirfd = -1;
}

/* One entry in the form the command wants. */
static int put_entry(struct dwriter *w, enum list_kind kind, int dirfd, const char *name,
		     const struct stat *st, const char *prefix, const struct lister *who,
		     time_t now, unsigned facts)
{
	char line[2 * VPATH_MAX + 512];
	size_t n;

	switch (kind) {
	case KIND_NLST:
		n = listing_name(line, sizeof(line) - 2, prefix);
		n += listing_name(line + n, sizeof(line) - 2 - n, name);
		memcpy(line + n, "\r\n", 2);
		n += 2;
		break;
	case KIND_MLSD:
		n = listing_mlsx_line(line, sizeof(line), st, name, NULL, facts, who);
		break;
	default: {
		char target[VPATH_MAX];
		ssize_t tl = -1;

		if (S_ISLNK(st->st_mode) && dirfd >= 0) {
			tl = readlinkat(dirfd, name, target, sizeof(target) - 1);
			if (tl >= 0)
				target[tl] = '\0';
		}
		n = listing_ls_line(line, sizeof(line), st, name, tl >= 0 ? target : NULL, now);
		break;
	}
	}
	return dw_put(w, line, n);
}

/* MLSD's cdir and pdir entries. */
static void put_dirs(const struct vfs *v, struct dwriter *w, const struct list_target *t,
		     unsigned facts, const struct lister *who)
{
	char parent[VPATH_MAX], line[512];
	size_t plen, n = listing_mlsx_line(line, sizeof(line), &t->st, ".", "cdir", facts, who);
	struct stat pst;
	int pfd;

	dw_put(w, line, n);
	path_basename(t->vpath, &plen);
	memcpy(parent, t->vpath, plen);
	parent[plen] = '\0';
	pfd = vfs_open(v, plen ? parent : "/", O_PATH | O_DIRECTORY, 0);
	if (pfd >= 0 && fstat(pfd, &pst) == 0) {
		n = listing_mlsx_line(line, sizeof(line), &pst, "..", "pdir", facts, who);
		dw_put(w, line, n);
	}
	if (pfd >= 0)
		close(pfd);
}

void lister_run(const struct vfs *v, struct list_target *t, enum list_kind kind,
		unsigned facts, const struct lister *who, struct dwriter *w)
{
	time_t now = time(NULL);
	DIR *d;
	struct dirent *de;

	if (t->dirfd < 0) {
		size_t plen;
		const char *name = path_basename(t->vpath, &plen);

		put_entry(w, kind == KIND_STAT ? KIND_LIST : kind, -1, name, &t->st, "", who,
			  now, facts);
		return;
	}
	if (kind == KIND_MLSD)
		put_dirs(v, w, t, facts, who);
	d = fdopendir(t->dirfd);
	if (!d) {
		lister_close(t);
		return;
	}
	t->dirfd = -1; /* owned by d now */
	while (w->status == XFER_DONE && (de = readdir(d)) != NULL) {
		struct stat st;
		const char *name = de->d_name;

		if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')))
			continue;
		if (t->pattern[0] && fnmatch(t->pattern, name, FNM_PERIOD) != 0)
			continue;
		if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue; /* vanished meanwhile */
		put_entry(w, kind, dirfd(d), name, &st, t->prefix, who, now, facts);
	}
	closedir(d);
}
