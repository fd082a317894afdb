/* fuzz_session.c - libFuzzer target for a whole control session: the input
 * is what a client sends, run through session_init() + session_run() as a
 * pipe session (ACTIVATION_PIPE, like `sockftpd < input`), once per input,
 * all in one process.
 *
 * LLVMFuzzerInitialize makes, once, under $TMPDIR (default /tmp):
 *
 *   sockftpd-fuzz.XXXXXX/
 *     users        fuzz:<sha512crypt of "fuzzpass">:<root>:rw
 *     outside/     a canary the sessions must never reach
 *     root/        the FTP root (also the --anonymous root, read-only)
 *
 * so an input can log in with "USER fuzz" / "PASS fuzzpass" (read-write) or
 * "USER anonymous" (read-only).  Pipe sessions have no data connections
 * (PASV/PORT answer 425), so RETR, STOR, LIST... stop at "425 Use PORT,
 * PASV..." after resolving their path; STAT PATH lists over the control
 * connection.
 *
 * After every session the harness checks, and aborts (a crash for libFuzzer)
 * when one fails:
 *   - no file descriptor opened by the session is left open;
 *   - the process's working directory is unchanged;
 *   - nothing outside root/ was opened or changed (inotify on outside/, on
 *     the users file and on the temporary directory itself): confinement.
 * When the session changed the tree (MKD, DELE, RNTO, SITE CHMOD, STOU...),
 * inotify says so and the tree is rebuilt, so every input starts from the
 * same files.
 *
 * With SOCKFTPD_FUZZ_NO_OPENAT2=1 in the environment, openat2() fails with
 * ENOSYS in the whole process (a seccomp filter), so vfs.c resolves paths
 * with its user-space walk instead: the same checks then apply to it.
 *
 * The server logs to stderr.  To keep libFuzzer's output readable the
 * harness adds -close_fd_mask=2 to the command line (libFuzzer then keeps
 * its own and the sanitizers' reports on a duplicate of stderr and points
 * fd 2 at /dev/null), unless a -close_fd_mask is given.  With
 * SOCKFTPD_FUZZ_VERBOSE=1 in the environment it does not, and the replies go
 * to stderr too, between the log lines: for looking at one input. */
#include <crypt.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <sanitizer/common_interface_defs.h>

#include "activation.h"
#include "log.h"
#include "options.h"
#include "session.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_USER "fuzz"
#define FUZZ_PASS "fuzzpass"
/* SHA-512 crypt with a fixed salt and the fewest rounds it allows: each
 * PASS costs one hash, and the default 5000 rounds took more than half of
 * the fuzzing time (1.1 ms against 0.24 ms per PASS). */
#define FUZZ_SETTING "$6$rounds=1000$saltsalt$"

/* How many descriptors above the input's are checked for leaks. */
#define FD_WINDOW 16

static char base[PATH_MAX];     /* the temporary directory */
static char root[PATH_MAX];     /* the FTP root */
static char users[PATH_MAX];
static char outside[PATH_MAX];
static char start_cwd[PATH_MAX];
static struct config cfg;
static int ino = -1;            /* inotify */
static int wd_guard[3];         /* base, outside, users: must stay quiet */
static pid_t owner;             /* the process that made base */
static bool verbose;            /* SOCKFTPD_FUZZ_VERBOSE: log and replies on stderr */

/* A failed check: say why on the sanitizers' report descriptor (stderr may
 * be /dev/null, see above), then abort so libFuzzer saves the input. */
static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	__sanitizer_report_error_summary(msg);
	abort();
}

static void setup_die(const char *what, const char *path) __attribute__((noreturn));

static void setup_die(const char *what, const char *path)
{
	die("fuzz_session: setup: %s %s: %s", what, path, strerror(errno));
}

static void write_file(int dirfd, const char *name, const char *text, mode_t mode)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
			mode);
	size_t n = strlen(text);

	if (fd < 0 || write(fd, text, n) != (ssize_t)n)
		setup_die("write", name);
	close(fd);
}

/* rm -r of what is inside dirfd, without following symbolic links and
 * whatever modes a session left. */
static void empty_dir(int dirfd)
{
	DIR *d;
	struct dirent *de;
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || !(d = fdopendir(fd)))
		setup_die("open", "a directory to empty");
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name;
		struct stat st;

		if (n[0] == '.' && (n[1] == '\0' || (n[1] == '.' && n[2] == '\0')))
			continue;
		if (fstatat(dirfd, n, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int sub;

			fchmodat(dirfd, n, 0700, 0);
			sub = openat(dirfd, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0)
				setup_die("open", n);
			empty_dir(sub);
			close(sub);
			if (unlinkat(dirfd, n, AT_REMOVEDIR) < 0)
				setup_die("rmdir", n);
		} else if (unlinkat(dirfd, n, 0) < 0) {
			setup_die("unlink", n);
		}
	}
	closedir(d);
}

static const uint32_t tree_events =
	IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_MODIFY |
	IN_CLOSE_WRITE | IN_DELETE_SELF | IN_MOVE_SELF;

/* A directory whose contents a session may change.  One it cannot read
 * (noperm/, without root privileges) it cannot change either, except for
 * its mode, which the parent's watch reports. */
static void watch_tree(const char *rel)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s%s", root, rel);
	if (inotify_add_watch(ino, p, tree_events) < 0 && errno != EACCES)
		setup_die("inotify_add_watch", p);
}

/* The files every input starts from. */
static void build_tree(void)
{
	int r = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (r < 0)
		setup_die("open", root);
	fchmod(r, 0755);
	empty_dir(r);
	write_file(r, "readme.txt", "Hello from sockftpd.\r\nSecond line.\n", 0644);
	write_file(r, "empty.bin", "", 0644);
	write_file(r, "with space.txt", "spaces\n", 0644);
	write_file(r, "quote\"d", "a quote in the name\n", 0644);
	write_file(r, ".hidden", "dot file\n", 0600);
	if (mkdirat(r, "sub", 0755) < 0 || mkdirat(r, "sub/deeper", 0755) < 0 ||
	    mkdirat(r, "noperm", 0000) < 0)
		setup_die("mkdir", "sub");
	write_file(r, "sub/nested.txt", "nested\n", 0644);
	write_file(r, "sub/deeper/leaf", "leaf\n", 0444);
	/* relative, absolute (resolved inside the root), out of the root, a
	 * loop and a dangling one */
	if (symlinkat("sub", r, "link") < 0 ||
	    symlinkat("/sub/nested.txt", r, "abs") < 0 ||
	    symlinkat("../outside/canary", r, "escape") < 0 ||
	    symlinkat("../../../../../../..", r, "up") < 0 ||
	    symlinkat("loop", r, "loop") < 0 ||
	    symlinkat("nowhere", r, "dangling") < 0)
		setup_die("symlink", root);
	close(r);
	watch_tree("");
	watch_tree("/sub");
	watch_tree("/sub/deeper");
	watch_tree("/noperm");
}

static void cleanup(void)
{
	int fd;

	if (getpid() != owner || !base[0])
		return;
	fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		empty_dir(fd);
		close(fd);
	}
	rmdir(base);
}

/* Add -close_fd_mask=2 unless the user chose. */
static void quiet_stderr(int *argc, char ***argv)
{
	static char flag[] = "-close_fd_mask=2";
	char **nv;
	int i;

	if (verbose)
		return;
	for (i = 1; i < *argc; i++)
		if (strncmp((*argv)[i], "-close_fd_mask=", 15) == 0)
			return;
	nv = calloc((size_t)*argc + 2, sizeof(*nv));
	if (!nv)
		return;
	nv[0] = (*argv)[0];
	nv[1] = flag;
	for (i = 1; i < *argc; i++)
		nv[i + 1] = (*argv)[i];
	*argv = nv;
	(*argc)++;
}

/* openat2() -> ENOSYS, as on kernels before 5.6 or under some container
 * profiles.  A test device, not a security boundary: no architecture check. */
static void refuse_openat2(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		setup_die("seccomp", "openat2");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	char tmpl[PATH_MAX], line[PATH_MAX + 256];
	struct crypt_data *cd;
	const char *hash;
	int fd;

	verbose = getenv("SOCKFTPD_FUZZ_VERBOSE") != NULL;
	quiet_stderr(argc, argv);
	if (!getcwd(start_cwd, sizeof(start_cwd)))
		setup_die("getcwd", ".");
	snprintf(tmpl, sizeof(tmpl), "%s/sockftpd-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(tmpl) || !realpath(tmpl, base))
		setup_die("mkdtemp", tmpl);
	owner = getpid();
	atexit(cleanup);
	snprintf(root, sizeof(root), "%s/root", base);
	snprintf(outside, sizeof(outside), "%s/outside", base);
	snprintf(users, sizeof(users), "%s/users", base);
	if (mkdir(root, 0755) < 0 || mkdir(outside, 0755) < 0)
		setup_die("mkdir", root);
	fd = open(outside, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		setup_die("open", outside);
	write_file(fd, "canary", "outside the root\n", 0666);
	close(fd);

	cd = calloc(1, sizeof(*cd));
	hash = cd ? crypt_rn(FUZZ_PASS, FUZZ_SETTING, cd, sizeof(*cd)) : NULL;
	if (!hash || hash[0] == '*')
		setup_die("crypt_rn", FUZZ_SETTING);
	snprintf(line, sizeof(line), "# sockftpd fuzz users\n" FUZZ_USER ":%s:%s:rw\n", hash,
		 root);
	free(cd);
	fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		setup_die("open", base);
	write_file(fd, "users", line, 0600);
	close(fd);

	ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (ino < 0)
		setup_die("inotify_init1", "");
	/* base: root/ itself must stay; outside/: not even opened; users:
	 * read at each PASS, never changed. */
	wd_guard[0] = inotify_add_watch(ino, base, IN_CREATE | IN_DELETE | IN_MOVED_FROM |
					IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF);
	wd_guard[1] = inotify_add_watch(ino, outside, IN_ALL_EVENTS & ~IN_CLOSE_NOWRITE);
	wd_guard[2] = inotify_add_watch(ino, users, IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE |
					IN_DELETE_SELF | IN_MOVE_SELF);
	if (wd_guard[0] < 0 || wd_guard[1] < 0 || wd_guard[2] < 0)
		setup_die("inotify_add_watch", base);
	build_tree();

	config_defaults(&cfg, NULL);
	cfg.log_target = LOG_TARGET_STDERR;
	cfg.anonymous_root = root;
	cfg.users_file = users;
	cfg.login_delay_ms = 0;
	cfg.idle_timeout = 1;
	cfg.data_timeout = 0;
	log_open(LOG_TARGET_STDERR);
	signal(SIGPIPE, SIG_IGN);
	if (getenv("SOCKFTPD_FUZZ_NO_OPENAT2"))
		refuse_openat2();
	return 0;
}

/* Read what inotify has.  Returns true when the tree changed; dies when
 * something outside the root was touched. */
static bool tree_changed(void)
{
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool changed = false;
	ssize_t n;

	while ((n = read(ino, buf, sizeof(buf))) > 0) {
		char *p = buf;

		while (p < buf + n) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			int i;

			for (i = 0; i < 3; i++)
				if (ev->wd == wd_guard[i])
					die("fuzz_session: the session reached outside its root: "
					    "inotify event 0x%x on %s%s%s",
					    ev->mask, i == 0 ? base : i == 1 ? outside : users,
					    ev->len ? "/" : "", ev->len ? ev->name : "");
			/* IN_IGNORED: a watched directory went away */
			changed = true;
			p += sizeof(*ev) + ev->len;
		}
	}
	if (n < 0 && errno != EAGAIN && errno != EINTR)
		die("fuzz_session: inotify read: %s", strerror(errno));
	return changed;
}

static unsigned open_mask(int from)
{
	unsigned m = 0;
	int i;

	for (i = 0; i < FD_WINDOW; i++)
		if (fcntl(from + i, F_GETFD) >= 0)
			m |= 1u << i;
	return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct held held = HELD_NONE;
	static struct session s;
	struct activation a;
	char cwd[PATH_MAX];
	size_t off = 0;
	unsigned before, after;
	int in, out;

	in = memfd_create("ftp-input", MFD_CLOEXEC);
	if (in < 0)
		die("fuzz_session: memfd_create: %s", strerror(errno));
	while (off < size) {
		ssize_t w = write(in, data + off, size - off);

		if (w < 0)
			die("fuzz_session: write to memfd: %s", strerror(errno));
		off += (size_t)w;
	}
	if (lseek(in, 0, SEEK_SET) != 0)
		die("fuzz_session: lseek: %s", strerror(errno));
	out = verbose ? fcntl(2, F_DUPFD_CLOEXEC, 0) : open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (out < 0)
		die("fuzz_session: /dev/null: %s", strerror(errno));
	before = open_mask(in);

	memset(&a, 0, sizeof(a));
	a.mode = ACTIVATION_PIPE;
	a.in_fd = in;
	a.out_fd = out;
	snprintf(a.peer.addr, sizeof(a.peer.addr), "stdin");
	snprintf(a.local.addr, sizeof(a.local.addr), "stdout");
	memset(&s, 0, sizeof(s));
	session_init(&s, &cfg, &held, &a);
	session_run(&s);  /* closes in and out */

	/* The session's own descriptors are all closed again. */
	after = open_mask(in);
	before &= ~(1u << 0);
	if (out >= in && out < in + FD_WINDOW)
		before &= ~(1u << (out - in));
	if (after & ~before) {
		int i;

		for (i = 0; i < FD_WINDOW; i++)
			if (after & ~before & (1u << i)) {
				char link[64], target[PATH_MAX];
				ssize_t l;

				snprintf(link, sizeof(link), "/proc/self/fd/%d", in + i);
				l = readlink(link, target, sizeof(target) - 1);
				target[l > 0 ? l : 0] = '\0';
				die("fuzz_session: the session left fd %d open (%s)", in + i,
				    target);
			}
	}
	if (!getcwd(cwd, sizeof(cwd)) || strcmp(cwd, start_cwd) != 0)
		die("fuzz_session: the working directory changed to %s", cwd);
	if (tree_changed()) {
		build_tree();
		tree_changed(); /* our own events */
	}
	return 0;
}
