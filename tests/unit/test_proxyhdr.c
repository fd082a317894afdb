/* Unit tests for the PROXY protocol header parser. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <string.h>

#include "address.h"
#include "proxyhdr.h"

/* Feed buf to proxy_header_length as a careful reader does: read exactly
 * *more bytes at each step (one byte at a time when drip is set); the
 * header's length, or -1.  Checks that no step asks past the header. */
static long read_exactly(const unsigned char *buf, size_t avail, bool drip)
{
	size_t n = 0, more;
	long len;

	while ((len = proxy_header_length(buf, n, &more)) == 0) {
		cr_assert_gt(more, 0);
		if (drip)
			more = 1;
		if (n + more > avail)
			return -2;   /* asked for bytes that are not there */
		n += more;
	}
	if (len > 0)
		cr_assert_eq((size_t)len, n, "read %zu bytes of a %ld-byte header", n, len);
	return len;
}

static void check_endpoint(const struct sockaddr_storage *ss, socklen_t len,
			   const char *addr, unsigned port)
{
	struct endpoint ep;

	cr_assert_eq(endpoint_from_sockaddr(&ep, (const struct sockaddr *)ss, len), 0);
	cr_assert_str_eq(ep.addr, addr);
	cr_assert_eq(ep.port, port);
}

static long parse_text(const char *text, struct proxy_header *h)
{
	size_t n = strlen(text), more;
	long len = proxy_header_length((const unsigned char *)text, n, &more);

	if (len <= 0)
		return len;
	return proxy_header_parse((const unsigned char *)text, (size_t)len, h) == 0 ? len : -1;
}

Test(proxyhdr, v1_tcp4_and_what_follows_stays)
{
	const char *in = "PROXY TCP4 192.0.2.7 198.51.100.1 56324 21\r\n\x16\x03\x01";
	size_t hl = strlen(in) - 3;
	struct proxy_header h;

	cr_assert_eq(read_exactly((const unsigned char *)in, strlen(in), false), (long)hl);
	cr_assert_eq(read_exactly((const unsigned char *)in, strlen(in), true), (long)hl);
	cr_assert_eq(parse_text(in, &h), (long)hl);
	cr_assert_eq(h.version, 1);
	cr_assert(!h.local);
	check_endpoint(&h.src, h.addr_len, "192.0.2.7", 56324);
	check_endpoint(&h.dst, h.addr_len, "198.51.100.1", 21);
}

Test(proxyhdr, v1_tcp6)
{
	struct proxy_header h;

	cr_assert_gt(parse_text("PROXY TCP6 2001:db8::1 ::1 65535 990\r\n", &h), 0);
	check_endpoint(&h.src, h.addr_len, "2001:db8::1", 65535);
	check_endpoint(&h.dst, h.addr_len, "::1", 990);
	/* a mapped address is the IPv4 client it names */
	cr_assert_gt(parse_text("PROXY TCP6 ::ffff:192.0.2.9 ::1 0 21\r\n", &h), 0);
	check_endpoint(&h.src, h.addr_len, "192.0.2.9", 0);
}

Test(proxyhdr, v1_unknown_is_local)
{
	struct proxy_header h;

	cr_assert_eq(parse_text("PROXY UNKNOWN\r\n", &h), 15);
	cr_assert(h.local);
	cr_assert_gt(parse_text("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n", &h), 0);
	cr_assert(h.local);
}

Test(proxyhdr, v1_malformed)
{
	static const char *bad[] = {
		"PROXY TCP4 192.0.2.7 198.51.100.1 56324\r\n",         /* a field short */
		"PROXY TCP4 192.0.2.7 198.51.100.1 56324 21 x\r\n",    /* one too many */
		"PROXY TCP4 192.0.2.7  198.51.100.1 56324 21\r\n",     /* two spaces */
		"PROXY TCP4 192.0.2.7 198.51.100.1 56324 21 \r\n",     /* trailing space */
		"PROXY TCP4 192.0.2.777 198.51.100.1 56324 21\r\n",    /* address */
		"PROXY TCP4 ::1 198.51.100.1 56324 21\r\n",            /* family */
		"PROXY TCP6 192.0.2.7 ::1 56324 21\r\n",
		"PROXY TCP4 192.0.2.7 198.51.100.1 65536 21\r\n",      /* port */
		"PROXY TCP4 192.0.2.7 198.51.100.1 -1 21\r\n",
		"PROXY TCP4 192.0.2.7 198.51.100.1 123456 21\r\n",
		"PROXY TCP4 192.0.2.7 198.51.100.1 1 \r\n",
		"PROXY UDP4 192.0.2.7 198.51.100.1 1 2\r\n",           /* protocol */
		"PROXY UNKNOWNX\r\n",
		"PROXY TCP4 192.0.2.7 198.51.100.1 1 2\n",             /* LF alone */
		"PROXY TCP4 192.0.2.7\r198.51.100.1 1 2\r\n",          /* CR alone */
		"PROXY TCP4 192.0.2.7\t198.51.100.1 1 2\r\n",          /* control */
		"proxy TCP4 192.0.2.7 198.51.100.1 1 2\r\n",           /* case */
		"USER anonymous\r\n",                                  /* no header */
		"PROXY \r\nUSER x\r\n",                               /* too short */
		"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",         /* a ClientHello */
	};
	struct proxy_header h;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_lt(parse_text(bad[i], &h), 0, "accepted: %s", bad[i]);
}

Test(proxyhdr, v1_refused_as_soon_as_it_cannot_be_one)
{
	size_t more;

	/* the first byte that cannot begin a header ends it */
	cr_assert_eq(proxy_header_length((const unsigned char *)"PRO", 3, &more), 0);
	cr_assert_eq(more, PROXY_HEADER_MIN - 3);
	cr_assert_eq(proxy_header_length((const unsigned char *)"PROXX", 5, &more), -1);
	cr_assert_eq(proxy_header_length((const unsigned char *)"G", 1, &more), -1);
	/* 107 bytes without CR LF: not a version 1 header */
	char longline[PROXY_V1_MAX + 8];

	memset(longline, 'A', sizeof(longline));
	memcpy(longline, "PROXY UNKNOWN ", 14);
	cr_assert_eq(proxy_header_length((unsigned char *)longline, PROXY_V1_MAX - 1, &more), 0);
	cr_assert_eq(proxy_header_length((unsigned char *)longline, PROXY_V1_MAX, &more), -1);
	/* the longest allowed: 105 bytes and CR LF */
	longline[PROXY_V1_MAX - 2] = '\r';
	longline[PROXY_V1_MAX - 1] = '\n';
	cr_assert_eq(read_exactly((unsigned char *)longline, sizeof(longline), false), PROXY_V1_MAX);
}

/* A version 2 header: command, family, address block of len bytes. */
static size_t v2(unsigned char *out, unsigned cmd, unsigned fam, const void *body, size_t len)
{
	static const unsigned char sig[12] = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d,
					      0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a};

	memcpy(out, sig, 12);
	out[12] = (unsigned char)(0x20 | cmd);
	out[13] = (unsigned char)fam;
	out[14] = (unsigned char)(len >> 8);
	out[15] = (unsigned char)len;
	memcpy(out + 16, body, len);
	return 16 + len;
}

Test(proxyhdr, v2_tcp4_with_tlvs_and_what_follows_stays)
{
	unsigned char buf[128], body[12 + 7] = {192, 0, 2, 7, 198, 51, 100, 1, 0xdc, 0x04, 0, 21,
						/* a TLV: PP2_TYPE_AUTHORITY "a.b" */
						0x02, 0, 3, 'a', '.', 'b', 0};
	size_t len = v2(buf, 1, 0x11, body, sizeof(body) - 1);
	struct proxy_header h;

	memcpy(buf + len, "\x16\x03\x01", 3);
	cr_assert_eq(read_exactly(buf, len + 3, false), (long)len);
	cr_assert_eq(read_exactly(buf, len + 3, true), (long)len);
	cr_assert_eq(proxy_header_parse(buf, len, &h), 0);
	cr_assert_eq(h.version, 2);
	cr_assert(!h.local);
	check_endpoint(&h.src, h.addr_len, "192.0.2.7", 56324);
	check_endpoint(&h.dst, h.addr_len, "198.51.100.1", 21);
}

Test(proxyhdr, v2_tcp6)
{
	unsigned char buf[128], body[36] = {0};
	struct proxy_header h;
	size_t len;

	inet_pton(AF_INET6, "2001:db8::5", body);
	inet_pton(AF_INET6, "::1", body + 16);
	body[32] = 0x30, body[33] = 0x39;   /* 12345 */
	body[35] = 21;
	len = v2(buf, 1, 0x21, body, sizeof(body));
	cr_assert_eq(read_exactly(buf, len, false), (long)len);
	cr_assert_eq(proxy_header_parse(buf, len, &h), 0);
	check_endpoint(&h.src, h.addr_len, "2001:db8::5", 12345);
	check_endpoint(&h.dst, h.addr_len, "::1", 21);
}

Test(proxyhdr, v2_local_and_unspec)
{
	unsigned char buf[64], body[12] = {0};
	struct proxy_header h;
	size_t len = v2(buf, 0, 0x00, body, 0);

	cr_assert_eq(read_exactly(buf, len, false), 16);
	cr_assert_eq(proxy_header_parse(buf, len, &h), 0);
	cr_assert(h.local);
	/* LOCAL with addresses: they are ignored */
	len = v2(buf, 0, 0x11, body, 12);
	cr_assert_eq(proxy_header_parse(buf, len, &h), 0);
	cr_assert(h.local);
	/* PROXY over UNSPEC: the connection's own endpoints stand */
	len = v2(buf, 1, 0x00, body, 0);
	cr_assert_eq(proxy_header_parse(buf, len, &h), 0);
	cr_assert(h.local);
}

Test(proxyhdr, v2_malformed)
{
	unsigned char buf[PROXY_HEADER_MAX + 64], body[40] = {0};
	struct proxy_header h;
	size_t more, len;

	/* an address block too short for its family */
	len = v2(buf, 1, 0x11, body, 11);
	cr_assert_lt(proxy_header_parse(buf, len, &h), 0);
	len = v2(buf, 1, 0x21, body, 35);
	cr_assert_lt(proxy_header_parse(buf, len, &h), 0);
	/* UDP and unix sockets */
	len = v2(buf, 1, 0x12, body, 12);
	cr_assert_lt(proxy_header_parse(buf, len, &h), 0);
	len = v2(buf, 1, 0x31, body, 36);
	cr_assert_lt(proxy_header_parse(buf, len, &h), 0);
	/* a command other than LOCAL and PROXY, a version other than 2 */
	len = v2(buf, 2, 0x11, body, 12);
	cr_assert_eq(proxy_header_length(buf, len, &more), -1);
	len = v2(buf, 1, 0x11, body, 12);
	buf[12] = 0x11;
	cr_assert_eq(proxy_header_length(buf, len, &more), -1);
	/* a body longer than accepted */
	len = v2(buf, 1, 0x11, body, 12);
	buf[14] = (PROXY_V2_BODY_MAX + 1) >> 8;
	buf[15] = (PROXY_V2_BODY_MAX + 1) & 0xff;
	cr_assert_eq(proxy_header_length(buf, 16, &more), -1);
	buf[14] = PROXY_V2_BODY_MAX >> 8;
	buf[15] = PROXY_V2_BODY_MAX & 0xff;
	cr_assert_eq(proxy_header_length(buf, 16, &more), 0);
	cr_assert_eq(more, PROXY_V2_BODY_MAX);
	/* a broken signature */
	len = v2(buf, 1, 0x11, body, 12);
	buf[6] = 'x';
	cr_assert_eq(proxy_header_length(buf, len, &more), -1);
	/* a truncated header is never complete */
	len = v2(buf, 1, 0x11, body, 12);
	cr_assert_eq(proxy_header_length(buf, len - 1, &more), 0);
	cr_assert_eq(more, 1);
	cr_assert_lt(proxy_header_parse(buf, len - 1, &h), 0);
}
