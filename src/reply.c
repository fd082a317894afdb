/* reply.c - the FTP reply table and reply formatting (pure). */
#include "reply.h"

#include <string.h>

struct reply_entry {
	int code;
	const char *text;
};

/* Sorted by code.  Texts are those of RFC 959 4.2.2 where it gives one. */
static const struct reply_entry replies[] = {
	{110, "Restart marker reply."},
	{120, "Service ready in a few minutes."},
	{125, "Data connection already open; transfer starting."},
	{150, "File status okay; about to open data connection."},
	{200, "Command okay."},
	{202, "Command not implemented, superfluous at this site."},
	{211, "System status, or system help reply."},
	{212, "Directory status."},
	{213, "File status."},
	{214, "Help message."},
	{215, "UNIX Type: L8"},
	{220, "Service ready for new user."},
	{221, "Service closing control connection."},
	{225, "Data connection open; no transfer in progress."},
	{226, "Closing data connection."},
	{227, "Entering Passive Mode."},
	{228, "Entering Long Passive Mode."},
	{229, "Entering Extended Passive Mode."},
	{230, "User logged in, proceed."},
	{232, "User logged in, authorized by security data exchange."},
	{234, "Security data exchange complete."},
	{235, "Security data exchange completed successfully."},
	{250, "Requested file action okay, completed."},
	{257, "\"PATHNAME\" created."},
	{331, "User name okay, need password."},
	{332, "Need account for login."},
	{334, "Requested security mechanism is ok."},
	{335, "Security data is acceptable; more is needed."},
	{336, "Username okay, need password. Challenge is \"....\""},
	{350, "Requested file action pending further information."},
	{421, "Service not available, closing control connection."},
	{425, "Can't open data connection."},
	{426, "Connection closed; transfer aborted."},
	{431, "Need some unavailable resource to process security."},
	{450, "Requested file action not taken."},
	{451, "Requested action aborted: local error in processing."},
	{452, "Requested action not taken. Insufficient storage space in system."},
	{500, "Syntax error, command unrecognized."},
	{501, "Syntax error in parameters or arguments."},
	{502, "Command not implemented."},
	{503, "Bad sequence of commands."},
	{504, "Command not implemented for that parameter."},
	{522, "Network protocol not supported."},
	{530, "Not logged in."},
	{532, "Need account for storing files."},
	{533, "Command protection level denied for policy reasons."},
	{534, "Request denied for policy reasons."},
	{535, "Failed security check."},
	{536, "Requested PROT level not supported by mechanism."},
	{537, "Command protection level not supported by security mechanism."},
	{550, "Requested action not taken. File unavailable."},
	{551, "Requested action aborted: page type unknown."},
	{552, "Requested file action aborted. Exceeded storage allocation."},
	{553, "Requested action not taken. File name not allowed."},
	{554, "Requested action not taken: invalid REST parameter."},
	{631, "Integrity protected reply."},
	{632, "Confidentiality and integrity protected reply."},
	{633, "Confidentiality protected reply."},
};

const char *reply_text(int code)
{
	size_t lo = 0, hi = sizeof(replies) / sizeof(replies[0]);

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (replies[mid].code == code)
			return replies[mid].text;
		if (replies[mid].code < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Append the text with CR -> CR NUL and LF -> NUL, leaving room for
 * `reserve` bytes.  Returns the new length. */
static size_t put_text(char *buf, size_t len, size_t cap, size_t reserve,
		       const char *text)
{
	for (; *text; text++) {
		char c = *text;
		size_t need = c == '\r' ? 2 : 1;

		if (len + need + reserve > cap)
			break;
		if (c == '\n') {
			buf[len++] = '\0';
		} else {
			buf[len++] = c;
			if (c == '\r')
				buf[len++] = '\0';
		}
	}
	return len;
}

static size_t put_code(char *buf, int code, char sep)
{
	if (code < 100 || code > 999)
		code = 451;
	buf[0] = (char)('0' + code / 100);
	buf[1] = (char)('0' + code / 10 % 10);
	buf[2] = (char)('0' + code % 10);
	buf[3] = sep;
	return 4;
}

static size_t put_line(char *buf, size_t len, size_t cap, size_t reserve,
		       int code, char sep, const char *text)
{
	len += put_code(buf + len, code, sep);
	len = put_text(buf, len, cap, reserve + 2, text);
	buf[len++] = '\r';
	buf[len++] = '\n';
	return len;
}

size_t reply_format(char *buf, size_t cap, int code, const char *text)
{
	if (cap < 7)
		return 0;
	if (!text)
		text = reply_text(code);
	if (!text)
		text = "";
	return put_line(buf, 0, cap, 0, code, ' ', text);
}

size_t reply_format_lines(char *buf, size_t cap, int code,
			  const char *const *lines, size_t n)
{
	size_t len = 0, i;
	/* Room always kept for the last line: its code, CRLF and some text. */
	size_t keep = 7 + 64;

	if (n <= 1)
		return reply_format(buf, cap, code, n ? lines[0] : NULL);
	if (cap < keep + 7)
		return reply_format(buf, cap, code, lines[n - 1]);
	len = put_line(buf, len, cap, keep, code, '-', lines[0]);
	for (i = 1; i + 1 < n; i++) {
		const char *l = lines[i];

		if (len + 3 + keep > cap)
			break;
		if (*l >= '0' && *l <= '9')
			buf[len++] = ' ';
		len = put_text(buf, len, cap, keep + 2, l);
		buf[len++] = '\r';
		buf[len++] = '\n';
	}
	return put_line(buf, len, cap, 0, code, ' ', lines[n - 1]);
}
