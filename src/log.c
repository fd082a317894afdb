/* log.c - session log: journal, syslog or stderr. */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define JOURNAL_SOCKET "/run/systemd/journal/socket"

static enum log_target target = LOG_TARGET_AUTO;
static int resolved;
static int journal_fd = -1;
static char client[ADDRESS_TEXT_MAX + 16] = "-";
static char client_addr[ADDRESS_TEXT_MAX] = "-";
static char client_port[8] = "0";

void log_set_client(const struct endpoint *peer)
{
	endpoint_format(peer, client, sizeof(client));
	snprintf(client_addr, sizeof(client_addr), "%s", peer->addr);
	snprintf(client_port, sizeof(client_port), "%u", peer->port);
}

const char *log_client(void)
{
	return client;
}

/* stderr goes to the journal when JOURNAL_STREAM names it (systemd service). */
static int stderr_is_journal(const struct stat *st)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	return (unsigned long long)st->st_dev == dev && (unsigned long long)st->st_ino == ino;
}

/* The journal's native protocol over a datagram socket connected now, by
 * path, so that later sends need no path (a chroot hides it). */
static int journal_connect(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX, .sun_path = JOURNAL_SOCKET};
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void open_syslog(void)
{
	target = LOG_TARGET_SYSLOG;
	openlog("sockftpd", LOG_PID | LOG_NDELAY, LOG_FTP);
}

void log_open(enum log_target t)
{
	struct stat st;

	/* opened again (a session forked by the listener): not twice */
	if (journal_fd >= 0)
		close(journal_fd);
	journal_fd = -1;
	target = t;
	resolved = 1;
	if (target == LOG_TARGET_AUTO) {
		if (fstat(2, &st) == 0 && !S_ISSOCK(st.st_mode))
			target = stderr_is_journal(&st) ? LOG_TARGET_JOURNAL : LOG_TARGET_STDERR;
		else
			/* stderr is closed or a socket (inetd hands the
			 * connection on 0, 1 and 2): writing there would reach
			 * the client. */
			target = access(JOURNAL_SOCKET, W_OK) == 0 ? LOG_TARGET_JOURNAL
								   : LOG_TARGET_SYSLOG;
	}
	if (target == LOG_TARGET_JOURNAL) {
		journal_fd = journal_connect();
		if (journal_fd < 0)
			open_syslog();
	} else if (target == LOG_TARGET_SYSLOG) {
		open_syslog();
	}
}

bool log_uses_stderr(void)
{
	return resolved && target == LOG_TARGET_STDERR;
}

static const char *prio_word(int prio)
{
	switch (prio) {
	case LOG_EMERG: case LOG_ALERT: case LOG_CRIT: return "CRITICAL";
	case LOG_ERR: return "ERROR";
	case LOG_WARNING: return "WARNING";
	case LOG_NOTICE: case LOG_INFO: return "INFO";
	default: return "DEBUG";
	}
}

static int journal_send(int prio, const char *event, const char *verb, const char *arg,
			const char *msg, const struct log_field *fields, size_t nf)
{
	char buf[8192], p[4];
	size_t i;
	size_t n = 0;

	snprintf(p, sizeof(p), "%d", prio);
	n = journal_field(buf, sizeof(buf), n, "MESSAGE", msg);
	n = journal_field(buf, sizeof(buf), n, "PRIORITY", p);
	n = journal_field(buf, sizeof(buf), n, "SYSLOG_IDENTIFIER", "sockftpd");
	n = journal_field(buf, sizeof(buf), n, "SYSLOG_FACILITY", "11");
	n = journal_field(buf, sizeof(buf), n, "FTP_EVENT", event);
	n = journal_field(buf, sizeof(buf), n, "FTP_CLIENT_ADDRESS", client_addr);
	n = journal_field(buf, sizeof(buf), n, "FTP_CLIENT_PORT", client_port);
	if (verb)
		n = journal_field(buf, sizeof(buf), n, "FTP_COMMAND", verb);
	if (arg)
		n = journal_field(buf, sizeof(buf), n, "FTP_ARGUMENT", arg);
	for (i = 0; i < nf; i++)
		n = journal_field(buf, sizeof(buf), n, fields[i].key, fields[i].value);
	while (send(journal_fd, buf, n, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

static void emit(int prio, const char *event, const char *verb, const char *arg,
		 const char *msg, const struct log_field *fields, size_t nf)
{
	if (!resolved)
		log_open(target);
	if (target == LOG_TARGET_JOURNAL) {
		if (journal_send(prio, event, verb, arg, msg, fields, nf) == 0)
			return;
		/* journald is gone: fall back rather than lose the line. */
		close(journal_fd);
		journal_fd = -1;
		open_syslog();
	}
	if (target == LOG_TARGET_SYSLOG) {
		syslog(prio, "%s", msg);
		return;
	}
	{
		char line[1024];
		int n = snprintf(line, sizeof(line), "<%d>[ %s ] %s\n", prio,
				 prio_word(prio), msg);

		if (n < 0)
			return;
		if ((size_t)n >= sizeof(line)) {
			n = sizeof(line) - 1;
			line[n - 1] = '\n';
		}
		/* One write per line, so lines of concurrent sessions never mix. */
		while (write(2, line, (size_t)n) < 0 && errno == EINTR)
			;
	}
}

void log_msg(int prio, const char *event, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	emit(prio, event, NULL, NULL, msg, NULL, 0);
}

void log_msg_fields(int prio, const char *event, const struct log_field *fields, size_t n,
		    const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	emit(prio, event, NULL, NULL, msg, fields, n);
}

void log_request(const char *verb, const char *arg, size_t arg_len, int has_arg,
		 int hide_arg)
{
	char esc[512], msg[768];

	if (hide_arg && has_arg)
		snprintf(esc, sizeof(esc), "<hidden>");
	else
		log_escape(esc, sizeof(esc), arg, has_arg ? arg_len : 0);
	snprintf(msg, sizeof(msg), "Sent by client %s: %s%s%s", client, verb,
		 has_arg ? " " : "", esc);
	emit(LOG_INFO, "request", verb, has_arg ? esc : NULL, msg, NULL, 0);
}
