/* proxyhdr.c - the PROXY protocol header, versions 1 and 2 (pure). */
#include "proxyhdr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

static const char v1_prefix[] = "PROXY ";
#define V1_PREFIX_LEN (sizeof(v1_prefix) - 1)
static const unsigned char v2_sig[12] = {0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d,
					 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a};

enum { V2_CMD_LOCAL = 0x0, V2_CMD_PROXY = 0x1 };
enum { V2_UNSPEC = 0x00, V2_TCP4 = 0x11, V2_TCP6 = 0x21 };

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Version 1: a line of printable ASCII ending in CR LF, at most 107
 * bytes. */
static long v1_length(const unsigned char *buf, size_t n, size_t *more)
{
	for (size_t i = 0; i < n && i < PROXY_V1_MAX; i++) {
		/* no header is shorter than PROXY_HEADER_MIN, what was read
		 * at once */
		if (buf[i] == '\n')
			return i + 1 >= PROXY_HEADER_MIN && buf[i - 1] == '\r' ? (long)i + 1 : -1;
		if (buf[i] == '\r') {
			if (i + 1 < n && buf[i + 1] != '\n')
				return -1;
		} else if (buf[i] < 0x20 || buf[i] > 0x7e)
			return -1;
	}
	if (n >= PROXY_V1_MAX)
		return -1;
	/* CR LF at least are still to come (LF alone after a CR) */
	*more = buf[n - 1] == '\r' ? 1 : 2;
	return 0;
}

static long v2_length(const unsigned char *buf, size_t n, size_t *more)
{
	size_t body, total;

	if (n < PROXY_V2_FIXED) {
		*more = PROXY_V2_FIXED - n;
		return 0;
	}
	if ((buf[12] >> 4) != 2 || ((buf[12] & 0xf) != V2_CMD_LOCAL &&
				    (buf[12] & 0xf) != V2_CMD_PROXY))
		return -1;
	body = (size_t)buf[14] << 8 | buf[15];
	if (body > PROXY_V2_BODY_MAX)
		return -1;
	total = PROXY_V2_FIXED + body;
	if (n >= total)
		return (long)total;
	*more = total - n;
	return 0;
}

long proxy_header_length(const unsigned char *buf, size_t n, size_t *more)
{
	*more = 0;
	if (n == 0) {
		*more = PROXY_HEADER_MIN;
		return 0;
	}
	if (memcmp(buf, v1_prefix, min_size(n, V1_PREFIX_LEN)) == 0) {
		if (n < PROXY_HEADER_MIN) {
			*more = PROXY_HEADER_MIN - n;
			return 0;
		}
		return v1_length(buf, n, more);
	}
	if (memcmp(buf, v2_sig, min_size(n, sizeof(v2_sig))) == 0) {
		if (n < PROXY_HEADER_MIN) {
			*more = PROXY_HEADER_MIN - n;
			return 0;
		}
		return v2_length(buf, n, more);
	}
	return -1;
}

/* A port: 1 to 5 decimal digits, at most 65535. */
static int v1_port(const char *s, unsigned short *port)
{
	unsigned long v = 0;
	size_t len = strlen(s);

	if (len == 0 || len > 5)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > 65535)
		return -1;
	*port = (unsigned short)v;
	return 0;
}

static int v1_address(int family, const char *addr, const char *port,
		      struct sockaddr_storage *ss)
{
	unsigned short p;

	memset(ss, 0, sizeof(*ss));
	if (v1_port(port, &p) < 0)
		return -1;
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(p);
		return inet_pton(AF_INET, addr, &in->sin_addr) == 1 ? 0 : -1;
	}
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(p);
	return inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1 ? 0 : -1;
}

/* "PROXY TCP4 SRC DST SPORT DPORT\r\n", TCP6 alike, or "PROXY UNKNOWN"
 * followed by anything up to CR LF. */
static int v1_parse(const unsigned char *buf, size_t len, struct proxy_header *h)
{
	char line[PROXY_V1_MAX + 1], *field[7], *save = NULL;
	size_t nf = 0;
	int family;

	if (len < PROXY_HEADER_MIN || len > PROXY_V1_MAX || buf[len - 2] != '\r')
		return -1;
	memcpy(line, buf, len - 2);
	line[len - 2] = '\0';
	h->version = 1;
	if (strncmp(line, "PROXY UNKNOWN", 13) == 0 && (line[13] == '\0' || line[13] == ' ')) {
		h->local = true;
		return 0;
	}
	/* single spaces only: an empty field is malformed */
	for (size_t i = 0; line[i]; i++)
		if (line[i] == ' ' && (line[i + 1] == ' ' || line[i + 1] == '\0'))
			return -1;
	for (char *f = strtok_r(line, " ", &save); f; f = strtok_r(NULL, " ", &save)) {
		if (nf == sizeof(field) / sizeof(field[0]))
			return -1;
		field[nf++] = f;
	}
	if (nf != 6)
		return -1;
	if (strcmp(field[1], "TCP4") == 0)
		family = AF_INET;
	else if (strcmp(field[1], "TCP6") == 0)
		family = AF_INET6;
	else
		return -1;
	if (v1_address(family, field[2], field[4], &h->src) < 0 ||
	    v1_address(family, field[3], field[5], &h->dst) < 0)
		return -1;
	h->addr_len = family == AF_INET ? sizeof(struct sockaddr_in)
					: sizeof(struct sockaddr_in6);
	return 0;
}

static int v2_parse(const unsigned char *buf, size_t len, struct proxy_header *h)
{
	size_t body = len - PROXY_V2_FIXED;
	const unsigned char *a = buf + PROXY_V2_FIXED;

	h->version = 2;
	if ((buf[12] & 0xf) == V2_CMD_LOCAL || buf[13] == V2_UNSPEC) {
		h->local = true;
		return 0;
	}
	if (buf[13] == V2_TCP4 && body >= 12) {
		struct sockaddr_in *src = (struct sockaddr_in *)&h->src;
		struct sockaddr_in *dst = (struct sockaddr_in *)&h->dst;

		src->sin_family = dst->sin_family = AF_INET;
		memcpy(&src->sin_addr, a, 4);
		memcpy(&dst->sin_addr, a + 4, 4);
		memcpy(&src->sin_port, a + 8, 2);
		memcpy(&dst->sin_port, a + 10, 2);
		h->addr_len = sizeof(struct sockaddr_in);
		return 0;
	}
	if (buf[13] == V2_TCP6 && body >= 36) {
		struct sockaddr_in6 *src = (struct sockaddr_in6 *)&h->src;
		struct sockaddr_in6 *dst = (struct sockaddr_in6 *)&h->dst;

		src->sin6_family = dst->sin6_family = AF_INET6;
		memcpy(&src->sin6_addr, a, 16);
		memcpy(&dst->sin6_addr, a + 16, 16);
		memcpy(&src->sin6_port, a + 32, 2);
		memcpy(&dst->sin6_port, a + 34, 2);
		h->addr_len = sizeof(struct sockaddr_in6);
		return 0;
	}
	/* UDP, unix sockets, an address block too short */
	return -1;
}

int proxy_header_parse(const unsigned char *buf, size_t len, struct proxy_header *h)
{
	size_t more;

	memset(h, 0, sizeof(*h));
	if (proxy_header_length(buf, len, &more) != (long)len)
		return -1;
	if (buf[0] == 'P')
		return v1_parse(buf, len, h);
	return v2_parse(buf, len, h);
}
