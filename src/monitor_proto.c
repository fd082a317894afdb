/* monitor_proto.c - the monitor's messages and request table (pure). */
#include "monitor_proto.h"

#include <string.h>

#include "wire.h"

static const struct {
	enum mon_type type;
	const char *name;
	unsigned states;     /* bits of enum mon_state */
} requests[] = {
	{MON_CLIENT, "CLIENT", 1u << MON_START},
	{MON_AUTH, "AUTH", 1u << MON_START | 1u << MON_PREAUTH},
	{MON_LOGOUT, "LOGOUT", 1u << MON_AUTHED},
};

bool mon_allowed(enum mon_state state, enum mon_type type)
{
	size_t i;

	for (i = 0; i < sizeof(requests) / sizeof(requests[0]); i++)
		if (requests[i].type == type)
			return (requests[i].states >> state) & 1u;
	return false;
}

const char *mon_type_name(enum mon_type type)
{
	size_t i;

	for (i = 0; i < sizeof(requests) / sizeof(requests[0]); i++)
		if (requests[i].type == type)
			return requests[i].name;
	return "?";
}

/* CLIENT's address: a family of 4 or 6, an IPv4 address zero after its
 * 4 bytes. */
static void get_client(struct wire_in *r, struct mon_request *rq)
{
	size_t i;

	rq->family = (unsigned char)wire_get_u8(r);
	rq->port = (unsigned)wire_get_uint(r, 2);
	for (i = 0; i < sizeof(rq->addr); i++)
		rq->addr[i] = (unsigned char)wire_get_u8(r);
	if (rq->family != 4 && rq->family != 6)
		r->bad = true;
	for (i = 4; rq->family == 4 && i < sizeof(rq->addr); i++)
		if (rq->addr[i])
			r->bad = true;
}

int mon_parse_request(const void *buf, size_t len, struct mon_request *rq)
{
	struct wire_in r;

	memset(rq, 0, sizeof(*rq));
	wire_in_init(&r, buf, len);
	rq->type = (enum mon_type)wire_get_u8(&r);
	switch (rq->type) {
	case MON_AUTH:
		wire_get_str(&r, rq->user, sizeof(rq->user), 1);
		wire_get_str(&r, rq->pass, sizeof(rq->pass), 0);
		rq->wait_ms = wire_get_u32(&r);
		break;
	case MON_CLIENT:
		get_client(&r, rq);
		break;
	case MON_LOGOUT:
		break;
	default:
		return -1;
	}
	return wire_done(&r) ? 0 : -1;
}

size_t mon_format_request(void *buf, size_t cap, const struct mon_request *rq)
{
	struct wire_out w;

	wire_out_init(&w, buf, cap);
	wire_put_u8(&w, rq->type);
	switch (rq->type) {
	case MON_AUTH:
		if (!rq->user[0] || strlen(rq->user) >= sizeof(rq->user) ||
		    strlen(rq->pass) >= sizeof(rq->pass))
			return 0;
		wire_put_str(&w, rq->user);
		wire_put_str(&w, rq->pass);
		wire_put_u32(&w, rq->wait_ms);
		break;
	case MON_CLIENT: {
		size_t i;

		if ((rq->family != 4 && rq->family != 6) || rq->port > 0xffff)
			return 0;
		for (i = 4; rq->family == 4 && i < sizeof(rq->addr); i++)
			if (rq->addr[i])
				return 0;
		wire_put_u8(&w, rq->family);
		wire_put_uint(&w, rq->port, 2);
		for (i = 0; i < sizeof(rq->addr); i++)
			wire_put_u8(&w, rq->addr[i]);
		break;
	}
	case MON_LOGOUT:
		break;
	default:
		return 0;
	}
	return wire_out_len(&w);
}

/* A one-byte flag: 0 or 1, nothing else. */
static bool get_flag(struct wire_in *r)
{
	unsigned v = wire_get_u8(r);

	if (v > 1)
		r->bad = true;
	return v == 1;
}

int mon_parse_reply(const void *buf, size_t len, struct mon_reply *rp)
{
	struct wire_in r;

	memset(rp, 0, sizeof(*rp));
	wire_in_init(&r, buf, len);
	rp->type = (enum mon_type)wire_get_u8(&r);
	switch (rp->type) {
	case MON_AUTH_OK:
		rp->rw = get_flag(&r);
		rp->uid = wire_get_u32(&r);
		rp->gid = wire_get_u32(&r);
		wire_get_str(&r, rp->name, sizeof(rp->name), 1);
		wire_get_str(&r, rp->root, sizeof(rp->root), 1);
		break;
	case MON_AUTH_FAIL:
		rp->last = get_flag(&r);
		break;
	case MON_LOGGED_OUT:
	case MON_READY:
		break;
	case MON_NOT_READY:
		rp->err = (int)wire_get_u32(&r);
		rp->step = wire_get_u8(&r);
		if (rp->err <= 0)
			r.bad = true;
		break;
	default:
		return -1;
	}
	return wire_done(&r) ? 0 : -1;
}

size_t mon_format_reply(void *buf, size_t cap, const struct mon_reply *rp)
{
	struct wire_out w;

	wire_out_init(&w, buf, cap);
	wire_put_u8(&w, rp->type);
	switch (rp->type) {
	case MON_AUTH_OK:
		if (!rp->name[0] || !rp->root[0] || strlen(rp->name) >= sizeof(rp->name) ||
		    strlen(rp->root) >= sizeof(rp->root))
			return 0;
		wire_put_u8(&w, rp->rw);
		wire_put_u32(&w, rp->uid);
		wire_put_u32(&w, rp->gid);
		wire_put_str(&w, rp->name);
		wire_put_str(&w, rp->root);
		break;
	case MON_AUTH_FAIL:
		wire_put_u8(&w, rp->last);
		break;
	case MON_LOGGED_OUT:
	case MON_READY:
		break;
	case MON_NOT_READY:
		if (rp->err <= 0 || rp->step > 0xff)
			return 0;
		wire_put_u32(&w, (unsigned)rp->err);
		wire_put_u8(&w, rp->step);
		break;
	default:
		return 0;
	}
	return wire_out_len(&w);
}
