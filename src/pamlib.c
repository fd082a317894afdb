/* pamlib.c - load libpam on first use. */
#include "pamlib.h"

#include "dlsym.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#ifndef LIBPAM_SONAME
#define LIBPAM_SONAME "libpam.so.0"
#endif

static struct pamlib lib;
static int state; /* 0 not tried, 1 loaded, -1 failed */
static char error[256];

static int sym(void *h, const char *name, void *fnptr, size_t size)
{
	return dl_function(h, LIBPAM_SONAME, name, fnptr, size, error, sizeof(error));
}

const struct pamlib *pamlib_get(void)
{
	void *h;

	if (state)
		return state > 0 ? &lib : NULL;
	state = -1;
	h = dlopen(LIBPAM_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();

		snprintf(error, sizeof(error), "%s", e ? e : "cannot load " LIBPAM_SONAME);
		return NULL;
	}
#define PAMLIB_RESOLVE(name) \
	if (sym(h, #name, &lib.name, sizeof(lib.name)) < 0) \
		return NULL;
	PAMLIB_FUNCTIONS(PAMLIB_RESOLVE)
#undef PAMLIB_RESOLVE
	state = 1;
	return &lib;
}

const char *pamlib_error(void)
{
	return error[0] ? error : "libpam not loaded";
}
