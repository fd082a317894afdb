/* conffile.c - the configuration file (pure). */
#include "conffile.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* One line (NUL-terminated in place); 0, or -1 with the reason in why. */
static int one_line(struct config *cfg, struct origins *org, unsigned lineno, char *line,
		    char *why, size_t cap)
{
	char *eq, *key_end, *value, *end;

	while (blank(*line))
		line++;
	if (*line == '\0' || *line == '#')
		return 0;
	eq = strchr(line, '=');
	if (!eq) {
		snprintf(why, cap, "not 'key = value'");
		return -1;
	}
	key_end = eq;
	while (key_end > line && blank(key_end[-1]))
		key_end--;
	value = eq + 1;
	while (blank(*value))
		value++;
	end = value + strlen(value);
	while (end > value && blank(end[-1]))
		end--;
	*end = '\0';
	if (key_end == line) {
		snprintf(why, cap, "no key before '='");
		return -1;
	}
	return options_set(cfg, org, FROM_FILE, lineno, line, (size_t)(key_end - line), value,
			   why, cap);
}

int conffile_parse(struct config *cfg, struct origins *org, const char *file, char *text,
		   size_t len, char *err, size_t errcap)
{
	unsigned lineno = 0;
	size_t pos = 0;

	if (org)
		org->file = file;
	if (memchr(text, '\0', len)) {
		snprintf(err, errcap, "%s: a NUL byte: not a text file", file);
		return -1;
	}
	while (pos < len) {
		char *nl = memchr(text + pos, '\n', len - pos), why[300];
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		lineno++;
		text[pos + n] = '\0';  /* the newline, or the byte after the text */
		if (one_line(cfg, org, lineno, text + pos, why, sizeof(why)) < 0) {
			snprintf(err, errcap, "%s:%u: %s", file, lineno, why);
			return -1;
		}
		pos += n + 1;
	}
	return 0;
}
