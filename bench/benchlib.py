"""What the bench/ Python clients share (Python 3 standard library only):
the FTP control connection's replies, the data set's files, the server's CPU
time read from /proc, and the report's tables.  Not a program: imported by
bench/ftpbench.py, bench/ftpsbench.py, bench/idbench.py and bench/sessions.py.
"""

import os
import socket
import statistics
import sys
import time

HOST = "127.0.0.1"
BIG_NAME = "big.bin"
BIG_SIZE = 1 << 30          # 1 GiB
RECV_BUF = 1 << 20          # user-space buffer of the reader: 1 MiB
TIMEOUT = 60                # every socket operation
HZ = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- data set

def write_big(root):
    """root/big.bin, BIG_SIZE random bytes."""
    block = os.urandom(1 << 20)
    with open(os.path.join(root, BIG_NAME), "wb") as f:
        for _ in range(BIG_SIZE // len(block)):
            f.write(block)


def write_small(root, count, size, fmt):
    """root/small/, count files of size bytes named fmt % i."""
    small = os.path.join(root, "small")
    os.mkdir(small)
    payload = os.urandom(size)
    for i in range(count):
        with open(os.path.join(small, fmt % i), "wb") as f:
            f.write(payload)


# ---------------------------------------------------------------- FTP control connection

class FTPError(Exception):
    pass


def connect(port):
    """A control connection to HOST:port, TCP_NODELAY."""
    s = socket.create_connection((HOST, port), timeout=TIMEOUT)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def sink(sock, buf):
    """Read sock to EOF into buf (discarded); return the byte count."""
    mv = memoryview(buf)
    n = 0
    recv_into = sock.recv_into
    while True:
        k = recv_into(mv)
        if not k:
            return n
        n += k


class Replies:
    """The commands and replies of a control connection: self.sock, and
    line() returning the next reply line, come from the subclass.
    DRAIN: quit() reads to the end of the connection (the server closes
    first)."""

    DRAIN = False

    def line(self):
        raise NotImplementedError

    def reply(self):
        """One reply (multi-line aware): (code, text of all lines)."""
        first = self.line()
        text = [first]
        if first[3:4] == "-":
            while True:
                t = self.line()
                text.append(t)
                if t[:3] == first[:3] and t[3:4] == " ":
                    break
        try:
            return int(first[:3]), "\n".join(text)
        except ValueError:
            raise FTPError("not a reply: %r" % first) from None

    def send(self, cmd):
        self.last = cmd if not cmd.startswith("PASS") else "PASS ****"
        self.sock.sendall(cmd.encode() + b"\r\n")

    def cmd(self, cmd, ok=None):
        self.send(cmd)
        code, text = self.reply()
        if ok is not None and code // 100 not in ok:
            raise FTPError("%s -> %s" % (self.last, text))
        return code, text

    def greet(self):
        code, text = self.reply()
        if code != 220:
            raise FTPError("greeting: %s" % text)

    def user_pass(self, user, password):
        """greet(), USER, and PASS when asked for."""
        self.greet()
        code, _ = self.cmd("USER " + user, (2, 3))
        if code // 100 == 3:
            self.cmd("PASS " + password, (2,))

    def transfer_end(self, what):
        code, text = self.reply()
        if code // 100 != 2:
            raise FTPError("%s -> final reply %s" % (what, text))

    def drain(self):
        while self.sock.recv(4096):
            pass

    def short_session(self, user, password):
        """The whole of a shortest session with a login: greeting, USER,
        PASS, QUIT, 221, the end of the connection; closed."""
        try:
            self.user_pass(user, password)
            self.cmd("QUIT", (2,))
            self.drain()
        finally:
            self.sock.close()

    def quit(self):
        try:
            self.cmd("QUIT")
            if self.DRAIN:
                self.drain()
        except (OSError, FTPError):
            pass
        self.sock.close()


# ---------------------------------------------------------------- the server's CPU

def stat_of(pid):
    """The fields of /proc/PID/stat after the command name (state first)."""
    with open("/proc/%d/stat" % pid) as f:
        return f.read().rsplit(")", 1)[1].split()


def children_of(pid):
    """The children of every thread of pid; [] once pid is gone."""
    out = []
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                out += [int(p) for p in f.read().split()]
    except OSError:
        return []
    return out


def serve(argv):
    """Run a server under this process as its child subreaper: a session
    process whose parent exits before it (vsftpd's do) is reparented here
    instead of to PID 1, so that its CPU time is counted too."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(36, 1, 0, 0, 0) != 0:         # PR_SET_CHILD_SUBREAPER
        raise SystemExit("prctl(PR_SET_CHILD_SUBREAPER): %s" % os.strerror(ctypes.get_errno()))
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    while True:                                 # reap the server and the orphans
        try:
            p, status = os.wait()
        except ChildProcessError:
            return 0
        if p == pid:
            return os.waitstatus_to_exitcode(status)


SERVERS = {}    # subreaper pid -> server pid


def server_cpu(pid, settle=10.0):
    """CPU seconds of a server started by `serve` (pid: the subreaper):
    the server's own (its listener's accept and fork) and that of every
    session process it or the subreaper reaped, once no session is left
    (bounded wait); None without a pid."""
    if not pid:
        return None
    server = SERVERS.get(pid)
    if server is None:
        started = {}
        for k in children_of(pid):
            try:
                started[k] = int(stat_of(k)[19])
            except OSError:
                pass            # an orphaned session, reaped meanwhile
        if not started:
            return None
        server = SERVERS[pid] = min(started, key=started.get)   # the first started
    end = time.monotonic() + settle
    while time.monotonic() < end and (children_of(server) or len(children_of(pid)) > 1):
        time.sleep(0.01)
    sv, me = stat_of(server), stat_of(pid)
    return (sum(int(x) for x in sv[11:15]) + int(me[13]) + int(me[14])) / HZ


# ---------------------------------------------------------------- report

def spread(v, fmt):
    if not v:
        return "-"
    return (fmt + " (" + fmt + "-" + fmt + ")") % (statistics.median(v), min(v), max(v))


def print_table(rows):
    """rows[0] the header; the first column left-aligned, the others right."""
    w = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for i, r in enumerate(rows):
        print("  ".join(c.ljust(w[j]) if j == 0 else c.rjust(w[j]) for j, c in enumerate(r)))
        if i == 0:
            print("  ".join("-" * x for x in w))


def run_main(main, doc):
    """sys.exit(main(SUBCOMMAND, ARGS)) with this program's arguments; without
    any, the usage (doc) and 2; 130 on ^C."""
    if len(sys.argv) < 2:
        print(doc, file=sys.stderr)
        sys.exit(2)
    try:
        sys.exit(main(sys.argv[1], sys.argv[2:]))
    except KeyboardInterrupt:
        sys.exit(130)


def print_errors(errs):
    """The errors, if any, after a blank line; 1 if one of them is a
    sockftpd's (starts with "sockftpd"), else 0."""
    if errs:
        print()
        print("errors:")
        for e in errs:
            print("  " + e)
    return 1 if any(e.startswith("sockftpd") for e in errs) else 0
