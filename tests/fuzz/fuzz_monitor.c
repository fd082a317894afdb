/* fuzz_monitor.c - libFuzzer target for the messages between sockftpd's
 * processes (pure): the monitor's requests (what a taken-over network
 * process may send to root) and replies, the user process's first message
 * (monitor_proto.c), and the user process's file requests and results
 * (fileproto.c).
 *
 * The input is one message; every parser gets it.  Whatever a parser
 * accepts must be canonical: formatting what it parsed gives the input back
 * byte for byte (into a heap buffer of exactly that size, so ASan sees a
 * write past it), and one byte less of room gives 0.  Strings are
 * NUL-terminated within their fields; a file request's paths are
 * normalized and its fields in range; the request table answers for every
 * state without reading out of it.  A violation prints what failed and
 * aborts, so libFuzzer saves the input as a crash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileproto.h"
#include "monitor_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) \
	do { if (!(cond)) fail(__LINE__, #cond); } while (0)

static void fail(int line, const char *what)
{
	fprintf(stderr, "fuzz_monitor.c:%d: invariant violated: %s\n", line, what);
	abort();
}

/* A heap copy of exactly the input, so a read past the end is seen. */
static uint8_t *copy(const uint8_t *data, size_t size)
{
	uint8_t *p = malloc(size ? size : 1);

	CHECK(p != NULL);
	if (size)
		memcpy(p, data, size);
	return p;
}

static void terminated(const char *s, size_t cap)
{
	CHECK(memchr(s, '\0', cap) != NULL);
}

/* format(parsed) must be the input, and need all of its room. */
#define CANONICAL(format, parsed, data, size) \
	do { \
		uint8_t *out = malloc((size) ? (size) : 1); \
		CHECK(out != NULL); \
		CHECK(format(out, (size), (parsed)) == (size)); \
		CHECK(memcmp(out, (data), (size)) == 0); \
		CHECK((size) == 0 || format(out, (size) - 1, (parsed)) == 0); \
		free(out); \
	} while (0)

static void monitor_request(const uint8_t *data, size_t size)
{
	static struct mon_request rq;
	unsigned st;

	if (mon_parse_request(data, size, &rq) < 0)
		return;
	CHECK(rq.type == MON_AUTH || rq.type == MON_LOGOUT || rq.type == MON_CLIENT);
	terminated(rq.user, sizeof(rq.user));
	terminated(rq.pass, sizeof(rq.pass));
	CHECK(rq.type != MON_AUTH || rq.user[0] != '\0');
	CHECK(rq.type != MON_CLIENT || rq.family == 4 || rq.family == 6);
	CHECK(rq.port <= 0xffff);
	/* the states that allow each request: AUTH before a login, CLIENT
	 * only first, LOGOUT after a login */
	for (st = MON_START; st <= MON_CLOSED; st++)
		CHECK(mon_allowed((enum mon_state)st, rq.type) ==
		      (rq.type == MON_AUTH ? st == MON_START || st == MON_PREAUTH :
		       rq.type == MON_CLIENT ? st == MON_START : st == MON_AUTHED));
	CANONICAL(mon_format_request, &rq, data, size);
}

static void monitor_reply(const uint8_t *data, size_t size)
{
	static struct mon_reply rp;

	if (mon_parse_reply(data, size, &rp) < 0)
		return;
	terminated(rp.name, sizeof(rp.name));
	terminated(rp.root, sizeof(rp.root));
	CHECK(!mon_allowed(MON_START, rp.type) && !mon_allowed(MON_PREAUTH, rp.type) &&
	      !mon_allowed(MON_AUTHED, rp.type));
	CHECK(rp.type != MON_NOT_READY || rp.err > 0);
	CANONICAL(mon_format_reply, &rp, data, size);
}

static void file_request(const uint8_t *data, size_t size)
{
	static struct fop_request rq;

	if (fop_parse_request(data, size, &rq) < 0)
		return;
	CHECK(rq.op >= FOP_CWD && rq.op < FOP_COUNT);
	terminated(rq.path, sizeof(rq.path));
	terminated(rq.path2, sizeof(rq.path2));
	CHECK(rq.op == FOP_UPLOAD_END ? rq.path[0] == '\0' : fop_path_ok(rq.path));
	CHECK(rq.op != FOP_RENAME || fop_path_ok(rq.path2));
	CHECK(rq.op != FOP_CHMOD || rq.arg <= 01777);
	CHECK(rq.off >= 0 && (rq.off == 0 || rq.op == FOP_UPLOAD));
	CANONICAL(fop_format_request, &rq, data, size);
}

static void file_result(const uint8_t *data, size_t size)
{
	static struct fop_result res;

	if (fop_parse_result(data, size, &res) < 0)
		return;
	terminated(res.path, sizeof(res.path));
	CHECK(res.err >= 0 && res.warn >= 0 && res.old_size >= 0 && res.st.st_size >= 0);
	CHECK(res.why < WHY_COUNT && (res.why == WHY_ERRNO || res.err != 0));
	CANONICAL(fop_format_result, &res, data, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p = copy(data, size);

	monitor_request(p, size);
	monitor_reply(p, size);
	file_request(p, size);
	file_result(p, size);
	free(p);
	return 0;
}
