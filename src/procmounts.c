/* procmounts.c - is a proc file system mounted at or below a directory? */
#include "procmounts.h"

#include <stdio.h>
#include <string.h>

#include "pathrules.h"

/* The fifth field of a mountinfo line (the mount point) into out, with the
 * kernel's octal escapes (\040 for a space, \011, \012, \134) undone.
 * The rest of the line after it, or NULL when the line is not well formed
 * or the mount point does not fit. */
static const char *mount_point(const char *line, char *out, size_t cap)
{
	const char *p = line;
	size_t n = 0;
	int field;

	for (field = 0; field < 4; field++) {
		p = strchr(p, ' ');
		if (!p)
			return NULL;
		p++;
	}
	while (*p && *p != ' ') {
		char c = *p++;

		if (c == '\\' && p[0] >= '0' && p[0] <= '3' && p[1] >= '0' && p[1] <= '7' &&
		    p[2] >= '0' && p[2] <= '7') {
			c = (char)((p[0] - '0') << 6 | (p[1] - '0') << 3 | (p[2] - '0'));
			p += 3;
		}
		if (n + 1 >= cap)
			return NULL;
		out[n++] = c;
	}
	out[n] = '\0';
	return n ? p : NULL;
}

bool procmounts_line_below(const char *line, const char *dir)
{
	char mp[VPATH_MAX];
	const char *rest = mount_point(line, mp, sizeof(mp)), *sep, *type;
	size_t dlen = strlen(dir);

	if (!rest)
		return true;
	/* the optional fields end at " - ", the file system type follows */
	sep = strstr(rest, " - ");
	if (!sep)
		return true;
	type = sep + 3;
	if (strncmp(type, "proc", 4) != 0 || (type[4] != ' ' && type[4] != '\0'))
		return false;
	if (dlen == 1)
		return true;
	return strncmp(mp, dir, dlen) == 0 && (mp[dlen] == '\0' || mp[dlen] == '/');
}

bool procmounts_proc_below(const char *dir)
{
	char norm[VPATH_MAX], line[2 * VPATH_MAX];
	bool found = false;
	FILE *f;

	/* lexically: the home path has no symbolic link (account.c) */
	if (dir[0] != '/' || path_resolve(norm, sizeof(norm), "/", dir, strlen(dir)) != PATH_OK)
		return true;
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return true;
	while (!found && fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);

		if (n == 0 || line[n - 1] != '\n') {
			found = true;  /* too long to read: in doubt */
			break;
		}
		line[n - 1] = '\0';
		found = procmounts_line_below(line, norm);
	}
	if (ferror(f))
		found = true;
	fclose(f);
	return found;
}
