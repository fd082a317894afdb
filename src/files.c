/* files.c - a session's file requests, here or in the user process. */
#include "files.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deadline.h"
#include "fdpass.h"

void files_init(struct files *f)
{
	f->sock = -1;
	f->local = false;
	f->list_fd = -1;
	f->wait_ms = 0;
	f->lost = false;
}

void files_here(struct files *f, int root_fd, bool rw)
{
	files_close(f);
	fileops_init(&f->local_ops, root_fd, rw, false);
	f->local = true;
}

void files_remote(struct files *f, int sock, long long wait_ms)
{
	files_close(f);
	f->sock = sock;
	f->wait_ms = wait_ms;
	f->lost = false;
	fileops_guard_peer(sock);
}

bool files_open(const struct files *f)
{
	return f->local || f->sock >= 0;
}

/* Which results carry a descriptor, and of what type. */
static mode_t fd_type(const struct fop_request *rq, const struct fop_result *res)
{
	if (res->err)
		return 0;
	switch (rq->op) {
	case FOP_OPEN_READ:
		return S_IFREG;
	case FOP_UPLOAD:
		return S_IFREG;
	case FOP_LIST:
		return S_IFIFO;
	default:
		return 0;
	}
}

static int remote_ask(struct files *f, const struct fop_request *rq)
{
	static unsigned char buf[FOP_MSG_MAX];
	size_t n = fop_format_request(buf, sizeof(buf), rq);

	if (n == 0) {
		errno = EINVAL;
		return -1;
	}
	return fdpass_send(f->sock, buf, n, -1);
}

static int remote_answer(struct files *f, const struct fop_request *rq, struct fop_result *res,
			 int *fd)
{
	static unsigned char buf[FOP_MSG_MAX];
	ssize_t got;
	mode_t want;

	if (fdpass_wait(f->sock, deadline_in(f->wait_ms)) < 0)
		return -1;
	got = fdpass_recv(f->sock, buf, sizeof(buf), fd);
	if (got <= 0) {
		if (got == 0)
			errno = ECONNRESET;
		return -1;
	}
	if (fop_parse_result(buf, (size_t)got, res) < 0)
		goto broken;
	/* exactly the descriptor the request asks for, of its type */
	want = fd_type(rq, res);
	if ((*fd >= 0) != (want != 0))
		goto broken;
	/* res->st becomes what this process sees of the descriptor, not what
	 * the user process said */
	if (want && (fstat(*fd, &res->st) < 0 || (res->st.st_mode & S_IFMT) != want))
		goto broken;
	return 0;
broken:
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	errno = EPROTO;
	return -1;
}

int files_ask(struct files *f, const struct fop_request *rq)
{
	if (f->local)
		return 0;
	if (f->sock < 0) {
		errno = EBADF;
		return -1;
	}
	if (remote_ask(f, rq) < 0) {
		f->lost = true;
		return -1;
	}
	return 0;
}

int files_answer(struct files *f, const struct fop_request *rq, struct fop_result *res, int *fd)
{
	*fd = -1;
	if (f->local) {
		fileops_do(&f->local_ops, rq, res, fd);
		return 0;
	}
	if (f->sock < 0) {
		errno = EBADF;
		return -1;
	}
	if (remote_answer(f, rq, res, fd) < 0) {
		f->lost = true;
		return -1;
	}
	if (rq->op == FOP_LIST && !res->err) {
		f->list_fd = *fd;
		*fd = -1;
	}
	return 0;
}

int files_call(struct files *f, const struct fop_request *rq, struct fop_result *res,
	       int *fd)
{
	*fd = -1;
	if (files_ask(f, rq) < 0)
		return -1;
	return files_answer(f, rq, res, fd);
}

enum xfer_status files_list(struct files *f, struct dwriter *w)
{
	static char buf[1 << 16];

	if (f->local) {
		fileops_list_run(&f->local_ops, w);
		return w->status;
	}
	while (f->list_fd >= 0 && w->status == XFER_DONE) {
		ssize_t n;

		if (fdpass_wait(f->list_fd, deadline_in(f->wait_ms)) < 0) {
			f->lost = true;
			w->status = XFER_FILE_ERROR;
			if (w->x)
				w->x->err = errno;
			break;
		}
		n = read(f->list_fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		dw_put(w, buf, (size_t)n);
	}
	files_list_cancel(f);
	return w->status;
}

void files_list_cancel(struct files *f)
{
	if (f->local)
		fileops_list_cancel(&f->local_ops);
	if (f->list_fd >= 0)
		close(f->list_fd);
	f->list_fd = -1;
}

bool files_lost_process(const struct files *f)
{
	return f->lost;
}

void files_close(struct files *f)
{
	files_list_cancel(f);
	if (f->local)
		fileops_abandon(&f->local_ops);
	f->local = false;
	if (f->sock >= 0) {
		fileops_guard_peer(-1);
		close(f->sock);
	}
	f->sock = -1;
}
