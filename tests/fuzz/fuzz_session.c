/* fuzz_session.c - libFuzzer target for a whole control session: the input
 * is what a client sends, run through session_init() + session_run() as a
 * pipe session (ACTIVATION_PIPE, like `sockftpd < input`), once per input,
 * all in one process.
 *
 * The tree, the users (USER fuzz / PASS fuzzpass read-write, or USER
 * anonymous read-only) and the checks after every session (no descriptor
 * left open, working directory unchanged, nothing outside the root opened
 * or changed) are fuzz_common.c's.  Pipe sessions have no data connections
 * (PASV/PORT answer 425), so RETR, STOR, LIST... stop at "425 Use PORT,
 * PASV..." after resolving their path; STAT PATH lists over the control
 * connection.
 *
 * With SOCKFTPD_FUZZ_NO_OPENAT2=1 in the environment, openat2() fails with
 * ENOSYS in the whole process (a seccomp filter), so vfs.c resolves paths
 * with its user-space walk instead: the same checks then apply to it.
 *
 * With SOCKFTPD_FUZZ_VERBOSE=1 in the environment the server's log lines
 * and the replies go to stderr: for looking at one input. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "activation.h"
#include "fuzz_common.h"
#include "session.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct config cfg;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_env_init(argc, argv, "fuzz_session", &cfg, 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct held held = HELD_NONE;
	static struct session s;
	struct activation a;
	size_t off = 0;
	uint64_t before = fuzz_fds_open();
	int in, out;

	in = memfd_create("ftp-input", MFD_CLOEXEC);
	if (in < 0)
		fuzz_die("memfd_create: %s", strerror(errno));
	while (off < size) {
		ssize_t w = write(in, data + off, size - off);

		if (w < 0)
			fuzz_die("write to memfd: %s", strerror(errno));
		off += (size_t)w;
	}
	if (lseek(in, 0, SEEK_SET) != 0)
		fuzz_die("lseek: %s", strerror(errno));
	out = fuzz_verbose ? fcntl(2, F_DUPFD_CLOEXEC, 0)
			   : open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (out < 0)
		fuzz_die("/dev/null: %s", strerror(errno));

	memset(&a, 0, sizeof(a));
	a.mode = ACTIVATION_PIPE;
	a.in_fd = in;
	a.out_fd = out;
	snprintf(a.peer.addr, sizeof(a.peer.addr), "stdin");
	snprintf(a.local.addr, sizeof(a.local.addr), "stdout");
	memset(&s, 0, sizeof(s));
	session_init(&s, &cfg, &held, &a);
	session_run(&s);  /* closes in and out */

	fuzz_env_check(before);
	return 0;
}
