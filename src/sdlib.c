/* sdlib.c - sd_listen_fds() through libsystemd, loaded for the call only;
 * journal lines by systemd's native protocol. */
#include "sdlib.h"

#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#ifndef SDLIB_SONAME
#define SDLIB_SONAME "libsystemd.so.0"
#endif

#define JOURNAL_SOCKET "/run/systemd/journal/socket"

static char error[256];

/* Object-to-function pointer conversion through memcpy keeps ISO C quiet. */
static int sym(void *h, const char *name, void *fnptr, size_t size)
{
	void *p = dlsym(h, name);

	if (!p) {
		snprintf(error, sizeof(error), "%s: no symbol %s", SDLIB_SONAME, name);
		return -1;
	}
	memcpy(fnptr, &p, size);
	return 0;
}

int sdlib_listen_fds(struct sdlib_fds *fds)
{
	/* the prototypes are the headers' own */
	__typeof__(&sd_listen_fds) listen_fds;
	__typeof__(&sd_is_socket) is_socket;
	void *h;

	memset(fds, 0, sizeof(*fds));
	h = dlopen(SDLIB_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();

		snprintf(error, sizeof(error), "%s", e ? e : "cannot load " SDLIB_SONAME);
		return -1;
	}
	if (sym(h, "sd_listen_fds", &listen_fds, sizeof(listen_fds)) < 0 ||
	    sym(h, "sd_is_socket", &is_socket, sizeof(is_socket)) < 0) {
		dlclose(h);
		return -1;
	}
	fds->n = listen_fds(1);
	if (fds->n == 1) {
		fds->listening = is_socket(SD_LISTEN_FDS_START, AF_UNSPEC, SOCK_STREAM, 1);
		fds->connected = is_socket(SD_LISTEN_FDS_START, AF_UNSPEC, SOCK_STREAM, 0);
	}
	/* Nothing of libsystemd is used after this: unmap it and the six
	 * libraries it brought (nothing of theirs stays referenced either). */
	dlclose(h);
	return 0;
}

/* ---------------------------------------------------------------- journal */

static int journal_fd = -1;

/* One datagram; each field "NAME=value\n", or, when the value holds a
 * newline, "NAME\n" + its length (64 bits, little-endian) + value + "\n". */
static int journal_sendv(const struct iovec *iov, int n)
{
	static const char nl = '\n';
	struct iovec w[SDLIB_JOURNAL_FIELDS * 4];
	unsigned char lens[SDLIB_JOURNAL_FIELDS][8];
	struct sockaddr_un sa;
	struct msghdr mh;
	size_t k = 0;
	int i;

	if (n <= 0 || n > SDLIB_JOURNAL_FIELDS)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		const char *f = iov[i].iov_base;
		size_t len = iov[i].iov_len;
		const char *eq = memchr(f, '=', len);
		size_t name_len, value_len;
		uint64_t v;
		int b;

		if (!eq || eq == f)
			return -EINVAL;
		name_len = (size_t)(eq - f);
		value_len = len - name_len - 1;
		if (!memchr(eq + 1, '\n', value_len)) {
			w[k].iov_base = (void *)f;
			w[k++].iov_len = len;
		} else {
			v = value_len;
			for (b = 0; b < 8; b++)
				lens[i][b] = (unsigned char)(v >> (8 * b));
			w[k].iov_base = (void *)f;
			w[k++].iov_len = name_len;
			w[k].iov_base = (void *)&nl;
			w[k++].iov_len = 1;
			w[k].iov_base = lens[i];
			w[k++].iov_len = 8;
			w[k].iov_base = (void *)(eq + 1);
			w[k++].iov_len = value_len;
		}
		w[k].iov_base = (void *)&nl;
		w[k++].iov_len = 1;
	}
	if (journal_fd < 0) {
		journal_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (journal_fd < 0)
			return -errno;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, JOURNAL_SOCKET, sizeof(JOURNAL_SOCKET));
	memset(&mh, 0, sizeof(mh));
	mh.msg_name = &sa;
	mh.msg_namelen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + sizeof(JOURNAL_SOCKET));
	mh.msg_iov = w;
	mh.msg_iovlen = k;
	if (sendmsg(journal_fd, &mh, MSG_NOSIGNAL) >= 0)
		return 0;
	return -errno;
}

static const struct sdlib lib = {journal_sendv};

const struct sdlib *sdlib_get(void)
{
	return &lib;
}

const char *sdlib_error(void)
{
	return error[0] ? error : "libsystemd not loaded";
}
