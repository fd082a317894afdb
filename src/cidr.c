/* cidr.c - address blocks and matching (pure). */
#include "cidr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

int cidr_parse(const char *s, size_t len, struct cidr *c)
{
	char text[INET6_ADDRSTRLEN + 8];
	const char *slash;
	size_t alen;
	unsigned long bits = 0;

	if (len == 0 || len >= sizeof(text))
		return -1;
	memcpy(text, s, len);
	text[len] = '\0';
	slash = strchr(text, '/');
	alen = slash ? (size_t)(slash - text) : len;
	text[alen] = '\0';
	memset(c, 0, sizeof(*c));
	if (inet_pton(AF_INET, text, c->addr) == 1) {
		c->family = AF_INET;
		c->bits = 32;
	} else if (inet_pton(AF_INET6, text, c->addr) == 1) {
		c->family = AF_INET6;
		c->bits = 128;
	} else
		return -1;
	if (slash) {
		const char *b = slash + 1;

		if (!*b || strlen(b) > 3)
			return -1;
		for (; *b; b++) {
			if (*b < '0' || *b > '9')
				return -1;
			bits = bits * 10 + (unsigned long)(*b - '0');
		}
		if (bits > c->bits)
			return -1;
		c->bits = (unsigned)bits;
	}
	for (unsigned i = 0; i < 16; i++) {
		unsigned keep = c->bits > i * 8 ? c->bits - i * 8 : 0;

		if (keep < 8)
			c->addr[i] &= (unsigned char)(0xff00u >> keep);
	}
	return 0;
}

int cidr_list_parse(const char *s, struct cidr *list, size_t cap)
{
	size_t n = 0;

	for (;;) {
		size_t len;

		while (*s == ' ')
			s++;
		len = strcspn(s, ",");
		if (n == cap || cidr_parse(s, len, &list[n]) < 0)
			return -1;
		n++;
		if (!s[len])
			return (int)n;
		s += len + 1;
	}
}

static bool in_block(const struct cidr *c, const unsigned char *addr)
{
	unsigned full = c->bits / 8, rest = c->bits % 8;

	if (memcmp(c->addr, addr, full) != 0)
		return false;
	return rest == 0 || ((addr[full] ^ c->addr[full]) & (0xff00u >> rest)) == 0;
}

bool cidr_list_match(const struct cidr *list, size_t n, const struct sockaddr *sa)
{
	const unsigned char *addr;
	int family = sa->sa_family;

	if (family == AF_INET)
		addr = (const unsigned char *)&((const struct sockaddr_in *)sa)->sin_addr;
	else if (family == AF_INET6) {
		const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;

		addr = a6->s6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a6)) {
			family = AF_INET;
			addr += 12;
		}
	} else
		return false;
	for (size_t i = 0; i < n; i++)
		if (list[i].family == family && in_block(&list[i], addr))
			return true;
	return false;
}
