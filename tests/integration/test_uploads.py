"""Uploads respect what they replace, and ASCII resumes are refused
(issue 7): STOR replaces only what the login could write, keeps its mode,
never a directory or a special file; no file is created before a data
connection was asked for; a 425 leaves nothing behind; REST beyond the end
is refused; QUIT cuts an upload short; REST and SIZE in TYPE A are refused."""
import os
import socket
import stat
import sys
import subprocess
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (SERVER_GID, SERVER_UID, TIMEOUT, Ftp,  # noqa: E402
                     give_to_server, main, make_users_file, recv_until_eof,
                     socket_activate)


class Uploads(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        os.chmod(cls.tmp.name, 0o755)
        cls.home = os.path.join(cls.tmp.name, "home")
        os.makedirs(os.path.join(cls.home, "adir"))
        give_to_server(cls.home)
        users = os.path.join(cls.tmp.name, "users")
        make_users_file(users, [("alice", "pw", cls.home, "rw")])
        cls.srv = socket_activate(["127.0.0.1:0"],
                                  args=["--users", users, "--login-delay", "0",
                                        "--data-timeout", "1"])
        cls.port = cls.srv.port

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tmp.cleanup()

    def login(self):
        f = Ftp("127.0.0.1", self.port)
        self.addCleanup(f.close)
        f.login("alice", "pw")
        return f

    def path(self, name):
        return os.path.join(self.home, name)

    def old(self, name, mode=0o644, give=True):
        p = self.path(name)
        with open(p, "wb") as fh:
            fh.write(b"old content")
        if give:
            give_to_server(p)
        os.chmod(p, mode)
        return p

    def content(self, name):
        with open(self.path(name), "rb") as fh:
            return fh.read()

    def no_temporary(self):
        self.assertEqual([n for n in os.listdir(self.home) if "sockftpd-upload" in n], [])

    def test_replacement_keeps_the_mode(self):
        self.old("mode.txt", 0o640)
        f = self.login()
        self.assertEqual(f.stor("mode.txt", b"new")[0], 226)
        self.assertEqual(self.content("mode.txt"), b"new")
        self.assertEqual(stat.S_IMODE(os.stat(self.path("mode.txt")).st_mode), 0o640)

    def test_replacement_drops_set_id_bits(self):
        self.old("suid.bin", 0o4755)
        f = self.login()
        self.assertEqual(f.stor("suid.bin", b"new")[0], 226)
        self.assertEqual(stat.S_IMODE(os.stat(self.path("suid.bin")).st_mode), 0o755)

    def test_no_replacing_what_the_login_cannot_write(self):
        if os.geteuid() != 0:
            self.skipTest("needs root: the file must belong to someone else")
        self.old("roots.txt", 0o644, give=False)  # root's, in alice's directory
        f = self.login()
        code, text = f.stor("roots.txt", b"new")
        self.assertEqual(code, 550, text)
        self.assertEqual(self.content("roots.txt"), b"old content")
        self.assertEqual(os.stat(self.path("roots.txt")).st_uid, 0)
        self.no_temporary()

    def test_owner_kept_where_the_server_may(self):
        if os.geteuid() != 0:
            self.skipTest("needs root")
        p = self.old("owned.txt", 0o664)
        os.chown(p, SERVER_UID, SERVER_GID)
        f = self.login()
        self.assertEqual(f.stor("owned.txt", b"new")[0], 226)
        st = os.stat(p)
        self.assertEqual((st.st_uid, st.st_gid), (SERVER_UID, SERVER_GID))

    def test_no_replacing_directories_links_or_fifos(self):
        os.symlink("adir", self.path("alink"))
        os.mkfifo(self.path("afifo"))
        give_to_server(self.path("afifo"))
        f = self.login()
        for name in ("adir", "alink", "afifo"):
            code, text = f.stor(name, b"x")
            self.assertEqual(code, 550, (name, text))
        self.assertTrue(os.path.isdir(self.path("adir")))
        self.assertTrue(os.path.islink(self.path("alink")))
        self.assertTrue(stat.S_ISFIFO(os.lstat(self.path("afifo")).st_mode))
        self.no_temporary()

    def test_nothing_created_without_a_data_connection(self):
        f = self.login()
        before = sorted(os.listdir(self.home))
        self.assertEqual(f.cmd("STOU")[0], 425)
        self.assertEqual(f.cmd("STOU named")[0], 425)
        self.assertEqual(f.cmd("APPE new-appe.txt")[0], 425)
        self.assertEqual(f.cmd("STOR new-stor.txt")[0], 425)
        self.assertEqual(f.cmd("REST 0")[0], 350)
        self.assertEqual(f.cmd("STOR new-rest.txt")[0], 425)
        self.assertEqual(sorted(os.listdir(self.home)), before)

    def test_failed_data_connection_leaves_nothing(self):
        f = self.login()
        before = sorted(os.listdir(self.home))
        for c in ("STOU", "APPE gone.txt", "STOR gone2.txt"):
            self.assertEqual(f.cmd("EPSV")[0], 229)
            # the client never connects: 425 after the data timeout
            f.sock.sendall(c.encode() + b"\r\n")
            self.assertEqual(f.reply()[0], 425, c)
        self.assertEqual(sorted(os.listdir(self.home)), before)

    def test_rest_beyond_the_end_for_stor(self):
        self.old("short.txt")
        f = self.login()
        d = f.pasv()
        self.addCleanup(d.close)
        self.assertEqual(f.cmd("REST 1000")[0], 350)
        self.assertEqual(f.cmd("STOR short.txt")[0], 554)
        self.assertEqual(f.cmd("REST 5")[0], 350)
        self.assertEqual(f.cmd("STOR missing.txt")[0], 554)
        self.assertFalse(os.path.exists(self.path("missing.txt")))
        self.assertEqual(self.content("short.txt"), b"old content")
        # within the file it writes from the offset on (what lies beyond
        # the upload stays: a region, as vsftpd writes it)
        self.assertEqual(f.cmd("REST 4")[0], 350)
        self.assertEqual(f.stor("short.txt", b"NEW")[0], 226)
        self.assertEqual(self.content("short.txt"), b"old NEWtent")

    def test_cut_uploads_leave_nothing_in_place(self):
        self.old("appended.txt")
        f = self.login()
        for verb, name in (("APPE", "appended.txt"), ("APPE", "new-appe.txt"), ("STOU", "")):
            before = sorted(os.listdir(self.home))
            d = f.pasv()
            code, text = f.cmd(("%s %s" % (verb, name)).strip())
            self.assertEqual(code, 150, text)
            d.sendall(b"x" * 70000)
            f.sock.sendall(b"NOOP\r\nQUIT\r\n")  # cut short: not stored
            self.assertEqual(f.reply()[0], 426)
            self.assertEqual(f.reply()[0], 200)
            self.assertEqual(f.reply()[0], 221)
            d.close()
            f.close()
            self.assertEqual(sorted(os.listdir(self.home)), before, verb)
            f = self.login()
        self.assertEqual(self.content("appended.txt"), b"old content")

    def test_stopped_session_leaves_no_temporary_file(self):
        self.old("stopped.txt")
        f = self.login()
        d = f.pasv()
        self.addCleanup(d.close)
        self.assertEqual(f.cmd("STOR stopped.txt")[0], 150)
        d.sendall(b"y" * 10000)
        self.srv.log.wait_for(lambda l: "STOR stopped.txt" in l)
        deadline = time.monotonic() + 10
        while not [n for n in os.listdir(self.home) if "sockftpd-upload" in n]:
            self.assertLess(time.monotonic(), deadline, "no temporary file appeared")
            time.sleep(0.01)
        pid = self.session_pid()
        # data again just before the signal: on a busy machine the waits
        # above may outlast --data-timeout 1, and a stalled upload ends by
        # itself (426) before any stop
        d.sendall(b"y" * 1000)
        os.kill(pid, 15)  # what systemctl stop sends
        # the session ends; with a monitor, the network process may still
        # say why (421) when it sees its user process go first
        try:
            rest = f.buf + recv_until_eof(f.sock, time.monotonic() + TIMEOUT)
        except ConnectionResetError:
            rest = b""
        for line in rest.split(b"\r\n")[:-1]:
            self.assertTrue(line.startswith(b"4"), rest)
        self.no_temporary()
        self.assertEqual(self.content("stopped.txt"), b"old content")

    def session_pid(self):
        """The sockftpd process of the (only) live session: an earlier
        test's session may still be on its way out (bounded wait)."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            out = subprocess.run(["pgrep", "-P", str(self.srv.proc.pid)], capture_output=True,
                                 text=True, timeout=10).stdout.split()
            if len(out) == 1 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertEqual(len(out), 1, out)
        return int(out[0])

    def test_quit_cuts_an_upload_short(self):
        self.old("quit.txt")
        f = self.login()
        d = f.pasv()
        self.addCleanup(d.close)
        self.assertEqual(f.cmd("STOR quit.txt")[0], 150)
        d.sendall(b"partial")
        f.sock.sendall(b"QUIT\r\n")
        code, text = f.reply()
        self.assertEqual(code, 426, text)
        self.assertIn("QUIT", text)
        self.assertEqual(f.reply()[0], 221)
        self.assertEqual(self.content("quit.txt"), b"old content")
        self.no_temporary()
        self.srv.log.wait_for(lambda l: "STOR /quit.txt: cut short by QUIT" in l)

    def test_ascii_rest_and_size_refused(self):
        self.old("text.txt")
        f = self.login()
        d = f.pasv()
        self.addCleanup(d.close)
        self.assertEqual(f.cmd("TYPE A")[0], 200)
        self.assertEqual(f.cmd("SIZE text.txt")[0], 550)
        self.assertEqual(f.cmd("REST 4")[0], 350)
        self.assertEqual(f.cmd("RETR text.txt")[0], 504)
        self.assertEqual(f.cmd("REST 4")[0], 350)
        self.assertEqual(f.cmd("STOR text.txt")[0], 504)
        self.assertEqual(f.cmd("APPE text.txt")[0], 150)  # no REST: fine
        d.sendall(b"more\r\n")
        d.close()
        self.assertEqual(f.reply()[0], 226)
        self.assertEqual(self.content("text.txt"), b"old contentmore\n")
        self.assertEqual(f.cmd("TYPE I")[0], 200)
        self.assertEqual(f.cmd("SIZE text.txt"), (213, "16"))


if __name__ == "__main__":
    main()
