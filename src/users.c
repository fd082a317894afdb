/* users.c - parse a line of the virtual users file (pure). */
#include "users.h"

#include <stdio.h>
#include <string.h>

#define FIELDS_MAX 5
#define WANT "want name:hash:home[:rw|ro][:ACCOUNT]"

static int copy_field(char *dst, size_t cap, const char *src, size_t len)
{
	if (len >= cap)
		return -1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

static bool is_mode(const char *f, size_t len)
{
	return len == 2 && (memcmp(f, "rw", 2) == 0 || memcmp(f, "ro", 2) == 0);
}

/* A decimal id without sign or leading zero, 1 to 4294967294 (-1 means
 * "unchanged" to the set*id calls); *end moves past it. */
static bool parse_id(const char **p, const char *end, unsigned *out)
{
	unsigned long long v = 0;
	const char *s = *p;

	if (s == end || *s < '1' || *s > '9')
		return false;
	while (s < end && *s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned)(*s++ - '0');
		if (v > 4294967294ULL)
			return false;
	}
	*p = s;
	*out = (unsigned)v;
	return true;
}

static bool starts(const char **p, const char *end, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(end - *p) < n || memcmp(*p, word, n) != 0)
		return false;
	*p += n;
	return true;
}

/* A system user name as useradd and systemd accept them: letters, digits,
 * '_', '.', '-' (not first), an optional '$' at the end; not all digits
 * (that would read as a uid). */
static const char *bad_account_name(const char *s, size_t len)
{
	bool digits_only = true;
	size_t i;

	if (len == 0 || len >= USER_ACCOUNT_MAX)
		return "an account name has 1 to 63 bytes";
	if (s[0] == '-')
		return "an account name does not start with '-'";
	for (i = 0; i < len; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');

		if (!(c >= '0' && c <= '9'))
			digits_only = false;
		if (!alnum && c != '_' && c != '.' && c != '-' && !(c == '$' && i == len - 1))
			return "ACCOUNT is a system user name or uid=UID,gid=GID";
	}
	if (digits_only)
		return "a numeric account is written uid=UID,gid=GID";
	return NULL;
}

const char *users_parse_account(const char *s, size_t len, struct user_entry *e)
{
	const char *p = s, *end = s + len;
	const char *why;

	e->account = ACCOUNT_DEFAULT;
	e->account_name[0] = '\0';
	e->uid = e->gid = 0;
	if (len == 0)
		return NULL;
	if (starts(&p, end, "uid=")) {
		unsigned uid, gid;

		if (!parse_id(&p, end, &uid) || !starts(&p, end, ",gid=") ||
		    !parse_id(&p, end, &gid) || p != end) {
			/* say so for root's ids, the likeliest mistake */
			if (len >= 5 && s[4] == '0' && (len == 5 || s[5] == ','))
				return "uid 0 is refused: name an unprivileged account";
			return "a numeric account is uid=UID,gid=GID (decimal, not 0)";
		}
		e->account = ACCOUNT_IDS;
		e->uid = uid;
		e->gid = gid;
		return NULL;
	}
	why = bad_account_name(s, len);
	if (why)
		return why;
	if (len == 4 && memcmp(s, "root", 4) == 0)
		return "root is refused: name an unprivileged account";
	e->account = ACCOUNT_NAME;
	memcpy(e->account_name, s, len);
	e->account_name[len] = '\0';
	return NULL;
}

size_t users_format_account(char *buf, size_t cap, const struct user_entry *e)
{
	int n;

	switch (e->account) {
	case ACCOUNT_NAME:
		n = snprintf(buf, cap, "%s", e->account_name);
		break;
	case ACCOUNT_IDS:
		n = snprintf(buf, cap, "uid=%u,gid=%u", e->uid, e->gid);
		break;
	default:
		n = snprintf(buf, cap, "%s", "");
		break;
	}
	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

/* Split line at ':' into at most FIELDS_MAX fields: their count, or 0 when
 * there are more. */
static size_t split(const char *line, size_t len, const char *f[], size_t fl[])
{
	size_t n = 0, i, start = 0;

	for (i = 0; i <= len; i++) {
		if (i == len || line[i] == ':') {
			if (n == FIELDS_MAX)
				return 0;
			f[n] = line + start;
			fl[n++] = i - start;
			start = i + 1;
		}
	}
	return n;
}

static enum users_line bad(const char **why, const char *reason)
{
	*why = reason;
	return USERS_LINE_BAD;
}

/* The optional fields: the mode, the account, or both. */
static enum users_line optional(const char *f[], const size_t fl[], size_t n,
				struct user_entry *e, const char **why)
{
	size_t acct = 0;

	if (n == 4 && is_mode(f[3], fl[3]))
		e->rw = f[3][1] == 'w';
	else if (n == 4)
		acct = 3;
	if (n == 5) {
		if (!is_mode(f[3], fl[3]))
			return bad(why, "fourth field must be rw or ro when an account follows");
		e->rw = f[3][1] == 'w';
		acct = 4;
	}
	if (acct) {
		const char *w;

		if (fl[acct] == 0)
			return bad(why, "empty account field");
		w = users_parse_account(f[acct], fl[acct], e);
		if (w)
			return bad(why, w);
	}
	return USERS_LINE_ENTRY;
}

enum users_line users_parse_line(const char *line, size_t len, struct user_entry *e,
				 const char **why)
{
	const char *f[FIELDS_MAX];
	size_t fl[FIELDS_MAX], n, i;

	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n' ||
			   line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (len == 0 || line[0] == '#')
		return USERS_LINE_SKIP;
	if (memchr(line, '\0', len))
		return bad(why, "NUL byte");
	n = split(line, len, f, fl);
	if (n == 0 || n > 5)
		return bad(why, "too many fields (" WANT ")");
	if (n < 3)
		return bad(why, "too few fields (" WANT ")");
	memset(e, 0, sizeof(*e));
	if (fl[0] == 0 || copy_field(e->name, sizeof(e->name), f[0], fl[0]) < 0)
		return bad(why, "empty or too long user name");
	for (i = 0; i < fl[0]; i++)
		if ((unsigned char)f[0][i] <= ' ' || f[0][i] == 0x7f)
			return bad(why, "user name with a space or control character");
	e->locked = fl[1] > 0 && f[1][0] == '!';
	if (fl[1] < (e->locked ? 3u : 2u) || f[1][e->locked] != '$' ||
	    copy_field(e->hash, sizeof(e->hash), f[1], fl[1]) < 0)
		return bad(why, "password hash not in crypt(3) form ($id$...)");
	if (fl[2] == 0 || f[2][0] != '/' ||
	    copy_field(e->home, sizeof(e->home), f[2], fl[2]) < 0)
		return bad(why, "home is not an absolute path");
	return optional(f, fl, n, e, why);
}

const char *users_bad_name(const char *name)
{
	size_t n = strlen(name), i;

	if (n == 0 || n >= USER_NAME_MAX)
		return "a user name has 1 to 63 bytes";
	if (name[0] == '#')
		return "a user name cannot start with '#'";
	for (i = 0; i < n; i++)
		if ((unsigned char)name[i] <= ' ' || name[i] == 0x7f || name[i] == ':')
			return "a user name has no space, ':' or control character";
	return NULL;
}

const char *users_bad_home(const char *home)
{
	size_t n = strlen(home), i;

	if (home[0] != '/' || n >= USER_HOME_MAX)
		return "a home is an absolute path";
	for (i = 0; i < n; i++)
		if ((unsigned char)home[i] < ' ' || home[i] == 0x7f || home[i] == ':')
			return "a home has no ':' or control character";
	if (n > 1 && (home[n - 1] == ' ' || home[n - 1] == '\t'))
		return "a home does not end in a space";
	return NULL;
}

size_t users_format_line(char *buf, size_t cap, const struct user_entry *e)
{
	char account[USER_ACCOUNT_MAX + 16];
	int n;

	if (e->account != ACCOUNT_DEFAULT && !users_format_account(account, sizeof(account), e))
		return 0;
	n = snprintf(buf, cap, "%s:%s:%s:%s%s%s\n", e->name, e->hash, e->home,
		     e->rw ? "rw" : "ro", e->account != ACCOUNT_DEFAULT ? ":" : "",
		     e->account != ACCOUNT_DEFAULT ? account : "");
	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

static const struct {
	const char *prefix;
	int cost;
	const char *name;
} methods[] = {
	{"$y$", 6, "yescrypt"}, {"$gy$", 6, "gost-yescrypt"}, {"$7$", 6, "scrypt"},
	{"$2b$", 5, "bcrypt"}, {"$2a$", 5, "bcrypt"}, {"$2y$", 5, "bcrypt"},
	{"$6$", 4, "sha512-crypt"}, {"$5$", 3, "sha256-crypt"}, {"$sha1$", 2, "sha1-crypt"},
	{"$1$", 1, "md5-crypt"}, {"$", 1, "another $id$ method"},
};

static int method_of(const char *hash)
{
	size_t i;

	if (hash[0] == '!')
		hash++;
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strncmp(hash, methods[i].prefix, strlen(methods[i].prefix)) == 0)
			return (int)i;
	return -1;
}

int users_hash_cost(const char *hash)
{
	int m = method_of(hash);

	return m < 0 ? 0 : methods[m].cost;
}

const char *users_hash_method(const char *hash)
{
	int m = method_of(hash);

	return m < 0 ? "DES" : methods[m].name;
}
