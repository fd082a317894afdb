/* pamlib.h - Linux-PAM, loaded only when a login goes through it.
 *
 * sockftpd compiles against libpam's headers and dlopen()s libpam.so.0 in
 * the PAM process (pamlogin.c), which the monitor forks for a login
 * attempt when --pam is set: no other process, and no start without
 * --pam, maps libpam or the modules it loads.  The functions used are one
 * table, PAMLIB_FUNCTIONS, each resolved by name and checked against the
 * header's prototype. */
#ifndef SOCKFTPD_PAMLIB_H
#define SOCKFTPD_PAMLIB_H

#include <security/pam_appl.h>

#define PAMLIB_FUNCTIONS(X) \
	X(pam_start) \
	X(pam_end) \
	X(pam_set_item) \
	X(pam_get_item) \
	X(pam_authenticate) \
	X(pam_acct_mgmt) \
	X(pam_setcred) \
	X(pam_open_session) \
	X(pam_close_session) \
	X(pam_strerror)

struct pamlib {
#define PAMLIB_MEMBER(name) __typeof__(&name) name;
	PAMLIB_FUNCTIONS(PAMLIB_MEMBER)
#undef PAMLIB_MEMBER
};

/* The loaded library, or NULL (with a reason from pamlib_error()). */
const struct pamlib *pamlib_get(void);
const char *pamlib_error(void);

#endif
