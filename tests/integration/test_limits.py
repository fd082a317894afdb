"""Limits a public server needs: failed logins, the time to log in, the
transfer rate, and clients that stop reading."""
import os
import socket
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (TIMEOUT, Ftp, give_to_server, main,  # noqa: E402
                     make_users_file, recv_until_eof, socket_activate)


class Limits(unittest.TestCase):
    def serve(self, *args):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        os.chmod(self.tmp.name, 0o755)
        home = os.path.join(self.tmp.name, "home")
        os.makedirs(home)
        self.data = os.urandom(2 << 20)
        with open(os.path.join(home, "two.bin"), "wb") as f:
            f.write(self.data)
        with open(os.path.join(home, "huge.bin"), "wb") as f:
            f.truncate(256 << 20)  # sparse: no disk used
        give_to_server(home)
        users = os.path.join(self.tmp.name, "users")
        make_users_file(users, [("alice", "pw", home, "rw")])
        self.srv = socket_activate(["127.0.0.1:0"],
                                   args=["--users", users, "--login-delay", "10", *args])
        self.addCleanup(self.srv.stop)
        return self.srv.port

    def test_max_login_failures_closes(self):
        port = self.serve("--max-login-failures", "3")
        f = Ftp("127.0.0.1", port)
        self.addCleanup(f.close)
        for i in range(2):
            f.cmd("USER alice")
            self.assertEqual(f.cmd("PASS wrong")[0], 530)
        f.cmd("USER alice")
        t0 = time.monotonic()
        self.assertEqual(f.cmd("PASS wrong"), (421, "Too many failed logins, closing."))
        self.assertGreaterEqual(time.monotonic() - t0, 0.03)  # growing delay: 3 x 10 ms
        with self.assertRaises(EOFError):
            f.reply()
        self.srv.log.wait_for(lambda l: "(3 of 3)" in l)

    def test_login_timeout(self):
        port = self.serve("--login-timeout", "1")
        f = Ftp("127.0.0.1", port)
        self.addCleanup(f.close)
        self.assertEqual(f.cmd("NOOP")[0], 200)  # activity does not extend it
        self.assertEqual(f.reply(), (421, "Login timeout: closing control connection."))
        with self.assertRaises(EOFError):
            f.reply()

    def test_logged_in_session_is_not_cut_by_the_login_timeout(self):
        port = self.serve("--login-timeout", "1")
        f = Ftp("127.0.0.1", port)
        self.addCleanup(f.close)
        f.login("alice", "pw")
        time.sleep(1.5)
        self.assertEqual(f.cmd("NOOP")[0], 200)

    def test_rate_limit(self):
        port = self.serve("--rate-limit", "1048576")
        f = Ftp("127.0.0.1", port)
        self.addCleanup(f.close)
        f.login("alice", "pw")
        t0 = time.monotonic()
        code, _, data = f.retr("two.bin")
        took = time.monotonic() - t0
        self.assertEqual(code, 226)
        self.assertEqual(data, self.data)
        self.assertGreaterEqual(took, 1.5)  # 2 MiB at 1 MiB/s
        t0 = time.monotonic()
        self.assertEqual(f.stor("up.bin", self.data)[0], 226)
        self.assertGreaterEqual(time.monotonic() - t0, 1.5)

    def test_client_that_stops_reading_replies_is_dropped(self):
        port = self.serve("--idle-timeout", "2")
        s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.addCleanup(s.close)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(0.5)
        t0 = time.monotonic()
        # pile up replies the client never reads, until the server gives up
        try:
            while time.monotonic() - t0 < TIMEOUT:
                s.send(b"NOOP\r\n" * 1000)
        except (socket.timeout, BrokenPipeError, ConnectionResetError):
            pass
        self.srv.log.wait_for(lambda l: "died with code" in l, timeout=TIMEOUT)

    def test_client_that_stops_reading_data_is_dropped(self):
        port = self.serve("--data-timeout", "1")
        f = Ftp("127.0.0.1", port)
        self.addCleanup(f.close)
        f.login("alice", "pw")
        d = f.pasv()
        d.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.assertEqual(f.cmd("RETR huge.bin")[0], 150)
        code, text = f.reply()  # never read the data: the server times out
        self.assertEqual(code, 426)
        d.close()
        self.assertEqual(f.cmd("NOOP")[0], 200)


if __name__ == "__main__":
    main()
