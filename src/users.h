/* users.h - the virtual users file, one line per user (pure parsing):
 *     name:hash:home[:rw|ro]
 * hash in crypt(3) form ($y$ yescrypt, $6$ sha512-crypt, $2b$ bcrypt, ...);
 * home an absolute directory, the user's root; rw allows writes, ro (the
 * default) does not.  A hash that starts with '!' is a locked account
 * (sockftpd-passwd lock): the line is valid, no password matches it.
 * Empty lines and lines starting with '#' are skipped. */
#ifndef SOCKFTPD_USERS_H
#define SOCKFTPD_USERS_H

#include <stdbool.h>
#include <stddef.h>

#define USER_NAME_MAX 64
#define USER_HASH_MAX 512
#define USER_HOME_MAX 4096

struct user_entry {
	char name[USER_NAME_MAX];
	char hash[USER_HASH_MAX];
	char home[USER_HOME_MAX];
	bool rw;
	bool locked;         /* the hash starts with '!' */
};

enum users_line {
	USERS_LINE_ENTRY,    /* e is filled */
	USERS_LINE_SKIP,     /* blank or comment */
	USERS_LINE_BAD,      /* *why says what is wrong */
};

enum users_line users_parse_line(const char *line, size_t len, struct user_entry *e,
				 const char **why);

/* NULL when name can be a user name of the file, else why not. */
const char *users_bad_name(const char *name);
/* NULL when home can be a home of the file, else why not. */
const char *users_bad_home(const char *home);

/* The line for e, with its newline: the inverse of users_parse_line().
 * Returns its length, or 0 when it does not fit. */
size_t users_format_line(char *buf, size_t cap, const struct user_entry *e);

#endif
