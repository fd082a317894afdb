/* tls.c - FTPS with OpenSSL 3 behind the chan seam. */
#include "tls.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include "ssllib.h"

/* A session ticket or cached session made for the control connection
 * carries this token (random, per process); a data connection counts as
 * resumed only with it. */
#define TOKEN_LEN 16

struct tls {
	const struct ssllib *L;
	SSL_CTX *ctx;
	const char *sni;
	unsigned char token[TOKEN_LEN];
	char describe[96];
};

struct tls_conn {
	struct tls *t;
	SSL *ssl;
	bool data;
	bool starved;  /* the last read had to wait: what OpenSSL holds is not enough */
};

static struct tls_conn *conn_of(const struct chan *c)
{
	return c->impl;
}

/* OpenSSL's reason for the last failure, for a message. */
static const char *ssl_reason(const struct ssllib *L)
{
	static char buf[160];
	unsigned long e = L->ERR_peek_last_error();

	if (!e)
		return "no reason given";
	L->ERR_error_string_n(e, buf, sizeof(buf));
	L->ERR_clear_error();
	return buf;
}

/* errno for a failed SSL call, and which way an EAGAIN waits. */
static int io_result(struct chan *c, int ret, enum chan_dir *want)
{
	struct tls_conn *tc = conn_of(c);
	const struct ssllib *L = tc->t->L;
	int e = errno;

	switch (L->SSL_get_error(tc->ssl, ret)) {
	case SSL_ERROR_WANT_READ:
		*want = CHAN_READ;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_WANT_WRITE:
		*want = CHAN_WRITE;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_ZERO_RETURN:
		return 0;   /* close_notify: the peer ended its stream in order */
	case SSL_ERROR_SYSCALL:
		errno = e ? e : EPROTO;
		L->ERR_clear_error();
		return -1;
	default:
		/* an EOF without close_notify is a truncation an attacker can
		 * forge: never the end of a file */
		errno = ERR_GET_REASON(L->ERR_peek_last_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING
			? EPROTO : ECONNABORTED;
		L->ERR_clear_error();
		return -1;
	}
}

static ssize_t tls_read(struct chan *c, void *buf, size_t n)
{
	struct tls_conn *tc = conn_of(c);
	size_t got = 0;
	int r;

	tc->starved = false;
	errno = 0;
	r = tc->t->L->SSL_read_ex(tc->ssl, buf, n, &got);
	if (r == 1)
		return (ssize_t)got;
	r = io_result(c, r, &c->rwant);
	/* whichever way it waits (a KeyUpdate's answer may be stuck behind a
	 * full send buffer), buffered bytes are no reason to read again now */
	if (r < 0 && errno == EAGAIN)
		tc->starved = true;
	return r;
}

static ssize_t tls_write(struct chan *c, const void *buf, size_t n)
{
	struct tls_conn *tc = conn_of(c);
	size_t put = 0;
	int r;

	errno = 0;
	r = tc->t->L->SSL_write_ex(tc->ssl, buf, n, &put);

	if (r == 1)
		return (ssize_t)put;
	r = io_result(c, r, &c->wwant);
	return r == 0 ? (errno = EPIPE, -1) : r;
}

/* Decrypted bytes waiting, or whole records OpenSSL read ahead: a poll of
 * the socket would not see them.  Not after a read that found too little,
 * or the caller would spin on a half record. */
static size_t tls_pending(const struct chan *c)
{
	const struct tls_conn *tc = conn_of(c);
	const struct ssllib *L = tc->t->L;
	int p = L->SSL_pending(tc->ssl);

	if (p > 0)
		return (size_t)p;
	return !tc->starved && L->SSL_has_pending(tc->ssl) ? 1 : 0;
}

/* Zero-copy over TLS, where the kernel does the record layer (kTLS). */
static ssize_t tls_sendfile(struct chan *c, int ffd, size_t n)
{
	struct tls_conn *tc = conn_of(c);
	off_t at = lseek(ffd, 0, SEEK_CUR);
	ossl_ssize_t r;

	if (at < 0)
		return -1;
	r = tc->t->L->SSL_sendfile(tc->ssl, ffd, at, n, 0);
	if (r < 0)
		return io_result(c, (int)r, &c->wwant);
	lseek(ffd, at + r, SEEK_SET);
	return r;
}

static int tls_finish(struct chan *c)
{
	struct tls_conn *tc = conn_of(c);
	int r;

	errno = 0;
	r = tc->t->L->SSL_shutdown(tc->ssl);

	if (r >= 0)
		return 0;   /* our close_notify is out */
	return io_result(c, r, &c->wwant) == 0 ? 0 : -1;
}

static void tls_close(struct chan *c)
{
	struct tls_conn *tc = conn_of(c);

	tc->t->L->SSL_free(tc->ssl);
	free(tc);
	close(c->rfd);
	if (c->wfd != c->rfd)
		close(c->wfd);
}

static const struct chan_ops tls_ops = {
	.read = tls_read,
	.write = tls_write,
	.pending = tls_pending,
	.finish = tls_finish,
	.close = tls_close,
};

static const struct chan_ops ktls_ops = {
	.read = tls_read,
	.write = tls_write,
	.pending = tls_pending,
	.sendfile = tls_sendfile,
	.finish = tls_finish,
	.close = tls_close,
};

/* ALPN (ALPACA): a client that names protocols must name "ftp"; one that
 * names none is served (curl, as vsftpd 3.0.5 does). */
static int alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
		       const unsigned char *in, unsigned int inlen, void *arg)
{
	unsigned int i = 0;

	(void)ssl;
	(void)arg;
	while (i < inlen) {
		unsigned int len = in[i];

		if (i + 1 + len > inlen)
			break;
		if (len == 3 && memcmp(in + i + 1, "ftp", 3) == 0) {
			*out = in + i + 1;
			*outlen = 3;
			return SSL_TLSEXT_ERR_OK;
		}
		i += 1 + len;
	}
	return SSL_TLSEXT_ERR_ALERT_FATAL;
}

/* --tls-sni: a handshake for another host name is refused. */
static int sni_check(SSL *ssl, int *alert, void *arg)
{
	struct tls *t = arg;
	const char *name = t->L->SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);

	if (!name || strcasecmp(name, t->sni) == 0)
		return SSL_TLSEXT_ERR_OK;
	*alert = SSL_AD_UNRECOGNIZED_NAME;
	return SSL_TLSEXT_ERR_ALERT_FATAL;
}

/* Tickets made on the control connection carry the token; none are made
 * on data connections (num_tickets 0 in TLS 1.3; a TLS 1.2 one would lack
 * the token). */
static int ticket_made(SSL *ssl, void *arg)
{
	struct tls *t = arg;
	const struct tls_conn *tc = t->L->SSL_get_ex_data(ssl, 0);

	if (tc && !tc->data)
		t->L->SSL_SESSION_set1_ticket_appdata(t->L->SSL_get_session(ssl), t->token,
						      sizeof(t->token));
	return 1;
}

static SSL_TICKET_RETURN ticket_read(SSL *ssl, SSL_SESSION *ss, const unsigned char *keyname,
				     size_t keyname_length, SSL_TICKET_STATUS status, void *arg)
{
	(void)ssl;
	(void)ss;
	(void)keyname;
	(void)keyname_length;
	(void)arg;
	if (status == SSL_TICKET_SUCCESS || status == SSL_TICKET_SUCCESS_RENEW)
		return SSL_TICKET_RETURN_USE;
	return SSL_TICKET_RETURN_IGNORE_RENEW;
}

/* A file option: an absolute path, or a systemd credential's name. */
static int file_of(const char *opt, const char *name, char *out, size_t cap, char *err,
		   size_t errcap)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY");

	if (name[0] == '/') {
		snprintf(out, cap, "%s", name);
		return 0;
	}
	if (!dir || dir[0] != '/') {
		snprintf(err, errcap, "--%s %s: a credential name, but no $CREDENTIALS_DIRECTORY "
			 "(LoadCredential= in the unit)", opt, name);
		return -1;
	}
	snprintf(out, cap, "%s/%s", dir, name);
	return 0;
}

/* Protocol limits, ciphers, modes, callbacks, the session cache. */
static int configure(struct tls *t, const struct config *cfg, char *err, size_t errcap)
{
	const struct ssllib *L = t->L;
	SSL_CTX *ctx = t->ctx;

	L->SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
			       SSL_OP_NO_COMPRESSION);
	L->SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION,
			cfg->tls_min_version == 3 ? TLS1_3_VERSION : TLS1_2_VERSION, NULL);
	if (L->SSL_CTX_set_cipher_list(ctx, cfg->tls_ciphers) != 1) {
		snprintf(err, errcap, "--tls-ciphers %s: %s", cfg->tls_ciphers, ssl_reason(L));
		return -1;
	}
	L->SSL_CTX_ctrl(ctx, SSL_CTRL_MODE,
			SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER, NULL);
	/* fewer system calls: read whole records ahead, into a big buffer */
	L->SSL_CTX_ctrl(ctx, SSL_CTRL_SET_READ_AHEAD, 1, NULL);
	L->SSL_CTX_set_default_read_buffer_len(ctx, 64 * 1024);
	/* a long session's data connections must still resume (the default
	 * of 300 s is not enough); the cache is this process's only */
	L->SSL_CTX_set_timeout(ctx, 24 * 3600);
	L->SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"sockftpd", 8);
	L->SSL_CTX_set_session_ticket_cb(ctx, ticket_made, ticket_read, t);
	L->SSL_CTX_set_alpn_select_cb(ctx, alpn_select, t);
	if (cfg->tls_sni) {
		t->sni = cfg->tls_sni;
		L->SSL_CTX_callback_ctrl(ctx, SSL_CTRL_SET_TLSEXT_SERVERNAME_CB,
					 (void (*)(void))sni_check);
		L->SSL_CTX_ctrl(ctx, SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG, 0, t);
	}
	return 0;
}

/* The certificate and key: present, readable, a pair, not expired. */
static int load_pair(struct tls *t, const struct config *cfg, char *err, size_t errcap)
{
	const struct ssllib *L = t->L;
	char cert[4096], key[4096];
	const ASN1_TIME *until;

	if (file_of("tls-cert", cfg->tls_cert, cert, sizeof(cert), err, errcap) < 0 ||
	    file_of("tls-key", cfg->tls_key ? cfg->tls_key : cfg->tls_cert, key, sizeof(key),
		    err, errcap) < 0)
		return -1;
	if (access(cert, R_OK) < 0 || L->SSL_CTX_use_certificate_chain_file(t->ctx, cert) != 1) {
		snprintf(err, errcap, "--tls-cert %s: %s", cert,
			 errno && access(cert, R_OK) < 0 ? strerror(errno) : ssl_reason(L));
		return -1;
	}
	if (access(key, R_OK) < 0 ||
	    L->SSL_CTX_use_PrivateKey_file(t->ctx, key, SSL_FILETYPE_PEM) != 1) {
		if (ERR_GET_REASON(L->ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH)
			snprintf(err, errcap, "--tls-key %s does not match the certificate in %s",
				 key, cert);
		else
			snprintf(err, errcap, "--tls-key %s: %s", key,
				 errno && access(key, R_OK) < 0 ? strerror(errno) : ssl_reason(L));
		L->ERR_clear_error();
		return -1;
	}
	if (L->SSL_CTX_check_private_key(t->ctx) != 1) {
		snprintf(err, errcap, "--tls-key %s does not match the certificate in %s", key,
			 cert);
		return -1;
	}
	until = L->X509_get0_notAfter(L->SSL_CTX_get0_certificate(t->ctx));
	if (!until || L->X509_cmp_current_time(until) <= 0) {
		snprintf(err, errcap, "--tls-cert %s: the certificate has expired", cert);
		return -1;
	}
	return 0;
}

struct tls *tls_setup(const struct config *cfg, char *err, size_t errcap)
{
	const struct ssllib *L = ssllib_get();
	struct tls *t;

	if (!L) {
		snprintf(err, errcap, "TLS is configured, but OpenSSL cannot be loaded: %s",
			 ssllib_error());
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(err, errcap, "TLS: out of memory");
		return NULL;
	}
	t->L = L;
	/* no clean-up at exit: the process ends with the session, and the
	 * kernel takes its memory back at once (OpenSSL's atexit handler
	 * walked and freed every provider, method and error string) */
	if (L->OPENSSL_init_ssl(OPENSSL_INIT_NO_ATEXIT, NULL) != 1 ||
	    !(t->ctx = L->SSL_CTX_new(L->TLS_server_method())) ||
	    getrandom(t->token, sizeof(t->token), 0) != sizeof(t->token)) {
		snprintf(err, errcap, "TLS: cannot make a context: %s", ssl_reason(L));
		free(t);
		return NULL;
	}
	if (configure(t, cfg, err, errcap) < 0 || load_pair(t, cfg, err, errcap) < 0) {
		L->SSL_CTX_free(t->ctx);
		free(t);
		return NULL;
	}
	return t;
}

void tls_free(struct tls *t)
{
	if (t) {
		t->L->SSL_CTX_free(t->ctx);
		free(t);
	}
}

int tls_wrap(struct tls *t, struct chan *c, bool data, char *err, size_t errcap)
{
	const struct ssllib *L = t->L;
	struct tls_conn *tc;
	int fl = fcntl(c->rfd, F_GETFL);

	/* OpenSSL reads and writes the socket itself: it must not block */
	if (fl < 0 || fcntl(c->rfd, F_SETFL, fl | O_NONBLOCK) < 0) {
		snprintf(err, errcap, "TLS: %s", strerror(errno));
		return -1;
	}
	tc = calloc(1, sizeof(*tc));
	if (!tc || !(tc->ssl = L->SSL_new(t->ctx)) || L->SSL_set_fd(tc->ssl, c->rfd) != 1 ||
	    L->SSL_set_ex_data(tc->ssl, 0, tc) != 1) {
		snprintf(err, errcap, "TLS: %s", tc ? ssl_reason(L) : "out of memory");
		if (tc && tc->ssl)
			L->SSL_free(tc->ssl);
		free(tc);
		return -1;
	}
	tc->t = t;
	tc->data = data;
	if (data) {
		/* tickets on an upload's connection can deadlock it (the client
		 * is not reading), and only the control connection's count */
		L->SSL_set_num_tickets(tc->ssl, 0);
		/* the kernel's record layer where it has one: data connections
		 * only, which live for one transfer (no key update to follow) */
		L->SSL_set_options(tc->ssl, SSL_OP_ENABLE_KTLS);
	}
	c->impl = tc;
	c->ops = &tls_ops;
	c->rwant = CHAN_READ;
	c->wwant = CHAN_WRITE;
	return 0;
}

int tls_handshake(struct chan *c, char *err, size_t errcap)
{
	struct tls_conn *tc = conn_of(c);
	const struct ssllib *L = tc->t->L;
	int r;

	errno = 0;
	r = L->SSL_accept(tc->ssl);

	if (r == 1) {
		c->rwant = CHAN_READ;
		c->wwant = CHAN_WRITE;
		/* the control connection's session, cached by its id (TLS 1.2
		 * without tickets), carries the token as its tickets do */
		if (!tc->data)
			L->SSL_SESSION_set1_ticket_appdata(L->SSL_get_session(tc->ssl), tc->t->token,
							   sizeof(tc->t->token));
		if (L->BIO_ctrl(L->SSL_get_wbio(tc->ssl), BIO_CTRL_GET_KTLS_SEND, 0, NULL) > 0)
			c->ops = &ktls_ops;
		return 1;
	}
	switch (L->SSL_get_error(tc->ssl, r)) {
	case SSL_ERROR_WANT_READ:
		c->rwant = c->wwant = CHAN_READ;
		return 0;
	case SSL_ERROR_WANT_WRITE:
		c->rwant = c->wwant = CHAN_WRITE;
		return 0;
	case SSL_ERROR_SYSCALL:
		snprintf(err, errcap, "TLS handshake: %s",
			 errno ? strerror(errno) : "the client closed the connection");
		L->ERR_clear_error();
		return -1;
	default:
		snprintf(err, errcap, "TLS handshake: %s", ssl_reason(L));
		return -1;
	}
}

bool tls_resumed(struct chan *c)
{
	struct tls_conn *tc = conn_of(c);
	const struct ssllib *L = tc->t->L;
	SSL_SESSION *ss = L->SSL_get_session(tc->ssl);
	void *data = NULL;
	size_t len = 0;

	if (L->SSL_session_reused(tc->ssl) && ss &&
	    L->SSL_SESSION_get0_ticket_appdata(ss, &data, &len) == 1 && len == TOKEN_LEN &&
	    memcmp(data, tc->t->token, TOKEN_LEN) == 0)
		return true;
	if (ss)
		L->SSL_CTX_remove_session(tc->t->ctx, ss);
	return false;
}

void tls_fresh_ticket(struct chan *control)
{
	struct tls_conn *tc = conn_of(control);

	if (control->impl && tc->t->L->SSL_version(tc->ssl) >= TLS1_3_VERSION)
		tc->t->L->SSL_new_session_ticket(tc->ssl);
}

const char *tls_describe(const struct chan *c)
{
	struct tls_conn *tc = conn_of(c);
	const struct ssllib *L = tc->t->L;

	snprintf(tc->t->describe, sizeof(tc->t->describe), "%s %s", L->SSL_get_version(tc->ssl),
		 L->SSL_CIPHER_get_name(L->SSL_get_current_cipher(tc->ssl)));
	return tc->t->describe;
}
