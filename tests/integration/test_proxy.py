"""PROXY protocol on the control connection (issue 11, point 3): with
--proxy-protocol, a header (version 1 or 2) from an address in
--proxy-trusted comes first and names the client; it is read exactly (what
follows, a command or an implicit-FTPS ClientHello, is not lost); a header
from elsewhere, a malformed, truncated or missing one closes the connection
without a reply.  The client it names is the one logged and checked: a
passive data connection from another address is refused.  curl's
--haproxy-protocol is the real client."""
import hashlib
import os
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (SOCKFTPD, TIMEOUT, WRAPPER, Ftp, give_to_server,  # noqa: E402
                     main, make_users_file, recv_until_eof, socket_activate)
from tlshelp import make_cert  # noqa: E402

SIG = b"\r\n\r\n\x00\r\nQUIT\n"


def v2(src, sport, dst="127.0.0.1", dport=21, cmd=1):
    """A version 2 header: TCP over IPv4 or IPv6 (by src), or LOCAL (cmd 0)."""
    if cmd == 0:
        return SIG + bytes([0x20, 0x00]) + struct.pack(">H", 0)
    if ":" in src:
        body = (socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst)
                + struct.pack(">HH", sport, dport))
        fam = 0x21
    else:
        body = (socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack(">HH", sport, dport))
        fam = 0x11
    return SIG + bytes([0x21, fam]) + struct.pack(">H", len(body)) + body


def proxied(port, header, drip=False):
    """harness.Ftp whose connection begins with header (byte by byte with
    drip)."""
    f = Ftp.__new__(Ftp)
    f.timeout = TIMEOUT
    f.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    if drip:
        for i in range(len(header)):
            f.sock.sendall(header[i:i + 1])
            time.sleep(0.002)   # pacing, not synchronisation: separate segments
    else:
        f.sock.sendall(header)
    f.buf = b""
    f.greeting = f.reply()
    return f


def refused(port, data, shut=False):
    """Send data; the server must close without a byte (a reset, when it
    leaves what was sent unread, is a close too).  Returns what came."""
    s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    try:
        s.sendall(data)
        if shut:
            s.shutdown(socket.SHUT_WR)
        return recv_until_eof(s, time.monotonic() + TIMEOUT)
    except ConnectionResetError:
        return b""
    finally:
        s.close()


class Proxy(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        os.chmod(cls.tmp.name, 0o755)
        cls.home = os.path.join(cls.tmp.name, "home")
        os.makedirs(cls.home)
        cls.payload = os.urandom(300000)
        with open(os.path.join(cls.home, "f.bin"), "wb") as f:
            f.write(cls.payload)
        give_to_server(cls.home)
        cls.users = os.path.join(cls.tmp.name, "users")
        make_users_file(cls.users, [("alice", "pw", cls.home, "rw")])
        cls.cert, cls.key = make_cert(cls.tmp.name)
        give_to_server(cls.cert, cls.key)
        cls.args = ["--users", cls.users, "--login-delay", "0", "--log", "stderr",
                    "--proxy-protocol", "--proxy-trusted", "10.0.0.0/8, 127.0.0.1,::1"]
        cls.srv = socket_activate(["127.0.0.1:0"], args=cls.args + ["--data-timeout", "3"])

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def serve(self, *extra):
        srv = socket_activate(["127.0.0.1:0"], args=self.args + list(extra))
        self.addCleanup(srv.stop)
        return srv

    def logged(self, text):
        self.srv.log.wait_for(lambda l: text in l)

    def test_v1_names_the_client(self):
        f = proxied(self.srv.port, b"PROXY TCP4 192.0.2.7 198.51.100.1 56324 21\r\n")
        self.addCleanup(f.close)
        self.assertEqual(f.greeting[0], 220)
        self.assertEqual(f.cmd("NOOP")[0], 200)
        self.logged("Accepted new connection (address = 192.0.2.7:56324, via systemd, "
                    "PROXY header from 127.0.0.1:")

    def test_v2_ipv6_client(self):
        f = proxied(self.srv.port, v2("2001:db8::7", 4242, "::1"))
        self.addCleanup(f.close)
        self.assertEqual(f.greeting[0], 220)
        f.login("alice", "pw")
        self.logged("address = [2001:db8::7]:4242")
        self.logged("[2001:db8::7]:4242: alice logged in")

    def test_local_keeps_the_connection_address(self):
        f = proxied(self.srv.port, v2("", 0, cmd=0))
        self.addCleanup(f.close)
        port = f.sock.getsockname()[1]
        self.assertEqual(f.cmd("NOOP")[0], 200)
        self.logged("address = 127.0.0.1:%d, via systemd, PROXY header from" % port)

    def test_what_follows_the_header_is_not_lost(self):
        # a command pipelined behind each kind of header, in one segment
        for header in (b"PROXY TCP4 192.0.2.8 198.51.100.1 1000 21\r\n",
                       v2("192.0.2.9", 1001), b"PROXY UNKNOWN\r\n"):
            s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=TIMEOUT)
            self.addCleanup(s.close)
            s.sendall(header + b"NOOP\r\nQUIT\r\n")
            got = recv_until_eof(s, time.monotonic() + TIMEOUT)
            self.assertTrue(got.startswith(b"220 "), got)
            self.assertIn(b"\r\n200 ", got)
            self.assertIn(b"\r\n221 ", got)

    def test_a_dripped_header(self):
        for header in (b"PROXY TCP4 192.0.2.10 198.51.100.1 1002 21\r\n", v2("192.0.2.11", 1003)):
            f = proxied(self.srv.port, header, drip=True)
            self.addCleanup(f.close)
            self.assertEqual(f.cmd("NOOP")[0], 200)

    def test_malformed_or_truncated_headers_close_without_a_reply(self):
        for data, shut in ((b"PROXY TCP4 192.0.2.777 198.51.100.1 1 21\r\n", False),
                           (b"PROXY TCP4 192.0.2.7 198.51.100.1 1 21\n", False),
                           (b"USER alice\r\n", False),
                           (b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + b"\0" * 20, False),
                           (SIG + b"\x22\x11\x00\x0c" + b"\0" * 12, False),      # a bad command
                           (SIG + b"\x21\x12\x00\x0c" + b"\0" * 12, False),      # UDP
                           (b"PROXY TCP4 192.0.2.7 198.51", True),               # truncated
                           (v2("192.0.2.7", 1)[:20], True)):
            self.assertEqual(refused(self.srv.port, data, shut), b"", data)
        self.logged("not a well-formed PROXY header")
        self.logged("the connection ended in the middle of the PROXY header")

    def test_no_header_in_time(self):
        # a client that waits for the greeting without a balancer in front
        s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=TIMEOUT)
        self.addCleanup(s.close)
        start = time.monotonic()
        self.assertEqual(recv_until_eof(s, start + TIMEOUT + 10), b"")
        took = time.monotonic() - start
        self.assertGreater(took, 4.0)
        self.assertLess(took, 5.0 + TIMEOUT)
        self.logged("no whole PROXY header in time (0 bytes came)")

    def test_untrusted_sender(self):
        srv = socket_activate(["127.0.0.1:0"], args=[
            "--users", self.users, "--log", "stderr", "--proxy-protocol",
            "--proxy-trusted", "10.0.0.0/8,::1"])
        self.addCleanup(srv.stop)
        self.assertEqual(refused(srv.port, b"PROXY TCP4 192.0.2.7 198.51.100.1 1 21\r\n"), b"")
        srv.log.wait_for(lambda l: "not a trusted PROXY sender" in l)

    def epsv_retr(self, client):
        """Logged in as client (by a header), EPSV: the control connection
        and the data port."""
        f = proxied(self.srv.port, b"PROXY TCP4 %s 198.51.100.1 56324 21\r\n" % client)
        self.addCleanup(f.close)
        f.login("alice", "pw")
        code, text = f.cmd("EPSV")
        self.assertEqual(code, 229)
        return f, int(text.split("|")[3])

    def test_passive_data_from_another_address_is_refused(self):
        # the header says 192.0.2.7; the data connection comes from
        # 127.0.0.2, neither the client nor a balancer
        f, port = self.epsv_retr(b"192.0.2.7")
        d = socket.socket()
        self.addCleanup(d.close)
        d.settimeout(TIMEOUT)
        d.bind(("127.0.0.2", 0))
        d.connect(("127.0.0.1", port))
        f.sock.sendall(b"RETR f.bin\r\n")
        self.assertEqual(f.reply()[0], 425)
        self.logged("passive data connection from 127.0.0.2 dropped (not the client)")

    def test_passive_data_through_the_balancer(self):
        # from the balancer's address, with a header naming the client
        f, port = self.epsv_retr(b"192.0.2.7")
        d = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.addCleanup(d.close)
        d.sendall(v2("192.0.2.7", 50000))
        f.sock.sendall(b"RETR f.bin\r\n")
        self.assertEqual(f.reply()[0], 150)
        got = recv_until_eof(d, time.monotonic() + TIMEOUT)
        self.assertEqual(f.reply()[0], 226)
        self.assertEqual(got, self.payload)

    def test_passive_data_through_the_balancer_for_someone_else(self):
        f, port = self.epsv_retr(b"192.0.2.7")
        d = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.addCleanup(d.close)
        d.sendall(b"PROXY TCP4 192.0.2.99 198.51.100.1 50000 21\r\n")
        f.sock.sendall(b"RETR f.bin\r\n")
        self.assertEqual(f.reply()[0], 425)
        self.logged("passive data connection from 192.0.2.99 dropped (not the client)")

    def test_curl_haproxy_protocol(self):
        out = os.path.join(self.tmp.name, "curl.out")
        url = "ftp://alice:pw@127.0.0.1:%d/" % self.srv.port
        r = subprocess.run(["curl", "-sS", "--haproxy-protocol", "--max-time", str(TIMEOUT),
                            "-o", out, url + "f.bin"], capture_output=True, timeout=TIMEOUT * 2)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).digest(),
                             hashlib.sha256(self.payload).digest())
        r = subprocess.run(["curl", "-sS", "--haproxy-protocol", "--max-time", str(TIMEOUT),
                            "-T", out, url + "up.bin"], capture_output=True, timeout=TIMEOUT * 2)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(self.home, "up.bin"), "rb") as f:
            self.assertEqual(f.read(), self.payload)
        self.logged("127.0.0.1:")

    def test_implicit_ftps_clienthello_behind_the_header(self):
        srv = self.serve("--tls-cert", self.cert, "--tls-key", self.key, "--tls-implicit")
        ctx = ssl.create_default_context(cafile=self.cert)
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        tls = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
        with self.assertRaises(ssl.SSLWantReadError):
            tls.do_handshake()
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=TIMEOUT)
        self.addCleanup(s.close)
        # the header and the ClientHello in one segment
        s.sendall(v2("192.0.2.20", 990) + outgoing.read())
        deadline = time.monotonic() + TIMEOUT
        greeting = b""
        while b"\r\n" not in greeting and time.monotonic() < deadline:
            try:
                if not tls.server_side and not greeting:
                    tls.do_handshake()
                greeting += tls.read(4096)
            except ssl.SSLWantReadError:
                pass
            out = outgoing.read()
            if out:
                s.sendall(out)
            if b"\r\n" in greeting:
                break
            chunk = s.recv(65536)
            self.assertTrue(chunk, "the server closed")
            incoming.write(chunk)
        self.assertTrue(greeting.startswith(b"220 "), greeting)
        srv.log.wait_for(lambda l: "address = 192.0.2.20:990" in l)

    def test_proxy_protocol_needs_trusted_senders(self):
        r = subprocess.run([*WRAPPER, SOCKFTPD, "--proxy-protocol"], input=b"",
                           capture_output=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"--proxy-protocol needs --proxy-trusted", r.stderr)
        r = subprocess.run([*WRAPPER, SOCKFTPD, "--proxy-trusted", "10.0.0.0/33"],
                           input=b"", capture_output=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"--proxy-trusted: '10.0.0.0/33' is not a list", r.stderr)


if __name__ == "__main__":
    main()
