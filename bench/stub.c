/* stub.c - the do-nothing FTP "session" bench/sessions.py compares sockftpd
 * with: find the connection, greet, read one line, answer 221, exit.  It
 * does no option parsing, no sandbox, no logging: what is left is the cost
 * of starting a process (and, built with -DWITH_LIBSYSTEMD, of linking
 * libsystemd and calling sd_listen_fds(), as the design asks sockftpd to).
 *
 *   cc -O2 -DWITH_LIBSYSTEMD stub.c -o stub-libsystemd -lsystemd
 *   cc -O2 stub.c -o stub-libc
 *
 * Not part of the build: bench/sessions.py compiles it. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef WITH_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

static const char greeting[] = "220 Service ready for new user.\r\n";
static const char bye[] = "221 Service closing control connection.\r\n";

int main(void)
{
	char buf[512];
	int in = 0, out = 1;
	ssize_t n;

#ifdef WITH_LIBSYSTEMD
	if (sd_listen_fds(1) == 1)
		in = out = SD_LISTEN_FDS_START;
#else
	if (getenv("LISTEN_FDS") && strcmp(getenv("LISTEN_FDS"), "1") == 0) {
		unsetenv("LISTEN_FDS");
		unsetenv("LISTEN_PID");
		unsetenv("LISTEN_FDNAMES");
		in = out = 3;
	}
#endif
	if (write(out, greeting, sizeof(greeting) - 1) < 0)
		return 0;
	/* one command line, whatever it is (the benchmark sends QUIT) */
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (memchr(buf, '\n', (size_t)n))
			break;
	if (n > 0 && write(out, bye, sizeof(bye) - 1) < 0)
		return 0;
	return 0;
}
