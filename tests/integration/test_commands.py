"""Every command's normal and error replies, confinement, bounce protection,
the passive source check, atomic uploads, ABOR and timeouts, against the
real binary through systemd-socket-activate."""
import hashlib
import os
import re
import shutil
import socket
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (SOCKFTPD, TIMEOUT, Ftp, Server,  # noqa: E402
                     give_to_server, main, make_users_file, recv_until_eof,
                     reserve_ports, socket_activate, with_reserved_port)


class Tree:
    """outside/secret, anon/ (pub/hello.txt, escaping symlinks), home/ (rw)."""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory()
        t = self.tmp.name
        os.chmod(t, 0o755)
        self.outside = os.path.join(t, "outside")
        self.anon = os.path.join(t, "anon")
        self.home = os.path.join(t, "home")
        self.rohome = os.path.join(t, "rohome")
        for d in (self.outside, self.anon, self.home, self.rohome,
                  os.path.join(self.anon, "pub"), os.path.join(self.home, "sub")):
            os.makedirs(d)
        with open(os.path.join(self.outside, "secret"), "w") as f:
            f.write("top secret\n")
        with open(os.path.join(self.anon, "pub", "hello.txt"), "w") as f:
            f.write("hello\nworld\n")
        with open(os.path.join(self.rohome, "ro.txt"), "w") as f:
            f.write("read only\n")
        self.big = os.urandom(3 * 1024 * 1024 + 17)
        with open(os.path.join(self.home, "big.bin"), "wb") as f:
            f.write(self.big)
        for root in (self.anon, self.home):
            os.symlink(os.path.join(self.outside, "secret"), os.path.join(root, "abs-link"))
            os.symlink("../outside/secret", os.path.join(root, "rel-link"))
            os.symlink(self.outside, os.path.join(root, "dir-link"))
        self.users = os.path.join(t, "users")
        make_users_file(self.users, [("alice", "secret-a", self.home, "rw"),
                                     ("robin", "secret-r", self.rohome, "ro")])
        give_to_server(self.outside, self.anon, self.home, self.rohome)

    def cleanup(self):
        self.tmp.cleanup()


class Base(unittest.TestCase):
    extra_args = []

    @classmethod
    def setUpClass(cls):
        cls.tree = Tree()
        cls.srv = socket_activate(["127.0.0.1:0"], args=[
            "--anonymous", cls.tree.anon, "--users", cls.tree.users, "--login-delay", "50",
            *cls.extra_args])
        cls.port = cls.srv.port

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop()
        cls.tree.cleanup()

    def connect(self, user=None, password=None):
        f = Ftp("127.0.0.1", self.port)
        self.addCleanup(f.close)
        self.assertEqual(f.greeting[0], 220)
        if user:
            f.login(user, password)
        return f

    def outside_untouched(self):
        self.assertEqual(os.listdir(self.tree.outside), ["secret"])
        with open(os.path.join(self.tree.outside, "secret")) as f:
            self.assertEqual(f.read(), "top secret\n")


class Login(Base):
    def test_before_login(self):
        f = self.connect()
        for c in ("PWD", "LIST", "RETR x", "STOR x", "CWD /", "MKD x", "PASV", "SIZE x"):
            self.assertEqual(f.cmd(c)[0], 530, c)
        self.assertEqual(f.cmd("PASS x")[0], 503)
        self.assertEqual(f.cmd("SYST"), (215, "UNIX Type: L8"))
        self.assertEqual(f.cmd("FEAT")[0], 211)

    def test_anonymous(self):
        f = self.connect()
        self.assertEqual(f.cmd("USER anonymous")[0], 331)
        self.assertEqual(f.cmd("PASS me@example.org")[0], 230)
        self.assertEqual(f.cmd("PWD"), (257, '"/" is the current directory.'))

    def test_ftp_user_any_case(self):
        f = self.connect()
        self.assertEqual(f.cmd("USER FTP")[0], 331)
        self.assertEqual(f.cmd("PASS")[0], 230)

    def test_wrong_password_and_unknown_user_look_alike(self):
        f = self.connect()
        self.assertEqual(f.cmd("USER alice"), (331, "Please specify the password."))
        t0 = time.monotonic()
        self.assertEqual(f.cmd("PASS wrong"), (530, "Login incorrect."))
        self.assertGreaterEqual(time.monotonic() - t0, 0.05)
        self.assertEqual(f.cmd("USER nosuchuser"), (331, "Please specify the password."))
        self.assertEqual(f.cmd("PASS wrong"), (530, "Login incorrect."))
        self.assertEqual(f.cmd("PWD")[0], 530)
        f.login("alice", "secret-a")
        self.assertEqual(f.cmd("PWD")[0], 257)
        self.srv.log.wait_for(lambda l: "failed login for nosuchuser" in l)

    def test_rein_logs_out(self):
        f = self.connect("alice", "secret-a")
        self.assertEqual(f.cmd("REIN")[0], 220)
        self.assertEqual(f.cmd("PWD")[0], 530)
        self.assertEqual(f.cmd("ACCT x")[0], 202)


class Files(Base):
    def test_navigation(self):
        f = self.connect("alice", "secret-a")
        self.assertEqual(f.cmd("CWD sub")[0], 250)
        self.assertEqual(f.cmd("PWD")[1], '"/sub" is the current directory.')
        self.assertEqual(f.cmd("XPWD")[0], 257)
        self.assertEqual(f.cmd("CDUP")[0], 250)
        self.assertEqual(f.cmd("PWD")[1], '"/" is the current directory.')
        self.assertEqual(f.cmd("XCWD /sub")[0], 250)
        self.assertEqual(f.cmd("XCUP")[0], 250)
        self.assertEqual(f.cmd("CWD nothere")[0], 550)
        self.assertEqual(f.cmd("CWD big.bin")[0], 550)
        self.assertEqual(f.cmd("CWD")[0], 501)

    def test_mkd_rmd_dele_rename(self):
        f = self.connect("alice", "secret-a")
        self.assertEqual(f.cmd('MKD new "dir"'), (257, '"/new ""dir""" created.'))
        self.assertEqual(f.cmd('MKD new "dir"')[0], 550)
        self.assertEqual(f.cmd("XMKD x2")[0], 257)
        self.assertEqual(f.cmd("XRMD x2")[0], 250)
        self.assertEqual(f.stor("new \"dir\"/f.txt", b"abc")[0], 226)
        self.assertEqual(f.cmd('RMD new "dir"')[0], 550)  # not empty
        self.assertEqual(f.cmd("RNTO x")[0], 503)
        self.assertEqual(f.cmd('RNFR new "dir"/f.txt')[0], 350)
        self.assertEqual(f.cmd("RNTO g.txt")[0], 250)
        self.assertTrue(os.path.exists(os.path.join(self.tree.home, "g.txt")))
        self.assertEqual(f.cmd("RNFR nothere")[0], 550)
        self.assertEqual(f.cmd("RNFR g.txt")[0], 350)
        self.assertEqual(f.cmd("NOOP")[0], 200)   # NOOP keeps the pending RNFR
        self.assertEqual(f.cmd("RNTO h.txt")[0], 250)
        self.assertEqual(f.cmd("RNFR h.txt")[0], 350)
        self.assertEqual(f.cmd("PWD")[0], 257)    # anything else cancels it
        self.assertEqual(f.cmd("RNTO i.txt")[0], 503)
        self.assertEqual(f.cmd("DELE h.txt")[0], 250)
        self.assertEqual(f.cmd("DELE h.txt")[0], 550)
        self.assertEqual(f.cmd("DELE sub")[0], 550)
        self.assertEqual(f.cmd('RMD new "dir"')[0], 250)  # empty now
        self.assertEqual(f.cmd('DELE new "dir"/f.txt')[0], 550)

    def test_size_mdtm(self):
        f = self.connect("alice", "secret-a")
        self.assertEqual(f.cmd("SIZE big.bin"), (213, str(len(self.tree.big))))
        code, text = f.cmd("MDTM big.bin")
        self.assertEqual(code, 213)
        st = os.stat(os.path.join(self.tree.home, "big.bin"))
        self.assertEqual(text, time.strftime("%Y%m%d%H%M%S", time.gmtime(st.st_mtime)))
        self.assertEqual(f.cmd("SIZE sub")[0], 550)
        self.assertEqual(f.cmd("SIZE nothere")[0], 550)
        self.assertEqual(f.cmd("MDTM")[0], 501)

    def test_type_mode_stru_allo(self):
        f = self.connect("alice", "secret-a")
        for arg, code in (("A", 200), ("I", 200), ("L 8", 200), ("a", 200), ("E", 504),
                          ("A T", 504), ("X", 501)):
            self.assertEqual(f.cmd("TYPE " + arg)[0], code, arg)
        for arg, code in (("S", 200), ("B", 504), ("C", 504), ("Q", 501)):
            self.assertEqual(f.cmd("MODE " + arg)[0], code, arg)
        for arg, code in (("F", 200), ("R", 504), ("P", 504), ("Q", 501)):
            self.assertEqual(f.cmd("STRU " + arg)[0], code, arg)
        self.assertEqual(f.cmd("ALLO 100")[0], 202)

    def test_retr_rest_and_ascii(self):
        f = self.connect("alice", "secret-a")
        code, _, data = f.retr("big.bin")
        self.assertEqual(code, 226)
        self.assertEqual(hashlib.sha256(data).digest(), hashlib.sha256(self.tree.big).digest())
        self.assertEqual(f.cmd("REST 1000000")[0], 350)
        code, _, data = f.retr("big.bin")
        self.assertEqual(data, self.tree.big[1000000:])
        self.assertEqual(f.cmd("REST 99999999")[0], 350)
        self.assertEqual(f.retr("big.bin")[0], 554)
        self.assertEqual(f.cmd("REST x")[0], 501)
        self.assertEqual(f.stor("lines.txt", b"a\r\nb\r\nc")[0], 226)
        self.assertEqual(f.cmd("TYPE A")[0], 200)
        self.assertEqual(f.stor("ascii.txt", b"one\r\ntwo\r\n")[0], 226)
        with open(os.path.join(self.tree.home, "ascii.txt"), "rb") as fh:
            self.assertEqual(fh.read(), b"one\ntwo\n")
        self.assertEqual(f.retr("ascii.txt")[2], b"one\r\ntwo\r\n")
        self.assertEqual(f.retr("nothere")[0], 550)
        self.assertEqual(f.retr("sub")[0], 550)

    def test_stor_appe_stou_and_rest_stor(self):
        f = self.connect("alice", "secret-a")
        self.assertEqual(f.stor("s.txt", b"0123456789")[0], 226)
        self.assertEqual(f.stor("s.txt", b"abc", verb="APPE")[0], 226)
        with open(os.path.join(self.tree.home, "s.txt"), "rb") as fh:
            self.assertEqual(fh.read(), b"0123456789abc")
        self.assertEqual(f.cmd("REST 5")[0], 350)
        self.assertEqual(f.stor("s.txt", b"XY")[0], 226)
        with open(os.path.join(self.tree.home, "s.txt"), "rb") as fh:
            self.assertEqual(fh.read(), b"01234XY789abc")
        d = f.pasv()
        code, text = f.cmd("STOU s.txt")
        self.assertEqual(code, 150)
        self.assertIn("FILE: /s.txt.1", text)
        d.sendall(b"unique")
        d.close()
        self.assertEqual(f.reply()[0], 226)
        with open(os.path.join(self.tree.home, "s.txt.1"), "rb") as fh:
            self.assertEqual(fh.read(), b"unique")
        self.assertEqual(f.stor("sub", b"x")[0], 550)
        self.assertEqual(f.stor("nodir/x", b"x")[0], 550)

    def test_fifo_never_blocks_the_session(self):
        fifo = os.path.join(self.tree.home, "fifo")
        os.mkfifo(fifo)
        give_to_server(fifo)
        f = self.connect("alice", "secret-a")
        d = f.pasv()
        self.assertEqual(f.cmd("APPE fifo")[0], 550)
        self.assertEqual(f.cmd("REST 1")[0], 350)
        self.assertEqual(f.cmd("STOR fifo")[0], 550)
        self.assertEqual(f.cmd("RETR fifo")[0], 550)
        d.close()
        self.assertEqual(f.cmd("NOOP")[0], 200)

    def test_listings(self):
        f = self.connect("alice", "secret-a")
        code, _, data = f.listing("LIST")
        self.assertEqual(code, 226)
        names = [l.split(None, 8)[8] for l in data.decode().split("\r\n") if l]
        self.assertIn("big.bin", names)
        self.assertIn("sub", names)
        self.assertTrue(any(n.startswith("abs-link -> ") for n in names))
        self.assertTrue(data.endswith(b"\r\n"))
        self.assertEqual(f.listing("LIST", "-la sub")[0], 226)
        code, _, data = f.listing("LIST", "big.bin")
        self.assertTrue(data.decode().rstrip().endswith(" big.bin"))
        code, _, data = f.listing("NLST")
        self.assertIn(b"big.bin\r\n", data)
        code, _, data = f.listing("NLST", "*.bin")
        self.assertEqual(data, b"big.bin\r\n")
        code, _, data = f.listing("MLSD")
        lines = data.decode().split("\r\n")
        self.assertTrue(lines[0].startswith("type=cdir;"))
        self.assertTrue(lines[1].startswith("type=pdir;"))
        big = [l for l in lines if l.endswith(" big.bin")][0]
        self.assertIn("size=%d;" % len(self.tree.big), big)
        self.assertIn("perm=adfrw;", big)
        self.assertEqual(f.listing("MLSD", "big.bin")[0], 501)
        self.assertEqual(f.listing("LIST", "nothere")[0], 550)
        code, text = f.cmd("MLST big.bin")
        self.assertEqual(code, 250)
        self.assertIn(" type=file;size=%d;" % len(self.tree.big), text)
        self.assertTrue(text.split("\n")[1].endswith(" /big.bin"))
        code, text = f.cmd("OPTS MLST size;type;")
        self.assertEqual((code, text), (200, "MLST OPTS size;type;"))
        code, text = f.cmd("MLST big.bin")
        self.assertEqual(text.split("\n")[1], " type=file;size=%d; /big.bin" % len(self.tree.big))
        self.assertIn("MLST type*;size*;modify;perm;unix.mode;", f.cmd("FEAT")[1])

    def test_stat_help_site_opts(self):
        f = self.connect("alice", "secret-a")
        code, text = f.cmd("STAT")
        self.assertEqual(code, 211)
        self.assertIn("Logged in as alice", text)
        code, text = f.cmd("STAT /")
        self.assertEqual(code, 213)
        self.assertIn(" big.bin", text)
        self.assertEqual(f.cmd("STAT nothere")[0], 550)
        self.assertEqual(f.cmd("HELP")[0], 214)
        self.assertEqual(f.cmd("HELP retr")[0], 214)
        self.assertEqual(f.cmd("OPTS UTF8 ON")[0], 200)
        self.assertEqual(f.cmd("OPTS FOO")[0], 501)
        self.assertEqual(f.cmd("SITE HELP")[0], 214)
        self.assertEqual(f.stor("m.txt", b"x")[0], 226)
        self.assertEqual(f.cmd("SITE CHMOD 600 m.txt")[0], 200)
        self.assertEqual(os.stat(os.path.join(self.tree.home, "m.txt")).st_mode & 0o7777, 0o600)
        self.assertEqual(f.cmd("SITE CHMOD 4755 m.txt")[0], 501)
        self.assertEqual(f.cmd("SITE CHMOD 9 m.txt")[0], 501)
        self.assertEqual(f.cmd("SITE CHMOD 644 abs-link")[0], 550)
        self.assertEqual(f.cmd("SITE FROB")[0], 500)

    def test_utf8_names(self):
        f = self.connect("alice", "secret-a")
        name = "caf\u00e9 \u65e5\u672c.txt"
        self.assertEqual(f.stor(name, b"utf8")[0], 226)
        self.assertTrue(os.path.exists(os.path.join(self.tree.home, name)))
        code, _, data = f.listing("NLST")
        self.assertIn(name.encode() + b"\r\n", data)


class ReadOnly(Base):
    def test_anonymous_and_ro_cannot_write(self):
        for user, pw, root in (("anonymous", "x", self.tree.anon),
                               ("robin", "secret-r", self.tree.rohome)):
            before = sorted(os.listdir(root))
            f = self.connect(user, pw)
            for c in ("MKD x", "RMD pub", "DELE ro.txt", "RNFR ro.txt", "SITE CHMOD 777 ro.txt",
                      "DELE pub/hello.txt"):
                self.assertEqual(f.cmd(c)[0], 550, (user, c))
            d = f.pasv()
            for verb in ("STOR", "APPE", "STOU"):
                self.assertEqual(f.cmd(verb + " new.txt")[0], 550, (user, verb))
            d.close()
            self.assertEqual(sorted(os.listdir(root)), before)
            code, _, data = f.retr("ro.txt" if user == "robin" else "pub/hello.txt")
            self.assertEqual(code, 226)
            code, _, data = f.listing("MLSD")
            self.assertNotIn(b"perm=a", data)
            self.assertNotIn(b"w;", data)


class Confinement(Base):
    def test_paths_cannot_leave_the_root(self):
        f = self.connect("alice", "secret-a")
        for c in ("CWD ..", "CWD ../..", "CWD /../../..", "CWD ../outside"):
            code, _ = f.cmd(c)
            self.assertIn(code, (250, 550), c)
            self.assertEqual(f.cmd("PWD")[1], '"/" is the current directory.', c)
        for p in ("../outside/secret", "/../outside/secret", "abs-link", "rel-link",
                  "dir-link/secret", "sub/../../outside/secret",
                  self.tree.outside + "/secret"):
            self.assertEqual(f.retr(p)[0], 550, p)
            self.assertEqual(f.cmd("SIZE " + p)[0], 550, p)
            self.assertEqual(f.cmd("MDTM " + p)[0], 550, p)
            self.assertEqual(f.cmd("MLST " + p)[0], 550, p)
            self.assertEqual(f.listing("LIST", p)[0], 550, p)
            self.assertEqual(f.listing("NLST", p)[0], 550, p)
        self.assertEqual(f.cmd("CWD dir-link")[0], 550)
        # writes through links and dots land inside the root or fail
        self.assertEqual(f.stor("dir-link/new", b"x")[0], 550)
        self.assertEqual(f.stor("../outside/new", b"x")[0], 550)  # /outside: not in the root
        self.assertEqual(f.cmd("MKD /outside")[0], 257)
        self.assertEqual(f.stor("../outside/new", b"x")[0], 226)  # = /outside/new in the root
        self.assertTrue(os.path.exists(os.path.join(self.tree.home, "outside", "new")))
        self.assertEqual(f.cmd("MKD dir-link/x")[0], 550)
        self.assertEqual(f.cmd("DELE abs-link")[0], 250)  # removes the link itself
        self.assertEqual(f.cmd("RNFR rel-link")[0], 350)
        self.assertEqual(f.cmd("RNTO ../../moved-link")[0], 250)
        self.assertTrue(os.path.islink(os.path.join(self.tree.home, "moved-link")))
        # a symbolic link is not a regular file: STOR does not replace it
        self.assertEqual(f.stor("moved-link", b"replaced")[0], 550)
        self.assertTrue(os.path.islink(os.path.join(self.tree.home, "moved-link")))
        self.outside_untouched()

    def test_nul_bytes(self):
        f = self.connect("alice", "secret-a")
        f.sock.sendall(b"RETR big\0.bin\r\n")
        self.assertEqual(f.reply()[0], 501)
        f.sock.sendall(b"CWD \0\r\n")
        self.assertEqual(f.reply()[0], 501)
        self.assertEqual(f.cmd("MKD " + "x" * 5000)[0], 553)
        self.assertEqual(f.cmd("NOOP")[0], 200)


class DataConnections(Base):
    def test_bounce_protection(self):
        f = self.connect("alice", "secret-a")
        self.assertEqual(f.cmd("PORT 127,0,0,2,200,10")[0], 504)
        self.assertEqual(f.cmd("PORT 127,0,0,1,0,21")[0], 504)
        self.assertEqual(f.cmd("EPRT |1|127.0.0.2|5000|")[0], 504)
        self.assertEqual(f.cmd("EPRT |1|127.0.0.1|21|")[0], 504)
        self.assertEqual(f.cmd("EPRT |2|::1|5000|")[0], 504)
        self.assertEqual(f.cmd("EPRT |3|x|5000|")[0], 522)
        self.assertEqual(f.cmd("PORT 1,2,3")[0], 501)
        self.assertEqual(f.cmd("EPRT junk")[0], 501)
        self.srv.log.wait_for(lambda l: "bounce protection" in l)
        # nothing was connected: RETR has no data connection to use
        self.assertEqual(f.cmd("RETR big.bin")[0], 425)

    def test_active_mode(self):
        f = self.connect("alice", "secret-a")
        ls = socket.socket()
        ls.bind(("127.0.0.1", 0))
        ls.listen(1)
        ls.settimeout(TIMEOUT)
        p = ls.getsockname()[1]
        self.assertEqual(f.cmd("PORT 127,0,0,1,%d,%d" % (p >> 8, p & 255))[0], 200)
        self.assertEqual(f.cmd("RETR big.bin")[0], 150)
        d, _ = ls.accept()
        data = recv_until_eof(d, time.monotonic() + TIMEOUT)
        d.close()
        self.assertEqual(f.reply()[0], 226)
        self.assertEqual(data, self.tree.big)
        self.assertEqual(f.cmd("EPRT |1|127.0.0.1|%d|" % p)[0], 200)
        self.assertEqual(f.cmd("LIST")[0], 150)
        d, _ = ls.accept()
        recv_until_eof(d, time.monotonic() + TIMEOUT)
        d.close()
        self.assertEqual(f.reply()[0], 226)
        ls.close()

    def test_pasv_reply(self):
        f = self.connect("alice", "secret-a")
        code, text = f.cmd("PASV")
        self.assertEqual(code, 227)
        self.assertRegex(text, r"^Entering Passive Mode \(127,0,0,1,\d+,\d+\)\.$")
        self.assertEqual(f.cmd("EPSV 2")[0], 522)
        self.assertEqual(f.cmd("EPSV 1")[0], 229)
        self.assertEqual(f.cmd("EPSV ALL")[0], 200)
        self.assertEqual(f.cmd("PASV")[0], 503)
        self.assertEqual(f.cmd("PORT 127,0,0,1,4,1")[0], 503)
        self.assertEqual(f.retr("big.bin")[0], 226)

    def test_passive_connection_from_another_address_is_dropped(self):
        f = self.connect("alice", "secret-a")
        code, text = f.cmd("EPSV")
        port = int(text.split("|")[3])
        thief = socket.socket()
        thief.settimeout(TIMEOUT)
        thief.bind(("127.0.0.2", 0))
        thief.connect(("127.0.0.1", port))
        f.sock.sendall(b"RETR big.bin\r\n")
        # the thief gets nothing but a closed connection
        self.assertEqual(recv_until_eof(thief, time.monotonic() + TIMEOUT), b"")
        thief.close()
        d = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.assertEqual(f.reply()[0], 150)
        data = recv_until_eof(d, time.monotonic() + TIMEOUT)
        d.close()
        self.assertEqual(f.reply()[0], 226)
        self.assertEqual(data, self.tree.big)
        self.srv.log.wait_for(lambda l: "from 127.0.0.2 dropped" in l)

    def test_a_failed_retr_leaves_the_data_connection(self):
        """The client's passive connection, taken while the file is opened
        (data_accept_early), outlives a RETR that fails: it serves the next
        transfer; a new EPSV ends it."""
        f = self.connect("alice", "secret-a")
        d = f.pasv()
        self.assertEqual(f.cmd("RETR no-such-file")[0], 550)
        self.assertEqual(f.cmd("RETR big.bin")[0], 150)
        self.assertEqual(recv_until_eof(d, time.monotonic() + TIMEOUT), self.tree.big)
        d.close()
        self.assertEqual(f.reply()[0], 226)
        d = f.pasv()
        self.assertEqual(f.cmd("RETR no-such-file")[0], 550)
        d2 = f.pasv()
        try:
            self.assertEqual(d.recv(10), b"")
        except ConnectionResetError:
            pass
        d.close()
        d2.close()

    def test_abor_during_transfer(self):
        big = os.path.join(self.tree.home, "huge.bin")
        with open(big, "wb") as fh:
            fh.truncate(512 * 1024 * 1024)  # sparse: no disk used
        give_to_server(big)
        try:
            f = self.connect("alice", "secret-a")
            d = f.pasv()
            self.assertEqual(f.cmd("RETR huge.bin")[0], 150)
            d.recv(65536)  # the transfer runs; the client stops reading
            f.sock.sendall(b"\xff\xf4\xff\xf2ABOR\r\n")
            self.assertEqual(f.reply()[0], 426)
            self.assertEqual(f.reply()[0], 226)
            d.close()
            self.assertEqual(f.cmd("NOOP")[0], 200)
            self.assertEqual(f.cmd("ABOR")[0], 225)
            self.assertEqual(f.retr("big.bin")[0], 226)
        finally:
            os.unlink(big)

    def test_command_during_transfer_waits(self):
        f = self.connect("alice", "secret-a")
        d = f.pasv()
        f.sock.sendall(b"RETR big.bin\r\nNOOP\r\n")
        self.assertEqual(f.reply()[0], 150)
        data = recv_until_eof(d, time.monotonic() + TIMEOUT)
        d.close()
        self.assertEqual(data, self.tree.big)
        self.assertEqual(f.reply()[0], 226)
        self.assertEqual(f.reply()[0], 200)


class AtomicUpload(Base):
    def old_file(self, name):
        path = os.path.join(self.tree.home, name)
        with open(path, "wb") as fh:
            fh.write(b"old content")
        give_to_server(path)
        return path

    def assert_old_file_kept(self, path):
        with open(path, "rb") as fh:
            self.assertEqual(fh.read(), b"old content")
        self.assertEqual([n for n in os.listdir(self.tree.home) if "sockftpd-upload" in n], [])

    def test_killed_client_leaves_old_file(self):
        path = self.old_file("keep.bin")
        f = self.connect("alice", "secret-a")
        d = f.pasv()
        self.assertEqual(f.cmd("STOR keep.bin")[0], 150)
        d.sendall(os.urandom(1 << 20))
        # the client dies: its control connection closes first (lower fd),
        # then the data connection
        f.sock.close()
        d.close()
        self.srv.log.wait_for(lambda l: "STOR /keep.bin: control connection closed" in l)
        self.assert_old_file_kept(path)

    def test_reset_data_connection_leaves_old_file(self):
        path = self.old_file("keep2.bin")
        f = self.connect("alice", "secret-a")
        d = f.pasv()
        self.assertEqual(f.cmd("STOR keep2.bin")[0], 150)
        d.sendall(os.urandom(1 << 16))
        d.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        d.close()  # RST
        self.assertEqual(f.reply()[0], 426)
        self.assert_old_file_kept(path)
        self.assertEqual(f.cmd("NOOP")[0], 200)

    def test_whole_upload_replaces(self):
        path = self.old_file("keep3.bin")
        f = self.connect("alice", "secret-a")
        self.assertEqual(f.stor("keep3.bin", b"new content")[0], 226)
        with open(path, "rb") as fh:
            self.assertEqual(fh.read(), b"new content")


class DiskFull(unittest.TestCase):
    """STOR onto a full file system: 452, and no temporary file is left.
    The server runs in a private mount namespace with a 1 MiB tmpfs as the
    user's home (root only)."""

    def test_disk_full(self):
        if os.geteuid() != 0 or not shutil.which("unshare"):
            self.skipTest("needs root and unshare to mount a small tmpfs")
        with tempfile.TemporaryDirectory() as t:
            os.chmod(t, 0o755)
            home = os.path.join(t, "home")
            os.makedirs(home)
            users = os.path.join(t, "users")
            make_users_file(users, [("alice", "pw", home, "rw")])
            listen = with_reserved_port("127.0.0.1:0")
            script = ('mount -t tmpfs -o size=1m,uid=65534,gid=65534 tmpfs "$0" && '
                      'printf old > "$0/f.bin" && chown 65534:65534 "$0/f.bin" && '
                      'exec systemd-socket-activate -a -l $1 -- "$2" --users "$3" '
                      '--login-delay 0')
            srv = Server(["unshare", "-m", "--propagation", "private", "sh", "-c", script,
                          home, listen, SOCKFTPD, users], ["Listening on " + listen])
            try:
                f = Ftp("127.0.0.1", srv.port)
                f.login("alice", "pw")
                self.assertEqual(f.stor("f.bin", os.urandom(2 << 20))[0], 452)
                code, _, data = f.listing("NLST")
                self.assertEqual(data, b"f.bin\r\n")   # no temporary file left
                self.assertEqual(f.retr("f.bin")[2], b"old")
                self.assertEqual(f.stor("small.bin", b"fits")[0], 226)
                f.close()
            finally:
                srv.stop()


class Timeouts(Base):
    extra_args = ["--idle-timeout", "1", "--data-timeout", "1"]

    def test_idle_timeout(self):
        f = self.connect()
        self.assertEqual(f.reply(), (421, "Timeout: closing control connection."))
        with self.assertRaises(EOFError):
            f.reply()

    def test_data_timeout(self):
        f = self.connect("alice", "secret-a")
        self.assertEqual(f.cmd("EPSV")[0], 229)
        self.assertEqual(f.cmd("RETR big.bin")[0], 425)
        self.assertEqual(f.cmd("NOOP")[0], 200)


class PassiveOptions(Base):
    @classmethod
    def setUpClass(cls):
        # three ports the harness holds, so that nothing else takes them
        lo, hi = reserve_ports(3)
        cls.pasv_ports = range(lo, hi + 1)
        cls.extra_args = ["--pasv-ports", "%d-%d" % (lo, hi), "--pasv-address", "192.0.2.7"]
        super().setUpClass()

    def test_pasv_address_and_ports(self):
        f = self.connect("alice", "secret-a")
        for _ in range(5):
            code, text = f.cmd("PASV")
            self.assertEqual(code, 227)
            m = re.search(r"\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)", text)
            self.assertEqual(m.group(1, 2, 3, 4), ("192", "0", "2", "7"))
            self.assertIn(int(m.group(5)) * 256 + int(m.group(6)), self.pasv_ports)
            code, text = f.cmd("EPSV")
            self.assertIn(int(text.split("|")[3]), self.pasv_ports)
        self.assertEqual(f.retr("big.bin")[0], 226)  # EPSV uses the real address


class NoLogins(unittest.TestCase):
    def test_every_user_gets_530(self):
        srv = socket_activate(["127.0.0.1:0"])
        try:
            f = Ftp("127.0.0.1", srv.port)
            self.assertEqual(f.cmd("USER anonymous")[0], 530)
            self.assertEqual(f.cmd("USER alice")[0], 530)
            self.assertEqual(f.cmd("PASS x")[0], 503)
            self.assertEqual(f.cmd("NOOP")[0], 200)
            f.close()
        finally:
            srv.stop()


class UsersFileProblems(unittest.TestCase):
    def test_reported_with_file_and_line(self):
        with tempfile.TemporaryDirectory() as t:
            os.chmod(t, 0o755)
            users = os.path.join(t, "users")
            make_users_file(users, [("ghost", "pw", os.path.join(t, "missing"), "rw")])
            with open(users, "a") as fh:
                fh.write("broken line\n")
            srv = socket_activate(["127.0.0.1:0"],
                                  args=["--users", users, "--login-delay", "0"])
            try:
                f = Ftp("127.0.0.1", srv.port)
                self.assertEqual(f.cmd("USER ghost")[0], 331)
                self.assertEqual(f.cmd("PASS pw")[0], 530)
                f.close()
                srv.log.wait_for(lambda l: "users file %s:2: too few fields" % users in l)
                srv.log.wait_for(lambda l: "users file %s:1: home" % users in l)
            finally:
                srv.stop()
            srv = socket_activate(["127.0.0.1:0"],
                                  args=["--users", os.path.join(t, "nope")])
            try:
                f = Ftp("127.0.0.1", srv.port)
                f.cmd("USER x")
                self.assertEqual(f.cmd("PASS y")[0], 530)
                f.close()
                srv.log.wait_for(lambda l: "users file %s/nope: No such file" % t in l)
            finally:
                srv.stop()


if __name__ == "__main__":
    main()
