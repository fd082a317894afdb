/* Unit tests for the search of proc file systems in mountinfo lines. */
#include <criterion/criterion.h>

#include "procmounts.h"

#define PROC_AT(mp) "40 29 0:5 / " mp " rw,nosuid,nodev,noexec,relatime shared:13 - proc proc rw"

Test(procmounts, proc_at_or_below_the_directory)
{
	cr_assert(procmounts_line_below(PROC_AT("/srv/ftp/alice/proc"), "/srv/ftp/alice"));
	cr_assert(procmounts_line_below(PROC_AT("/srv/ftp/alice"), "/srv/ftp/alice"));
	cr_assert(procmounts_line_below(PROC_AT("/srv/ftp/alice/a/b/c"), "/srv/ftp/alice"));
	/* below the root: any */
	cr_assert(procmounts_line_below(PROC_AT("/proc"), "/"));
}

Test(procmounts, proc_elsewhere)
{
	cr_assert_not(procmounts_line_below(PROC_AT("/proc"), "/srv/ftp/alice"));
	cr_assert_not(procmounts_line_below(PROC_AT("/srv/ftp/alice2/proc"), "/srv/ftp/alice"));
	cr_assert_not(procmounts_line_below(PROC_AT("/srv/ftp"), "/srv/ftp/alice"));
}

Test(procmounts, other_types)
{
	cr_assert_not(procmounts_line_below("41 29 0:6 / /srv/ftp/alice/sys rw - sysfs sysfs rw",
					    "/srv/ftp/alice"));
	cr_assert_not(procmounts_line_below("42 29 0:7 / /srv/ftp/alice/p rw shared:1 - "
					    "procfake x rw", "/srv/ftp/alice"));
	/* a bind mount of a part of /proc is of type proc too */
	cr_assert(procmounts_line_below("43 29 0:5 /1234 /srv/ftp/alice/p rw - proc proc rw",
					"/srv/ftp/alice"));
}

Test(procmounts, escapes_in_the_mount_point)
{
	cr_assert(procmounts_line_below(PROC_AT("/srv/my\\040ftp/proc"), "/srv/my ftp"));
	cr_assert_not(procmounts_line_below(PROC_AT("/srv/my\\040ftp/proc"), "/srv/my"));
	cr_assert(procmounts_line_below(PROC_AT("/srv/a\\134b/proc"), "/srv/a\\b"));
}

Test(procmounts, in_doubt_yes)
{
	cr_assert(procmounts_line_below("", "/srv"));
	cr_assert(procmounts_line_below("40 29 0:5 /", "/srv"));
	cr_assert(procmounts_line_below("40 29 0:5 / /proc rw no-separator proc", "/srv"));
}

Test(procmounts, this_process)
{
	/* whatever this machine mounts, /proc is a proc file system below "/"
	 * and not below a path that does not exist */
	cr_assert(procmounts_proc_below("/"));
	cr_assert(procmounts_proc_below("/proc"));
	cr_assert(procmounts_proc_below("/proc/../proc/"));
	cr_assert_not(procmounts_proc_below("/nonexistent-sockftpd-dir/x"));
	cr_assert(procmounts_proc_below("relative/path"));
}
