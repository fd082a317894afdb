/* fuzz_session_tls.c - libFuzzer target for a whole control session over
 * FTPS: session_init() + session_run() on one end of a socketpair (an inetd
 * session: AUTH TLS is refused in pipe mode), with TLS configured, and a
 * client on the other end, in a thread of the same process, that does a
 * real TLS handshake with OpenSSL and then sends the input through TLS.
 *
 * LLVMFuzzerInitialize makes, once, an ECDSA P-256 key and a self-signed
 * certificate for "ftp.example" (OpenSSL's API, in a temporary directory
 * removed at once), and the server's TLS context from them with
 * tls_setup(), as main() does for each connection; every session reuses it
 * (tls_wrap() makes each connection's SSL, the channel's close frees it).
 * The tree, the users and the checks after every session (no descriptor
 * left open, working directory unchanged, nothing outside the root opened
 * or changed) are fuzz_common.c's.
 *
 * One input is what a client sends:
 *
 *   explicit FTPS (3 inputs in 4): the input up to and including its first
 *   line that starts with "AUTH" (any case) is sent in clear, in one write;
 *   when it has no such line, "AUTH TLS\r\n" is.  The same write carries,
 *   after it, commands pipelined in clear (CANARY below: a login, an MKD
 *   and a QUIT).  Once a 234 reply comes (and nothing after it in clear),
 *   the client does the handshake and sends NOOP through TLS: the first
 *   reply through TLS must be that NOOP's 200, or the server ran something
 *   it had read in clear after AUTH (CVE-2011-1575); the MKD's directory
 *   must not exist either.  Then the rest of the input goes through TLS.
 *   Without a 234 (the AUTH line was refused) the pipelined commands are
 *   ordinary ones and their QUIT ends the session.
 *
 *   implicit FTPS (1 input in 4, cfg.tls_implicit): the handshake first;
 *   the first reply through TLS must be the 220; then all of the input.
 *
 * After the input the client ends with close_notify (7 in 8) or with a bare
 * EOF, a truncation (1 in 8), then reads until the server closes.  It reads
 * and drops the replies all along, so that neither side waits for the other.
 *
 * The rest of how an input runs comes from a hash of it, so that an input
 * always runs the same way: one TLS write for all of it (16 KiB records),
 * one per line, or pieces of 1-16 bytes; TLS 1.3 or 1.2 (1 in 4); a full
 * handshake or (1 in 2) the resumption of a session of Initialize's
 * handshakes; ALPN "ftp" or none, SNI "ftp.example" (the --tls-sni) or
 * none, and, 1 in 16 each, ALPN "http/1.1" or SNI "www.example", which the
 * server refuses; (1 in 32) no handshake at all, the client closes; the
 * session's addresses IPv4 or IPv6 (1 in 4); --require-tls no (2 in 4),
 * logins or all.  An input may pin any of these with a first line
 * "#tls WORD..." (not sent; see directive_word()), as the seeds that need
 * one way do.
 *
 * Data connections: PASV and EPSV listen on the loopback address (nobody
 * connects, and the data timeout is 0); connect() fails with ENETUNREACH in
 * the whole process (a seccomp filter), so PORT and EPRT reach no one.
 *
 * With SOCKFTPD_FUZZ_VERBOSE=1 in the environment the choices, the server's
 * log lines and everything the client sends and receives go to stderr.
 * SOCKFTPD_FUZZ_NO_OPENAT2=1 works as for fuzz_session. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "activation.h"
#include "address.h"
#include "fuzz_common.h"
#include "session.h"
#include "tls.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__asan_default_options(void);

/* Each session allocates and frees OpenSSL's buffers (the server's read
 * buffer alone is 64 KiB): with ASan's default quarantine of 256 MiB, freed
 * memory is only reused after 1000 sessions or so, always cold, and the
 * sessions took twice the time.  32 MiB still holds what the last dozens of
 * sessions freed: a use after free within a session is still caught.
 * ASAN_OPTIONS overrides it. */
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=32";
}

#define SERVER_NAME "ftp.example"
/* What a client pipelines in clear after AUTH TLS.  IAC SE twice and a
 * CRLF first: whatever Telnet state or partial line the input left, the
 * commands after it are lines of their own. */
#define CANARY_DIR "pipelined-in-clear"
#define CANARY "\xff\xf0\xff\xf0\r\nUSER " FUZZ_USER "\r\nPASS " FUZZ_PASS "\r\nMKD /" \
	CANARY_DIR "\r\nQUIT\r\n"
/* The client gives up on a session that sends nothing for this long. */
#define STALL_MS 20000

static struct config cfg;
static struct held held = HELD_NONE;
static SSL_CTX *client_ctx;
/* Sessions of the warm-up handshakes, TLS 1.3 and 1.2, to resume. */
static SSL_SESSION *saved[2];

/* How one input runs (see above). */
enum split { SPLIT_WHOLE, SPLIT_LINES, SPLIT_SMALL };
enum alpn { ALPN_NONE, ALPN_FTP, ALPN_HTTP };
enum sni { SNI_NONE, SNI_OK, SNI_BAD };

struct knobs {
	bool implicit;
	enum split split;
	bool bare_eof;
	bool tls12;
	bool resume;
	bool no_handshake;
	enum alpn alpn;
	enum sni sni;
	bool ipv6;
	unsigned require_tls;
	uint64_t rng;
};

/* FNV-1a. */
static uint64_t hash(const uint8_t *d, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ d[i]) * 0x100000001b3u;
	return h;
}

static struct knobs knobs_of(const uint8_t *d, size_t n)
{
	uint64_t h = hash(d, n);
	struct knobs k;
	unsigned hello = (h >> 20) & 15;

	k.implicit = (h & 3) == 0;
	k.split = ((h >> 2) & 3) == 2 ? SPLIT_LINES : ((h >> 2) & 3) == 3 ? SPLIT_SMALL
									: SPLIT_WHOLE;
	k.bare_eof = ((h >> 4) & 7) == 0;
	k.tls12 = ((h >> 7) & 3) == 0;
	k.ipv6 = ((h >> 9) & 3) == 0;
	k.require_tls = ((h >> 11) & 3) == 3 ? REQUIRE_TLS_ALL
		      : ((h >> 11) & 3) == 2 ? REQUIRE_TLS_LOGINS : REQUIRE_TLS_NO;
	k.alpn = hello == 0 ? ALPN_HTTP : (h >> 13) & 1 ? ALPN_FTP : ALPN_NONE;
	k.sni = hello == 1 ? SNI_BAD : (h >> 14) & 1 ? SNI_OK : SNI_NONE;
	k.resume = (h >> 15) & 1;
	k.no_handshake = ((h >> 24) & 31) == 0;
	k.rng = h | 1;
	return k;
}

/* One word of a "#tls" line. */
static void directive_word(struct knobs *k, const uint8_t *w, size_t n)
{
#define IS(s) (n == sizeof(s) - 1 && memcmp(w, s, n) == 0)
	if (IS("explicit") || IS("implicit"))
		k->implicit = w[0] == 'i';
	else if (IS("whole") || IS("lines") || IS("small"))
		k->split = w[0] == 'w' ? SPLIT_WHOLE : w[0] == 'l' ? SPLIT_LINES : SPLIT_SMALL;
	else if (IS("close_notify") || IS("eof"))
		k->bare_eof = w[0] == 'e';
	else if (IS("tls1.2") || IS("tls1.3"))
		k->tls12 = w[5] == '2';
	else if (IS("new") || IS("resume"))
		k->resume = w[0] == 'r';
	else if (IS("handshake") || IS("nohandshake"))
		k->no_handshake = w[0] == 'n';
	else if (IS("ipv4") || IS("ipv6"))
		k->ipv6 = w[3] == '6';
	else if (IS("alpn=none") || IS("alpn=ftp") || IS("alpn=http"))
		k->alpn = w[5] == 'n' ? ALPN_NONE : w[5] == 'f' ? ALPN_FTP : ALPN_HTTP;
	else if (IS("sni=none") || IS("sni=ok") || IS("sni=bad"))
		k->sni = w[4] == 'n' ? SNI_NONE : w[4] == 'o' ? SNI_OK : SNI_BAD;
	else if (IS("require=no") || IS("require=logins") || IS("require=all"))
		k->require_tls = w[8] == 'n' ? REQUIRE_TLS_NO : w[8] == 'l' ? REQUIRE_TLS_LOGINS
									    : REQUIRE_TLS_ALL;
#undef IS
}

/* An input may start with a line "#tls WORD..." that sets knobs (for
 * seeds that need one way: the words are those of directive_word()); it
 * is not sent.  Returns its length. */
static size_t directive(const uint8_t *d, size_t n, struct knobs *k)
{
	const uint8_t *lf;
	size_t len, i = 4;

	if (n < 5 || memcmp(d, "#tls", 4) != 0 || (d[4] != ' ' && d[4] != '\r' && d[4] != '\n'))
		return 0;
	lf = memchr(d, '\n', n);
	len = lf ? (size_t)(lf - d) + 1 : n;
	while (i < len) {
		size_t j;

		while (i < len && (d[i] == ' ' || d[i] == '\r' || d[i] == '\n'))
			i++;
		for (j = i; j < len && d[j] != ' ' && d[j] != '\r' && d[j] != '\n'; j++)
			;
		directive_word(k, d + i, j - i);
		i = j;
	}
	return len;
}

/* ---- the client ---- */

enum auth_state { AUTH_WAIT, AUTH_LINE, AUTH_DONE };

struct client {
	int fd;
	struct knobs k;
	const uint8_t *clear;      /* explicit: the clear part */
	size_t clear_len;
	bool own_auth;             /* the input has no AUTH line: send ours */
	const uint8_t *secret;     /* through TLS */
	size_t secret_len;
	bool canary_checked;       /* may the MKD's directory be looked for */
	bool keep_session;         /* warm-up: save the session to resume */

	SSL *ssl;
	bool gone;                 /* the server closed, or failed: stop */
	enum auth_state auth;      /* explicit: the 234 reply */
	unsigned col;              /* clear replies: column in the line */
	char head[4];
	char first[8];             /* the first reply through TLS, its start */
	size_t first_len;
	bool first_done;
	char failure[512];         /* a check failed: the main thread dies */
};

static void fail(struct client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct client *c, const char *fmt, ...)
{
	va_list ap;

	if (c->failure[0])
		return;
	va_start(ap, fmt);
	vsnprintf(c->failure, sizeof(c->failure), fmt, ap);
	va_end(ap);
	c->gone = true;
}

static void show(const char *what, const void *buf, size_t n)
{
	if (!fuzz_verbose)
		return;
	fprintf(stderr, "[client %s %zu bytes]\n", what, n);
	fwrite(buf, 1, n, stderr);
	if (n && ((const char *)buf)[n - 1] != '\n')
		fputc('\n', stderr);
}

/* Wait for events on the connection; 0 when it failed or stalled. */
static short wait_io(struct client *c, short events)
{
	struct pollfd p = {.fd = c->fd, .events = events};
	int r;

	do
		r = poll(&p, 1, STALL_MS);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		fail(c, "the session sent nothing for %d s", STALL_MS / 1000);
	if (r <= 0)
		c->gone = true;
	return r > 0 ? p.revents : 0;
}

/* Clear replies before the handshake: watch for the 234, and for anything
 * after it (the server must say nothing more in clear). */
static void clear_read(struct client *c)
{
	char buf[4096];
	ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
	ssize_t i;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		c->gone = true;
		return;
	}
	show("got in clear", buf, (size_t)n);
	for (i = 0; i < n; i++) {
		if (c->auth == AUTH_DONE) {
			fail(c, "%zd bytes in clear after the 234 reply to AUTH", n - i);
			return;
		}
		if (c->col < 4)
			c->head[c->col] = buf[i];
		if (++c->col == 4 && memcmp(c->head, "234 ", 4) == 0)
			c->auth = AUTH_LINE;
		if (buf[i] == '\n') {
			c->col = 0;
			if (c->auth == AUTH_LINE)
				c->auth = AUTH_DONE;
		}
	}
}

/* Send in clear until done, the 234 came (nothing more may be sent in
 * clear then) or the server went away. */
static void clear_send(struct client *c, const void *buf, size_t len)
{
	const char *p = buf;

	show("sends in clear", buf, len);
	while (len && !c->gone && c->auth != AUTH_DONE) {
		ssize_t n = send(c->fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n < 0 && errno == EAGAIN) {
			if (wait_io(c, POLLIN | POLLOUT) & (POLLIN | POLLHUP | POLLERR))
				clear_read(c);
		} else if (!(n < 0 && errno == EINTR)) {
			c->gone = true;
		}
	}
}

/* Read and drop what TLS has, noting the start of the first reply. */
static void tls_drain(struct client *c)
{
	char buf[16384];

	while (!c->gone) {
		size_t got = 0;

		if (SSL_read_ex(c->ssl, buf, sizeof(buf), &got) == 1) {
			size_t i;

			show("got through TLS", buf, got);
			for (i = 0; i < got && !c->first_done; i++) {
				if (c->first_len < sizeof(c->first))
					c->first[c->first_len++] = buf[i];
				c->first_done = buf[i] == '\n';
			}
			continue;
		}
		switch (SSL_get_error(c->ssl, 0)) {
		case SSL_ERROR_WANT_READ:
		case SSL_ERROR_WANT_WRITE:
			return;
		default:
			/* close_notify, an EOF, a reset or an alert */
			ERR_clear_error();
			c->gone = true;
			return;
		}
	}
}

static void tls_send(struct client *c, const void *buf, size_t len)
{
	const char *p = buf;

	while (len && !c->gone) {
		size_t put = 0;
		short ev;

		if (SSL_write_ex(c->ssl, p, len, &put) == 1) {
			p += put;
			len -= put;
			continue;
		}
		switch (SSL_get_error(c->ssl, 0)) {
		case SSL_ERROR_WANT_WRITE:
			ev = POLLIN | POLLOUT;
			break;
		case SSL_ERROR_WANT_READ:
			ev = POLLIN;
			break;
		default:
			ERR_clear_error();
			c->gone = true;
			return;
		}
		/* the server may be waiting for us to read its replies */
		tls_drain(c);
		if (!c->gone && (wait_io(c, ev) & (POLLIN | POLLHUP | POLLERR)))
			tls_drain(c);
	}
}

/* Read until the first reply through TLS is complete, or the end. */
static void first_reply(struct client *c)
{
	tls_drain(c);
	while (!c->gone && !c->first_done) {
		wait_io(c, POLLIN);
		tls_drain(c);
	}
}

static bool handshake(struct client *c)
{
	static const unsigned char alpn_ftp[] = "\x03" "ftp";
	static const unsigned char alpn_http[] = "\x08" "http/1.1";

	c->ssl = SSL_new(client_ctx);
	if (!c->ssl || SSL_set_fd(c->ssl, c->fd) != 1) {
		fail(c, "client SSL_new/SSL_set_fd failed");
		return false;
	}
	if (c->k.tls12)
		SSL_set_max_proto_version(c->ssl, TLS1_2_VERSION);
	if (c->k.alpn == ALPN_HTTP)
		SSL_set_alpn_protos(c->ssl, alpn_http, sizeof(alpn_http) - 1);
	else if (c->k.alpn == ALPN_FTP)
		SSL_set_alpn_protos(c->ssl, alpn_ftp, sizeof(alpn_ftp) - 1);
	if (c->k.sni == SNI_BAD)
		SSL_set_tlsext_host_name(c->ssl, "www.example");
	else if (c->k.sni == SNI_OK)
		SSL_set_tlsext_host_name(c->ssl, SERVER_NAME);
	if (c->k.resume && saved[c->k.tls12])
		SSL_set_session(c->ssl, saved[c->k.tls12]);
	for (;;) {
		int r = SSL_connect(c->ssl);

		if (r == 1)
			return true;
		switch (SSL_get_error(c->ssl, r)) {
		case SSL_ERROR_WANT_READ:
			wait_io(c, POLLIN);
			break;
		case SSL_ERROR_WANT_WRITE:
			wait_io(c, POLLOUT);
			break;
		default:
			ERR_clear_error();
			c->gone = true;
		}
		if (c->gone)
			return false;
	}
}

/* Explicit: the clear part, the pipelined commands, the 234. */
static bool explicit_auth(struct client *c)
{
	static const char canary[] = CANARY;
	size_t n = (c->own_auth ? 10 : c->clear_len) + sizeof(canary) - 1;
	char *out = malloc(n);

	if (!out) {
		fail(c, "out of memory");
		return false;
	}
	memcpy(out, c->own_auth ? (const void *)"AUTH TLS\r\n" : (const void *)c->clear,
	       n - (sizeof(canary) - 1));
	memcpy(out + n - (sizeof(canary) - 1), canary, sizeof(canary) - 1);
	clear_send(c, out, n);
	free(out);
	while (!c->gone && c->auth != AUTH_DONE)
		if (wait_io(c, POLLIN) & (POLLIN | POLLHUP | POLLERR))
			clear_read(c);
	return c->auth == AUTH_DONE && !c->gone;
}

/* Is the directory the pipelined MKD would make there? */
static bool canary_made(void)
{
	struct stat st;
	char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/" CANARY_DIR, fuzz_env.root);
	return lstat(p, &st) == 0;
}

static void send_secret(struct client *c)
{
	const uint8_t *p = c->secret;
	size_t left = c->secret_len;
	uint64_t r = c->k.rng;

	show("sends through TLS", p, left);
	while (left && !c->gone) {
		size_t n = left;

		if (c->k.split == SPLIT_LINES) {
			const uint8_t *lf = memchr(p, '\n', left);

			if (lf)
				n = (size_t)(lf - p) + 1;
		} else if (c->k.split == SPLIT_SMALL) {
			r ^= r << 13;
			r ^= r >> 7;
			r ^= r << 17;
			n = 1 + r % 16;
			if (n > left)
				n = left;
		}
		tls_send(c, p, n);
		p += n;
		left -= n;
	}
}

static void finish(struct client *c)
{
	if (c->k.bare_eof) {
		shutdown(c->fd, SHUT_WR);
	} else {
		while (!c->gone) {
			int r = SSL_shutdown(c->ssl);

			if (r >= 0)
				break;
			r = SSL_get_error(c->ssl, r);
			if (r != SSL_ERROR_WANT_WRITE && r != SSL_ERROR_WANT_READ) {
				ERR_clear_error();
				break;
			}
			tls_drain(c);
			if (!c->gone)
				wait_io(c, r == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN);
		}
	}
	tls_drain(c);
	while (!c->gone) {
		wait_io(c, POLLIN);
		tls_drain(c);
	}
}

static void client_run(struct client *c)
{

	if (!c->k.implicit && !explicit_auth(c))
		goto out;
	if (c->k.no_handshake)
		goto out;   /* the server's handshake meets an EOF */
	if (!handshake(c))
		goto out;
	if (c->k.implicit) {
		/* the greeting comes through TLS, before anything is sent */
		first_reply(c);
		if (!c->failure[0] && (c->first_len < 3 || memcmp(c->first, "220", 3) != 0))
			fail(c, "implicit TLS: the first reply is '%.*s', not the 220 greeting",
			     (int)c->first_len, c->first);
	} else {
		/* the barrier: what was sent in clear after AUTH was either
		 * dropped, or it ran before this NOOP */
		tls_send(c, "NOOP\r\n", 6);
		first_reply(c);
		if (!c->failure[0] && (c->first_len < 4 || memcmp(c->first, "200 ", 4) != 0))
			fail(c, "the first reply through TLS is '%.*s', not NOOP's 200: the session "
			     "ran what it read in clear after AUTH TLS", (int)c->first_len, c->first);
		else if (!c->failure[0] && c->canary_checked && canary_made())
			fail(c, "/" CANARY_DIR " exists: the session ran the MKD pipelined in clear "
			     "after AUTH TLS");
	}
	if (c->failure[0])
		goto out;
	/* TLS 1.3 tickets came before the first reply */
	if (c->keep_session && !saved[c->k.tls12])
		saved[c->k.tls12] = SSL_get1_session(c->ssl);
	if (fuzz_verbose)
		fprintf(stderr, "[client: %s, session %s]\n", SSL_get_version(c->ssl),
			SSL_session_reused(c->ssl) ? "resumed" : "new");
	send_secret(c);
	finish(c);
out:
	if (c->ssl)
		SSL_free(c->ssl);
	ERR_clear_error();
	close(c->fd);
}

/* The client runs in one thread for all inputs (a thread per input cost
 * more than a third of the time): start says a session has begun, done
 * that the client closed its end. */
static struct client client;
static sem_t start, done;

static void *client_thread(void *arg)
{
	(void)arg;
	for (;;) {
		while (sem_wait(&start) < 0)
			;
		client_run(&client);
		sem_post(&done);
	}
	return NULL;
}

/* ---- the server ---- */

/* Where the input's clear part ends: after its first line that starts
 * with AUTH; 0 when none does. */
static size_t clear_end(const uint8_t *d, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const uint8_t *lf;

		if (n - i >= 4 && (d[i] | 0x20) == 'a' && (d[i + 1] | 0x20) == 'u' &&
		    (d[i + 2] | 0x20) == 't' && (d[i + 3] | 0x20) == 'h') {
			lf = memchr(d + i, '\n', n - i);
			return lf ? (size_t)(lf - d) + 1 : n;
		}
		lf = memchr(d + i, '\n', n - i);
		if (!lf)
			break;
		i = (size_t)(lf - d) + 1;
	}
	return 0;
}

/* Does the clear part hold the canary's name, or a byte that Telnet could
 * hide it behind?  Then it may make that directory itself. */
static bool may_make_canary(const uint8_t *d, size_t n)
{
	return memchr(d, 0xff, n) != NULL || memmem(d, n, CANARY_DIR, strlen(CANARY_DIR));
}

static void addresses(struct activation *a, bool ipv6)
{
	struct sockaddr_storage peer;
	socklen_t peer_len;

	memset(&peer, 0, sizeof(peer));
	if (ipv6) {
		struct sockaddr_in6 *l = (struct sockaddr_in6 *)&a->local_sa;
		struct sockaddr_in6 *p = (struct sockaddr_in6 *)&peer;

		l->sin6_family = p->sin6_family = AF_INET6;
		l->sin6_addr = p->sin6_addr = in6addr_loopback;
		l->sin6_port = htons(21);
		p->sin6_port = htons(40000);
		a->local_len = peer_len = sizeof(*l);
	} else {
		struct sockaddr_in *l = (struct sockaddr_in *)&a->local_sa;
		struct sockaddr_in *p = (struct sockaddr_in *)&peer;

		l->sin_family = p->sin_family = AF_INET;
		l->sin_addr.s_addr = p->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		l->sin_port = htons(21);
		p->sin_port = htons(40000);
		a->local_len = peer_len = sizeof(*l);
	}
	endpoint_from_sockaddr(&a->local, (const struct sockaddr *)&a->local_sa, a->local_len);
	endpoint_from_sockaddr(&a->peer, (const struct sockaddr *)&peer, peer_len);
}

/* One session with the client running the input as k says.  warm: a
 * session of Initialize's, before the descriptors are checked. */
static void one_session(const struct knobs *k, const uint8_t *data, size_t size, bool warm)
{
	static struct session s;
	struct client *c = &client;
	uint64_t before = fuzz_fds_open();
	struct activation a;
	size_t end = k->implicit ? 0 : clear_end(data, size);
	int sv[2];

	if (fuzz_verbose)
		fprintf(stderr, "[%s, %s, TLS %s%s%s, ALPN %s, SNI %s, %s, %s, require-tls %s]\n",
			k->implicit ? "implicit" : end ? "explicit, the input's AUTH line"
			: "explicit, AUTH TLS of the harness",
			k->split == SPLIT_WHOLE ? "one write" : k->split == SPLIT_LINES
			? "a write per line" : "small writes", k->tls12 ? "1.2" : "1.3",
			k->resume ? " resuming" : "", k->no_handshake ? ", no handshake" : "",
			k->alpn == ALPN_HTTP ? "http/1.1" : k->alpn == ALPN_FTP ? "ftp" : "none",
			k->sni == SNI_BAD ? "www.example" : k->sni == SNI_OK ? SERVER_NAME : "none",
			k->ipv6 ? "IPv6" : "IPv4", k->bare_eof ? "bare EOF" : "close_notify",
			k->require_tls == REQUIRE_TLS_ALL ? "all"
			: k->require_tls == REQUIRE_TLS_LOGINS ? "logins" : "no");
	/* the server's end as inetd hands it over; the client's never blocks */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
	    fcntl(sv[1], F_SETFL, O_NONBLOCK) < 0)
		fuzz_die("socketpair: %s", strerror(errno));
	memset(c, 0, sizeof(*c));
	c->fd = sv[1];
	c->k = *k;
	c->clear = data;
	c->clear_len = end;
	c->own_auth = end == 0;
	c->secret = data + end;
	c->secret_len = size - end;
	c->canary_checked = !may_make_canary(data, end);
	c->keep_session = warm;
	sem_post(&start);

	memset(&a, 0, sizeof(a));
	a.mode = ACTIVATION_INETD;
	a.in_fd = a.out_fd = sv[0];
	addresses(&a, k->ipv6);
	cfg.tls_implicit = k->implicit;
	cfg.require_tls = k->require_tls;
	memset(&s, 0, sizeof(s));
	session_init(&s, &cfg, &held, &a);
	session_run(&s);  /* closes sv[0] */

	while (sem_wait(&done) < 0)
		;
	if (c->failure[0])
		fuzz_die("%s", c->failure);
	fuzz_env_check(warm ? ~(uint64_t)0 : before);
}

/* The test certificate and key: ECDSA P-256, self-signed, for SERVER_NAME,
 * valid from yesterday for ten years. */
static void make_pair(const char *cert, const char *key)
{
	EVP_PKEY *pk = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *name;
	FILE *f;
	int ok;

	if (!pk || !x)
		fuzz_die("setup: cannot make a key");
	name = X509_get_subject_name(x);
	ok = X509_set_version(x, 2) && ASN1_INTEGER_set(X509_get_serialNumber(x), 1) &&
	     X509_gmtime_adj(X509_getm_notBefore(x), -86400) &&
	     X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 3650) && X509_set_pubkey(x, pk) &&
	     X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					(const unsigned char *)SERVER_NAME, -1, -1, 0) &&
	     X509_set_issuer_name(x, name) && X509_sign(x, pk, EVP_sha256()) > 0;
	if (!ok)
		fuzz_die("setup: cannot make a certificate");
	f = fopen(cert, "we");
	if (!f || !PEM_write_X509(f, x) || fclose(f) != 0)
		fuzz_die("setup: write %s: %s", cert, strerror(errno));
	f = fopen(key, "we");
	if (!f || !PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL) || fclose(f) != 0)
		fuzz_die("setup: write %s: %s", key, strerror(errno));
	X509_free(x);
	EVP_PKEY_free(pk);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const uint8_t quit[] = "QUIT\r\n";
	/* cfg keeps pointing at them: only tls_setup() reads the files */
	static char cert[PATH_MAX + 16], key[PATH_MAX + 16];
	const char *tmp = getenv("TMPDIR");
	char dir[PATH_MAX], err[512];
	struct knobs k;
	pthread_t th;
	int e;

	fuzz_env_init(argc, argv, "fuzz_session_tls", &cfg, FUZZ_REFUSE_CONNECT);

	snprintf(dir, sizeof(dir), "%s/sockftpd-fuzz-tls.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		fuzz_die("setup: mkdtemp %s: %s", dir, strerror(errno));
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	make_pair(cert, key);
	cfg.tls_cert = cert;
	cfg.tls_key = key;
	cfg.tls_sni = SERVER_NAME;
	/* the client always ends the session itself: the timeouts are only a
	 * safety net, long enough that a loaded machine does not reach them
	 * (a 421 would come before the NOOP's 200) */
	cfg.login_timeout = 10;
	cfg.idle_timeout = 5;
	held.tls = tls_setup(&cfg, err, sizeof(err));
	unlink(cert);
	unlink(key);
	rmdir(dir);
	if (!held.tls)
		fuzz_die("setup: tls_setup: %s", err);

	client_ctx = SSL_CTX_new(TLS_client_method());
	if (!client_ctx)
		fuzz_die("setup: client SSL_CTX_new failed");
	SSL_CTX_set_verify(client_ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_session_cache_mode(client_ctx, SSL_SESS_CACHE_OFF);
	if (sem_init(&start, 0, 0) < 0 || sem_init(&done, 0, 0) < 0)
		fuzz_die("setup: sem_init: %s", strerror(errno));
	e = pthread_create(&th, NULL, client_thread, NULL);
	if (e)
		fuzz_die("setup: pthread_create: %s", strerror(e));

	/* What OpenSSL sets up at its first handshakes is not a session's
	 * descriptor or leak: one session of each kind before the checks. */
	memset(&k, 0, sizeof(k));
	k.rng = 1;
	one_session(&k, quit, sizeof(quit) - 1, true);
	k.implicit = k.tls12 = true;
	one_session(&k, quit, sizeof(quit) - 1, true);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct knobs k = knobs_of(data, size);
	size_t skip = directive(data, size, &k);

	one_session(&k, data + skip, size - skip, false);
	return 0;
}
