/* sdlib.c - sd_listen_fds() through libsystemd, loaded for the call only. */
#include "sdlib.h"

#include "dlsym.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>

#ifndef SDLIB_SONAME
#define SDLIB_SONAME "libsystemd.so.0"
#endif

static char error[256];

static int sym(void *h, const char *name, void *fnptr, size_t size)
{
	return dl_function(h, SDLIB_SONAME, name, fnptr, size, error, sizeof(error));
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
	fds->listening_all = fds->n > 0;
	for (int i = 0; i < fds->n; i++)
		if (is_socket(SD_LISTEN_FDS_START + i, AF_UNSPEC, SOCK_STREAM, 1) <= 0)
			fds->listening_all = 0;
	if (fds->n == 1) {
		fds->connected = is_socket(SD_LISTEN_FDS_START, AF_UNSPEC, SOCK_STREAM, 0);
	}
	/* Nothing of libsystemd is used after this: unmap it and the six
	 * libraries it brought (nothing of theirs stays referenced either). */
	dlclose(h);
	return 0;
}

const char *sdlib_error(void)
{
	return error[0] ? error : "libsystemd not loaded";
}
