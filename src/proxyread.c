/* proxyread.c - read a PROXY protocol header from a channel, exactly. */
#include "proxyread.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int proxy_read(struct chan *c, long long deadline, struct proxy_header *h, char *err,
	       size_t errcap)
{
	unsigned char buf[PROXY_HEADER_MAX];
	size_t n = 0, more;
	long len;

	while ((len = proxy_header_length(buf, n, &more)) == 0) {
		ssize_t r = chan_read(c, buf + n, more);
		int w;

		if (r > 0) {
			n += (size_t)r;
			continue;
		}
		if (r == 0) {
			snprintf(err, errcap, "the connection ended %s the PROXY header",
				 n ? "in the middle of" : "before");
			return -1;
		}
		if (errno != EAGAIN && errno != EINTR) {
			snprintf(err, errcap, "reading the PROXY header: %s", strerror(errno));
			return -1;
		}
		w = chan_wait(c, CHAN_READ, deadline);
		if (w == 0) {
			snprintf(err, errcap, "no whole PROXY header in time (%zu bytes came)", n);
			return -1;
		}
		if (w < 0 && errno != EINTR) {
			snprintf(err, errcap, "waiting for the PROXY header: %s", strerror(errno));
			return -1;
		}
	}
	if (len < 0 || proxy_header_parse(buf, (size_t)len, h) < 0) {
		snprintf(err, errcap, "not a well-formed PROXY header (%zu bytes)", n);
		return -1;
	}
	return 0;
}
