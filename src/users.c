/* users.c - parse a line of the virtual users file (pure). */
#include "users.h"

#include <stdio.h>
#include <string.h>

static int copy_field(char *dst, size_t cap, const char *src, size_t len)
{
	if (len >= cap)
		return -1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

enum users_line users_parse_line(const char *line, size_t len, struct user_entry *e,
				 const char **why)
{
	const char *f[5];
	size_t fl[5], n = 0, i, start = 0;

	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n' ||
			   line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	if (len == 0 || line[0] == '#')
		return USERS_LINE_SKIP;
	if (memchr(line, '\0', len)) {
		*why = "NUL byte";
		return USERS_LINE_BAD;
	}
	for (i = 0; i <= len; i++) {
		if (i == len || line[i] == ':') {
			if (n == 5) {
				*why = "too many fields (want name:hash:home[:rw|ro])";
				return USERS_LINE_BAD;
			}
			f[n] = line + start;
			fl[n++] = i - start;
			start = i + 1;
		}
	}
	if (n < 3 || n > 4) {
		*why = n < 3 ? "too few fields (want name:hash:home[:rw|ro])"
			     : "too many fields (want name:hash:home[:rw|ro])";
		return USERS_LINE_BAD;
	}
	memset(e, 0, sizeof(*e));
	if (fl[0] == 0 || copy_field(e->name, sizeof(e->name), f[0], fl[0]) < 0) {
		*why = "empty or too long user name";
		return USERS_LINE_BAD;
	}
	for (i = 0; i < fl[0]; i++)
		if ((unsigned char)f[0][i] <= ' ' || f[0][i] == 0x7f) {
			*why = "user name with a space or control character";
			return USERS_LINE_BAD;
		}
	e->locked = fl[1] > 0 && f[1][0] == '!';
	if (fl[1] < (e->locked ? 3u : 2u) || f[1][e->locked] != '$' ||
	    copy_field(e->hash, sizeof(e->hash), f[1], fl[1]) < 0) {
		*why = "password hash not in crypt(3) form ($id$...)";
		return USERS_LINE_BAD;
	}
	if (fl[2] == 0 || f[2][0] != '/' ||
	    copy_field(e->home, sizeof(e->home), f[2], fl[2]) < 0) {
		*why = "home is not an absolute path";
		return USERS_LINE_BAD;
	}
	if (n == 4) {
		if (fl[3] == 2 && memcmp(f[3], "rw", 2) == 0) {
			e->rw = true;
		} else if (fl[3] == 2 && memcmp(f[3], "ro", 2) == 0) {
			e->rw = false;
		} else {
			*why = "fourth field must be rw or ro";
			return USERS_LINE_BAD;
		}
	}
	return USERS_LINE_ENTRY;
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
	int n = snprintf(buf, cap, "%s:%s:%s:%s\n", e->name, e->hash, e->home,
			 e->rw ? "rw" : "ro");

	return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}
