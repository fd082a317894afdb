/* sdlib.c - load libsystemd on first use. */
#include "sdlib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

#ifndef SDLIB_SONAME
#define SDLIB_SONAME "libsystemd.so.0"
#endif

static struct sdlib lib;
static int state; /* 0 not tried, 1 loaded, -1 failed */
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

const struct sdlib *sdlib_get(void)
{
	void *h;

	if (state)
		return state > 0 ? &lib : NULL;
	state = -1;
	h = dlopen(SDLIB_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		snprintf(error, sizeof(error), "%s", e ? e : "cannot load " SDLIB_SONAME);
		return NULL;
	}
	if (sym(h, "sd_listen_fds", &lib.listen_fds, sizeof(lib.listen_fds)) < 0 ||
	    sym(h, "sd_is_socket", &lib.is_socket, sizeof(lib.is_socket)) < 0 ||
	    sym(h, "sd_journal_sendv", &lib.journal_sendv, sizeof(lib.journal_sendv)) < 0)
		return NULL;
	/* The prototypes must match the headers we compiled against. */
	{
		__typeof__(&sd_listen_fds) a = lib.listen_fds;
		__typeof__(&sd_is_socket) b = lib.is_socket;
		__typeof__(&sd_journal_sendv) c = lib.journal_sendv;
		(void)a; (void)b; (void)c;
	}
	state = 1;
	return &lib;
}

const char *sdlib_error(void)
{
	return error[0] ? error : "libsystemd not loaded";
}
