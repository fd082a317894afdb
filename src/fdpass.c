/* fdpass.c - messages with a descriptor over a socketpair. */
#include "fdpass.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "deadline.h"

/* Linux 6.16's option, where the C library's headers do not have it yet
 * (the number of the generic socket.h, which these architectures use) */
#if !defined(SO_PASSRIGHTS) && (defined(__x86_64__) || defined(__i386__) || \
				defined(__aarch64__) || defined(__arm__) || defined(__riscv))
#define SO_PASSRIGHTS 83
#endif

int fdpass_send(int sock, const void *buf, size_t n, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = n};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t r;

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do
		r = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	if ((size_t)r != n) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

int fdpass_refuse_fds(int sock)
{
#ifdef SO_PASSRIGHTS
	int off = 0;

	return setsockopt(sock, SOL_SOCKET, SO_PASSRIGHTS, &off, sizeof(off));
#else
	(void)sock;
	errno = ENOPROTOOPT;
	return -1;
#endif
}

static bool defuse;

void fdpass_defuse(bool on)
{
	defuse = on;
}

void fdpass_drop(int fd)
{
	struct linger off = {.l_onoff = 0, .l_linger = 0};

	if (defuse)  /* ENOTSOCK for anything but a socket */
		(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &off, sizeof(off));
	close(fd);
}

/* Close every descriptor a control message brought; the number of them. */
static int take_fds(struct msghdr *msg, int *fd)
{
	struct cmsghdr *c;
	int count = 0;

	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		size_t i, n;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			int got;

			memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (count++ == 0)
				*fd = got;
			else
				fdpass_drop(got);
		}
	}
	return count;
}

ssize_t fdpass_recv(int sock, void *buf, size_t cap, int *fd)
{
	/* room for more than one, so that extra ones are seen and closed */
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = {.iov_base = buf, .iov_len = cap};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf)};
	ssize_t r;

	*fd = -1;
	do
		r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	if (take_fds(&msg, fd) > 1 || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		if (*fd >= 0)
			fdpass_drop(*fd);
		*fd = -1;
		errno = EMSGSIZE;
		return -1;
	}
	return r;
}

int fdpass_wait(int fd, long long deadline)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int r;

	while ((r = poll(&p, 1, deadline_poll_ms(deadline))) < 0 && errno == EINTR)
		;
	if (r == 0)
		errno = ETIMEDOUT;
	return r > 0 ? 0 : -1;
}
