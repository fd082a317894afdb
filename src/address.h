/* address.h - socket address formatting (pure). */
#ifndef SOCKFTPD_ADDRESS_H
#define SOCKFTPD_ADDRESS_H

#include <stddef.h>
#include <sys/socket.h>

/* Enough for an IPv6 address with a scope id. */
#define ADDRESS_TEXT_MAX 64

struct endpoint {
	char addr[ADDRESS_TEXT_MAX]; /* "127.0.0.1", "::1", "unix", "stdin" */
	unsigned port;               /* 0 when there is none */
	int family;                  /* AF_INET, AF_INET6 (never mapped), AF_UNIX, AF_UNSPEC */
};

/* Fill ep from a socket address.  An IPv4-mapped IPv6 address (::ffff:a.b.c.d)
 * becomes plain IPv4.  Returns 0, or -1 for a family it does not know (ep
 * then says "unknown"). */
int endpoint_from_sockaddr(struct endpoint *ep, const struct sockaddr *sa,
			   socklen_t len);

/* Parse a listening address: "A.B.C.D:PORT" or "[IPV6]:PORT" (PORT 0 to
 * 65535, decimal, 0: the kernel picks one).  Fills *sa (len bytes) and
 * returns 0, or -1 when text is no such address. */
int address_parse_listen(const char *text, struct sockaddr_storage *sa, socklen_t *len);

/* "127.0.0.1:21", "[::1]:21", or the bare name when there is no port. */
size_t endpoint_format(const struct endpoint *ep, char *buf, size_t cap);

#endif
