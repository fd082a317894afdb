/* xferlog.c - the wu-ftpd transfer log format (pure). */
#include "xferlog.h"

#include <stdio.h>
#include <string.h>

/* Append s with spaces and control characters as '_'. */
static size_t put_word(char *buf, size_t cap, size_t len, const char *s)
{
	for (; *s && len + 1 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		buf[len++] = c <= ' ' || c == 0x7f ? '_' : (char)c;
	}
	buf[len] = '\0';
	return len;
}

static size_t put_text(char *buf, size_t cap, size_t len, const char *s)
{
	int n = len < cap ? snprintf(buf + len, cap - len, "%s", s) : 0;

	if (n < 0)
		return len;
	return len + (size_t)n >= cap ? cap - 1 : len + (size_t)n;
}

size_t xferlog_line(char *buf, size_t cap, const struct xferlog_record *r)
{
	char head[160], tail[160];
	size_t len = 0, rootlen = strlen(r->root);

	if (cap < 2)
		return 0;
	buf[0] = '\0';
	strftime(head, sizeof(head), "%a %b %d %H:%M:%S %Y", &r->when);
	len = put_text(buf, cap - 1, len, head);
	snprintf(head, sizeof(head), " %lld %s %lld ", (r->duration_ms + 500) / 1000, r->host,
		 r->bytes);
	len = put_text(buf, cap - 1, len, head);
	/* the file as it is on the server: the root, then the path in it */
	if (rootlen > 1 && r->root[rootlen - 1] == '/')
		rootlen--;
	if (rootlen > 1) {
		char root[4097];

		snprintf(root, sizeof(root), "%.*s", (int)rootlen, r->root);
		len = put_word(buf, cap - 1, len, root);
	}
	len = put_word(buf, cap - 1, len, r->path);
	snprintf(tail, sizeof(tail), " %c _ %c %c ", r->ascii ? 'a' : 'b', r->incoming ? 'i' : 'o',
		 r->anonymous ? 'a' : 'r');
	len = put_text(buf, cap - 1, len, tail);
	len = put_word(buf, cap - 1, len, r->user && *r->user ? r->user : "*");
	snprintf(tail, sizeof(tail), " ftp 0 * %c\n", r->complete ? 'c' : 'i');
	len = put_text(buf, cap, len, tail);
	if (buf[len - 1] != '\n')
		buf[len - 1] = '\n';
	return len;
}
