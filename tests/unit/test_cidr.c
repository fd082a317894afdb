/* Unit tests for address blocks. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <string.h>

#include "cidr.h"

static bool match(const char *list, const char *addr)
{
	struct cidr c[CIDR_LIST_MAX];
	int n = cidr_list_parse(list, c, CIDR_LIST_MAX);
	struct sockaddr_in in = {.sin_family = AF_INET};
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6};

	cr_assert_gt(n, 0, "%s", list);
	if (inet_pton(AF_INET, addr, &in.sin_addr) == 1)
		return cidr_list_match(c, (size_t)n, (struct sockaddr *)&in);
	cr_assert_eq(inet_pton(AF_INET6, addr, &in6.sin6_addr), 1, "%s", addr);
	return cidr_list_match(c, (size_t)n, (struct sockaddr *)&in6);
}

Test(cidr, blocks)
{
	cr_assert(match("10.0.0.0/8", "10.255.1.2"));
	cr_assert(!match("10.0.0.0/8", "11.0.0.1"));
	cr_assert(match("192.0.2.128/25", "192.0.2.200"));
	cr_assert(!match("192.0.2.128/25", "192.0.2.127"));
	cr_assert(match("192.0.2.7", "192.0.2.7"));
	cr_assert(!match("192.0.2.7", "192.0.2.8"));
	cr_assert(match("0.0.0.0/0", "203.0.113.9"));
	cr_assert(!match("0.0.0.0/0", "::1"));          /* families apart */
	cr_assert(match("2001:db8::/32", "2001:db8:ffff::1"));
	cr_assert(!match("2001:db8::/33", "2001:db8:8000::1"));
	cr_assert(match("::1", "::1"));
	cr_assert(match("::/0", "2001:db8::1"));
	/* host bits are cleared */
	cr_assert(match("10.1.2.3/8", "10.9.9.9"));
}

Test(cidr, mapped_ipv4_is_ipv4)
{
	cr_assert(match("127.0.0.0/8", "::ffff:127.0.0.1"));
	cr_assert(!match("::ffff:0:0/96", "::ffff:127.0.0.1"));
}

Test(cidr, lists)
{
	cr_assert(match("127.0.0.1, ::1,10.0.0.0/8", "::1"));
	cr_assert(match("127.0.0.1, ::1,10.0.0.0/8", "10.3.3.3"));
	cr_assert(!match("127.0.0.1, ::1,10.0.0.0/8", "192.0.2.1"));
}

Test(cidr, refused)
{
	static const char *bad[] = {"", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1",
				    "10.0.0.0/8x", "10.0.0", "example.org", "10.0.0.0/0008",
				    "1.2.3.4,", ",1.2.3.4", "1.2.3.4,,5.6.7.8", "1.2.3.4/8 "};
	struct cidr c[CIDR_LIST_MAX];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_lt(cidr_list_parse(bad[i], c, CIDR_LIST_MAX), 0, "accepted '%s'", bad[i]);
	/* no more than the list holds */
	cr_assert_lt(cidr_list_parse("1.1.1.1,2.2.2.2,3.3.3.3", c, 2), 0);
	cr_assert_eq(cidr_list_parse("1.1.1.1,2.2.2.2", c, 2), 2);
}
