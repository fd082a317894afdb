/* procmounts.h - is a proc file system mounted at or below a directory?
 * Its magic links (/proc/PID/cwd, root, fd/N) lead wherever another
 * process of the same uid is, whatever the chroot: the user process lets
 * the kernel resolve paths inside its chroot only where none is below its
 * root (userproc.c). */
#ifndef SOCKFTPD_PROCMOUNTS_H
#define SOCKFTPD_PROCMOUNTS_H

#include <stdbool.h>

/* Pure: does one line of /proc/self/mountinfo (without its newline) name a
 * mount of type proc at dir or below it?  dir is absolute and normalized
 * ("/" or "/a/b": no ".", "..", empty component or trailing '/').  A line
 * that cannot be read says yes. */
bool procmounts_line_below(const char *line, const char *dir);

/* Is a proc file system mounted at or below dir (absolute; normalized
 * here)?  Whenever it cannot tell (no /proc, a line too long to read, a
 * path too long), it says yes. */
bool procmounts_proc_below(const char *dir);

#endif
