"""Listener mode: `sockftpd --listen ADDR:PORT` (the kernel picks the port:
the harness reads it from /proc) and listening sockets from systemd
(systemd-socket-activate without --accept, what a socket unit with
Accept=no does).  Real clients through it, both ways of starting a session
(fork+exec, fork), admission control, crash and descriptor exhaustion,
SIGTERM, a changed configuration file, TLS tickets per session."""
import ftplib
import os
import resource
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (SEED_EXPECT, SOCKFTPD, TIMEOUT, WRAPPER, Ftp, Server,  # noqa: E402
                     check_seed_log, children, give_to_server, main, make_users_file,
                     seed_session, session_processes, with_reserved_port)
from tlshelp import client_context, make_cert  # noqa: E402

USER, PASSWORD = "alice", "wonderland"


def listener(*args, mode="yes"):
    """sockftpd --listen 127.0.0.1:0 (plus args), ready when it listens."""
    return Server([*WRAPPER, SOCKFTPD, "--log", "stderr", "--listen-exec=" + mode, *args],
                  ["Listening on"])


def greeting(port, host="127.0.0.1"):
    """Connect and read the first line: (socket, line)."""
    s = socket.create_connection((host, port), timeout=TIMEOUT)
    return s, first_line(s)


def first_line(s):
    """Bytes up to the first CRLF, or all there was before the end."""
    buf = b""
    while b"\r\n" not in buf:
        chunk = s.recv(512)
        if not chunk:
            break
        buf += chunk
    return buf


def wait_until(predicate, what, timeout=TIMEOUT):
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError("timed out: " + what)
        time.sleep(0.01)


def cpu_ticks(pid):
    """User and system time of pid, in clock ticks."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


class Tree:
    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory()
        t = self.tmp.name
        os.chmod(t, 0o755)
        self.anon = os.path.join(t, "anon")
        self.other = os.path.join(t, "other")
        self.home = os.path.join(t, "home")
        for d, name in ((self.anon, "pub.txt"), (self.other, "new.txt"),
                        (self.home, "mine.txt")):
            os.makedirs(d)
            with open(os.path.join(d, name), "wb") as f:
                f.write(name.encode() + b"\n")
        give_to_server(self.anon, self.other, self.home)
        self.users = os.path.join(t, "users")
        make_users_file(self.users, [(USER, PASSWORD, self.home, "rw")])

    def cleanup(self):
        self.tmp.cleanup()


class Modes:
    """Run for both ways of starting a session."""
    mode = "yes"

    def setUp(self):
        self.tree = Tree()
        self.addCleanup(self.tree.cleanup)

    def start(self, *args):
        srv = listener("--anonymous", self.tree.anon, *args, mode=self.mode)
        self.addCleanup(srv.stop)
        return srv

    def test_seed_transcript_ipv4_and_ipv6(self):
        srv = Server([*WRAPPER, SOCKFTPD, "--log", "stderr", "--listen-exec=" + self.mode,
                      "--listen", "127.0.0.1:0", "--listen", "[::1]:0"], ["Listening on"])
        self.addCleanup(srv.stop)
        srv.log.wait_for(lambda l: "Listening on [::1]" in l)
        self.assertEqual(len(srv.ports), 2)
        for host, family, port in (("127.0.0.1", socket.AF_INET, srv.ports[0]),
                                   ("::1", socket.AF_INET6, srv.ports[1])):
            got, cport = seed_session(host, port, family)
            self.assertEqual(got, SEED_EXPECT)
            who = "[%s]:%d" % (host, cport) if ":" in host else "%s:%d" % (host, cport)
            srv.log.wait_for(lambda l, who=who: "%s disconnected" % who in l)
            check_seed_log(self, srv.log.text(), who)
        self.assertIn("via listener)", srv.log.text())
        self.assertIn("sessions: %s;" % ("fork+exec" if self.mode == "yes" else "fork"),
                      srv.log.text())

    def test_real_clients(self):
        srv = self.start("--listen", "127.0.0.1:0", "--users", self.tree.users,
                         "--login-delay", "0")
        url = "ftp://127.0.0.1:%d/" % srv.port
        r = subprocess.run(["curl", "-sS", "--max-time", str(TIMEOUT), url + "pub.txt"],
                           capture_output=True, timeout=TIMEOUT * 2)
        self.assertEqual((r.returncode, r.stdout), (0, b"pub.txt\n"), r.stderr)
        # an upload by a user (a root start: through the monitor split)
        f = ftplib.FTP(timeout=TIMEOUT)
        f.connect("127.0.0.1", srv.port)
        f.login(USER, PASSWORD)
        import io
        f.storbinary("STOR up.txt", io.BytesIO(b"uploaded\n"))
        self.assertIn("up.txt", f.nlst())
        f.quit()
        with open(os.path.join(self.tree.home, "up.txt"), "rb") as fh:
            self.assertEqual(fh.read(), b"uploaded\n")
        if shutil.which("lftp"):
            r = subprocess.run(["lftp", "-c", "set net:max-retries 1; set net:timeout 10; "
                                "open -u %s,%s ftp://127.0.0.1:%d; cat mine.txt"
                                % (USER, PASSWORD, srv.port)],
                               capture_output=True, timeout=TIMEOUT * 2)
            self.assertEqual(r.stdout, b"mine.txt\n", r.stderr)

    def test_root_start_with_users_splits_per_session(self):
        if os.geteuid() != 0:
            self.skipTest("needs root")
        srv = self.start("--listen", "127.0.0.1:0", "--users", self.tree.users,
                         "--login-delay", "0")
        f = Ftp("127.0.0.1", srv.port)
        self.addCleanup(f.close)
        kids = children(srv.proc.pid)
        self.assertEqual(len(kids), 1, kids)
        monitor = kids[0]
        net, _ = session_processes(monitor)
        f.login(USER, PASSWORD)
        net, user = session_processes(monitor, want_user=True)
        def uid(pid):
            with open("/proc/%d/status" % pid) as fh:
                return int(fh.read().split("Uid:")[1].split()[0])
        self.assertEqual(uid(monitor), 0)
        self.assertNotEqual(uid(net), 0)
        self.assertNotEqual(uid(user), 0)
        self.assertEqual(f.cmd("NOOP")[0], 200)

    def test_crash_of_a_session(self):
        if os.environ.get("SOCKFTPD_SANITIZED"):
            # ASan catches the SIGSEGV itself and exits 1: no death by a signal
            self.skipTest("a sanitizer handles SIGSEGV itself")
        srv = self.start("--listen", "127.0.0.1:0", "--max-startups", "0")
        a, line = greeting(srv.port)
        self.addCleanup(a.close)
        self.assertTrue(line.startswith(b"220 "))
        kids = children(srv.proc.pid)
        self.assertEqual(len(kids), 1)
        os.kill(kids[0], signal.SIGSEGV)
        srv.log.wait_for(lambda l: "killed by signal 11" in l)
        self.assertEqual(a.recv(100), b"")
        got, _ = seed_session("127.0.0.1", srv.port, socket.AF_INET)
        self.assertEqual(got, SEED_EXPECT)
        wait_until(lambda: not children(srv.proc.pid), "no session left, no zombie")

    def test_crash_costs_its_address_a_minute(self):
        if os.environ.get("SOCKFTPD_SANITIZED"):
            # ASan catches the SIGSEGV itself and exits 1: no death by a signal
            self.skipTest("a sanitizer handles SIGSEGV itself")
        srv = self.start("--listen", "127.0.0.1:0", "--max-startups", "10")
        a, _ = greeting(srv.port)
        self.addCleanup(a.close)
        os.kill(children(srv.proc.pid)[0], signal.SIGSEGV)
        srv.log.wait_for(lambda l: "killed by signal 11" in l)
        b, line = greeting(srv.port)
        self.addCleanup(b.close)
        self.assertTrue(line.startswith(b"421 Too many new connections"), line)

    def test_limits(self):
        srv = self.start("--listen", "127.0.0.1:0", "--max-sessions", "3", "--max-per-ip", "2",
                         "--max-startups", "0", "--listen", "127.0.0.2:0")
        srv.log.wait_for(lambda l: "Listening on 127.0.0.2" in l)
        held = []
        for _ in range(2):
            s, line = greeting(srv.ports[0])
            held.append(s)
            self.assertTrue(line.startswith(b"220 "), line)
        s, line = greeting(srv.ports[0])
        self.assertEqual(line, b"421 Too many sessions from your address; close one and "
                         b"try again.\r\n")
        self.assertEqual(s.recv(100), b"")  # then closed
        s.close()
        # another address (127.0.0.2 to 127.0.0.2) still gets the third
        c = socket.socket()
        c.bind(("127.0.0.2", 0))
        c.settimeout(TIMEOUT)
        c.connect(("127.0.0.2", srv.ports[1]))
        held.append(c)
        self.assertTrue(c.recv(100).startswith(b"220 "))
        d = socket.socket()
        d.bind(("127.0.0.3", 0))
        d.settimeout(TIMEOUT)
        d.connect(("127.0.0.2", srv.ports[1]))
        self.assertEqual(d.recv(100), b"421 Too many sessions on this server; try again "
                         b"later.\r\n")
        d.close()
        srv.log.wait_for(lambda l: "--max-sessions reached" in l)
        srv.log.wait_for(lambda l: "--max-per-ip reached" in l)
        # a session ends: its place is free again
        first = held.pop(0)
        first.sendall(b"QUIT\r\n")
        first.close()
        wait_until(lambda: len(children(srv.proc.pid)) == 2, "a session ended")
        s, line = greeting(srv.ports[0])
        held.append(s)
        self.assertTrue(line.startswith(b"220 "), line)
        for s in held:
            s.close()

    def test_startup_rate_per_address(self):
        srv = self.start("--listen", "127.0.0.1:0", "--max-startups", "3")
        for _ in range(3):
            got, _ = seed_session("127.0.0.1", srv.port, socket.AF_INET)
            self.assertEqual(got, SEED_EXPECT)
        s, line = greeting(srv.port)
        s.close()
        self.assertEqual(line, b"421 Too many new connections from your address; try again "
                         b"in a minute.\r\n")
        srv.log.wait_for(lambda l: "--max-startups reached" in l)

    def test_descriptor_exhaustion(self):
        srv = self.start("--listen", "127.0.0.1:0")
        pid = srv.proc.pid
        top = max(int(n) for n in os.listdir("/proc/%d/fd" % pid))
        hard = resource.prlimit(pid, resource.RLIMIT_NOFILE)[1]
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (top + 1, hard))
        clients = [socket.create_connection(("127.0.0.1", srv.port), timeout=TIMEOUT)
                   for _ in range(3)]
        for c in clients:
            self.addCleanup(c.close)
        srv.log.wait_for(lambda l: "accept: Too many open files" in l)
        # it backs off rather than spin: a bounded CPU time over a second
        t0 = time.monotonic()
        cpu0 = cpu_ticks(pid)
        wait_until(lambda: time.monotonic() - t0 > 1.0, "a second")
        cpu1 = cpu_ticks(pid)
        self.assertLess(cpu1 - cpu0, 20, "listener busy while descriptors are out")
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (1024, hard))
        for c in clients:
            c.settimeout(TIMEOUT)
            self.assertTrue(c.recv(100).startswith(b"220 "))
        srv.log.wait_for(lambda l: "Accepting again" in l)
        self.assertEqual(sum("accept: Too many open files" in l for l in srv.log.lines), 1)

    def test_failed_fork(self):
        # a pids cgroup that holds the listener alone: its forks fail
        # (EAGAIN), as when the system or a unit's TasksMax= runs out
        base = "/sys/fs/cgroup/pids"
        if os.geteuid() != 0 or not os.access(os.path.join(base, "cgroup.procs"), os.W_OK):
            self.skipTest("needs root and a writable cgroup v1 pids hierarchy")
        cg = tempfile.mkdtemp(prefix="sockftpd-test-", dir=base)

        def remove():
            # after the server's cleanup (registered later, run earlier):
            # its processes are gone once the cgroup is empty
            with open(os.path.join(cg, "cgroup.procs")) as fh:
                wait_until(lambda: not fh.seek(0) and not fh.read().split(),
                           "the test's cgroup empty")
            os.rmdir(cg)
        self.addCleanup(remove)
        srv = self.start("--listen", "127.0.0.1:0", "--max-startups", "0")
        with open(os.path.join(cg, "pids.max"), "w") as fh:
            fh.write("1")
        with open(os.path.join(cg, "cgroup.procs"), "w") as fh:
            fh.write(str(srv.proc.pid))
        for _ in range(2):
            s, line = greeting(srv.port)
            s.close()
            self.assertEqual(line, b"421 Cannot start a session now; try again later.\r\n")
        srv.log.wait_for(lambda l: "fork: Resource temporarily unavailable" in l)
        with open(os.path.join(cg, "pids.max"), "w") as fh:
            fh.write("max")
        got, _ = seed_session("127.0.0.1", srv.port, socket.AF_INET)
        self.assertEqual(got, SEED_EXPECT)
        srv.log.wait_for(lambda l: "Sessions start again" in l)
        self.assertEqual(sum("fork: Resource" in l for l in srv.log.lines), 1)

    def test_sigterm_drains(self):
        srv = self.start("--listen", "127.0.0.1:0")
        f = Ftp("127.0.0.1", srv.port)
        self.addCleanup(f.close)
        srv.proc.send_signal(signal.SIGTERM)
        srv.log.wait_for(lambda l: "Stopping: no new sessions" in l)
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", srv.port), timeout=TIMEOUT).close()
        self.assertEqual(f.cmd("NOOP")[0], 200)  # the session goes on
        self.assertIsNone(srv.proc.poll())
        self.assertEqual(f.cmd("QUIT")[0], 221)
        self.assertEqual(srv.proc.wait(TIMEOUT), 0)
        srv.log.wait_for(lambda l: "Stopped" in l)

    def test_sigterm_drain_timeout(self):
        srv = self.start("--listen", "127.0.0.1:0", "--drain-timeout", "1")
        f = Ftp("127.0.0.1", srv.port)
        self.addCleanup(f.close)
        t0 = time.monotonic()
        srv.proc.send_signal(signal.SIGTERM)
        self.assertEqual(srv.proc.wait(TIMEOUT), 0)
        self.assertGreaterEqual(time.monotonic() - t0, 0.9)
        srv.log.wait_for(lambda l: "Drain timeout: ending 1 sessions" in l)
        f.sock.settimeout(TIMEOUT)
        rest = f.buf + f.sock.recv(1000)
        self.assertIn(rest[:4], (b"", b"421 "))

    def test_changed_configuration_file_next_session(self):
        conf = os.path.join(self.tree.tmp.name, "sockftpd.conf")
        with open(conf, "w") as fh:
            fh.write("anonymous = %s\n" % self.tree.anon)
        srv = listener("--config", conf, "--listen", "127.0.0.1:0", mode=self.mode)
        self.addCleanup(srv.stop)
        url = "ftp://127.0.0.1:%d/" % srv.port

        def names():
            r = subprocess.run(["curl", "-sS", "-l", "--max-time", str(TIMEOUT), url],
                               capture_output=True, timeout=TIMEOUT * 2)
            self.assertEqual(r.returncode, 0, r.stderr)
            return r.stdout.split()
        self.assertEqual(names(), [b"pub.txt"])
        with open(conf, "w") as fh:
            fh.write("anonymous = %s\n" % self.tree.other)
        self.assertEqual(names(), [b"new.txt"])
        self.assertIsNone(srv.proc.poll())

    def test_tls_tickets_are_per_session(self):
        cert, key = make_cert(self.tree.tmp.name)
        srv = self.start("--listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", key,
                         "--max-startups", "0")
        ctx = client_context(cert)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3

        def control(session=None):
            f = Ftp("127.0.0.1", srv.port)
            self.assertEqual(f.cmd("AUTH TLS")[0], 234)
            f.sock = ctx.wrap_socket(f.sock, server_hostname="localhost", session=session)
            self.assertEqual(f.cmd("NOOP")[0], 200)  # the tickets have come
            return f
        a = control()
        self.addCleanup(a.close)
        ticket = a.sock.session
        self.assertTrue(ticket.has_ticket)
        # the ticket resumes in its own session (a data connection) ...
        a.cmd("USER anonymous")
        a.cmd("PASS x")
        self.assertEqual(a.cmd("PBSZ 0")[0], 200)
        self.assertEqual(a.cmd("PROT P")[0], 200)
        d = a.pasv()
        a.sock.sendall(b"NLST\r\n")
        d = ctx.wrap_socket(d, server_hostname="localhost", session=ticket)
        self.addCleanup(d.close)
        self.assertTrue(d.session_reused)
        # ... and not in another one: another process, other ticket keys
        b = control(session=ticket)
        self.addCleanup(b.close)
        self.assertFalse(b.sock.session_reused)


def behind(port, client, sport=40000, header=None):
    """A connection from the balancer (127.0.0.1) whose PROXY header (v1)
    names client: (socket, first line)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    s.sendall(header or ("PROXY TCP4 %s 127.0.0.1 %d 21\r\n" % (client, sport)).encode())
    return s, first_line(s)


def seqpackets(pid):
    """How many SOCK_SEQPACKET sockets pid holds (/proc/net/unix: type
    0005): the admission channels."""
    types = {}
    with open("/proc/net/unix") as f:
        next(f)
        for line in f:
            fields = line.split()
            types[fields[6]] = fields[4]
    n = 0
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except FileNotFoundError:
            continue
        if link.startswith("socket:[") and types.get(link[8:-1]) == "0005":
            n += 1
    return n


PROXY = ("--proxy-protocol", "--proxy-trusted", "127.0.0.1")
A, B = "203.0.113.7", "198.51.100.9"
PER_IP = b"421 Too many sessions from your address; close one and try again.\r\n"
RATE = b"421 Too many new connections from your address; try again in a minute.\r\n"
# v2 LOCAL: a balancer's health check
LOCAL = b"\r\n\r\n\x00\r\nQUIT\n\x20\x00\x00\x00"


class BehindBalancer:
    """--proxy-protocol: --max-per-ip and --max-startups count the client
    the PROXY header names, which the session reports to the listener; the
    listener itself reads no byte of the connection."""

    def test_per_ip_counts_the_client_the_header_names(self):
        srv = self.start("--listen", "127.0.0.1:0", *PROXY, "--max-per-ip", "2",
                         "--max-startups", "0")
        held = []
        for i in range(2):
            s, line = behind(srv.port, A, 40000 + i)
            held.append(s)
            self.assertTrue(line.startswith(b"220 "), line)
        s, line = behind(srv.port, A, 40002)
        self.assertEqual(line, PER_IP)
        self.assertEqual(s.recv(100), b"")  # then closed
        s.close()
        # another client behind the same balancer, and a health check
        s, line = behind(srv.port, B)
        held.append(s)
        self.assertTrue(line.startswith(b"220 "), line)
        srv.log.wait_for(lambda l: "Refused %s:40002 (PROXY header from 127.0.0.1:" % A in l
                         and "--max-per-ip reached" in l)
        s, line = behind(srv.port, None, header=LOCAL)
        held.append(s)
        self.assertTrue(line.startswith(b"220 "), line)
        # each channel served its one exchange and is gone, on both ends (the
        # listener closes its end just after the verdict the 220 follows)
        wait_until(lambda: len(children(srv.proc.pid)) == 4, "the refused session ended")
        wait_until(lambda: not any(seqpackets(pid) for pid in
                                   [srv.proc.pid] + children(srv.proc.pid)),
                   "no admission channel left")
        # a session of A ends: its place (counted on A) is free again
        first = held.pop(0)
        first.sendall(b"QUIT\r\n")
        self.assertTrue(first.recv(100).startswith(b"221"))
        first.close()
        wait_until(lambda: len(children(srv.proc.pid)) == 3, "a session ended")
        s, line = behind(srv.port, A, 40003)
        held.append(s)
        self.assertTrue(line.startswith(b"220 "), line)
        for s in held:
            s.close()

    def test_startups_count_the_client_the_header_names(self):
        srv = self.start("--listen", "127.0.0.1:0", *PROXY, "--max-startups", "3")
        for i in range(3):
            s, line = behind(srv.port, A, 41000 + i)
            self.assertTrue(line.startswith(b"220 "), line)
            s.close()
        s, line = behind(srv.port, A, 41003)
        s.close()
        self.assertEqual(line, RATE)
        s, line = behind(srv.port, B)
        s.close()
        self.assertTrue(line.startswith(b"220 "), line)
        srv.log.wait_for(lambda l: "--max-startups reached" in l and A in l)

    def test_crash_costs_the_client_the_header_names(self):
        if os.environ.get("SOCKFTPD_SANITIZED"):
            self.skipTest("a sanitizer handles SIGSEGV itself")
        srv = self.start("--listen", "127.0.0.1:0", *PROXY, "--max-startups", "10")
        a, line = behind(srv.port, A)
        self.addCleanup(a.close)
        self.assertTrue(line.startswith(b"220 "), line)
        os.kill(children(srv.proc.pid)[0], signal.SIGSEGV)
        srv.log.wait_for(lambda l: "killed by signal 11" in l)
        s, line = behind(srv.port, A, 40001)
        s.close()
        self.assertEqual(line, RATE)
        s, line = behind(srv.port, B)
        s.close()
        self.assertTrue(line.startswith(b"220 "), line)
        self.assertIn("of %s:40000 (PROXY header from 127.0.0.1:" % A, srv.log.text())


class ForkExec(Modes, BehindBalancer, unittest.TestCase):
    mode = "yes"


class ForkOnly(Modes, BehindBalancer, unittest.TestCase):
    mode = "no"


class StartUp(unittest.TestCase):
    def test_bad_address_and_address_in_use(self):
        r = subprocess.run([SOCKFTPD, "--listen", "localhost:21"], capture_output=True,
                           timeout=TIMEOUT)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"--listen: 'localhost:21' is not ADDRESS:PORT", r.stderr)
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            where = "127.0.0.1:%d" % taken.getsockname()[1]
            r = subprocess.run([SOCKFTPD, "--log", "stderr", "--listen", where],
                               capture_output=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 2)
        self.assertIn(("--listen %s: Address already in use" % where).encode(), r.stderr)


class SystemdAcceptNo(unittest.TestCase):
    """systemd-socket-activate without --accept passes its listening sockets
    at the first connection, as a socket unit with Accept=no does."""

    def ssa(self, count, *args):
        exe = shutil.which("systemd-socket-activate")
        if not exe:
            self.skipTest("systemd-socket-activate not installed")
        listen = [with_reserved_port("127.0.0.1:0") for _ in range(count)]
        argv = [exe]
        for a in listen:
            argv += ["-l", a]
        srv = Server(argv + ["--", *WRAPPER, SOCKFTPD, "--log", "stderr", *args],
                     ["Listening on " + a for a in listen])
        self.addCleanup(srv.stop)
        return srv

    def test_listening_sockets_select_listener_mode(self):
        tree = Tree()
        self.addCleanup(tree.cleanup)
        srv = self.ssa(2, "--anonymous", tree.anon)
        ports = srv.ports
        for port in ports + ports:
            got, _ = seed_session("127.0.0.1", port, socket.AF_INET)
            self.assertEqual(got, SEED_EXPECT)
        r = subprocess.run(["curl", "-sS", "--max-time", str(TIMEOUT),
                            "ftp://127.0.0.1:%d/pub.txt" % ports[1]],
                           capture_output=True, timeout=TIMEOUT * 2)
        self.assertEqual(r.stdout, b"pub.txt\n", r.stderr)
        text = srv.log.text()
        self.assertEqual(text.count("(sessions: fork+exec;"), 2, text)
        self.assertIn("via listener)", text)


if __name__ == "__main__":
    main()
