"""Shared helpers for the integration tests: start the real binary through
systemd-socket-activate, xinetd or a pipe, talk to it over loopback, and
always clean up.  Every wait is bounded."""
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import unittest

SOCKFTPD = os.environ.get("SOCKFTPD", "")
if not SOCKFTPD or not os.access(SOCKFTPD, os.X_OK):
    raise SystemExit("SOCKFTPD must name the built binary (run through meson test)")

# A command put before the binary where the harness starts it, such as
# valgrind (tests/integration/memcheck.py sets it).
WRAPPER = os.environ.get("SOCKFTPD_WRAPPER", "").split()

# The journal is chosen when systemd says stderr goes there: not in tests.
os.environ.pop("JOURNAL_STREAM", None)

TIMEOUT = 20.0  # generous: tests must pass on a slow, busy machine

# The seed tutorial's transcript, byte for byte, but for one line: STOR is
# implemented now and needs a login, so before USER/PASS it gets 530 where
# the tutorial (which implemented nothing) said 502.
SEED_SEND = [b"NOOP\r\n", b"nOoP\r\n", b"STOR /path/to/file.txt\r\n",
             b"UNKNOWN command\r\n", b"QUIT\r\n"]
SEED_REPLIES = [
    b"220 Service ready for new user.\r\n",
    b"200 Command okay.\r\n",
    b"200 Command okay.\r\n",
    b"530 Please login with USER and PASS.\r\n",
    b"500 Syntax error, command unrecognized.\r\n",
    b"221 Service closing control connection.\r\n",
]
SEED_EXPECT = b"".join(SEED_REPLIES)


def skip_unless_root(test):
    if os.geteuid() != 0:
        raise unittest.SkipTest("needs root")


# Started as root (as in CI), sockftpd switches to --run-as, by default
# nobody, before it reads a command: the trees it serves must be nobody's.
SERVER_UID = SERVER_GID = 65534


def give_to_server(*paths):
    """chown -R the paths to the server's user when the tests run as root,
    and let it traverse their parent directory."""
    if os.geteuid() != 0:
        return
    for path in paths:
        os.chmod(os.path.dirname(os.path.abspath(path)), 0o755)
        os.lchown(path, SERVER_UID, SERVER_GID)
        for top, dirs, files in os.walk(path):
            os.lchown(top, SERVER_UID, SERVER_GID)
            for name in dirs + files:
                os.lchown(os.path.join(top, name), SERVER_UID, SERVER_GID)


def free_port(family=socket.AF_INET, host="127.0.0.1"):
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def recv_until_eof(sock, deadline):
    data = b""
    while True:
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            raise AssertionError("timed out waiting for EOF; got %r" % data)
        if not chunk:
            return data
        data += chunk


def read_lines(sock, deadline, buf, count):
    """Read until buf holds count CRLF-terminated lines."""
    while buf.count(b"\r\n") < count:
        sock.settimeout(max(0.1, deadline - time.monotonic()))
        chunk = sock.recv(4096)
        if not chunk:
            raise AssertionError("connection closed; got %r" % buf)
        buf += chunk
    return buf


def seed_session(host, port, family):
    """Run the seed transcript one command at a time, as a person at telnet
    would, and return (bytes received, local port of the client)."""
    deadline = time.monotonic() + TIMEOUT
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(TIMEOUT)
        s.connect((host, port))
        client_port = s.getsockname()[1]
        got = read_lines(s, deadline, b"", 1)
        for i, line in enumerate(SEED_SEND[:-1]):
            s.sendall(line)
            got = read_lines(s, deadline, got, i + 2)
        s.sendall(SEED_SEND[-1])
        got += recv_until_eof(s, deadline)
        return got, client_port


class Collector(threading.Thread):
    """Reads a process's stderr into a list of lines."""

    def __init__(self, stream):
        super().__init__(daemon=True)
        self.stream = stream
        self.lines = []
        self.eof = False
        self.cond = threading.Condition()

    def run(self):
        for raw in iter(self.stream.readline, b""):
            with self.cond:
                self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
                self.cond.notify_all()
        with self.cond:
            self.eof = True
            self.cond.notify_all()

    def wait_for(self, predicate, timeout=TIMEOUT):
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                hits = [l for l in self.lines if predicate(l)]
                if hits:
                    return hits
                left = end - time.monotonic()
                if left <= 0 or self.eof:
                    raise AssertionError("no such log line; have:\n" + "\n".join(self.lines))
                self.cond.wait(left)

    def text(self):
        with self.cond:
            return "\n".join(self.lines)


class Server:
    """A server process (systemd-socket-activate or xinetd) that is always
    stopped, with its whole process group, when the test ends."""

    def __init__(self, argv, ready, env=None):
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, env=env,
                                     start_new_session=True)
        self.log = Collector(self.proc.stderr)
        self.log.start()
        try:
            for r in ready:
                self.log.wait_for(lambda l, r=r: r in l)
        except BaseException:
            self.stop()
            raise

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self.log.join(5)
        self.proc.stderr.close()


def socket_activate(listen, extra=(), args=()):
    """systemd-socket-activate -a on each address of listen, running sockftpd."""
    exe = shutil.which("systemd-socket-activate")
    if not exe:
        raise unittest.SkipTest("systemd-socket-activate not installed")
    argv = [exe, "-a", *extra]
    for a in listen:
        argv += ["-l", a]
    argv += ["--", *WRAPPER, SOCKFTPD, *args]
    return Server(argv, ["Listening on %s" % a for a in listen])


def run_pipe(data, args=(), timeout=TIMEOUT):
    return subprocess.run([*WRAPPER, SOCKFTPD, *args], input=data, capture_output=True,
                          timeout=timeout * (3 if WRAPPER else 1))


def check_seed_log(test, text, who):
    """The seed's log: connection with the client's address, each request,
    the unknown command as a warning, the disconnection."""
    for expect in ("Accepted new connection (address = %s" % who,
                   "Sent by client %s: NOOP" % who,
                   "Sent by client %s: STOR /path/to/file.txt" % who,
                   "[ WARNING ] %s: Command unrecognized: 'UNKNOWN'" % who,
                   "Sent by client %s: QUIT" % who,
                   "%s disconnected" % who):
        test.assertIn(expect, text)


def main():
    """unittest.main, but exit 77 (meson's "skipped") when every test skipped."""
    prog = unittest.main(exit=False, verbosity=2)
    r = prog.result
    if not r.wasSuccessful():
        raise SystemExit(1)
    if r.testsRun and len(r.skipped) == r.testsRun:
        raise SystemExit(77)
    raise SystemExit(0)


class Ftp:
    """A small raw FTP client for exact reply checks."""

    def __init__(self, host, port, family=socket.AF_INET):
        self.sock = socket.create_connection((host, port), timeout=TIMEOUT)
        self.buf = b""
        self.greeting = self.reply()

    def close(self):
        self.sock.close()

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("control connection closed; pending %r" % self.buf)
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def reply(self):
        """(code, text of all lines joined by newlines)"""
        first = self.line()
        code = int(first[:3])
        lines = [first[4:]]
        if first[3:4] == b"-":
            while True:
                l = self.line()
                if l[:4] == b"%d " % code:
                    lines.append(l[4:])
                    break
                lines.append(l)
        return code, b"\n".join(lines).decode("utf-8", "replace")

    def cmd(self, text):
        self.sock.sendall(text.encode("utf-8", "surrogateescape") + b"\r\n")
        return self.reply()

    def login(self, user, password):
        code, _ = self.cmd("USER " + user)
        assert code == 331, code
        code, text = self.cmd("PASS " + password)
        assert code == 230, (code, text)

    def pasv(self, source=None):
        """EPSV, then a connected data socket (from source address if given)."""
        code, text = self.cmd("EPSV")
        assert code == 229, (code, text)
        port = int(text.split("|")[3])
        peer = self.sock.getpeername()[0]
        s = socket.socket(self.sock.family, socket.SOCK_STREAM)
        s.settimeout(TIMEOUT)
        if source:
            s.bind((source, 0))
        s.connect((peer, port))
        return s

    def retr(self, path):
        return self.listing("RETR", path)

    def stor(self, path, data, verb="STOR"):
        d = self.pasv()
        code, text = self.cmd("%s %s" % (verb, path))
        if code != 150:
            d.close()
            return code, text
        d.sendall(data)
        d.close()
        return self.reply()

    def listing(self, verb="LIST", arg=None):
        """Any command that sends data to the client: (code, text, data)."""
        d = self.pasv()
        code, text = self.cmd(verb + (" " + arg if arg is not None else ""))
        if code != 150:
            d.close()
            return code, text, None
        data = recv_until_eof(d, time.monotonic() + TIMEOUT)
        d.close()
        code, text = self.reply()
        return code, text, data


def make_users_file(path, entries):
    """entries: (name, password, home, "rw"|"ro")."""
    with open(path, "w") as f:
        for name, password, home, mode in entries:
            h = subprocess.run(["openssl", "passwd", "-6", password], capture_output=True,
                               check=True, timeout=TIMEOUT).stdout.decode().strip()
            f.write("%s:%s:%s:%s\n" % (name, h, home, mode))
