/* tls.h - FTPS (RFC 4217) with OpenSSL 3, behind the chan seam: a secure
 * channel is a chan whose operations go through TLS; nothing above knows.
 *
 * Each session makes its own TLS context (in its own process), so its
 * ticket keys and session cache are its own: a data connection that
 * resumes a session resumes this control connection's, and nobody else's.
 * OpenSSL is loaded (dlopen) only when TLS is configured. */
#ifndef SOCKFTPD_TLS_H
#define SOCKFTPD_TLS_H

#include <stdbool.h>
#include <stddef.h>

#include "chan.h"
#include "options.h"

struct tls;

/* Before the sandbox: load OpenSSL, make this session's context, read and
 * check the certificate and the key (present, readable, matching, not
 * expired).  NULL with a one-line reason naming the file in err. */
struct tls *tls_setup(const struct config *cfg, char *err, size_t errcap);

/* The context back (at the end of the session). */
void tls_free(struct tls *t);

/* Put TLS under c (a plain, connected channel): from now on its operations
 * are TLS's.  data: a data connection (no tickets of its own).  0, or -1
 * with a reason. */
int tls_wrap(struct tls *t, struct chan *c, bool data, char *err, size_t errcap);

/* One step of the server handshake on a wrapped channel: 1 done, 0 it must
 * wait (for c->rwant), -1 failed (reason in err). */
int tls_handshake(struct chan *c, char *err, size_t errcap);

/* After the handshake of a data connection: did it resume a session of
 * this control connection?  When it did not, that session is dropped from
 * the cache at once, so nothing can resume it. */
bool tls_resumed(struct chan *c);

/* TLS 1.3: a fresh ticket goes to the client with the next reply, so a
 * long session's data connections still have one to resume. */
void tls_fresh_ticket(struct chan *control);

/* "TLSv1.3 TLS_AES_256_GCM_SHA384", for the log. */
const char *tls_describe(const struct chan *c);

#endif
