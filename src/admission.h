/* admission.h - the listener's admission control (pure): how many sessions
 * in all, how many per source, how fast a source may start them.
 *
 * A source is an IPv4 address, or an IPv6 address's /64 (one host usually
 * holds a whole /64: counting single IPv6 addresses would let it start
 * sessions from 2^64 of them).  Each source has a bucket of start-up
 * tokens, as sshd's MaxStartups/PerSourcePenalties mean it: max_startups
 * tokens at most, refilled at max_startups a minute; a session start takes
 * one; a source with no token left is refused until one has grown back.  A
 * session that crashed (killed by SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT or
 * SIGSYS) costs its source a whole minute of starts: its bucket drops to
 * -max_startups tokens.
 *
 * The table is a fixed array given by the caller: the sources with running
 * sessions (at most max_sessions of them) and spare entries for sources
 * whose bucket is not full again.  When every entry is taken, the source
 * with no session that was seen longest ago is forgotten.  Memory is bounded
 * whatever the number of sources; lookups scan the table (tens of thousands
 * of entries: microseconds, once per connection). */
#ifndef SOCKFTPD_ADMISSION_H
#define SOCKFTPD_ADMISSION_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Sources without a running session the table keeps on top of one entry per
 * possible session. */
#define ADMISSION_SPARE 1024

struct adm_source {
	unsigned char key[16];  /* IPv4 as ::ffff:a.b.c.d; IPv6: the /64, the rest 0 */
	unsigned sessions;      /* running sessions of this source */
	int64_t tokens;         /* start-up tokens, in thousandths */
	uint64_t seen_ms;       /* when tokens was last brought up to date */
	unsigned char used;
};

struct admission {
	struct adm_source *src;
	size_t cap;
	unsigned max_sessions;  /* every source together */
	unsigned max_per_ip;    /* 0: no limit */
	unsigned max_startups;  /* a minute, per source; 0: no limit */
	unsigned sessions;      /* running now */
};

enum adm_verdict {
	ADM_OK,       /* start it (the source's slot is given back) */
	ADM_FULL,     /* max_sessions are running */
	ADM_PER_IP,   /* max_per_ip of this source are running */
	ADM_RATE,     /* this source started too many lately */
};

/* cap entries at src: at least max_sessions + 1 (ADMISSION_SPARE more is
 * what the listener gives). */
void admission_init(struct admission *a, struct adm_source *src, size_t cap,
		    unsigned max_sessions, unsigned max_per_ip, unsigned max_startups);

/* The source key of a peer address: 0, or -1 for a family that has none. */
int admission_key(const struct sockaddr *sa, socklen_t len, unsigned char key[16]);

/* May a session of this source start at now_ms (a monotonic clock)?  On
 * ADM_OK the session is counted and *slot names its source for
 * admission_end(). */
enum adm_verdict admission_admit(struct admission *a, const unsigned char key[16],
				 uint64_t now_ms, size_t *slot);

/* The session counted at slot ended; crashed: it died of a crash signal. */
void admission_end(struct admission *a, size_t slot, int crashed, uint64_t now_ms);

#endif
