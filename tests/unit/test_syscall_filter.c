/* The session's system call filter: what it refuses kills the process;
 * what a session does still works. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fdpass.h"
#include "syscall_filter.h"

/* Run fn in a child under the filter; return its wait status. */
static int under_filter(void (*fn)(void))
{
	pid_t pid = fork();
	int status = 0;

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (seccomp_install() < 0)
			_exit(99);
		fn();
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	return status;
}

static void do_execve(void)
{
	char *argv[] = {"/bin/true", NULL};
	execve("/bin/true", argv, NULL);
	_exit(3); /* not reached: the filter kills first */
}

static void do_fork(void)
{
	if (fork() == 0)
		_exit(0);
	_exit(4);
}

static void do_ptrace_like(void)
{
	/* setuid is a privileged call a session never makes */
	if (setuid(0) == 0)
		_exit(5);
	_exit(6);
}

static void do_session_things(void)
{
	char buf[64];
	int p[2], fd = open("/dev/null", O_RDONLY | O_CLOEXEC), s;

	if (fd < 0 || read(fd, buf, sizeof(buf)) != 0 || close(fd) < 0)
		_exit(10);
	if (pipe2(p, O_CLOEXEC) < 0 || write(p[1], "x", 1) != 1 || read(p[0], buf, 1) != 1)
		_exit(11);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || listen(s, 1) < 0)
		_exit(12);
	_exit(0);
}

Test(syscall_filter, execve_kills)
{
	int st = under_filter(do_execve);
	cr_assert(WIFSIGNALED(st), "status %d", st);
	cr_assert_eq(WTERMSIG(st), SIGSYS);
}

Test(syscall_filter, fork_kills)
{
	int st = under_filter(do_fork);
	cr_assert(WIFSIGNALED(st), "status %d", st);
	cr_assert_eq(WTERMSIG(st), SIGSYS);
}

Test(syscall_filter, setuid_kills)
{
	int st = under_filter(do_ptrace_like);
	cr_assert(WIFSIGNALED(st), "status %d", st);
	cr_assert_eq(WTERMSIG(st), SIGSYS);
}

Test(syscall_filter, session_calls_allowed)
{
#if defined(__SANITIZE_ADDRESS__)
	cr_skip_test("sanitizer runtimes make calls a session does not");
#endif
	int st = under_filter(do_session_things);
	cr_assert(WIFEXITED(st), "status %d", st);
	cr_assert_eq(WEXITSTATUS(st), 0);
}

/* Calls newer than some kernel headers, by number: since Linux 5.1 every new
 * call has the same number on every architecture, plus the architecture's
 * base (MIPS, x32), which pidfd_send_signal (424) gives. */
#define UNIFIED_NR(n) (SYS_pidfd_send_signal - 424 + (n))
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 UNIFIED_NR(452)
#endif
#ifndef SYS_openat2
#define SYS_openat2 UNIFIED_NR(437)
#endif
#ifndef SYS_close_range
#define SYS_close_range UNIFIED_NR(436)
#endif
#ifndef SYS_faccessat2
#define SYS_faccessat2 UNIFIED_NR(439)
#endif
#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup UNIFIED_NR(425)
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

/* A directory with one file "f" (and its descriptors), made before the
 * child installs the filter. */
static char dir[64];
static int dirfd_, filefd;

static void make_dir(void)
{
	int fd;

	strcpy(dir, "/tmp/sockftpd-filter-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	dirfd_ = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(dirfd_, 0);
	fd = openat(dirfd_, "f", O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "content\n", 8), 8);
	filefd = fd;
}

static void remove_dir(void)
{
	unlinkat(dirfd_, "f", 0);
	close(filefd);
	close(dirfd_);
	rmdir(dir);
}

/* r is what a call returned: it ran, or the kernel does not have it (ENOSYS),
 * or failed in one of the ways named in ok_errno.  Being killed is not. */
static void check(long r, int ok_errno)
{
	if (r < 0 && errno != ENOSYS && errno != ok_errno)
		_exit(1);
	_exit(0);
}

static void raw_fchmodat2(void)
{
	check(syscall(SYS_fchmodat2, dirfd_, "f", 0600, AT_SYMLINK_NOFOLLOW), 0);
}

static void raw_fchmodat(void)
{
	check(syscall(SYS_fchmodat, dirfd_, "f", 0644), 0);
}

static void libc_fchmodat_nofollow(void)
{
	/* SITE CHMOD: glibc 2.39 and later make this fchmodat2; before, an
	 * O_PATH open and a chmod through /proc/self/fd (EOPNOTSUPP without
	 * /proc) */
	check(fchmodat(dirfd_, "f", 0640, AT_SYMLINK_NOFOLLOW), EOPNOTSUPP);
}

static void raw_openat2(void)
{
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT};

	check(syscall(SYS_openat2, dirfd_, "f", &how, sizeof(how)), 0);
}

static void raw_statx(void)
{
	char buf[256]; /* struct statx, which older headers lack */

	check(syscall(SYS_statx, dirfd_, "f", AT_SYMLINK_NOFOLLOW, 0x7ffu, buf), 0);
}

static void raw_close_range(void)
{
	int fd = dup(filefd);

	check(fd < 0 ? -1 : syscall(SYS_close_range, fd, fd, 0), 0);
}

static void raw_faccessat2(void)
{
	check(syscall(SYS_faccessat2, dirfd_, "f", R_OK, AT_EACCESS), 0);
}

static void libc_faccessat_eaccess(void)
{
	check(faccessat(dirfd_, ".", X_OK, AT_EACCESS), 0);
}

static void raw_clock_nanosleep(void)
{
	struct timespec ts = {0, 1000};

	check(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, NULL), 0);
}

static void libc_nanosleep(void)
{
	struct timespec ts = {0, 1000};

	check(nanosleep(&ts, NULL), 0);
}

static void raw_fstatat(void)
{
	struct stat st;

#ifdef SYS_newfstatat
	check(syscall(SYS_newfstatat, dirfd_, "f", &st, AT_SYMLINK_NOFOLLOW), 0);
#else
	check(syscall(SYS_fstatat64, dirfd_, "f", &st, AT_SYMLINK_NOFOLLOW), 0);
#endif
}

static void raw_fstat_empty_path(void)
{
	/* glibc 2.33 and later: fstat(fd) is fstatat(fd, "", AT_EMPTY_PATH) */
	struct stat st;

#ifdef SYS_newfstatat
	check(syscall(SYS_newfstatat, filefd, "", &st, AT_EMPTY_PATH), 0);
#else
	check(syscall(SYS_fstatat64, filefd, "", &st, AT_EMPTY_PATH), 0);
#endif
}

static void libc_stats(void)
{
	struct stat st;

	if (fstat(filefd, &st) < 0 || fstatat(dirfd_, "f", &st, AT_SYMLINK_NOFOLLOW) < 0)
		_exit(1);
	check(stat(dir, &st), 0);
}

static void raw_getdents64(void)
{
	char buf[4096];

	check(syscall(SYS_getdents64, dirfd_, buf, sizeof(buf)), 0);
}

static void libc_readdir(void)
{
	DIR *d = fdopendir(dup(dirfd_));

	if (!d)
		_exit(1);
	while (readdir(d))
		;
	check(closedir(d), 0);
}

static void raw_ppoll(void)
{
	struct pollfd p = {.fd = filefd, .events = POLLIN};
	struct timespec ts = {0, 0};

	check(syscall(SYS_ppoll, &p, 1, &ts, NULL, 0), 0);
}

static void libc_poll(void)
{
	struct pollfd p = {.fd = filefd, .events = POLLIN};

	check(poll(&p, 1, 0), 0);
}

static void raw_sendfile(void)
{
	int p[2];
	off_t off = 0;

	if (pipe2(p, O_CLOEXEC) < 0)
		_exit(1);
#ifdef SYS_sendfile64
	check(syscall(SYS_sendfile64, p[1], filefd, &off, 8), 0);
#else
	check(syscall(SYS_sendfile, p[1], filefd, &off, 8), 0);
#endif
}

static void raw_splice(void)
{
	int p[2];
	loff_t off = 0;

	if (pipe2(p, O_CLOEXEC) < 0)
		_exit(1);
	check(syscall(SYS_splice, filefd, &off, p[1], NULL, 8, 0), 0);
}

static void raw_clock_gettime(void)
{
	struct timespec ts;

	check(syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts), 0);
}

static void raw_time64_calls(void)
{
	/* 32-bit architectures: glibc 2.34 and later try these first */
#ifdef SYS_clock_gettime64
	long long ts[2] = {0, 1000};

	if (syscall(SYS_clock_gettime64, CLOCK_MONOTONIC, ts) < 0 && errno != ENOSYS)
		_exit(1);
	ts[0] = 0;
	ts[1] = 1000;
	if (syscall(SYS_clock_nanosleep_time64, CLOCK_MONOTONIC, 0, ts, NULL) < 0 &&
	    errno != ENOSYS)
		_exit(1);
#endif
	_exit(0);
}

static void raw_getrandom(void)
{
	char b[8];

	check(syscall(SYS_getrandom, b, sizeof(b), 0), 0);
}

static const struct {
	const char *name;
	void (*fn)(void);
} newer_calls[] = {
	{"fchmodat2", raw_fchmodat2},
	{"fchmodat", raw_fchmodat},
	{"libc fchmodat(AT_SYMLINK_NOFOLLOW)", libc_fchmodat_nofollow},
	{"openat2", raw_openat2},
	{"statx", raw_statx},
	{"close_range", raw_close_range},
	{"faccessat2", raw_faccessat2},
	{"libc faccessat(AT_EACCESS)", libc_faccessat_eaccess},
	{"clock_nanosleep", raw_clock_nanosleep},
	{"libc nanosleep", libc_nanosleep},
	{"newfstatat/fstatat64", raw_fstatat},
	{"newfstatat/fstatat64 AT_EMPTY_PATH", raw_fstat_empty_path},
	{"libc fstat, fstatat, stat", libc_stats},
	{"getdents64", raw_getdents64},
	{"libc readdir", libc_readdir},
	{"ppoll", raw_ppoll},
	{"libc poll", libc_poll},
	{"sendfile/sendfile64", raw_sendfile},
	{"splice", raw_splice},
	{"clock_gettime", raw_clock_gettime},
	{"clock_gettime64, clock_nanosleep_time64", raw_time64_calls},
	{"getrandom", raw_getrandom},
};

/* Each call a session's libc may make for what the session does, made
 * directly under the filter: the child is never killed (a call the running
 * kernel lacks gives ENOSYS, which is fine). */
Test(syscall_filter, newer_calls_allowed)
{
	size_t i;

#if defined(__SANITIZE_ADDRESS__)
	cr_skip_test("sanitizer runtimes make calls a session does not");
#endif
	make_dir();
	for (i = 0; i < sizeof(newer_calls) / sizeof(newer_calls[0]); i++) {
		int st = under_filter(newer_calls[i].fn);

		cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: %s %d",
			  newer_calls[i].name,
			  WIFSIGNALED(st) ? "killed by signal" : "exit status",
			  WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	}
	remove_dir();
}

static void do_io_uring_setup(void)
{
	char params[120] = {0}; /* struct io_uring_params */

	syscall(SYS_io_uring_setup, 1, params);
	_exit(7);
}

static void do_rseq(void)
{
	/* glibc registers rseq when a thread starts, never later */
	char area[32] __attribute__((aligned(32))) = {0};

	syscall(SYS_rseq, area, 32, 0, 0);
	_exit(7);
}

/* A call outside the list kills, whether or not the kernel has it. */
Test(syscall_filter, newer_forbidden_call_kills)
{
	int st = under_filter(do_io_uring_setup);

	cr_assert(WIFSIGNALED(st), "status %d", st);
	cr_assert_eq(WTERMSIG(st), SIGSYS);
	st = under_filter(do_rseq);
	cr_assert(WIFSIGNALED(st), "status %d", st);
	cr_assert_eq(WTERMSIG(st), SIGSYS);
}

static void setuid_fchmodat(void)
{
	syscall(SYS_fchmodat, dirfd_, "f", 04755);
	_exit(7);
}

static void setgid_fchmod(void)
{
	syscall(SYS_fchmod, filefd, 02755);
	_exit(7);
}

static void setgid_mkdirat(void)
{
	syscall(SYS_mkdirat, dirfd_, "sgid-dir", 02775);
	_exit(7);
}

static void plain_modes(void)
{
	if (syscall(SYS_fchmodat, dirfd_, "f", 01777) < 0 ||
	    syscall(SYS_mkdirat, dirfd_, "d", 0755) < 0 || syscall(SYS_fchmod, filefd, 0644) < 0)
		_exit(1);
	_exit(0);
}

/* No set-id bit: a mode with one kills, the same call without is fine. */
Test(syscall_filter, set_id_modes_kill)
{
	void (*const killers[])(void) = {setuid_fchmodat, setgid_fchmod, setgid_mkdirat};
	int st;

#if defined(__SANITIZE_ADDRESS__)
	cr_skip_test("sanitizer runtimes make calls a session does not");
#endif
	make_dir();
	for (size_t i = 0; i < sizeof(killers) / sizeof(killers[0]); i++) {
		st = under_filter(killers[i]);
		cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "call %zu: status %d", i, st);
	}
	st = under_filter(plain_modes);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "plain modes: status %d", st);
	unlinkat(dirfd_, "d", AT_REMOVEDIR);
	unlinkat(dirfd_, "sgid-dir", AT_REMOVEDIR);
	remove_dir();
}

/* The user process's filter: the session's without a network call. */

static int files_sv[2];

/* Run fn in a child under the user process's filter; its wait status. */
static int under_files_filter(void (*fn)(void))
{
	pid_t pid;
	int status = 0;

	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, files_sv), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		if (seccomp_install_files() < 0)
			_exit(99);
		fn();
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	close(files_sv[0]);
	close(files_sv[1]);
	return status;
}

static void files_socket(void)
{
	socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	_exit(3);
}

static void files_socket_unix(void)
{
	socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	_exit(3);
}

static void files_connect(void)
{
	syscall(SYS_connect, files_sv[0], NULL, 0);
	_exit(3);
}

static void files_bind(void)
{
	syscall(SYS_bind, files_sv[0], NULL, 0);
	_exit(3);
}

static void files_listen(void)
{
	syscall(SYS_listen, files_sv[0], 1);
	_exit(3);
}

static void files_accept4(void)
{
	syscall(SYS_accept4, files_sv[0], NULL, NULL, 0);
	_exit(3);
}

static void files_setsockopt(void)
{
	int on = 1;

	syscall(SYS_setsockopt, files_sv[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on));
	_exit(3);
}

Test(syscall_filter, files_filter_kills_network_calls)
{
	void (*const killers[])(void) = {files_socket, files_socket_unix, files_connect,
					  files_bind, files_listen, files_accept4,
					  files_setsockopt, do_execve, do_fork, do_ptrace_like};

	for (size_t i = 0; i < sizeof(killers) / sizeof(killers[0]); i++) {
		int st = under_files_filter(killers[i]);

		cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "call %zu: status %d", i, st);
	}
}

/* What the user process does: files, a listing pipe, descriptors and
 * messages over the socketpair it holds. */
static void do_file_work(void)
{
	char buf[64];
	int p[2], fd = open("/dev/null", O_RDONLY | O_CLOEXEC), got;

	if (fd < 0 || read(fd, buf, sizeof(buf)) != 0)
		_exit(10);
	if (pipe2(p, O_CLOEXEC) < 0 || write(p[1], "x", 1) != 1 || read(p[0], buf, 1) != 1)
		_exit(11);
	if (fdpass_send(files_sv[0], "r", 1, fd) < 0)
		_exit(12);
	if (fdpass_recv(files_sv[1], buf, sizeof(buf), &got) != 1 || got < 0)
		_exit(13);
	if (send(files_sv[0], "s", 1, 0) != 1 || recv(files_sv[1], buf, 1, 0) != 1)
		_exit(14);
	_exit(0);
}

Test(syscall_filter, files_filter_allows_file_work)
{
#if defined(__SANITIZE_ADDRESS__)
	cr_skip_test("sanitizer runtimes make calls a session does not");
#endif
	int st = under_files_filter(do_file_work);

	cr_assert(WIFEXITED(st), "status %d", st);
	cr_assert_eq(WEXITSTATUS(st), 0);
	/* and a session's socket() would have killed it */
	st = under_files_filter(do_session_things);
	cr_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "status %d", st);
}

/* A taken-over user process cannot make a set-id file of its account:
 * openat with a set-id mode kills, openat2 (whose mode a filter cannot
 * read) fails with ENOSYS, and a plain openat still works. */
static void files_setuid_openat(void)
{
	syscall(SYS_openat, dirfd_, "suid", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 06755);
	_exit(3);
}

static void files_setgid_openat(void)
{
	syscall(SYS_openat, dirfd_, "sgid", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 02755);
	_exit(3);
}

static void files_openat2(void)
{
	struct open_how how;

	memset(&how, 0, sizeof(how));
	how.flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC;
	how.mode = 06755;
	if (syscall(SYS_openat2, dirfd_, "suid2", &how, sizeof(how)) >= 0)
		_exit(1);
	_exit(errno == ENOSYS ? 0 : 2);
}

static void files_plain_openat(void)
{
	int fd = (int)syscall(SYS_openat, dirfd_, "plain",
			      O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

	_exit(fd >= 0 ? 0 : 1);
}

Test(syscall_filter, files_filter_makes_no_set_id_file)
{
	struct stat st;
	int st_;

#if defined(__SANITIZE_ADDRESS__)
	cr_skip_test("sanitizer runtimes make calls a session does not");
#endif
	make_dir();
	st_ = under_files_filter(files_setuid_openat);
	cr_expect(WIFSIGNALED(st_) && WTERMSIG(st_) == SIGSYS, "set-uid openat: status %d", st_);
	st_ = under_files_filter(files_setgid_openat);
	cr_expect(WIFSIGNALED(st_) && WTERMSIG(st_) == SIGSYS, "set-gid openat: status %d", st_);
	st_ = under_files_filter(files_openat2);
	cr_expect(WIFEXITED(st_) && WEXITSTATUS(st_) == 0, "openat2: status %d", st_);
	st_ = under_files_filter(files_plain_openat);
	cr_expect(WIFEXITED(st_) && WEXITSTATUS(st_) == 0, "plain openat: status %d", st_);
	cr_expect(fstatat(dirfd_, "suid", &st, 0) < 0 && fstatat(dirfd_, "sgid", &st, 0) < 0 &&
		  fstatat(dirfd_, "suid2", &st, 0) < 0, "a set-id file was made");
	unlinkat(dirfd_, "plain", 0);
	remove_dir();
}
