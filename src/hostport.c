/* hostport.c - data-connection addresses in FTP's notations (pure). */
#include "hostport.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* A decimal number of at most `max`, at p[*i]; advances *i. */
static int number(const char *p, size_t len, size_t *i, unsigned long max,
		  unsigned long *out)
{
	unsigned long v = 0;
	size_t start = *i;

	while (*i < len && p[*i] >= '0' && p[*i] <= '9') {
		v = v * 10 + (unsigned long)(p[*i] - '0');
		if (v > max || *i - start > 6)
			return -1;
		(*i)++;
	}
	if (*i == start)
		return -1;
	*out = v;
	return 0;
}

int hostport_parse_port(const char *arg, size_t len, struct sockaddr_storage *ss,
			socklen_t *sslen)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	unsigned long v[6];
	size_t i = 0;
	int k;

	for (k = 0; k < 6; k++) {
		if (k > 0) {
			if (i >= len || arg[i] != ',')
				return HOSTPORT_SYNTAX;
			i++;
		}
		if (number(arg, len, &i, 255, &v[k]) < 0)
			return HOSTPORT_SYNTAX;
	}
	if (i != len)
		return HOSTPORT_SYNTAX;
	memset(ss, 0, sizeof(*ss));
	in->sin_family = AF_INET;
	in->sin_addr.s_addr = htonl((uint32_t)(v[0] << 24 | v[1] << 16 | v[2] << 8 | v[3]));
	in->sin_port = htons((uint16_t)(v[4] << 8 | v[5]));
	*sslen = sizeof(*in);
	return HOSTPORT_OK;
}

int hostport_parse_eprt(const char *arg, size_t len, struct sockaddr_storage *ss,
			socklen_t *sslen)
{
	char d, addr[INET6_ADDRSTRLEN + 1];
	const char *a, *e;
	unsigned long af, port;
	size_t i = 1, alen;

	if (len < 7)
		return HOSTPORT_SYNTAX;
	d = arg[0];
	if (d < 33 || d > 126)
		return HOSTPORT_SYNTAX;
	if (number(arg, len, &i, 65535, &af) < 0 || i >= len || arg[i] != d)
		return HOSTPORT_SYNTAX;
	a = arg + i + 1;
	e = memchr(a, d, len - (size_t)(a - arg));
	if (!e)
		return HOSTPORT_SYNTAX;
	alen = (size_t)(e - a);
	i = (size_t)(e - arg) + 1;
	if (number(arg, len, &i, 65535, &port) < 0 || i + 1 != len || arg[i] != d)
		return HOSTPORT_SYNTAX;
	if (af != 1 && af != 2)
		return HOSTPORT_UNSUPPORTED;
	if (alen == 0 || alen >= sizeof(addr))
		return HOSTPORT_SYNTAX;
	memcpy(addr, a, alen);
	addr[alen] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (af == 1) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, addr, &in->sin_addr) != 1)
			return HOSTPORT_SYNTAX;
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		*sslen = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET6, addr, &in6->sin6_addr) != 1)
			return HOSTPORT_SYNTAX;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*sslen = sizeof(*in6);
	}
	return HOSTPORT_OK;
}

size_t hostport_format_pasv(char *buf, size_t cap, const struct in_addr *a,
			    unsigned port)
{
	uint32_t h = ntohl(a->s_addr);
	int n = snprintf(buf, cap, "Entering Passive Mode (%u,%u,%u,%u,%u,%u).",
			 h >> 24, h >> 16 & 255, h >> 8 & 255, h & 255,
			 port >> 8 & 255, port & 255);

	if (n < 0 || cap == 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}

int hostport_parse_range(const char *s, unsigned *lo, unsigned *hi)
{
	unsigned long a, b;
	size_t i = 0, len = strlen(s);

	if (number(s, len, &i, 65535, &a) < 0 || i >= len || s[i] != '-')
		return -1;
	i++;
	if (number(s, len, &i, 65535, &b) < 0 || i != len)
		return -1;
	if (a < 1024 || a > b)
		return -1;
	*lo = (unsigned)a;
	*hi = (unsigned)b;
	return 0;
}
