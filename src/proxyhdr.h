/* proxyhdr.h - the PROXY protocol header (version 1, text, and version 2,
 * binary) that a TCP balancer such as HAProxy sends before the client's
 * first byte, telling who the client is (pure: no I/O).
 *
 * The header is read exactly, never one byte past its end: an implicit-FTPS
 * ClientHello may follow it in the same segment.  proxy_header_length()
 * says how many more bytes may be read safely at each step, so a reader
 * that reads exactly that many (or fewer) never takes a byte of what
 * follows. */
#ifndef SOCKFTPD_PROXYHDR_H
#define SOCKFTPD_PROXYHDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* A version 1 header is at most 107 bytes, CR LF included (the
 * specification's limit). */
#define PROXY_V1_MAX 107
/* The fixed part of a version 2 header: signature, version and command,
 * family and protocol, length. */
#define PROXY_V2_FIXED 16
/* The longest version 2 address block (and TLVs) accepted: addresses take
 * 12 (IPv4) or 36 (IPv6) bytes; the rest is room for the TLVs a balancer
 * adds (SSL, unique id, authority).  Longer is refused. */
#define PROXY_V2_BODY_MAX 1024
#define PROXY_HEADER_MAX (PROXY_V2_FIXED + PROXY_V2_BODY_MAX)
/* No header is shorter than this ("PROXY UNKNOWN\r\n"). */
#define PROXY_HEADER_MIN 15

struct proxy_header {
	int version;                  /* 1 or 2 */
	/* A LOCAL command (version 2) or UNKNOWN (version 1), e.g. the
	 * balancer's health check: no addresses; the connection's own
	 * endpoints stand. */
	bool local;
	struct sockaddr_storage src;  /* the client (AF_INET or AF_INET6) */
	struct sockaddr_storage dst;  /* the address the client connected to */
	socklen_t addr_len;           /* of src and dst */
};

/* The header that begins with buf[0..n): its whole length (> 0, at most
 * PROXY_HEADER_MAX) once n bytes show it; 0 when more bytes are needed, at
 * least one, and *more is how many can be read without passing its end; -1
 * when buf cannot begin a header (the connection is then refused). */
long proxy_header_length(const unsigned char *buf, size_t n, size_t *more);

/* Parse a whole header, len bytes as proxy_header_length() gave.  0, or -1
 * when it is malformed: a bad address or port, a family other than TCP
 * over IPv4 or IPv6 in a PROXY command, an address block too short. */
int proxy_header_parse(const unsigned char *buf, size_t len, struct proxy_header *h);

#endif
