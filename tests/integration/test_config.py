"""The configuration file (issue 12): key = value lines with the long
options' names, the command line over the file, errors that name the file
and the line, --check-config, and a file read anew by every session."""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (SOCKFTPD, TIMEOUT, Ftp, give_to_server, main,  # noqa: E402
                     make_users_file, socket_activate)


class Config(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        os.chmod(self.tmp.name, 0o755)
        self.conf = os.path.join(self.tmp.name, "sockftpd.conf")

    def dir(self, name, files=()):
        d = os.path.join(self.tmp.name, name)
        os.makedirs(d)
        for f in files:
            with open(os.path.join(d, f), "w") as fh:
                fh.write(f)
        give_to_server(d)
        return d

    def write(self, text):
        with open(self.conf, "w") as f:
            f.write(text)

    def run_server(self, *args, data=b"QUIT\r\n"):
        return subprocess.run([SOCKFTPD, "--log=stderr", *args], input=data,
                              capture_output=True, timeout=TIMEOUT)

    def test_file_then_command_line(self):
        anon = self.dir("anon")
        self.write("# the test's file\nanonymous = %s\nidle-timeout = 77\n"
                   "login-timeout=33\n" % anon)
        r = self.run_server("--config", self.conf, "--login-timeout", "44", "--check-config")
        out = r.stdout.decode()
        self.assertEqual(r.returncode, 0, out + r.stderr.decode())
        self.assertIn("anonymous = %s\t# %s:2\n" % (anon, self.conf), out)
        self.assertIn("idle-timeout = 77\t# %s:3\n" % self.conf, out)
        self.assertIn("login-timeout = 44\t# command line\n", out)
        self.assertIn("data-timeout = 120\t# default\n", out)
        self.assertIn("ok:    anonymous root %s is a directory" % anon, out)

    def test_errors_name_file_and_line(self):
        self.write("anonymous = /srv\n\nidle-timeout = later\n")
        r = self.run_server("--config", self.conf)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stdout, b"")  # no greeting
        self.assertIn("%s:3: --idle-timeout: 'later' is not a number" % self.conf,
                      r.stderr.decode())
        self.write("frobnicate = 1\n")
        r = self.run_server("--config", self.conf)
        self.assertEqual(r.returncode, 2)
        self.assertIn("%s:1: unknown key 'frobnicate'" % self.conf, r.stderr.decode())
        r = self.run_server("--config", os.path.join(self.tmp.name, "missing.conf"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("missing.conf: No such file or directory", r.stderr.decode())

    def test_check_config_finds_problems(self):
        users = os.path.join(self.tmp.name, "users")
        make_users_file(users, [("alice", "pw", os.path.join(self.tmp.name, "nohome"), "rw")])
        with open(users, "a") as f:
            f.write("broken line\n")
        self.write("users = %s\nanonymous = %s\n" % (users, os.path.join(self.tmp.name, "no")))
        r = self.run_server("--config", self.conf, "--check-config")
        out = r.stdout.decode()
        self.assertEqual(r.returncode, 2, out)
        self.assertIn("ERROR: anonymous root", out)
        self.assertIn("ERROR: home of alice:", out)
        self.assertIn("ERROR: users file %s:2:" % users, out)
        self.assertIn("problem", r.stderr.decode())

    def test_every_session_reads_the_file(self):
        a = self.dir("a", ["in-a.txt"])
        b = self.dir("b", ["in-b.txt"])
        self.write("anonymous = %s\nlogin-delay = 0\n" % a)
        srv = socket_activate(["127.0.0.1:0"], args=["--config", self.conf])
        self.addCleanup(srv.stop)

        def listing():
            f = Ftp("127.0.0.1", srv.port)
            f.login("anonymous", "x")
            code, _, data = f.listing("NLST")
            f.close()
            return data
        self.assertEqual(listing(), b"in-a.txt\r\n")
        self.write("anonymous = %s\nlogin-delay = 0\n" % b)  # no reload, no restart
        self.assertEqual(listing(), b"in-b.txt\r\n")


if __name__ == "__main__":
    main()
