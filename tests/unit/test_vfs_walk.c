/* Unit tests for the user-space path walk vfs.c falls back to where
 * openat2() is missing: every path gives what the kernel's RESOLVE_IN_ROOT
 * gives (the same file, or a failure), on a tree with escaping links. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vfs.h"

static char base[64];
static int rootfd;

static void put(const char *rel, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	f = fopen(p, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

static void link_(const char *target, const char *rel)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	cr_assert_eq(symlink(target, p), 0);
}

static void dir(const char *rel)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	cr_assert_eq(mkdir(p, 0755), 0);
}

static void setup(void)
{
	char p[256];

	snprintf(base, sizeof(base), "/tmp/sockftpd-walk.XXXXXX");
	cr_assert_not_null(mkdtemp(base));
	dir("root");
	dir("root/a");
	dir("outside");
	put("outside/secret", "secret");
	put("root/a/b.txt", "in");
	put("root/top.txt", "top");
	link_("..", "root/up");
	link_("../outside/secret", "root/esc");
	link_("/a/b.txt", "root/abs-in");
	link_("/etc/passwd", "root/abs-out");
	link_("a/../../../outside/secret", "root/deep");
	link_("loop", "root/loop");
	link_("a", "root/dirlink");
	link_("dirlink/../top.txt", "root/viadir");
	snprintf(p, sizeof(p), "%s/root", base);
	rootfd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(rootfd, 0);
}

static void teardown(void)
{
	char cmd[128];

	close(rootfd);
	/* the tree holds only what setup() made */
	snprintf(cmd, sizeof(cmd), "%s", base);
	static const char *const rels[] = {"root/a/b.txt", "root/top.txt", "root/up", "root/esc",
		"root/abs-in", "root/abs-out", "root/deep", "root/loop", "root/dirlink",
		"root/viadir", "outside/secret", "root/a", "root", "outside"};
	for (size_t i = 0; i < sizeof(rels) / sizeof(rels[0]); i++) {
		char p[256];

		snprintf(p, sizeof(p), "%s/%s", base, rels[i]);
		if (unlink(p) < 0)
			rmdir(p);
	}
	rmdir(base);
}

TestSuite(walk, .init = setup, .fini = teardown);

static int kernel_open(const char *rel, int flags)
{
	struct open_how how = {.flags = (unsigned long long)(flags | O_CLOEXEC),
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};

	return (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
}

static const char *content(int fd)
{
	static char buf[64];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* Both ways give the same: the same file, or both fail. */
static void same(const char *rel, int flags)
{
	int w = vfs_walk_open(rootfd, rel, flags, 0), we = errno;
	int k = kernel_open(rel, flags), ke = errno;
	struct stat ws, ks;

	if (k < 0 && ke == ENOSYS) {
		if (w >= 0)
			close(w);
		cr_skip_test("openat2() is not available to compare with");
	}
	cr_assert_eq(w >= 0, k >= 0, "%s: walk %d (%s), kernel %d (%s)", rel, w, strerror(we),
		     k, strerror(ke));
	if (w >= 0) {
		cr_assert_eq(fstat(w, &ws), 0);
		cr_assert_eq(fstat(k, &ks), 0);
		cr_assert(ws.st_ino == ks.st_ino && ws.st_dev == ks.st_dev, "%s: other files", rel);
		close(w);
		close(k);
	}
}

Test(walk, inside)
{
	int fd = vfs_walk_open(rootfd, "a/b.txt", O_RDONLY, 0);

	cr_assert_geq(fd, 0);
	cr_assert_str_eq(content(fd), "in");
	close(fd);
}

Test(walk, dotdot_stops_at_the_root)
{
	int fd = vfs_walk_open(rootfd, "../../a/../top.txt", O_RDONLY, 0);

	cr_assert_geq(fd, 0);
	cr_assert_str_eq(content(fd), "top");
	close(fd);
	fd = vfs_walk_open(rootfd, "up/up/a/b.txt", O_RDONLY, 0);
	cr_assert_geq(fd, 0);
	cr_assert_str_eq(content(fd), "in");
	close(fd);
}

Test(walk, escaping_links_stay_inside)
{
	errno = 0;
	cr_assert_lt(vfs_walk_open(rootfd, "esc", O_RDONLY, 0), 0);
	cr_assert_eq(errno, ENOENT);
	cr_assert_lt(vfs_walk_open(rootfd, "deep", O_RDONLY, 0), 0);
	cr_assert_eq(errno, ENOENT);
	cr_assert_lt(vfs_walk_open(rootfd, "abs-out", O_RDONLY, 0), 0);
	cr_assert_eq(errno, ENOENT);
}

Test(walk, absolute_link_is_rooted)
{
	int fd = vfs_walk_open(rootfd, "abs-in", O_RDONLY, 0);

	cr_assert_geq(fd, 0);
	cr_assert_str_eq(content(fd), "in");
	close(fd);
}

Test(walk, loop_is_eloop)
{
	cr_assert_lt(vfs_walk_open(rootfd, "loop", O_RDONLY, 0), 0);
	cr_assert_eq(errno, ELOOP);
}

Test(walk, final_link_not_followed_with_nofollow)
{
	struct stat st;
	int fd = vfs_walk_open(rootfd, "dirlink", O_PATH | O_NOFOLLOW, 0);

	cr_assert_geq(fd, 0);
	cr_assert_eq(fstat(fd, &st), 0);
	cr_assert(S_ISLNK(st.st_mode));
	close(fd);
}

Test(walk, creates_inside_only)
{
	char p[256];
	int fd = vfs_walk_open(rootfd, "up/new.txt", O_WRONLY | O_CREAT | O_EXCL, 0600);

	cr_assert_geq(fd, 0);
	close(fd);
	snprintf(p, sizeof(p), "%s/root/new.txt", base);
	cr_assert_eq(unlink(p), 0);
	cr_assert_lt(vfs_walk_open(rootfd, "esc", O_WRONLY | O_CREAT, 0600), 0);
	snprintf(p, sizeof(p), "%s/outside/secret", base);
	cr_assert_eq(access(p, F_OK), 0);
}

Test(walk, same_as_the_kernel)
{
	static const char *const paths[] = {
		"a/b.txt", "top.txt", ".", "..", "../..", "up", "up/top.txt", "esc", "deep",
		"abs-in", "abs-out", "loop", "dirlink", "dirlink/b.txt", "viadir", "a/../top.txt",
		"a/./b.txt", "missing", "a/missing/x", "top.txt/x", "dirlink/../../outside/secret",
	};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		same(paths[i], O_RDONLY);
		same(paths[i], O_PATH | O_NOFOLLOW);
	}
}

Test(walk, long_paths_refused)
{
	static char p[VPATH_MAX + 10];

	memset(p, 'a', sizeof(p) - 1);
	cr_assert_lt(vfs_walk_open(rootfd, p, O_RDONLY, 0), 0);
	cr_assert_eq(errno, ENAMETOOLONG);
}
