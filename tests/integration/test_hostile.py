"""Hostile clients over real sockets: in each case the server answers
clearly or closes cleanly, a new connection still works, and nothing
outside the session's root is read or changed."""
import hashlib
import os
import random
import socket
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (TIMEOUT, Ftp, give_to_server, main,  # noqa: E402
                     make_users_file, recv_until_eof, socket_activate)


class Hostile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        t = cls.tmp.name
        os.chmod(t, 0o755)
        cls.outside = os.path.join(t, "outside")
        cls.home = os.path.join(t, "home")
        os.makedirs(cls.outside)
        os.makedirs(os.path.join(cls.home, "d"))
        with open(os.path.join(cls.outside, "secret"), "w") as f:
            f.write("secret\n")
        cls.blob = os.urandom(256 * 1024)
        with open(os.path.join(cls.home, "blob.bin"), "wb") as f:
            f.write(cls.blob)
        os.symlink(cls.outside, os.path.join(cls.home, "out"))
        os.symlink(os.path.join(cls.outside, "secret"), os.path.join(cls.home, "sec"))
        give_to_server(cls.home, cls.outside)
        cls.outside_state = cls.snapshot(cls.outside)
        cls.users = os.path.join(t, "users")
        make_users_file(cls.users, [("alice", "pw", cls.home, "rw")])
        cls.srv = socket_activate(["127.0.0.1:0"],
                                  args=["--users", cls.users, "--login-delay", "0",
                                        "--max-login-failures", "1000"])
        cls.port = cls.srv.port

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    @staticmethod
    def snapshot(root):
        out = {}
        for top, dirs, files in os.walk(root):
            for n in dirs + files:
                p = os.path.join(top, n)
                st = os.lstat(p)
                out[p] = (st.st_mode, st.st_size, st.st_mtime_ns)
        return out

    def tearDown(self):
        # after every attack: a new session works, the outside is untouched
        f = Ftp("127.0.0.1", self.port)
        f.login("alice", "pw")
        self.assertEqual(f.cmd("NOOP")[0], 200)
        f.close()
        self.assertEqual(self.snapshot(self.outside), self.outside_state)

    def raw(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=TIMEOUT)
        self.addCleanup(s.close)
        return s

    def drain(self, s):
        """End our side (the server sees the end of its input and closes),
        then read everything the server said until it closed: no guess at
        how long a busy server may stay quiet."""
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # already reset by the server
        data = b""
        deadline = time.monotonic() + TIMEOUT
        while True:
            s.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                return data
            except socket.timeout:
                raise AssertionError("the server did not close; got %r" % data[-500:])
            if not chunk:
                return data
            data += chunk

    def test_100k_line_without_newline(self):
        s = self.raw()
        s.sendall(b"A" * (100 * 1024))
        data = self.drain(s)
        self.assertIn(b"500 Syntax error, command line too long.\r\n", data)
        self.assertEqual(data.count(b"500 "), 1)

    def test_a_mebibyte_of_random_bytes(self):
        s = self.raw()
        rnd = random.Random(42).randbytes(1 << 20)
        try:
            s.sendall(rnd)
        except (BrokenPipeError, ConnectionResetError):
            pass
        data = self.drain(s)
        self.assertTrue(data.startswith(b"220 "))
        for line in data.split(b"\r\n")[1:]:
            if line:
                self.assertRegex(line, rb"^(\d\d\d[ -]|\xff|[^0-9])")

    def test_telnet_iac_flood(self):
        s = self.raw()
        flood = b"".join(bytes([255, random.choice((251, 252, 253, 254)), o])
                         for o in range(256)) * 40 + b"\xff\xf4\xff\xf2" * 10000
        s.sendall(flood + b"NOOP\r\n")
        data = self.drain(s)
        self.assertIn(b"200 Command okay.\r\n", data)
        self.assertLessEqual(len(data), 2 * 256 * 3 + 200)  # refusals once per option

    def test_nul_and_invalid_utf8_in_paths(self):
        f = Ftp("127.0.0.1", self.port)
        self.addCleanup(f.close)
        f.login("alice", "pw")
        for verb in ("CWD", "RETR", "DELE", "MKD", "RMD", "SIZE", "MDTM", "RNFR", "MLST"):
            f.sock.sendall(b"%s a\0b\r\n" % verb.encode())
            self.assertEqual(f.reply()[0], 501, verb)
        f.sock.sendall(b"MKD bad\xff\xfe\xc3(name\r\n")
        self.assertEqual(f.reply()[0], 257)
        f.sock.sendall(b"RMD bad\xff\xfe\xc3(name\r\n")
        self.assertEqual(f.reply()[0], 250)

    def test_escapes_in_every_path_command(self):
        f = Ftp("127.0.0.1", self.port)
        self.addCleanup(f.close)
        f.login("alice", "pw")
        escapes = ["../outside/secret", "/../../outside/secret", "out/secret", "sec",
                   "d/../../outside/secret", self.outside + "/secret"]
        for p in escapes:
            for c in ("CWD", "SIZE", "MDTM", "MLST", "DELE", "RMD", "RNFR"):
                code, _ = f.cmd("%s %s" % (c, p))
                # sec is a link in the root: DELE/RNFR act on the link itself
                if p == "sec" and c in ("DELE", "RNFR"):
                    continue
                self.assertIn(code, (501, 550), (c, p))
            self.assertEqual(f.cmd("SITE CHMOD 777 " + p)[0], 550, p)
            self.assertEqual(f.cmd("MKD %s/x" % p)[0], 550, p)
            for verb in ("RETR", "LIST", "NLST", "MLSD"):
                d = f.pasv()
                code, _ = f.cmd("%s %s" % (verb, p))
                d.close()
                if code == 150:
                    self.assertNotEqual(verb, "RETR")
                    f.reply()
                else:
                    self.assertIn(code, (501, 550), (verb, p))
            for verb in ("STOR", "APPE"):
                d = f.pasv()
                code, _ = f.cmd("%s %s/new" % (verb, p))
                if code == 150:
                    d.sendall(b"x")
                    d.close()
                    f.reply()
                else:
                    d.close()
        self.assertEqual(f.cmd("RNFR blob.bin")[0], 350)
        self.assertIn(f.cmd("RNTO out/stolen")[0], (550, 553))

    def test_bounce_attempts(self):
        f = Ftp("127.0.0.1", self.port)
        self.addCleanup(f.close)
        f.login("alice", "pw")
        for c in ("PORT 127,0,0,2,4,1", "PORT 127,0,0,1,0,25", "PORT 10,0,0,1,4,1",
                  "EPRT |1|127.0.0.3|2000|", "EPRT |2|::1|2000|", "EPRT |1|127.0.0.1|80|"):
            self.assertEqual(f.cmd(c)[0], 504, c)

    def test_client_killed_mid_transfer(self):
        f = Ftp("127.0.0.1", self.port)
        f.login("alice", "pw")
        d = f.pasv()
        f.cmd("RETR blob.bin")
        d.recv(1000)
        d.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
        f.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
        d.close()
        f.close()

    def test_200_concurrent_sessions(self):
        # 200 processes at once take their time on a busy machine (more so
        # under ASan): each wait gets 5 x TIMEOUT, all of them together 200 s
        errors = []

        def one(i):
            try:
                f = Ftp("127.0.0.1", self.port, timeout=5 * TIMEOUT)
                f.login("alice", "pw")
                code, _, data = f.retr("blob.bin")
                if code != 226 or hashlib.sha256(data).digest() != \
                        hashlib.sha256(self.blob).digest():
                    errors.append((i, code, len(data or b"")))
                f.cmd("QUIT")
                f.close()
            except Exception as e:  # collected and reported below
                errors.append((i, repr(e)))
        threads = [threading.Thread(target=one, args=(i,)) for i in range(200)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(max(1, 200 - (time.monotonic() - t0)))
        self.assertFalse(any(t.is_alive() for t in threads), "sessions hung")
        self.assertEqual(errors, [])


if __name__ == "__main__":
    main()
