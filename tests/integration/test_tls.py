"""FTPS (RFC 4217): explicit and implicit, real clients (curl, lftp, Python's
ftplib, openssl s_client, gnutls-cli) in systemd (fd 3) and inetd modes
over IPv4 and IPv6, every byte checked by sha256; and the defences, with
raw TLS clients: commands pipelined in clear after AUTH are dropped, a data
connection must resume this control connection's session, an upload
counts only when TLS says it ended, ALPN and SNI, HTTP lines, --require-tls,
certificate errors at start, renewal, systemd credentials."""
import ftplib
import hashlib
import os
import random
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (SOCKFTPD, TIMEOUT, free_port, give_to_server, main,  # noqa: E402
                     make_users_file, run_pipe, socket_activate)
from tlshelp import (RawTLS, ReusingFTP_TLS, client_context, make_cert,  # noqa: E402
                     make_expired_cert)

USER, PASSWORD = "alice", "tls-Pass-1"
DATA = random.Random(4217).randbytes(3 * 1024 * 1024 + 4217)
CLIENT_TIMEOUT = 60


def sha(data):
    return hashlib.sha256(data).hexdigest()


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, timeout=CLIENT_TIMEOUT, **kw)


class Tree:
    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory()
        t = self.tmp.name
        os.chmod(t, 0o755)
        self.home = os.path.join(t, "home")
        self.anon = os.path.join(t, "anon")
        os.makedirs(os.path.join(self.home, "dir"))
        os.makedirs(self.anon)
        with open(os.path.join(self.home, "data.bin"), "wb") as f:
            f.write(DATA)
        with open(os.path.join(self.home, "dir", "small.txt"), "wb") as f:
            f.write(b"small\n")
        with open(os.path.join(self.anon, "pub.txt"), "wb") as f:
            f.write(b"public\n")
        give_to_server(self.home, self.anon)
        self.users = os.path.join(t, "users")
        make_users_file(self.users, [(USER, PASSWORD, self.home, "rw")])
        self.cert, self.key = make_cert(t)

    def path(self, *p):
        return os.path.join(self.home, *p)

    def content(self, *p):
        with open(self.path(*p), "rb") as f:
            return f.read()


class TLSBase(unittest.TestCase):
    extra = []

    @classmethod
    def setUpClass(cls):
        cls.tree = Tree()
        cls.port = free_port()
        cls.port6 = free_port(socket.AF_INET6, "::1")
        cls.srv = socket_activate(
            ["127.0.0.1:%d" % cls.port, "[::1]:%d" % cls.port6],
            args=["--users", cls.tree.users, "--anonymous", cls.tree.anon, "--login-delay", "0",
                  "--tls-cert", cls.tree.cert, "--tls-key", cls.tree.key,
                  *cls.extra])

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tree.tmp.cleanup()

    def ctx(self, **kw):
        return client_context(self.tree.cert, **kw)

    def ftps(self, cls=ReusingFTP_TLS, host="127.0.0.1", port=None, **kw):
        f = cls(context=self.ctx(**kw), timeout=TIMEOUT)
        f.connect(host, port or self.port)
        self.addCleanup(f.close)
        f.login(USER, PASSWORD)
        f.prot_p()
        return f

    def retr(self, f, name):
        out = bytearray()
        f.retrbinary("RETR " + name, out.extend)
        return bytes(out)

    def curl(self, *args, url):
        r = run(["curl", "-sS", "--max-time", str(CLIENT_TIMEOUT), "--cacert", self.tree.cert,
                 *args, url])
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        return r.stdout


class Explicit(TLSBase):
    def test_feat_lists_tls(self):
        f = RawTLS("127.0.0.1", self.port, self.ctx())
        self.addCleanup(f.close)
        code, text = f.cmd("FEAT")
        for feat in ("AUTH TLS", "PBSZ", "PROT"):
            self.assertIn(" " + feat, text.split("\n"))
        # without --tls-cert there is no such line
        r = run_pipe(b"FEAT\r\nAUTH TLS\r\nQUIT\r\n")
        self.assertNotIn(b"AUTH TLS\r\n", r.stdout)
        self.assertIn(b"502 TLS is not configured", r.stdout)

    def test_rfc4217_replies(self):
        f = RawTLS("127.0.0.1", self.port, self.ctx())
        self.addCleanup(f.close)
        self.assertEqual(f.cmd("PBSZ 0")[0], 503)
        self.assertEqual(f.cmd("PROT P")[0], 503)
        self.assertEqual(f.cmd("AUTH KERBEROS")[0], 504)
        f.starttls()
        self.assertEqual(f.cmd("AUTH TLS")[0], 503)
        self.assertEqual(f.cmd("PROT P")[0], 503)  # PBSZ first
        self.assertEqual(f.cmd("PBSZ 1024"), (200, "PBSZ=0"))
        self.assertEqual(f.cmd("PROT S")[0], 536)
        self.assertEqual(f.cmd("PROT E")[0], 536)
        self.assertEqual(f.cmd("PROT X")[0], 504)
        self.assertEqual(f.cmd("PROT C")[0], 200)
        self.assertEqual(f.cmd("PROT P")[0], 200)
        self.assertEqual(f.cmd("CCC")[0], 534)
        self.assertEqual(f.cmd("USER " + USER)[0], 331)
        self.assertEqual(f.cmd("PASS " + PASSWORD)[0], 230)
        self.assertEqual(f.cmd("REIN")[0], 220)  # logs out; TLS stays
        self.assertEqual(f.cmd("NOOP")[0], 200)
        self.assertEqual(f.cmd("QUIT")[0], 221)

    def test_lines_pipelined_in_clear_after_auth_are_dropped(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT)
        self.addCleanup(s.close)
        self.assertTrue(s.recv(100).startswith(b"220 "))
        # the CVE-2011-1575 class: what follows AUTH in the same packet was
        # sent in clear and must never run
        s.sendall(b"AUTH TLS\r\nUSER %s\r\nPASS %s\r\nMKD injected\r\n" %
                  (USER.encode(), PASSWORD.encode()))
        got = b""
        while not got.endswith(b"\r\n"):
            got += s.recv(1)
        self.assertTrue(got.startswith(b"234 "), got)
        t = self.ctx().wrap_socket(s, server_hostname="localhost")
        t.sendall(b"NOOP\r\nPWD\r\n")
        replies = b""
        while replies.count(b"\r\n") < 2:
            replies += t.recv(4096)
        self.assertTrue(replies.startswith(b"200 "), replies)
        self.assertIn(b"530 ", replies)  # PWD: not logged in
        self.assertFalse(os.path.exists(self.tree.path("injected")))
        t.close()

    def test_curl_explicit_both_families(self):
        for host in ("127.0.0.1", "[::1]"):
            port = self.port if host[0] != "[" else self.port6
            url = "ftp://%s:%s@%s:%d/" % (USER, PASSWORD, host, port)
            listing = self.curl("--ssl-reqd", "-g", url=url)
            self.assertIn(b"data.bin", listing)
            self.assertEqual(sha(self.curl("--ssl-reqd", "-g", url=url + "data.bin")), sha(DATA))
            up = os.path.join(self.tree.tmp.name, "up-curl.bin")
            with open(up, "wb") as f:
                f.write(DATA[:1000000])
            name = "curl-%d.bin" % port
            self.curl("--ssl-reqd", "-g", "-T", up, url=url + name)
            self.assertEqual(sha(self.tree.content(name)), sha(DATA[:1000000]))
            # resume: the rest of the file from where it stops
            out = os.path.join(self.tree.tmp.name, "resumed.bin")
            with open(out, "wb") as f:
                f.write(DATA[:123457])
            self.curl("--ssl-reqd", "-g", "-C", "-", "-o", out, url=url + "data.bin")
            with open(out, "rb") as f:
                self.assertEqual(sha(f.read()), sha(DATA))

    def test_lftp_mirror_both_ways(self):
        if not shutil.which("lftp"):
            self.skipTest("lftp not installed")
        local = os.path.join(self.tree.tmp.name, "lftp-down")
        up = os.path.join(self.tree.tmp.name, "lftp-up")
        os.makedirs(up)
        with open(os.path.join(up, "a.bin"), "wb") as f:
            f.write(DATA[:300000])
        script = ("set ssl:ca-file %s; set ftp:ssl-force true; set ftp:ssl-protect-data true; "
                  "set net:max-retries 1; set net:timeout 20; "
                  "open -u %s,%s ftp://localhost:%d; mirror / %s; mkdir up; "
                  "mirror -R %s /up" % (self.tree.cert, USER, PASSWORD, self.port, local, up))
        r = run(["lftp", "-c", script])
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        with open(os.path.join(local, "data.bin"), "rb") as f:
            self.assertEqual(sha(f.read()), sha(DATA))
        self.assertEqual(sha(self.tree.content("up", "a.bin")), sha(DATA[:300000]))

    def test_ftplib_resuming_transfers(self):
        f = self.ftps()
        for _ in range(3):  # several data connections, each resuming
            self.assertEqual(sha(self.retr(f, "data.bin")), sha(DATA))
        f.storbinary("STOR ftplib.bin", _Reader(DATA[:500000]))
        self.assertEqual(sha(self.tree.content("ftplib.bin")), sha(DATA[:500000]))
        lines = []
        f.retrlines("LIST", lines.append)
        self.assertTrue(any("ftplib.bin" in l for l in lines))
        f.quit()

    def test_resumption_by_session_id(self):
        # TLS 1.2 without tickets: the data connections resume the control
        # session from the server's cache, by its id
        ctx = self.ctx(version="1.2")
        ctx.options |= ssl.OP_NO_TICKET
        f = ReusingFTP_TLS(context=ctx, timeout=TIMEOUT)
        f.connect("127.0.0.1", self.port)
        self.addCleanup(f.close)
        f.login(USER, PASSWORD)
        f.prot_p()
        for _ in range(2):
            self.assertEqual(sha(self.retr(f, "data.bin")), sha(DATA))
        f.quit()

    def test_fresh_ticket_before_each_transfer(self):
        f = self.ftps()
        seen = set()
        for _ in range(3):
            f.voidcmd("TYPE I")
            self.assertEqual(self.retr(f, "dir/small.txt"), b"small\n")
            seen.add(f.sock.session.id)
        # TLS 1.3: each EPSV brought a new ticket with its reply
        self.assertEqual(f.sock.version(), "TLSv1.3")
        self.assertEqual(len(seen), 3, seen)
        f.quit()

    def test_ftplib_over_tls12(self):
        f = self.ftps(version="1.2")
        self.assertEqual(f.sock.version(), "TLSv1.2")
        self.assertEqual(sha(self.retr(f, "data.bin")), sha(DATA))
        self.assertEqual(sha(self.retr(f, "data.bin")), sha(DATA))
        f.quit()

    def test_stock_ftplib_is_refused_with_a_clear_reply(self):
        f = self.ftps(cls=ftplib.FTP_TLS)
        with self.assertRaises((ssl.SSLError, OSError, ftplib.Error)):
            self.retr(f, "data.bin")
        code, text = _reply_of(f)
        self.assertEqual(code, 522, text)
        self.assertIn("must resume the control connection's session", text)
        self.assertIn("--tls-reuse", text)

    def test_another_sessions_ticket_does_not_resume_here(self):
        for version in (None, "1.2"):
            ctx = self.ctx(version=version)
            a = ReusingFTP_TLS(context=ctx, timeout=TIMEOUT)
            a.connect("127.0.0.1", self.port)
            self.addCleanup(a.close)
            a.login(USER, PASSWORD)
            a.prot_p()
            self.assertEqual(self.retr(a, "dir/small.txt"), b"small\n")
            stolen = a.sock.session  # session A's ticket (or session id)

            class Thief(ReusingFTP_TLS):
                def ntransfercmd(self, cmd, rest=None):
                    conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
                    conn = self.context.wrap_socket(conn, server_hostname=self.host,
                                                    session=stolen)
                    return conn, size
            b = Thief(context=ctx, timeout=TIMEOUT)
            b.connect("127.0.0.1", self.port)
            self.addCleanup(b.close)
            b.login(USER, PASSWORD)
            b.prot_p()
            with self.assertRaises((ssl.SSLError, OSError, ftplib.Error)):
                self.retr(b, "data.bin")
            code, text = _reply_of(b)
            self.assertEqual(code, 522, (version, text))

    def test_data_connection_sessions_do_not_count(self):
        # TLS 1.2: a data connection with a full handshake gets a session
        # (and a ticket) of its own before it is refused; resuming that one
        # later is refused too: only the control connection's sessions count
        ctx = self.ctx(version="1.2")
        first = []

        class Fresh(ReusingFTP_TLS):
            def ntransfercmd(self, cmd, rest=None):
                conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
                if not first:
                    conn = self.context.wrap_socket(conn, server_hostname=self.host)
                    first.append(conn.session)
                else:
                    conn = self.context.wrap_socket(conn, server_hostname=self.host,
                                                    session=first[0])
                return conn, size
        f = Fresh(context=ctx, timeout=TIMEOUT)
        f.connect("127.0.0.1", self.port)
        self.addCleanup(f.close)
        f.login(USER, PASSWORD)
        f.prot_p()
        for _ in range(2):
            with self.assertRaises((ssl.SSLError, OSError, ftplib.Error)):
                self.retr(f, "data.bin")
            self.assertEqual(_reply_of(f)[0], 522)
        self.assertIsNotNone(first[0])

    def test_upload_without_close_notify_is_not_stored(self):
        with open(self.tree.path("keep.bin"), "wb") as fh:
            fh.write(b"old")
        give_to_server(self.tree.path("keep.bin"))
        f = self.ftps()
        conn = f.transfercmd("STOR keep.bin")
        conn.sendall(DATA[:200000])
        # a bare FIN: what an attacker truncating the stream can forge
        conn.shutdown(socket.SHUT_RDWR)
        conn.close()
        code, text = _reply_of(f)
        self.assertIn(code, (426, 451), text)
        self.assertIn("close_notify", text)
        self.assertEqual(self.tree.content("keep.bin"), b"old")
        self.assertEqual([n for n in os.listdir(self.tree.home) if "sockftpd-upload" in n], [])
        self.srv.log.wait_for(lambda l: "STOR /keep.bin" in l and "close_notify" in l)

    def test_openssl_s_client(self):
        r = run(["openssl", "s_client", "-quiet", "-starttls", "ftp", "-CAfile", self.tree.cert,
                 "-verify_return_error", "-connect", "127.0.0.1:%d" % self.port],
                input=("USER %s\r\nPASS %s\r\nPWD\r\nQUIT\r\n" % (USER, PASSWORD)).encode())
        self.assertIn(b"230 Login successful", r.stdout, r.stderr)
        self.assertIn(b"221 ", r.stdout)

    def test_gnutls_cli(self):
        if not shutil.which("gnutls-cli"):
            self.skipTest("gnutls-cli not installed (gnutls-bin)")
        # gnutls-cli does the STARTTLS exchange itself; the commands go in
        # once it says the handshake is done
        p = subprocess.Popen(["gnutls-cli", "--x509cafile", self.tree.cert,
                              "--verify-hostname", "localhost", "--starttls-proto=ftp",
                              "-p", str(self.port), "127.0.0.1"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        out = b""
        try:
            deadline = time.monotonic() + CLIENT_TIMEOUT
            while b"Handshake was completed" not in out and p.poll() is None and \
                    time.monotonic() < deadline:
                out += _read_some(p.stdout, 0.2)
            self.assertIn(b"Handshake was completed", out)
            p.stdin.write(("USER %s\r\nPASS %s\r\nPWD\r\nQUIT\r\n" %
                           (USER, PASSWORD)).encode())
            p.stdin.flush()
            stdout, _ = p.communicate(timeout=CLIENT_TIMEOUT)
            stdout = out + stdout
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        self.assertIn(b"230 Login successful", stdout)
        self.assertIn(b"221 ", stdout)

    def test_alpn_must_name_ftp(self):
        for alpn, ok in ((None, True), (["ftp"], True), (["http/1.1", "ftp"], True),
                         (["http/1.1"], False), (["h2", "http/1.1"], False)):
            f = RawTLS("127.0.0.1", self.port, self.ctx(alpn=alpn))
            self.addCleanup(f.close)
            if ok:
                f.starttls()
                self.assertEqual(f.cmd("NOOP")[0], 200, alpn)
            else:
                with self.assertRaises(ssl.SSLError, msg=alpn):
                    f.starttls()
        # a refused handshake is the client's doing: the session ends well
        self.srv.log.wait_for(lambda l: "no application protocol" in l or "TLS handshake" in l)
        # (not under sanitizers: LeakSanitizer cannot read /proc/self/task
        # at the exit of a chrooted process and makes it exit 1)
        if not os.environ.get("SOCKFTPD_SANITIZED"):
            self.assertNotRegex(self.srv.log.text(), r"died with code [^0]")

    def test_http_request_line_closes_the_session(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT)
        self.addCleanup(s.close)
        self.assertTrue(s.recv(100).startswith(b"220 "))
        s.sendall(b"GET / HTTP/1.1\r\nHost: victim\r\n\r\n")
        self.assertEqual(s.recv(100), b"")  # closed, not a word
        f = RawTLS("127.0.0.1", self.port, self.ctx())
        self.addCleanup(f.close)
        f.starttls()
        f.sock.sendall(b"POST /form HTTP/1.1\r\nHost: victim\r\n\r\n")
        self.assertEqual(f.sock.recv(100), b"")
        self.srv.log.wait_for(lambda l: "HTTP request on the FTP control connection" in l)


class _Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def read(self, n):
        chunk = self.data[self.pos:self.pos + n]
        self.pos += len(chunk)
        return chunk


def _reply_of(f):
    """The next reply on an ftplib control connection, whatever its code."""
    line = f.getline()
    code = int(line[:3])
    text = [line[4:]]
    if line[3:4] == "-":
        while True:
            l = f.getline()
            text.append(l)
            if l[:4] == "%d " % code:
                break
    return code, "\n".join(text)


def _read_some(stream, seconds):
    import select
    r, _, _ = select.select([stream], [], [], seconds)
    return os.read(stream.fileno(), 4096) if r else b""


class RequireTLS(TLSBase):
    extra = ["--require-tls"]

    def test_logins_need_tls_anonymous_does_not(self):
        f = RawTLS("127.0.0.1", self.port, self.ctx())
        self.addCleanup(f.close)
        code, text = f.cmd("USER " + USER)
        self.assertEqual(code, 530)
        self.assertIn("TLS required", text)
        self.assertEqual(f.cmd("PASS " + PASSWORD)[0], 503)  # nothing of it was taken
        self.assertEqual(f.cmd("USER anonymous")[0], 331)
        self.assertEqual(f.cmd("PASS x")[0], 230)
        f.starttls()
        self.assertEqual(f.cmd("USER " + USER)[0], 331)
        self.assertEqual(f.cmd("PASS " + PASSWORD)[0], 230)
        self.assertEqual(f.cmd("EPSV")[0], 229)
        code, text = f.cmd("RETR data.bin")  # still PROT C
        self.assertEqual(code, 521, text)
        self.assertIn("PROT P", text)

    def test_protected_login_transfers(self):
        f = self.ftps()
        self.assertEqual(sha(self.retr(f, "data.bin")), sha(DATA))


class RequireTLSAll(TLSBase):
    extra = ["--require-tls=all"]

    def test_anonymous_needs_tls_too(self):
        f = RawTLS("127.0.0.1", self.port, self.ctx())
        self.addCleanup(f.close)
        self.assertEqual(f.cmd("USER anonymous")[0], 530)
        f.starttls()
        self.assertEqual(f.cmd("USER anonymous")[0], 331)
        self.assertEqual(f.cmd("PASS x")[0], 230)


class ReuseOff(TLSBase):
    extra = ["--tls-reuse=off"]

    def test_stock_ftplib_works(self):
        f = self.ftps(cls=ftplib.FTP_TLS)
        self.assertEqual(sha(self.retr(f, "data.bin")), sha(DATA))
        f.quit()


class SNI(TLSBase):
    extra = ["--tls-sni", "localhost"]

    def test_only_the_configured_name(self):
        f = RawTLS("127.0.0.1", self.port, self.ctx())
        self.addCleanup(f.close)
        f.starttls()  # SNI localhost
        self.assertEqual(f.cmd("NOOP")[0], 200)
        ctx = self.ctx()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        g = RawTLS("127.0.0.1", self.port, ctx, server_hostname="other.example")
        self.addCleanup(g.close)
        with self.assertRaises(ssl.SSLError):
            g.starttls()


class Implicit(unittest.TestCase):
    """ftps:// on a socket where the handshake comes first, through
    systemd-socket-activate (fd 3) and in inetd mode."""

    def serve(self, inetd):
        self.tree = Tree()
        self.addCleanup(self.tree.tmp.cleanup)
        port = free_port()
        srv = socket_activate(["127.0.0.1:%d" % port], extra=["--inetd"] if inetd else [],
                              args=["--users", self.tree.users, "--login-delay", "0",
                                    "--tls-cert", self.tree.cert, "--tls-key", self.tree.key,
                                    "--tls-implicit"])
        self.addCleanup(srv.stop)
        return port

    def check(self, port):
        url = "ftps://%s:%s@127.0.0.1:%d/" % (USER, PASSWORD, port)
        base = ["curl", "-sS", "--max-time", str(CLIENT_TIMEOUT), "--cacert", self.tree.cert]
        r = run(base + [url + "data.bin"])
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertEqual(sha(r.stdout), sha(DATA))
        up = os.path.join(self.tree.tmp.name, "up.bin")
        with open(up, "wb") as f:
            f.write(DATA[:777777])
        r = run(base + ["-T", up, url + "implicit.bin"])
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        self.assertEqual(sha(self.tree.content("implicit.bin")), sha(DATA[:777777]))
        r = run(base + [url])
        self.assertIn(b"implicit.bin", r.stdout)

    def test_systemd_fd3(self):
        self.check(self.serve(False))

    def test_inetd(self):
        self.check(self.serve(True))

    def test_plain_client_gets_nothing_in_clear(self):
        port = self.serve(False)
        s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.addCleanup(s.close)
        s.sendall(b"USER x\r\n")  # not a ClientHello: the handshake fails
        data = b""
        try:
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        except ConnectionResetError:
            pass
        self.assertNotIn(b"220", data)


class Certificates(unittest.TestCase):
    def start(self, *args, env=None):
        return subprocess.run([SOCKFTPD, "--log=stderr", *args], input=b"QUIT\r\n",
                              capture_output=True, timeout=TIMEOUT, env=env)

    def test_start_up_errors_name_the_file(self):
        with tempfile.TemporaryDirectory() as t:
            cert, key = make_cert(t)
            other_cert, other_key = make_cert(t, name="other")
            old_cert, old_key = make_expired_cert(t)
            cases = [
                (["--tls-cert", os.path.join(t, "missing.crt")], "missing.crt"),
                (["--tls-cert", cert, "--tls-key", os.path.join(t, "nokey")], "nokey"),
                (["--tls-cert", cert, "--tls-key", other_key], "does not match"),
                (["--tls-cert", old_cert, "--tls-key", old_key], "expired"),
                (["--tls-cert", key], key),  # a key is no certificate
                (["--tls-cert", cert, "--tls-key", key, "--tls-ciphers", "NOPE"], "NOPE"),
            ]
            for args, word in cases:
                r = self.start(*args)
                self.assertEqual(r.returncode, 2, (args, r.stderr))
                self.assertIn(word, r.stderr.decode(), args)
                self.assertEqual(r.stdout, b"", args)  # no greeting
            r = self.start("--tls-cert", cert, "--tls-key", key)
            self.assertEqual(r.returncode, 0, r.stderr)

    def test_credentials_directory(self):
        with tempfile.TemporaryDirectory() as t:
            cert, key = make_cert(t)
            creds = os.path.join(t, "creds")
            os.makedirs(creds)
            shutil.copy(cert, os.path.join(creds, "tls.crt"))
            shutil.copy(key, os.path.join(creds, "tls.key"))
            env = dict(os.environ, CREDENTIALS_DIRECTORY=creds)
            r = self.start("--tls-cert", "tls.crt", "--tls-key", "tls.key", env=env)
            self.assertEqual(r.returncode, 0, r.stderr)
            r = self.start("--tls-cert", "tls.crt")
            self.assertEqual(r.returncode, 2)
            self.assertIn("CREDENTIALS_DIRECTORY", r.stderr.decode())

    def test_renewed_certificate_served_from_the_next_connection(self):
        tree = Tree()
        self.addCleanup(tree.tmp.cleanup)
        live = os.path.join(tree.tmp.name, "live.pem")
        first_cert, first_key = make_cert(tree.tmp.name, name="first")
        second_cert, second_key = make_cert(tree.tmp.name, name="second")

        def install(cert, key):
            with open(live + ".new", "wb") as out:
                for p in (cert, key):
                    with open(p, "rb") as f:
                        out.write(f.read())
            os.chmod(live + ".new", 0o600)
            os.replace(live + ".new", live)
        install(first_cert, first_key)
        port = free_port()
        srv = socket_activate(["127.0.0.1:%d" % port],
                              args=["--users", tree.users, "--tls-cert", live])
        self.addCleanup(srv.stop)

        def served():
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            f = RawTLS("127.0.0.1", port, ctx)
            f.starttls()
            der = f.sock.getpeercert(binary_form=True)
            f.close()
            return der

        def der_of(path):
            return ssl.PEM_cert_to_DER_cert(open(path).read())
        self.assertEqual(served(), der_of(first_cert))
        install(second_cert, second_key)
        self.assertEqual(served(), der_of(second_cert))


if __name__ == "__main__":
    main()
