/* deadline.h - absolute deadlines on the monotonic clock, in milliseconds.
 * A timeout is turned into a deadline once, when its period starts; waits
 * ask how much is left.  Nothing that arrives in between (a partial line, a
 * Telnet NOP, a dripped byte) moves a deadline: only the code that starts a
 * new period sets a new one. */
#ifndef SOCKFTPD_DEADLINE_H
#define SOCKFTPD_DEADLINE_H

#include <time.h>

/* No deadline: wait for ever. */
#define DEADLINE_NONE (-1LL)

static inline long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The deadline ms milliseconds from now. */
static inline long long deadline_in(long long ms)
{
	return monotonic_ms() + ms;
}

/* The earlier of two deadlines (DEADLINE_NONE is the latest). */
static inline long long deadline_min(long long a, long long b)
{
	if (a == DEADLINE_NONE)
		return b;
	if (b == DEADLINE_NONE)
		return a;
	return a < b ? a : b;
}

/* What poll() takes: -1 for none, 0 when passed, else the milliseconds left
 * (capped so that the int never overflows). */
static inline int deadline_poll_ms(long long d)
{
	long long left;

	if (d == DEADLINE_NONE)
		return -1;
	left = d - monotonic_ms();
	if (left <= 0)
		return 0;
	return left > 86400000LL ? 86400000 : (int)left;
}

static inline int deadline_passed(long long d)
{
	return d != DEADLINE_NONE && monotonic_ms() >= d;
}

#endif
