/* syscall_filter.c - install a system call filter.
 *
 * The allow-lists are compiled by libseccomp at build time (filter_gen.c)
 * into BPF programs linked into the binary; here they are only handed to
 * the kernel.  Every call outside the list kills the process, and the
 * kernel logs it (audit: type=SECCOMP, visible in the journal). */
#include "syscall_filter.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

extern const struct sock_filter syscall_filter_prog[];
extern const unsigned short syscall_filter_len;
extern const struct sock_filter files_filter_prog[];
extern const unsigned short files_filter_len;

static int install(const struct sock_filter *filter, unsigned short len)
{
	struct sock_fprog prog = {.len = len, .filter = (struct sock_filter *)filter};

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_LOG, &prog) == 0)
		return 0;
	/* kernels before 4.14 know no FILTER_FLAG_LOG */
	if (errno == EINVAL &&
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)
		return 0;
	return -errno;
}

int seccomp_install(void)
{
	return install(syscall_filter_prog, syscall_filter_len);
}

int seccomp_install_files(void)
{
	return install(files_filter_prog, files_filter_len);
}
