"""The transfer log (issue 12): --xferlog FILE gets one wu-ftpd xferlog
line per file transfer, whole and never mixed, also from 200 concurrent
sessions; an aborted transfer is logged incomplete."""
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

SESSIONS = 200


class Xferlog(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        t = cls.tmp.name
        os.chmod(t, 0o755)
        cls.home = os.path.join(t, "home")
        os.makedirs(cls.home)
        with open(os.path.join(cls.home, "a file.txt"), "wb") as f:
            f.write(b"x" * 5000)
        with open(os.path.join(cls.home, "big.bin"), "wb") as f:
            f.truncate(64 << 20)
        give_to_server(cls.home)
        users = os.path.join(t, "users")
        make_users_file(users, [("alice", "pw", cls.home, "rw")])
        cls.log = os.path.join(t, "xferlog")
        cls.srv = socket_activate(["127.0.0.1:0"], args=[
            "--users", users, "--login-delay", "0", "--xferlog", cls.log])

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def lines(self):
        with open(self.log, "rb") as f:
            return f.read().decode().splitlines(keepends=True)

    def test_concurrent_sessions_lines_whole_and_counted(self):
        errors = []
        before = len(self.lines()) if os.path.exists(self.log) else 0

        def one(i):
            try:
                f = Ftp("127.0.0.1", self.srv.port, timeout=5 * TIMEOUT)
                f.login("alice", "pw")
                if f.retr("a file.txt")[0] != 226:
                    errors.append((i, "retr"))
                if f.stor("up-%d.bin" % i, b"y" * (i + 1))[0] != 226:
                    errors.append((i, "stor"))
                f.cmd("QUIT")
                f.close()
            except Exception as e:  # collected below
                errors.append((i, repr(e)))
        threads = [threading.Thread(target=one, args=(i,)) for i in range(SESSIONS)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(max(1, 200 - (time.monotonic() - t0)))
        self.assertEqual(errors, [])
        lines = self.lines()[before:]
        self.assertEqual(len(lines), 2 * SESSIONS)
        uploads = set()
        for line in lines:
            self.assertTrue(line.endswith("\n"))
            f = line.split()
            self.assertEqual(len(f), 18, line)  # the time is five words
            # time (5 words), seconds, host, bytes, file, type, _, direction,
            # access mode, user, service, method, user id, status
            self.assertEqual(f[6], "127.0.0.1")
            self.assertEqual(f[9:11], ["b", "_"])
            self.assertEqual(f[12:], ["r", "alice", "ftp", "0", "*", "c"], line)
            if f[11] == "o":
                self.assertEqual(f[7:9], ["5000", self.home + "/a_file.txt"])
            else:
                self.assertEqual(f[11], "i")
                n = int(f[8].rsplit("-", 1)[1].split(".")[0])
                self.assertEqual(int(f[7]), n + 1)
                uploads.add(n)
        self.assertEqual(uploads, set(range(SESSIONS)))

    def test_aborted_transfer_is_incomplete(self):
        f = Ftp("127.0.0.1", self.srv.port)
        self.addCleanup(f.close)
        f.login("alice", "pw")
        d = f.pasv()
        self.addCleanup(d.close)
        d.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.assertEqual(f.cmd("RETR big.bin")[0], 150)
        d.recv(1024)
        f.sock.sendall(b"ABOR\r\n")
        self.assertEqual(f.reply()[0], 426)
        self.assertEqual(f.reply()[0], 226)
        self.srv.log.wait_for(lambda l: "RETR /big.bin: aborted" in l)
        last = [l for l in self.lines() if "/big.bin" in l][-1].split()
        self.assertEqual(last[-1], "i")
        self.assertLess(int(last[7]), 64 << 20)


if __name__ == "__main__":
    main()
