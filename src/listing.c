/* listing.c - directory listing lines (pure). */
#include "listing.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
	unsigned bit;
	const char *name;
} facts[] = {
	{FACT_TYPE, "type"},
	{FACT_SIZE, "size"},
	{FACT_MODIFY, "modify"},
	{FACT_PERM, "perm"},
	{FACT_UNIX_MODE, "unix.mode"},
};
#define N_FACTS (sizeof(facts) / sizeof(facts[0]))

static size_t clamp(int n, size_t cap)
{
	if (n < 0 || cap == 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}

size_t listing_name(char *out, size_t cap, const char *name)
{
	size_t o = 0;

	if (cap == 0)
		return 0;
	for (; *name; name++) {
		size_t need = *name == '\r' ? 2 : 1;

		if (o + need >= cap)
			break;
		out[o++] = *name == '\n' ? '\0' : *name;
		if (*name == '\r')
			out[o++] = '\0';
	}
	out[o] = '\0';
	return o;
}

size_t mlst_feat(char *buf, size_t cap, unsigned selected)
{
	size_t len = 0, i;

	if (cap)
		buf[0] = '\0';
	for (i = 0; i < N_FACTS; i++)
		len += clamp(snprintf(buf + len, cap - len, "%s%s;", facts[i].name,
				      (selected & facts[i].bit) ? "*" : ""), cap - len);
	return len;
}

unsigned mlst_opts(const char *arg, size_t len, char *accepted, size_t cap)
{
	unsigned mask = 0;
	size_t i = 0, out = 0, k;

	if (cap)
		accepted[0] = '\0';
	while (i < len) {
		size_t j = i;

		while (j < len && arg[j] != ';')
			j++;
		for (k = 0; k < N_FACTS; k++)
			if (strlen(facts[k].name) == j - i &&
			    strncasecmp(facts[k].name, arg + i, j - i) == 0 &&
			    !(mask & facts[k].bit)) {
				mask |= facts[k].bit;
				out += clamp(snprintf(accepted + out, cap - out, "%s;",
						      facts[k].name), cap - out);
			}
		i = j + 1;
	}
	return mask;
}

/* Which of rwx the asker has through the mode bits (ACLs are not read). */
static unsigned access_bits(const struct stat *st, const struct lister *who)
{
	if (who->uid == 0)
		return 06 | ((st->st_mode & 0111) || S_ISDIR(st->st_mode) ? 1 : 0);
	if (st->st_uid == who->uid)
		return (st->st_mode >> 6) & 7;
	if (st->st_gid == who->gid)
		return (st->st_mode >> 3) & 7;
	return st->st_mode & 7;
}

void listing_perm(char *out, size_t cap, const struct stat *st, const struct lister *who)
{
	unsigned a = access_bits(st, who);
	bool w = who->may_write && (a & 2);
	size_t n = 0;
	char p[16];

	if (S_ISDIR(st->st_mode)) {
		/* e: CWD, l: list, c: create files, m: make dirs, p: purge,
		 * d: delete the dir, f: rename it (the last two depend on the
		 * parent too; the dir's own write bit is the closest single
		 * fact) */
		if (a & 1)
			p[n++] = 'e';
		if ((a & 5) == 5)
			p[n++] = 'l';
		if (w && (a & 1)) {
			p[n++] = 'c';
			p[n++] = 'm';
			p[n++] = 'p';
		}
		if (who->may_write) {
			p[n++] = 'd';
			p[n++] = 'f';
		}
	} else {
		if (w)
			p[n++] = 'a';
		if (who->may_write) {
			p[n++] = 'd';
			p[n++] = 'f';
		}
		if (a & 4)
			p[n++] = 'r';
		if (w)
			p[n++] = 'w';
	}
	p[n] = '\0';
	snprintf(out, cap, "%s", p);
}

size_t listing_time(char *buf, size_t cap, time_t t)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	return clamp(snprintf(buf, cap, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900,
			      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec),
		     cap);
}

static char type_char(mode_t m)
{
	if (S_ISDIR(m)) return 'd';
	if (S_ISLNK(m)) return 'l';
	if (S_ISCHR(m)) return 'c';
	if (S_ISBLK(m)) return 'b';
	if (S_ISFIFO(m)) return 'p';
	if (S_ISSOCK(m)) return 's';
	return '-';
}

static void mode_string(char *s, mode_t m)
{
	static const char rwx[] = "rwxrwxrwx";
	int i;

	s[0] = type_char(m);
	for (i = 0; i < 9; i++)
		s[i + 1] = (m & (0400u >> i)) ? rwx[i] : '-';
	if (m & S_ISUID) s[3] = (m & 0100) ? 's' : 'S';
	if (m & S_ISGID) s[6] = (m & 0010) ? 's' : 'S';
	if (m & S_ISVTX) s[9] = (m & 0001) ? 't' : 'T';
	s[10] = '\0';
}

/* Append n bytes (they may hold NUL) at len; returns the new length. */
static size_t append(char *buf, size_t cap, size_t len, const char *p, size_t n)
{
	if (len >= cap)
		return len;
	if (n > cap - 1 - len)
		n = cap - 1 - len;
	memcpy(buf + len, p, n);
	buf[len + n] = '\0';
	return len + n;
}

/* Append a name in listing form. */
static size_t append_name(char *buf, size_t cap, size_t len, const char *name)
{
	char enc[2 * 4096];

	return append(buf, cap, len, enc, listing_name(enc, sizeof(enc), name));
}

size_t listing_ls_line(char *buf, size_t cap, const struct stat *st, const char *name,
		       const char *target, time_t now)
{
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	char mode[11], when[32];
	struct tm tm;
	time_t t = st->st_mtime;
	const time_t half_year = 182 * 24 * 3600;
	size_t len;

	if (cap < 3)
		return 0;
	mode_string(mode, st->st_mode);
	if (!gmtime_r(&t, &tm))
		memset(&tm, 0, sizeof(tm));
	if (t > now - half_year && t <= now + 3600)
		snprintf(when, sizeof(when), "%.3s %2d %02d:%02d", months[tm.tm_mon % 12],
			 tm.tm_mday, tm.tm_hour, tm.tm_min);
	else
		snprintf(when, sizeof(when), "%.3s %2d  %4d", months[tm.tm_mon % 12],
			 tm.tm_mday, tm.tm_year + 1900);
	/* room for the CRLF is kept */
	len = clamp(snprintf(buf, cap - 2, "%s %3lu %-8u %-8u %12lld %s ", mode,
			     (unsigned long)st->st_nlink, (unsigned)st->st_uid,
			     (unsigned)st->st_gid, (long long)st->st_size, when), cap - 2);
	len = append_name(buf, cap - 2, len, name);
	if (target) {
		len = append(buf, cap - 2, len, " -> ", 4);
		len = append_name(buf, cap - 2, len, target);
	}
	return append(buf, cap, len, "\r\n", 2);
}

size_t listing_mlsx_facts(char *buf, size_t cap, const struct stat *st, const char *type,
			  unsigned f, const struct lister *who)
{
	size_t len = 0;

	if (cap)
		buf[0] = '\0';
	if (f & FACT_TYPE) {
		const char *t = type;

		if (!t)
			t = S_ISDIR(st->st_mode) ? "dir" : S_ISREG(st->st_mode) ? "file"
			    : S_ISLNK(st->st_mode) ? "OS.unix=symlink" : "OS.unix=special";
		len += clamp(snprintf(buf + len, cap - len, "type=%s;", t), cap - len);
	}
	if ((f & FACT_SIZE) && !S_ISDIR(st->st_mode))
		len += clamp(snprintf(buf + len, cap - len, "size=%lld;",
				      (long long)st->st_size), cap - len);
	if (f & FACT_MODIFY) {
		char t[20];

		listing_time(t, sizeof(t), st->st_mtime);
		len += clamp(snprintf(buf + len, cap - len, "modify=%s;", t), cap - len);
	}
	if (f & FACT_PERM) {
		char p[16];

		listing_perm(p, sizeof(p), st, who);
		len += clamp(snprintf(buf + len, cap - len, "perm=%s;", p), cap - len);
	}
	if (f & FACT_UNIX_MODE)
		len += clamp(snprintf(buf + len, cap - len, "unix.mode=0%o;",
				      (unsigned)(st->st_mode & 07777)), cap - len);
	return len;
}

size_t listing_mlsx_line(char *buf, size_t cap, const struct stat *st, const char *name,
			 const char *type, unsigned f, const struct lister *who)
{
	size_t len;

	if (cap < 3)
		return 0;
	len = listing_mlsx_facts(buf, cap - 2, st, type, f, who);
	len = append(buf, cap - 2, len, " ", 1);
	len = append_name(buf, cap - 2, len, name);
	return append(buf, cap, len, "\r\n", 2);
}
