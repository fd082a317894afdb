/* pending.c - the listener's end of the sessions' admission reports. */
#include "pending.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int pending_pair(int *session_end)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	*session_end = sv[1];
	return sv[0];
}

int pending_add(struct pending *p, pid_t pid, int fd, uint64_t deadline_ms)
{
	if (p->n >= p->cap)
		return -1;
	p->e[p->n].pid = pid;
	p->e[p->n].fd = fd;
	p->e[p->n].deadline_ms = deadline_ms;
	p->n++;
	return 0;
}

size_t pending_find(const struct pending *p, pid_t pid)
{
	size_t i;

	for (i = 0; i < p->n && p->e[i].pid != pid; i++)
		;
	return i;
}

void pending_remove(struct pending *p, size_t i)
{
	if (i >= p->n)
		return;
	close(p->e[i].fd);
	p->e[i] = p->e[--p->n];
}

void pending_close_all(struct pending *p)
{
	while (p->n)
		pending_remove(p, p->n - 1);
}

size_t pending_pollfds(const struct pending *p, struct pollfd *pfd)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		pfd[i].fd = p->e[i].fd;
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	return p->n;
}

uint64_t pending_next_deadline(const struct pending *p)
{
	uint64_t d = UINT64_MAX;
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->e[i].deadline_ms < d)
			d = p->e[i].deadline_ms;
	return d;
}

enum pending_read pending_read(struct pending *p, size_t i, struct sockaddr_storage *ss,
			       socklen_t *len)
{
	unsigned char buf[ADMISSION_REPORT_LEN + 1];
	ssize_t n;

	/* MSG_TRUNC: the whole message's length, however long it was; no
	 * control buffer, so a descriptor sent along is discarded */
	n = recv(p->e[i].fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? PENDING_WAIT
										    : PENDING_GONE;
	if (n == 0)
		return PENDING_GONE;
	switch (admission_report_parse(buf, (size_t)n, ss, len)) {
	case 1:
		return PENDING_CLIENT;
	case 0:
		return PENDING_LOCAL;
	default:
		return PENDING_BAD;
	}
}

void pending_answer(struct pending *p, size_t i, enum adm_verdict v)
{
	unsigned char b = (unsigned char)v;
	ssize_t r = send(p->e[i].fd, &b, 1, MSG_DONTWAIT | MSG_NOSIGNAL);

	(void)r;  /* a session that is gone needs no answer */
	pending_remove(p, i);
}
