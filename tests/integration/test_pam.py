"""PAM logins (--pam) through the real Linux-PAM and pam_unix, with system
users made for the test in a private /etc (privetc.py: a mount namespace
of this test process, copies of passwd, shadow, group, shells and pam.d
bind-mounted over the originals; the host's files are never written).
The servers run as root through systemd-socket-activate and xinetd; the
clients are curl, lftp and a raw one.  Needs root (skipped otherwise)."""
import hashlib
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (readable_memory, SOCKFTPD, TIMEOUT, Ftp, Server, children, main,  # noqa: E402
                     make_users_file, socket_activate)
from privetc import PrivateEtc  # noqa: E402
from tlshelp import make_cert  # noqa: E402

SRC_UNITS = os.environ.get("SOCKFTPD_SRC_UNITS", "")
SANITIZED = bool(os.environ.get("SOCKFTPD_SANITIZED"))
PASSWORD = "Alice-Pam-7"
DATA = random.Random(10).randbytes(300 * 1024 + 7)
CONCURRENT = 100

ETC = TMP = None


def setUpModule():
    global ETC, TMP
    if os.geteuid() != 0:
        raise unittest.SkipTest("needs root: system users and PAM services in a private "
                                "mount namespace")
    if os.environ.get("SOCKFTPD_SANITIZED"):
        # libpam and its modules are not built for the sanitizers: LeakSanitizer
        # counts what libpam keeps at exit, and the memory scans would read the
        # sanitizer's shadow maps; the gcc and clang builds run all of this
        raise unittest.SkipTest("PAM is tested in the builds without sanitizers")
    if not os.path.exists("/usr/lib/x86_64-linux-gnu/security/pam_unix.so") and \
            not shutil.which("unix_chkpwd"):
        raise unittest.SkipTest("pam_unix is not installed")
    TMP = tempfile.TemporaryDirectory()
    os.chmod(TMP.name, 0o755)
    # before any thread: unshare(CLONE_NEWNS) needs a single-threaded process
    ETC = PrivateEtc(TMP.name)
    with open(os.path.join(SRC_UNITS, "sockftpd.pam")) as f:
        shipped = f.read()
    ETC.pam_service("sockftpd", shipped)


def tearDownModule():
    if TMP:
        TMP.cleanup()


def sha(data):
    return hashlib.sha256(data).hexdigest()


def processes_running(needle):
    """pids whose command line contains needle."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                if needle in f.read():
                    found.append(int(pid))
        except (FileNotFoundError, ProcessLookupError):
            pass
    return found


def wait_until(predicate, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


class Pam(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        t = TMP.name
        cls.t = t
        cls.home = os.path.join(t, "home", "alice")
        os.makedirs(os.path.dirname(cls.home), exist_ok=True)
        os.chmod(os.path.dirname(cls.home), 0o755)
        cls.uid = ETC.add_user("alice", PASSWORD, cls.home)
        ETC.add_user("locky", "Locky-pw-1", os.path.join(t, "home", "locky"), lock=True)
        ETC.add_user("expy", "Expy-pw-1", os.path.join(t, "home", "expy"), expire=1000)
        ETC.add_user("chgy", "Chgy-pw-1", os.path.join(t, "home", "chgy"), lastchg=0)
        ETC.add_user("shelly", "Shelly-pw-1", os.path.join(t, "home", "shelly"),
                     shell="/usr/sbin/nologin")
        ETC.add_user("homeless", "Homeless-pw-1", os.path.join(t, "home", "nowhere"))
        os.rmdir(os.path.join(t, "home", "nowhere"))
        ETC.set_root_password("Root-pw-1")
        cls.cert, cls.key = make_cert(t)
        cls.srv = socket_activate(["127.0.0.1:0"], args=[
            "--pam", "--login-delay", "0", "--tls-cert", cls.cert, "--tls-key", cls.key])
        cls.addClassCleanup(cls.srv.stop)

    def login(self, user, password, srv=None):
        f = Ftp("127.0.0.1", (srv or self.srv).port)
        self.addCleanup(f.close)
        self.assertEqual(f.cmd("USER " + user)[0], 331)
        return f, f.cmd("PASS " + password)

    def owner(self, path):
        st = os.stat(path)
        return st.st_uid, st.st_gid

    def refused(self, user, password, reason, srv=None):
        _, (code, _) = self.login(user, password, srv)
        self.assertEqual(code, 530)
        (srv or self.srv).log.wait_for(lambda l: ("PAM sockftpd" in l or "PAM " in l)
                                       and (": %s:" % user) in l and reason in l)

    # alice, with real clients

    def curl(self, *args, input=None):
        r = subprocess.run(["curl", "-sS", "--max-time", "30", "--user", "alice:" + PASSWORD,
                            *args], input=input, capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr.decode() + self.srv.log.text()[-2500:])
        return r.stdout

    def test_curl_plain_upload_owned_by_alice(self):
        self.curl("-T", "-", "ftp://127.0.0.1:%d/curl-plain.bin" % self.srv.port, input=DATA)
        path = os.path.join(self.home, "curl-plain.bin")
        self.assertEqual(self.owner(path), (self.uid, self.uid))
        with open(path, "rb") as f:
            self.assertEqual(sha(f.read()), sha(DATA))
        got = self.curl("ftp://127.0.0.1:%d/curl-plain.bin" % self.srv.port)
        self.assertEqual(sha(got), sha(DATA))

    def test_curl_ftps_upload_owned_by_alice(self):
        url = "ftp://127.0.0.1:%d/" % self.srv.port
        self.curl("--ssl-reqd", "--cacert", self.cert, "-T", "-", url + "curl-tls.bin",
                  input=DATA)
        path = os.path.join(self.home, "curl-tls.bin")
        self.assertEqual(self.owner(path), (self.uid, self.uid))
        listing = self.curl("--ssl-reqd", "--cacert", self.cert, url)
        self.assertIn(b"curl-tls.bin", listing)

    def lftp(self, tls, name):
        up = os.path.join(self.t, name + ".src")
        with open(up, "wb") as f:
            f.write(DATA)
        ssl = ("set ssl:ca-file %s; set ftp:ssl-force true; set ftp:ssl-protect-data true;"
               % self.cert) if tls else "set ftp:ssl-allow no;"
        script = ("%s set net:max-retries 1; set net:timeout 20; set cmd:fail-exit yes; "
                  "open -u alice,%s ftp://127.0.0.1:%d; put %s -o %s; mkdir %s.d"
                  % (ssl, PASSWORD, self.srv.port, up, name, name))
        r = subprocess.run(["lftp", "-c", script], capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        for made in (name, name + ".d"):
            self.assertEqual(self.owner(os.path.join(self.home, made)), (self.uid, self.uid))
        with open(os.path.join(self.home, name), "rb") as f:
            self.assertEqual(sha(f.read()), sha(DATA))

    def test_lftp_plain(self):
        if not shutil.which("lftp"):
            self.skipTest("lftp not installed")
        self.lftp(False, "lftp-plain.bin")

    def test_lftp_ftps(self):
        if not shutil.which("lftp"):
            self.skipTest("lftp not installed")
        self.lftp(True, "lftp-tls.bin")

    def test_alice_is_rooted_at_her_home(self):
        f, (code, _) = self.login("alice", PASSWORD)
        self.assertEqual(code, 230)
        self.assertEqual(f.cmd("CWD /etc")[0], 550)
        self.assertEqual(f.cmd("CWD ..")[0], 250)
        self.assertEqual(f.cmd("PWD")[1], '"/" is the current directory.')
        code, _, data = f.listing("NLST", "/")
        self.assertEqual(code, 226)
        self.assertNotIn(b"passwd", data)

    # refusals, each logged with its reason

    def test_wrong_password(self):
        self.refused("alice", "not-her-password", "Authentication failure")

    def test_locked_account(self):
        self.refused("locky", "Locky-pw-1", "the account is locked")

    def test_expired_account(self):
        self.refused("expy", "Expy-pw-1", "the account expired")

    def test_password_change_required(self):
        self.refused("chgy", "Chgy-pw-1", "the password must be changed")

    def test_shell_not_in_etc_shells(self):
        self.refused("shelly", "Shelly-pw-1", "is not in /etc/shells")
        srv = socket_activate(["127.0.0.1:0"], args=[
            "--pam", "--login-delay", "0", "--pam-check-shell=no"])
        self.addCleanup(srv.stop)
        f, (code, _) = self.login("shelly", "Shelly-pw-1", srv)
        self.assertEqual(code, 230)

    def test_uid_0_refused(self):
        self.refused("root", "Root-pw-1", "uid or gid 0 is refused")

    def test_home_must_exist(self):
        self.refused("homeless", "Homeless-pw-1", "No such file or directory")

    def test_unknown_user(self):
        self.refused("nosuchuser", "whatever", "no such user")

    def test_a_name_with_control_characters_is_logged_escaped(self):
        f = Ftp("127.0.0.1", self.srv.port)
        self.addCleanup(f.close)
        self.assertEqual(f.cmd("USER ev\x1b[2Jil\x7f")[0], 331)
        self.assertEqual(f.cmd("PASS whatever")[0], 530)
        self.srv.log.wait_for(lambda l: "PAM sockftpd: ev" in l and "no such user" in l)
        self.assertNotIn("\x1b", self.srv.log.text())
        self.assertNotIn("\x7f", self.srv.log.text())

    def test_unknown_user_costs_what_a_wrong_password_costs(self):
        """The time from PASS to 530, alternately for an unknown name and for
        alice with a wrong password (login delay 0): medians within a
        generous bound of each other.  pam_unix computes no hash for an
        unknown user; the PAM process spends one of the system's method."""
        times = {"unknown": [], "wrong": []}
        for _ in range(9):
            for kind, user in (("unknown", "nosuch%d" % random.randrange(10**6)),
                               ("wrong", "alice")):
                f = Ftp("127.0.0.1", self.srv.port)
                try:
                    self.assertEqual(f.cmd("USER " + user)[0], 331)
                    t0 = time.monotonic()
                    code, _ = f.cmd("PASS wrong-%d" % random.randrange(10**6))
                    times[kind].append(time.monotonic() - t0)
                    self.assertEqual(code, 530)
                finally:
                    f.close()
        unknown, wrong = statistics.median(times["unknown"]), statistics.median(times["wrong"])
        sys.stderr.write("PASS to 530, median of 9: unknown user %.1f ms, wrong password "
                         "%.1f ms\n" % (unknown * 1000, wrong * 1000))
        self.assertLess(abs(unknown - wrong), max(0.5 * wrong, 0.02),
                        (times["unknown"], times["wrong"]))

    # both methods

    def test_the_users_file_wins(self):
        fhome = os.path.join(self.t, "filealice")
        os.makedirs(fhome, exist_ok=True)
        os.chown(fhome, 65534, 65534)
        users = os.path.join(self.t, "users-both")
        make_users_file(users, [("alice", "file-pw", fhome, "rw")])
        os.chmod(users, 0o600)
        srv = socket_activate(["127.0.0.1:0"], args=[
            "--pam", "--users", users, "--login-delay", "0"])
        self.addCleanup(srv.stop)
        # alice is in the file: her system password is not asked of PAM
        _, (code, _) = self.login("alice", PASSWORD, srv)
        self.assertEqual(code, 530)
        self.assertNotIn("PAM sockftpd: alice", srv.log.text())
        f, (code, _) = self.login("alice", "file-pw", srv)
        self.assertEqual(code, 230)
        self.assertEqual(f.stor("from-file.txt", b"x")[0], 226)
        self.assertEqual(self.owner(os.path.join(fhome, "from-file.txt")), (65534, 65534))
        # a name the file does not hold goes to PAM
        _, (code, _) = self.login("expy", "Expy-pw-1", srv)
        self.assertEqual(code, 530)
        srv.log.wait_for(lambda l: "expy" in l and "the account expired" in l)

    # the PAM session: opened before the user process, closed at the end

    def trace_service(self, name):
        log = os.path.join(self.t, name + ".log")
        ETC.pam_service(name, "@include common-auth\n@include common-account\n"
                        "@include common-session\n"
                        "session optional pam_exec.so quiet log=%s /usr/bin/printenv PAM_TYPE "
                        "PAM_USER PAM_RHOST PAM_TTY PAM_RUSER\n" % log)
        return log

    def read(self, path):
        """pam_exec's log without its "*** date" lines."""
        try:
            with open(path) as f:
                return "".join(l for l in f if not l.startswith("*** "))
        except FileNotFoundError:
            return ""

    def test_session_opened_and_closed(self):
        log = self.trace_service("sockftpd-trace")
        srv = socket_activate(["127.0.0.1:0"], args=[
            "--pam=sockftpd-trace", "--login-delay", "0"])
        self.addCleanup(srv.stop)
        f, (code, _) = self.login("alice", PASSWORD, srv)
        self.assertEqual(code, 230)
        opened = self.read(log).split()
        self.assertEqual(opened, ["open_session", "alice", "127.0.0.1", "ftp", "alice"])
        self.assertEqual(f.cmd("QUIT")[0], 221)
        self.assertTrue(wait_until(lambda: "close_session" in self.read(log)), self.read(log))
        self.assertEqual(self.read(log).split()[5:],
                         ["close_session", "alice", "127.0.0.1", "ftp", "alice"])

    def test_rhost_is_the_client_the_proxy_header_names(self):
        """--proxy-protocol: the monitor splits before the header is read;
        the network process then tells it the client the header names, and
        that is PAM_RHOST (pam_exec shows it), not the balancer's address.
        Through systemd's socket and in listener mode."""
        proxy = ["--login-delay", "0", "--proxy-protocol", "--proxy-trusted", "127.0.0.1"]
        log = self.trace_service("sockftpd-trace5")
        # each stopped at the end also when an assertion fails before its turn
        servers = [socket_activate(["127.0.0.1:0"], args=["--pam=sockftpd-trace5", *proxy])]
        self.addCleanup(servers[0].stop)
        servers.append(Server([SOCKFTPD, "--log", "stderr", "--listen", "127.0.0.1:0",
                               "--pam=sockftpd-trace5", *proxy], ["Listening on"]))
        self.addCleanup(servers[1].stop)
        for srv, client in zip(servers, ("203.0.113.7", "198.51.100.9")):
            with open(log, "w"):
                pass
            f = Ftp.__new__(Ftp)
            f.timeout, f.buf = TIMEOUT, b""
            f.sock = socket.create_connection(("127.0.0.1", srv.port), timeout=TIMEOUT)
            self.addCleanup(f.close)
            f.sock.sendall(b"PROXY TCP4 %s 127.0.0.1 40000 21\r\n" % client.encode())
            self.assertEqual(f.reply()[0], 220)
            self.assertEqual(f.cmd("USER alice")[0], 331)
            self.assertEqual(f.cmd("PASS " + PASSWORD)[0], 230, srv.log.text())
            self.assertEqual(self.read(log).split()[:5],
                             ["open_session", "alice", client, "ftp", "alice"])
            srv.log.wait_for(lambda l, c=client: "monitor: client %s per PROXY header" % c
                             in l)
            self.assertEqual(f.cmd("QUIT")[0], 221)
            self.assertTrue(wait_until(lambda: "close_session" in self.read(log)))

    def test_pipe(self):
        """A root start through a pipe: the monitor too; there is no client
        address, so no PAM_RHOST (libpam's audit would look a name such as
        "stdin" up in the DNS)."""
        log = self.trace_service("sockftpd-trace3")
        r = subprocess.run([SOCKFTPD, "--pam=sockftpd-trace3", "--login-delay", "0"],
                           input=("USER alice\r\nPASS %s\r\nPWD\r\nQUIT\r\n"
                                  % PASSWORD).encode(), capture_output=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertIn(b"230 Login successful.\r\n257 \"/\" is the current directory.",
                      r.stdout)
        self.assertEqual(self.read(log).split(), ["open_session", "alice", "ftp", "alice",
                                                  "close_session", "alice", "ftp", "alice"])

    def test_session_closed_when_the_network_process_dies(self):
        log = self.trace_service("sockftpd-trace2")
        srv = socket_activate(["127.0.0.1:0"], args=[
            "--pam=sockftpd-trace2", "--login-delay", "0"])
        self.addCleanup(srv.stop)
        f, (code, _) = self.login("alice", PASSWORD, srv)
        self.assertEqual(code, 230)
        self.assertIn("open_session", self.read(log))
        # the monitor, its children: the network process is the one running
        # as nobody
        net = None
        for mon in children(srv.proc.pid):
            for kid in children(mon):
                with open("/proc/%d/status" % kid) as st:
                    if re.search(r"^Uid:\s+65534\b", st.read(), re.M):
                        net = kid
        self.assertIsNotNone(net)
        os.kill(net, 9)
        self.assertTrue(wait_until(lambda: "close_session" in self.read(log)), self.read(log))

    def test_the_processes_and_no_secret_in_the_user_process(self):
        """The monitor's children during a PAM login: the network process
        (nobody), the PAM process (root, holding the session) and the user
        process (alice: all four ids, her groups, chrooted at her home),
        which the monitor forked, so that nothing PAM read is in its memory:
        not the password, not alice's or root's shadow hash."""
        srv = socket_activate(["127.0.0.1:0"], args=["--pam", "--login-delay", "0"])
        self.addCleanup(srv.stop)
        f, (code, _) = self.login("alice", PASSWORD, srv)
        self.assertEqual(code, 230)
        uids = {}

        def three():
            uids.clear()
            for mon in children(srv.proc.pid):
                for kid in children(mon):
                    with open("/proc/%d/status" % kid) as st:
                        uids[int(re.search(r"^Uid:\s+(\d+)", st.read(), re.M).group(1))] = kid
            return len(uids) == 3
        self.assertTrue(wait_until(three), uids)
        self.assertEqual(sorted(uids), sorted([0, 65534, self.uid]))
        user = uids[self.uid]
        with open("/proc/%d/status" % user) as st:
            status = st.read()
        self.assertRegex(status, r"Uid:\s+%d\s+%d\s+%d\s+%d" % ((self.uid,) * 4))
        self.assertRegex(status, r"Gid:\s+%d\s+%d\s+%d\s+%d" % ((self.uid,) * 4))
        self.assertRegex(status, r"Groups:\s+%d\s*\n" % self.uid)
        self.assertRegex(status, r"NoNewPrivs:\s+1")
        self.assertEqual(os.readlink("/proc/%d/root" % user), self.home)
        with open("/etc/shadow") as fh:
            hashes = [l.split(":")[1].encode() for l in fh.read().splitlines()
                      if l.split(":")[0] in ("alice", "root")]
        memory = readable_memory(user)
        self.assertTrue(self.home.encode() in memory, "the read works")
        self.assertFalse(PASSWORD.encode() in memory, "the password")
        self.assertEqual(len(hashes), 2)
        for h in hashes:
            self.assertFalse(h[-20:] in memory, "a shadow hash")
        # nor is libpam mapped in it
        with open("/proc/%d/maps" % user) as maps:
            self.assertNotIn("libpam", maps.read())
        self.assertEqual(f.cmd("NOOP")[0], 200)

    # a slow PAM stack

    def test_slow_stack_bounded_by_the_login_deadline(self):
        ETC.pam_service("sockftpd-slow", "auth required pam_exec.so quiet /usr/bin/sleep 37.25\n"
                        "@include common-auth\n@include common-account\n"
                        "@include common-session\n")
        srv = socket_activate(["127.0.0.1:0"], args=[
            "--pam=sockftpd-slow", "--login-delay", "0", "--login-timeout", "3"])
        self.addCleanup(srv.stop)
        f = Ftp("127.0.0.1", srv.port)
        self.addCleanup(f.close)
        t0 = time.monotonic()
        self.assertEqual(f.cmd("USER alice")[0], 331)
        code, text = f.cmd("PASS " + PASSWORD)
        took = time.monotonic() - t0
        self.assertEqual(code, 421, text)
        self.assertLess(took, 3 + 2.5)
        self.assertGreater(took, 2.5)
        srv.log.wait_for(lambda l: "no answer within the login deadline" in l)
        # nothing the stack started is left
        self.assertTrue(wait_until(lambda: not processes_running(b"37.25")),
                        processes_running(b"37.25"))
        self.assertTrue(wait_until(lambda: not children(srv.proc.pid)))

    # deployments

    def test_xinetd_as_root(self):
        if not shutil.which("xinetd"):
            self.skipTest("xinetd not installed")
        conf = os.path.join(self.t, "xinetd-pam.conf")
        with open(conf, "w") as f:
            f.write("defaults\n{\n}\nservice ftp\n{\n\ttype = UNLISTED\n\tsocket_type = stream\n"
                    "\tprotocol = tcp\n\tport = 0\n\tbind = 127.0.0.1\n\twait = no\n"
                    "\tuser = root\n\tserver = %s\n\tserver_args = --pam --login-delay 0 "
                    "--tls-cert %s --tls-key %s\n\tflags = IPv4\n}\n"
                    % (SOCKFTPD, self.cert, self.key))
        srv = Server(["xinetd", "-dontfork", "-f", conf, "-filelog", "/dev/stderr",
                      "-pidfile", os.path.join(self.t, "xinetd.pid")], ["Started working"])
        self.addCleanup(srv.stop)
        url = "ftp://127.0.0.1:%d/" % srv.port
        self.curl("--ssl-reqd", "--cacert", self.cert, "-T", "-", url + "xinetd-tls.bin",
                  input=DATA)
        self.curl("-T", "-", url + "xinetd-plain.bin", input=DATA[:1000])
        for name in ("xinetd-tls.bin", "xinetd-plain.bin"):
            self.assertEqual(self.owner(os.path.join(self.home, name)), (self.uid, self.uid))

    def test_without_root_pam_is_a_start_up_error(self):
        if not shutil.which("setpriv"):
            self.skipTest("setpriv not installed")
        r = subprocess.run(["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
                            SOCKFTPD, "--pam"], input=b"QUIT\r\n", capture_output=True,
                           timeout=TIMEOUT)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"--pam: PAM logins need a root start", r.stderr)
        self.assertEqual(r.stdout, b"")

    def test_check_config(self):
        r = subprocess.run([SOCKFTPD, "--check-config", "--pam"], capture_output=True,
                           timeout=TIMEOUT)
        self.assertEqual(r.returncode, 0, r.stdout.decode() + r.stderr.decode())
        self.assertIn(b"PAM service sockftpd: /etc/pam.d/sockftpd exists", r.stdout)
        r = subprocess.run([SOCKFTPD, "--check-config", "--pam=no-such-service"],
                           capture_output=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"ERROR: PAM service no-such-service: /etc/pam.d/no-such-service",
                      r.stdout)

    # many at once

    def test_100_concurrent_logins_of_different_users(self):
        users = []
        base = os.path.join(self.t, "many")
        os.makedirs(base, exist_ok=True)
        os.chmod(base, 0o755)
        h = __import__("privetc").crypt_hash("Many-pw-1")
        for i in range(CONCURRENT):
            name = "many%03d" % i
            uid = ETC.add_user(name, None, os.path.join(base, name), hash_=h)
            users.append((name, uid))
        errors = []
        barrier = threading.Barrier(CONCURRENT)

        def one(name, uid):
            try:
                f = Ftp("127.0.0.1", self.srv.port, timeout=120)
                try:
                    barrier.wait(120)
                    self.assertEqual(f.cmd("USER " + name)[0], 331)
                    code, text = f.cmd("PASS Many-pw-1")
                    self.assertEqual(code, 230, text)
                    self.assertEqual(f.stor("mine.txt", name.encode())[0], 226)
                    code, _, data = f.listing("NLST", "/")
                    self.assertEqual(code, 226)
                    self.assertEqual(data.split(), [b"mine.txt"])
                    self.assertEqual(f.cmd("CWD /../%s" % ("many000" if name != "many000"
                                                          else "many001"))[0], 550)
                    f.cmd("QUIT")
                finally:
                    f.close()
                path = os.path.join(base, name, "mine.txt")
                self.assertEqual(self.owner(path), (uid, uid))
                with open(path, "rb") as fh:
                    self.assertEqual(fh.read(), name.encode())
            except BaseException as e:  # noqa: B902
                errors.append("%s: %r" % (name, e))

        threads = [threading.Thread(target=one, args=u) for u in users]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
        sys.stderr.write("%d concurrent PAM logins, uploads and listings: %.1f s\n"
                         % (CONCURRENT, time.monotonic() - t0))
        self.assertEqual(errors, [])


if __name__ == "__main__":
    main()
