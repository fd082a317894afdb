/* account.c - a login's system identity. */
#include "account.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

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
