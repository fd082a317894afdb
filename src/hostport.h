/* hostport.h - data-connection addresses in FTP's notations (pure):
 * PORT/PASV "h1,h2,h3,h4,p1,p2" (RFC 959) and EPRT/EPSV "|af|addr|port|"
 * (RFC 2428). */
#ifndef SOCKFTPD_HOSTPORT_H
#define SOCKFTPD_HOSTPORT_H

#include <netinet/in.h>
#include <stddef.h>
#include <sys/socket.h>

enum hostport_error {
	HOSTPORT_OK = 0,
	HOSTPORT_SYNTAX = -1,        /* 501 */
	HOSTPORT_UNSUPPORTED = -2,   /* EPRT: 522, address family not supported */
};

/* "h1,h2,h3,h4,p1,p2": each a decimal 0..255, nothing else. */
int hostport_parse_port(const char *arg, size_t len, struct sockaddr_storage *ss,
			socklen_t *sslen);

/* "<d>1<d>a.b.c.d<d>port<d>" or "<d>2<d>ipv6<d>port<d>", the delimiter any
 * printable ASCII byte (33..126). */
int hostport_parse_eprt(const char *arg, size_t len, struct sockaddr_storage *ss,
			socklen_t *sslen);

/* The 227 text: "Entering Passive Mode (h1,h2,h3,h4,p1,p2)." */
size_t hostport_format_pasv(char *buf, size_t cap, const struct in_addr *a,
			    unsigned port);

/* "LO-HI" with 1024 <= LO <= HI <= 65535. */
int hostport_parse_range(const char *s, unsigned *lo, unsigned *hi);

#endif
