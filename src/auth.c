/* auth.c - anonymous and virtual-user logins. */
#include "auth.h"

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dlsym.h"
#include "log.h"

#ifndef LIBCRYPT_SONAME
#define LIBCRYPT_SONAME "libcrypt.so.1"
#endif

bool auth_is_anonymous(const struct config *cfg, const char *user)
{
	return cfg->anonymous_root &&
	       (strcasecmp(user, "anonymous") == 0 || strcasecmp(user, "ftp") == 0);
}

/* Compare without an early exit, so timing does not tell how much matched. */
static bool same(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char d = la != lb;

	for (i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* libcrypt is loaded at the first password check, not at every start: a
 * per-connection server should not pay for what an anonymous or failed
 * session never uses (see docs/PERFORMANCE.md). */
static __typeof__(&crypt_rn) load_crypt_rn(void)
{
	static __typeof__(&crypt_rn) fn;
	static bool tried;
	char err[256];
	void *h;

	if (tried)
		return fn;
	tried = true;
	h = dlopen(LIBCRYPT_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		snprintf(err, sizeof(err), "%s", dlerror());
	if (!h || dl_function(h, LIBCRYPT_SONAME, "crypt_rn", &fn, sizeof(fn), err,
			      sizeof(err)) < 0) {
		log_msg(LOG_ERR, "error", "cannot load %s: %s", LIBCRYPT_SONAME, err);
		fn = NULL;
	}
	return fn;
}

/* A locked account ("!$y$...") costs the same hash as any other, so that
 * timing does not tell which accounts are locked, and never matches. */
static bool password_ok(const char *pass, const char *hash)
{
	static struct crypt_data cd;
	__typeof__(&crypt_rn) crypt_fn = load_crypt_rn();
	bool locked = hash[0] == '!';
	const char *h;

	if (!crypt_fn)
		return false;
	memset(&cd, 0, sizeof(cd));
	h = crypt_fn(pass, hash + locked, &cd, sizeof(cd));
	return !locked && h && h[0] != '*' && same(h, hash);
}

static int check_users_file(const char *file, int fd, const char *user, const char *pass,
			    struct login *out)
{
	static struct user_entry e, first;
	char line[USER_NAME_MAX + USER_HASH_MAX + USER_HOME_MAX + 8];
	unsigned lineno = 0;
	bool found = false, have_first = false, ok = false;
	FILE *f;

	/* opened before privileges were dropped, or now */
	if (fd >= 0) {
		int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);

		f = copy >= 0 && lseek(copy, 0, SEEK_SET) == 0 ? fdopen(copy, "r") : NULL;
		if (!f && copy >= 0)
			close(copy);
	} else {
		f = fopen(file, "re");
	}
	if (!f) {
		log_msg(LOG_ERR, "error", "users file %s: %s", file, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);
		const char *why = NULL;

		lineno++;
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			int c;

			log_msg(LOG_ERR, "error", "users file %s:%u: line too long", file, lineno);
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			continue;
		}
		switch (users_parse_line(line, len, &e, &why)) {
		case USERS_LINE_SKIP:
			continue;
		case USERS_LINE_BAD:
			log_msg(LOG_ERR, "error", "users file %s:%u: %s", file, lineno, why);
			continue;
		case USERS_LINE_ENTRY:
			break;
		}
		if (!have_first) {
			first = e;
			have_first = true;
		}
		if (found || strcmp(e.name, user) != 0)
			continue;
		found = true;
		ok = password_ok(pass, e.hash);
		if (ok) {
			struct stat st;
			int r = stat(e.home, &st);

			if (r < 0 || !S_ISDIR(st.st_mode)) {
				log_msg(LOG_ERR, "error", "users file %s:%u: home %s of %s: %s",
					file, lineno, e.home, e.name,
					r < 0 ? strerror(errno) : "not a directory");
				ok = false;
				continue;
			}
			snprintf(out->name, sizeof(out->name), "%s", e.name);
			snprintf(out->root, sizeof(out->root), "%s", e.home);
			out->rw = e.rw;
			out->anonymous = false;
		}
	}
	if (ferror(f))
		log_msg(LOG_ERR, "error", "users file %s: %s", file, strerror(errno));
	fclose(f);
	/* An unknown user costs one hash computation too, so that timing does
	 * not tell which names exist. */
	if (!found && have_first)
		(void)password_ok(pass, first.hash);
	return ok ? 0 : -1;
}

int auth_check(const struct config *cfg, const struct held *held, const char *user,
	       const char *pass, struct login *out)
{
	memset(out, 0, sizeof(*out));
	out->root_fd = -1;
	if (auth_is_anonymous(cfg, user)) {
		struct stat st;
		int r;

		if (held->anonymous_fd >= 0) {
			out->root_fd = fcntl(held->anonymous_fd, F_DUPFD_CLOEXEC, 0);
			if (out->root_fd < 0)
				return -1;
			r = 0;
			st.st_mode = S_IFDIR;
		} else {
			r = stat(cfg->anonymous_root, &st);
		}
		if (r < 0 || !S_ISDIR(st.st_mode)) {
			log_msg(LOG_ERR, "error", "--anonymous %s: %s", cfg->anonymous_root,
				r < 0 ? strerror(errno) : "not a directory");
			return -1;
		}
		snprintf(out->name, sizeof(out->name), "anonymous");
		snprintf(out->root, sizeof(out->root), "%s", cfg->anonymous_root);
		out->anonymous = true;
		out->rw = false;
		return 0;
	}
	if (!cfg->users_file)
		return -1;
	return check_users_file(cfg->users_file, held->users_fd, user, pass, out);
}
