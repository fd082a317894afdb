/* The admission channel between the listener (pending.c) and a session
 * (admitask.c), over real socket pairs: one report, one verdict, and
 * anything else refused. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "admitask.h"
#include "deadline.h"
#include "pending.h"

static struct pending_entry entries[4];
static struct pending p = {.e = entries, .cap = 4};

/* A new entry for pid: the session's end. */
static int pair(pid_t pid, uint64_t deadline)
{
	int theirs, mine = pending_pair(&theirs);

	cr_assert_geq(mine, 0);
	cr_assert_eq(pending_add(&p, pid, mine, deadline), 0);
	return theirs;
}

static void reset(void)
{
	pending_close_all(&p);
}

Test(pending, a_report_and_its_verdict, .fini = reset)
{
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(40000)};
	unsigned char msg[ADMISSION_REPORT_LEN], b;
	struct sockaddr_storage ss;
	socklen_t len;
	int s = pair(7, 100);

	inet_pton(AF_INET, "203.0.113.7", &in.sin_addr);
	cr_assert_eq(pending_read(&p, 0, &ss, &len), PENDING_WAIT, "nothing yet");
	admission_report_format(msg, (struct sockaddr *)&in, sizeof(in));
	cr_assert_eq(send(s, msg, sizeof(msg), 0), (ssize_t)sizeof(msg));
	cr_assert_eq(pending_read(&p, 0, &ss, &len), PENDING_CLIENT);
	cr_assert_eq(memcmp(&((struct sockaddr_in *)&ss)->sin_addr, &in.sin_addr, 4), 0);
	pending_answer(&p, 0, ADM_PER_IP);
	cr_assert_eq(p.n, 0, "answered: forgotten");
	cr_assert_eq(recv(s, &b, 1, 0), 1);
	cr_assert_eq(b, ADM_PER_IP);
	cr_assert_eq(recv(s, &b, 1, 0), 0, "then closed");
	close(s);
}

Test(pending, anything_but_a_report_is_bad, .fini = reset)
{
	unsigned char big[ADMISSION_REPORT_LEN * 4], msg[ADMISSION_REPORT_LEN];
	struct sockaddr_storage ss;
	socklen_t len;
	int s1 = pair(1, 100), s2 = pair(2, 100), s3 = pair(3, 100), s4 = pair(4, 50);

	memset(big, 0, sizeof(big));
	big[0] = ADMISSION_REPORT_VERSION;
	cr_assert_eq(send(s1, big, sizeof(big), 0), (ssize_t)sizeof(big));
	cr_assert_eq(pending_read(&p, 0, &ss, &len), PENDING_BAD, "too long");
	cr_assert_eq(send(s2, big, ADMISSION_REPORT_LEN - 1, 0), ADMISSION_REPORT_LEN - 1);
	cr_assert_eq(pending_read(&p, 1, &ss, &len), PENDING_BAD, "too short");
	close(s3);
	cr_assert_eq(pending_read(&p, 2, &ss, &len), PENDING_GONE);
	admission_report_format(msg, NULL, 0);
	cr_assert_eq(send(s4, msg, sizeof(msg), 0), (ssize_t)sizeof(msg));
	cr_assert_eq(pending_read(&p, 3, &ss, &len), PENDING_LOCAL);
	cr_assert_eq(pending_next_deadline(&p), 50);
	cr_assert_eq(pending_find(&p, 3), 2);
	pending_remove(&p, 0);
	cr_assert_eq(p.n, 3);
	cr_assert_eq(p.e[0].pid, 4, "the last took the removed one's place");
	cr_assert_eq(pending_find(&p, 1), 3, "gone");
	close(s1);
	close(s2);
	close(s4);
}

Test(pending, full, .fini = reset)
{
	int s[4], i, other, mine;

	for (i = 0; i < 4; i++)
		s[i] = pair(i + 1, 100);
	mine = pending_pair(&other);
	cr_assert_eq(pending_add(&p, 9, mine, 100), -1);
	close(mine);
	close(other);
	for (i = 0; i < 4; i++)
		close(s[i]);
}

/* The session's side: the verdict, or a failure in bounded time. */
Test(pending, the_session_asks, .fini = reset)
{
	struct sockaddr_in in = {.sin_family = AF_INET};
	struct sockaddr_storage ss;
	enum adm_verdict v;
	socklen_t len;
	long long t0;
	int s = pair(5, 100);

	inet_pton(AF_INET, "198.51.100.9", &in.sin_addr);
	/* no answer: ETIMEDOUT at the deadline */
	t0 = monotonic_ms();
	cr_assert_eq(admit_ask(s, (struct sockaddr *)&in, sizeof(in), deadline_in(100), &v), -1);
	cr_assert_eq(errno, ETIMEDOUT);
	cr_assert_geq(monotonic_ms() - t0, 90);
	cr_assert_eq(pending_read(&p, 0, &ss, &len), PENDING_CLIENT);
	/* the listener closes without a verdict: a failure, not an admission */
	pending_remove(&p, 0);
	cr_assert_eq(admit_ask(s, NULL, 0, deadline_in(1000), &v), -1);
	close(s);
	/* a garbage answer */
	s = pair(6, 100);
	cr_assert_eq(send(p.e[0].fd, "\x07", 1, 0), 1);
	cr_assert_eq(admit_ask(s, NULL, 0, deadline_in(1000), &v), -1);
	cr_assert_eq(errno, EPROTO);
	close(s);
}
