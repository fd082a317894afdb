"""sockftpd-passwd, the users file tool (issue 12): add, passwd, home, mode,
lock, unlock, delete, list, check; passwords from --stdin or asked twice on
a terminal; the file replaced atomically with its mode kept; names and homes
that would break the format refused; and sockftpd logs the users in."""
import os
import pty
import stat
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (SOCKFTPD, TIMEOUT, Ftp, give_to_server, main,  # noqa: E402
                     socket_activate)

TOOL = os.path.join(os.path.dirname(SOCKFTPD), "sockftpd-passwd")


class Passwd(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        os.chmod(self.tmp.name, 0o755)
        self.file = os.path.join(self.tmp.name, "users")
        self.home = os.path.join(self.tmp.name, "home")
        os.makedirs(self.home)
        give_to_server(self.home)

    def tool(self, *args, password=None):
        return subprocess.run([TOOL, "-f", self.file, *(["--stdin"] if password is not None
                                                         else []), *args],
                              input=(password + "\n").encode() if password is not None
                              else None, capture_output=True, timeout=TIMEOUT)

    def ok(self, *args, password=None):
        r = self.tool(*args, password=password)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        return r.stdout.decode()

    def login(self, user, password):
        srv = socket_activate(["127.0.0.1:0"], args=["--users", self.file,
                                                     "--login-delay", "0"])
        try:
            f = Ftp("127.0.0.1", srv.port)
            f.cmd("USER " + user)
            code = f.cmd("PASS " + password)[0]
            f.close()
            return code
        finally:
            srv.stop()

    def test_the_life_of_a_user(self):
        self.ok("add", "alice", self.home, "rw", password="first pass")
        st = os.stat(self.file)
        self.assertIn(stat.S_IMODE(st.st_mode), (0o600, 0o640))
        with open(self.file) as f:
            line = f.read()
        self.assertRegex(line, r"^alice:\$y\$[^:]+:%s:rw\n$" % self.home)
        self.assertEqual(self.login("alice", "first pass"), 230)
        self.ok("passwd", "alice", password="second pass")
        self.assertEqual(self.tool("check", "alice", password="first pass").returncode, 1)
        self.ok("check", "alice", password="second pass")
        self.assertEqual(self.login("alice", "second pass"), 230)
        self.ok("lock", "alice")
        self.assertIn("alice\t%s\trw\tlocked" % self.home, self.ok("list"))
        self.assertEqual(self.login("alice", "second pass"), 530)
        self.ok("unlock", "alice")
        self.assertEqual(self.login("alice", "second pass"), 230)
        self.ok("mode", "alice", "ro")
        self.ok("home", "alice", "/srv/elsewhere")
        self.assertEqual(self.ok("list"), "alice\t/srv/elsewhere\tro\n")
        os.chmod(self.file, 0o640)
        self.ok("add", "bob", self.home, password="b")
        self.assertEqual(stat.S_IMODE(os.stat(self.file).st_mode), 0o640)  # kept
        self.ok("delete", "alice")
        self.assertEqual(self.ok("list"), "bob\t%s\tro\n" % self.home)
        # nothing left beside it
        self.assertEqual(sorted(os.listdir(self.tmp.name)), ["home", "users"])

    def test_mixed_methods_do_not_tell_unknown_names(self):
        """A file whose first user has a cheap hash (sha512-crypt) and a
        later one the costly yescrypt: an unknown name costs the costliest
        method of the file, not the first line's (no timing oracle), and
        --check-config warns about the mix."""
        self.ok("--sha512", "add", "fast", self.home, "rw", password="f")
        r = self.tool("add", "slow", self.home, "rw", password="s")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(b"now mixes hash methods (yescrypt for slow, sha512-crypt for fast)",
                      r.stderr)
        srv = socket_activate(["127.0.0.1:0"], args=["--users", self.file,
                                                     "--login-delay", "0"])
        self.addCleanup(srv.stop)

        def failed_login(user):
            f = Ftp("127.0.0.1", srv.port)
            try:
                f.cmd("USER " + user)
                start = time.monotonic()
                self.assertEqual(f.cmd("PASS wrong")[0], 530)
                return time.monotonic() - start
            finally:
                f.close()

        # interleaved, the fastest of five each: a busy machine slows
        # them all alike
        times = {"slow": [], "nobody-of-that-name": [], "fast": []}
        for _ in range(5):
            for user in times:
                times[user].append(failed_login(user))
        slow, unknown, fast = (min(times[u]) for u in times)
        self.assertGreater(slow, 4 * fast, "yescrypt should cost more than sha512-crypt")
        # before: the first line's method, sha512-crypt (unknown ~ fast)
        self.assertGreater(unknown, slow / 4, (unknown, slow, fast))
        r = subprocess.run([SOCKFTPD, "--check-config", "--users", self.file],
                           capture_output=True, timeout=TIMEOUT)
        self.assertIn(b"the hashes mix methods", r.stdout)

    def test_accounts(self):
        """account NAME ACCOUNT: a system user or uid=,gid= after the mode,
        - for the default; root refused; a root start logs in with it (the
        account here: nobody's own ids, so that the files stay the
        server's)."""
        self.ok("add", "erin", self.home, "rw", password="e")
        self.ok("account", "erin", "uid=65534,gid=65534")
        with open(self.file) as f:
            self.assertRegex(f.read(), r"^erin:\$y\$[^:]+:%s:rw:uid=65534,gid=65534\n$"
                             % self.home)
        self.assertEqual(self.ok("list"), "erin\t%s\trw\taccount=uid=65534,gid=65534\n"
                         % self.home)
        if os.geteuid() == 0:
            self.assertEqual(self.login("erin", "e"), 230)
        self.ok("account", "erin", "nobody")
        self.ok("lock", "erin")
        self.assertEqual(self.ok("list"), "erin\t%s\trw\taccount=nobody\tlocked\n" % self.home)
        self.ok("account", "erin", "-")
        self.assertEqual(self.ok("list"), "erin\t%s\trw\tlocked\n" % self.home)
        before = open(self.file).read()
        for bad, word in (("root", "root is refused"), ("uid=0,gid=0", "uid 0"),
                          ("uid=5", "uid=UID,gid=GID"), ("a:b", "system user name"),
                          ("1001", "uid=UID,gid=GID")):
            r = self.tool("account", "erin", bad)
            self.assertEqual(r.returncode, 2, bad)
            self.assertIn(word, r.stderr.decode(), bad)
        self.assertEqual(open(self.file).read(), before)

    def test_refusals(self):
        self.ok("add", "carol", self.home, password="c")
        before = open(self.file).read()
        for args, word in ((("add", "carol", self.home), "exists"),
                           (("add", "a:b", self.home), "':'"),
                           (("add", "a b", self.home), "space"),
                           (("add", "#x", self.home), "'#'"),
                           (("add", "d", "relative"), "absolute"),
                           (("add", "d", "/a:b"), "':'"),
                           (("add", "d", "/a\nb"), "control"),
                           (("add", "d", self.home, "rx"), "rw or ro"),
                           (("passwd", "nobody-here"), "no user"),
                           (("mode", "carol", "xx"), "rw or ro")):
            r = self.tool(*args, password="p")
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(word, r.stderr.decode(), args)
        r = self.tool("add", "e", self.home, password="")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(open(self.file).read(), before)

    def test_asked_twice_on_a_terminal(self):
        def run(answers):
            pid, fd = pty.fork()
            if pid == 0:
                os.execv(TOOL, [TOOL, "-f", self.file, "add", "dave", self.home])
            out = b""
            deadline = time.monotonic() + TIMEOUT
            for answer in answers:
                while not out.rstrip().endswith(b":") and time.monotonic() < deadline:
                    out += os.read(fd, 1024)
                os.write(fd, answer + b"\n")
                out = b""
            while time.monotonic() < deadline:
                try:
                    if not os.read(fd, 1024):
                        break
                except OSError:
                    break
            os.close(fd)
            return os.waitpid(pid, 0)[1]
        self.assertNotEqual(os.waitstatus_to_exitcode(run([b"one", b"two"])), 0)
        self.assertFalse(os.path.exists(self.file))
        self.assertEqual(os.waitstatus_to_exitcode(run([b"same", b"same"])), 0)
        self.ok("check", "dave", password="same")


if __name__ == "__main__":
    main()
