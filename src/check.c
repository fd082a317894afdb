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

/* Every line of the users file parses and every home is a directory. */
static void check_users(const char *file)
{
	char line[USER_NAME_MAX + USER_HASH_MAX + USER_HOME_MAX + 8];
	static struct user_entry e;
	unsigned lineno = 0, users = 0;
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
			break;
		}
		}
	}
	fclose(f);
	say(users > 0, "users file %s: %u user(s)", file, users);
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
		check_users(cfg->users_file);
	if (!cfg->anonymous_root && !cfg->users_file)
		say(true, "no logins configured (--anonymous, --users): every USER gets 530");
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
