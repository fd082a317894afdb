/* account.c - a login's system identity. */
#include "account.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A named user: uid, primary gid, groups.  0 or -1. */
static int by_name(const char *name, bool groups, struct account *a, char *why, size_t cap)
{
	const struct passwd *pw;
	int n = ACCOUNT_GROUPS_MAX;

	errno = 0;
	pw = getpwnam(name);
	if (!pw) {
		snprintf(why, cap, "account %s: %s", name,
			 errno ? strerror(errno) : "no such system user");
		return -1;
	}
	a->uid = pw->pw_uid;
	a->gid = pw->pw_gid;
	a->ngroups = 0;
	if (groups) {
		if (getgrouplist(name, a->gid, a->groups, &n) < 0) {
			snprintf(why, cap, "account %s: in more than %d groups", name,
				 ACCOUNT_GROUPS_MAX);
			return -1;
		}
		a->ngroups = (size_t)n;
	}
	return 0;
}

int account_resolve(const struct user_entry *e, const char *run_as, struct account *a,
		    char *why, size_t cap)
{
	size_t i;

	memset(a, 0, sizeof(*a));
	switch (e->account) {
	case ACCOUNT_IDS:
		a->uid = e->uid;
		a->gid = e->gid;
		snprintf(a->name, sizeof(a->name), "uid=%u,gid=%u", e->uid, e->gid);
		break;
	case ACCOUNT_NAME:
		snprintf(a->name, sizeof(a->name), "%s", e->account_name);
		if (by_name(e->account_name, true, a, why, cap) < 0)
			return -1;
		break;
	default:
		/* the run-as user, as a root start without accounts always was:
		 * no supplementary group */
		snprintf(a->name, sizeof(a->name), "%s", run_as);
		if (by_name(run_as, false, a, why, cap) < 0)
			return -1;
		break;
	}
	if (a->uid == 0 || a->gid == 0) {
		snprintf(why, cap, "account %s: uid or gid 0 is refused", a->name);
		return -1;
	}
	for (i = 0; i < a->ngroups; i++)
		if (a->groups[i] == 0) {
			snprintf(why, cap, "account %s: in group 0 (root), refused", a->name);
			return -1;
		}
	return 0;
}

/* Without openat2(): one component at a time, none a symbolic link. */
static int walk_nofollow(const char *home)
{
	char part[USER_HOME_MAX];
	const char *p = home;
	int dfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);

	while (dfd >= 0 && *p) {
		size_t n = strcspn(p, "/");
		struct stat st;
		int next;

		if (n == 0 || n >= sizeof(part)) {
			p += n ? n : 1;
			continue;
		}
		memcpy(part, p, n);
		part[n] = '\0';
		p += n;
		if (fstatat(dfd, part, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISLNK(st.st_mode)) {
			int e = S_ISLNK(st.st_mode) ? ELOOP : errno;

			close(dfd);
			errno = e;
			return -1;
		}
		next = openat(dfd, part, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(dfd);
		dfd = next;
	}
	return dfd;
}

int home_open_nofollow(const char *home, char *why, size_t cap)
{
	struct open_how how;
	long fd;

	if (home[0] != '/') {
		snprintf(why, cap, "not an absolute path");
		errno = EINVAL;
		return -1;
	}
	memset(&how, 0, sizeof(how));
	how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
	how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
	fd = syscall(SYS_openat2, AT_FDCWD, home, &how, sizeof(how));
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		fd = walk_nofollow(home);
	if (fd < 0) {
		int e = errno;

		snprintf(why, cap, "%s", e == ELOOP ? "a symbolic link in its path (name the real "
			 "directory)" : strerror(e));
		errno = e;
		return -1;
	}
	return (int)fd;
}
