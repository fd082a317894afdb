/* fuzz_common.h - what the whole-session fuzz targets (fuzz_session,
 * fuzz_session_tls) share: the tree the sessions serve, the configuration,
 * and the checks after every session.
 *
 * fuzz_env_init() makes, once, under $TMPDIR (default /tmp):
 *
 *   sockftpd-fuzz.XXXXXX/
 *     users        fuzz:<sha512crypt of "fuzzpass">:<root>:rw
 *     outside/     a canary the sessions must never reach
 *     root/        the FTP root (also the --anonymous root, read-only)
 *
 * so an input can log in with "USER fuzz" / "PASS fuzzpass" (read-write) or
 * "USER anonymous" (read-only).  It is removed at exit.
 *
 * fuzz_env_check() after every session aborts (a crash for libFuzzer) when:
 *   - a file descriptor the session opened is still open;
 *   - the process's working directory changed;
 *   - something outside root/ was opened or changed (inotify on outside/,
 *     on the users file and on the temporary directory itself).
 * When the session changed the tree (MKD, DELE, RNTO, SITE CHMOD, STOU...),
 * inotify says so and the tree is rebuilt, so every input starts from the
 * same files.
 *
 * The server logs to stderr.  To keep libFuzzer's output readable
 * fuzz_env_init() adds -close_fd_mask=2 to the command line (libFuzzer then
 * keeps its own and the sanitizers' reports on a duplicate of stderr and
 * points fd 2 at /dev/null), unless a -close_fd_mask is given or
 * SOCKFTPD_FUZZ_VERBOSE is set (fuzz_verbose). */
#ifndef SOCKFTPD_FUZZ_COMMON_H
#define SOCKFTPD_FUZZ_COMMON_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "options.h"

#define FUZZ_USER "fuzz"
#define FUZZ_PASS "fuzzpass"

struct fuzz_env {
	char base[PATH_MAX];     /* the temporary directory */
	char root[PATH_MAX];     /* the FTP root */
	char users[PATH_MAX];
	char outside[PATH_MAX];
};

extern struct fuzz_env fuzz_env;
extern bool fuzz_verbose;        /* SOCKFTPD_FUZZ_VERBOSE: log (and replies) on stderr */

/* A failed check: say why on the sanitizers' report descriptor (stderr may
 * be /dev/null, see above), prefixed with the target's name, then abort so
 * that libFuzzer saves the input. */
void fuzz_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Extra system calls to refuse in the whole process (seccomp). */
enum {
	FUZZ_REFUSE_CONNECT = 1,  /* connect() fails with ENETUNREACH */
};

/* Once, from LLVMFuzzerInitialize: the tree, the users file, the watches,
 * the log on stderr, SIGPIPE ignored, and cfg at the defaults with the
 * tree's roots and short timeouts (idle 1 s, data 0, no login delay).
 * name prefixes the messages.  With SOCKFTPD_FUZZ_NO_OPENAT2=1 in the
 * environment, openat2() fails with ENOSYS in the whole process, so vfs.c
 * resolves paths with its user-space walk; refuse adds FUZZ_REFUSE_*. */
void fuzz_env_init(int *argc, char ***argv, const char *name, struct config *cfg,
		   unsigned refuse);

/* Which of the descriptors 0-63 are open: taken before a session, given to
 * fuzz_env_check() after it. */
uint64_t fuzz_fds_open(void);

/* The checks above, after a session (all its descriptors closed). */
void fuzz_env_check(uint64_t fds_before);

#endif
