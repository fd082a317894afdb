/* cidr.h - address blocks ("192.0.2.0/24", "2001:db8::/32", "::1") and
 * whether an address is in one of a list (pure). */
#ifndef SOCKFTPD_CIDR_H
#define SOCKFTPD_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* The most blocks a list holds. */
#define CIDR_LIST_MAX 32

struct cidr {
	int family;               /* AF_INET or AF_INET6 */
	unsigned char addr[16];   /* network byte order, host bits cleared */
	unsigned bits;            /* the prefix length */
};

/* One block: an address, with /BITS or without (a single address).  Host
 * bits beyond the prefix are cleared.  0, or -1 when it is not one. */
int cidr_parse(const char *s, size_t len, struct cidr *c);

/* "BLOCK[,BLOCK...]" (spaces after the commas allowed) into list: the
 * number of blocks, or -1 when one is bad, none is given or more than cap
 * are. */
int cidr_list_parse(const char *s, struct cidr *list, size_t cap);

/* Is sa (AF_INET or AF_INET6; an IPv4-mapped IPv6 address counts as the
 * IPv4 address it holds) in one of the n blocks? */
bool cidr_list_match(const struct cidr *list, size_t n, const struct sockaddr *sa);

#endif
