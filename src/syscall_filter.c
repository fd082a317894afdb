/* syscall_filter.c - install the session's system call filter.
 *
 * The allow-list is compiled by libseccomp at build time (filter_gen.c) into
 * a BPF program linked into the binary; here it is only handed to the
 * kernel.  Every call outside the list kills the process, and the kernel
 * logs it (audit: type=SECCOMP, visible in the journal). */
#include "syscall_filter.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

extern const struct sock_filter syscall_filter_prog[];
extern const unsigned short syscall_filter_len;

int seccomp_install(void)
{
	struct sock_fprog prog = {
		.len = syscall_filter_len,
		.filter = (struct sock_filter *)syscall_filter_prog,
	};

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_LOG, &prog) == 0)
		return 0;
	/* kernels before 4.14 know no FILTER_FLAG_LOG */
	if (errno == EINVAL &&
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)
		return 0;
	return -errno;
}
