/* monitor_proto.h - the monitor's messages and its request table (pure).
 *
 * The network process (unprivileged, speaks to the client) asks the root
 * monitor over a SOCK_SEQPACKET socketpair, one message a request, one a
 * reply.  Every message is a type byte and fixed fields (wire.h); a request
 * is good only when it parses to its last byte and the table allows its
 * type in the monitor's state.  Anything else ends the session.
 *
 *   request            allowed in      fields                       reply
 *   MON_CLIENT         START           family (4 or 6), port,       none
 *                                      address (16 bytes)
 *   MON_AUTH           START, PREAUTH  user (1-63), password (0-511), AUTH_OK + fd | AUTH_FAIL
 *                                      wait (ms, the login deadline)
 *   MON_LOGOUT         AUTHED          -                            LOGGED_OUT
 *
 * START is the first state only with --proxy-protocol (else PREAUTH is):
 * there the network process, once it has read the PROXY header, tells the
 * client it names (MON_CLIENT, for PAM_RHOST and the monitor's log), at
 * most once and before any AUTH: both move to PREAUTH.  AUTH_OK carries
 * the user process's socket (SCM_RIGHTS).  A failed AUTH stays in PREAUTH
 * until the last allowed failure, which moves to CLOSED, where nothing is
 * allowed; LOGOUT goes back to PREAUTH.  The user process's first message, to the
 * monitor, says whether it is ready (MON_READY) or why not. */
#ifndef SOCKFTPD_MONITOR_PROTO_H
#define SOCKFTPD_MONITOR_PROTO_H

#include <stdbool.h>
#include <stddef.h>

#include "users.h"

#define MON_PASS_MAX 512
/* Room for any message, either way. */
#define MON_MSG_MAX (USER_HOME_MAX + 256)
/* The longest the network process waits for the monitor's reply, beyond
 * the login delay: the monitor's own waits (a user process starting, 10 s,
 * or ending, 2 s, and a password hash) are bounded below this. */
#define MON_REPLY_MAX_MS 30000

enum mon_type {
	MON_AUTH = 1,
	MON_LOGOUT = 2,
	MON_CLIENT = 3,
	/* replies */
	MON_AUTH_OK = 0x81,
	MON_AUTH_FAIL = 0x82,
	MON_LOGGED_OUT = 0x83,
	/* the user process to the monitor */
	MON_READY = 0x91,
	MON_NOT_READY = 0x92,
};

enum mon_state {
	MON_START,     /* --proxy-protocol, nothing asked yet: CLIENT, AUTH */
	MON_PREAUTH,   /* no login: AUTH */
	MON_AUTHED,    /* logged in, a user process runs: LOGOUT */
	MON_CLOSED,    /* too many failures: nothing */
};

struct mon_request {
	enum mon_type type;
	char user[USER_NAME_MAX];
	char pass[MON_PASS_MAX];
	unsigned wait_ms;     /* AUTH: what is left of the login deadline */
	/* CLIENT: the client a PROXY header named */
	unsigned char family; /* 4 or 6 */
	unsigned port;
	unsigned char addr[16];  /* IPv4 in the first 4 bytes, the rest 0 */
};

struct mon_reply {
	enum mon_type type;
	/* AUTH_OK */
	bool rw;
	unsigned uid, gid;           /* the user process's identity */
	char name[USER_NAME_MAX];
	char root[USER_HOME_MAX];    /* the home, for the transfer log */
	/* AUTH_FAIL */
	bool last;                   /* no more attempts: the session ends */
	/* MON_NOT_READY */
	int err;                     /* errno */
	unsigned step;               /* enum userproc_step */
};

/* Parse one request: 0, or -1 when it is not exactly a request. */
int mon_parse_request(const void *buf, size_t len, struct mon_request *rq);
/* The request's bytes: their length, or 0 when it cannot be one. */
size_t mon_format_request(void *buf, size_t cap, const struct mon_request *rq);

/* Replies and the user process's first message, the same way. */
int mon_parse_reply(const void *buf, size_t len, struct mon_reply *rp);
size_t mon_format_reply(void *buf, size_t cap, const struct mon_reply *rp);

/* The request table: may a request of this type come in this state? */
bool mon_allowed(enum mon_state state, enum mon_type type);

/* The request's name, for the log ("AUTH"; "?" for none). */
const char *mon_type_name(enum mon_type type);

#endif
