/* fileproto.c - file requests and results as bytes (pure). */
#include "fileproto.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "listing.h"
#include "wire.h"

#define RESULT_MARK 0xa0u

/* What each operation takes: a path, a second path (strict: a vpath;
 * else: any text), the largest arg, the flags allowed, an offset. */
enum { P2_NONE, P2_VPATH, P2_TEXT };
static const struct {
	bool path;
	unsigned char path2;
	unsigned arg_max, flags;
	bool off;
} ops[FOP_COUNT] = {
	[FOP_CWD] = {true, P2_NONE, 0, 0, false},
	[FOP_STAT] = {true, P2_NONE, 0, 0, false},
	[FOP_OPEN_READ] = {true, P2_NONE, 0, 0, false},
	[FOP_MKDIR] = {true, P2_NONE, 0, 0, false},
	[FOP_RMDIR] = {true, P2_NONE, 0, 0, false},
	[FOP_DELETE] = {true, P2_NONE, 0, 0, false},
	[FOP_RNFR] = {true, P2_NONE, 0, 0, false},
	[FOP_RENAME] = {true, P2_VPATH, 0, 0, false},
	[FOP_CHMOD] = {true, P2_NONE, 01777, 0, false},
	[FOP_UPLOAD] = {true, P2_NONE, UPLOAD_UNIQUE, 0, true},
	[FOP_UPLOAD_END] = {false, P2_NONE, 1, 0, false},
	[FOP_LIST] = {true, P2_TEXT, 3, FACT_ALL | FOP_FILES_OK, false},
};

bool fop_path_ok(const char *p)
{
	size_t n = strlen(p);

	if (p[0] != '/' || n >= VPATH_MAX)
		return false;
	if (n == 1)
		return true;
	while (*p == '/') {
		const char *c = p + 1, *e = strchr(c, '/');
		size_t len = e ? (size_t)(e - c) : strlen(c);

		if (len == 0 || (len == 1 && c[0] == '.') || (len == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		p = c + len;
	}
	return *p == '\0';
}

static bool request_ok(const struct fop_request *rq)
{
	if (rq->op < FOP_CWD || rq->op >= FOP_COUNT)
		return false;
	if (rq->arg > ops[rq->op].arg_max || (rq->flags & ~ops[rq->op].flags) ||
	    rq->off < 0 || (rq->off && !ops[rq->op].off))
		return false;
	if (ops[rq->op].path ? !fop_path_ok(rq->path) : rq->path[0] != '\0')
		return false;
	switch (ops[rq->op].path2) {
	case P2_VPATH:
		return fop_path_ok(rq->path2);
	case P2_NONE:
		return rq->path2[0] == '\0';
	default:
		return true;
	}
}

int fop_parse_request(const void *buf, size_t len, struct fop_request *rq)
{
	struct wire_in r;
	uint64_t off;

	memset(rq, 0, sizeof(*rq));
	wire_in_init(&r, buf, len);
	rq->op = (enum fop)wire_get_u8(&r);
	rq->arg = wire_get_u32(&r);
	rq->flags = wire_get_u32(&r);
	off = wire_get_u64(&r);
	wire_get_str(&r, rq->path, sizeof(rq->path), 0);
	wire_get_str(&r, rq->path2, sizeof(rq->path2), 0);
	if (off > (uint64_t)LLONG_MAX)
		return -1;
	rq->off = (long long)off;
	return wire_done(&r) && request_ok(rq) ? 0 : -1;
}

size_t fop_format_request(void *buf, size_t cap, const struct fop_request *rq)
{
	struct wire_out w;

	if (!request_ok(rq))
		return 0;
	wire_out_init(&w, buf, cap);
	wire_put_u8(&w, rq->op);
	wire_put_u32(&w, rq->arg);
	wire_put_u32(&w, rq->flags);
	wire_put_u64(&w, (uint64_t)rq->off);
	wire_put_str(&w, rq->path);
	wire_put_str(&w, rq->path2);
	return wire_out_len(&w);
}

int fop_parse_result(const void *buf, size_t len, struct fop_result *res)
{
	struct wire_in r;
	uint32_t err, warn;
	uint64_t old, nlink, size, mtime;

	memset(res, 0, sizeof(*res));
	wire_in_init(&r, buf, len);
	if (wire_get_u8(&r) != RESULT_MARK)
		return -1;
	err = wire_get_u32(&r);
	res->why = (enum fop_why)wire_get_u8(&r);
	res->flags = wire_get_u32(&r);
	warn = wire_get_u32(&r);
	old = wire_get_u64(&r);
	res->st.st_mode = wire_get_u32(&r);
	nlink = wire_get_u64(&r);
	res->st.st_uid = wire_get_u32(&r);
	res->st.st_gid = wire_get_u32(&r);
	size = wire_get_u64(&r);
	mtime = wire_get_u64(&r);
	wire_get_str(&r, res->path, sizeof(res->path), 0);
	if (!wire_done(&r) || err > INT_MAX || warn > INT_MAX || res->why >= WHY_COUNT ||
	    (res->flags & ~FOP_FLAGS_ALL) || old > (uint64_t)LLONG_MAX ||
	    size > (uint64_t)LLONG_MAX || (res->why != WHY_ERRNO && err == 0))
		return -1;
	res->err = (int)err;
	res->warn = (int)warn;
	res->old_size = (long long)old;
	res->st.st_nlink = (nlink_t)nlink;
	res->st.st_size = (off_t)size;
	res->st.st_mtime = (time_t)(int64_t)mtime;
	return 0;
}

size_t fop_format_result(void *buf, size_t cap, const struct fop_result *res)
{
	struct wire_out w;

	if (res->err < 0 || res->warn < 0 || res->why >= WHY_COUNT ||
	    (res->flags & ~FOP_FLAGS_ALL) || res->old_size < 0 || res->st.st_size < 0 ||
	    (res->why != WHY_ERRNO && res->err == 0))
		return 0;
	wire_out_init(&w, buf, cap);
	wire_put_u8(&w, RESULT_MARK);
	wire_put_u32(&w, (uint32_t)res->err);
	wire_put_u8(&w, res->why);
	wire_put_u32(&w, res->flags);
	wire_put_u32(&w, (uint32_t)res->warn);
	wire_put_u64(&w, (uint64_t)res->old_size);
	wire_put_u32(&w, res->st.st_mode);
	wire_put_u64(&w, (uint64_t)res->st.st_nlink);
	wire_put_u32(&w, res->st.st_uid);
	wire_put_u32(&w, res->st.st_gid);
	wire_put_u64(&w, (uint64_t)res->st.st_size);
	wire_put_u64(&w, (uint64_t)(int64_t)res->st.st_mtime);
	wire_put_str(&w, res->path);
	return wire_out_len(&w);
}
