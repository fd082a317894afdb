/* dlsym.h - a function of a dlopen()ed library, into a typed pointer (the
 * object-to-function pointer conversion through memcpy keeps ISO C quiet).
 * Used by sdlib.c, ssllib.c and auth.c, which load their libraries only
 * when a session needs them. */
#ifndef SOCKFTPD_DLSYM_H
#define SOCKFTPD_DLSYM_H

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* 0, or -1 with "LIB: no symbol NAME" in err. */
static inline int dl_function(void *h, const char *lib, const char *name, void *fnptr,
			      size_t size, char *err, size_t errcap)
{
	void *p = dlsym(h, name);

	if (!p) {
		snprintf(err, errcap, "%s: no symbol %s", lib, name);
		return -1;
	}
	memcpy(fnptr, &p, size);
	return 0;
}

#endif
