/* log.h - session log: the journal with structured fields, syslog or stderr.
 * Never stdout, which may be the control connection. */
#ifndef SOCKFTPD_LOG_H
#define SOCKFTPD_LOG_H

#include <stddef.h>
#include <syslog.h>

#include "address.h"
#include "options.h"

/* Choose the destination.  It is resolved lazily at the first line, so a
 * session that logs nothing before its greeting costs nothing here. */
void log_setup(enum log_target target);

/* The client every following line is about. */
void log_set_client(const struct endpoint *peer);

/* One line: prio is a syslog priority, event a short machine-readable word
 * (connect, request, reject, disconnect, error) stored as FTP_EVENT. */
void log_msg(int prio, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "Sent by client ADDR: VERB ARG"; the argument is escaped and cut, and
 * hidden when hide_arg is set (PASS). */
void log_request(const char *verb, const char *arg, size_t arg_len, int has_arg,
		 int hide_arg);

/* Copy bytes into dst as printable text: control bytes and DEL become \xNN,
 * the result is cut at cap-1 bytes with "..." when longer. Pure. */
size_t log_escape(char *dst, size_t cap, const char *src, size_t len);

#endif
