/* pathrules.c - the client's view of paths (pure). */
#include "pathrules.h"

#include <string.h>

/* Append one component to an absolute normalized path held in out[0..*len). */
static int push(char *out, size_t cap, size_t *len, const char *c, size_t n)
{
	if (n == 0 || (n == 1 && c[0] == '.'))
		return PATH_OK;
	if (n == 2 && c[0] == '.' && c[1] == '.') {
		while (*len > 1 && out[*len - 1] != '/')
			(*len)--;
		if (*len > 1)
			(*len)--; /* the slash, unless it is the root's */
		out[*len] = '\0';
		return PATH_OK;
	}
	if (*len + (*len > 1) + n + 1 > cap)
		return PATH_TOO_LONG;
	if (*len > 1)
		out[(*len)++] = '/';
	memcpy(out + *len, c, n);
	*len += n;
	out[*len] = '\0';
	return PATH_OK;
}

static int push_all(char *out, size_t cap, size_t *len, const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;
		int r;

		while (j < n && p[j] != '/')
			j++;
		r = push(out, cap, len, p + i, j - i);
		if (r != PATH_OK)
			return r;
		i = j + 1;
	}
	return PATH_OK;
}

int path_resolve(char *out, size_t cap, const char *cwd, const char *arg, size_t len)
{
	size_t olen = 1;
	int r;

	if (cap < 2)
		return PATH_TOO_LONG;
	if (memchr(arg, '\0', len))
		return PATH_NUL;
	out[0] = '/';
	out[1] = '\0';
	if (len == 0 || arg[0] != '/') {
		r = push_all(out, cap, &olen, cwd, strlen(cwd));
		if (r != PATH_OK)
			return r;
	}
	return push_all(out, cap, &olen, arg, len);
}

const char *path_relative(const char *vpath)
{
	while (*vpath == '/')
		vpath++;
	return *vpath ? vpath : ".";
}

const char *path_basename(const char *vpath, size_t *parent_len)
{
	const char *slash = strrchr(vpath, '/');

	if (!slash) {
		*parent_len = 0;
		return vpath;
	}
	*parent_len = slash == vpath ? 1 : (size_t)(slash - vpath);
	return slash + 1;
}

size_t path_quote(char *out, size_t cap, const char *vpath)
{
	size_t o = 0;

	if (cap == 0)
		return 0;
	for (; *vpath; vpath++) {
		size_t need = *vpath == '"' ? 2 : 1;

		if (o + need >= cap)
			break;
		out[o++] = *vpath;
		if (*vpath == '"')
			out[o++] = '"';
	}
	out[o] = '\0';
	return o;
}
