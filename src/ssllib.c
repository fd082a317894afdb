/* ssllib.c - load OpenSSL on first use. */
#include "ssllib.h"

#include "dlsym.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#ifndef LIBSSL_SONAME
#define LIBSSL_SONAME "libssl.so.3"
#endif

static struct ssllib lib;
static int state; /* 0 not tried, 1 loaded, -1 failed */
static char error[256];

static int sym(void *h, const char *name, void *fnptr, size_t size)
{
	return dl_function(h, LIBSSL_SONAME, name, fnptr, size, error, sizeof(error));
}

const struct ssllib *ssllib_get(void)
{
	void *h;

	if (state)
		return state > 0 ? &lib : NULL;
	state = -1;
	h = dlopen(LIBSSL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();

		snprintf(error, sizeof(error), "%s", e ? e : "cannot load " LIBSSL_SONAME);
		return NULL;
	}
#define SSLLIB_RESOLVE(name) \
	if (sym(h, #name, &lib.name, sizeof(lib.name)) < 0) \
		return NULL;
	SSLLIB_FUNCTIONS(SSLLIB_RESOLVE)
#undef SSLLIB_RESOLVE
	state = 1;
	return &lib;
}

const char *ssllib_error(void)
{
	return error[0] ? error : "OpenSSL not loaded";
}
