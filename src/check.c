/* check.c - --check-config. */
#include "check.h"

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "account.h"
#include "tls.h"
#include "users.h"

static int problems;

static void say(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s ", ok ? "ok:   " : "ERROR:");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	problems += !ok;
}

static void check_dir(const char *what, const char *dir)
{
	struct stat st;

	if (stat(dir, &st) < 0)
		say(false, "%s %s: %s", what, dir, strerror(errno));
	else
		say(S_ISDIR(st.st_mode), "%s %s%s", what, dir,
		    S_ISDIR(st.st_mode) ? " is a directory" : ": not a directory");
}

/* The identity a user's file work takes: it exists and is not root's;
 * without root, it is this process's own (no switch is possible). */
static void check_account(const struct config *cfg, const struct user_entry *e)
{
	struct account a;
	char why[300];

	if (e->account == ACCOUNT_DEFAULT)
		return;  /* the user the server runs as: see run-as below */
	if (account_resolve(e, cfg->run_as, &a, why, sizeof(why)) < 0) {
		say(false, "users file %s: user %s: %s", cfg->users_file, e->name, why);
		return;
	}
	if (geteuid() != 0 && (a.uid != geteuid() || a.gid != getegid())) {
		say(false, "users file %s: user %s: account %s (uid %u, gid %u) needs a root start "
		    "(this check runs as uid %u)", cfg->users_file, e->name, a.name,
		    (unsigned)a.uid, (unsigned)a.gid, (unsigned)geteuid());
		return;
	}
	say(true, "user %s: file work as %s (uid %u, gid %u)", e->name, a.name, (unsigned)a.uid,
	    (unsigned)a.gid);
}

/* A root start opens homes without following symbolic links. */
static void check_home_links(const struct user_entry *e)
{
	char why[160];
	int fd = home_open_nofollow(e->home, why, sizeof(why));

	if (fd >= 0)
		close(fd);
	else if (errno == ELOOP)
		say(false, "home of %s: %s: %s", e->name, e->home, why);
}

/* Every line of the users file parses, every home is a directory, every
 * account can be taken. */
static void check_users(const struct config *cfg)
{
	const char *file = cfg->users_file;
	char line[USER_LINE_MAX];
	static struct user_entry e;
	unsigned lineno = 0, users = 0;
	const char *method = NULL;
	bool mixed = false;
	FILE *f = fopen(file, "re");

	if (!f) {
		say(false, "users file %s: %s", file, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		const char *why = NULL;

		lineno++;
		switch (users_parse_line(line, strlen(line), &e, &why)) {
		case USERS_LINE_SKIP:
			break;
		case USERS_LINE_BAD:
			say(false, "users file %s:%u: %s", file, lineno, why);
			break;
		case USERS_LINE_ENTRY: {
			char what[USER_NAME_MAX + 32];

			users++;
			snprintf(what, sizeof(what), "home of %s:", e.name);
			check_dir(what, e.home);
			check_home_links(&e);
			if (method && strcmp(method, users_hash_method(e.hash)) != 0)
				mixed = true;
			method = users_hash_method(e.hash);
			check_account(cfg, &e);
			break;
		}
		}
	}
	fclose(f);
	explicit_bzero(&e, sizeof(e));
	say(users > 0, "users file %s: %u user(s)", file, users);
	if (mixed)
		printf("warn:   users file %s: the hashes mix methods: a failed login's time may "
		       "tell which names exist (hash every password the same way: "
		       "sockftpd-passwd)\n", file);
}

#ifndef PAM_CONFDIR
#define PAM_CONFDIR "/etc/pam.d"
#endif

/* --pam: the service's file exists (else PAM quietly uses "other"), and
 * this is a root start. */
static void check_pam(const struct config *cfg)
{
	const char *svc = cfg->pam_service;
	char path[512];
	struct stat st;

	if (strchr(svc, '/') || strcmp(svc, ".") == 0 || strcmp(svc, "..") == 0) {
		say(false, "PAM service '%s': not a file name in %s", svc, PAM_CONFDIR);
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", PAM_CONFDIR, svc);
	if (stat(path, &st) < 0)
		say(false, "PAM service %s: %s: %s (PAM would use its \"other\" service)", svc,
		    path, strerror(errno));
	else
		say(S_ISREG(st.st_mode), "PAM service %s: %s%s", svc, path,
		    S_ISREG(st.st_mode) ? " exists" : ": not a regular file");
	say(geteuid() == 0, "PAM logins %s", geteuid() == 0 ? "run in the root monitor" :
	    "need a root start: this check runs as another user, and so would a session");
	if (cfg->users_file)
		say(true, "PAM and a users file: a name the users file holds never goes to PAM");
}

int check_config(const struct config *cfg, const struct origins *org)
{
	static char text[32 * 1024];
	char err[512];

	problems = 0;
	options_describe(cfg, org, text, sizeof(text));
	fputs(text, stdout);
	printf("\n");
	if (cfg->anonymous_root)
		check_dir("anonymous root", cfg->anonymous_root);
	if (cfg->users_file)
		check_users(cfg);
	if (cfg->pam_service)
		check_pam(cfg);
	if (!cfg->anonymous_root && !cfg->users_file && !cfg->pam_service)
		say(true, "no logins configured (--anonymous, --users, --pam): every USER gets 530");
	if (geteuid() == 0) {
		const struct passwd *pw = getpwnam(cfg->run_as);

		say(pw && pw->pw_uid != 0, "run-as user %s%s", cfg->run_as,
		    !pw ? ": no such user" : pw->pw_uid == 0 ? ": that is root" : " exists");
	}
	if (cfg->tls_cert) {
		struct tls *t = tls_setup(cfg, err, sizeof(err));

		if (t)
			say(true, "TLS certificate and key load and match");
		else
			say(false, "%s", err);
		tls_free(t);
	}
	fflush(stdout);
	if (problems)
		fprintf(stderr, "sockftpd: --check-config: %d problem(s)\n", problems);
	return problems ? 2 : 0;
}
