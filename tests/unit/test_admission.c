/* Unit tests for the listener's admission control. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "admission.h"

static void key4(const char *text, unsigned char key[16])
{
	struct sockaddr_in in = {.sin_family = AF_INET};

	cr_assert_eq(inet_pton(AF_INET, text, &in.sin_addr), 1);
	cr_assert_eq(admission_key((struct sockaddr *)&in, sizeof(in), key), 0);
}

static void key6(const char *text, unsigned char key[16])
{
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6};

	cr_assert_eq(inet_pton(AF_INET6, text, &in6.sin6_addr), 1);
	cr_assert_eq(admission_key((struct sockaddr *)&in6, sizeof(in6), key), 0);
}

static struct adm_source table[64];

Test(admission, keys)
{
	unsigned char a[16], b[16];

	key4("192.0.2.7", a);
	key6("::ffff:192.0.2.7", b);
	cr_assert_eq(memcmp(a, b, 16), 0, "a mapped address is its IPv4 source");
	key6("2001:db8:1:2::1", a);
	key6("2001:db8:1:2:ffff:ffff:ffff:fffe", b);
	cr_assert_eq(memcmp(a, b, 16), 0, "one /64 is one source");
	key6("2001:db8:1:3::1", b);
	cr_assert_neq(memcmp(a, b, 16), 0);
	{
		struct sockaddr sa = {.sa_family = AF_UNIX};

		cr_assert_eq(admission_key(&sa, sizeof(sa), a), -1);
	}
}

Test(admission, max_sessions_and_per_ip)
{
	struct admission adm;
	unsigned char a[16], b[16], c[16];
	size_t s1, s2, s3, s4, slot;

	admission_init(&adm, table, 64, 3, 2, 0);
	key4("192.0.2.1", a);
	key4("192.0.2.2", b);
	key4("192.0.2.3", c);
	cr_assert_eq(admission_admit(&adm, a, 0, &s1), ADM_OK);
	cr_assert_eq(admission_admit(&adm, a, 0, &s2), ADM_OK);
	cr_assert_eq(s1, s2);
	cr_assert_eq(admission_admit(&adm, a, 0, &slot), ADM_PER_IP);
	cr_assert_eq(admission_admit(&adm, b, 0, &s3), ADM_OK);
	cr_assert_eq(admission_admit(&adm, c, 0, &slot), ADM_FULL);
	admission_end(&adm, s1, 0, 1);
	cr_assert_eq(adm.sessions, 2);
	cr_assert_eq(admission_admit(&adm, c, 1, &s4), ADM_OK);
	cr_assert_eq(admission_admit(&adm, a, 1, &slot), ADM_FULL);
	admission_end(&adm, s2, 0, 2);
	admission_end(&adm, s3, 0, 2);
	admission_end(&adm, s4, 0, 2);
	admission_end(&adm, s4, 0, 2);  /* once too often: ignored */
	cr_assert_eq(adm.sessions, 0);
}

Test(admission, startup_rate)
{
	struct admission adm;
	unsigned char a[16], b[16];
	size_t slot;
	unsigned i;

	admission_init(&adm, table, 64, 100, 0, 6);  /* 6 a minute: one per 10 s */
	key4("192.0.2.1", a);
	key4("192.0.2.2", b);
	for (i = 0; i < 6; i++) {
		cr_assert_eq(admission_admit(&adm, a, 1000, &slot), ADM_OK, "start %u", i);
		admission_end(&adm, slot, 0, 1000);
	}
	cr_assert_eq(admission_admit(&adm, a, 1000, &slot), ADM_RATE);
	cr_assert_eq(admission_admit(&adm, b, 1000, &slot), ADM_OK, "another source is not held up");
	admission_end(&adm, slot, 0, 1000);
	cr_assert_eq(admission_admit(&adm, a, 10999, &slot), ADM_RATE);
	cr_assert_eq(admission_admit(&adm, a, 11000, &slot), ADM_OK, "one token in 10 s");
	admission_end(&adm, slot, 0, 11000);
	cr_assert_eq(admission_admit(&adm, a, 11000, &slot), ADM_RATE);
	/* a full minute later the whole burst is back */
	for (i = 0; i < 6; i++) {
		cr_assert_eq(admission_admit(&adm, a, 80000, &slot), ADM_OK, "start %u", i);
		admission_end(&adm, slot, 0, 80000);
	}
	cr_assert_eq(admission_admit(&adm, a, 80000, &slot), ADM_RATE);
}

Test(admission, crash_penalty)
{
	struct admission adm;
	unsigned char a[16];
	size_t slot;

	admission_init(&adm, table, 64, 100, 0, 6);
	key4("192.0.2.1", a);
	cr_assert_eq(admission_admit(&adm, a, 0, &slot), ADM_OK);
	admission_end(&adm, slot, 1, 0);
	cr_assert_eq(admission_admit(&adm, a, 60000, &slot), ADM_RATE, "a minute at least");
	cr_assert_eq(admission_admit(&adm, a, 70000, &slot), ADM_OK);
	admission_end(&adm, slot, 1, 70000);
	/* without a rate limit, no penalty either */
	admission_init(&adm, table, 64, 100, 0, 0);
	cr_assert_eq(admission_admit(&adm, a, 0, &slot), ADM_OK);
	admission_end(&adm, slot, 1, 0);
	cr_assert_eq(admission_admit(&adm, a, 0, &slot), ADM_OK);
}

Test(admission, bounded_table)
{
	struct admission adm;
	unsigned char k[16];
	size_t slot, held[4];
	unsigned i;

	/* 4 sessions + 4 spare entries; many sources each limited */
	admission_init(&adm, table, 8, 4, 0, 1);
	for (i = 0; i < 4; i++) {
		char text[32];

		snprintf(text, sizeof(text), "10.0.0.%u", i + 1);
		key4(text, k);
		cr_assert_eq(admission_admit(&adm, k, 0, &held[i]), ADM_OK);
	}
	/* thousands of other sources come and go: the table stays, and the
	 * running sessions' entries are never taken */
	for (i = 0; i < 5000; i++) {
		char text[32];

		snprintf(text, sizeof(text), "10.1.%u.%u", i / 250, i % 250);
		key4(text, k);
		cr_assert_eq(admission_admit(&adm, k, i, &slot), ADM_FULL);
	}
	admission_end(&adm, held[0], 0, 5000);
	for (i = 0; i < 5000; i++) {
		char text[32];

		snprintf(text, sizeof(text), "10.2.%u.%u", i / 250, i % 250);
		key4(text, k);
		cr_assert_eq(admission_admit(&adm, k, 5000 + i, &slot), ADM_OK, "source %u", i);
		cr_assert(slot < 8);
		cr_assert_neq(slot, held[1]);
		cr_assert_neq(slot, held[2]);
		cr_assert_neq(slot, held[3]);
		admission_end(&adm, slot, 0, 5000 + i);
	}
	/* the sessions still running are still counted */
	key4("10.0.0.2", k);
	cr_assert_eq(admission_admit(&adm, k, 90000, &slot), ADM_OK);
	cr_assert_eq(slot, held[1]);
}

/* Behind a balancer: held at accept against max_sessions alone, then the
 * per-source checks on the client the session reports. */
Test(admission, hold_then_claim)
{
	struct admission a;
	unsigned char ka[16], kb[16];
	size_t s1, s2, s3, s4;

	admission_init(&a, table, 64, 4, 2, 0);
	key4("203.0.113.7", ka);
	key4("198.51.100.9", kb);
	cr_assert_eq(admission_hold(&a), ADM_OK);
	cr_assert_eq(admission_claim(&a, ka, 0, &s1), ADM_OK);
	cr_assert_eq(admission_hold(&a), ADM_OK);
	cr_assert_eq(admission_claim(&a, ka, 0, &s2), ADM_OK);
	cr_assert_eq(admission_hold(&a), ADM_OK);
	cr_assert_eq(admission_claim(&a, ka, 0, &s3), ADM_PER_IP);
	cr_assert_eq(s3, ADMISSION_NO_SLOT, "a refused claim has no source");
	cr_assert_eq(a.sessions, 3, "the refused session counts until it ends");
	cr_assert_eq(admission_hold(&a), ADM_OK);  /* a health check: no claim */
	cr_assert_eq(admission_hold(&a), ADM_FULL);
	admission_end(&a, s3, 0, 0);
	admission_end(&a, ADMISSION_NO_SLOT, 0, 0);
	cr_assert_eq(a.sessions, 2);
	cr_assert_eq(admission_hold(&a), ADM_OK);
	cr_assert_eq(admission_claim(&a, kb, 0, &s4), ADM_OK, "another client is served");
	admission_end(&a, s1, 0, 0);
	cr_assert_eq(admission_hold(&a), ADM_OK);
	cr_assert_eq(admission_claim(&a, ka, 0, &s1), ADM_OK, "its place is free again");
	(void)s2;
}

Test(admission, claim_rate_and_crash_penalty)
{
	struct admission a;
	unsigned char ka[16], kb[16];
	size_t s;
	int i;

	admission_init(&a, table, 64, 100, 0, 3);
	key4("203.0.113.7", ka);
	key4("198.51.100.9", kb);
	for (i = 0; i < 3; i++) {
		cr_assert_eq(admission_hold(&a), ADM_OK);
		cr_assert_eq(admission_claim(&a, ka, 1000, &s), ADM_OK);
		admission_end(&a, s, 0, 1000);
	}
	cr_assert_eq(admission_hold(&a), ADM_OK);
	cr_assert_eq(admission_claim(&a, ka, 1000, &s), ADM_RATE);
	admission_end(&a, s, 0, 1000);
	/* a crash of b's session costs b a minute, not a */
	cr_assert_eq(admission_hold(&a), ADM_OK);
	cr_assert_eq(admission_claim(&a, kb, 1000, &s), ADM_OK);
	admission_end(&a, s, 1, 1000);
	cr_assert_eq(admission_hold(&a), ADM_OK);
	cr_assert_eq(admission_claim(&a, kb, 60000, &s), ADM_RATE);
	admission_end(&a, s, 0, 60000);
	cr_assert_eq(admission_hold(&a), ADM_OK);
	cr_assert_eq(admission_claim(&a, ka, 60000, &s), ADM_OK);
	admission_end(&a, s, 0, 60000);
	cr_assert_eq(a.sessions, 0);
}

Test(admission, reports)
{
	unsigned char m[ADMISSION_REPORT_LEN], bad[ADMISSION_REPORT_LEN + 1];
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(40000)};
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons(21)};
	struct sockaddr_storage ss;
	struct sockaddr_un_like {
		sa_family_t family;
		char path[20];
	} un = {.family = AF_UNIX};
	socklen_t len;

	inet_pton(AF_INET, "203.0.113.7", &in.sin_addr);
	inet_pton(AF_INET6, "2001:db8::5", &in6.sin6_addr);
	cr_assert_eq(admission_report_format(m, (struct sockaddr *)&in, sizeof(in)),
		     ADMISSION_REPORT_LEN);
	cr_assert_eq(admission_report_parse(m, sizeof(m), &ss, &len), 1);
	cr_assert_eq(len, sizeof(in));
	cr_assert_eq(memcmp(&ss, &in, sizeof(in)), 0);
	/* every byte that must be zero, the version, the kind, the length */
	memcpy(bad, m, sizeof(m));
	bad[10] = 1;
	cr_assert_eq(admission_report_parse(bad, sizeof(m), &ss, &len), -1);
	memcpy(bad, m, sizeof(m));
	bad[0] = 2;
	cr_assert_eq(admission_report_parse(bad, sizeof(m), &ss, &len), -1);
	bad[0] = ADMISSION_REPORT_VERSION;
	bad[1] = 5;
	cr_assert_eq(admission_report_parse(bad, sizeof(m), &ss, &len), -1);
	memcpy(bad, m, sizeof(m));
	bad[ADMISSION_REPORT_LEN] = 0;
	cr_assert_eq(admission_report_parse(bad, sizeof(bad), &ss, &len), -1);
	cr_assert_eq(admission_report_parse(m, sizeof(m) - 1, &ss, &len), -1);
	cr_assert_eq(admission_report_parse(m, 0, &ss, &len), -1);

	cr_assert_eq(admission_report_format(m, (struct sockaddr *)&in6, sizeof(in6)),
		     ADMISSION_REPORT_LEN);
	cr_assert_eq(admission_report_parse(m, sizeof(m), &ss, &len), 1);
	cr_assert_eq(len, sizeof(in6));
	cr_assert_eq(((struct sockaddr_in6 *)&ss)->sin6_port, htons(21));
	cr_assert_eq(memcmp(&((struct sockaddr_in6 *)&ss)->sin6_addr, &in6.sin6_addr, 16), 0);

	/* LOCAL: no address, and nothing else either */
	cr_assert_eq(admission_report_format(m, NULL, 0), ADMISSION_REPORT_LEN);
	cr_assert_eq(admission_report_parse(m, sizeof(m), &ss, &len), 0);
	m[3] = 1;
	cr_assert_eq(admission_report_parse(m, sizeof(m), &ss, &len), -1);
	cr_assert_eq(admission_report_format(m, (struct sockaddr *)&un, sizeof(un)), 0);
}

Test(admission, verdicts)
{
	unsigned char b[2] = {ADM_PER_IP, 0};
	enum adm_verdict v;

	cr_assert_eq(admission_verdict_parse(b, 1, &v), 0);
	cr_assert_eq(v, ADM_PER_IP);
	cr_assert_eq(admission_verdict_parse(b, 2, &v), -1);
	cr_assert_eq(admission_verdict_parse(b, 0, &v), -1);
	b[0] = ADM_RATE + 1;
	cr_assert_eq(admission_verdict_parse(b, 1, &v), -1);
	cr_assert_null(admission_refusal(ADM_OK));
	cr_assert_str_eq(admission_refusal(ADM_PER_IP),
			 "Too many sessions from your address; close one and try again.");
}
