/* Unit tests for the control channel (ctrl.c over a plain chan): framing,
 * deadlines that nothing moves, the queue of lines that arrive during a
 * transfer, ABOR behind other lines, backpressure, and the send deadline.
 * The peer is the other end of a socketpair. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctrl.h"
#include "deadline.h"

static struct chan ch;
static struct ctrl c;
static int peer;

static void setup(void)
{
	int sv[2];

	signal(SIGPIPE, SIG_IGN);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	chan_plain(&ch, sv[0], sv[0]);
	ctrl_init(&c, &ch, 1000);
	peer = sv[1];
}

static void teardown(void)
{
	chan_close(&ch);
	close(peer);
}

static void say(const char *s)
{
	cr_assert_eq(write(peer, s, strlen(s)), (ssize_t)strlen(s));
}

static void expect_line(const char *want)
{
	cr_assert_eq(ctrl_next(&c, deadline_in(1000)), CTRL_LINE);
	cr_assert_eq(ctrl_line_len(&c), strlen(want));
	cr_assert_str_eq(ctrl_line(&c), want);
}

TestSuite(ctrl, .init = setup, .fini = teardown);

Test(ctrl, lines_in_order)
{
	say("USER a\r\nPASS b\nNOOP\r\n");
	expect_line("USER a");
	expect_line("PASS b");
	expect_line("NOOP");
}

Test(ctrl, deadline_not_moved_by_a_byte_drip)
{
	long long start = monotonic_ms();
	pid_t pid = fork();

	cr_assert_neq(pid, -1);
	if (pid == 0) {
		/* one byte every 50 ms for 2 s, never a whole line */
		for (int i = 0; i < 40; i++) {
			if (write(peer, "x", 1) != 1)
				_exit(1);
			usleep(50000);
		}
		_exit(0);
	}
	cr_assert_eq(ctrl_next(&c, deadline_in(300)), CTRL_TIMEOUT);
	cr_assert_lt(monotonic_ms() - start, 1000, "the drip moved the deadline");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

Test(ctrl, deadline_not_moved_by_telnet_nops)
{
	long long start = monotonic_ms();

	/* IAC NOP, IAC NOP...: bytes, but no line */
	say("\xff\xf1\xff\xf1\xff\xf1");
	cr_assert_eq(ctrl_next(&c, deadline_in(200)), CTRL_TIMEOUT);
	cr_assert_lt(monotonic_ms() - start, 800);
}

Test(ctrl, abor_behind_other_lines_is_seen_at_once)
{
	say("NOOP\r\nSTAT\r\nABOR\r\n");
	cr_assert(ctrl_watching(&c));
	cr_assert_eq(ctrl_watch(&c), WATCH_ABORT);
	/* every line waits its turn, ABOR too */
	expect_line("NOOP");
	expect_line("STAT");
	expect_line("ABOR");
}

Test(ctrl, telnet_synch_before_abor)
{
	say("\xff\xf4\xff\xf2" "ABOR\r\n");
	cr_assert_eq(ctrl_watch(&c), WATCH_ABORT);
	expect_line("ABOR");
}

Test(ctrl, quit_and_close_during_a_transfer)
{
	say("QUIT\r\n");
	shutdown(peer, SHUT_WR);
	cr_assert_eq(ctrl_watch(&c), WATCH_QUIT | WATCH_GONE);
	cr_assert(c.saw_quit);
	cr_assert_not(ctrl_watching(&c));
	expect_line("QUIT");
	cr_assert_eq(ctrl_next(&c, deadline_in(100)), CTRL_EOF);
}

Test(ctrl, close_without_quit)
{
	shutdown(peer, SHUT_WR);
	cr_assert_eq(ctrl_watch(&c), WATCH_GONE);
	cr_assert_not(c.saw_quit);
}

Test(ctrl, full_queue_stops_reading_and_loses_nothing)
{
	char line[32];
	int i;

	for (i = 0; i < CTRL_QUEUE_LINES + 8; i++) {
		snprintf(line, sizeof(line), "NOOP %d\r\n", i);
		say(line);
	}
	say("ABOR\r\n");
	cr_assert_eq(ctrl_watch(&c), 0);
	/* full: no more reading, no more polling for it */
	cr_assert_not(ctrl_watching(&c));
	cr_assert_not(ctrl_buffered(&c));
	for (i = 0; i < CTRL_QUEUE_LINES + 8; i++) {
		snprintf(line, sizeof(line), "NOOP %d", i);
		expect_line(line);
	}
	expect_line("ABOR");
}

Test(ctrl, queue_bounded_in_bytes)
{
	static char big[LINE_MAX_BYTES + 3];

	memset(big, 'a', LINE_MAX_BYTES - 1);
	memcpy(big, "NOOP ", 5);
	memcpy(big + LINE_MAX_BYTES - 1, "\r\n", 3);
	say(big);
	say(big);
	say(big);
	say("ABOR\r\n");
	/* two long lines fit, the third is held in the reader: ABOR behind
	 * it is not seen until the queue drains (backpressure, not loss) */
	for (int i = 0; i < 100 && ctrl_watching(&c); i++)
		cr_assert_eq(ctrl_watch(&c), 0);
	cr_assert_not(ctrl_watching(&c));
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(ctrl_next(&c, deadline_in(1000)), CTRL_LINE);
		cr_assert_eq(ctrl_line_len(&c), LINE_MAX_BYTES - 1);
	}
	expect_line("ABOR");
}

Test(ctrl, overlong_line_during_a_transfer_is_queued_as_such)
{
	static char big[LINE_MAX_BYTES + 100];

	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 3] = '\r';
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	say(big);
	say("NOOP\r\n");
	while (ctrl_buffered(&c) || c.q.count < 2)
		if (ctrl_watch(&c))
			break;
	cr_assert_eq(ctrl_next(&c, deadline_in(1000)), CTRL_TOO_LONG);
	expect_line("NOOP");
}

Test(ctrl, wait_other_returns_on_abor_only)
{
	int p[2];
	struct pollfd pf;
	unsigned seen;

	cr_assert_eq(pipe(p), 0);
	pf.fd = p[0];
	pf.events = POLLIN;
	say("NOOP\r\n");
	/* NOOP is queued, the wait goes on to its deadline */
	cr_assert_eq(ctrl_wait_other(&c, &pf, deadline_in(150), &seen), 0);
	say("ABOR\r\n");
	cr_assert_eq(ctrl_wait_other(&c, &pf, deadline_in(1000), &seen), 2);
	cr_assert_eq(seen, WATCH_ABORT);
	cr_assert_eq(write(p[1], "x", 1), 1);
	cr_assert_eq(ctrl_wait_other(&c, &pf, deadline_in(1000), &seen), 1);
	close(p[0]);
	close(p[1]);
	expect_line("NOOP");
	expect_line("ABOR");
}

Test(ctrl, one_write_per_reply)
{
	char buf[256];
	const char *lines[] = {"Features:", " EPSV", "End"};

	cr_assert_eq(ctrl_reply(&c, 200, NULL), 0);
	cr_assert_eq(ctrl_reply_lines(&c, 211, lines, 3), 0);
	ssize_t n = read(peer, buf, sizeof(buf) - 1);
	cr_assert_gt(n, 0);
	buf[n] = '\0';
	cr_assert_str_eq(buf, "200 Command okay.\r\n211-Features:\r\n EPSV\r\n211 End\r\n");
}

Test(ctrl, send_deadline_drops_a_client_that_stops_reading)
{
	static char big[1 << 20];
	long long start;

	c.send_ms = 200;
	start = monotonic_ms();
	/* nobody reads peer: the socket buffer fills, the deadline passes */
	cr_assert_eq(ctrl_send(&c, big, sizeof(big)), -1);
	cr_assert_eq(errno, ETIMEDOUT);
	cr_assert_lt(monotonic_ms() - start, 2000);
}
