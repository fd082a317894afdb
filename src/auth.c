/* auth.c - anonymous and virtual-user logins. */
#include "auth.h"

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "account.h"
#include "deadline.h"
#include "dlsym.h"
#include "fdpass.h"
#include "log.h"
#include "monitor_proto.h"

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
	bool locked = hash[0] == '!', ok;
	const char *h;

	if (!crypt_fn)
		return false;

	memset(&cd, 0, sizeof(cd));
	h = crypt_fn(pass, hash + locked, &cd, sizeof(cd));
	ok = !locked && h && h[0] != '*' && same(h, hash);
	explicit_bzero(&cd, sizeof(cd));
	return ok;
}

void auth_spend_hash(const char *pass, const char *setting)
{
	(void)password_ok(pass, setting);
}

/* What reading the users file leaves in memory (its lines, every user's
 * hash) is cleared before returning: the monitor forks user processes,
 * which must not find other users' hashes in what they inherit. */
static void scrub(char *line, struct user_entry *e, struct user_entry *first,
		  char *iobuf, size_t iolen)
{
	explicit_bzero(line, USER_LINE_MAX);
	explicit_bzero(e, sizeof(*e));
	explicit_bzero(first, sizeof(*first));
	explicit_bzero(iobuf, iolen);
}

/* The users file, opened before privileges were dropped (fd), or now,
 * read from its start through iobuf; NULL (logged) when it cannot be. */
static FILE *users_open(const char *file, int fd, char *iobuf, size_t iolen)
{
	FILE *f;

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
		return NULL;
	}
	setvbuf(f, iobuf, _IOFBF, iolen);
	return f;
}

/* The next good entry of the file into e (bad and overlong lines logged
 * and skipped): true, or false at its end. */
static bool next_entry(FILE *f, const char *file, unsigned *lineno, char *line, size_t cap,
		       struct user_entry *e)
{
	while (fgets(line, (int)cap, f)) {
		size_t len = strlen(line);
		const char *why = NULL;

		++*lineno;
		if (len == cap - 1 && line[len - 1] != '\n') {
			int c;

			log_msg(LOG_ERR, "error", "users file %s:%u: line too long", file, *lineno);
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			continue;
		}
		switch (users_parse_line(line, len, e, &why)) {
		case USERS_LINE_SKIP:
			continue;
		case USERS_LINE_BAD:
			log_msg(LOG_ERR, "error", "users file %s:%u: %s", file, *lineno, why);
			continue;
		case USERS_LINE_ENTRY:
			return true;
		}
	}
	return false;
}

int auth_users_file(const char *file, int fd, const char *user, const char *pass,
		    struct user_entry *out, bool *found_line)
{
	static struct user_entry e, first;
	static char iobuf[BUFSIZ];
	char line[USER_LINE_MAX];
	unsigned lineno = 0;
	bool found = false, have_first = false, ok = false;
	FILE *f;

	*found_line = false;
	f = users_open(file, fd, iobuf, sizeof(iobuf));
	if (!f)
		return -1;
	while (next_entry(f, file, &lineno, line, sizeof(line), &e)) {
		/* the costliest hash of the file (the first of them) */
		if (!have_first || users_hash_cost(e.hash) > users_hash_cost(first.hash)) {
			first = e;
			have_first = true;
		}
		if (found || strcmp(e.name, user) != 0)
			continue;
		found = true;
		ok = password_ok(pass, e.hash);
		if (ok) {
			char bad[160];
			int home = home_open_nofollow(e.home, bad, sizeof(bad));

			if (home < 0) {
				log_msg(LOG_ERR, "error", "users file %s:%u: home %s of %s: %s",
					file, lineno, e.home, e.name, bad);
				ok = false;
				continue;
			}
			close(home);
			*out = e;
		}
	}
	if (ferror(f))
		log_msg(LOG_ERR, "error", "users file %s: %s", file, strerror(errno));
	fclose(f);
	/* An unknown user costs one hash computation too, with the costliest
	 * method of the file, so that timing does not tell which names exist
	 * (the same method for all users is what makes it exact: --check-config
	 * warns about a file that mixes them). */
	if (!found && have_first)
		(void)password_ok(pass, first.hash);
	if (ok)
		explicit_bzero(out->hash, sizeof(out->hash));  /* no business of the caller's */
	*found_line = found;
	scrub(line, &e, &first, iobuf, sizeof(iobuf));
	return ok ? 0 : -1;
}

static enum auth_result anonymous(const struct config *cfg, const struct held *held,
				  struct login *out)
{
	struct stat st;
	int r;

	if (held->anonymous_fd >= 0) {
		out->root_fd = fcntl(held->anonymous_fd, F_DUPFD_CLOEXEC, 0);
		if (out->root_fd < 0)
			return AUTH_FAILED;
		r = 0;
		st.st_mode = S_IFDIR;
	} else {
		r = stat(cfg->anonymous_root, &st);
	}
	if (r < 0 || !S_ISDIR(st.st_mode)) {
		log_msg(LOG_ERR, "error", "--anonymous %s: %s", cfg->anonymous_root,
			r < 0 ? strerror(errno) : "not a directory");
		return AUTH_FAILED;
	}
	snprintf(out->name, sizeof(out->name), "anonymous");
	snprintf(out->root, sizeof(out->root), "%s", cfg->anonymous_root);
	out->anonymous = true;
	out->rw = false;
	return AUTH_OK;
}

/* This process's user name, looked up before the sandbox
 * (auth_know_self): a name service looked up in the sandbox may make calls
 * the session's filter kills (nss-systemd's epoll and socket). */
static char self_name[USER_ACCOUNT_MAX];
static uid_t self_uid = (uid_t)-1;

/* Once per identity: a session the listener forked already knows it. */
void auth_know_self(void)
{
	const struct passwd *pw;

	if (self_uid == geteuid())
		return;
	pw = getpwuid(geteuid());
	snprintf(self_name, sizeof(self_name), "%s", pw ? pw->pw_name : "");
	self_uid = geteuid();
}

/* Without a monitor the file work runs in this process: a login whose
 * account is another user, uid or gid cannot have it.  A named account is
 * compared by name, with no name service lookup. */
static bool account_is_mine(const struct config *cfg, const struct user_entry *e)
{
	char who[USER_ACCOUNT_MAX + 16];

	switch (e->account) {
	case ACCOUNT_IDS:
		if (e->uid == geteuid() && e->gid == getegid())
			return true;
		snprintf(who, sizeof(who), "uid=%u,gid=%u (uid %u, gid %u)", (unsigned)e->uid,
			 (unsigned)e->gid, (unsigned)e->uid, (unsigned)e->gid);
		break;
	case ACCOUNT_NAME:
		if (self_name[0] && strcmp(e->account_name, self_name) == 0)
			return true;
		snprintf(who, sizeof(who), "%s", e->account_name);
		break;
	default:
		return true;
	}
	log_msg(LOG_ERR, "error", "users file %s: user %s: account %s needs a root start; this "
		"process runs as %s (uid %u, gid %u) and cannot switch", cfg->users_file, e->name,
		who, self_name[0] ? self_name : "?", (unsigned)geteuid(), (unsigned)getegid());
	return false;
}

/* The monitor checks the password and starts the user process. */
static enum auth_result via_monitor(const struct config *cfg, int mon, const char *user,
				    const char *pass, unsigned wait_ms, struct login *out)
{
	long long deadline;
	static struct mon_request rq;
	static unsigned char buf[MON_MSG_MAX];
	struct mon_reply rp;
	size_t n;
	ssize_t got;
	int fd;

	memset(&rq, 0, sizeof(rq));
	rq.type = MON_AUTH;
	snprintf(rq.user, sizeof(rq.user), "%s", user);
	snprintf(rq.pass, sizeof(rq.pass), "%s", pass);
	rq.wait_ms = wait_ms;
	n = mon_format_request(buf, sizeof(buf), &rq);
	explicit_bzero(rq.pass, sizeof(rq.pass));
	if (n == 0)
		return AUTH_FAILED;
	got = fdpass_send(mon, buf, n, -1);
	explicit_bzero(buf, n);
	if (got < 0)
		return AUTH_BROKEN;
	/* the monitor waits the login delay, more with each failure, and a
	 * PAM stack at most what is left of the login deadline */
	deadline = deadline_in((long long)cfg->login_delay_ms * cfg->max_login_failures +
			       wait_ms + MON_REPLY_MAX_MS);
	if (fdpass_wait(mon, deadline) < 0)
		return AUTH_BROKEN;
	got = fdpass_recv(mon, buf, sizeof(buf), &fd);
	if (got <= 0 || mon_parse_reply(buf, (size_t)got, &rp) < 0 ||
	    (rp.type == MON_AUTH_OK) != (fd >= 0) ||
	    (rp.type != MON_AUTH_OK && rp.type != MON_AUTH_FAIL)) {
		if (fd >= 0)
			close(fd);
		return AUTH_BROKEN;
	}
	if (rp.type == MON_AUTH_FAIL)
		return rp.last ? AUTH_FAILED_LAST : AUTH_FAILED_WAITED;
	snprintf(out->name, sizeof(out->name), "%s", rp.name);
	snprintf(out->root, sizeof(out->root), "%s", rp.root);
	out->files_fd = fd;
	out->uid = rp.uid;
	out->gid = rp.gid;
	out->rw = rp.rw;
	return AUTH_OK;
}

enum auth_result auth_check(const struct config *cfg, const struct held *held,
			    const char *user, const char *pass, unsigned wait_ms,
			    struct login *out)
{
	static struct user_entry e;
	bool found;

	memset(out, 0, sizeof(*out));
	out->root_fd = out->files_fd = -1;
	out->uid = (unsigned)geteuid();
	out->gid = (unsigned)getegid();
	if (auth_is_anonymous(cfg, user))
		return anonymous(cfg, held, out);
	if (held->monitor_fd >= 0)
		return via_monitor(cfg, held->monitor_fd, user, pass, wait_ms, out);
	/* without a monitor there is no PAM (a start-up error) */
	if (!cfg->users_file)
		return AUTH_FAILED;
	if (auth_users_file(cfg->users_file, held->users_fd, user, pass, &e, &found) < 0 ||
	    !account_is_mine(cfg, &e))
		return AUTH_FAILED;
	snprintf(out->name, sizeof(out->name), "%s", e.name);
	snprintf(out->root, sizeof(out->root), "%s", e.home);
	out->rw = e.rw;
	return AUTH_OK;
}

int auth_logout(const struct held *held)
{
	struct mon_request rq = {.type = MON_LOGOUT};
	unsigned char buf[64];
	struct mon_reply rp;
	size_t n = mon_format_request(buf, sizeof(buf), &rq);
	ssize_t got;
	int fd;

	if (held->monitor_fd < 0)
		return 0;
	if (fdpass_send(held->monitor_fd, buf, n, -1) < 0 ||
	    fdpass_wait(held->monitor_fd, deadline_in(MON_REPLY_MAX_MS)) < 0)
		return -1;
	got = fdpass_recv(held->monitor_fd, buf, sizeof(buf), &fd);
	if (fd >= 0)
		close(fd);
	if (got <= 0 || fd >= 0 || mon_parse_reply(buf, (size_t)got, &rp) < 0 ||
	    rp.type != MON_LOGGED_OUT)
		return -1;
	return 0;
}

int auth_client(const struct held *held, const struct sockaddr *sa, socklen_t len)
{
	struct mon_request rq;
	unsigned char buf[64];
	size_t n;

	if (held->monitor_fd < 0)
		return 0;
	memset(&rq, 0, sizeof(rq));
	rq.type = MON_CLIENT;
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		rq.family = 4;
		rq.port = ntohs(in->sin_port);
		memcpy(rq.addr, &in->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		rq.family = 6;
		rq.port = ntohs(in6->sin6_port);
		memcpy(rq.addr, &in6->sin6_addr, 16);
	} else {
		return 0;  /* no IP address: the monitor keeps the connection's */
	}
	n = mon_format_request(buf, sizeof(buf), &rq);
	return n && fdpass_send(held->monitor_fd, buf, n, -1) >= 0 ? 0 : -1;
}
