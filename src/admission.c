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

enum adm_verdict admission_admit(struct admission *a, const unsigned char key[16],
				 uint64_t now_ms, size_t *slot)
{
	size_t i, found = a->cap, spare = a->cap, oldest = a->cap;
	struct adm_source *s;

	if (a->sessions >= a->max_sessions)
		return ADM_FULL;
	for (i = 0; i < a->cap; i++) {
		s = &a->src[i];
		if (s->used && memcmp(s->key, key, 16) == 0) {
			found = i;
			break;
		}
		if (s->used)
			refill(a, s, now_ms);
		if (spare == a->cap && idle(a, s))
			spare = i;
		if (s->used && s->sessions == 0 &&
		    (oldest == a->cap || s->seen_ms < a->src[oldest].seen_ms))
			oldest = i;
	}
	if (found == a->cap) {
		found = spare != a->cap ? spare : oldest;
		if (found == a->cap)
			return ADM_FULL;  /* cannot happen when cap > max_sessions */
		s = &a->src[found];
		memset(s, 0, sizeof(*s));
		memcpy(s->key, key, 16);
		s->used = 1;
		s->tokens = full(a);
		s->seen_ms = now_ms;
	}
	s = &a->src[found];
	refill(a, s, now_ms);
	if (a->max_per_ip && s->sessions >= a->max_per_ip)
		return ADM_PER_IP;
	if (a->max_startups && s->tokens < 1000)
		return ADM_RATE;
	if (a->max_startups)
		s->tokens -= 1000;
	s->sessions++;
	a->sessions++;
	*slot = found;
	return ADM_OK;
}

void admission_end(struct admission *a, size_t slot, int crashed, uint64_t now_ms)
{
	struct adm_source *s;

	if (slot >= a->cap || !a->src[slot].used || !a->src[slot].sessions)
		return;
	s = &a->src[slot];
	refill(a, s, now_ms);
	s->sessions--;
	a->sessions--;
	if (crashed && a->max_startups)
		s->tokens = -full(a);
}
