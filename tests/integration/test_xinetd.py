"""xinetd: the shipped units/sockftpd.xinetd, units/sockftpd-ftps.xinetd and
units/sockftpd-users.xinetd,
with only the port, the bind address, the binary's path, the certificate's
path, the logins and disable changed, run by xinetd -dontfork."""
import hashlib
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (SEED_EXPECT, SOCKFTPD, TIMEOUT, Ftp, Server, children, free_id,  # noqa: E402
                     give_to_server, inet_fds, main, make_users_file, proc_status,
                     seed_session, session_processes)
from tlshelp import ImplicitFtp, make_cert  # noqa: E402

UNITS = os.environ.get("SOCKFTPD_UNITS", "")
SHIPPED = os.path.join(UNITS, "sockftpd.xinetd")
SHIPPED_FTPS = os.path.join(UNITS, "sockftpd-ftps.xinetd")
DATA = random.Random(990).randbytes(512 * 1024 + 990)
USER, PASSWORD = "alice", "xinetd-Ftps-9"


def sha(data):
    return hashlib.sha256(data).hexdigest()


def config(port, bind, family, shipped=SHIPPED, args=""):
    with open(shipped) as f:
        text = f.read()
    for pattern, repl in ((r"disable\s*=\s*yes", "disable = no"),
                          # never the real port, nor beyond loopback
                          (r"\bport\s*=\s*\d+", "port = %d\n\tbind = %s" % (port, bind)),
                          (r"server\s*=\s*\S+", "server = %s" % SOCKFTPD)):
        text, n = re.subn(pattern, repl, text)
        assert n == 1, (pattern, shipped)
    if args:
        text, n = re.subn(r"(server_args\s*=.*)", lambda m: m.group(1) + " " + args, text)
        assert n == 1, shipped
    if family == socket.AF_INET:
        text = text.replace("flags           = IPv6", "flags           = IPv4")
    return "defaults\n{\n}\n" + text


class Xinetd(unittest.TestCase):
    def setUp(self):
        if not shutil.which("xinetd"):
            self.skipTest("xinetd not installed")
        if os.geteuid() != 0:
            self.skipTest("xinetd switches to user = nobody: needs root")
        self.tmp = tempfile.TemporaryDirectory()
        # user = nobody must be able to run the binary
        os.chmod(self.tmp.name, 0o755)

    def tearDown(self):
        self.tmp.cleanup()

    def run_seed(self, family, host):
        # port 0: xinetd binds a free port, which the harness reads from /proc
        conf = os.path.join(self.tmp.name, "xinetd.conf")
        with open(conf, "w") as f:
            f.write(config(0, host, family))
        # its log on its standard error, which the harness reads
        srv = Server(["xinetd", "-dontfork", "-f", conf, "-filelog", "/dev/stderr",
                      "-pidfile", os.path.join(self.tmp.name, "pid")], ["Started working"])
        try:
            got, _ = seed_session(host, srv.port, family)
            self.assertEqual(got, SEED_EXPECT)
        finally:
            srv.stop()

    def test_shipped_file_is_disabled_and_unprivileged(self):
        with open(SHIPPED) as f:
            text = f.read()
        self.assertRegex(text, r"disable\s*=\s*yes")
        self.assertRegex(text, r"user\s*=\s*nobody")
        self.assertRegex(text, r"wait\s*=\s*no")

    def test_ipv4(self):
        self.run_seed(socket.AF_INET, "127.0.0.1")

    def test_ipv6(self):
        self.run_seed(socket.AF_INET6, "::1")


def attributes(path):
    """The attributes of the one service of an xinetd file."""
    with open(path) as f:
        body = f.read().split("{", 1)[1].split("}", 1)[0]
    return dict(re.match(r"\s*(\S+)\s*(\+?=)\s*(.*?)\s*$", l).group(1, 3)
                for l in body.splitlines() if l.strip())


class XinetdFtps(unittest.TestCase):
    """Implicit FTPS under xinetd: the key stays root's (0600); xinetd starts
    sockftpd as root, which reads the pair, then serves as nobody."""

    def setUp(self):
        if not shutil.which("xinetd"):
            self.skipTest("xinetd not installed")
        if os.geteuid() != 0:
            self.skipTest("the shipped file says user = root: needs root")
        if not shutil.which("curl"):
            self.skipTest("curl not installed")
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        t = self.tmp.name
        os.chmod(t, 0o755)
        self.anon, self.home = os.path.join(t, "anon"), os.path.join(t, "home")
        os.makedirs(self.anon)
        os.makedirs(self.home)
        with open(os.path.join(self.anon, "data.bin"), "wb") as f:
            f.write(DATA)
        give_to_server(self.anon, self.home)
        self.users = os.path.join(t, "users")
        make_users_file(self.users, [(USER, PASSWORD, self.home, "rw")])
        self.cert, self.key = make_cert(t, name="tls")   # root's, 0600

    def serve(self, family, host):
        text = config(0, host, family, SHIPPED_FTPS, "--anonymous %s --users %s --login-delay 0"
                      % (self.anon, self.users))
        text = text.replace("/etc/sockftpd/tls.crt", self.cert)
        text = text.replace("/etc/sockftpd/tls.key", self.key)
        conf = os.path.join(self.tmp.name, "xinetd.conf")
        with open(conf, "w") as f:
            f.write(text)
        srv = Server(["xinetd", "-dontfork", "-f", conf, "-filelog", "/dev/stderr",
                      "-pidfile", os.path.join(self.tmp.name, "pid")], ["Started working"])
        self.addCleanup(srv.stop)
        self.assertNotEqual(srv.port, 990)
        return srv

    def curl(self, *args, input=b""):
        r = subprocess.run(["curl", "-sS", "-g", "--max-time", "30", "--cacert", self.cert,
                            *args], input=input, capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        return r.stdout

    def transfers(self, family, host):
        srv = self.serve(family, host)
        url = "ftps://%s:%d/" % ("[%s]" % host if ":" in host else host, srv.port)
        self.assertIn(b"data.bin", self.curl(url))
        self.assertEqual(sha(self.curl(url + "data.bin")), sha(DATA))
        up = "%s:%s" % (USER, PASSWORD)
        self.curl("-T", "-", "-u", up, url + "up.bin", input=DATA[990:])
        with open(os.path.join(self.home, "up.bin"), "rb") as f:
            self.assertEqual(sha(f.read()), sha(DATA[990:]))
        self.assertEqual(os.stat(os.path.join(self.home, "up.bin")).st_uid, 65534)
        self.assertEqual(sha(self.curl("-u", up, url + "up.bin")), sha(DATA[990:]))
        return srv

    def test_shipped_file(self):
        ftps, ftp = attributes(SHIPPED_FTPS), attributes(SHIPPED)
        self.assertEqual(ftps["disable"], "yes")
        self.assertEqual(ftps["port"], "990")
        self.assertEqual(ftps["wait"], "no")
        self.assertEqual(ftps["user"], "root")
        self.assertEqual(ftps["server_args"].split(),
                         ["--tls-cert", "/etc/sockftpd/tls.crt", "--tls-key",
                          "/etc/sockftpd/tls.key", "--tls-implicit", "--run-as", "nobody"])
        # but for those, the same service as the FTP one
        for k in ("port", "user", "server_args"):
            ftps.pop(k)
            ftp.pop(k, None)
        self.assertEqual(ftps, ftp)

    def test_ipv4_and_the_session_serves_as_nobody(self):
        srv = self.transfers(socket.AF_INET, "127.0.0.1")
        # the key is root's alone ...
        r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            "cat", self.key], capture_output=True, timeout=TIMEOUT)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(b"Permission denied", r.stderr)
        # ... and a live session, which read it, runs as nobody
        f = ImplicitFtp("127.0.0.1", srv.port, self.cert)
        self.addCleanup(f.close)
        self.assertEqual(f.greeting[0], 220)
        f.login(USER, PASSWORD)
        # xinetd's one child once the sessions of the transfers have ended
        # (they may take a while to exit, under ASan): the monitor, root
        # without the connection; the session is its network process
        kids = []
        deadline = time.monotonic() + TIMEOUT
        while len(kids) != 1 and time.monotonic() < deadline:
            with open("/proc/%d/task/%d/children" % ((srv.proc.pid,) * 2)) as c:
                kids = [int(p) for p in c.read().split()]
            time.sleep(0.01)
        self.assertEqual(len(kids), 1)
        self.assertEqual(proc_status(kids[0])["Uid"].split(), ["0"] * 4)
        self.assertEqual(inet_fds(kids[0]), [])
        net, user = session_processes(kids[0], want_user=True)
        for pid in (net, user):
            st = proc_status(pid)
            self.assertEqual(st["Uid"].split(), ["65534"] * 4)
            for cap in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
                self.assertEqual(int(st[cap], 16), 0, cap)
            self.assertEqual(st["NoNewPrivs"].strip(), "1")
            if not os.environ.get("SOCKFTPD_SANITIZED"):   # no filter under ASan
                self.assertEqual(st["Seccomp"].strip(), "2")
        self.assertEqual(f.cmd("NOOP")[0], 200)

    def test_ipv6(self):
        self.transfers(socket.AF_INET6, "::1")


SHIPPED_USERS = os.path.join(UNITS, "sockftpd-users.xinetd")
# what runs before xinetd in its own mount namespace: /etc and /var/log
# overlaid with throwaway layers (useradd writes both), then the account
SETUP_ACCOUNT = r"""
set -eu
w=$1; shift
for d in /etc /var/log; do
    mkdir -p "$w$d"
    mount -t tmpfs tmpfs "$w$d"
    mkdir -p "$w$d/up" "$w$d/work"
    mount -t overlay overlay -o "lowerdir=$d,upperdir=$w$d/up,workdir=$w$d/work" "$d"
done
groupadd -g "$ID" "$ACCOUNT"
useradd -M -l -N -u "$ID" -g "$ID" -d "$HOME_DIR" -s /usr/sbin/nologin "$ACCOUNT"
exec "$@"
"""


class XinetdIdentities(unittest.TestCase):
    """units/sockftpd-users.xinetd: xinetd starts sockftpd as root; a
    virtual user mapped to a system account (made by the test in a mount
    namespace of its own over throwaway layers of /etc and /var/log: never
    the host's) uploads, and the file is the account's."""

    def setUp(self):
        if not shutil.which("xinetd"):
            self.skipTest("xinetd not installed")
        if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("useradd"):
            self.skipTest("user = root, and the account is made in a mount namespace: "
                          "needs root, unshare and useradd")
        if not shutil.which("curl"):
            self.skipTest("curl not installed")
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        t = self.tmp.name
        os.chmod(t, 0o755)
        self.id = free_id(47100)
        self.home = os.path.join(t, "home")
        os.makedirs(self.home)
        os.chown(self.home, self.id, self.id)
        os.chmod(self.home, 0o700)       # the account's alone
        self.users = os.path.join(t, "users")
        make_users_file(self.users, [(USER, PASSWORD, self.home, "rw")])
        with open(self.users) as f:
            line = f.read().strip()
        with open(self.users, "w") as f:
            f.write("%s:sftpx%d\n" % (line, self.id))
        os.chmod(self.users, 0o600)       # root's

    def test_shipped_file(self):
        users, ftp = attributes(SHIPPED_USERS), attributes(SHIPPED)
        self.assertEqual(users["disable"], "yes")
        self.assertEqual(users["port"], "21")
        self.assertEqual(users["user"], "root")
        self.assertEqual(users["server_args"].split(),
                         ["--users", "/etc/sockftpd/users", "--run-as", "nobody"])
        for k in ("user", "server_args", "id"):
            users.pop(k)
            ftp.pop(k, None)
        self.assertEqual(users, ftp)

    def test_upload_owned_by_the_account(self):
        text = config(0, "127.0.0.1", socket.AF_INET, SHIPPED_USERS, "--login-delay 0")
        text = text.replace("/etc/sockftpd/users", self.users)
        conf = os.path.join(self.tmp.name, "xinetd.conf")
        with open(conf, "w") as f:
            f.write(text)
        env = dict(os.environ, ID=str(self.id), ACCOUNT="sftpx%d" % self.id,
                   HOME_DIR=self.home)
        srv = Server(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                      SETUP_ACCOUNT, "sh", os.path.join(self.tmp.name, "layers"),
                      "xinetd", "-dontfork", "-f", conf, "-filelog", "/dev/stderr",
                      "-pidfile", os.path.join(self.tmp.name, "pid")], ["Started working"],
                     env=env)
        self.addCleanup(srv.stop)
        url = "ftp://127.0.0.1:%d/" % srv.port
        up = "%s:%s" % (USER, PASSWORD)
        r = subprocess.run(["curl", "-sS", "--max-time", "30", "-T", "-", "-u", up,
                            url + "up.bin"], input=DATA, capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr.decode() + srv.log.text())
        got = os.path.join(self.home, "up.bin")
        with open(got, "rb") as f:
            self.assertEqual(sha(f.read()), sha(DATA))
        st = os.stat(got)
        self.assertEqual((st.st_uid, st.st_gid), (self.id, self.id))
        # the account is nowhere on the host
        with open("/etc/passwd") as f:
            self.assertNotIn("sftpx%d:" % self.id, f.read())
        # a live session: the monitor root without the connection, the
        # network process nobody, the user process the account; neither of
        # the two with a capability
        f = Ftp("127.0.0.1", srv.port)
        self.addCleanup(f.close)
        f.login(USER, PASSWORD)
        kids = []
        deadline = time.monotonic() + TIMEOUT
        while len(kids) != 1 and time.monotonic() < deadline:
            kids = children(srv.proc.pid)
            time.sleep(0.01)
        self.assertEqual(len(kids), 1)
        self.assertEqual(proc_status(kids[0])["Uid"].split(), ["0"] * 4)
        self.assertEqual(inet_fds(kids[0]), [])
        net, user = session_processes(kids[0], want_user=True)
        for pid, uid in ((net, 65534), (user, self.id)):
            st = proc_status(pid)
            self.assertEqual(st["Uid"].split(), [str(uid)] * 4)
            for cap in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
                self.assertEqual(int(st[cap], 16), 0, cap)
            self.assertEqual(st["NoNewPrivs"].strip(), "1")
            if not os.environ.get("SOCKFTPD_SANITIZED"):
                self.assertEqual(st["Seccomp"].strip(), "2")
        self.assertEqual(f.cmd("NOOP")[0], 200)


if __name__ == "__main__":
    main()
