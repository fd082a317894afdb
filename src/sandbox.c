/* sandbox.c - privilege drop and resource limits. */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "log.h"
#include "syscall_filter.h"

int sandbox_limit(int resource, rlim_t v)
{
	struct rlimit rl = {v, v};
	struct rlimit cur;

	if (getrlimit(resource, &cur) < 0)
		return -1;
	/* never raise a limit the administrator set lower */
	if (cur.rlim_max != RLIM_INFINITY && cur.rlim_max < v)
		rl.rlim_cur = rl.rlim_max = cur.rlim_max;
	if (setrlimit(resource, &rl) == 0)
		return 0;
	/* Some supervisors (valgrind) keep the hard limit for themselves: the
	 * soft limit still binds what the session can do. */
	rl.rlim_max = cur.rlim_max;
	return setrlimit(resource, &rl);
}

int sandbox_become(const char *who, uid_t uid, gid_t gid, size_t ngroups, const gid_t *groups,
		   char *err, size_t errcap)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	int cap;

	for (cap = 0; prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0; cap++)
		;
	if (setgroups(ngroups, ngroups ? groups : NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0) {
		snprintf(err, errcap, "cannot switch to user %s: %s", who, strerror(errno));
		return -1;
	}
	/* Every set*id() result is checked, and so is the outcome. */
	if (getresuid(&ruid, &euid, &suid) < 0 || getresgid(&rgid, &egid, &sgid) < 0 ||
	    ruid != uid || euid != uid || suid != uid || rgid != gid || egid != gid ||
	    sgid != gid || setuid(0) == 0) {
		snprintf(err, errcap, "switching to user %s did not take", who);
		return -1;
	}
	return 0;
}

/* With a monitor and no anonymous root the network process needs no path
 * at all (the connection, the log, the key and the monitor's socket are
 * open already; each login's files come from its user process): it is shut
 * in a directory with nothing of the file system in it, its own
 * /proc/PID/fdinfo, which is root's once the process is not dumpable and
 * goes away with the process (as Chromium's setuid sandbox does).  So a
 * taken-over network process reaches no home, not even one whose account
 * is the run-as user's. */
static int chroot_empty(char *err, size_t errcap)
{
	if (chroot("/proc/self/fdinfo") < 0 || chdir("/") < 0) {
		snprintf(err, errcap, "chroot /proc/self/fdinfo (an empty root for the network "
			 "process; is /proc mounted?): %s", strerror(errno));
		return -1;
	}
	return 0;
}

int sandbox_run_as(const struct config *cfg, struct held *held, char *err, size_t errcap)
{
	const struct passwd *pw = getpwnam(cfg->run_as);

	if (!pw) {
		snprintf(err, errcap, "--run-as %s: no such user", cfg->run_as);
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errcap, "--run-as %s: that is root; name an unprivileged user",
			 cfg->run_as);
		return -1;
	}
	held->run_uid = pw->pw_uid;
	held->run_gid = pw->pw_gid;
	return 0;
}

static int drop_root(const struct config *cfg, struct held *held, char *err, size_t errcap)
{
	/* What the configured roots need, opened while we still may.  A
	 * missing one is logged; its logins fail with 530 and log it again.
	 * With a monitor, the users file and the users' homes are the
	 * monitor's and the user processes' business. */
	if (cfg->anonymous_root) {
		held->anonymous_fd = open(cfg->anonymous_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (held->anonymous_fd < 0)
			log_msg(LOG_ERR, "error", "--anonymous %s: %s", cfg->anonymous_root,
				strerror(errno));
	}
	if (cfg->users_file && held->monitor_fd < 0) {
		held->users_fd = open(cfg->users_file, O_RDONLY | O_CLOEXEC);
		if (held->users_fd < 0)
			log_msg(LOG_ERR, "error", "users file %s: %s", cfg->users_file,
				strerror(errno));
	}
	/* One root only here: shut the process in it. */
	if (held->anonymous_fd >= 0 && (!cfg->users_file || held->monitor_fd >= 0)) {
		if (fchdir(held->anonymous_fd) < 0 || chroot(".") < 0 || chdir("/") < 0) {
			snprintf(err, errcap, "chroot %s: %s", cfg->anonymous_root, strerror(errno));
			return -1;
		}
		held->chrooted = true;
	} else if (held->monitor_fd >= 0 && chroot_empty(err, errcap) < 0) {
		return -1;
	}
	return sandbox_become(cfg->run_as, held->run_uid, held->run_gid, 0, NULL, err, errcap);
}

int sandbox_die_with(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return -1;
	if (getppid() != parent) {
		errno = ESRCH;
		return -1;
	}
	return 0;
}

int sandbox_finish(const struct config *cfg, enum sandbox_filter which, char *err,
		   size_t errcap)
{
	/* a session never starts a process (LeakSanitizer does, at exit: not
	 * in sanitizer builds, which are for testing) */
#if !defined(__SANITIZE_ADDRESS__)
	if (sandbox_limit(RLIMIT_NPROC, 0) < 0) {
		snprintf(err, errcap, "setrlimit: %s", strerror(errno));
		return -1;
	}
#endif
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errcap, "no_new_privs: %s", strerror(errno));
		return -1;
	}
	if (cfg->sandbox != SANDBOX_OFF) {
		int r = which == FILTER_FILES ? seccomp_install_files() : seccomp_install();

		if (r < 0 && cfg->sandbox == SANDBOX_REQUIRED) {
			snprintf(err, errcap, "cannot install the system call filter: %s "
				 "(--sandbox=required)", strerror(-r));
			return -1;
		}
		if (r < 0)
			log_msg(LOG_WARNING, "error", "system call filter not installed: %s; "
				"going on without it (--sandbox=auto)", strerror(-r));
	}
	return 0;
}

int sandbox_enter(const struct config *cfg, struct held *held, char *err, size_t errcap)
{
	pid_t parent = getppid();

	if (sandbox_limit(RLIMIT_CORE, 0) < 0 || sandbox_limit(RLIMIT_NOFILE, SANDBOX_NOFILE) < 0) {
		snprintf(err, errcap, "setrlimit: %s", strerror(errno));
		return -1;
	}
	if (geteuid() == 0 && drop_root(cfg, held, err, errcap) < 0)
		return -1;
	/* the network process dies with its monitor */
	if (held->monitor_fd >= 0 && sandbox_die_with(parent) < 0) {
		snprintf(err, errcap, "the monitor is gone");
		return -1;
	}
	return sandbox_finish(cfg, FILTER_SESSION, err, errcap);
}
