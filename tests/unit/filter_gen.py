"""filter-gen, the build-time program that compiles the system call filter:
it builds the filter for any architecture libseccomp knows (a cross build
gets the target's), with the target's byte order and call numbers; it fails
on a call name nobody knows; and the numbers it falls back on, for calls an
older libseccomp does not know, are the ones libseccomp gives.
    filter_gen.py PATH-TO-filter-gen"""
import re
import subprocess
import sys
import unittest

FILTER_GEN = sys.argv.pop(1) if len(sys.argv) > 1 else ""

# libseccomp's name -> (AUDIT_ARCH_* the filter checks, fchmodat2's number)
ARCHES = {
    "x86_64": (0xc000003e, 452), "x86": (0x40000003, 452), "x32": (0xc000003e, 0x40000000 + 452),
    "aarch64": (0xc00000b7, 452), "arm": (0x40000028, 452), "riscv64": (0xc00000f3, 452),
    "ppc64le": (0xc0000015, 452), "ppc64": (0x80000015, 452), "s390x": (0x80000016, 452),
    "mips": (0x00000008, 4452), "mipsel": (0x40000008, 4452), "mipsel64": (0xc0000008, 5452),
}


def gen(*args):
    return subprocess.run([FILTER_GEN, *args], capture_output=True, timeout=60)


def program(c_text):
    """[(code, jt, jf, k)] of the generated C array."""
    return [tuple(int(x, 0) for x in m.groups()) for m in
            re.finditer(r"\{(0x[0-9a-f]+), (\d+), (\d+), (0x[0-9a-f]+)\}", c_text)]


class FilterGen(unittest.TestCase):
    def test_every_architecture(self):
        for arch, (audit, fchmodat2) in ARCHES.items():
            r = gen(arch)
            self.assertEqual(r.returncode, 0, (arch, r.stderr))
            prog = program(r.stdout.decode())
            # ld [4] (seccomp_data.arch), jeq AUDIT_ARCH, in the target's byte order
            self.assertEqual(prog[0], (0x20, 0, 0, 4), arch)
            self.assertEqual((prog[1][0], prog[1][3]), (0x15, audit), arch)
            jeq = {k for code, _, _, k in prog if code == 0x15}
            self.assertIn(fchmodat2, jeq, arch)
            self.assertIn("fchmodat2=%d" % fchmodat2, r.stdout.decode(), arch)
            # the default: kill the process
            self.assertIn((0x06, 0, 0, 0x80000000), prog, arch)

    def test_fallback_numbers_are_libseccomps(self):
        r = gen("native")
        fallback = gen("--pretend-unknown", "fchmodat2", "native")
        self.assertEqual(fallback.returncode, 0, fallback.stderr)
        self.assertIn("(number from filter_gen.c)", fallback.stdout.decode())
        self.assertEqual(program(fallback.stdout.decode()), program(r.stdout.decode()))

    def test_unknown_call_fails(self):
        r = gen("--also", "no_such_call", "native")
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"does not know the system call 'no_such_call'", r.stderr)
        self.assertEqual(r.stdout, b"")

    def test_unknown_call_in_a_cross_build_fails(self):
        native = gen("--pfc", "native").stdout.decode()
        other = "aarch64" if "x86_64" in native else "x86_64"
        r = gen("--pretend-unknown", "fchmodat2", other)
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"which a cross build for %s needs" % other.encode(), r.stderr)

    def test_files_filter_has_no_network_call(self):
        """--files: the user process's filter, named files_filter_prog, is
        the session's without socket, connect, bind, listen, accept4...;
        messages on the descriptors it holds stay."""
        for arch in ARCHES:
            r = gen("--files", arch)
            self.assertEqual(r.returncode, 0, (arch, r.stderr))
            text = r.stdout.decode()
            self.assertIn("const struct sock_filter files_filter_prog[]", text)
            self.assertNotIn("syscall_filter_prog", text)
            for name in ("socket", "connect", "bind", "listen", "accept4", "setsockopt",
                         "getsockopt", "getsockname", "getpeername", "shutdown"):
                self.assertNotRegex(text, r"\* +%s[= (:]" % name, (arch, name))
            for name in ("sendmsg", "recvmsg", "openat2", "fchmodat2"):
                self.assertRegex(text, r"\* +%s[= (:]" % name, (arch, name))
            # no set-id file: openat with a mode check, openat2 refused
            self.assertRegex(text, r"\* +openat2: fails with ENOSYS", arch)
        session = gen("native").stdout.decode()
        self.assertRegex(session, r"\* +socket[= (]")
        self.assertRegex(session, r"\* +openat2=")
        self.assertNotEqual(program(gen("--files", "native").stdout.decode()), program(session))

    def test_unknown_architecture_fails(self):
        r = gen("vax")
        self.assertEqual(r.returncode, 1)
        self.assertIn(b"no architecture 'vax'", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
