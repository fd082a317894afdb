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
 * of entries: microseconds, once per connection).
 *
 * Behind a balancer (--proxy-protocol) the connection's address is the
 * balancer's, and the client is known only once the session has read the
 * PROXY header, which the listener never reads.  Such a session is counted
 * at accept against max_sessions alone (admission_hold); the session then
 * reports the header's client address (a report, below) and the per-source
 * checks are made on it (admission_claim), the listener answering with a
 * verdict byte.  A LOCAL header (a balancer's health check) names no client:
 * it is counted against max_sessions alone. */
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

/* A session counted without a source (admission_hold, not yet claimed or
 * refused by admission_claim). */
#define ADMISSION_NO_SLOT ((size_t)-1)

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

/* Count a session whose source is told later against max_sessions alone:
 * ADM_OK or ADM_FULL. */
enum adm_verdict admission_hold(struct admission *a);

/* The source of a session admission_hold() counted: the per-source checks
 * of admission_admit().  On ADM_OK *slot names its source; on a refusal the
 * session stays counted, without a source (ADMISSION_NO_SLOT), until
 * admission_end(). */
enum adm_verdict admission_claim(struct admission *a, const unsigned char key[16],
				 uint64_t now_ms, size_t *slot);

/* The session counted at slot (ADMISSION_NO_SLOT: without a source) ended;
 * crashed: it died of a crash signal, which costs its source. */
void admission_end(struct admission *a, size_t slot, int crashed, uint64_t now_ms);

/* The 421 text of a refusal (the same from the listener and from a session
 * refused after its report); NULL for ADM_OK. */
const char *admission_refusal(enum adm_verdict v);

/* The session's report, on a SOCK_SEQPACKET socketpair, one message of
 * exactly ADMISSION_REPORT_LEN bytes:
 *   byte 0      ADMISSION_REPORT_VERSION
 *   byte 1      4 (IPv4), 6 (IPv6) or 0 (LOCAL: no client address)
 *   bytes 2-3   the client's port, big-endian (0 for LOCAL)
 *   bytes 4-19  the address: IPv4 in 4-7, IPv6 in 4-19; the rest zero
 * The answer is one byte: an enum adm_verdict. */
#define ADMISSION_REPORT_LEN 20
#define ADMISSION_REPORT_VERSION 1

/* The report of the client at sa (NULL: a LOCAL header): its length, or 0
 * when sa is neither IPv4 nor IPv6. */
size_t admission_report_format(unsigned char out[ADMISSION_REPORT_LEN],
			       const struct sockaddr *sa, socklen_t len);

/* Parse a report: 1 with the client's address in *ss (and *sslen), 0 for
 * LOCAL, -1 when buf is not exactly a report (length, version, kind, bytes
 * that must be zero). */
int admission_report_parse(const unsigned char *buf, size_t len,
			   struct sockaddr_storage *ss, socklen_t *sslen);

/* Parse the answer: 0 with the verdict in *v, or -1. */
int admission_verdict_parse(const unsigned char *buf, size_t len, enum adm_verdict *v);

#endif
