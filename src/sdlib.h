/* sdlib.h - libsystemd where sockftpd needs it, and no longer.
 *
 * sd_listen_fds(3) and sd_is_socket(3) come from libsystemd itself, so that
 * the checks of LISTEN_PID, the descriptors and the variables are exactly
 * systemd's.  But libsystemd.so.0 brings libgcrypt, libgpg-error, liblzma,
 * libzstd, liblz4 and libcap with it: about 0.8 M instructions to load and
 * some 150 KiB of memory per process, which an idle session would keep for
 * nothing.  So it is dlopen()ed for that one call at start-up
 * and dlclose()d right after it (see docs/PERFORMANCE.md); inetd and pipe
 * sessions never load it.  (Journal lines need no library either: log.c
 * speaks the journal's native protocol.) */
#ifndef SOCKFTPD_SDLIB_H
#define SOCKFTPD_SDLIB_H

/* What systemd passed, as libsystemd sees it. */
struct sdlib_fds {
	int n;          /* sd_listen_fds(1): how many descriptors, from 3 on */
	int connected;  /* when n == 1: sd_is_socket(3, AF_UNSPEC, SOCK_STREAM, 0) */
	int listening_all; /* 1 when each of the n is a listening stream socket */
};

/* Load libsystemd, ask it (unsetting the LISTEN_* variables), unload it.
 * 0, or -1 when the library cannot be loaded (the reason in sdlib_error());
 * a negative errno from sd_listen_fds() comes back in fds->n. */
int sdlib_listen_fds(struct sdlib_fds *fds);

const char *sdlib_error(void);

#endif
