"""Every real FTPS client over both families in every deployment mode:
curl, lftp, Python's ftplib, openssl s_client and gnutls-cli, over
127.0.0.1 and ::1, against explicit FTPS (AUTH TLS) and implicit FTPS, each
through systemd-socket-activate (the connection on fd 3) and in inetd mode.
Every byte moved is checked by sha256."""
import ftplib
import hashlib
import io
import os
import select
import shutil
import socket
import ssl
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TIMEOUT, main, socket_activate  # noqa: E402
from test_tls import DATA, PASSWORD, USER, Tree  # noqa: E402
from tlshelp import ReusingFTP_TLS, client_context  # noqa: E402

CLIENT_TIMEOUT = 60


def sha(data):
    return hashlib.sha256(data).hexdigest()


class ImplicitFTP_TLS(ReusingFTP_TLS):
    """ftplib with the handshake first (ftplib has no ftps:// of its own)."""

    def connect(self, host="", port=0, timeout=-999, source_address=None):
        self.host, self.port = host, port
        self.sock = socket.create_connection((host, port), TIMEOUT)
        self.af = self.sock.family
        self.sock = self.context.wrap_socket(self.sock, server_hostname="localhost")
        self.file = self.sock.makefile("r", encoding=self.encoding)
        self.welcome = self.getresp()
        self._prot_p = True
        return self.welcome


class Clients:
    implicit = False
    inetd = False
    host = "127.0.0.1"

    @classmethod
    def setUpClass(cls):
        cls.tree = Tree()
        bind = "[::1]:0" if ":" in cls.host else "127.0.0.1:0"
        cls.srv = socket_activate(
            [bind], extra=["--inetd"] if cls.inetd else [],
            args=["--users", cls.tree.users, "--login-delay", "0", "--tls-cert",
                  cls.tree.cert, "--tls-key", cls.tree.key] +
            (["--tls-implicit"] if cls.implicit else []))
        cls.port = cls.srv.port
        cls.url_host = "[%s]" % cls.host if ":" in cls.host else cls.host

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tree.tmp.cleanup()

    def run_client(self, argv, data=None):
        r = subprocess.run(argv, input=data, capture_output=True, timeout=CLIENT_TIMEOUT)
        self.assertEqual(r.returncode, 0, (argv, r.stderr.decode()))
        return r.stdout

    def test_curl(self):
        url = "%s://%s:%s@%s:%d/" % ("ftps" if self.implicit else "ftp", USER, PASSWORD,
                                     self.url_host, self.port)
        base = ["curl", "-sS", "-g", "--max-time", str(CLIENT_TIMEOUT), "--cacert",
                self.tree.cert] + ([] if self.implicit else ["--ssl-reqd"])
        self.assertEqual(sha(self.run_client(base + [url + "data.bin"])), sha(DATA))
        up = os.path.join(self.tree.tmp.name, "curl-up.bin")
        with open(up, "wb") as f:
            f.write(DATA[:400000])
        self.run_client(base + ["-T", up, url + "curl.bin"])
        self.assertEqual(sha(self.tree.content("curl.bin")), sha(DATA[:400000]))
        self.assertIn(b"curl.bin", self.run_client(base + [url]))

    def test_lftp(self):
        if not shutil.which("lftp"):
            self.skipTest("lftp not installed")
        up = os.path.join(self.tree.tmp.name, "lftp-up.bin")
        with open(up, "wb") as f:
            f.write(DATA[:300000])
        got = os.path.join(self.tree.tmp.name, "lftp-got.bin")
        script = ("set ssl:ca-file %s; set ftp:ssl-force true; set ftp:ssl-protect-data true; "
                  "set net:max-retries 1; set net:timeout 20; "
                  "open -u %s,%s %s://%s:%d; get data.bin -o %s; put %s -o lftp.bin"
                  % (self.tree.cert, USER, PASSWORD, "ftps" if self.implicit else "ftp",
                     self.url_host, self.port, got, up))
        r = subprocess.run(["lftp", "-c", script], capture_output=True, timeout=CLIENT_TIMEOUT)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        with open(got, "rb") as f:
            self.assertEqual(sha(f.read()), sha(DATA))
        self.assertEqual(sha(self.tree.content("lftp.bin")), sha(DATA[:300000]))

    def test_ftplib(self):
        cls = ImplicitFTP_TLS if self.implicit else ReusingFTP_TLS
        f = cls(context=client_context(self.tree.cert), timeout=TIMEOUT)
        f.connect(self.host, self.port)
        self.addCleanup(f.close)
        f.login(USER, PASSWORD)
        f.prot_p()
        out = bytearray()
        f.retrbinary("RETR data.bin", out.extend)
        self.assertEqual(sha(bytes(out)), sha(DATA))
        f.storbinary("STOR ftplib.bin", io.BytesIO(DATA[:200000]))
        self.assertEqual(sha(self.tree.content("ftplib.bin")), sha(DATA[:200000]))
        f.quit()

    def commands(self):
        return ("USER %s\r\nPASS %s\r\nPWD\r\nQUIT\r\n" % (USER, PASSWORD)).encode()

    def test_openssl_s_client(self):
        argv = ["openssl", "s_client", "-quiet", "-CAfile", self.tree.cert,
                "-verify_return_error", "-connect", "%s:%d" % (self.url_host, self.port)]
        if not self.implicit:
            argv[2:2] = ["-starttls", "ftp"]
        out = self.run_client(argv, data=self.commands())
        self.assertIn(b"230 Login successful", out)
        self.assertIn(b"221 ", out)

    def test_gnutls_cli(self):
        if not shutil.which("gnutls-cli"):
            self.skipTest("gnutls-cli not installed (gnutls-bin)")
        argv = ["gnutls-cli", "--x509cafile", self.tree.cert, "--verify-hostname", "localhost",
                "-p", str(self.port), self.host]
        if not self.implicit:
            argv.insert(1, "--starttls-proto=ftp")
        p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        out = b""
        try:
            deadline = time.monotonic() + CLIENT_TIMEOUT
            while b"Handshake was completed" not in out and p.poll() is None and \
                    time.monotonic() < deadline:
                r, _, _ = select.select([p.stdout], [], [], 0.2)
                if r:
                    out += os.read(p.stdout.fileno(), 4096)
            self.assertIn(b"Handshake was completed", out)
            p.stdin.write(self.commands())
            p.stdin.flush()
            rest, _ = p.communicate(timeout=CLIENT_TIMEOUT)
            out += rest
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        self.assertIn(b"230 Login successful", out)
        self.assertIn(b"221 ", out)


class ExplicitSystemdIPv4(Clients, unittest.TestCase):
    pass


class ExplicitSystemdIPv6(Clients, unittest.TestCase):
    host = "::1"


class ExplicitInetdIPv4(Clients, unittest.TestCase):
    inetd = True


class ExplicitInetdIPv6(Clients, unittest.TestCase):
    inetd = True
    host = "::1"


class ImplicitSystemdIPv4(Clients, unittest.TestCase):
    implicit = True


class ImplicitSystemdIPv6(Clients, unittest.TestCase):
    implicit = True
    host = "::1"


class ImplicitInetdIPv4(Clients, unittest.TestCase):
    implicit = True
    inetd = True


class ImplicitInetdIPv6(Clients, unittest.TestCase):
    implicit = True
    inetd = True
    host = "::1"


if __name__ == "__main__":
    main()
