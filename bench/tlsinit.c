/* tlsinit.c - where the start-up time of a TLS-configured sockftpd goes,
 * natively: the steps tls_setup() takes, each timed (CPU time of the
 * process, user + system) and its page faults counted, in N fresh
 * processes (fork, then every step from a process that has not loaded
 * OpenSSL), averaged.  The steps: dlopen("libssl.so.3") (which brings
 * libcrypto), OPENSSL_init_ssl(OPTS), SSL_CTX_new, the certificate chain,
 * the private key, the pair and expiry checks, SSL_CTX_free.
 *
 *   cc -O2 bench/tlsinit.c -o tlsinit -ldl
 *   ./tlsinit N CERT KEY [OPTS]     (OPTS: OPENSSL_init_ssl's, default 0;
 *                                    e.g. 0x80000 OPENSSL_INIT_NO_ATEXIT)
 *
 * Not part of the build: a measuring tool for docs/PERFORMANCE.md. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <openssl/ssl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STEPS 7

static const char *names[STEPS] = {
	"dlopen libssl.so.3", "OPENSSL_init_ssl", "SSL_CTX_new", "certificate chain",
	"private key", "check pair, expiry", "SSL_CTX_free",
};

static double cpu(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double faults(void)
{
	struct rusage r;

	getrusage(RUSAGE_SELF, &r);
	return (double)(r.ru_minflt + r.ru_majflt);
}

static void *sym(void *h, const char *name)
{
	void *p = dlsym(h, name);

	if (!p) {
		fprintf(stderr, "tlsinit: no %s\n", name);
		_exit(3);
	}
	return p;
}

/* One fresh process's steps: 2 * STEPS doubles (seconds, then faults). */
static void child(const char *cert, const char *key, uint64_t opts, int out)
{
	double c[STEPS + 1], f[STEPS + 1], d[2 * STEPS];
	int k = 0, j;
	void *h;
	int (*init)(uint64_t, const OPENSSL_INIT_SETTINGS *);
	const SSL_METHOD *(*method)(void);
	SSL_CTX *(*ctx_new)(const SSL_METHOD *);
	int (*chain)(SSL_CTX *, const char *);
	int (*pkey)(SSL_CTX *, const char *, int);
	int (*check)(const SSL_CTX *);
	X509 *(*cert0)(const SSL_CTX *);
	const ASN1_TIME *(*not_after)(const X509 *);
	int (*cmp_now)(const ASN1_TIME *);
	void (*ctx_free)(SSL_CTX *);
	SSL_CTX *ctx;

#define MARK() (f[k] = faults(), c[k++] = cpu())
	MARK();
	h = dlopen("libssl.so.3", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		_exit(2);
	*(void **)&init = sym(h, "OPENSSL_init_ssl");
	*(void **)&method = sym(h, "TLS_server_method");
	*(void **)&ctx_new = sym(h, "SSL_CTX_new");
	*(void **)&chain = sym(h, "SSL_CTX_use_certificate_chain_file");
	*(void **)&pkey = sym(h, "SSL_CTX_use_PrivateKey_file");
	*(void **)&check = sym(h, "SSL_CTX_check_private_key");
	*(void **)&cert0 = sym(h, "SSL_CTX_get0_certificate");
	*(void **)&not_after = sym(h, "X509_get0_notAfter");
	*(void **)&cmp_now = sym(h, "X509_cmp_current_time");
	*(void **)&ctx_free = sym(h, "SSL_CTX_free");
	MARK();
	if (init(opts, NULL) != 1)
		_exit(4);
	MARK();
	ctx = ctx_new(method());
	if (!ctx)
		_exit(5);
	MARK();
	if (chain(ctx, cert) != 1)
		_exit(6);
	MARK();
	if (pkey(ctx, key, SSL_FILETYPE_PEM) != 1)
		_exit(7);
	MARK();
	if (check(ctx) != 1 || cmp_now(not_after(cert0(ctx))) <= 0)
		_exit(8);
	MARK();
	ctx_free(ctx);
	MARK();
	for (j = 0; j < STEPS; j++) {
		d[j] = c[j + 1] - c[j];
		d[STEPS + j] = f[j + 1] - f[j];
	}
	if (write(out, d, sizeof(d)) != (ssize_t)sizeof(d))
		_exit(9);
	_exit(0);
}

int main(int argc, char *argv[])
{
	double tot[2 * STEPS] = {0}, all = 0, allf = 0;
	uint64_t opts;
	int n, i, j;

	if (argc < 4) {
		fprintf(stderr, "usage: tlsinit N CERT KEY [OPTS]\n");
		return 2;
	}
	n = atoi(argv[1]);
	opts = argc > 4 ? strtoull(argv[4], NULL, 0) : 0;
	for (i = 0; i < n; i++) {
		double d[2 * STEPS];
		int p[2], status;
		pid_t pid;

		if (pipe(p) < 0 || (pid = fork()) < 0)
			return 1;
		if (pid == 0) {
			close(p[0]);
			child(argv[2], argv[3], opts, p[1]);
		}
		close(p[1]);
		if (read(p[0], d, sizeof(d)) != (ssize_t)sizeof(d)) {
			waitpid(pid, &status, 0);
			fprintf(stderr, "tlsinit: a step failed (exit %d)\n", WEXITSTATUS(status));
			return 1;
		}
		close(p[0]);
		waitpid(pid, &status, 0);
		for (j = 0; j < 2 * STEPS; j++)
			tot[j] += d[j];
	}
	for (j = 0; j < STEPS; j++) {
		printf("%-20s %7.3f ms %6.0f page faults\n", names[j], tot[j] / n * 1e3,
		       tot[STEPS + j] / n);
		all += tot[j];
		allf += tot[STEPS + j];
	}
	printf("%-20s %7.3f ms %6.0f page faults\n", "total", all / n * 1e3, allf / n);
	return 0;
}
