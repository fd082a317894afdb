/* pathrules.h - the client's view of paths (pure).
 *
 * The client names files with paths relative to its current directory or
 * absolute from its root.  These rules turn them into one normalized absolute
 * virtual path ("/", "/a/b"): "." and empty components vanish, ".." goes up
 * but never above "/".  Confinement itself is the kernel's job (openat2 with
 * RESOLVE_IN_ROOT in vfs.c); these rules only make the path shown by PWD and
 * the path handed to the kernel the same. */
#ifndef SOCKFTPD_PATHRULES_H
#define SOCKFTPD_PATHRULES_H

#include <stddef.h>

/* Longest virtual path, NUL included. */
#define VPATH_MAX 4096

enum path_error {
	PATH_OK = 0,
	PATH_TOO_LONG = -1,
	PATH_NUL = -2,
};

/* Resolve arg (len bytes) against cwd (an absolute normalized path) into out.
 * An empty arg names cwd itself. */
int path_resolve(char *out, size_t cap, const char *cwd, const char *arg, size_t len);

/* The path the kernel gets, relative to the root: "/" -> ".", "/a/b" -> "a/b". */
const char *path_relative(const char *vpath);

/* The last component of a normalized path ("" for "/"), and the length of
 * its parent ("/a/b" -> "b", parent "/a"). */
const char *path_basename(const char *vpath, size_t *parent_len);

/* Quote a path for a 257 reply: every '"' doubled (RFC 959 appendix II). */
size_t path_quote(char *out, size_t cap, const char *vpath);

#endif
