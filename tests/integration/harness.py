"""Shared helpers for the integration tests: start the real binary through
systemd-socket-activate, xinetd or a pipe, talk to it over loopback, and
always clean up.  Every wait is bounded."""
import grp
import os
import pwd
import shutil
import signal
import socket
import struct
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


def free_id(start, span=100000):
    """A number from start up that is neither a uid nor a gid in the /etc
    this process sees (the host's, or a private copy's): for throwaway
    users and groups."""
    for n in range(start, start + span):
        try:
            pwd.getpwuid(n)
        except KeyError:
            try:
                grp.getgrgid(n)
            except KeyError:
                return n
    raise RuntimeError("no free uid and gid in %d-%d" % (start, start + span))


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


# Ports: a test never picks a port and hopes it is still free when a server
# binds it.  Where the server can bind port 0 (xinetd's port = 0), it does,
# and the harness reads the port it got from /proc (Server.port).  Where a
# port must be named in advance (systemd-socket-activate refuses port 0,
# --pasv-ports), the harness holds it for the whole test process
# (free_port, reserve_ports): socket_activate(["127.0.0.1:0"]) does that.

_reserved = []  # sockets that hold reserved ports for the life of the test process


def _reserve(family, host, port):
    """Bind host:port exclusively (no SO_REUSEADDR: this fails if any socket
    has it), then set SO_REUSEADDR and keep the socket, never listening.
    From then on the kernel hands the port to no one else, neither as an
    ephemeral port (bind to 0, connect) nor to an exclusive bind, but a
    server that binds it with SO_REUSEADDR and listens (systemd-socket-
    activate, xinetd, sockftpd's passive sockets) gets it."""
    s = socket.socket(family, socket.SOCK_STREAM)
    try:
        s.bind((host, port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    except BaseException:
        s.close()
        raise
    _reserved.append(s)
    return s.getsockname()[1]


def free_port(family=socket.AF_INET, host="127.0.0.1"):
    """A port on host that stays reserved for this process (see _reserve):
    only a server that binds with SO_REUSEADDR can use it.  Prefer port 0
    and Server.port."""
    return _reserve(family, host, 0)


def reserve_ports(count, family=socket.AF_INET, host="127.0.0.1"):
    """count consecutive reserved ports (see _reserve): (first, last)."""
    for _ in range(100):
        first = free_port(family, host)
        try:
            for port in range(first + 1, first + count):
                _reserve(family, host, port)
            return first, first + count - 1
        except OSError:
            continue  # taken: the held ones stay reserved, harmlessly
    raise AssertionError("no %d consecutive free ports" % count)


def listen_address(host, port=0):
    """systemd-socket-activate's -l syntax: 127.0.0.1:0, [::1]:0."""
    return "[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port)


def _proc_tcp_listeners(pid):
    """{socket inode: (host, port)} of the listening TCP sockets in pid's
    network namespace."""
    out = {}
    for name, family in (("tcp", socket.AF_INET), ("tcp6", socket.AF_INET6)):
        try:
            with open("/proc/%d/net/%s" % (pid, name)) as f:
                rows = f.read().splitlines()[1:]
        except FileNotFoundError:
            continue
        for row in rows:
            cols = row.split()
            if cols[3] != "0A":  # TCP_LISTEN
                continue
            addr, port = cols[1].split(":")
            # each 32-bit word printed in host byte order
            raw = b"".join(struct.pack("=I", int(addr[i:i + 8], 16))
                           for i in range(0, len(addr), 8))
            out[int(cols[9])] = (socket.inet_ntop(family, raw), int(port, 16))
    return out


def listening_ports(pid):
    """[(host, port)] of the TCP sockets process pid listens on, in the
    order of its file descriptors (systemd-socket-activate: the order of its
    -l options)."""
    listeners = _proc_tcp_listeners(pid)
    found = []
    fd_dir = "/proc/%d/fd" % pid
    for fd in sorted(int(n) for n in os.listdir(fd_dir)):
        try:
            target = os.readlink("%s/%d" % (fd_dir, fd))
        except FileNotFoundError:
            continue
        if target.startswith("socket:["):
            inode = int(target[8:-1])
            if inode in listeners:
                found.append(listeners[inode])
    return found


def children(pid):
    """The pids of pid's children."""
    kids = []
    for task in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/children" % (pid, task)) as f:
                kids += [int(p) for p in f.read().split()]
        except FileNotFoundError:
            pass
    return kids


def readable_memory(pid):
    """Every readable mapping of a live process, as one bytes string (for
    checks that a secret is not in it)."""
    memory = b""
    with open("/proc/%d/maps" % pid) as maps, open("/proc/%d/mem" % pid, "rb") as mem:
        for row in maps.read().splitlines():
            span, perms = row.split()[:2]
            if not perms.startswith("r") or "[vvar]" in row or "[vsyscall]" in row:
                continue
            lo, hi = (int(x, 16) for x in span.split("-"))
            try:
                mem.seek(lo)
                memory += mem.read(hi - lo)
            except OSError:
                pass
    return memory


def proc_status(pid):
    """/proc/PID/status as {field: value}."""
    with open("/proc/%d/status" % pid) as f:
        return dict(l.split(":", 1) for l in f.read().splitlines() if ":" in l)


def inet_fds(pid):
    """The descriptors of pid that are TCP or UDP sockets (IPv4 or IPv6)."""
    inodes = set()
    for name in ("tcp", "tcp6", "udp", "udp6"):
        try:
            with open("/proc/%d/net/%s" % (pid, name)) as f:
                inodes |= {int(row.split()[9]) for row in f.read().splitlines()[1:]}
        except FileNotFoundError:
            pass
    found = []
    fd_dir = "/proc/%d/fd" % pid
    try:
        fds = os.listdir(fd_dir)
    except FileNotFoundError:   # it ended meanwhile
        return []
    for fd in fds:
        try:
            target = os.readlink("%s/%s" % (fd_dir, fd))
        except FileNotFoundError:
            continue
        if target.startswith("socket:[") and int(target[8:-1]) in inodes:
            found.append(int(fd))
    return found


def session_processes(monitor, want_user=False, timeout=TIMEOUT):
    """A root start with --users: (network process, user process or None),
    the monitor's children, told apart by the connection the network
    process holds.  want_user: wait until a login's user process runs."""
    deadline = time.monotonic() + timeout
    while True:
        kids = children(monitor)
        net = [k for k in kids if inet_fds(k)]
        others = [k for k in kids if k not in net]
        if len(net) == 1 and (others or not want_user):
            return net[0], (others[0] if others else None)
        if time.monotonic() > deadline:
            raise AssertionError("monitor %d: children %r" % (monitor, kids))
        time.sleep(0.01)


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


def seed_session(host, port, family, timeout=TIMEOUT):
    """Run the seed transcript one command at a time, as a person at telnet
    would, and return (bytes received, local port of the client).  timeout
    bounds the whole session."""
    deadline = time.monotonic() + timeout
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
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
    stopped, with its whole process group, when the test ends.  It is ready
    when every string of ready has appeared in its stderr; then ports lists
    the ports it listens on (also those it bound as port 0), and port is the
    first of them."""

    def __init__(self, argv, ready, env=None, stdout=subprocess.DEVNULL):
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                     stdout=stdout,
                                     stderr=subprocess.PIPE, env=env,
                                     start_new_session=True)
        self.log = Collector(self.proc.stderr)
        self.log.start()
        self._ports = None
        try:
            for r in ready:
                self.log.wait_for(lambda l, r=r: r in l)
        except BaseException:
            self.stop()
            raise

    @property
    def ports(self):
        """The ports of the listening sockets of the process, in the order of
        its descriptors (read from /proc once, after it is ready)."""
        if self._ports is None:
            try:
                found = listening_ports(self.proc.pid)
            except FileNotFoundError:
                found = []
            if not found:
                raise AssertionError("the server listens on no TCP port; its log:\n"
                                     + self.log.text())
            self._ports = [port for _, port in found]
        return self._ports

    @property
    def port(self):
        return self.ports[0]

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


def with_reserved_port(address):
    """host:0 or [host]:0 -> the same address with a port reserved for it
    (free_port); any other address as it is."""
    host, port = address.rsplit(":", 1)
    if port != "0":
        return address
    host = host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return listen_address(host, free_port(family, host))


def socket_activate(listen, extra=(), args=()):
    """systemd-socket-activate -a on each address of listen, running sockftpd.
    Give port 0 (listen_address(host)): the harness reserves a port for it,
    and Server.port (Server.ports, in the order of listen) tells which."""
    exe = shutil.which("systemd-socket-activate")
    if not exe:
        raise unittest.SkipTest("systemd-socket-activate not installed")
    listen = [with_reserved_port(a) for a in listen]
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
    """A small raw FTP client for exact reply checks.  timeout bounds each
    wait for the server (TIMEOUT unless a test expects a crowd)."""

    def __init__(self, host, port, family=socket.AF_INET, timeout=TIMEOUT):
        self.timeout = timeout
        self.sock = socket.create_connection((host, port), timeout=timeout)
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
        s.settimeout(self.timeout)
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
        data = recv_until_eof(d, time.monotonic() + self.timeout)
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
