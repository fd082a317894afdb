/* fuzz_proxy.c - libFuzzer target for the PROXY protocol header parser
 * (proxyhdr.c).
 *
 * The input is what a balancer (or an attacker on its path) sends first.
 * It is read the way the server reads it: exactly as many bytes as
 * proxy_header_length() says may be read, each step from a heap copy of
 * exactly the bytes read so far (so ASan sees any read past them).  Checked:
 * a step never asks past the end of the header it then reports; the length
 * is the same whether the bytes came in the steps it asked for, one at a
 * time or all at once (with the rest of the input behind them), except that
 * the steps may stop where the input ends before they see a bad byte; a header is
 * at most PROXY_HEADER_MAX bytes; a parsed header is local or holds two
 * addresses of one family, IPv4 or IPv6, of the right size.  A violation
 * aborts, so libFuzzer keeps the input. */
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proxyhdr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                    \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "fuzz_proxy: %s:%d: %s\n", __FILE__, __LINE__, \
				#cond);                                                \
			abort();                                                       \
		}                                                                      \
	} while (0)

static long length_of(const uint8_t *data, size_t n, size_t *more)
{
	uint8_t *copy = malloc(n ? n : 1);
	long len;

	CHECK(copy);
	memcpy(copy, data, n);
	len = proxy_header_length(copy, n, more);
	free(copy);
	return len;
}

/* Read as the server does: *more bytes at a time, or one at a time. */
static long read_steps(const uint8_t *data, size_t size, int drip, size_t *read)
{
	size_t n = 0, more;
	long len;

	while ((len = length_of(data, n, &more)) == 0) {
		CHECK(more > 0);
		if (drip)
			more = 1;
		if (n + more > size) {
			*read = n;
			return 0;   /* the input ends first: a truncated header */
		}
		n += more;
	}
	*read = n;
	return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t read, read1, more;
	long len = read_steps(data, size, 0, &read);
	long drip = read_steps(data, size, 1, &read1);
	long whole = length_of(data, size, &more);
	struct proxy_header h;

	/* one byte at a time reads at least as far: it may see a bad byte
	 * that a bigger step, running past the input, did not get to */
	CHECK(len == drip || (len == 0 && drip < 0));
	if (len > 0) {
		CHECK((size_t)len == read);    /* not one byte past the header */
		CHECK((size_t)len == read1);
		CHECK(len <= PROXY_HEADER_MAX);
		CHECK(whole == len);           /* what follows does not change it */
	} else if (len < 0) {
		CHECK(whole < 0);
	} else {
		CHECK(whole <= 0);             /* it cannot end within the input */
	}
	if (len <= 0)
		return 0;

	uint8_t *copy = malloc((size_t)len);

	CHECK(copy);
	memcpy(copy, data, (size_t)len);
	if (proxy_header_parse(copy, (size_t)len, &h) == 0) {
		CHECK(h.version == (copy[0] == 'P' ? 1 : 2));
		if (!h.local) {
			CHECK(h.src.ss_family == h.dst.ss_family);
			CHECK((h.src.ss_family == AF_INET &&
			       h.addr_len == sizeof(struct sockaddr_in)) ||
			      (h.src.ss_family == AF_INET6 &&
			       h.addr_len == sizeof(struct sockaddr_in6)));
		}
	}
	free(copy);
	return 0;
}
