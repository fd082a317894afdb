/* admission.c - the listener's admission control (pure). */
#include "admission.h"

#include <netinet/in.h>
#include <string.h>

void admission_init(struct admission *a, struct adm_source *src, size_t cap,
		    unsigned max_sessions, unsigned max_per_ip, unsigned max_startups)
{
	memset(a, 0, sizeof(*a));
	memset(src, 0, cap * sizeof(*src));
	a->src = src;
	a->cap = cap;
	a->max_sessions = max_sessions;
	a->max_per_ip = max_per_ip;
	a->max_startups = max_startups;
}

int admission_key(const struct sockaddr *sa, socklen_t len, unsigned char key[16])
{
	memset(key, 0, 16);
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		key[10] = key[11] = 0xff;
		memcpy(key + 12, &in->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
			memcpy(key, &in6->sin6_addr, 16);
		else
			memcpy(key, &in6->sin6_addr, 8);  /* the /64 */
		return 0;
	}
	return -1;
}

static int64_t full(const struct admission *a)
{
	return (int64_t)a->max_startups * 1000;
}

/* The bucket brought up to now: max_startups tokens a minute, in
 * thousandths (ms * N * 1000 / 60000); the time whose tokens did not make a
 * whole thousandth yet is kept for the next time. */
static void refill(const struct admission *a, struct adm_source *s, uint64_t now_ms)
{
	uint64_t ms, gain;

	if (now_ms <= s->seen_ms)
		return;
	ms = now_ms - s->seen_ms;
	if (!a->max_startups || ms > 120000) {
		s->tokens = full(a);
		s->seen_ms = now_ms;
		return;
	}
	gain = ms * a->max_startups / 60;
	s->tokens += (int64_t)gain;
	s->seen_ms += gain * 60 / a->max_startups;
	if (s->tokens >= full(a)) {
		s->tokens = full(a);
		s->seen_ms = now_ms;
	}
}

/* An entry that holds nothing worth keeping. */
static int idle(const struct admission *a, const struct adm_source *s)
{
	return !s->used || (s->sessions == 0 && (!a->max_startups || s->tokens >= full(a)));
}

/* The entry of source key: found, or taken (an idle one, else the oldest
 * without a session); a->cap when none is free. */
static size_t entry(struct admission *a, const unsigned char key[16], uint64_t now_ms)
{
	size_t i, spare = a->cap, oldest = a->cap;
	struct adm_source *s;

	for (i = 0; i < a->cap; i++) {
		s = &a->src[i];
		if (s->used && memcmp(s->key, key, 16) == 0)
			return i;
		if (s->used)
			refill(a, s, now_ms);
		if (spare == a->cap && idle(a, s))
			spare = i;
		if (s->used && s->sessions == 0 &&
		    (oldest == a->cap || s->seen_ms < a->src[oldest].seen_ms))
			oldest = i;
	}
	i = spare != a->cap ? spare : oldest;
	if (i == a->cap)
		return i;  /* cannot happen when cap > max_sessions */
	s = &a->src[i];
	memset(s, 0, sizeof(*s));
	memcpy(s->key, key, 16);
	s->used = 1;
	s->tokens = full(a);
	s->seen_ms = now_ms;
	return i;
}

/* The per-source checks; on ADM_OK the source's session is counted. */
static enum adm_verdict per_source(struct admission *a, const unsigned char key[16],
				   uint64_t now_ms, size_t *slot)
{
	size_t found = entry(a, key, now_ms);
	struct adm_source *s;

	if (found == a->cap)
		return ADM_FULL;
	s = &a->src[found];
	refill(a, s, now_ms);
	if (a->max_per_ip && s->sessions >= a->max_per_ip)
		return ADM_PER_IP;
	if (a->max_startups && s->tokens < 1000)
		return ADM_RATE;
	if (a->max_startups)
		s->tokens -= 1000;
	s->sessions++;
	*slot = found;
	return ADM_OK;
}

enum adm_verdict admission_admit(struct admission *a, const unsigned char key[16],
				 uint64_t now_ms, size_t *slot)
{
	enum adm_verdict v;

	if (a->sessions >= a->max_sessions)
		return ADM_FULL;
	v = per_source(a, key, now_ms, slot);
	if (v == ADM_OK)
		a->sessions++;
	return v;
}

enum adm_verdict admission_hold(struct admission *a)
{
	if (a->sessions >= a->max_sessions)
		return ADM_FULL;
	a->sessions++;
	return ADM_OK;
}

enum adm_verdict admission_claim(struct admission *a, const unsigned char key[16],
				 uint64_t now_ms, size_t *slot)
{
	*slot = ADMISSION_NO_SLOT;
	return per_source(a, key, now_ms, slot);
}

void admission_end(struct admission *a, size_t slot, int crashed, uint64_t now_ms)
{
	struct adm_source *s;

	if (slot == ADMISSION_NO_SLOT) {
		if (a->sessions)
			a->sessions--;
		return;
	}
	if (slot >= a->cap || !a->src[slot].used || !a->src[slot].sessions)
		return;
	s = &a->src[slot];
	refill(a, s, now_ms);
	s->sessions--;
	a->sessions--;
	if (crashed && a->max_startups)
		s->tokens = -full(a);
}

const char *admission_refusal(enum adm_verdict v)
{
	switch (v) {
	case ADM_OK:
		break;
	case ADM_FULL:
		return "Too many sessions on this server; try again later.";
	case ADM_PER_IP:
		return "Too many sessions from your address; close one and try again.";
	case ADM_RATE:
		return "Too many new connections from your address; try again in a minute.";
	}
	return NULL;
}

size_t admission_report_format(unsigned char out[ADMISSION_REPORT_LEN],
			       const struct sockaddr *sa, socklen_t len)
{
	memset(out, 0, ADMISSION_REPORT_LEN);
	out[0] = ADMISSION_REPORT_VERSION;
	if (!sa)
		return ADMISSION_REPORT_LEN;  /* LOCAL */
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		out[1] = 4;
		memcpy(out + 2, &in->sin_port, 2);
		memcpy(out + 4, &in->sin_addr, 4);
		return ADMISSION_REPORT_LEN;
	}
	if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		out[1] = 6;
		memcpy(out + 2, &in6->sin6_port, 2);
		memcpy(out + 4, &in6->sin6_addr, 16);
		return ADMISSION_REPORT_LEN;
	}
	return 0;
}

/* Are buf[from..to) all zero? */
static int zero(const unsigned char *buf, size_t from, size_t to)
{
	while (from < to)
		if (buf[from++])
			return 0;
	return 1;
}

int admission_report_parse(const unsigned char *buf, size_t len,
			   struct sockaddr_storage *ss, socklen_t *sslen)
{
	memset(ss, 0, sizeof(*ss));
	*sslen = 0;
	if (len != ADMISSION_REPORT_LEN || buf[0] != ADMISSION_REPORT_VERSION)
		return -1;
	if (buf[1] == 0)
		return zero(buf, 2, len) ? 0 : -1;
	if (buf[1] == 4 && zero(buf, 8, len)) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		memcpy(&in->sin_port, buf + 2, 2);
		memcpy(&in->sin_addr, buf + 4, 4);
		*sslen = sizeof(*in);
		return 1;
	}
	if (buf[1] == 6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		memcpy(&in6->sin6_port, buf + 2, 2);
		memcpy(&in6->sin6_addr, buf + 4, 16);
		*sslen = sizeof(*in6);
		return 1;
	}
	return -1;
}

int admission_verdict_parse(const unsigned char *buf, size_t len, enum adm_verdict *v)
{
	if (len != 1 || buf[0] > ADM_RATE)
		return -1;
	*v = (enum adm_verdict)buf[0];
	return 0;
}
