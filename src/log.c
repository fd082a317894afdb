/* log.c - session log: journal, syslog or stderr. */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "sdlib.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"

static enum log_target target = LOG_TARGET_AUTO;
static int resolved;
static char client[ADDRESS_TEXT_MAX + 16] = "-";
static char client_addr[ADDRESS_TEXT_MAX] = "-";
static char client_port[8] = "0";

void log_setup(enum log_target t)
{
	target = t;
	resolved = 0;
}

void log_set_client(const struct endpoint *peer)
{
	endpoint_format(peer, client, sizeof(client));
	snprintf(client_addr, sizeof(client_addr), "%s", peer->addr);
	snprintf(client_port, sizeof(client_port), "%u", peer->port);
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

static void resolve(void)
{
	struct stat st;

	resolved = 1;
	if (target != LOG_TARGET_AUTO)
		goto open;
	if (fstat(2, &st) == 0 && !S_ISSOCK(st.st_mode)) {
		target = stderr_is_journal(&st) ? LOG_TARGET_JOURNAL : LOG_TARGET_STDERR;
		goto open;
	}
	/* stderr is closed or a socket (inetd hands the connection on 0, 1 and
	 * 2): writing there would reach the client. */
	target = access(JOURNAL_SOCKET, W_OK) == 0 ? LOG_TARGET_JOURNAL : LOG_TARGET_SYSLOG;
open:
	if (target == LOG_TARGET_JOURNAL && !sdlib_get())
		target = LOG_TARGET_SYSLOG;
	if (target == LOG_TARGET_SYSLOG)
		openlog("sockftpd", LOG_PID | LOG_NDELAY, LOG_FTP);
}

size_t log_escape(char *dst, size_t cap, const char *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;

	if (cap == 0)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];
		size_t need = (c < 0x20 || c == 0x7f) ? 4 : 1;

		if (o + need + 3 >= cap) {
			if (o + 3 < cap) {
				memcpy(dst + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (need == 4) {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		} else {
			dst[o++] = (char)c;
		}
	}
	dst[o] = '\0';
	return o;
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

static void emit(int prio, const char *event, const char *verb, const char *arg,
		 const char *msg)
{
	if (!resolved)
		resolve();
	if (target == LOG_TARGET_JOURNAL) {
		char f[8][ADDRESS_TEXT_MAX + 600];
		struct iovec iov[8];
		int n = 0, i;

		snprintf(f[n++], sizeof(f[0]), "MESSAGE=%s", msg);
		snprintf(f[n++], sizeof(f[0]), "PRIORITY=%d", prio);
		snprintf(f[n++], sizeof(f[0]), "SYSLOG_IDENTIFIER=sockftpd");
		snprintf(f[n++], sizeof(f[0]), "FTP_EVENT=%s", event);
		snprintf(f[n++], sizeof(f[0]), "FTP_CLIENT_ADDRESS=%s", client_addr);
		snprintf(f[n++], sizeof(f[0]), "FTP_CLIENT_PORT=%s", client_port);
		if (verb)
			snprintf(f[n++], sizeof(f[0]), "FTP_COMMAND=%s", verb);
		if (arg)
			snprintf(f[n++], sizeof(f[0]), "FTP_ARGUMENT=%s", arg);
		for (i = 0; i < n; i++) {
			iov[i].iov_base = f[i];
			iov[i].iov_len = strlen(f[i]);
		}
		if (sdlib_get()->journal_sendv(iov, n) >= 0)
			return;
		/* journald is gone: fall back rather than lose the line. */
		target = LOG_TARGET_SYSLOG;
		openlog("sockftpd", LOG_PID | LOG_NDELAY, LOG_FTP);
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
	emit(prio, event, NULL, NULL, msg);
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
	emit(LOG_INFO, "request", verb, has_arg ? esc : NULL, msg);
}
