/* syscall_filter.h - the session's system call filter (libseccomp). */
#ifndef SOCKFTPD_SYSCALL_FILTER_H
#define SOCKFTPD_SYSCALL_FILTER_H

/* Install the allow-list: every other call kills the process (and the
 * kernel logs it).  Returns 0, or a negative errno when the kernel or the
 * environment cannot install it. */
int seccomp_install(void);

#endif
