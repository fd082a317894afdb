/* The session's system call filter: what it refuses kills the process;
 * what a session does still works. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

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
