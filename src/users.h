/* users.h - the virtual users file, one line per user (pure parsing):
 *     name:hash:home[:rw|ro][:ACCOUNT]
 * hash in crypt(3) form ($y$ yescrypt, $6$ sha512-crypt, $2b$ bcrypt, ...);
 * home an absolute directory, the user's root; rw allows writes, ro (the
 * default) does not.  A hash that starts with '!' is a locked account
 * (sockftpd-passwd lock): the line is valid, no password matches it.
 * ACCOUNT is the identity the session's file work takes after the login:
 * a system user name (its uid, primary gid and groups), or
 * "uid=UID,gid=GID" (those ids, no other group); without it, the --run-as
 * user of a root start (or, started by another user, that user).  The
 * fourth field is the mode when it says rw or ro, the account otherwise;
 * users_format_line() always writes the mode before an account.  uid 0 and
 * gid 0 are refused.
 * Empty lines and lines starting with '#' are skipped. */
#ifndef SOCKFTPD_USERS_H
#define SOCKFTPD_USERS_H

#include <stdbool.h>
#include <stddef.h>

#define USER_NAME_MAX 64
#define USER_HASH_MAX 512
#define USER_HOME_MAX 4096
#define USER_ACCOUNT_MAX 64

/* The longest line of the file, newline and NUL included. */
#define USER_LINE_MAX (USER_NAME_MAX + USER_HASH_MAX + USER_HOME_MAX + USER_ACCOUNT_MAX + 8)

enum account_kind {
	ACCOUNT_DEFAULT,     /* no ACCOUNT field */
	ACCOUNT_NAME,        /* a system user, by name */
	ACCOUNT_IDS,         /* uid=UID,gid=GID */
};

struct user_entry {
	char name[USER_NAME_MAX];
	char hash[USER_HASH_MAX];
	char home[USER_HOME_MAX];
	bool rw;
	bool locked;         /* the hash starts with '!' */
	enum account_kind account;
	char account_name[USER_ACCOUNT_MAX];  /* ACCOUNT_NAME */
	unsigned uid, gid;                    /* ACCOUNT_IDS */
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
/* Parse an ACCOUNT field (len bytes) into e's account: NULL, or why not.
 * "" (len 0) is the default account. */
const char *users_parse_account(const char *s, size_t len, struct user_entry *e);

/* e's ACCOUNT field as written in the file ("" for the default). */
size_t users_format_account(char *buf, size_t cap, const struct user_entry *e);

/* How costly a hash's method is to compute, by its prefix (a locked
 * account's '!' skipped): 6 yescrypt, gost-yescrypt, scrypt; 5 bcrypt;
 * 4 sha512-crypt; 3 sha256-crypt; 2 sha1-crypt; 1 md5-crypt and others
 * ($...$); 0 DES.  An unknown name is checked against the costliest hash
 * of the file, so that it takes no less time than a known one. */
int users_hash_cost(const char *hash);
/* The method's name for messages ("yescrypt", "sha512-crypt", ...). */
const char *users_hash_method(const char *hash);

/* The line for e, with its newline: the inverse of users_parse_line().
 * Returns its length, or 0 when it does not fit. */
size_t users_format_line(char *buf, size_t cap, const struct user_entry *e);

#endif
