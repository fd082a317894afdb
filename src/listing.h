/* listing.h - directory listing lines (pure): the "ls -l" form of LIST that
 * curl, lftp, wget and FileZilla parse, NLST names, and the RFC 3659 facts
 * of MLSD/MLST. */
#ifndef SOCKFTPD_LISTING_H
#define SOCKFTPD_LISTING_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

/* MLST facts, as bits; OPTS MLST chooses among them. */
enum mlst_fact {
	FACT_TYPE = 1 << 0,
	FACT_SIZE = 1 << 1,
	FACT_MODIFY = 1 << 2,
	FACT_PERM = 1 << 3,
	FACT_UNIX_MODE = 1 << 4,
	FACT_ALL = (1 << 5) - 1,
};

/* The FEAT line: "type*;size*;modify*;perm*;unix.mode*;" with a '*' after
 * each fact that is selected. */
size_t mlst_feat(char *buf, size_t cap, unsigned selected);

/* Parse the argument of OPTS MLST ("type;size;" any case, unknown facts
 * ignored) into a fact mask; writes the accepted list for the 200 reply. */
unsigned mlst_opts(const char *arg, size_t len, char *accepted, size_t cap);

/* Who is asking, for the perm fact. */
struct lister {
	uid_t uid;
	gid_t gid;
	bool may_write;   /* the session's user may write at all */
};

/* A name as listings carry it: CR becomes CR NUL and LF becomes NUL (the
 * Telnet convention RFC 959 and RFC 2640 give for pathnames), so that no
 * name can end a listing line, or a reply, early.  out must hold twice the
 * name; returns the length written. */
size_t listing_name(char *out, size_t cap, const char *name);

/* RFC 3659 perm fact for a file or directory with this stat. */
void listing_perm(char *out, size_t cap, const struct stat *st, const struct lister *who);

/* One "ls -l" line with CRLF (names as listing_name() writes them).
 * target is a symlink's target or NULL.  now
 * decides between "HH:MM" (within six months) and the year. */
size_t listing_ls_line(char *buf, size_t cap, const struct stat *st, const char *name,
		       const char *target, time_t now);

/* The facts of an MLSx line: "fact=value;...;" (MLST puts the name after
 * it in a reply, which encodes it). */
size_t listing_mlsx_facts(char *buf, size_t cap, const struct stat *st, const char *type,
			  unsigned facts, const struct lister *who);

/* One MLSx line: "fact=value;...; name" with CRLF (the name as
 * listing_name() writes it).  type overrides the type
 * fact ("cdir", "pdir") when not NULL. */
size_t listing_mlsx_line(char *buf, size_t cap, const struct stat *st, const char *name,
			 const char *type, unsigned facts, const struct lister *who);

/* "YYYYMMDDHHMMSS" in UTC (MDTM, modify fact); 14 bytes plus NUL. */
size_t listing_time(char *buf, size_t cap, time_t t);

#endif
