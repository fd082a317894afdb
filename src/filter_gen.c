/* filter_gen.c - build-time program: compiles the session's system call
 * allow-list with libseccomp, for the architecture the server is built
 * for, and prints it as a C array of BPF instructions.  The server
 * installs that array with seccomp(2), so it neither loads libseccomp nor
 * compiles a filter at every start.
 *
 *   filter-gen [--pfc] [--files] [--pretend-unknown NAME]... [--also NAME]... ARCH
 *
 * --files makes the user process's filter (files_filter_prog): the same
 * list without the calls that reach a network (network[] below): the
 * process that does a login's file work as its uid talks only through the
 * descriptors it holds.
 * ARCH is a libseccomp architecture name (x86_64, x86, x32, aarch64, arm,
 * riscv64, ppc64le, s390x, mips, ...) or "native".  meson passes the one
 * of the host machine (src/meson.build), so a cross build gets the
 * target's filter: this program runs on the build machine, but the system
 * call numbers and the architecture check in the filter are the target's.
 * --pfc prints libseccomp's readable form instead of C.  --pretend-unknown
 * and --also exist for the tests (tests/unit/filter_gen_arches.py): they
 * check the fallback for calls that an older libseccomp does not know, and
 * that a name nobody knows fails the build. */
#define _GNU_SOURCE
#include <errno.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* What a session does after start-up: control and data I/O, files below
 * its root, data sockets, logging (journal, syslog), loading libcrypt or
 * libsystemd on first use, sleeping before a failed login's reply.
 *
 * Each call is listed under every name a C library may use for it: the
 * newer calls that glibc tries first (fchmodat2 for fchmodat(...,
 * AT_SYMLINK_NOFOLLOW) since glibc 2.39, faccessat2 for faccessat(...,
 * AT_EACCESS) since 2.33, statx, clock_nanosleep for nanosleep) and the
 * names of 32-bit architectures (fstatat64, _llseek, fcntl64, sendfile64,
 * mmap2, the *_time64 calls of glibc 2.34 and later).  A name that does not
 * exist on the target architecture is left out of its filter; a name that
 * libseccomp does not know at all fails the build, unless it is in
 * unified[] below.  Not listed, on purpose: rseq (glibc registers it when a
 * thread starts; a session starts none, and clone is refused), pselect6
 * (nothing calls select), getdents (glibc reads directories with
 * getdents64 everywhere), socketcall (libseccomp adds the multiplexed
 * form of each listed socket call itself on x86 and friends). */
static const char *const allowed[] = {
	/* I/O */
	"read", "write", "readv", "writev", "pread64", "pwrite64", "lseek", "_llseek",
	"close", "close_range", "poll", "ppoll", "ppoll_time64", "sendfile", "sendfile64",
	"splice", "pipe2", "fcntl", "fcntl64", "dup", "dup3",
	/* files (openat, openat2: opens[] below) */
	"fstat", "fstat64", "newfstatat", "fstatat64", "statx",
	"getdents64", "unlinkat", "renameat", "renameat2", "faccessat", "faccessat2",
	"readlinkat", "fstatfs", "fstatfs64", "ftruncate", "ftruncate64", "fsync",
	"fdatasync", "access",
	/* STOR gives the new file the owner of the one it replaces (the mode:
	 * mode_calls[] below) */
	"fchown", "fchown32",
	/* messages on sockets it holds (the log, the processes' socketpairs,
	 * SCM_RIGHTS) */
	"sendto", "sendmsg", "recvfrom", "recvmsg",
	/* memory and libraries */
	"brk", "mmap", "mmap2", "munmap", "mprotect", "mremap", "madvise", "memfd_create",
	/* time, randomness, identity */
	"clock_gettime", "clock_gettime64", "clock_nanosleep", "clock_nanosleep_time64",
	"nanosleep", "gettimeofday", "time", "getrandom", "getpid", "gettid", "getuid",
	"geteuid", "getgid", "getegid", "getuid32", "geteuid32", "getgid32", "getegid32",
	"uname", "futex", "futex_time64",
	/* signals and the end */
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "restart_syscall",
	"exit", "exit_group",
};

/* Calls that make, name or reach network endpoints: the session's data
 * connections need them, the user process's filter (--files) leaves them
 * out. */
static const char *const network[] = {
	"socket", "bind", "listen", "accept4", "connect", "getsockname", "getpeername",
	"getsockopt", "setsockopt", "shutdown",
};

/* The calls that open: the session's filter allows both.  The user
 * process's (--files) allows openat only with a mode (its fourth argument:
 * glibc passes 0 when it opens without O_CREAT) without the set-id bits,
 * and answers openat2 with ENOSYS, since its mode sits in a struct a filter
 * cannot read: a taken-over user process could otherwise create a set-id
 * file of its account.  Without openat2, the user process's paths are
 * resolved by plain openat() inside its chroot into the home, or, where a
 * proc file system is mounted below the home, in user space (userproc.c,
 * vfs_resolve_by). */
static const char *const opens[] = {"openat", "openat2"};
#define OPENAT_MODE_ARG 3

/* Calls that set a mode, allowed only without the set-user-ID and
 * set-group-ID bits (the argument that is the mode): a session never makes
 * a set-id file, also where the service manager does not forbid it (the
 * systemd unit leaves RestrictSUIDSGID= off for openat2's sake).  SITE
 * CHMOD, MKD and STOR's kept mode all stay below 01777. */
static const struct {
	const char *name;
	unsigned arg;
} mode_calls[] = {
	{"fchmodat", 2}, {"fchmodat2", 2}, {"chmod", 1}, {"fchmod", 1}, {"mkdirat", 2},
};

/* Calls newer than some libseccomp still in use (Debian 12's 2.5.4 before
 * its deb12u1 update, Ubuntu 22.04's 2.5.3 know no fchmodat2).  Since
 * Linux 5.1 every new system call has the same number on every
 * architecture, added to the architecture's base: 0 for most, 4000 for
 * MIPS o32, 5000 for n64, 6000 for n32, the x32 flag 0x40000000 for x32.
 * That base is read off a call libseccomp knows, pidfd_send_signal (424),
 * and checked against two more.  This works for a native build only:
 * libseccomp translates a number for another architecture through the
 * call's name, so a cross build needs a libseccomp that knows every name
 * (and says so). */
static const struct {
	const char *name;
	int nr;
} unified[] = {
	{"fchmodat2", 452},
};

/* prctl only to read: libcap (loaded with libsystemd) probes the bounding
 * set, libsystemd reads the process name. */
static const int prctl_reads[] = {
	PR_CAPBSET_READ, PR_GET_NAME, PR_GET_DUMPABLE, PR_GET_NO_NEW_PRIVS,
	PR_GET_SECUREBITS,
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_NAMES 16

struct opts {
	bool pfc;
	bool files;
	const char *arch_name;
	uint32_t arch;
	const char *pretend_unknown[MAX_NAMES];
	size_t n_pretend;
	const char *also[MAX_NAMES];
	size_t n_also;
};

static void die(const char *what, int r)
{
	fprintf(stderr, "filter-gen: %s: %s\n", what, strerror(r < 0 ? -r : r));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr, "usage: filter-gen [--pfc] [--files] [--pretend-unknown NAME]... "
		"[--also NAME]... ARCH\n");
	exit(2);
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--pfc") == 0)
			o->pfc = true;
		else if (strcmp(argv[i], "--files") == 0)
			o->files = true;
		else if (strcmp(argv[i], "--pretend-unknown") == 0 && i + 1 < argc &&
			 o->n_pretend < MAX_NAMES)
			o->pretend_unknown[o->n_pretend++] = argv[++i];
		else if (strcmp(argv[i], "--also") == 0 && i + 1 < argc && o->n_also < MAX_NAMES)
			o->also[o->n_also++] = argv[++i];
		else if (argv[i][0] != '-' && !o->arch_name)
			o->arch_name = argv[i];
		else
			usage();
	}
	if (!o->arch_name)
		usage();
	o->arch = strcmp(o->arch_name, "native") == 0 ? seccomp_arch_native()
						       : seccomp_arch_resolve_name(o->arch_name);
	if (o->arch == 0) {
		fprintf(stderr, "filter-gen: libseccomp knows no architecture '%s'\n",
			o->arch_name);
		exit(1);
	}
}

static bool pretended_unknown(const struct opts *o, const char *name)
{
	size_t i;

	for (i = 0; i < o->n_pretend; i++)
		if (strcmp(o->pretend_unknown[i], name) == 0)
			return true;
	return false;
}

/* The number of a unified[] call on the target, or fail. */
static int unified_nr(const struct opts *o, const char *name)
{
	int base = seccomp_syscall_resolve_name_arch(o->arch, "pidfd_send_signal") - 424;
	size_t i;

	if (base + 424 == __NR_SCMP_ERROR ||
	    seccomp_syscall_resolve_name_arch(o->arch, "close_range") != base + 436 ||
	    seccomp_syscall_resolve_name_arch(o->arch, "openat2") != base + 437) {
		fprintf(stderr, "filter-gen: cannot tell the system call numbers of "
			"architecture %s: libseccomp is too old\n", o->arch_name);
		exit(1);
	}
	for (i = 0; i < COUNT(unified); i++)
		if (strcmp(unified[i].name, name) == 0)
			return base + unified[i].nr;
	fprintf(stderr, "filter-gen: libseccomp %u.%u.%u does not know the system call "
		"'%s': update it, or add the call's number to unified[] in filter_gen.c\n",
		seccomp_version()->major, seccomp_version()->minor, seccomp_version()->micro,
		name);
	exit(1);
}

/* Allow one call by name (when cmp is not NULL, only where it holds); say
 * in *note how it went into the filter. */
static void allow(scmp_filter_ctx ctx, const struct opts *o, const char *name,
		  const struct scmp_arg_cmp *cmp, char *note, size_t cap)
{
	int target = pretended_unknown(o, name) ? __NR_SCMP_ERROR
						: seccomp_syscall_resolve_name_arch(o->arch, name);
	int r;

	if (target == __NR_SCMP_ERROR) {
		/* unknown to libseccomp: the number on the target, added as is.
		 * libseccomp finds a call's number on another architecture by
		 * its name on the build machine's, so a cross build cannot. */
		if (o->arch != seccomp_arch_native()) {
			fprintf(stderr, "filter-gen: libseccomp %u.%u.%u does not know the "
				"system call '%s', which a cross build for %s needs: build "
				"with a libseccomp that knows it\n", seccomp_version()->major,
				seccomp_version()->minor, seccomp_version()->micro, name,
				o->arch_name);
			exit(1);
		}
		target = unified_nr(o, name);
		r = seccomp_rule_add_exact_array(ctx, SCMP_ACT_ALLOW, target, cmp ? 1 : 0, cmp);
		snprintf(note, cap, "%s=%d (number from filter_gen.c)", name, target);
	} else if (target <= -10000) {
		/* libseccomp's marker for "not on this architecture" */
		snprintf(note, cap, "%s: not on %s", name, o->arch_name);
		return;
	} else {
		/* libseccomp translates the build machine's number (or its
		 * marker) to the target's, and adds socketcall forms */
		r = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, seccomp_syscall_resolve_name(name),
					   cmp ? 1 : 0, cmp);
		snprintf(note, cap, target < 0 ? "%s (multiplexed call %d)" : "%s=%d", name,
			 target);
	}
	if (r < 0)
		die(name, r);
}

static void allow_prctl_reads(scmp_filter_ctx ctx)
{
	size_t i;
	int r;

	for (i = 0; i < COUNT(prctl_reads); i++) {
		struct scmp_arg_cmp first_arg = {
			.arg = 0, .op = SCMP_CMP_EQ,
			.datum_a = (scmp_datum_t)prctl_reads[i], .datum_b = 0,
		};

		r = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1, &first_arg);
		if (r < 0)
			die("prctl", r);
	}
}

/* A filter context for the target architecture alone. */
static scmp_filter_ctx make_ctx(const struct opts *o)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int r;

	if (!ctx)
		die("seccomp_init", ENOMEM);
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (r < 0)
		die("seccomp_attr_set", r);
	if (o->arch != seccomp_arch_native()) {
		/* the native one out first: one filter has one byte order */
		r = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
		if (r < 0)
			die("seccomp_arch_remove", r);
		r = seccomp_arch_add(ctx, o->arch);
		if (r < 0)
			die("seccomp_arch_add", r);
	}
	return ctx;
}

/* An n-byte number as the target stores it: libseccomp writes the program
 * in the target's byte order, which the AUDIT_ARCH_* value that is its
 * architecture token tells (__AUDIT_ARCH_LE). */
static unsigned long target_uint(const struct opts *o, const unsigned char *p, size_t n)
{
	unsigned long v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v |= (unsigned long)p[i] << (8 * ((o->arch & 0x40000000u) ? i : n - 1 - i));
	return v;
}

/* The BPF program as C, with what went into it as a comment. */
static void print_c(int fd, const struct opts *o, char notes[][64], size_t n_notes)
{
	const char *name = o->files ? "files_filter" : "syscall_filter";
	unsigned char buf[65536];
	ssize_t n = pread(fd, buf, sizeof(buf), 0);
	size_t i;

	if (n <= 0 || n % 8 != 0 || (size_t)n == sizeof(buf))
		die("reading the program", EINVAL);
	printf("/* Generated by filter_gen.c at build time for %s: do not edit.\n"
	       " * The %s filter.  Allowed (name=number on %s):\n", o->arch_name,
	       o->files ? "user process's (no network calls)" : "session's", o->arch_name);
	for (i = 0; i < n_notes; i++)
		printf(" *   %s\n", notes[i]);
	printf(" * and prctl reads (PR_CAPBSET_READ, PR_GET_*).  Anything else kills. */\n"
	       "#include <linux/filter.h>\n\n"
	       "extern const struct sock_filter %s_prog[];\n"
	       "extern const unsigned short %s_len;\n\n"
	       "const struct sock_filter %s_prog[] = {\n", name, name, name);
	for (i = 0; i < (size_t)n; i += 8)
		printf("\t{0x%04x, %u, %u, 0x%08lx},\n", (unsigned)target_uint(o, buf + i, 2),
		       buf[i + 2], buf[i + 3], target_uint(o, buf + i + 4, 4));
	printf("};\n\nconst unsigned short %s_len = %zu;\n", name, (size_t)n / 8);
}

int main(int argc, char **argv)
{
	static char notes[COUNT(allowed) + COUNT(network) + COUNT(opens) + COUNT(mode_calls) +
			  MAX_NAMES][64];
	size_t i, n_notes = 0;
	struct opts o;
	scmp_filter_ctx ctx;
	int fd, r;

	parse_args(argc, argv, &o);
	ctx = make_ctx(&o);
	for (i = 0; i < COUNT(allowed); i++, n_notes++)
		allow(ctx, &o, allowed[i], NULL, notes[n_notes], sizeof(notes[n_notes]));
	for (i = 0; i < COUNT(network) && !o.files; i++, n_notes++)
		allow(ctx, &o, network[i], NULL, notes[n_notes], sizeof(notes[n_notes]));
	for (i = 0; i < COUNT(opens) && !o.files; i++, n_notes++)
		allow(ctx, &o, opens[i], NULL, notes[n_notes], sizeof(notes[n_notes]));
	if (o.files) {
		struct scmp_arg_cmp no_set_id = {
			.arg = OPENAT_MODE_ARG, .op = SCMP_CMP_MASKED_EQ,
			.datum_a = S_ISUID | S_ISGID, .datum_b = 0,
		};

		allow(ctx, &o, "openat", &no_set_id, notes[n_notes], sizeof(notes[n_notes]));
		n_notes++;
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(openat2), 0);
		if (r < 0)
			die("openat2", r);
		snprintf(notes[n_notes++], sizeof(notes[0]), "openat2: fails with ENOSYS");
	}
	for (i = 0; i < COUNT(mode_calls); i++, n_notes++) {
		struct scmp_arg_cmp no_set_id = {
			.arg = mode_calls[i].arg, .op = SCMP_CMP_MASKED_EQ,
			.datum_a = S_ISUID | S_ISGID, .datum_b = 0,
		};

		allow(ctx, &o, mode_calls[i].name, &no_set_id, notes[n_notes],
		      sizeof(notes[n_notes]));
	}
	for (i = 0; i < o.n_also; i++, n_notes++)
		allow(ctx, &o, o.also[i], NULL, notes[n_notes], sizeof(notes[n_notes]));
	allow_prctl_reads(ctx);
	if (o.pfc) {
		r = seccomp_export_pfc(ctx, STDOUT_FILENO);
		if (r < 0)
			die("seccomp_export_pfc", r);
		seccomp_release(ctx);
		return 0;
	}
	fd = memfd_create("filter", 0);
	if (fd < 0)
		die("memfd_create", errno);
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		die("seccomp_export_bpf", r);
	print_c(fd, &o, notes, n_notes);
	seccomp_release(ctx);
	return 0;
}
