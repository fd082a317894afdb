/* sdlib.h - libsystemd, loaded only when it is needed.
 *
 * Linking libsystemd makes every process pay for loading it and its own
 * libraries (about 0.8 M instructions before main) even in inetd and pipe
 * mode, where nothing of it is used.  sockftpd compiles against libsystemd's
 * headers and dlopen()s libsystemd.so.0 the first time a socket-activated
 * start or a journal line needs it. */
#ifndef SOCKFTPD_SDLIB_H
#define SOCKFTPD_SDLIB_H

#include <sys/uio.h>

struct sdlib {
	int (*listen_fds)(int unset_environment);
	int (*is_socket)(int fd, int family, int type, int listening);
	int (*journal_sendv)(const struct iovec *iov, int n);
};

/* The loaded library, or NULL (with a reason from sdlib_error()). */
const struct sdlib *sdlib_get(void);
const char *sdlib_error(void);

#endif
