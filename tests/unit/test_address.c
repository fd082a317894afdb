/* Unit tests for socket address formatting. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/un.h>

#include "address.h"

Test(address, ipv4)
{
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(45994)};
	struct endpoint ep;
	char buf[80];
	inet_pton(AF_INET, "127.0.0.1", &in.sin_addr);
	cr_assert_eq(endpoint_from_sockaddr(&ep, (struct sockaddr *)&in, sizeof(in)), 0);
	cr_assert_str_eq(ep.addr, "127.0.0.1");
	cr_assert_eq(ep.port, 45994);
	endpoint_format(&ep, buf, sizeof(buf));
	cr_assert_str_eq(buf, "127.0.0.1:45994");
}

Test(address, ipv6)
{
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons(21)};
	struct endpoint ep;
	char buf[80];
	inet_pton(AF_INET6, "::1", &in6.sin6_addr);
	cr_assert_eq(endpoint_from_sockaddr(&ep, (struct sockaddr *)&in6, sizeof(in6)), 0);
	cr_assert_str_eq(ep.addr, "::1");
	cr_assert_eq(ep.family, AF_INET6);
	endpoint_format(&ep, buf, sizeof(buf));
	cr_assert_str_eq(buf, "[::1]:21");
}

Test(address, ipv4_mapped_is_plain_ipv4)
{
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons(1024)};
	struct endpoint ep;
	char buf[80];
	inet_pton(AF_INET6, "::ffff:192.0.2.7", &in6.sin6_addr);
	cr_assert_eq(endpoint_from_sockaddr(&ep, (struct sockaddr *)&in6, sizeof(in6)), 0);
	cr_assert_str_eq(ep.addr, "192.0.2.7");
	cr_assert_eq(ep.family, AF_INET);
	endpoint_format(&ep, buf, sizeof(buf));
	cr_assert_str_eq(buf, "192.0.2.7:1024");
}

Test(address, scope_id)
{
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons(21), .sin6_scope_id = 2};
	struct endpoint ep;
	inet_pton(AF_INET6, "fe80::1", &in6.sin6_addr);
	endpoint_from_sockaddr(&ep, (struct sockaddr *)&in6, sizeof(in6));
	cr_assert_str_eq(ep.addr, "fe80::1%2");
}

Test(address, unix_and_unknown)
{
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	struct sockaddr sa = {.sa_family = 12345};
	struct endpoint ep;
	char buf[8];
	cr_assert_eq(endpoint_from_sockaddr(&ep, (struct sockaddr *)&un, sizeof(un)), 0);
	cr_assert_str_eq(ep.addr, "unix");
	cr_assert_eq(endpoint_from_sockaddr(&ep, &sa, sizeof(sa)), -1);
	cr_assert_str_eq(ep.addr, "unknown");
	/* a short IPv4 address is not read past its end */
	struct sockaddr_in in = {.sin_family = AF_INET};
	cr_assert_eq(endpoint_from_sockaddr(&ep, (struct sockaddr *)&in, 4), -1);
	/* formatting is bounded */
	cr_assert_eq(endpoint_format(&ep, buf, sizeof(buf)), 7);
	cr_assert_eq(endpoint_format(&ep, buf, 4), 3);
	cr_assert_str_eq(buf, "unk");
}

static void listen_ok(const char *text, int family, const char *host, unsigned port)
{
	struct sockaddr_storage ss;
	struct endpoint ep;
	socklen_t len = 0;

	cr_assert_eq(address_parse_listen(text, &ss, &len), 0, "%s", text);
	cr_assert_eq(ss.ss_family, family, "%s", text);
	cr_assert_eq(len, family == AF_INET ? sizeof(struct sockaddr_in)
		     : sizeof(struct sockaddr_in6));
	cr_assert_eq(endpoint_from_sockaddr(&ep, (struct sockaddr *)&ss, len), 0);
	cr_assert_str_eq(ep.addr, host, "%s", text);
	cr_assert_eq(ep.port, port, "%s", text);
}

Test(address, listen_addresses)
{
	listen_ok("127.0.0.1:2121", AF_INET, "127.0.0.1", 2121);
	listen_ok("0.0.0.0:21", AF_INET, "0.0.0.0", 21);
	listen_ok("127.0.0.1:0", AF_INET, "127.0.0.1", 0);
	listen_ok("[::1]:2121", AF_INET6, "::1", 2121);
	listen_ok("[::]:65535", AF_INET6, "::", 65535);
	listen_ok("[2001:db8::7]:990", AF_INET6, "2001:db8::7", 990);
}

Test(address, listen_refusals)
{
	static const char *const bad[] = {
		"", ":21", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
		"127.0.0.1:+21", "127.0.0.1:021", "127.0.0.1:21x", "127.0.0.1:999999",
		"localhost:21", "::1:21", "[::1]", "[::1]:", "[::1]21", "[]:21", "[::1:21",
		"[127.0.0.1]:21", "1.2.3:21", "1.2.3.4.5:21", " 127.0.0.1:21",
		"[0000:0000:0000:0000:0000:0000:0000:0000:0000]:21", "127.0.0.1:21:21",
	};
	struct sockaddr_storage ss;
	socklen_t len;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(address_parse_listen(bad[i], &ss, &len), -1, "'%s'", bad[i]);
}
