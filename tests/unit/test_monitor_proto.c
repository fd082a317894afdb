/* The monitor's messages and request table: what parses is exactly what
 * was formatted, and nothing else does. */
#include <criterion/criterion.h>
#include <string.h>

#include "monitor_proto.h"

static size_t auth(unsigned char *buf, size_t cap, const char *user, const char *pass)
{
	struct mon_request rq;

	memset(&rq, 0, sizeof(rq));
	rq.type = MON_AUTH;
	strcpy(rq.user, user);
	strcpy(rq.pass, pass);
	rq.wait_ms = 60000;
	return mon_format_request(buf, cap, &rq);
}

Test(monitor_proto, requests_round_trip)
{
	unsigned char buf[MON_MSG_MAX];
	struct mon_request rq, logout = {.type = MON_LOGOUT};
	size_t n = auth(buf, sizeof(buf), "alice", "secret");

	cr_assert_eq(n, 1 + 2 + 5 + 2 + 6 + 4);
	cr_assert_eq(mon_parse_request(buf, n, &rq), 0);
	cr_assert_eq(rq.type, MON_AUTH);
	cr_assert_eq(rq.wait_ms, 60000);
	cr_assert_str_eq(rq.user, "alice");
	cr_assert_str_eq(rq.pass, "secret");
	/* an empty password is a password */
	n = auth(buf, sizeof(buf), "bob", "");
	cr_assert_eq(mon_parse_request(buf, n, &rq), 0);
	cr_assert_str_eq(rq.pass, "");
	n = mon_format_request(buf, sizeof(buf), &logout);
	cr_assert_eq(n, 1);
	cr_assert_eq(mon_parse_request(buf, n, &rq), 0);
	cr_assert_eq(rq.type, MON_LOGOUT);
}

Test(monitor_proto, malformed_requests)
{
	unsigned char buf[MON_MSG_MAX], big[4096];
	struct mon_request rq;
	size_t n = auth(buf, sizeof(buf), "alice", "secret");
	size_t i;

	/* every prefix, and one byte more, is refused */
	for (i = 0; i < n; i++)
		cr_expect_eq(mon_parse_request(buf, i, &rq), -1, "prefix %zu", i);
	buf[n] = 0;
	cr_assert_eq(mon_parse_request(buf, n + 1, &rq), -1);
	/* a NUL inside a field */
	buf[5] = '\0';
	cr_assert_eq(mon_parse_request(buf, n, &rq), -1);
	/* unknown types, a LOGOUT with a body, an empty user */
	cr_assert_eq(mon_parse_request((const unsigned char *)"\x00", 1, &rq), -1);
	cr_assert_eq(mon_parse_request((const unsigned char *)"\x03", 1, &rq), -1);
	cr_assert_eq(mon_parse_request((const unsigned char *)"\x81", 1, &rq), -1);
	cr_assert_eq(mon_parse_request((const unsigned char *)"\x02\x00", 2, &rq), -1);
	cr_assert_eq(mon_parse_request((const unsigned char *)"\x01\x00\x00\x00\x00", 5, &rq), -1);
	/* a user name of 64 bytes, a password of 512: longer than allowed */
	memset(big, 0, sizeof(big));
	big[0] = MON_AUTH;
	big[1] = 64;
	memset(big + 3, 'u', 64);
	cr_assert_eq(mon_parse_request(big, 3 + 64 + 2, &rq), -1);
	big[1] = 63;
	big[3 + 63] = 0;  /* an empty password after it */
	cr_assert_eq(mon_parse_request(big, 3 + 63 + 2 + 4, &rq), 0);
	big[3 + 63] = 0x00;
	big[3 + 63 + 1] = 0x02;  /* 512 */
	memset(big + 3 + 63 + 2, 'p', 512);
	cr_assert_eq(mon_parse_request(big, 3 + 63 + 2 + 512, &rq), -1);
	big[3 + 63] = 0xff;
	big[3 + 63 + 1] = 0x01;  /* 511 */
	cr_assert_eq(mon_parse_request(big, 3 + 63 + 2 + 511 + 4, &rq), 0);
	/* without the wait after the password */
	cr_assert_eq(mon_parse_request(big, 3 + 63 + 2 + 511, &rq), -1);
	/* a length that claims more than there is */
	big[3 + 63 + 1] = 0xff;
	cr_assert_eq(mon_parse_request(big, 3 + 63 + 2 + 511 + 4, &rq), -1);
	/* what cannot be sent is not formatted */
	cr_assert_eq(auth(buf, sizeof(buf), "", "x"), 0);
	cr_assert_eq(auth(buf, 10, "alice", "secret"), 0);
}

Test(monitor_proto, the_request_table)
{
	cr_assert(mon_allowed(MON_PREAUTH, MON_AUTH));
	cr_assert_not(mon_allowed(MON_AUTHED, MON_AUTH));
	cr_assert_not(mon_allowed(MON_CLOSED, MON_AUTH));
	cr_assert(mon_allowed(MON_AUTHED, MON_LOGOUT));
	cr_assert_not(mon_allowed(MON_PREAUTH, MON_LOGOUT));
	cr_assert_not(mon_allowed(MON_CLOSED, MON_LOGOUT));
	/* replies are never requests */
	cr_assert_not(mon_allowed(MON_PREAUTH, MON_AUTH_OK));
	cr_assert_not(mon_allowed(MON_AUTHED, MON_READY));
	cr_assert_str_eq(mon_type_name(MON_AUTH), "AUTH");
	cr_assert_str_eq(mon_type_name(MON_AUTH_OK), "?");
	/* CLIENT: in START alone (--proxy-protocol, before any AUTH) */
	cr_assert(mon_allowed(MON_START, MON_CLIENT));
	cr_assert(mon_allowed(MON_START, MON_AUTH));
	cr_assert_not(mon_allowed(MON_START, MON_LOGOUT));
	cr_assert_not(mon_allowed(MON_PREAUTH, MON_CLIENT));
	cr_assert_not(mon_allowed(MON_AUTHED, MON_CLIENT));
	cr_assert_not(mon_allowed(MON_CLOSED, MON_CLIENT));
	cr_assert_str_eq(mon_type_name(MON_CLIENT), "CLIENT");
}

Test(monitor_proto, client_round_trip_and_exact)
{
	unsigned char buf[MON_MSG_MAX];
	struct mon_request rq = {.type = MON_CLIENT, .family = 4, .port = 40000,
				 .addr = {203, 0, 113, 7}}, back;
	size_t n = mon_format_request(buf, sizeof(buf), &rq);

	cr_assert_eq(n, 1 + 1 + 2 + 16);
	cr_assert_eq(mon_parse_request(buf, n, &back), 0);
	cr_assert_eq(back.type, MON_CLIENT);
	cr_assert_eq(back.family, 4);
	cr_assert_eq(back.port, 40000);
	cr_assert_eq(memcmp(back.addr, rq.addr, 16), 0);
	cr_assert_eq(mon_parse_request(buf, n - 1, &back), -1, "short");
	buf[n] = 0;
	cr_assert_eq(mon_parse_request(buf, n + 1, &back), -1, "long");
	buf[10] = 1;
	cr_assert_eq(mon_parse_request(buf, n, &back), -1, "IPv4 is zero after 4 bytes");
	buf[10] = 0;
	buf[1] = 5;
	cr_assert_eq(mon_parse_request(buf, n, &back), -1, "family 4 or 6");
	rq.family = 6;
	memset(rq.addr, 0xfe, sizeof(rq.addr));
	n = mon_format_request(buf, sizeof(buf), &rq);
	cr_assert_eq(mon_parse_request(buf, n, &back), 0);
	cr_assert_eq(memcmp(back.addr, rq.addr, 16), 0);
	rq.family = 4;
	cr_assert_eq(mon_format_request(buf, sizeof(buf), &rq), 0, "not an IPv4 address");
	rq.family = 0;
	cr_assert_eq(mon_format_request(buf, sizeof(buf), &rq), 0);
}

Test(monitor_proto, replies_round_trip)
{
	unsigned char buf[MON_MSG_MAX];
	struct mon_reply rp, back;
	size_t n, i;

	memset(&rp, 0, sizeof(rp));
	rp.type = MON_AUTH_OK;
	rp.rw = true;
	rp.uid = 1001;
	rp.gid = 4294967294u;
	strcpy(rp.name, "alice");
	strcpy(rp.root, "/srv/ftp/alice");
	n = mon_format_reply(buf, sizeof(buf), &rp);
	cr_assert_gt(n, 0);
	cr_assert_eq(mon_parse_reply(buf, n, &back), 0);
	cr_assert_eq(memcmp(&rp, &back, sizeof(rp)), 0);
	for (i = 0; i < n; i++)
		cr_expect_eq(mon_parse_reply(buf, i, &back), -1, "prefix %zu", i);
	/* a flag is 0 or 1 */
	buf[1] = 2;
	cr_assert_eq(mon_parse_reply(buf, n, &back), -1);

	memset(&rp, 0, sizeof(rp));
	rp.type = MON_AUTH_FAIL;
	rp.last = true;
	n = mon_format_reply(buf, sizeof(buf), &rp);
	cr_assert_eq(n, 2);
	cr_assert_eq(mon_parse_reply(buf, n, &back), 0);
	cr_assert(back.last);

	memset(&rp, 0, sizeof(rp));
	rp.type = MON_NOT_READY;
	rp.err = 13;
	rp.step = 2;
	n = mon_format_reply(buf, sizeof(buf), &rp);
	cr_assert_eq(mon_parse_reply(buf, n, &back), 0);
	cr_assert_eq(back.err, 13);
	cr_assert_eq(back.step, 2);
	/* not ready without a reason is not a message */
	rp.err = 0;
	cr_assert_eq(mon_format_reply(buf, sizeof(buf), &rp), 0);
	buf[0] = MON_NOT_READY;
	memset(buf + 1, 0, 5);
	cr_assert_eq(mon_parse_reply(buf, 6, &back), -1);
	/* requests are not replies */
	cr_assert_eq(mon_parse_reply((const unsigned char *)"\x02", 1, &back), -1);
	cr_assert_eq(mon_parse_reply((const unsigned char *)"\x83", 1, &back), 0);
	cr_assert_eq(mon_parse_reply((const unsigned char *)"\x91", 1, &back), 0);
}
