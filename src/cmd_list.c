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
#include "transfer.h"

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

/* Resolve and open what is to be listed; replies itself on error (returns
 * -1, or -2 on a control failure). */
static int open_target(struct session *s, const char *arg, size_t len, struct target *t,
		       bool files_ok)
{
	int r = session_path(s, arg, len, t->vpath), fd;

	t->dirfd = -1;
	t->pattern[0] = t->prefix[0] = '\0';
	if (r < 0)
		return r;
	fd = vfs_open(&s->vfs, t->vpath, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0 && errno == ENOENT) {
		size_t plen;
		const char *base = path_basename(t->vpath, &plen);
		const char *slash = memrchr(arg, '/', len);

		if (has_glob(base) && strlen(base) < sizeof(t->pattern)) {
			snprintf(t->pattern, sizeof(t->pattern), "%s", base);
			if (slash)
				snprintf(t->prefix, sizeof(t->prefix), "%.*s",
					 (int)(slash + 1 - arg), arg);
			t->vpath[plen] = '\0';
			fd = vfs_open(&s->vfs, t->vpath, O_RDONLY | O_DIRECTORY, 0);
		} else {
			errno = ENOENT;
		}
	}
	if (fd < 0 && errno == ENOTDIR && files_ok) {
		fd = vfs_open(&s->vfs, t->vpath, O_PATH, 0);
		if (fd >= 0) {
			r = fstat(fd, &t->st);
			close(fd);
			if (r == 0)
				return 0;
		}
	}
	if (fd < 0) {
		if (errno == ENOTDIR)
			return ctrl_reply(&s->ctrl, 501, "Not a directory.") < 0 ? -2 : -1;
		return session_reply_errno(s, errno) < 0 ? -2 : -1;
	}
	if (fstat(fd, &t->st) < 0) {
		r = errno;
		close(fd);
		return session_reply_errno(s, r) < 0 ? -2 : -1;
	}
	t->dirfd = fd;
	return 0;
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
	char line[VPATH_MAX + 512];
	size_t n;

	switch (kind) {
	case KIND_NLST:
		n = (size_t)snprintf(line, sizeof(line), "%s%s\r\n", prefix, name);
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
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	return dw_put(w, line, n);
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
	if (kind == KIND_MLSD) {
		char parent[VPATH_MAX];
		size_t plen;
		struct stat pst;
		int pfd;
		char line[512];
		size_t n = listing_mlsx_line(line, sizeof(line), &t->st, ".", "cdir",
					     s->mlst_facts, &who);

		dw_put(w, line, n);
		path_basename(t->vpath, &plen);
		memcpy(parent, t->vpath, plen);
		parent[plen] = '\0';
		pfd = vfs_open(&s->vfs, plen ? parent : "/", O_PATH | O_DIRECTORY, 0);
		if (pfd >= 0 && fstat(pfd, &pst) == 0) {
			n = listing_mlsx_line(line, sizeof(line), &pst, "..", "pdir",
					      s->mlst_facts, &who);
			dw_put(w, line, n);
		}
		if (pfd >= 0)
			close(pfd);
	}
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

static int list_command(struct session *s, const struct command *cmd, enum list_kind kind)
{
	static struct dwriter w;
	struct target t;
	const char *arg = cmd->arg;
	size_t len = cmd->arg_len;
	int r, dfd;

	if (kind != KIND_MLSD)
		skip_options(&arg, &len);
	r = open_target(s, arg, len, &t, kind != KIND_MLSD);
	if (r < 0)
		return r == -1 ? 0 : -1;
	dfd = session_open_data(s, t.vpath);
	if (dfd < 0) {
		if (t.dirfd >= 0)
			close(t.dirfd);
		return dfd == -1 ? 0 : -1;
	}
	dw_init(&w, s, dfd);
	list_into(s, &w, kind, &t);
	if (t.dirfd >= 0)
		close(t.dirfd);
	dw_flush(&w);
	close(dfd);
	return session_end_transfer(s, w.status, verb_name(cmd->verb), t.vpath, w.bytes);
}

int cmd_list(struct session *s, const struct command *cmd)
{
	return list_command(s, cmd, KIND_LIST);
}

int cmd_nlst(struct session *s, const struct command *cmd)
{
	return list_command(s, cmd, KIND_NLST);
}

int cmd_mlsd(struct session *s, const struct command *cmd)
{
	return list_command(s, cmd, KIND_MLSD);
}

int cmd_mlst(struct session *s, const struct command *cmd)
{
	char vpath[VPATH_MAX], line[VPATH_MAX + 512], head[VPATH_MAX + 32];
	struct lister who;
	struct stat st;
	int r = session_path(s, cmd->arg, cmd->arg_len, vpath), fd;
	size_t n;

	if (r < 0)
		return r == -1 ? 0 : -1;
	fd = vfs_open(&s->vfs, vpath, O_PATH, 0);
	if (fd < 0 || fstat(fd, &st) < 0) {
		r = errno;
		if (fd >= 0)
			close(fd);
		return session_reply_errno(s, r);
	}
	close(fd);
	lister_of(s, &who);
	/* "250-Listing path", " facts name", "250 End." in one write */
	n = listing_mlsx_line(line, sizeof(line), &st, vpath, NULL, s->mlst_facts, &who);
	if (n >= 2)
		line[n - 2] = '\0'; /* the formatter's CRLF */
	snprintf(head, sizeof(head), "Listing %s", vpath);
	{
		char facts[VPATH_MAX + 520];
		const char *lines[3] = {head, facts, "End."};

		facts[0] = ' ';
		memcpy(facts + 1, line, strlen(line) + 1);
		return ctrl_reply_lines(&s->ctrl, 250, lines, 3);
	}
}

static int stat_status(struct session *s)
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
	return ctrl_reply_lines(&s->ctrl, 211, lines, sizeof(lines) / sizeof(lines[0]));
}

int cmd_stat(struct session *s, const struct command *cmd)
{
	static struct dwriter w;
	struct target t;
	const char *arg = cmd->arg;
	size_t len = cmd->arg_len;
	char head[VPATH_MAX + 40];
	int r;

	if (!cmd->has_arg)
		return stat_status(s);
	skip_options(&arg, &len);
	r = open_target(s, arg, len, &t, true);
	if (r < 0)
		return r == -1 ? 0 : -1;
	/* 213-, the listing (ls lines never start with a digit), 213 End:
	 * streamed over the control connection. */
	dw_init(&w, s, s->ctrl.out_fd);
	r = snprintf(head, sizeof(head), "213-Status of %s:\r\n", t.vpath);
	dw_put(&w, head, (size_t)r < sizeof(head) ? (size_t)r : sizeof(head) - 1);
	list_into(s, &w, KIND_STAT, &t);
	if (t.dirfd >= 0)
		close(t.dirfd);
	dw_put(&w, "213 End of status.\r\n", 20);
	return dw_flush(&w) == XFER_DONE ? 0 : -1;
}
