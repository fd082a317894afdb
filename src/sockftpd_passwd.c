/* sockftpd_passwd.c - sockftpd-passwd: the users file, edited as an
 * administrator expects.
 *
 *   sockftpd-passwd [-f FILE] add NAME HOME [rw|ro]
 *   sockftpd-passwd [-f FILE] passwd NAME
 *   sockftpd-passwd [-f FILE] home NAME HOME
 *   sockftpd-passwd [-f FILE] mode NAME rw|ro
 *   sockftpd-passwd [-f FILE] account NAME ACCOUNT|-
 *   sockftpd-passwd [-f FILE] lock NAME | unlock NAME | delete NAME
 *   sockftpd-passwd [-f FILE] list
 *   sockftpd-passwd [-f FILE] check NAME
 *
 * Passwords are asked twice on the terminal, or read from standard input
 * (one line) with --stdin, and hashed with yescrypt (--sha512: sha512-crypt)
 * with a salt from crypt_gensalt().  The file is written whole to a
 * temporary file beside it and renamed over it, with its mode and owner
 * (a new file: 0640, root and the group sockftpd when it exists, else
 * 0600), so a reader never sees half a file. */
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "users.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif

#define FILE_MAX (16 << 20)

static const char *file = SYSCONFDIR "/sockftpd/users";
static bool from_stdin, sha512;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "sockftpd-passwd: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(2);
}

/* The whole file, NUL-terminated (empty when it does not exist yet). */
static char *load(size_t *len, struct stat *st, bool *exists)
{
	static char text[FILE_MAX + 1];
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	ssize_t n = 0;

	*len = 0;
	*exists = fd >= 0;
	if (fd < 0 && errno != ENOENT)
		die("%s: %s", file, strerror(errno));
	if (fd >= 0) {
		if (fstat(fd, st) < 0)
			die("%s: %s", file, strerror(errno));
		while ((n = read(fd, text + *len, FILE_MAX + 1 - *len)) > 0 &&
		       (*len += (size_t)n) <= FILE_MAX)
			;
		if (n < 0 || *len > FILE_MAX)
			die("%s: %s", file, n < 0 ? strerror(errno) : "larger than 16 MiB");
		close(fd);
	}
	text[*len] = '\0';
	return text;
}

/* Replace the file with text, atomically, keeping mode and owner. */
static void save(const char *text, size_t len, const struct stat *st, bool exists)
{
	char tmp[4200];
	const struct group *gr = exists ? NULL : getgrnam("sockftpd");
	mode_t mode = exists ? st->st_mode & 07777 : gr ? 0640 : 0600;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.sockftpd-passwd.XXXXXX", file);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		die("%s: %s", tmp, strerror(errno));
	if (fchmod(fd, mode) < 0 ||
	    (exists ? fchown(fd, st->st_uid, st->st_gid) : gr ? fchown(fd, 0, gr->gr_gid) : 0) < 0 ||
	    write(fd, text, len) != (ssize_t)len || fsync(fd) < 0 || close(fd) < 0 ||
	    rename(tmp, file) < 0) {
		int e = errno;

		unlink(tmp);
		die("%s: %s", file, strerror(e));
	}
}

/* The line of name: its start and end (after the newline), or -1. */
static int find(const char *text, size_t len, const char *name, size_t *start, size_t *end,
		struct user_entry *e)
{
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - text - pos) + 1 : len - pos;
		const char *why;

		if (users_parse_line(text + pos, n, e, &why) == USERS_LINE_ENTRY &&
		    strcmp(e->name, name) == 0) {
			*start = pos;
			*end = pos + n;
			return 0;
		}
		pos += n;
	}
	return -1;
}

static void read_line(FILE *f, char *buf, size_t cap)
{
	size_t n;

	if (!fgets(buf, (int)cap, f))
		die("%s", "no password given");
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (n == cap - 1)
		die("%s", "password too long");
}

/* A password: one line of standard input, or asked twice on the tty. */
static void ask(char *pw, size_t cap, bool twice)
{
	char again[512];
	struct termios old, quiet;
	FILE *tty;

	if (from_stdin) {
		read_line(stdin, pw, cap);
		return;
	}
	tty = fopen("/dev/tty", "r+e");
	if (!tty || tcgetattr(fileno(tty), &old) < 0)
		die("%s", "no terminal to ask the password on: use --stdin");
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	fputs("Password: ", tty);
	fflush(tty);
	read_line(tty, pw, cap);
	if (twice) {
		fputs("\nPassword again: ", tty);
		fflush(tty);
		read_line(tty, again, sizeof(again));
	}
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputs("\n", tty);
	fclose(tty);
	if (twice && strcmp(pw, again) != 0)
		die("%s", "the passwords differ");
	explicit_bzero(again, sizeof(again));
}

static void hash(const char *pw, char *out, size_t cap)
{
	static struct crypt_data cd;
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	const char *h;

	if (!*pw)
		die("%s", "an empty password is not allowed");
	if (!crypt_gensalt_rn(sha512 ? "$6$" : "$y$", 0, NULL, 0, setting, sizeof(setting)) &&
	    !crypt_gensalt_rn("$6$", 0, NULL, 0, setting, sizeof(setting)))
		die("crypt_gensalt: %s", strerror(errno));
	h = crypt_rn(pw, setting, &cd, sizeof(cd));
	if (!h || h[0] == '*' || strlen(h) >= cap)
		die("crypt: %s", strerror(errno));
	snprintf(out, cap, "%s", h);
}

/* text with its line [start, end) replaced by line (NULL: removed), saved. */
static void replace(const char *text, size_t len, size_t start, size_t end, const char *line,
		    const struct stat *st, bool exists)
{
	size_t ll = line ? strlen(line) : 0, n = start + ll + (len - end);
	char *out = malloc(n + 2);

	if (!out)
		die("%s", "out of memory");
	memcpy(out, text, start);
	/* a last line without its newline gets one before what follows */
	if (start > 0 && out[start - 1] != '\n' && line) {
		out[start++] = '\n';
		n++;
	}
	memcpy(out + start, line ? line : "", ll);
	memcpy(out + start + ll, text + end, len - end);
	save(out, n, st, exists);
	free(out);
}

static void set_line(const char *text, size_t len, size_t start, size_t end,
		     const struct user_entry *e, const struct stat *st, bool exists)
{
	char line[USER_LINE_MAX];

	if (!users_format_line(line, sizeof(line), e))
		die("%s", "the line would be too long");
	replace(text, len, start, end, line, st, exists);
}

static bool mode_word(const char *w)
{
	if (strcmp(w, "rw") != 0 && strcmp(w, "ro") != 0)
		die("'%s': the mode is rw or ro", w);
	return w[1] == 'w';
}

static int usage(void)
{
	fputs("Usage: sockftpd-passwd [-f FILE] [--stdin] [--sha512] COMMAND\n"
	      "Edit sockftpd's users file (default " SYSCONFDIR "/sockftpd/users).\n\n"
	      "  add NAME HOME [rw|ro]   a new user (asks the password twice)\n"
	      "  passwd NAME             a new password\n"
	      "  home NAME HOME          a new home\n"
	      "  mode NAME rw|ro         read-write or read-only\n"
	      "  account NAME ACCOUNT    the system account of the user's files: a user\n"
	      "                          name or uid=UID,gid=GID; - for the default\n"
	      "  lock NAME, unlock NAME  refuse or allow the user's logins\n"
	      "  delete NAME             remove the user\n"
	      "  list                    every user: name, home, mode, locked\n"
	      "  check NAME              exit 0 when the password (asked) is right\n\n"
	      "  -f FILE    the users file\n"
	      "  --stdin    read the password from standard input (one line)\n"
	      "  --sha512   sha512-crypt instead of yescrypt\n", stderr);
	return 2;
}

static int list(const char *text, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos), *why;
		size_t n = nl ? (size_t)(nl - text - pos) + 1 : len - pos;
		struct user_entry e;

		if (users_parse_line(text + pos, n, &e, &why) == USERS_LINE_ENTRY) {
			char account[USER_ACCOUNT_MAX + 16] = "";

			if (e.account != ACCOUNT_DEFAULT) {
				memcpy(account, "\taccount=", 9);
				users_format_account(account + 9, sizeof(account) - 9, &e);
			}
			printf("%s\t%s\t%s%s%s\n", e.name, e.home, e.rw ? "rw" : "ro", account,
			       e.locked ? "\tlocked" : "");
		}
		pos += n;
	}
	return 0;
}

/* A file whose hashes mix methods lets a failed login's time tell which
 * names exist (an unknown name costs the costliest method): say so when
 * the hash of name, made with the method of hash, is not like the others. */
static void warn_mixed(const char *text, size_t len, const char *name, const char *hash)
{
	const char *mine = users_hash_method(hash), *why;
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - text - pos) + 1 : len - pos;
		struct user_entry e;

		if (users_parse_line(text + pos, n, &e, &why) == USERS_LINE_ENTRY &&
		    strcmp(e.name, name) != 0 && strcmp(users_hash_method(e.hash), mine) != 0) {
			fprintf(stderr, "sockftpd-passwd: warning: %s now mixes hash methods (%s for "
				"%s, %s for %s): a failed login's time may tell which names exist; "
				"set every password with the same method\n", file, mine, name,
				users_hash_method(e.hash), e.name);
			explicit_bzero(&e, sizeof(e));
			return;
		}
		explicit_bzero(&e, sizeof(e));
		pos += n;
	}
}

static int run(int argc, char **argv)
{
	static struct user_entry e;
	const char *cmd = argv[0], *name = argc > 1 ? argv[1] : "", *why;
	char pw[512], h[USER_HASH_MAX - 1];
	struct stat st;
	size_t len, start = 0, end = 0;
	bool exists, found;
	char *text = load(&len, &st, &exists);

	if (strcmp(cmd, "list") == 0 && argc == 1)
		return list(text, len);
	if (argc < 2)
		return usage();
	found = find(text, len, name, &start, &end, &e) == 0;
	if (strcmp(cmd, "add") == 0 && (argc == 3 || argc == 4)) {
		if (found)
			die("%s: '%s' exists already", file, name);
		if ((why = users_bad_name(name)) || (why = users_bad_home(argv[2])))
			die("%s", why);
		memset(&e, 0, sizeof(e));
		snprintf(e.name, sizeof(e.name), "%s", name);
		snprintf(e.home, sizeof(e.home), "%s", argv[2]);
		e.rw = argc == 4 && mode_word(argv[3]);
		ask(pw, sizeof(pw), true);
		hash(pw, e.hash, sizeof(e.hash));
		explicit_bzero(pw, sizeof(pw));
		warn_mixed(text, len, e.name, e.hash);
		set_line(text, len, len, len, &e, &st, exists);
		return 0;
	}
	if (!found)
		die("%s: no user '%s'", file, name);
	if (strcmp(cmd, "passwd") == 0 && argc == 2) {
		ask(pw, sizeof(pw), true);
		hash(pw, h, sizeof(h));
		explicit_bzero(pw, sizeof(pw));
		warn_mixed(text, len, e.name, h);
		e.hash[0] = '!';
		memcpy(e.hash + e.locked, h, strlen(h) + 1);
	} else if (strcmp(cmd, "home") == 0 && argc == 3) {
		if ((why = users_bad_home(argv[2])))
			die("%s", why);
		snprintf(e.home, sizeof(e.home), "%s", argv[2]);
	} else if (strcmp(cmd, "mode") == 0 && argc == 3) {
		e.rw = mode_word(argv[2]);
	} else if (strcmp(cmd, "account") == 0 && argc == 3) {
		const char *a = strcmp(argv[2], "-") == 0 ? "" : argv[2];

		if ((why = users_parse_account(a, strlen(a), &e)))
			die("'%s': %s", argv[2], why);
	} else if (strcmp(cmd, "lock") == 0 && argc == 2) {
		size_t n = strlen(e.hash);

		if (!e.locked && n + 1 < sizeof(e.hash)) {
			memmove(e.hash + 1, e.hash, n + 1);
			e.hash[0] = '!';
		}
	} else if (strcmp(cmd, "unlock") == 0 && argc == 2) {
		if (e.locked)
			memmove(e.hash, e.hash + 1, strlen(e.hash));
	} else if (strcmp(cmd, "delete") == 0 && argc == 2) {
		replace(text, len, start, end, NULL, &st, exists);
		return 0;
	} else if (strcmp(cmd, "check") == 0 && argc == 2) {
		static struct crypt_data cd;
		const char *got;

		ask(pw, sizeof(pw), false);
		got = crypt_rn(pw, e.hash, &cd, sizeof(cd));
		explicit_bzero(pw, sizeof(pw));
		return got && got[0] != '*' && strcmp(got, e.hash) == 0 ? 0 : 1;
	} else {
		return usage();
	}
	set_line(text, len, start, end, &e, &st, exists);
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-f") == 0 && i + 1 < argc)
			file = argv[++i];
		else if (strcmp(argv[i], "--stdin") == 0)
			from_stdin = true;
		else if (strcmp(argv[i], "--sha512") == 0)
			sha512 = true;
		else
			return usage();
	}
	if (i == argc)
		return usage();
	return run(argc - i, argv + i);
}
