/* log.h - session log: the journal with structured fields, syslog or stderr.
 * Never stdout, which may be the control connection. */
#ifndef SOCKFTPD_LOG_H
#define SOCKFTPD_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <syslog.h>

#include "address.h"
#include "logfmt.h"
#include "options.h"

/* Choose the destination and open it now: main() calls this before the
 * sandbox, so a chroot or a filter cannot cut the log off.  (Where nobody
 * calls it, the first line does.) */
void log_open(enum log_target target);

/* Lines go to standard error (--log stderr, or auto resolved to it). */
bool log_uses_stderr(void);

/* The client every following line is about. */
void log_set_client(const struct endpoint *peer);

/* That client, as logged ("192.0.2.7:50123"). */
const char *log_client(void);

/* One line: prio is a syslog priority, event a short machine-readable word
 * (connect, request, reject, disconnect, error) stored as FTP_EVENT. */
void log_msg(int prio, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Extra journal fields of a line (in syslog and on stderr: only its text). */
struct log_field {
	const char *key;    /* FTP_FILE, ... */
	const char *value;
};

/* log_msg() with extra journal fields. */
void log_msg_fields(int prio, const char *event, const struct log_field *fields, size_t n,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* "Sent by client ADDR: VERB ARG"; the argument is escaped and cut, and
 * hidden when hide_arg is set (PASS). */
void log_request(const char *verb, const char *arg, size_t arg_len, int has_arg,
		 int hide_arg);

#endif
