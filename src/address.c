/* address.c - socket address formatting (pure). */
#include "address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

static void set_name(struct endpoint *ep, const char *name, int family)
{
	snprintf(ep->addr, sizeof(ep->addr), "%s", name);
	ep->port = 0;
	ep->family = family;
}

int endpoint_from_sockaddr(struct endpoint *ep, const struct sockaddr *sa,
			   socklen_t len)
{
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &in->sin_addr, ep->addr, sizeof(ep->addr));
		ep->port = ntohs(in->sin_port);
		ep->family = AF_INET;
		return 0;
	}
	if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
			inet_ntop(AF_INET, &in6->sin6_addr.s6_addr[12], ep->addr,
				  sizeof(ep->addr));
			ep->family = AF_INET;
		} else {
			inet_ntop(AF_INET6, &in6->sin6_addr, ep->addr, sizeof(ep->addr));
			ep->family = AF_INET6;
			if (in6->sin6_scope_id) {
				size_t l = strlen(ep->addr);
				snprintf(ep->addr + l, sizeof(ep->addr) - l, "%%%u",
					 (unsigned)in6->sin6_scope_id);
			}
		}
		ep->port = ntohs(in6->sin6_port);
		return 0;
	}
	if (sa->sa_family == AF_UNIX) {
		set_name(ep, "unix", AF_UNIX);
		return 0;
	}
	set_name(ep, "unknown", AF_UNSPEC);
	return -1;
}

size_t endpoint_format(const struct endpoint *ep, char *buf, size_t cap)
{
	int n;

	if (cap == 0)
		return 0;
	if (ep->family == AF_INET6)
		n = snprintf(buf, cap, "[%s]:%u", ep->addr, ep->port);
	else if (ep->family == AF_INET)
		n = snprintf(buf, cap, "%s:%u", ep->addr, ep->port);
	else
		n = snprintf(buf, cap, "%s", ep->addr);
	if (n < 0)
		n = 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}

/* A decimal port, 0-65535, no sign, no leading zero but "0". */
static int parse_port(const char *p, unsigned *port)
{
	unsigned n = 0;
	size_t i;

	if (!*p || (p[0] == '0' && p[1]))
		return -1;
	for (i = 0; p[i]; i++) {
		if (p[i] < '0' || p[i] > '9' || i >= 5)
			return -1;
		n = n * 10 + (unsigned)(p[i] - '0');
	}
	if (n > 65535)
		return -1;
	*port = n;
	return 0;
}

int address_parse_listen(const char *text, struct sockaddr_storage *sa, socklen_t *len)
{
	char host[INET6_ADDRSTRLEN];
	const char *colon;
	unsigned port;
	size_t n;

	memset(sa, 0, sizeof(*sa));
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;

		if (!close || close[1] != ':' || parse_port(close + 2, &port) < 0)
			return -1;
		n = (size_t)(close - text - 1);
		if (n == 0 || n >= sizeof(host))
			return -1;
		memcpy(host, text + 1, n);
		host[n] = '\0';
		if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
			return -1;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((unsigned short)port);
		*len = sizeof(*in6);
		return 0;
	}
	colon = strchr(text, ':');
	if (!colon || parse_port(colon + 1, &port) < 0)
		return -1;
	n = (size_t)(colon - text);
	if (n == 0 || n >= sizeof(host))
		return -1;
	memcpy(host, text, n);
	host[n] = '\0';
	{
		struct sockaddr_in *in = (struct sockaddr_in *)sa;

		if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
			return -1;
		in->sin_family = AF_INET;
		in->sin_port = htons((unsigned short)port);
		*len = sizeof(*in);
	}
	return 0;
}
