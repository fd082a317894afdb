/* userproc.c - a login's file work as its account. */
#include "userproc.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <unistd.h>

#include "fdpass.h"
#include "fileops.h"
#include "log.h"
#include "monitor_proto.h"
#include "pathrules.h"
#include "procmounts.h"
#include "sandbox.h"
#include "vfs.h"

const char *userproc_step_name(unsigned step)
{
	switch (step) {
	case STEP_HOME: return "entering the home";
	case STEP_IDENTITY: return "becoming the account";
	case STEP_ROOT: return "opening the home as the account";
	case STEP_WALLS: return "limits and system call filter";
	}
	return "?";
}

static void report(int sock, int err, unsigned step)
{
	struct mon_reply rp = {.type = err ? MON_NOT_READY : MON_READY, .err = err,
			       .step = step};
	unsigned char buf[64];
	size_t n = mon_format_reply(buf, sizeof(buf), &rp);

	if (n)
		(void)fdpass_send(sock, buf, n, -1);
}

/* Into the home with the account's rights: its groups and gid, and its
 * uid for file access (the file system uid), while the process is still
 * root for the rest.  So a monitor without CAP_DAC_READ_SEARCH (the
 * systemd identities unit) enters a home that is its account's alone
 * (0700), and a home the account cannot enter is refused here.
 * CAP_SYS_CHROOT is not a file system capability: the new file system uid
 * does not clear it.  0, or -1 with the errno and the step that failed. */
static int enter_home(const struct user_entry *e, const struct account *a, unsigned *step,
		      bool *proc_below)
{
	char why[200];
	int fd;

	*step = STEP_IDENTITY;
	if (setgroups(a->ngroups, a->ngroups ? a->groups : NULL) < 0 ||
	    setresgid(a->gid, a->gid, a->gid) < 0)
		return -1;
	(void)setfsuid(a->uid);
	if ((uid_t)setfsuid((uid_t)-1) != a->uid) {
		errno = EPERM;
		return -1;
	}
	/* no symbolic link anywhere in the home's path: whoever may write a
	 * parent of another login's home cannot point it elsewhere */
	*step = STEP_HOME;
	fd = home_open_nofollow(e->home, why, sizeof(why));
	if (fd < 0) {
		int e2 = errno;

		log_msg(LOG_ERR, "error", "user process of %s: home %s: %s", e->name, e->home, why);
		errno = e2;
		return -1;
	}
	/* a proc file system below the home would lead out of the chroot */
	*proc_below = procmounts_proc_below(e->home);
	if (fchdir(fd) < 0 || chroot(".") < 0 || chdir("/") < 0) {
		int e2 = errno;

		close(fd);
		errno = e2;
		return -1;
	}
	close(fd);
	return 0;
}

/* Become the account, rooted at the home: the root's fd, or -1 with the
 * errno and the step that failed. */
static int start(const struct config *cfg, const struct user_entry *e, const struct account *a,
		 unsigned *step, bool *proc_below)
{
	pid_t monitor = getppid();
	char err[300];
	int fd;

	/* 0 and 1 are nothing of the user process's (the service's journal
	 * stream, a terminal...), 2 only when the log goes there */
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		if (!log_uses_stderr())
			dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	if (enter_home(e, a, step, proc_below) < 0)
		return -1;
	*step = STEP_IDENTITY;
	if (sandbox_become(a->name, a->uid, a->gid, a->ngroups, a->groups, err, sizeof(err)) < 0) {
		log_msg(LOG_ERR, "error", "%s", err);
		if (!errno)
			errno = EPERM;
		return -1;
	}
	if (sandbox_die_with(monitor) < 0)
		return -1;
	/* as the account: its home must be its to enter */
	*step = STEP_ROOT;
	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (faccessat(fd, ".", X_OK, AT_EACCESS) < 0) {
		int e2 = errno;

		close(fd);
		errno = e2;
		return -1;
	}
	*step = STEP_WALLS;
	if (sandbox_limit(RLIMIT_CORE, 0) < 0 || sandbox_limit(RLIMIT_NOFILE, SANDBOX_NOFILE) < 0 ||
	    sandbox_finish(cfg, FILTER_FILES, err, sizeof(err)) < 0) {
		int e2 = errno ? errno : EPERM;

		log_msg(LOG_ERR, "error", "user process of %s: %s", e->name, err);
		close(fd);
		errno = e2;
		return -1;
	}
	return fd;
}

/* The answer to one request, with its descriptor; a listing streams after
 * it.  0, or -1 when the network process is gone. */
static int answer(int sock, struct fileops *ops, const struct fop_request *rq)
{
	static unsigned char out[FOP_MSG_MAX];
	static struct fop_result res;
	static struct dwriter w;
	int fd, pipefd[2] = {-1, -1}, r;
	size_t n;

	fileops_do(ops, rq, &res, &fd);
	if (rq->op == FOP_LIST && !res.err) {
		if (pipe2(pipefd, O_CLOEXEC) < 0) {
			res.err = errno;
			res.flags = 0;
			fileops_list_cancel(ops);
		}
		fd = pipefd[0];
	}
	n = fop_format_result(out, sizeof(out), &res);
	r = n ? fdpass_send(sock, out, n, fd) : -1;
	if (fd >= 0)
		close(fd);
	if (pipefd[1] >= 0) {
		if (r == 0) {
			dw_init_fd(&w, pipefd[1]);
			fileops_list_run(ops, &w);
			dw_flush(&w);
		}
		fileops_list_cancel(ops);
		close(pipefd[1]);
	}
	return r;
}

static int serve(int sock, struct fileops *ops)
{
	static unsigned char in[FOP_MSG_MAX];
	static struct fop_request rq;

	for (;;) {
		int fd;
		ssize_t n = fdpass_recv(sock, in, sizeof(in), &fd);

		if (n == 0)
			return 0;
		if (fd >= 0)
			close(fd);
		if (n < 0 || fd >= 0 || fop_parse_request(in, (size_t)n, &rq) < 0) {
			log_msg(LOG_ERR, "error", "user process: %s from the network process: "
				"ending", n < 0 ? strerror(errno) : "a message that is not a request");
			return 1;
		}
		if (answer(sock, ops, &rq) < 0)
			return 0;
	}
}

int userproc_run(int sock, const struct config *cfg, const struct user_entry *e,
		 const struct account *a)
{
	static struct fileops ops;
	unsigned step = 0;
	bool proc_below = true;
	int root, status;

	fileops_guard_install();
	root = start(cfg, e, a, &step, &proc_below);
	if (root < 0) {
		report(sock, errno ? errno : EPERM, step);
		return 1;
	}
	/* its filter answers openat2 with ENOSYS: the kernel resolves inside
	 * the chroot (which keeps ".." and absolute links in the home), unless
	 * a proc file system is below the home (its magic links lead out):
	 * then the walk of vfs.c, which never lets the kernel follow a link */
	vfs_resolve_by(proc_below ? VFS_WALK : VFS_CHROOTED);
	if (proc_below)
		log_msg(LOG_INFO, "error", "user process of %s: a proc file system below %s (or "
			"no way to tell): paths are resolved in user space", e->name, e->home);
	fileops_init(&ops, root, e->rw, true);
	report(sock, 0, 0);
	status = serve(sock, &ops);
	/* the network process left: an upload it did not end is undone */
	fileops_abandon(&ops);
	return status;
}

int userproc_clean_leftover(const struct user_entry *e, const struct account *a,
			    const struct fileops_leftover *rec)
{
	char dir[VPATH_MAX], name[sizeof(rec->name)], err[300];
	size_t plen = strlen(FILEOPS_TEMP_PREFIX);
	int home, root, dfd, r;

	/* the page is the killed process's to write: taken as untrusted */
	memcpy(dir, rec->dir, sizeof(dir));
	memcpy(name, rec->name, sizeof(name));
	dir[sizeof(dir) - 1] = name[sizeof(name) - 1] = '\0';
	if (dir[0] != '/' || strncmp(name, FILEOPS_TEMP_PREFIX, plen) != 0 ||
	    strchr(name, '/') || strlen(name) == plen)
		return 1;
	home = home_open_nofollow(e->home, err, sizeof(err));
	if (home < 0 || fchdir(home) < 0 || chroot(".") < 0 || chdir("/") < 0 ||
	    sandbox_become(a->name, a->uid, a->gid, a->ngroups, a->groups, err, sizeof(err)) < 0)
		return 1;
	close(home);
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	dfd = root < 0 ? -1 : vfs_walk_open(root, path_relative(dir), O_PATH | O_DIRECTORY, 0);
	r = dfd < 0 ? -1 : unlinkat(dfd, name, 0);
	if (r == 0)
		log_msg(LOG_INFO, "error", "user process of %s: its upload's temporary file %s%s%s "
			"removed", e->name, dir, strcmp(dir, "/") ? "/" : "", name);
	return r == 0 ? 0 : 1;
}
