/* admitask.c - a session's report to the listener, and its verdict. */
#include "admitask.h"

#include <errno.h>
#include <poll.h>

#include "deadline.h"

int admit_ask(int fd, const struct sockaddr *sa, socklen_t len, long long deadline,
	      enum adm_verdict *v)
{
	unsigned char msg[ADMISSION_REPORT_LEN], answer[2];
	size_t n = admission_report_format(msg, sa, len);
	struct pollfd p = {.fd = fd, .events = POLLIN};
	ssize_t got;
	int r;

	if (n == 0) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (send(fd, msg, n, MSG_NOSIGNAL) != (ssize_t)n)
		return -1;
	while ((r = poll(&p, 1, deadline_poll_ms(deadline))) < 0 && errno == EINTR)
		;
	if (r == 0)
		errno = ETIMEDOUT;
	if (r <= 0)
		return -1;
	got = recv(fd, answer, sizeof(answer), MSG_DONTWAIT);
	if (got < 0)
		return -1;
	if (admission_verdict_parse(answer, (size_t)got, v) < 0) {
		errno = got == 0 ? ECONNRESET : EPROTO;
		return -1;
	}
	return 0;
}
