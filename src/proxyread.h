/* proxyread.h - read a PROXY protocol header from a channel, exactly: not
 * one byte of what follows it is taken (proxyhdr.h). */
#ifndef SOCKFTPD_PROXYREAD_H
#define SOCKFTPD_PROXYREAD_H

#include <stddef.h>

#include "chan.h"
#include "proxyhdr.h"

/* How long a balancer has to send the whole header, in milliseconds. */
#define PROXY_HEADER_TIMEOUT_MS 5000

/* Read and parse the header before the deadline.  0, or -1 with a one-line
 * reason in err (the connection is then closed without a reply): it ended,
 * the deadline passed, or the bytes are not a header. */
int proxy_read(struct chan *c, long long deadline, struct proxy_header *h, char *err,
	       size_t errcap);

#endif
