"""Replies and logs cannot be forged (issue 7): a name with CR or LF is
encoded in LIST, NLST, MLSD, MLST and STAT (CR as CR NUL, LF as NUL), the
longest paths give whole replies, and what the client sends is logged as
text that cannot forge or hide a line."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Ftp, give_to_server, main,  # noqa: E402
                     make_users_file, run_pipe, socket_activate)

EVIL = "evil\r\n226 forged\r\nname"
EVIL_WIRE = b"evil\r\x00\x00226 forged\r\x00\x00name"


class Injection(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        os.chmod(cls.tmp.name, 0o755)
        cls.home = os.path.join(cls.tmp.name, "home")
        os.makedirs(os.path.join(cls.home, "d"))
        with open(os.path.join(cls.home, "d", EVIL), "w") as f:
            f.write("x")
        with open(os.path.join(cls.home, "d", "plain"), "w") as f:
            f.write("y")
        give_to_server(cls.home)
        users = os.path.join(cls.tmp.name, "users")
        make_users_file(users, [("alice", "pw", cls.home, "rw")])
        cls.srv = socket_activate(["127.0.0.1:0"],
                                  args=["--users", users, "--login-delay", "0"])
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

    def test_listings_encode_cr_and_lf(self):
        f = self.login()
        for verb, entries in (("LIST", 2), ("NLST", 2), ("MLSD", 4)):
            code, _, data = f.listing(verb, "d")
            self.assertEqual(code, 226, verb)
            # one CRLF per entry: no name ends a line early
            self.assertEqual(data.count(b"\r\n"), entries, (verb, data))
            self.assertIn(EVIL_WIRE, data, verb)
            self.assertNotIn(b"\n226 forged", data, verb)

    def test_stat_of_a_directory_is_one_reply(self):
        f = self.login()
        f.sock.sendall(b"STAT d\r\n")
        raw = b""
        while not raw.endswith(b"213 End of status.\r\n"):
            chunk = f.sock.recv(65536)
            self.assertTrue(chunk, raw)
            raw += chunk
        lines = raw.split(b"\r\n")[:-1]
        # 213-, one line per entry, 213 End: no line a client could take
        # for a reply of its own
        self.assertEqual(len(lines), 4, raw)
        self.assertTrue(lines[0].startswith(b"213-"))
        self.assertFalse(any(l[:1].isdigit() for l in lines[1:-1]), raw)
        self.assertIn(EVIL_WIRE, raw)
        self.assertEqual(f.cmd("NOOP")[0], 200)

    def test_mlst_and_stat_of_the_file(self):
        f = self.login()
        # the client names the file as the listing showed it: CR NUL is a CR
        # (RFC 959); an LF cannot be sent, so this name has CRs only
        cr_name = "cr\rname"
        with open(os.path.join(self.home, cr_name), "w") as fh:
            fh.write("z")
        give_to_server(os.path.join(self.home, cr_name))
        f.sock.sendall(b"MLST cr\r\x00name\r\n")
        raw = f.sock.recv(65536)
        while not raw.endswith(b"250 End.\r\n"):
            raw += f.sock.recv(65536)
        self.assertEqual(raw.count(b"\r\n"), 3, raw)
        self.assertIn(b" /cr\r\x00name\r\n", raw)
        self.assertEqual(f.cmd("NOOP")[0], 200)

    def test_longest_paths_give_whole_replies(self):
        f = self.login()
        # components of 200 '"' each: PWD doubles every one of them
        comp = '"' * 200
        depth = 0
        path = ""
        while len(path) + len(comp) + 1 < 3900:
            code, text = f.cmd("MKD " + comp)
            self.assertEqual(code, 257, text)
            self.assertTrue(text.endswith('" created.'), text[-40:])
            self.assertEqual(f.cmd("CWD " + comp)[0], 250)
            path += "/" + comp
            depth += 1
        code, text = f.cmd("PWD")
        self.assertEqual(code, 257)
        self.assertEqual(text, '"%s" is the current directory.' % path.replace('"', '""'))
        code, text = f.cmd("MLST")
        self.assertEqual(code, 250)
        lines = text.split("\n")
        self.assertEqual(lines[0], "Listing " + path)
        self.assertTrue(lines[1].endswith(" " + path), lines[1][-40:])
        self.assertEqual(lines[2], "End.")
        for _ in range(depth):
            self.assertEqual(f.cmd("CDUP")[0], 250)
            self.assertEqual(f.cmd("RMD " + comp)[0], 250)


class Logs(unittest.TestCase):
    def log_of(self, data):
        r = run_pipe(data)
        return r.stderr.decode("utf-8")  # valid UTF-8, always

    def test_controls_and_bidi_escaped(self):
        log = self.log_of("USER a\x1b[31mb\u202ec\u0085d\r\nQUIT\r\n".encode())
        self.assertIn("USER a\\x1b[31mb\\xe2\\x80\\xaec\\xc2\\x85d", log)
        self.assertNotIn("\x1b", log)
        self.assertNotIn("\u202e", log)

    def test_invalid_utf8_logged_readably(self):
        log = self.log_of(b"NOOP \xc0\xaf\xfe\r\nQUIT\r\n")
        self.assertIn("NOOP \\xc0\\xaf\\xfe", log)

    def test_malformed_pass_lines_never_log_the_password(self):
        for line in (b"PASS\thunter2\r\n", b"pass\thunter2\r\n", b"hunter2\r\n",
                     b"USER x\r\nhunter2\r\n", b"USER x\r\nPASS\thunter2\r\n",
                     b"USER x\r\n PASS hunter2\r\n"):
            log = self.log_of(line + b"QUIT\r\n")
            self.assertNotIn("hunter2", log, line)

    def test_unknown_command_logged_by_its_first_word(self):
        log = self.log_of(b"BOGUS some argument\r\nQUIT\r\n")
        self.assertIn("Command unrecognized: 'BOGUS'", log)
        self.assertNotIn("some argument", log)


if __name__ == "__main__":
    main()
