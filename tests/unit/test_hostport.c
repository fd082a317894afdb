/* Unit tests for PORT/EPRT parsing and PASV formatting. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>

#include "hostport.h"

static int port(const char *s, struct sockaddr_storage *ss)
{
	socklen_t len;
	return hostport_parse_port(s, strlen(s), ss, &len);
}

static int eprt(const char *s, struct sockaddr_storage *ss)
{
	socklen_t len;
	return hostport_parse_eprt(s, strlen(s), ss, &len);
}

Test(hostport, port_ok)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	char a[32];
	cr_assert_eq(port("127,0,0,1,4,1", &ss), HOSTPORT_OK);
	cr_assert_eq(in->sin_family, AF_INET);
	cr_assert_eq(ntohs(in->sin_port), 1025);
	inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
	cr_assert_str_eq(a, "127.0.0.1");
}

Test(hostport, port_bad)
{
	struct sockaddr_storage ss;
	const char *bad[] = {"", "127,0,0,1,4", "127,0,0,1,4,1,1", "256,0,0,1,4,1",
			     "127,0,0,1,4,256", "127.0.0.1,4,1", "127,0,0,1,4,1 ",
			     "a,b,c,d,e,f", "127,,0,1,4,1", "-1,0,0,1,4,1",
			     "1270000000000,0,0,1,4,1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(port(bad[i], &ss), HOSTPORT_SYNTAX, "%s", bad[i]);
}

Test(hostport, eprt_ok)
{
	struct sockaddr_storage ss;
	cr_assert_eq(eprt("|1|132.235.1.2|6275|", &ss), HOSTPORT_OK);
	cr_assert_eq(ss.ss_family, AF_INET);
	cr_assert_eq(ntohs(((struct sockaddr_in *)&ss)->sin_port), 6275);
	cr_assert_eq(eprt("|2|::1|5282|", &ss), HOSTPORT_OK);
	cr_assert_eq(ss.ss_family, AF_INET6);
	cr_assert_eq(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), 5282);
	cr_assert_eq(eprt("!2!1080::8:800:200C:417A!5282!", &ss), HOSTPORT_OK);
}

Test(hostport, eprt_bad)
{
	struct sockaddr_storage ss;
	cr_assert_eq(eprt("|3|1.2.3.4|5|", &ss), HOSTPORT_UNSUPPORTED);
	const char *bad[] = {"", "|1|1.2.3.4|5", "|1|1.2.3.4||", "|1||5|", "|1|::1|5|",
			     "|2|1.2.3.4|5|", "|1|1.2.3.4|65536|", "x1x1.2.3.4x5x ",
			     " 1 1.2.3.4 5 ", "|1|1.2.3.4|5|6|", "||1.2.3.4|5|"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(eprt(bad[i], &ss), HOSTPORT_SYNTAX, "%s", bad[i]);
}

Test(hostport, pasv_format)
{
	struct in_addr a;
	char buf[64];
	inet_pton(AF_INET, "192.0.2.10", &a);
	hostport_format_pasv(buf, sizeof(buf), &a, 50001);
	cr_assert_str_eq(buf, "Entering Passive Mode (192,0,2,10,195,81).");
	cr_assert_eq(hostport_format_pasv(buf, 10, &a, 1), 9);
}

Test(hostport, range)
{
	unsigned lo, hi;
	cr_assert_eq(hostport_parse_range("50000-50100", &lo, &hi), 0);
	cr_assert_eq(lo, 50000);
	cr_assert_eq(hi, 50100);
	cr_assert_eq(hostport_parse_range("2000-2000", &lo, &hi), 0);
	cr_assert_eq(hostport_parse_range("1023-2000", &lo, &hi), -1);
	cr_assert_eq(hostport_parse_range("3000-2000", &lo, &hi), -1);
	cr_assert_eq(hostport_parse_range("3000-70000", &lo, &hi), -1);
	cr_assert_eq(hostport_parse_range("3000", &lo, &hi), -1);
	cr_assert_eq(hostport_parse_range("3000-", &lo, &hi), -1);
	cr_assert_eq(hostport_parse_range("a-b", &lo, &hi), -1);
}
