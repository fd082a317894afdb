/* Messages with a descriptor over a SOCK_SEQPACKET socketpair: one at
 * most, and nothing longer than the buffer. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

#include "fdpass.h"

static int sv[2];

static void pair(void)
{
	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
}

static void unpair(void)
{
	close(sv[0]);
	close(sv[1]);
}

TestSuite(fdpass, .init = pair, .fini = unpair);

#include <dirent.h>

/* How many descriptors this process has open. */
static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	cr_assert_not_null(d);
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

Test(fdpass, a_message_and_a_descriptor)
{
	int p[2], fd;
	char buf[16];

	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	cr_assert_eq(fdpass_send(sv[0], "hello", 5, p[0]), 0);
	cr_assert_eq(fdpass_recv(sv[1], buf, sizeof(buf), &fd), 5);
	cr_assert_eq(memcmp(buf, "hello", 5), 0);
	cr_assert_geq(fd, 0);
	cr_assert_neq(fd, p[0]);
	cr_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	cr_assert_eq(write(p[1], "x", 1), 1);
	cr_assert_eq(read(fd, buf, 1), 1);
	close(fd);
	close(p[0]);
	close(p[1]);
	/* none */
	cr_assert_eq(fdpass_send(sv[0], "a", 1, -1), 0);
	cr_assert_eq(fdpass_recv(sv[1], buf, sizeof(buf), &fd), 1);
	cr_assert_eq(fd, -1);
}

Test(fdpass, two_descriptors_are_refused_and_closed)
{
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = "m", .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	int fds[2], before, fd;
	ssize_t r;
	char buf[16];

	cr_assert_eq(pipe2(fds, O_CLOEXEC), 0);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(2 * sizeof(int));
	memcpy(CMSG_DATA(c), fds, sizeof(fds));
	cr_assert_eq(sendmsg(sv[0], &msg, 0), 1);
	close(fds[0]);
	close(fds[1]);
	/* none of them stays open after the refusal */
	before = open_fds();
	r = fdpass_recv(sv[1], buf, sizeof(buf), &fd);
	cr_assert_eq(r, -1);
	cr_assert_eq(errno, EMSGSIZE);
	cr_assert_eq(fd, -1);
	cr_assert_eq(open_fds(), before);
}

Test(fdpass, longer_than_the_buffer_is_refused)
{
	char big[100], buf[10];
	int fd;

	memset(big, 'x', sizeof(big));
	cr_assert_eq(fdpass_send(sv[0], big, sizeof(big), 0), 0);
	cr_assert_eq(fdpass_recv(sv[1], buf, sizeof(buf), &fd), -1);
	cr_assert_eq(errno, EMSGSIZE);
	cr_assert_eq(fd, -1);
}

Test(fdpass, the_end)
{
	char buf[10];
	int fd;

	close(sv[0]);
	sv[0] = -1;
	cr_assert_eq(fdpass_recv(sv[1], buf, sizeof(buf), &fd), 0);
	cr_assert_eq(fd, -1);
}

/* A TCP socket whose close() would block for its linger time: SO_LINGER
 * on, and a send queue its peer (which never reads) does not drain.  Its
 * peer in *peer, its listener in *lst. */
static int lingering(int secs, int *peer, int *lst)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	struct linger l = {.l_onoff = 1, .l_linger = secs};
	int small = 4096, c;
	static char junk[65536];

	*lst = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert_geq(*lst, 0);
	setsockopt(*lst, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	cr_assert_eq(bind(*lst, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(*lst, 1), 0);
	cr_assert_eq(getsockname(*lst, (struct sockaddr *)&a, &len), 0);
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(c, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	cr_assert_eq(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
	*peer = accept4(*lst, NULL, NULL, SOCK_CLOEXEC);
	cr_assert_geq(*peer, 0);
	while (send(c, junk, sizeof(junk), MSG_DONTWAIT) > 0)
		;
	cr_assert_eq(setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof(l)), 0);
	return c;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The monitor (defuse on) closes a descriptor it did not ask for at once,
 * even a socket set to linger for 20 s; a pipe is closed just the same. */
Test(fdpass, dropped_socket_does_not_linger)
{
	int peer, lst, c = lingering(20, &peer, &lst), p[2];
	double start = now_s();

	fdpass_defuse(true);
	fdpass_drop(c);
	cr_expect_lt(now_s() - start, 2.0, "close lingered %.1f s", now_s() - start);
	cr_assert_eq(pipe2(p, O_CLOEXEC), 0);
	fdpass_drop(p[0]);
	cr_expect_eq(fcntl(p[0], F_GETFD), -1);
	close(p[1]);
	close(peer);
	close(lst);
	fdpass_defuse(false);
}
