/* cmd_list.c - LIST, NLST, MLSD, MLST, STAT: directory listings, streamed
 * entry by entry (a directory of any size is never held in memory). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "listing.h"
#include "log.h"

enum list_kind { KIND_LIST, KIND_NLST, KIND_MLSD, KIND_STAT };

/* What a listing command names: an open directory (maybe filtered by a
 * pattern) or one file. */
struct target {
	char vpath[VPATH_MAX];
	int dirfd;                /* -1 for a single file */
	char pattern[256];        /* "" for no filter */
	char prefix[VPATH_MAX];   /* NLST of a pattern: the directory part as sent */
	struct stat st;           /* the file, or the directory */
};

/* Skip ls-style options ("-la", "-a -l") that clients put before a path. */
static void skip_options(const char **arg, size_t *len)
{
	while (*len > 0 && (*arg)[0] == '-') {
		const char *sp = memchr(*arg, ' ', *len);

		if (!sp) {
			*len = 0;
			return;
		}
		*len -= (size_t)(sp + 1 - *arg);
		*arg = sp + 1;
	}
}

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* The directory vpath names, or (not found) its parent filtered by the
 * glob pattern in its last component. */
static int open_dir_or_pattern(struct session *s, struct target *t, const char *arg,
			       size_t len)
{
	int fd = vfs_open(&s->vfs, t->vpath, O_RDONLY | O_DIRECTORY, 0);
	size_t plen;
	const char *base, *slash;

	if (fd >= 0 || errno != ENOENT)
		return fd;
	base = path_basename(t->vpath, &plen);
	slash = memrchr(arg, '/', len);
	if (!has_glob(base) || strlen(base) >= sizeof(t->pattern)) {
		errno = ENOENT;
		return -1;
	}
	snprintf(t->pattern, sizeof(t->pattern), "%s", base);
	if (slash)
		snprintf(t->prefix, sizeof(t->prefix), "%.*s", (int)(slash + 1 - arg), arg);
	t->vpath[plen] = '\0';
	return vfs_open(&s->vfs, t->vpath, O_RDONLY | O_DIRECTORY, 0);
}

/* Resolve and open what is to be listed: GO_ON, or the reply's outcome. */
static enum outcome open_target(struct session *s, const char *arg, size_t len,
				struct target *t, bool files_ok)
{
	enum outcome r = resolve(s, arg, len, t->vpath);
	int fd, e;

	t->dirfd = -1;
	t->pattern[0] = t->prefix[0] = '\0';
	if (r != GO_ON)
		return r;
	fd = open_dir_or_pattern(s, t, arg, len);
	if (fd < 0 && errno == ENOTDIR && files_ok) {
		fd = vfs_open(&s->vfs, t->vpath, O_PATH, 0);
		e = fd < 0 ? errno : fstat(fd, &t->st) < 0 ? errno : 0;
		if (fd >= 0)
			close(fd);
		return e ? reply_errno(s, e) : GO_ON;
	}
	if (fd < 0)
		return errno == ENOTDIR ? reply(s, 501, "Not a directory.") : reply_errno(s, errno);
	if (fstat(fd, &t->st) < 0) {
		e = errno;
		close(fd);
		return reply_errno(s, e);
	}
	t->dirfd = fd;
	return GO_ON;
}

static void lister_of(const struct session *s, struct lister *who)
{
	who->uid = geteuid();
	who->gid = getegid();
	who->may_write = s->vfs.writable;
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
static void put_dirs(struct session *s, struct dwriter *w, const struct target *t,
		     const struct lister *who)
{
	char parent[VPATH_MAX], line[512];
	size_t plen, n = listing_mlsx_line(line, sizeof(line), &t->st, ".", "cdir",
					    s->mlst_facts, who);
	struct stat pst;
	int pfd;

	dw_put(w, line, n);
	path_basename(t->vpath, &plen);
	memcpy(parent, t->vpath, plen);
	parent[plen] = '\0';
	pfd = vfs_open(&s->vfs, plen ? parent : "/", O_PATH | O_DIRECTORY, 0);
	if (pfd >= 0 && fstat(pfd, &pst) == 0) {
		n = listing_mlsx_line(line, sizeof(line), &pst, "..", "pdir", s->mlst_facts, who);
		dw_put(w, line, n);
	}
	if (pfd >= 0)
		close(pfd);
}

/* Stream the target into w. */
static void list_into(struct session *s, struct dwriter *w, enum list_kind kind,
		      struct target *t)
{
	struct lister who;
	time_t now = time(NULL);
	DIR *d;
	struct dirent *de;

	lister_of(s, &who);
	if (t->dirfd < 0) {
		size_t plen;
		const char *name = path_basename(t->vpath, &plen);

		put_entry(w, kind == KIND_STAT ? KIND_LIST : kind, -1, name, &t->st, "", &who,
			  now, s->mlst_facts);
		return;
	}
	if (kind == KIND_MLSD)
		put_dirs(s, w, t, &who);
	d = fdopendir(t->dirfd);
	if (!d)
		return;
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
		put_entry(w, kind, dirfd(d), name, &st, t->prefix, &who, now, s->mlst_facts);
	}
	closedir(d);
}

static enum outcome list_command(struct session *s, const struct command *cmd,
				 enum list_kind kind)
{
	static struct dwriter w;
	struct target t;
	const char *arg = cmd->arg;
	size_t len = cmd->arg_len;
	struct chan dc;
	struct xfer x;
	enum outcome r;

	if (kind != KIND_MLSD)
		skip_options(&arg, &len);
	r = open_target(s, arg, len, &t, kind != KIND_MLSD);
	if (r == GO_ON)
		r = open_data(s, t.vpath, &dc, NULL, NULL);
	if (r != GO_ON) {
		if (t.dirfd >= 0)
			close(t.dirfd);
		return r;
	}
	start_transfer(s, &x, &dc);
	dw_init(&w, &x, NULL);
	list_into(s, &w, kind, &t);
	if (t.dirfd >= 0)
		close(t.dirfd);
	return end_transfer(s, &x, dw_flush(&w), WAY_LISTING, verb_name(cmd->verb), t.vpath);
}

enum outcome cmd_list(struct session *s, const struct command *cmd)
{
	return list_command(s, cmd, KIND_LIST);
}

enum outcome cmd_nlst(struct session *s, const struct command *cmd)
{
	return list_command(s, cmd, KIND_NLST);
}

enum outcome cmd_mlsd(struct session *s, const struct command *cmd)
{
	return list_command(s, cmd, KIND_MLSD);
}

enum outcome cmd_mlst(struct session *s, const struct command *cmd)
{
	char vpath[VPATH_MAX], facts[VPATH_MAX + 512], head[VPATH_MAX + 32];
	const char *lines[3] = {head, facts, "End."};
	struct lister who;
	struct stat st;
	enum outcome r = resolve(s, cmd->arg, cmd->arg_len, vpath);
	int fd, e;
	size_t n;

	if (r != GO_ON)
		return r;
	fd = vfs_open(&s->vfs, vpath, O_PATH, 0);
	e = fd < 0 ? errno : fstat(fd, &st) < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	if (e)
		return reply_errno(s, e);
	lister_of(s, &who);
	/* "250-Listing path", " facts path", "250 End." in one write; the
	 * reply encodes CR and LF in the path */
	facts[0] = ' ';
	n = 1 + listing_mlsx_facts(facts + 1, sizeof(facts) - 1, &st, NULL, s->mlst_facts, &who);
	snprintf(facts + n, sizeof(facts) - n, " %s", vpath);
	snprintf(head, sizeof(head), "Listing %s", vpath);
	return reply_lines(s, 250, lines, 3);
}

static enum outcome stat_status(struct session *s)
{
	char l1[160], l2[160], l3[80], l4[80];
	const char *lines[] = {"sockftpd status:", l1, l2, l3, l4, "End of status."};

	snprintf(l1, sizeof(l1), " Connected from %s", s->who);
	snprintf(l2, sizeof(l2), " Logged in as %s (%s)", s->logged_in ? s->login.name : "nobody",
		 s->vfs.writable ? "read-write" : "read-only");
	snprintf(l3, sizeof(l3), " TYPE: %s, STRUcture: File, MODE: Stream",
		 s->ascii ? "ASCII" : "BINARY");
	snprintf(l4, sizeof(l4), " Data connection: %s",
		 s->data.mode == DATA_PASSIVE ? "passive, waiting"
		 : s->data.mode == DATA_ACTIVE ? "active, ready" : "none");
	return reply_lines(s, 211, lines, sizeof(lines) / sizeof(lines[0]));
}

enum outcome cmd_stat(struct session *s, const struct command *cmd)
{
	static struct dwriter w;
	struct target t;
	const char *arg = cmd->arg;
	size_t len = cmd->arg_len;
	char head[2 * VPATH_MAX + 40];
	size_t n;
	enum outcome r;

	if (!cmd->has_arg)
		return stat_status(s);
	skip_options(&arg, &len);
	r = open_target(s, arg, len, &t, true);
	if (r != GO_ON)
		return r;
	/* 213-, the listing (ls lines never start with a digit, and their
	 * names are encoded as replies encode them), 213 End: streamed over
	 * the control channel in one reply */
	dw_init(&w, NULL, &s->ctrl);
	memcpy(head, "213-Status of ", 14);
	n = 14 + listing_name(head + 14, sizeof(head) - 16, t.vpath);
	memcpy(head + n, ":\r\n", 3);
	dw_put(&w, head, n + 3);
	list_into(s, &w, KIND_STAT, &t);
	if (t.dirfd >= 0)
		close(t.dirfd);
	dw_put(&w, "213 End of status.\r\n", 20);
	return dw_flush(&w) == XFER_DONE ? REPLIED : DEAD;
}
