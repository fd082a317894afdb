"""Least privilege: started as root, sockftpd switches to --run-as (nobody by
default) before it reads a command, keeps no capability, sets no_new_privs,
chroots into a single anonymous root; with virtual users, a root monitor
without the connection stays behind and each login's file work runs in a
user process; in every start, core dumps are off and descriptors and
processes are limited."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (SOCKFTPD, TIMEOUT, Ftp, Server, give_to_server,  # noqa: E402
                     inet_fds, main, make_users_file, session_processes, socket_activate,
                     with_reserved_port)


def spawned(srv):
    """The pid of the session process srv spawned last."""
    return int(srv.log.wait_for(lambda l: "Spawned" in l and " as PID " in l)[-1]
               .rsplit(" ", 1)[1].rstrip("."))


def status_of(srv, pid=None):
    """/proc status, limits and root of the session process srv spawned
    last (or of pid)."""
    pid = pid or spawned(srv)
    with open("/proc/%d/status" % pid) as f:
        status = f.read()
    with open("/proc/%d/limits" % pid) as f:
        limits = f.read()
    try:
        root = os.readlink("/proc/%d/root" % pid)
    except OSError:
        root = None
    return status, limits, root


def field(status, name):
    return re.search(r"^%s:[ \t]*(.*)$" % name, status, re.M).group(1).split()


class Privileges(unittest.TestCase):
    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("needs root: these tests start sockftpd as root")
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        os.chmod(self.tmp.name, 0o755)
        self.anon = os.path.join(self.tmp.name, "anon")
        self.home = os.path.join(self.tmp.name, "home")
        os.makedirs(self.anon)
        os.makedirs(self.home)
        with open(os.path.join(self.anon, "file.txt"), "w") as f:
            f.write("anon\n")
        give_to_server(self.anon, self.home)
        self.users = os.path.join(self.tmp.name, "users")
        make_users_file(self.users, [("alice", "pw", self.home, "rw")])
        os.chmod(self.users, 0o600)  # root's only: opened before the switch

    def session(self, args):
        srv = socket_activate(["127.0.0.1:0"], args=[*args, "--login-delay", "0"])
        self.addCleanup(srv.stop)
        f = Ftp("127.0.0.1", srv.port)
        self.addCleanup(f.close)
        self.assertEqual(f.greeting[0], 220)
        return srv, f

    def check_unprivileged(self, status, limits, bounding=True):
        self.assertEqual(field(status, "Uid"), ["65534"] * 4)
        self.assertEqual(field(status, "Gid"), ["65534"] * 4)
        self.assertEqual(field(status, "Groups"), [])
        for cap in ("CapInh", "CapPrm", "CapEff", "CapAmb") + (("CapBnd",) if bounding else ()):
            self.assertEqual(int(field(status, cap)[0], 16), 0, cap)
        self.assertEqual(field(status, "NoNewPrivs"), ["1"])
        self.assertRegex(limits, r"Max core file size\s+0\s+0")
        self.assertRegex(limits, r"Max open files\s+64\s+64")
        if not os.environ.get("SOCKFTPD_SANITIZED"):  # LeakSanitizer needs a thread
            self.assertRegex(limits, r"Max processes\s+0\s+0")

    def test_anonymous_only_is_chrooted_and_unprivileged(self):
        srv, f = self.session(["--anonymous", self.anon])
        self.assertEqual(f.cmd("NOOP")[0], 200)
        status, limits, root = status_of(srv)
        self.check_unprivileged(status, limits)
        self.assertEqual(root, self.anon)
        f.login("anonymous", "x")
        self.assertEqual(f.retr("file.txt")[2], b"anon\n")

    def test_users_file_readable_by_root_only(self):
        """Virtual users: the spawned process stays root as the monitor,
        without the connection; the network process is nobody, chrooted
        into the anonymous root (the homes are the user processes'); the
        login's user process is its account (here the default, nobody),
        chrooted into its home."""
        srv, f = self.session(["--users", self.users, "--anonymous", self.anon])
        f.login("alice", "pw")
        monitor = spawned(srv)
        net, user = session_processes(monitor, want_user=True)
        status, limits, root = status_of(srv, net)
        self.check_unprivileged(status, limits)
        self.assertEqual(root, self.anon)
        status, limits, root = status_of(srv, user)
        self.check_unprivileged(status, limits)
        self.assertEqual(root, self.home)
        status, _, _ = status_of(srv, monitor)
        self.assertEqual(field(status, "Uid"), ["0"] * 4)
        self.assertEqual(inet_fds(monitor), [])
        self.assertEqual(f.stor("up.txt", b"uploaded")[0], 226)
        st = os.stat(os.path.join(self.home, "up.txt"))
        self.assertEqual((st.st_uid, st.st_gid), (65534, 65534))

    def test_run_as_must_exist_and_not_be_root(self):
        # alone, and with the monitor (--users: looked up before the split)
        for user, msg in (("no-such-user-here", b"no such user"), ("root", b"that is root")):
            for extra in ([], ["--users", "/dev/null"]):
                r = subprocess.run([SOCKFTPD, "--run-as", user] + extra, input=b"QUIT\r\n",
                                   capture_output=True, timeout=TIMEOUT)
                self.assertEqual(r.returncode, 2)
                self.assertIn(msg, r.stderr)
                self.assertEqual(r.stdout, b"")  # not even a greeting


class Unprivileged(unittest.TestCase):
    def test_limits_and_no_new_privs_without_root(self):
        """Started by an ordinary user (here nobody, through setpriv): no
        switch, but the same limits and no_new_privs."""
        if os.geteuid() != 0 or not shutil.which("setpriv"):
            self.skipTest("needs root and setpriv to start as another user")
        listen = with_reserved_port("127.0.0.1:0")
        srv = Server(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                      "systemd-socket-activate", "-a", "-l", listen, "--",
                      SOCKFTPD], ["Listening on " + listen])
        self.addCleanup(srv.stop)
        f = Ftp("127.0.0.1", srv.port)
        self.addCleanup(f.close)
        self.assertEqual(f.cmd("NOOP")[0], 200)
        status, limits, _ = status_of(srv)
        # (the bounding set needs root to shrink; nothing is in effect anyway)
        Privileges.check_unprivileged(self, status, limits, bounding=False)


if __name__ == "__main__":
    main()
