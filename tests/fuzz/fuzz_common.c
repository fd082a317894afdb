/* fuzz_common.c - the tree, the configuration and the checks the
 * whole-session fuzz targets share (see fuzz_common.h). */
#include "fuzz_common.h"

#include <crypt.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <sanitizer/common_interface_defs.h>

#include "log.h"

/* SHA-512 crypt with a fixed salt and the fewest rounds it allows: each
 * PASS costs one hash, and the default 5000 rounds took more than half of
 * the fuzzing time (1.1 ms against 0.24 ms per PASS). */
#define FUZZ_SETTING "$6$rounds=1000$saltsalt$"

/* How many descriptors are checked for leaks: 0 to FD_WINDOW - 1.  A
 * session's descriptors take the lowest free numbers, so a leaked one is
 * among them. */
#define FD_WINDOW 64

struct fuzz_env fuzz_env;
bool fuzz_verbose;

static const char *prog = "fuzz";  /* the target's name, for messages */
static char start_cwd[PATH_MAX];
static int ino = -1;               /* inotify */
static int wd_guard[3];            /* base, outside, users: must stay quiet */
static pid_t owner;                /* the process that made base */

void fuzz_die(const char *fmt, ...)
{
	char msg[1024];
	int n;
	va_list ap;

	n = snprintf(msg, sizeof(msg), "%s: ", prog);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	__sanitizer_report_error_summary(msg);
	abort();
}

static void setup_die(const char *what, const char *path) __attribute__((noreturn));

static void setup_die(const char *what, const char *path)
{
	fuzz_die("setup: %s %s: %s", what, path, strerror(errno));
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

	snprintf(p, sizeof(p), "%s%s", fuzz_env.root, rel);
	if (inotify_add_watch(ino, p, tree_events) < 0 && errno != EACCES)
		setup_die("inotify_add_watch", p);
}

/* The files every input starts from. */
static void build_tree(void)
{
	int r = open(fuzz_env.root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (r < 0)
		setup_die("open", fuzz_env.root);
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
		setup_die("symlink", fuzz_env.root);
	close(r);
	watch_tree("");
	watch_tree("/sub");
	watch_tree("/sub/deeper");
	watch_tree("/noperm");
}

static void cleanup(void)
{
	int fd;

	if (getpid() != owner || !fuzz_env.base[0])
		return;
	fd = open(fuzz_env.base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		empty_dir(fd);
		close(fd);
	}
	rmdir(fuzz_env.base);
}

/* Add -close_fd_mask=2 unless the user chose. */
static void quiet_stderr(int *argc, char ***argv)
{
	static char flag[] = "-close_fd_mask=2";
	char **nv;
	int i;

	if (fuzz_verbose)
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
 * profiles; connect() -> ENETUNREACH, no network.  A test device, not a
 * security boundary: no architecture check. */
static void refuse_calls(bool openat2, bool connect)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, openat2 ? SYS_openat2 : ~0u, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, connect ? SYS_connect : ~0u, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENETUNREACH),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fp = {.len = sizeof(f) / sizeof(f[0]), .filter = f};

	if (!openat2 && !connect)
		return;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fp) < 0)
		setup_die("seccomp", openat2 ? "openat2" : "connect");
}

void fuzz_env_init(int *argc, char ***argv, const char *name, struct config *cfg,
		   unsigned refuse)
{
	struct fuzz_env *e = &fuzz_env;
	const char *tmp = getenv("TMPDIR");
	char tmpl[PATH_MAX], line[PATH_MAX + 256];
	struct crypt_data *cd;
	const char *hash;
	int fd;

	prog = name;
	fuzz_verbose = getenv("SOCKFTPD_FUZZ_VERBOSE") != NULL;
	quiet_stderr(argc, argv);
	if (!getcwd(start_cwd, sizeof(start_cwd)))
		setup_die("getcwd", ".");
	snprintf(tmpl, sizeof(tmpl), "%s/sockftpd-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(tmpl) || !realpath(tmpl, e->base))
		setup_die("mkdtemp", tmpl);
	owner = getpid();
	atexit(cleanup);
	snprintf(e->root, sizeof(e->root), "%s/root", e->base);
	snprintf(e->outside, sizeof(e->outside), "%s/outside", e->base);
	snprintf(e->users, sizeof(e->users), "%s/users", e->base);
	if (mkdir(e->root, 0755) < 0 || mkdir(e->outside, 0755) < 0)
		setup_die("mkdir", e->root);
	fd = open(e->outside, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		setup_die("open", e->outside);
	write_file(fd, "canary", "outside the root\n", 0666);
	close(fd);

	cd = calloc(1, sizeof(*cd));
	hash = cd ? crypt_rn(FUZZ_PASS, FUZZ_SETTING, cd, sizeof(*cd)) : NULL;
	if (!hash || hash[0] == '*')
		setup_die("crypt_rn", FUZZ_SETTING);
	snprintf(line, sizeof(line), "# sockftpd fuzz users\n" FUZZ_USER ":%s:%s:rw\n", hash,
		 e->root);
	free(cd);
	fd = open(e->base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		setup_die("open", e->base);
	write_file(fd, "users", line, 0600);
	close(fd);

	ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (ino < 0)
		setup_die("inotify_init1", "");
	/* base: root/ itself must stay; outside/: not even opened; users:
	 * read at each PASS, never changed. */
	wd_guard[0] = inotify_add_watch(ino, e->base, IN_CREATE | IN_DELETE | IN_MOVED_FROM |
					IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF);
	wd_guard[1] = inotify_add_watch(ino, e->outside, IN_ALL_EVENTS & ~IN_CLOSE_NOWRITE);
	wd_guard[2] = inotify_add_watch(ino, e->users, IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE |
					IN_DELETE_SELF | IN_MOVE_SELF);
	if (wd_guard[0] < 0 || wd_guard[1] < 0 || wd_guard[2] < 0)
		setup_die("inotify_add_watch", e->base);
	build_tree();

	config_defaults(cfg, NULL);
	cfg->log_target = LOG_TARGET_STDERR;
	cfg->anonymous_root = e->root;
	cfg->users_file = e->users;
	cfg->login_delay_ms = 0;
	cfg->idle_timeout = 1;
	cfg->data_timeout = 0;
	log_open(LOG_TARGET_STDERR);
	signal(SIGPIPE, SIG_IGN);
	refuse_calls(getenv("SOCKFTPD_FUZZ_NO_OPENAT2") != NULL,
		     (refuse & FUZZ_REFUSE_CONNECT) != 0);
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
					fuzz_die("the session reached outside its root: "
						 "inotify event 0x%x on %s%s%s", ev->mask,
						 i == 0 ? fuzz_env.base
						 : i == 1 ? fuzz_env.outside : fuzz_env.users,
						 ev->len ? "/" : "", ev->len ? ev->name : "");
			/* IN_IGNORED: a watched directory went away */
			changed = true;
			p += sizeof(*ev) + ev->len;
		}
	}
	if (n < 0 && errno != EAGAIN && errno != EINTR)
		fuzz_die("inotify read: %s", strerror(errno));
	return changed;
}

uint64_t fuzz_fds_open(void)
{
	uint64_t m = 0;
	int i;

	for (i = 0; i < FD_WINDOW; i++)
		if (fcntl(i, F_GETFD) >= 0)
			m |= (uint64_t)1 << i;
	return m;
}

void fuzz_env_check(uint64_t fds_before)
{
	uint64_t left = fuzz_fds_open() & ~fds_before;
	char cwd[PATH_MAX];

	/* the session's own descriptors are all closed again */
	if (left) {
		char link[64], target[PATH_MAX];
		int fd = __builtin_ctzll(left);
		ssize_t l;

		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		l = readlink(link, target, sizeof(target) - 1);
		target[l > 0 ? l : 0] = '\0';
		fuzz_die("the session left fd %d open (%s)", fd, target);
	}
	if (!getcwd(cwd, sizeof(cwd)) || strcmp(cwd, start_cwd) != 0)
		fuzz_die("the working directory changed to %s", cwd);
	if (tree_changed()) {
		build_tree();
		tree_changed(); /* our own events */
	}
}
