"""Real identities (issue 10, first step): a root start with virtual users
splits into a root monitor that never holds the connection, the network
process (nobody, sandboxed) and, after each login, a user process with the
login's account (a system user, or uid=,gid=), rooted at its home, with its
own filter without network calls.  Files are owned by the account; a
read-only user writes nothing; the walls are read from the live processes;
a socket() made by the live user process kills it; a network process taken
over (monitor_probe runs the very monitor against a script that speaks its
protocol) logs in with no password but the right one, gets no process for
another user and no descriptor a login would not get; FTPS works across
the login.  Needs root (skipped otherwise): the test creates a system user
with useradd, in a copy of /etc bind-mounted over it in a private mount
namespace of the test process (privetc.py): the host's /etc is never
written."""
import json
import os
import platform
import pwd
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "systemd"))

PROBE = os.environ.get("SOCKFTPD_MONITOR_PROBE", "")
BUILD = os.environ.get("SOCKFTPD_BUILD_ROOT", "")
SANITIZED = bool(os.environ.get("SOCKFTPD_SANITIZED"))

# the monitor's messages (src/monitor_proto.h)
MON_AUTH, MON_LOGOUT, MON_CLIENT = 1, 2, 3
MON_AUTH_OK, MON_AUTH_FAIL, MON_LOGGED_OUT = 0x81, 0x82, 0x83
# the user process's requests (src/fileproto.h)
FOP_STAT, FOP_OPEN_READ, FOP_UPLOAD, FOP_UPLOAD_END, FOP_LIST = 2, 3, 10, 11, 12


def u16(n):
    return struct.pack("<H", n)


def auth(user, password, wait_ms=60000):
    user, password = user.encode(), password.encode()
    return (bytes([MON_AUTH]) + u16(len(user)) + user + u16(len(password)) + password
            + struct.pack("<I", wait_ms))


def client(address, port=40000):
    """MON_CLIENT: the client a PROXY header named (IPv4)."""
    return (bytes([MON_CLIENT, 4]) + u16(port) + socket.inet_aton(address) + bytes(12))


def fop(op, path=b"/", arg=0, flags=0, off=0, path2=b""):
    return (bytes([op]) + struct.pack("<IIQ", arg, flags, off) + u16(len(path)) + path
            + u16(len(path2)) + path2)


def fop_result(data):
    """(errno, flags, uid of the stat) of a user process's result."""
    if not data or data[0] != 0xa0:
        return None
    err, _why, flags = struct.unpack_from("<IBI", data, 1)
    uid = struct.unpack_from("<I", data, 1 + 4 + 1 + 4 + 4 + 8 + 4 + 8)[0]
    return err, flags, uid


def attack(scenario, users):
    """The taken-over network process (run by monitor_probe as nobody): one
    JSON line per step on stdout, as it goes (the monitor may kill it)."""
    mon = socket.socket(fileno=3)
    pw = dict(u.split(":", 1) for u in users.split(","))

    def say(**kw):
        print(json.dumps(kw), flush=True)

    def ask(sock, msg, fds=()):
        socket.send_fds(sock, [msg], list(fds))
        data, got, _, _ = socket.recv_fds(sock, 70000, 4)
        return data, got

    def login(user, password):
        start = time.monotonic()
        data, fds = ask(mon, auth(user, password))
        ms = int((time.monotonic() - start) * 1000)
        reply = {"user": user, "type": data[0] if data else None, "fds": len(fds), "ms": ms}
        if data and data[0] == MON_AUTH_OK:
            reply["uid"], reply["gid"] = struct.unpack_from("<II", data, 2)
        if data and data[0] == MON_AUTH_FAIL:
            reply["last"] = data[1]
        say(step="auth", **reply)
        return fds[0] if fds else None

    if scenario == "no_password":
        for password in ("wrong", "", pw["bob"]):
            login("alice", password)
        login("alice", pw["alice"])   # no attempt is left: the session ends
        say(step="alive")
    elif scenario == "another_user":
        fd = login("alice", pw["alice"])
        files = socket.socket(fileno=fd)
        for name in ("secret", "escape", "mine.txt"):
            data, fds = ask(files, fop(FOP_OPEN_READ, b"/" + name.encode()))
            err, _, _ = fop_result(data)
            st = os.fstat(fds[0]) if fds else None
            say(step="open", name=name, err=err, fds=len(fds),
                uid=st.st_uid if st else None,
                content=os.read(fds[0], 100).decode() if fds else None)
            for f in fds:
                os.close(f)
        data, fds = ask(files, fop(FOP_UPLOAD, b"/taken-over.txt"))
        os.write(fds[0], b"written by the network process")
        os.close(fds[0])
        data, _ = ask(files, fop(FOP_UPLOAD_END, b"", arg=1))
        say(step="upload", err=fop_result(data)[0])
        data, fds = ask(files, fop(FOP_LIST, b"/", arg=1, flags=0x100))
        listing = b""
        while True:
            chunk = os.read(fds[0], 65536)
            if not chunk:
                break
            listing += chunk
        os.close(fds[0])
        say(step="list", names=sorted(listing.decode().split()))
        data, _ = ask(mon, bytes([MON_LOGOUT]))
        say(step="logout", type=data[0], user_process_gone=files.recv(10) == b"")
        login("bob", pw["alice"])     # another user, without that user's password
        login("bob", pw["bob"])       # with it: bob's own account
        login("alice", pw["alice"])   # a second login while one is open: the end
        say(step="alive")
    elif scenario == "open_not_a_file":
        fd = login("alice", pw["alice"])
        files = socket.socket(fileno=fd)
        for path in (b"/", b"/a-fifo", b"/mine.txt"):
            data, fds = ask(files, fop(FOP_OPEN_READ, path))
            say(step="open", path=path.decode(), err=fop_result(data)[0], fds=len(fds))
            for f in fds:
                os.close(f)
    elif scenario == "lingering":
        # a TCP socket whose close() blocks: SO_LINGER, and a send queue
        # its peer (which never reads) does not drain
        lst = socket.socket()
        lst.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        lst.bind(("127.0.0.1", 0))
        lst.listen(1)
        c = socket.socket()
        c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        c.connect(lst.getsockname())
        peer, _ = lst.accept()
        c.setblocking(False)
        try:
            while True:
                c.send(b"x" * 65536)
        except BlockingIOError:
            pass
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 15))
        say(step="sent")
        try:
            socket.send_fds(mon, [auth("alice", pw["alice"])], [c.fileno()])
        except PermissionError:   # SO_PASSRIGHTS off (Linux 6.16): not even sent
            say(step="refused")
            # (our own exit would linger otherwise)
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 0, 0))
            return
        c.close()
        mon.recv(100)   # the monitor ends the session: killed here
        say(step="reply")
    elif scenario == "pam":
        # --pam with --users: alice is in the file, pamu only in the system
        login("pamu", "wrong")
        fd = login("pamu", pw["pamu"])
        say(step="pam_fd", ok=fd is not None)
        data, _ = ask(mon, bytes([MON_LOGOUT]))
        say(step="logout", type=data[0])
        login("alice", pw["pamu"])    # a name the file holds never goes to PAM
        say(step="alive")
    elif scenario == "client_first":
        # --proxy-protocol: the client, once, before any login (no reply)
        mon.send(client("203.0.113.7"))
        login("alice", pw["alice"])
        say(step="alive")
    elif scenario in ("client_twice", "client_after_auth"):
        if scenario == "client_twice":
            mon.send(client("203.0.113.7"))
        else:
            login("alice", "wrong")
        say(step="sent")
        ask(mon, client("198.51.100.9"))
        say(step="reply")
    elif scenario == "user_process_rules":
        fd = login("alice", pw["alice"])
        files = socket.socket(fileno=fd)
        files.send(fop(FOP_OPEN_READ, b"/a/../../etc/passwd"))
        say(step="unnormalized", eof=files.recv(100) == b"")
        data, _ = ask(mon, bytes([MON_LOGOUT]))
        say(step="logout", type=data[0])
    else:   # one message the monitor must not take
        bad = {
            "junk": (b"\xff\x00junk", ()),
            "logout_first": (bytes([MON_LOGOUT]), ()),
            "with_a_descriptor": (auth("alice", pw["alice"]), (0,)),
            "oversized": (auth("alice", "x" * 60000), ()),
            "nul_in_name": (auth("al\0ice", pw["alice"]), ()),
            "trailing_byte": (auth("alice", pw["alice"]) + b"\0", ()),
            "client_without_proxy": (client("203.0.113.7"), ()),
            "client_malformed": (client("203.0.113.7")[:-1], ()),
        }[scenario]
        say(step="sent")
        try:
            data, fds = ask(mon, *bad)
        except PermissionError:   # SO_PASSRIGHTS off (Linux 6.16): not even sent
            say(step="refused")
            return
        say(step="reply", type=data[0] if data else None, fds=len(fds))


def gone(pid):
    """pid ended (and was reaped, or is a zombie)."""
    try:
        return proc_status(pid)["State"].split()[0] in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError):
        return True


def run(*argv):
    return subprocess.run(argv, capture_output=True, timeout=60, check=True)


if __name__ == "__main__" and len(sys.argv) == 4 and sys.argv[1] == "--attack":
    attack(sys.argv[2], sys.argv[3])
    sys.exit(0)

from harness import (free_id, readable_memory, SOCKFTPD, TIMEOUT, Ftp, Server, children, inet_fds,  # noqa: E402
                     main, make_users_file, proc_status, session_processes, socket_activate,
                     with_reserved_port)
from tlshelp import make_cert  # noqa: E402
import ptrace_probe  # noqa: E402


from privetc import private_copy_of_etc  # noqa: E402

ETC_COPY = None


def setUpModule():
    global ETC_COPY
    if os.geteuid() != 0 or not shutil.which("useradd"):
        return  # the class skips itself
    # before any thread: unshare(CLONE_NEWNS) needs a single-threaded process
    ETC_COPY = tempfile.TemporaryDirectory()
    private_copy_of_etc(ETC_COPY.name)


def tearDownModule():
    if ETC_COPY:
        ETC_COPY.cleanup()


def field(st, name):
    return st[name].split()


def server_end(sock):
    """The socket inode of the server's end of TCP connection sock (IPv4)."""
    mine, theirs = sock.getsockname()[1], sock.getpeername()[1]
    with open("/proc/net/tcp") as fh:
        for row in fh.read().splitlines()[1:]:
            cols = row.split()
            if (int(cols[1].split(":")[1], 16), int(cols[2].split(":")[1], 16)) == (theirs, mine):
                return int(cols[9])
    raise AssertionError("no server end for port %d" % mine)


def socket_inodes(pid):
    found = set()
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            if target.startswith("socket:["):
                found.add(int(target[8:-1]))
    except (FileNotFoundError, ProcessLookupError):
        pass
    return found


class Identities(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0 or not shutil.which("useradd"):
            raise unittest.SkipTest("needs root and useradd: the test makes a system user")
        cls.tmp = tempfile.TemporaryDirectory()
        cls.addClassCleanup(cls.tmp.cleanup)
        t = cls.tmp.name
        os.chmod(t, 0o755)
        # a system user of our own, with a supplementary group, removed at
        # the end whatever happens (after the server, which runs as it)
        tag = "%d" % (os.getpid() % 100000)
        cls.user, cls.group = "sftpt" + tag, "sftpg" + tag
        cls.bob_home = os.path.join(t, "bob")
        os.makedirs(cls.bob_home)
        run("groupadd", cls.group)
        cls.addClassCleanup(subprocess.run, ["groupdel", cls.group], capture_output=True,
                            timeout=60)
        run("useradd", "--no-create-home", "--home-dir", cls.bob_home, "--shell",
            "/usr/sbin/nologin", "--user-group", "--groups", cls.group, cls.user)
        cls.addClassCleanup(subprocess.run, ["userdel", cls.user], capture_output=True,
                            timeout=60)
        pw = pwd.getpwnam(cls.user)
        cls.uid, cls.gid = pw.pw_uid, pw.pw_gid
        cls.sup_gid = __import__("grp").getgrnam(cls.group).gr_gid
        os.chown(cls.bob_home, cls.uid, cls.gid)
        os.chmod(cls.bob_home, 0o750)   # bob's alone: nobody cannot even enter
        with open(os.path.join(cls.bob_home, "bob.txt"), "w") as f:
            f.write("bob's file\n")
        os.chown(os.path.join(cls.bob_home, "bob.txt"), cls.uid, cls.gid)
        # a root-only file and a root-owned directory in bob's home
        with open(os.path.join(cls.bob_home, "root-only"), "w") as f:
            f.write("root's\n")
        os.chmod(os.path.join(cls.bob_home, "root-only"), 0o600)
        os.makedirs(os.path.join(cls.bob_home, "roots-dir"))
        # carol: an account by number, which no system user has
        cls.num = free_id(47000)
        cls.carol_home = os.path.join(t, "carol")
        os.makedirs(cls.carol_home)
        os.chown(cls.carol_home, cls.num, cls.num)
        # for the refusals: a home the account cannot enter
        cls.closed_home = os.path.join(t, "closed")
        os.makedirs(cls.closed_home, mode=0o700)
        # homes below a directory another login may write: carol swaps
        # guest's home (nest/pub) for a symbolic link to /; and a home
        # named through a linked parent directory
        nest = os.path.join(t, "nest")
        os.makedirs(nest)
        os.chown(nest, cls.num, cls.num)
        os.symlink("/", os.path.join(nest, "pub"))
        os.symlink(t, os.path.join(t, "via"))
        cls.users = os.path.join(t, "users")
        make_users_file(cls.users, [("bob", "pw-bob", cls.bob_home, "rw"),
                                    ("robin", "pw-robin", cls.bob_home, "ro"),
                                    ("carol", "pw-carol", cls.carol_home, "rw"),
                                    ("ghost", "pw-ghost", cls.carol_home, "rw"),
                                    ("closed", "pw-closed", cls.closed_home, "rw"),
                                    ("guest", "pw-guest", os.path.join(nest, "pub"), "rw"),
                                    ("viaguest", "pw-viaguest", os.path.join(t, "via", "bob"),
                                     "rw")])
        with open(cls.users) as f:
            lines = f.read().splitlines()
        accounts = [cls.user, cls.user, "uid=%d,gid=%d" % (cls.num, cls.num),
                    "no-such-user-here", cls.user, cls.user, cls.user]
        with open(cls.users, "w") as f:
            f.write("".join("%s:%s\n" % (l, a) for l, a in zip(lines, accounts)))
            f.write("rooted:%s:%s:rw:uid=0,gid=0\n" % (lines[0].split(":")[1], cls.carol_home))
        os.chmod(cls.users, 0o600)
        cls.cert, cls.key = make_cert(t)
        cls.srv = socket_activate(["127.0.0.1:0"], args=[
            "--users", cls.users, "--login-delay", "0", "--tls-cert", cls.cert,
            "--tls-key", cls.key])
        cls.addClassCleanup(cls.srv.stop)

    def login(self, user, password):
        f = Ftp("127.0.0.1", self.srv.port)
        self.addCleanup(f.close)
        f.login(user, password)
        return f

    def owner(self, *path):
        st = os.lstat(os.path.join(*path))
        return st.st_uid, st.st_gid

    def monitor_of(self, f, srv=None):
        """The monitor of the session f is connected to: the process
        systemd-socket-activate spawned whose child holds the server's end
        of f's connection."""
        inode = server_end(f.sock)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            for pid in children((srv or self.srv).proc.pid):
                for kid in children(pid):
                    if inode in socket_inodes(kid):
                        return pid
            time.sleep(0.01)
        raise AssertionError("no session holds socket inode %d" % inode)

    # files belong to the account

    def test_uploads_and_names_belong_to_the_account(self):
        f = self.login("bob", "pw-bob")
        self.assertEqual(f.stor("up.txt", b"by bob")[0], 226)
        self.assertEqual(f.cmd("MKD made")[0], 257)
        self.assertEqual(f.stor("made/in.txt", b"inside")[0], 226)
        self.assertEqual(f.cmd("RNFR up.txt")[0], 350)
        self.assertEqual(f.cmd("RNTO made/renamed.txt")[0], 250)
        self.assertEqual(f.stor("app.txt", b"a", verb="APPE")[0], 226)
        code, text = f.stor("uniq", b"u", verb="STOU")
        self.assertEqual(code, 226, text)
        for name in ("made", "made/in.txt", "made/renamed.txt", "app.txt", "uniq"):
            self.assertEqual(self.owner(self.bob_home, name), (self.uid, self.gid), name)
        self.assertEqual(f.retr("made/renamed.txt")[2], b"by bob")
        # a replacement keeps the old file's owner and mode
        self.assertEqual(f.stor("bob.txt", b"replaced\n")[0], 226)
        self.assertEqual(self.owner(self.bob_home, "bob.txt"), (self.uid, self.gid))
        # what bob may not touch, the session may not either: no more root
        self.assertEqual(f.retr("root-only")[0], 550)
        self.assertEqual(f.stor("roots-dir/x.txt", b"x")[0], 550)
        self.assertEqual(os.listdir(os.path.join(self.bob_home, "roots-dir")), [])

    def test_an_account_by_number(self):
        f = self.login("carol", "pw-carol")
        self.assertEqual(f.stor("c.txt", b"by carol")[0], 226)
        self.assertEqual(f.cmd("MKD cdir")[0], 257)
        self.assertEqual(self.owner(self.carol_home, "c.txt"), (self.num, self.num))
        self.assertEqual(self.owner(self.carol_home, "cdir"), (self.num, self.num))

    def test_a_read_only_user(self):
        f = self.login("robin", "pw-robin")
        self.assertEqual(f.retr("bob.txt")[0], 226)
        code, _, listing = f.listing("NLST")
        self.assertEqual(code, 226)
        self.assertIn(b"bob.txt", listing)
        before = sorted(os.listdir(self.bob_home))
        for cmd in ("MKD r", "DELE bob.txt", "RNFR bob.txt", "SITE CHMOD 600 bob.txt",
                    "RMD roots-dir"):
            self.assertEqual(f.cmd(cmd)[0], 550, cmd)
        self.assertEqual(f.stor("r.txt", b"x")[0], 550)
        self.assertEqual(sorted(os.listdir(self.bob_home)), before)

    def outside_file(self):
        """A file outside every home, which the account may read: what an
        escape from the home would fetch."""
        out = os.path.join(self.tmp.name, "outside")
        os.makedirs(out, exist_ok=True)
        path = os.path.join(out, "marker.txt")
        with open(path, "w") as fh:
            fh.write("outside the home\n")
        os.chmod(path, 0o644)
        return out, path

    def test_links_stay_in_the_home(self):
        """The user process resolves in its chroot (plain openat, the kernel
        following links): ".." stops at the home, an absolute link starts
        from it, so no link leads to a file outside that the account could
        read; a link inside the home still works."""
        out, marker = self.outside_file()
        links = {"rel-out": "../" * 12 + marker.lstrip("/"), "abs-out": marker,
                 "dir-abs": out, "dir-up": "..", "in-home": "bob.txt"}
        for name, target in links.items():
            os.symlink(target, os.path.join(self.bob_home, name))
            self.addCleanup(os.unlink, os.path.join(self.bob_home, name))
        f = self.login("bob", "pw-bob")
        for path in ("rel-out", "abs-out", "dir-abs/marker.txt",
                     "dir-up/" + os.path.relpath(marker, self.bob_home),
                     "dir-up/dir-up/outside/marker.txt"):
            code, text, data = f.retr(path)
            self.assertEqual((code, data), (550, None), (path, text))
        self.assertEqual(f.retr("in-home")[2], b"bob's file\n")
        self.assertEqual(f.retr("dir-up/dir-up/bob.txt")[2], b"bob's file\n")

    def test_a_proc_below_the_home_keeps_the_walk(self):
        """A proc file system below the home: its magic links
        (/proc/PID/cwd) lead wherever another process of the account is,
        out of any chroot, so there the user process resolves in user space
        (it never lets the kernel follow a link) and says so in the log."""
        out, _ = self.outside_file()
        home = os.path.join(self.tmp.name, "prochome")
        os.makedirs(os.path.join(home, "proc"), exist_ok=True)
        os.chown(home, self.uid, self.gid)
        run("mount", "-t", "proc", "proc", os.path.join(home, "proc"))
        self.addCleanup(subprocess.run, ["umount", "-l", os.path.join(home, "proc")],
                        capture_output=True, timeout=60)
        # a process of the account whose working directory is outside
        other = subprocess.Popen(["setpriv", "--reuid", str(self.uid), "--regid",
                                  str(self.gid), "--clear-groups", "--", "sleep", "60"],
                                 cwd=out)
        self.addCleanup(other.wait, 10)
        self.addCleanup(other.kill)
        users = os.path.join(self.tmp.name, "users-proc")
        make_users_file(users, [("peter", "pw-peter", home, "rw")])
        with open(users) as fh:
            line = fh.read().strip()
        with open(users, "w") as fh:
            fh.write("%s:%s\n" % (line, self.user))
        os.chmod(users, 0o600)
        srv = socket_activate(["127.0.0.1:0"], args=["--users", users, "--login-delay", "0"])
        self.addCleanup(srv.stop)
        f = Ftp("127.0.0.1", srv.port)
        self.addCleanup(f.close)
        f.login("peter", "pw-peter")
        deadline = time.monotonic() + TIMEOUT
        while not os.path.samefile("/proc/%d/cwd" % other.pid, out):
            self.assertLess(time.monotonic(), deadline, "the account's process did not start")
            time.sleep(0.01)
        code, text, data = f.retr("proc/%d/cwd/marker.txt" % other.pid)
        self.assertEqual((code, data), (550, None), text)
        srv.log.wait_for(lambda l: "a proc file system below %s" % home in l)

    def test_ftps_upload_as_the_account(self):
        up = os.path.join(self.tmp.name, "ftps-up.bin")
        with open(up, "wb") as fh:
            fh.write(os.urandom(200000))
        url = "ftp://127.0.0.1:%d/" % self.srv.port
        r = subprocess.run(["curl", "-sS", "--max-time", "30", "--ssl-reqd", "--cacert",
                            self.cert, "-u", "bob:pw-bob", "-T", up, url + "ftps.bin"],
                           capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        got = os.path.join(self.bob_home, "ftps.bin")
        self.assertEqual(self.owner(got), (self.uid, self.gid))
        r = subprocess.run(["curl", "-sS", "--max-time", "30", "--ssl-reqd", "--cacert",
                            self.cert, "-u", "bob:pw-bob", url + "ftps.bin"],
                           capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(up, "rb") as fh:
            self.assertEqual(r.stdout, fh.read())

    def test_accounts_that_cannot_be_taken(self):
        for user, why in (("ghost", "no-such-user-here: no such system user"),
                          ("closed", "entering the home: Permission denied"),
                          ("rooted", "uid 0 is refused")):
            f = Ftp("127.0.0.1", self.srv.port)
            self.addCleanup(f.close)
            self.assertEqual(f.cmd("USER " + user)[0], 331)
            self.assertEqual(f.cmd("PASS pw-" + user if user != "rooted" else "PASS pw-bob")[0],
                             530, user)
            self.srv.log.wait_for(lambda l, why=why: why in l)

    def test_no_symbolic_link_in_a_home_path(self):
        """A home is opened as root to chroot into it: a symbolic link in
        any component (which whoever may write a parent could plant, even
        one to /) refuses the login, with the reason logged."""
        for user in ("guest", "viaguest"):
            f = Ftp("127.0.0.1", self.srv.port)
            self.addCleanup(f.close)
            self.assertEqual(f.cmd("USER " + user)[0], 331)
            code, text = f.cmd("PASS pw-" + user)
            if code == 230:   # what it would reach
                text += " " + repr(f.cmd("SIZE /etc/passwd"))
            self.assertEqual(code, 530, (user, text))
            self.srv.log.wait_for(lambda l, user=user: " of %s: a symbolic link in its path"
                                  % user in l)

    # the walls of the live processes

    def test_the_processes(self):
        f = self.login("bob", "pw-bob")
        monitor = self.monitor_of(f)
        net, user = session_processes(monitor, want_user=True)
        mon = proc_status(monitor)
        self.assertEqual(field(mon, "Uid"), ["0"] * 4)
        self.assertEqual(inet_fds(monitor), [])   # never the connection
        for pid, uid, gid in ((net, 65534, 65534), (user, self.uid, self.gid)):
            st = proc_status(pid)
            self.assertEqual(field(st, "Uid"), [str(uid)] * 4, pid)
            self.assertEqual(field(st, "Gid"), [str(gid)] * 4, pid)
            for cap in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
                self.assertEqual(int(st[cap], 16), 0, (pid, cap))
            self.assertEqual(field(st, "NoNewPrivs"), ["1"])
            if not SANITIZED:   # no filter under ASan
                self.assertEqual(field(st, "Seccomp"), ["2"])
        self.assertEqual(field(proc_status(net), "Groups"), [])
        self.assertEqual(sorted(int(g) for g in field(proc_status(user), "Groups")),
                         sorted({self.gid, self.sup_gid}))
        self.assertEqual(inet_fds(user), [])
        self.assertEqual(os.readlink("/proc/%d/root" % user), self.bob_home)
        with open("/proc/%d/limits" % user) as fh:
            limits = fh.read()
        self.assertRegex(limits, r"Max core file size\s+0\s+0")
        self.assertRegex(limits, r"Max open files\s+64\s+64")
        self.assertEqual(f.cmd("NOOP")[0], 200)

    def test_the_network_process_reaches_no_path(self):
        """The network process needs no path once it runs: it is chrooted
        into its own /proc/PID/fdinfo, where there is no file of anyone's
        (not the homes of logins whose account is the run-as user)."""
        f = self.login("bob", "pw-bob")
        net, user = session_processes(self.monitor_of(f), want_user=True)
        root = os.readlink("/proc/%d/root" % net)
        self.assertEqual(root, "/proc/%d/fdinfo" % net)
        self.assertEqual([n for n in os.listdir("/proc/%d/root/" % net) if not n.isdigit()], [])
        # the login works through it: a listing, a download, an upload
        self.assertIn(b"bob.txt", f.listing("NLST")[2])
        self.assertEqual(f.retr("bob.txt")[2], b"bob's file\n")
        self.assertEqual(f.stor("net-root.txt", b"n")[0], 226)
        self.assertEqual(f.cmd("NOOP")[0], 200)

    def test_the_user_process_holds_no_stream_of_the_service(self):
        """Descriptors 0, 1 and 2 the service was started with (a journal
        stream, a terminal, here a file) are not the user process's: it
        gets /dev/null on them (2 stays only when the log goes there)."""
        exe = shutil.which("systemd-socket-activate")
        if not exe:
            self.skipTest("systemd-socket-activate not installed")
        out = os.path.join(self.tmp.name, "service-stdout")
        fh = open(out, "w")
        self.addCleanup(fh.close)
        listen = with_reserved_port("127.0.0.1:0")
        srv = Server([exe, "-a", "-l", listen, "--", SOCKFTPD, "--users", self.users,
                      "--login-delay", "0", "--log", "syslog"], ["Listening on " + listen],
                     stdout=fh)
        self.addCleanup(srv.stop)
        f = Ftp("127.0.0.1", srv.port)
        self.addCleanup(f.close)
        f.login("bob", "pw-bob")
        net, user = session_processes(self.monitor_of(f, srv), want_user=True)
        self.assertEqual([os.readlink("/proc/%d/fd/%d" % (user, n)) for n in (0, 1, 2)],
                         ["/dev/null"] * 3)
        self.assertEqual(f.cmd("NOOP")[0], 200)

    def test_no_hash_or_password_in_the_user_process(self):
        """The user process is forked by the monitor, which read the users
        file: none of its hashes, and not the password, is in what the user
        process inherited."""
        if SANITIZED:
            self.skipTest("the memory scan would read the sanitizer's shadow maps")
        with open(self.users) as fh:
            hashes = [l.split(":")[1].encode() for l in fh.read().splitlines()]
        f = self.login("carol", "pw-carol")
        net, user = session_processes(self.monitor_of(f), want_user=True)
        memory = readable_memory(user)
        self.assertGreater(len(memory), 100000)
        self.assertIn(self.carol_home.encode(), memory)   # (the read works)
        for h in hashes:
            self.assertNotIn(h, memory)
            self.assertNotIn(h[-20:], memory)
        self.assertNotIn(b"pw-carol", memory)
        self.assertEqual(f.cmd("NOOP")[0], 200)

    def test_the_installed_filters(self):
        if SANITIZED or not BUILD:
            self.skipTest("no filter under ASan" if SANITIZED else "needs SOCKFTPD_BUILD_ROOT")
        f = self.login("bob", "pw-bob")
        net, user = session_processes(self.monitor_of(f), want_user=True)
        files = ptrace_probe.bpf_from_c(os.path.join(BUILD, "src", "files_filter_bpf.c"))
        session = ptrace_probe.bpf_from_c(os.path.join(BUILD, "src", "syscall_filter_bpf.c"))
        self.assertNotEqual(files, session)
        for pid, want in ((user, files), (net, session)):
            n = int(proc_status(pid).get("Seccomp_filters", "1").split()[0])
            with ptrace_probe.Stopped(pid) as p:
                self.assertEqual(p.seccomp_filter(n - 1), want, pid)
        self.assertEqual(f.cmd("NOOP")[0], 200)

    def test_a_socket_call_kills_the_user_process(self):
        if SANITIZED or not ptrace_probe.inject_supported():
            self.skipTest("no filter under ASan" if SANITIZED else "x86-64 only")
        f = self.login("bob", "pw-bob")
        self.assertEqual(f.cmd("SIZE bob.txt")[0], 213)
        net, user = session_processes(self.monitor_of(f), want_user=True)
        with ptrace_probe.Stopped(user) as p:
            p.inject_syscall(41, socket.AF_INET, socket.SOCK_STREAM, 0)   # socket()
        # the next file request finds it gone: the session ends with 421
        code, text = f.cmd("SIZE bob.txt")
        self.assertEqual(code, 421, text)
        self.srv.log.wait_for(lambda l: "user process of bob was killed by signal 31" in l)

    # a user process someone of its uid stops (SIGSTOP) or that hangs

    def stopped_session(self):
        """A session of bob on a server with a 2 s idle timeout, whose user
        process is stopped: (server, client, monitor, user process)."""
        srv = socket_activate(["127.0.0.1:0"], args=[
            "--users", self.users, "--login-delay", "0", "--idle-timeout", "2"])
        self.addCleanup(srv.stop)
        f = Ftp("127.0.0.1", srv.port)
        self.addCleanup(f.close)
        f.login("bob", "pw-bob")
        self.assertEqual(f.cmd("SIZE bob.txt")[0], 213)
        monitor = self.monitor_of(f, srv)
        net, user = session_processes(monitor, want_user=True)
        # left stopped, it would block the server's stop: killed at the end
        self.addCleanup(lambda: gone(user) or os.kill(user, signal.SIGKILL))
        os.kill(user, signal.SIGSTOP)
        deadline = time.monotonic() + TIMEOUT
        while proc_status(user)["State"].split()[0] != "T":
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.01)
        return srv, f, monitor, user

    def assert_gone(self, *pids):
        deadline = time.monotonic() + TIMEOUT
        while not all(gone(p) for p in pids):
            self.assertLess(time.monotonic(), deadline, [(p, gone(p)) for p in pids])
            time.sleep(0.02)

    def test_a_stopped_user_process_ends_the_session_in_time(self):
        srv, f, monitor, user = self.stopped_session()
        start = time.monotonic()
        code, text = f.cmd("SIZE bob.txt")   # no answer: lost after the idle timeout
        self.assertEqual(code, 421, text)
        self.assertLess(time.monotonic() - start, TIMEOUT / 2)
        # the monitor does not wait for ever for it either: it ends it
        self.assert_gone(user, monitor)
        srv.log.wait_for(lambda l: "the file process failed: Connection timed out" in l)

    def test_a_stopped_user_process_does_not_hold_the_monitor(self):
        for how in ("QUIT", "REIN", "LIST"):
            srv, f, monitor, user = self.stopped_session()
            if how == "REIN":   # the monitor ends it and answers: a new login works
                self.assertEqual(f.cmd("REIN")[0], 220)
                self.assert_gone(user)
                f.login("bob", "pw-bob")
                self.assertEqual(f.cmd("SIZE bob.txt")[0], 213)
                self.assertEqual(f.cmd("QUIT")[0], 221)
            elif how == "LIST":
                self.addCleanup(f.pasv().close)
                self.assertEqual(f.cmd("LIST")[0], 421)
            else:
                self.assertEqual(f.cmd("QUIT")[0], 221)
            self.assert_gone(user, monitor)

    def test_a_killed_user_process_leaves_no_temporary_file(self):
        """SIGKILL (or its filter) gives the user process no chance to undo
        an upload: the monitor has a process of its account remove the
        temporary file it wrote down; the old file stays whole."""
        with open(os.path.join(self.bob_home, "kept.txt"), "w") as fh:
            fh.write("old content")
        os.chown(os.path.join(self.bob_home, "kept.txt"), self.uid, self.gid)
        f = self.login("bob", "pw-bob")
        d = f.pasv()
        self.addCleanup(d.close)
        self.assertEqual(f.cmd("STOR kept.txt")[0], 150)
        d.sendall(b"y" * 10000)

        def temporary():
            return [n for n in os.listdir(self.bob_home) if n.startswith(".sockftpd-upload.")]
        deadline = time.monotonic() + TIMEOUT
        while not temporary():
            self.assertLess(time.monotonic(), deadline, "no temporary file appeared")
            time.sleep(0.01)
        monitor = self.monitor_of(f)
        net, user = session_processes(monitor, want_user=True)
        os.kill(user, signal.SIGKILL)
        d.close()   # the upload ends: the session finds its user process gone
        try:
            while f.reply()[0] < 400:
                pass
        except (EOFError, ConnectionResetError):
            pass
        self.assert_gone(user, monitor)
        self.assertEqual(temporary(), [])
        with open(os.path.join(self.bob_home, "kept.txt")) as fh:
            self.assertEqual(fh.read(), "old content")
        self.srv.log.wait_for(lambda l: "its upload's temporary file /.sockftpd-upload." in l)

    # a network process taken over

    def probe(self, scenario, delay=0, extra=()):
        users = "alice:pw-alice,bob:pw-bob,pamu:pw-Pamu-1"
        # the attacker runs as nobody: a Python it may run
        python = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable
        r = subprocess.run([PROBE, "--users", self.probe_users, "--login-delay", str(delay),
                            "--log", "stderr", *extra, "--", python, os.path.abspath(__file__),
                            "--attack", scenario, users], capture_output=True, timeout=60)
        steps = [json.loads(l) for l in r.stdout.decode().splitlines()]
        return r.returncode, steps, r.stderr.decode()

    @property
    def probe_users(self):
        """alice mapped to carol's numeric account, bob to the system user."""
        path = os.path.join(self.tmp.name, "probe-users")
        if not os.path.exists(path):
            make_users_file(path, [("alice", "pw-alice", self.carol_home, "rw"),
                                   ("bob", "pw-bob", self.bob_home, "rw")])
            with open(path) as fh:
                lines = fh.read().splitlines()
            with open(path, "w") as fh:
                fh.write("%s:uid=%d,gid=%d\n%s:%s\n" % (lines[0], self.num, self.num,
                                                         lines[1], self.user))
            os.chmod(path, 0o600)
            with open(os.path.join(self.carol_home, "mine.txt"), "w") as fh:
                fh.write("alice's\n")
            os.chown(os.path.join(self.carol_home, "mine.txt"), self.num, self.num)
            with open(os.path.join(self.carol_home, "secret"), "w") as fh:
                fh.write("root's\n")
            os.chmod(os.path.join(self.carol_home, "secret"), 0o600)
            os.symlink("/etc/shadow", os.path.join(self.carol_home, "escape"))
        return path

    def setUp(self):
        if self._testMethodName.startswith("test_taken_over") and not PROBE:
            self.skipTest("SOCKFTPD_MONITOR_PROBE must name monitor_probe (meson test)")

    def test_taken_over_pam_logins(self):
        """With --pam too (the private /etc copy: a system user pamu, the
        shipped PAM service): PAM decides pamu's password, the users file
        alice's."""
        if SANITIZED:
            self.skipTest("PAM is tested in the builds without sanitizers")
        home = os.path.join(self.tmp.name, "pamu")
        run("useradd", "--home-dir", home, "--shell", "/bin/bash", "--user-group", "pamu")
        self.addCleanup(subprocess.run, ["userdel", "pamu"], capture_output=True, timeout=60)
        subprocess.run(["chpasswd"], input=b"pamu:pw-Pamu-1\n", check=True, timeout=60)
        os.makedirs(home)
        uid, gid = pwd.getpwnam("pamu").pw_uid, pwd.getpwnam("pamu").pw_gid
        os.chown(home, uid, gid)
        shutil.copy(os.path.join(os.environ.get("SOCKFTPD_SRC_UNITS", ""), "sockftpd.pam"),
                    "/etc/pam.d/sockftpd")
        code, steps, log = self.probe("pam", extra=["--pam"])
        auths = [s for s in steps if s["step"] == "auth"]
        self.assertEqual([(s["user"], s["type"], s["fds"]) for s in auths],
                         [("pamu", MON_AUTH_FAIL, 0), ("pamu", MON_AUTH_OK, 1),
                          ("alice", MON_AUTH_FAIL, 0)], log)
        self.assertEqual((auths[1]["uid"], auths[1]["gid"]), (uid, gid))
        self.assertIn("alive", [s["step"] for s in steps])
        self.assertIn("PAM sockftpd: pamu: Authentication failure", log)
        self.assertNotIn("PAM sockftpd: alice", log)

    def test_taken_over_no_login_without_the_password(self):
        code, steps, log = self.probe("no_password", delay=100)
        auths = [s for s in steps if s["step"] == "auth"]
        self.assertEqual([(s["type"], s["fds"]) for s in auths], [(MON_AUTH_FAIL, 0)] * 3, log)
        self.assertEqual([s["last"] for s in auths], [0, 0, 1])
        # the monitor waits before each failure, longer each time
        for i, s in enumerate(auths):
            self.assertGreaterEqual(s["ms"], 100 * (i + 1) - 5, auths)
        # no fourth attempt, even with the right password: the session ends
        self.assertNotIn("alive", [s["step"] for s in steps])
        self.assertEqual(code, 1)
        self.assertIn("AUTH where it is not allowed from the network process: ending the "
                      "session", log)

    def test_taken_over_no_process_for_another_user(self):
        code, steps, log = self.probe("another_user")
        by = {}
        for s in steps:
            by.setdefault(s["step"], []).append(s)
        alice, bob_wrong, bob = by["auth"][:3]
        self.assertEqual((alice["type"], alice["fds"], alice["uid"], alice["gid"]),
                         (MON_AUTH_OK, 1, self.num, self.num), log)
        # through the user process: only what alice's account may open,
        # below her home
        opened = {s["name"]: s for s in by["open"]}
        self.assertEqual((opened["secret"]["err"], opened["secret"]["fds"]), (13, 0))
        self.assertEqual((opened["escape"]["err"], opened["escape"]["fds"]), (2, 0))
        self.assertEqual((opened["mine.txt"]["fds"], opened["mine.txt"]["uid"],
                          opened["mine.txt"]["content"]), (1, self.num, "alice's\n"))
        self.assertEqual(by["upload"][0]["err"], 0)
        self.assertEqual(self.owner(self.carol_home, "taken-over.txt"), (self.num, self.num))
        self.assertIn("mine.txt", by["list"][0]["names"])
        self.assertTrue(by["logout"][0]["user_process_gone"])
        # bob with alice's password: refused; with his own: his account
        self.assertEqual((bob_wrong["type"], bob_wrong["fds"]), (MON_AUTH_FAIL, 0))
        self.assertEqual((bob["type"], bob["uid"]), (MON_AUTH_OK, self.uid))
        # a second login while one is open ends the session: no answer
        self.assertEqual(len(by["auth"]), 3)
        self.assertNotIn("alive", by)
        self.assertEqual(code, 1)

    def test_taken_over_opens_only_regular_files(self):
        """FOP_OPEN_READ hands back a regular file only: not a directory
        (which the network process could list or walk from), nor a FIFO."""
        fifo = os.path.join(self.carol_home, "a-fifo")
        if not os.path.exists(fifo):
            os.mkfifo(fifo)
            os.chown(fifo, self.num, self.num)
        code, steps, log = self.probe("open_not_a_file")
        opened = {s["path"]: (s["err"], s["fds"]) for s in steps if s["step"] == "open"}
        self.assertEqual(opened, {"/": (21, 0), "/a-fifo": (19, 0),
                                  "/mine.txt": (0, 1)}, log)
        self.assertEqual(code, 0, log)

    def test_taken_over_user_process_keeps_its_rules(self):
        code, steps, log = self.probe("user_process_rules")
        self.assertTrue([s for s in steps if s["step"] == "unnormalized"][0]["eof"], log)
        self.assertEqual([s for s in steps if s["step"] == "logout"][0]["type"],
                         MON_LOGGED_OUT)
        self.assertIn("a message that is not a request", log)
        self.assertEqual(code, 0)

    def test_taken_over_a_lingering_socket_does_not_hold_the_monitor(self):
        """A socket sent to the monitor with SO_LINGER (15 s) and a send
        queue nobody drains: refused by the kernel (SO_PASSRIGHTS), or
        closed without lingering; the session ends at once either way."""
        start = time.monotonic()
        code, steps, log = self.probe("lingering")
        took = time.monotonic() - start
        self.assertLess(took, 10, (steps, log))
        if [s["step"] for s in steps] != ["sent", "refused"]:
            self.assertEqual([s["step"] for s in steps], ["sent"], (steps, log))
            self.assertIn("a descriptor from the network process: ending the session", log)
            self.assertEqual(code, 1)

    def test_taken_over_anything_unexpected_ends_the_session(self):
        for scenario in ("junk", "logout_first", "with_a_descriptor", "oversized",
                         "nul_in_name", "trailing_byte"):
            code, steps, log = self.probe(scenario)
            if [s["step"] for s in steps] == ["sent", "refused"]:
                self.assertEqual(scenario, "with_a_descriptor")   # SO_PASSRIGHTS
                continue
            self.assertEqual([s["step"] for s in steps], ["sent"], (scenario, steps, log))
            self.assertEqual(code, 1, scenario)
            self.assertIn("from the network process: ending the session", log, scenario)

    def test_taken_over_client_once_before_any_login(self):
        """MON_CLIENT (the client a PROXY header named: PAM_RHOST and the
        monitor's log) only with --proxy-protocol, once, before any AUTH."""
        proxy = ["--proxy-protocol", "--proxy-trusted", "127.0.0.1"]
        code, steps, log = self.probe("client_first", extra=proxy)
        self.assertEqual([(s["step"], s.get("type")) for s in steps],
                         [("auth", MON_AUTH_OK), ("alive", None)], log)
        self.assertIn("monitor: client 203.0.113.7 per PROXY header", log)
        for scenario, extra, before in (("client_twice", proxy, ["sent"]),
                                        ("client_after_auth", proxy, ["auth", "sent"]),
                                        ("client_without_proxy", [], ["sent"]),
                                        ("client_malformed", proxy, ["sent"])):
            code, steps, log = self.probe(scenario, extra=extra)
            self.assertEqual([s["step"] for s in steps], before, (scenario, steps, log))
            self.assertEqual(code, 1, scenario)
            self.assertIn("from the network process: ending the session", log, scenario)


class WithoutRoot(unittest.TestCase):
    def test_an_account_needs_a_root_start(self):
        """Started by nobody: no monitor, the file work in the session; a
        login whose account is another uid is refused and logged, the
        others work; --check-config says so."""
        if os.geteuid() != 0 or not shutil.which("setpriv"):
            self.skipTest("needs root and setpriv to start as another user")
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        os.chmod(tmp.name, 0o755)
        home = os.path.join(tmp.name, "home")
        os.makedirs(home)
        os.chown(home, 65534, 65534)
        users = os.path.join(tmp.name, "users")
        make_users_file(users, [("plain", "pw", home, "rw"), ("mapped", "pw", home, "rw"),
                                ("self", "pw", home, "rw"), ("named", "pw", home, "rw"),
                                ("me", "pw", home, "rw")])
        with open(users) as fh:
            lines = fh.read().splitlines()
        # named: another system user, by name; me: this process's user, by
        # name.  Neither is looked up in the sandbox: a name service such as
        # nss-systemd (Debian's "group: files systemd") makes calls the
        # session's filter kills (SIGSYS, no reply at all)
        with open(users, "w") as fh:
            fh.write("%s\n%s:uid=4242,gid=4242\n%s:uid=65534,gid=65534\n%s:daemon\n%s:nobody\n"
                     % tuple(lines))
        as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        listen = with_reserved_port("127.0.0.1:0")
        srv = Server(as_nobody + ["systemd-socket-activate", "-a", "-l", listen, "--",
                                  SOCKFTPD, "--users", users, "--login-delay", "0"],
                     ["Listening on " + listen])
        self.addCleanup(srv.stop)
        for user, code in (("plain", 230), ("mapped", 530), ("self", 230), ("named", 530),
                           ("me", 230)):
            f = Ftp("127.0.0.1", srv.port)
            self.addCleanup(f.close)
            self.assertEqual(f.cmd("USER " + user)[0], 331)
            self.assertEqual(f.cmd("PASS pw")[0], code, user)
        srv.log.wait_for(lambda l: "account uid=4242,gid=4242 (uid 4242, gid 4242) needs a "
                         "root start" in l)
        srv.log.wait_for(lambda l: "user named: account daemon needs a root start; this "
                         "process runs as nobody (uid 65534, gid 65534)" in l)
        r = subprocess.run(as_nobody + [SOCKFTPD, "--check-config", "--users", users],
                           capture_output=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"user mapped: account uid=4242,gid=4242 (uid 4242, gid 4242) needs a "
                      b"root start", r.stdout)


if __name__ == "__main__":
    main()
