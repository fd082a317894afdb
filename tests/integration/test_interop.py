"""Interoperability: real FTP clients (curl, lftp, wget and Python's ftplib)
against the real binary under systemd-socket-activate, on loopback only.
Every byte that moves is checked by sha256, every tree file by file."""
import contextlib
import ftplib
import hashlib
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (TIMEOUT, give_to_server, listen_address, main,  # noqa: E402
                     socket_activate)

CLIENT_TIMEOUT = 60  # every client run is bounded by this (seconds)
USER, PASSWORD = "alice", "s3cret-Pass"

_rng = random.Random(20240501)  # reproducible contents
BIG = _rng.randbytes(5 * 1024 * 1024 + 12345)  # ~5 MB random
LEAF = _rng.randbytes(70001)
UTF8_DIR = "ünïcødé"
UTF8_FILE = "файл-ü €.txt"
# relative path -> contents; the directories come from the paths, plus EMPTY_DIRS
TREE = {
    "hello.txt": b"hello, world\n",
    "empty.dat": b"",
    "big.bin": BIG,
    "docs/readme.md": b"".join(b"line %d of the readme\n" % i for i in range(500)),
    "docs/with space.txt": b"a name with spaces\n",
    "docs/deeper/nested/leaf.bin": LEAF,
    UTF8_DIR + "/" + UTF8_FILE: "grüße, привет, 你好\n".encode("utf-8"),
}
EMPTY_DIRS = ["emptydir"]
MTIME = 981173106  # 2001-02-03 04:05:06 UTC, the served files' modification time
MDTM = "20010203040506"
# The server's time zone (systemd-socket-activate passes no environment but
# what -E names): not UTC, so a server that gives local time for MDTM/MLSD
# (RFC 3659: UTC) is caught; a POSIX TZ string needs no tzdata.
SERVER_TZ = "XST-05:30"

_hash_cache = {}


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_tree(root, tree=TREE, empty_dirs=EMPTY_DIRS):
    for rel, data in tree.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        os.utime(path, (MTIME, MTIME))
    for d in empty_dirs:
        os.makedirs(os.path.join(root, d), exist_ok=True)


def snapshot(root, dirs=True):
    """{relative path: sha256} of every file (hidden ones too) under root,
    and {relative path/: "dir"} of every directory when dirs."""
    out = {}
    for top, dnames, fnames in os.walk(root):
        rel = os.path.relpath(top, root)
        for d in dnames:
            if dirs:
                out[os.path.normpath(os.path.join(rel, d)) + "/"] = "dir"
        for f in fnames:
            out[os.path.normpath(os.path.join(rel, f))] = sha256_file(os.path.join(top, f))
    return out


def password_hash(password):
    if password not in _hash_cache:
        exe = shutil.which("openssl")
        if not exe:
            raise unittest.SkipTest("openssl not installed (needed to hash the password)")
        p = subprocess.run([exe, "passwd", "-6", password], capture_output=True,
                           timeout=CLIENT_TIMEOUT, check=True)
        _hash_cache[password] = p.stdout.decode().strip()
    return _hash_cache[password]


class Interop(unittest.TestCase):
    """Each test gets fresh directories: an anonymous root and the rw user's
    home, both holding TREE, and a client HOME so no rc file interferes."""

    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="sockftpd-interop-")
        self.addCleanup(tmp.cleanup)
        self.tmp = tmp.name
        self.anon = os.path.join(self.tmp, "anon")
        self.home = os.path.join(self.tmp, "alice")
        self.local = os.path.join(self.tmp, "local")
        self.chome = os.path.join(self.tmp, "clienthome")
        for d in (self.anon, self.home, self.local, self.chome):
            os.mkdir(d)
        write_tree(self.anon)
        write_tree(self.home)
        self.users = os.path.join(self.tmp, "users")
        with open(self.users, "w") as f:
            f.write("# interop test user\n%s:%s:%s:rw\n" % (USER, password_hash(PASSWORD), self.home))
        env = dict(os.environ, HOME=self.chome, LC_ALL="C.UTF-8", LANG="C.UTF-8")
        for k in ("ftp_proxy", "FTP_PROXY", "all_proxy", "ALL_PROXY", "http_proxy",
                  "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "CURL_HOME", "WGETRC",
                  "LFTP_HOME"):
            env.pop(k, None)
        self.env = env

    # -- server -----------------------------------------------------------

    @contextlib.contextmanager
    def server(self, host="127.0.0.1"):
        """Yield (srv, "host:port" for URLs); the server is always stopped,
        and its log is printed when the body failed."""
        give_to_server(self.anon, self.home)
        srv = socket_activate([listen_address(host)], extra=["-E", "TZ=" + SERVER_TZ], args=[
            "--log=stderr", "--anonymous", self.anon, "--users", self.users,
            "--login-delay", "0", "--data-timeout", "30"])
        hostport = listen_address(host, srv.port)
        try:
            yield srv, hostport
        except unittest.SkipTest:
            raise
        except BaseException:
            sys.stderr.write("\n---- server log (%s) ----\n%s\n---- end of server log ----\n"
                             % (self.id(), srv.log.text()))
            raise
        finally:
            srv.stop()

    def saw(self, srv, verb):
        """The server logged a request with this verb (proves which data
        connection mode the client really used)."""
        srv.log.wait_for(lambda l: "Sent by client" in l and (": %s" % verb) in l)

    # -- clients ----------------------------------------------------------

    def need(self, name):
        exe = shutil.which(name)
        if not exe:
            self.skipTest("%s not installed" % name)
        return exe

    def run_client(self, argv, srv, cwd=None, ok=True):
        try:
            p = subprocess.run(argv, cwd=cwd or self.local, env=self.env,
                               stdin=subprocess.DEVNULL, capture_output=True,
                               timeout=CLIENT_TIMEOUT)
        except subprocess.TimeoutExpired as e:
            self.fail("client timed out after %ds: %r\nstdout: %r\nstderr: %r\nserver log:\n%s"
                      % (CLIENT_TIMEOUT, argv, e.stdout, e.stderr, srv.log.text()))
        if ok and p.returncode != 0:
            self.fail("client failed with %d: %r\nstdout: %s\nstderr: %s\nserver log:\n%s"
                      % (p.returncode, argv, p.stdout.decode(errors="replace")[-3000:],
                         p.stderr.decode(errors="replace")[-3000:], srv.log.text()))
        return p

    def curl(self, srv, *args, ok=True):
        exe = self.need("curl")
        return self.run_client([exe, "-q", "--silent", "--show-error", "--globoff",
                                "--noproxy", "*", "--connect-timeout", "20",
                                "--max-time", str(CLIENT_TIMEOUT - 5), *args], srv, ok=ok)

    def lftp(self, srv, hostport, script, user=True, extra_set=""):
        exe = self.need("lftp")
        login = "open -u %s,%s ftp://%s" % (USER, PASSWORD, hostport) if user \
            else "open ftp://%s" % hostport
        cmd = ("set net:max-retries 1; set net:timeout 20; set net:reconnect-interval-base 1; "
               "set cmd:fail-exit yes; set ftp:ssl-allow no; set xfer:clobber on; %s "
               "%s; %s" % (extra_set, login, script))
        return self.run_client([exe, "-c", cmd], srv)

    def wget(self, srv, *args):
        exe = self.need("wget")
        return self.run_client([exe, "--no-config", "--tries=1", "--timeout=20",
                                "--no-proxy", *args], srv)

    def url(self, hostport, path, user=False):
        cred = "%s:%s@" % (USER, PASSWORD) if user else ""
        return "ftp://%s%s/%s" % (cred, hostport, urllib.parse.quote(path))

    def ftp(self, hostport, user=True, host="127.0.0.1"):
        port = int(hostport.rsplit(":", 1)[1])
        f = ftplib.FTP(timeout=TIMEOUT)
        f.connect(host, port)
        if user:
            f.login(USER, PASSWORD)
        else:
            f.login()
        return f

    def assertFile(self, path, data):
        with open(path, "rb") as f:
            got = f.read()
        self.assertEqual(len(got), len(data), path)
        self.assertEqual(sha256(got), sha256(data), path)

    def assertTree(self, got_root, want_root, dirs=True):
        self.assertEqual(snapshot(got_root, dirs), snapshot(want_root, dirs))

    def assertMtimes(self, root, rels=TREE):
        got = {rel: int(os.stat(os.path.join(root, rel)).st_mtime) for rel in rels}
        self.assertEqual(got, {rel: MTIME for rel in rels})

    # -- curl -------------------------------------------------------------

    def curl_download(self, srv, hostport, mode_args, user, verb):
        for rel in ("big.bin", "hello.txt", "empty.dat", "docs/with space.txt",
                    UTF8_DIR + "/" + UTF8_FILE):
            out = os.path.join(self.local, "out-" + rel.replace("/", "_"))
            self.curl(srv, *mode_args, "-o", out, self.url(hostport, rel, user))
            self.assertFile(out, TREE[rel])
        self.saw(srv, verb)

    def test_curl_retr_epsv_anonymous(self):
        with self.server() as (srv, hp):
            self.curl_download(srv, hp, [], False, "EPSV")

    def test_curl_retr_epsv_user(self):
        with self.server() as (srv, hp):
            self.curl_download(srv, hp, [], True, "EPSV")
            # -R: the file's time from MDTM
            out = os.path.join(self.local, "timed.bin")
            self.curl(srv, "-R", "-o", out, self.url(hp, "docs/deeper/nested/leaf.bin", True))
            self.assertFile(out, LEAF)
            self.assertEqual(int(os.stat(out).st_mtime), MTIME)
            self.saw(srv, "MDTM")

    def test_curl_retr_pasv_anonymous(self):
        with self.server() as (srv, hp):
            self.curl_download(srv, hp, ["--disable-epsv"], False, "PASV")

    def test_curl_retr_pasv_user(self):
        with self.server() as (srv, hp):
            self.curl_download(srv, hp, ["--disable-epsv"], True, "PASV")

    def test_curl_retr_active_eprt_anonymous(self):
        with self.server() as (srv, hp):
            self.curl_download(srv, hp, ["-P", "127.0.0.1"], False, "EPRT")

    def test_curl_retr_active_port_user(self):
        with self.server() as (srv, hp):
            self.curl_download(srv, hp, ["--ftp-port", "127.0.0.1", "--disable-eprt"],
                               True, "PORT")

    def test_curl_upload_user(self):
        src = os.path.join(self.local, "up.bin")
        with open(src, "wb") as f:
            f.write(BIG)
        with self.server() as (srv, hp):
            # passive (EPSV), into a new directory
            self.curl(srv, "--ftp-create-dirs", "-T", src,
                      self.url(hp, "uploads/new dir/up.bin", user=True))
            self.assertFile(os.path.join(self.home, "uploads/new dir/up.bin"), BIG)
            # active, replacing an existing file by a shorter one
            self.curl(srv, "-P", "127.0.0.1", "-T", os.path.join(self.anon, "hello.txt"),
                      self.url(hp, "big.bin", user=True))
            self.assertFile(os.path.join(self.home, "big.bin"), TREE["hello.txt"])
            # an empty file and a UTF-8 name
            self.curl(srv, "-T", os.path.join(self.anon, "empty.dat"),
                      self.url(hp, UTF8_DIR + "/neu-ß.dat", user=True))
            self.assertFile(os.path.join(self.home, UTF8_DIR, "neu-ß.dat"), b"")
            self.saw(srv, "STOR")
            # anonymous is read-only: refused (curl: 25, upload failed)
            p = self.curl(srv, "-T", src, self.url(hp, "nope.bin"), ok=False)
            self.assertEqual(p.returncode, 25, p.stderr)
            self.assertFalse(os.path.exists(os.path.join(self.anon, "nope.bin")))
        # no temporary file left behind anywhere
        want = snapshot(self.anon)
        want["uploads/"] = want["uploads/new dir/"] = "dir"
        want["uploads/new dir/up.bin"] = sha256(BIG)
        want["big.bin"] = sha256(TREE["hello.txt"])
        want[UTF8_DIR + "/neu-ß.dat"] = sha256(b"")
        self.assertEqual(snapshot(self.home), want)

    def test_curl_listing(self):
        with self.server() as (srv, hp):
            p = self.curl(srv, self.url(hp, "docs/"))
            lines = p.stdout.decode("utf-8").splitlines()
            names = {l.split(None, 8)[8] for l in lines if len(l.split(None, 8)) == 9}
            self.assertEqual(names, {"readme.md", "with space.txt", "deeper"}, lines)
            self.assertTrue(any(l.startswith("d") and l.endswith(" deeper") for l in lines), lines)
            size = [l for l in lines if l.endswith(" readme.md")][0].split()[4]
            self.assertEqual(int(size), len(TREE["docs/readme.md"]))
            # NLST (curl --list-only), as a user, in active mode, at the root
            p = self.curl(srv, "-l", "-P", "127.0.0.1", self.url(hp, "", user=True) + "/")
            self.assertEqual(set(p.stdout.decode("utf-8").splitlines()),
                             {"hello.txt", "empty.dat", "big.bin", "docs", UTF8_DIR, "emptydir"})
            self.saw(srv, "LIST")
            self.saw(srv, "NLST")

    def test_curl_resume_download(self):
        with self.server() as (srv, hp):
            for user, cut in ((False, 1234567), (True, 1)):
                out = os.path.join(self.local, "partial-%s.bin" % user)
                with open(out, "wb") as f:
                    f.write(BIG[:cut])
                self.curl(srv, "-C", "-", "-o", out, self.url(hp, "big.bin", user))
                self.assertFile(out, BIG)
            self.saw(srv, "REST 1234567")

    def test_curl_resume_upload(self):
        with self.server() as (srv, hp):
            part = os.path.join(self.local, "part.bin")
            full = os.path.join(self.local, "full.bin")
            with open(part, "wb") as f:
                f.write(BIG[:2000003])
            with open(full, "wb") as f:
                f.write(BIG)
            self.curl(srv, "-T", part, self.url(hp, "resumed.bin", user=True))
            self.assertFile(os.path.join(self.home, "resumed.bin"), BIG[:2000003])
            self.curl(srv, "-C", "-", "-T", full, self.url(hp, "resumed.bin", user=True))
            self.assertFile(os.path.join(self.home, "resumed.bin"), BIG)
            self.saw(srv, "APPE")

    def test_curl_ipv6(self):
        with self.server("::1") as (srv, hp):
            out = os.path.join(self.local, "v6.bin")
            self.curl(srv, "-o", out, self.url(hp, "big.bin"))
            self.assertFile(out, BIG)
            self.saw(srv, "EPSV")
            out = os.path.join(self.local, "v6-active.bin")
            self.curl(srv, "-P", "::1", "-o", out, self.url(hp, "docs/deeper/nested/leaf.bin", True))
            self.assertFile(out, LEAF)
            self.saw(srv, "EPRT |2|::1|")
            self.curl(srv, "-T", os.path.join(self.anon, "big.bin"),
                      self.url(hp, "v6-up.bin", user=True))
            self.assertFile(os.path.join(self.home, "v6-up.bin"), BIG)
            p = self.curl(srv, self.url(hp, "", user=True) + "/")
            self.assertIn(" big.bin", p.stdout.decode("utf-8"))

    # -- lftp -------------------------------------------------------------

    def test_lftp_mirror_anonymous(self):
        dest = os.path.join(self.local, "mirror")
        with self.server() as (srv, hp):
            self.lftp(srv, hp, "mirror / %s" % dest, user=False)
        self.assertTree(dest, self.anon)
        self.assertMtimes(dest)  # lftp sets them from the MLSD modify fact

    def test_lftp_mirror_user_parallel(self):
        dest = os.path.join(self.local, "mirror")
        with self.server() as (srv, hp):
            self.lftp(srv, hp, "mirror --parallel=3 / %s" % dest)
        self.assertTree(dest, self.home)

    def test_lftp_mirror_active_mode(self):
        dest = os.path.join(self.local, "mirror")
        with self.server() as (srv, hp):
            self.lftp(srv, hp, "mirror /docs %s" % dest, extra_set="set ftp:passive-mode off;")
            self.saw(srv, "PORT")
        self.assertTree(dest, os.path.join(self.home, "docs"))

    def test_lftp_mirror_reverse_upload(self):
        src = os.path.join(self.local, "tree")
        os.mkdir(src)
        write_tree(src)
        with open(os.path.join(src, "docs", "only-uploaded.bin"), "wb") as f:
            f.write(_rng.randbytes(300000))
        with self.server() as (srv, hp):
            self.lftp(srv, hp, "mirror -R %s /incoming" % src)
            self.saw(srv, "STOR")
            self.assertTree(os.path.join(self.home, "incoming"), src)
            # and again onto the existing copy, after a change: only that moves
            with open(os.path.join(src, "hello.txt"), "wb") as f:
                f.write(b"changed contents, different size\n")
            self.lftp(srv, hp, "mirror -R %s /incoming" % src)
            self.assertTree(os.path.join(self.home, "incoming"), src)

    # -- wget -------------------------------------------------------------

    def wget_tree(self, user, extra=()):
        dest = os.path.join(self.local, "wget")
        os.mkdir(dest)
        with self.server() as (srv, hp):
            self.wget(srv, "-r", "-nH", "--no-verbose", "--restrict-file-names=nocontrol",
                      "-P", dest, *extra, self.url(hp, "", user) + "/")
            return srv, dest

    def test_wget_recursive_anonymous(self):
        srv, dest = self.wget_tree(False)
        self.assertTree(dest, self.anon, dirs=False)

    def test_wget_recursive_user_active(self):
        srv, dest = self.wget_tree(True, ["--no-passive-ftp"])
        self.assertTree(dest, self.home, dirs=False)
        self.assertTrue(any(": PORT " in l or ": EPRT " in l for l in srv.log.text().splitlines()))

    # -- Python ftplib ----------------------------------------------------

    def retr(self, f, path, rest=None):
        buf = io.BytesIO()
        f.retrbinary("RETR " + path, buf.write, rest=rest)
        return buf.getvalue()

    def test_ftplib_binary(self):
        with self.server() as (srv, hp):
            f = self.ftp(hp, user=False)
            try:
                for rel, data in TREE.items():
                    self.assertEqual(sha256(self.retr(f, rel)), sha256(data), rel)
                self.assertEqual(f.size("big.bin"), len(BIG))
                self.assertEqual(f.sendcmd("MDTM big.bin"), "213 " + MDTM)
                reply = f.sendcmd("MLST docs/with space.txt").split("\n")
                facts = reply[1].strip().lower()
                self.assertTrue(facts.endswith(" /docs/with space.txt"), reply)
                self.assertIn("modify=" + MDTM, facts)
                self.assertIn("size=%d;" % len(TREE["docs/with space.txt"]), facts)
                with self.assertRaises(ftplib.error_perm):
                    f.storbinary("STOR nope.bin", io.BytesIO(b"x"))
                f.quit()
            finally:
                f.close()
            f = self.ftp(hp)
            try:
                payloads = {"bin/big copy.bin": BIG, "bin/empty": b"",
                            "bin/€uro.bin": LEAF, "bin/crlf.bin": b"a\r\nb\nc\r\r\n\x00\xff"}
                f.mkd("bin")
                for name, data in payloads.items():
                    f.storbinary("STOR " + name, io.BytesIO(data))
                for name, data in payloads.items():
                    self.assertFile(os.path.join(self.home, name), data)
                    self.assertEqual(sha256(self.retr(f, name)), sha256(data), name)
                self.assertEqual(sorted(os.listdir(os.path.join(self.home, "bin"))),
                                 sorted(n.split("/")[1] for n in payloads))
                f.quit()
            finally:
                f.close()

    def test_ftplib_ascii(self):
        # lines of many lengths, so CR and LF fall on every buffer boundary
        text = b"".join(b"%d %s\n" % (i, b"x" * (i % 97)) for i in range(40000))
        text += b"\n\nlast line without newline"
        with open(os.path.join(self.home, "text.txt"), "wb") as fh:
            fh.write(text)
        crlf = text.replace(b"\n", b"\r\n")
        with self.server() as (srv, hp):
            f = self.ftp(hp)
            try:
                # RETR in TYPE A: exact bytes on the wire, LF -> CRLF
                f.voidcmd("TYPE A")
                conn = f.transfercmd("RETR text.txt")
                got = b""
                with conn:
                    while True:
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        got += chunk
                f.voidresp()
                self.assertEqual(len(got), len(crlf))
                self.assertEqual(sha256(got), sha256(crlf))
                # retrlines sees the same lines
                lines = []
                f.retrlines("RETR text.txt", lines.append)
                self.assertEqual(lines, text.decode().split("\n"))
                # STOR in TYPE A with storlines: CRLF on the wire, LF on disk
                f.storlines("STOR up.txt", io.BytesIO(crlf))
                self.assertFile(os.path.join(self.home, "up.txt"), text + b"\n")
                # raw TYPE A STOR with the exact bytes chosen here
                raw = b"one\r\ntwo\r\n\r\nthree" * 20000
                f.voidcmd("TYPE A")
                conn = f.transfercmd("STOR raw.txt")
                with conn:
                    for i in range(0, len(raw), 4097):  # odd chunks split CRLFs
                        conn.sendall(raw[i:i + 4097])
                f.voidresp()
                self.assertFile(os.path.join(self.home, "raw.txt"), raw.replace(b"\r\n", b"\n"))
                # TYPE I afterwards moves the file unchanged
                self.assertEqual(sha256(self.retr(f, "text.txt")), sha256(text))
                f.quit()
            finally:
                f.close()

    def test_ftplib_resume(self):
        with self.server() as (srv, hp):
            f = self.ftp(hp)
            try:
                # REST + RETR
                for rest in (0, 1, 65536, 3333333, len(BIG) - 1, len(BIG)):
                    self.assertEqual(sha256(self.retr(f, "big.bin", rest=rest)),
                                     sha256(BIG[rest:]), rest)
                self.assertEqual(sha256(self.retr(f, "big.bin")), sha256(BIG))  # REST reset
                # REST + STOR writes in place from the offset
                n = 1048583
                f.storbinary("STOR rest.bin", io.BytesIO(BIG[:n]))
                self.assertFile(os.path.join(self.home, "rest.bin"), BIG[:n])
                f.storbinary("STOR rest.bin", io.BytesIO(BIG[n:]), rest=n)
                self.assertFile(os.path.join(self.home, "rest.bin"), BIG)
                # REST + STOR onto a longer file overwrites the tail region
                f.storbinary("STOR rest.bin", io.BytesIO(b"Z" * 10), rest=5)
                self.assertFile(os.path.join(self.home, "rest.bin"),
                                BIG[:5] + b"Z" * 10 + BIG[15:])
                # APPE
                m = 777777
                f.storbinary("STOR app.bin", io.BytesIO(BIG[:m]))
                f.storbinary("APPE app.bin", io.BytesIO(BIG[m:]))
                self.assertFile(os.path.join(self.home, "app.bin"), BIG)
                f.storbinary("APPE new-by-appe.bin", io.BytesIO(LEAF))
                self.assertFile(os.path.join(self.home, "new-by-appe.bin"), LEAF)
                self.assertEqual(f.size("app.bin"), len(BIG))
                f.quit()
            finally:
                f.close()
        self.assertEqual(sorted(os.listdir(self.home)),
                         sorted(["app.bin", "new-by-appe.bin", "rest.bin", "big.bin",
                                 "docs", "empty.dat", "emptydir", "hello.txt", UTF8_DIR]))

    def test_ftplib_active_mode(self):
        with self.server() as (srv, hp):
            f = self.ftp(hp)
            try:
                f.set_pasv(False)
                self.assertEqual(sha256(self.retr(f, "big.bin")), sha256(BIG))
                self.assertEqual(sha256(self.retr(f, "big.bin", rest=4096)), sha256(BIG[4096:]))
                f.storbinary("STOR active.bin", io.BytesIO(LEAF))
                self.assertFile(os.path.join(self.home, "active.bin"), LEAF)
                lines = []
                f.retrlines("LIST docs", lines.append)
                self.assertEqual(sorted(l.split(None, 8)[8] for l in lines),
                                 ["deeper", "readme.md", "with space.txt"])
                self.assertEqual(sorted(f.nlst()),
                                 sorted(["active.bin", "big.bin", "docs", "empty.dat",
                                         "emptydir", "hello.txt", UTF8_DIR]))
                f.quit()
            finally:
                f.close()
            self.saw(srv, "PORT 127,0,0,1,")
            self.assertNotIn(": PASV", srv.log.text())


if __name__ == "__main__":
    main()
