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
