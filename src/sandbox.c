/* sandbox.c - privilege drop and resource limits. */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "log.h"
#include "syscall_filter.h"

/* Descriptors a session needs at most: control (2), root, users file,
 * passive listener, data connection, file, directory, parent directories
 * (2), splice pipe (2), log socket, and loading a library. */
#define SESSION_NOFILE 64

static int limit(int resource, rlim_t v)
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

static int drop_root(const struct config *cfg, struct held *held, char *err, size_t errcap)
{
	const struct passwd *pw = getpwnam(cfg->run_as);
	uid_t uid, ruid, euid, suid;
	gid_t gid, rgid, egid, sgid;
	int cap;

	if (!pw) {
		snprintf(err, errcap, "--run-as %s: no such user", cfg->run_as);
		return -1;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (uid == 0) {
		snprintf(err, errcap, "--run-as %s: that is root; name an unprivileged user",
			 cfg->run_as);
		return -1;
	}
	/* What the configured roots need, opened while we still may.  A
	 * missing one is logged; its logins fail with 530 and log it again. */
	if (cfg->anonymous_root) {
		held->anonymous_fd = open(cfg->anonymous_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (held->anonymous_fd < 0)
			log_msg(LOG_ERR, "error", "--anonymous %s: %s", cfg->anonymous_root,
				strerror(errno));
	}
	if (cfg->users_file) {
		held->users_fd = open(cfg->users_file, O_RDONLY | O_CLOEXEC);
		if (held->users_fd < 0)
			log_msg(LOG_ERR, "error", "users file %s: %s", cfg->users_file,
				strerror(errno));
	}
	/* One root only: shut the process in it. */
	if (held->anonymous_fd >= 0 && !cfg->users_file) {
		if (fchdir(held->anonymous_fd) < 0 || chroot(".") < 0 || chdir("/") < 0) {
			snprintf(err, errcap, "chroot %s: %s", cfg->anonymous_root, strerror(errno));
			return -1;
		}
		held->chrooted = true;
	}
	for (cap = 0; prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0; cap++)
		;
	if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 ||
	    setresuid(uid, uid, uid) < 0) {
		snprintf(err, errcap, "cannot switch to user %s: %s", cfg->run_as, strerror(errno));
		return -1;
	}
	/* Every set*id() result is checked, and so is the outcome. */
	if (getresuid(&ruid, &euid, &suid) < 0 || getresgid(&rgid, &egid, &sgid) < 0 ||
	    ruid != uid || euid != uid || suid != uid || rgid != gid || egid != gid ||
	    sgid != gid || setuid(0) == 0) {
		snprintf(err, errcap, "switching to user %s did not take", cfg->run_as);
		return -1;
	}
	return 0;
}

int sandbox_enter(const struct config *cfg, struct held *held, char *err, size_t errcap)
{
	if (limit(RLIMIT_CORE, 0) < 0 || limit(RLIMIT_NOFILE, SESSION_NOFILE) < 0) {
		snprintf(err, errcap, "setrlimit: %s", strerror(errno));
		return -1;
	}
	if (geteuid() == 0 && drop_root(cfg, held, err, errcap) < 0)
		return -1;
	/* a session never starts a process (LeakSanitizer does, at exit: not
	 * in sanitizer builds, which are for testing) */
#if !defined(__SANITIZE_ADDRESS__)
	if (limit(RLIMIT_NPROC, 0) < 0) {
		snprintf(err, errcap, "setrlimit: %s", strerror(errno));
		return -1;
	}
#endif
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errcap, "no_new_privs: %s", strerror(errno));
		return -1;
	}
	if (cfg->sandbox != SANDBOX_OFF) {
		int r = seccomp_install();

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
