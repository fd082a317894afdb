"""Timeouts are deadlines: no partial line, Telnet command or dripped byte
moves them (issue 7).  Each test drips for longer than the timeout and
checks the session ends within the timeout plus a margin, not later."""
import os
import socket
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (TIMEOUT, Ftp, give_to_server, main,  # noqa: E402
                     make_users_file, socket_activate)

MARGIN = 4.0  # generous: a loaded machine is slow, but a drip runs for ever


class Drip(threading.Thread):
    """Sends one chunk every interval until stopped or the peer is gone."""

    def __init__(self, sock, chunk, interval):
        super().__init__(daemon=True)
        self.sock, self.chunk, self.interval = sock, chunk, interval
        self.stop = threading.Event()

    def run(self):
        while not self.stop.wait(self.interval):
            try:
                self.sock.sendall(self.chunk)
            except OSError:
                return


class Deadlines(unittest.TestCase):
    def serve(self, *args):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        os.chmod(self.tmp.name, 0o755)
        home = os.path.join(self.tmp.name, "home")
        os.makedirs(home)
        with open(os.path.join(home, "huge.bin"), "wb") as f:
            f.truncate(256 << 20)  # sparse: no disk used
        self.data = os.urandom(1 << 20)
        with open(os.path.join(home, "one.bin"), "wb") as f:
            f.write(self.data)
        give_to_server(home)
        self.home = home
        users = os.path.join(self.tmp.name, "users")
        make_users_file(users, [("alice", "pw", home, "rw")])
        self.srv = socket_activate(["127.0.0.1:0"],
                                   args=["--users", users, "--login-delay", "0", *args])
        self.addCleanup(self.srv.stop)
        return self.srv.port

    def drip(self, sock, chunk, interval=0.2):
        d = Drip(sock, chunk, interval)
        d.start()
        self.addCleanup(d.stop.set)
        return d

    def until_closed(self, f):
        """Replies until the server closes: (codes, seconds it took)."""
        codes = []
        try:
            while True:
                codes.append(f.reply()[0])
        except (EOFError, ConnectionResetError):
            pass
        return codes

    def test_byte_drip_before_login(self):
        port = self.serve("--login-timeout", "2")
        f = Ftp("127.0.0.1", port)
        self.addCleanup(f.close)
        t0 = time.monotonic()
        self.drip(f.sock, b"N")  # NNNN...: never a whole line
        codes = self.until_closed(f)
        took = time.monotonic() - t0
        self.assertEqual(codes, [421])
        self.assertLess(took, 2 + MARGIN)
        self.assertGreaterEqual(took, 1.5)

    def test_commands_before_login_do_not_extend_it(self):
        port = self.serve("--login-timeout", "2")
        f = Ftp("127.0.0.1", port)
        self.addCleanup(f.close)
        t0 = time.monotonic()
        self.drip(f.sock, b"NOOP\r\n", 0.3)
        codes = self.until_closed(f)
        self.assertEqual(codes[-1], 421)
        self.assertTrue(all(c == 200 for c in codes[:-1]), codes)
        self.assertLess(time.monotonic() - t0, 2 + MARGIN)

    def test_telnet_nops_do_not_extend_the_idle_timeout(self):
        port = self.serve("--idle-timeout", "2")
        f = Ftp("127.0.0.1", port)
        self.addCleanup(f.close)
        f.login("alice", "pw")
        t0 = time.monotonic()
        self.drip(f.sock, b"\xff\xf1")  # IAC NOP
        self.assertEqual(self.until_closed(f), [421])
        self.assertLess(time.monotonic() - t0, 2 + MARGIN)

    def test_user_and_rein_start_a_fresh_login_deadline(self):
        port = self.serve("--login-timeout", "2")
        f = Ftp("127.0.0.1", port)
        self.addCleanup(f.close)
        time.sleep(1.2)
        self.assertEqual(f.cmd("USER alice")[0], 331)
        time.sleep(1.2)  # 2.4 s after connecting, 1.2 s after USER
        self.assertEqual(f.cmd("REIN")[0], 220)
        time.sleep(1.2)
        self.assertEqual(f.cmd("NOOP")[0], 200)
        t0 = time.monotonic()
        self.assertEqual(self.until_closed(f), [421])
        self.assertLess(time.monotonic() - t0, 2 + MARGIN)

    def test_repeated_users_do_not_extend_the_login_time(self):
        port = self.serve("--login-timeout", "2", "--max-login-failures", "2")
        f = Ftp("127.0.0.1", port)
        self.addCleanup(f.close)
        t0 = time.monotonic()
        # each USER is accepted and restarts the login deadline, but all of
        # them together get at most login timeout x max login failures
        self.drip(f.sock, b"USER somebody\r\n", 0.5)
        codes = self.until_closed(f)
        self.assertEqual(codes[-1], 421)
        self.assertLess(time.monotonic() - t0, 4 + MARGIN)

    def test_a_client_that_stops_reading_before_login(self):
        port = self.serve("--login-timeout", "2", "--idle-timeout", "60")
        s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.addCleanup(s.close)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        t0 = time.monotonic()
        try:
            while time.monotonic() - t0 < 30:
                s.sendall(b"HELP\r\n" * 200)  # replies it never reads
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass
        self.srv.log.wait_for(lambda l: "died with code" in l, timeout=TIMEOUT)
        self.assertLess(time.monotonic() - t0, 2 + MARGIN + 2)

    def test_telnet_nops_do_not_keep_a_stalled_download_alive(self):
        port = self.serve("--data-timeout", "2")
        f = Ftp("127.0.0.1", port)
        self.addCleanup(f.close)
        f.login("alice", "pw")
        d = f.pasv()
        self.addCleanup(d.close)
        d.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.assertEqual(f.cmd("RETR huge.bin")[0], 150)
        t0 = time.monotonic()
        drip = self.drip(f.sock, b"\xff\xf1")  # the client never reads the data
        code, text = f.reply()
        drip.stop.set()
        self.assertEqual(code, 426, text)
        self.assertIn("stalled", text)
        self.assertLess(time.monotonic() - t0, 2 + MARGIN)
        d.close()
        self.assertEqual(f.cmd("NOOP")[0], 200)

    def test_data_byte_drip_does_not_keep_an_upload_alive(self):
        port = self.serve("--data-timeout", "2")
        f = Ftp("127.0.0.1", port)
        self.addCleanup(f.close)
        f.login("alice", "pw")
        d = f.pasv()
        self.addCleanup(d.close)
        self.assertEqual(f.cmd("STOR drip.bin")[0], 150)
        t0 = time.monotonic()
        self.drip(d, b"x")
        code, text = f.reply()
        self.assertEqual(code, 426, text)
        self.assertLess(time.monotonic() - t0, 2 + MARGIN)
        self.assertFalse(os.path.exists(os.path.join(self.home, "drip.bin")))

    def test_rate_limited_download_sees_abor_within_a_second(self):
        port = self.serve("--rate-limit", "1024")
        f = Ftp("127.0.0.1", port)
        self.addCleanup(f.close)
        f.login("alice", "pw")
        d = f.pasv()
        self.addCleanup(d.close)
        self.assertEqual(f.cmd("RETR one.bin")[0], 150)
        d.recv(1024)  # it runs, at 1 KiB/s
        t0 = time.monotonic()
        f.sock.sendall(b"ABOR\r\n")
        self.assertEqual(f.reply()[0], 426)
        self.assertEqual(f.reply()[0], 226)
        self.assertLess(time.monotonic() - t0, 1.0)

    def test_abor_behind_a_noop(self):
        port = self.serve()
        f = Ftp("127.0.0.1", port)
        self.addCleanup(f.close)
        f.login("alice", "pw")
        d = f.pasv()
        self.addCleanup(d.close)
        d.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.assertEqual(f.cmd("RETR huge.bin")[0], 150)
        d.recv(1024)  # then the client stops reading
        t0 = time.monotonic()
        f.sock.sendall(b"NOOP\r\nABOR\r\n")
        # the transfer's 426, then each line's reply in turn
        self.assertEqual([f.reply()[0] for _ in range(3)], [426, 200, 226])
        self.assertLess(time.monotonic() - t0, 2.0)
        self.assertEqual(f.cmd("NOOP")[0], 200)

    def test_lines_during_a_transfer_answered_in_order(self):
        port = self.serve()
        f = Ftp("127.0.0.1", port)
        self.addCleanup(f.close)
        f.login("alice", "pw")
        d = f.pasv()
        f.sock.sendall(b"RETR one.bin\r\nNOOP\r\nPWD\r\nSYST\r\n")
        self.assertEqual(f.reply()[0], 150)
        got = b""
        while True:
            chunk = d.recv(65536)
            if not chunk:
                break
            got += chunk
        d.close()
        self.assertEqual(got, self.data)
        self.assertEqual([f.reply()[0] for _ in range(4)], [226, 200, 257, 215])


if __name__ == "__main__":
    main()
