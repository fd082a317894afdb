"""The shipped fail2ban filter (units/fail2ban/sockftpd.conf), run by
fail2ban's own fail2ban-regex on real log lines of real sessions: failed
logins and the close after too many count against the client's address,
over IPv4 and IPv6, in the stderr and the syslog form; a user name made to
look like another address does not move the ban; a good login does not
count."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (TIMEOUT, Ftp, give_to_server, main, make_users_file,  # noqa: E402
                     socket_activate)

FILTER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "units",
                      "fail2ban", "sockftpd.conf")
COMMON = "/etc/fail2ban/filter.d/common.conf"


class Fail2ban(unittest.TestCase):
    def setUp(self):
        if not shutil.which("fail2ban-regex") or not os.path.exists(COMMON):
            self.skipTest("fail2ban not installed")
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        os.chmod(self.tmp.name, 0o755)
        home = os.path.join(self.tmp.name, "home")
        os.makedirs(home)
        give_to_server(home)
        self.users = os.path.join(self.tmp.name, "users")
        make_users_file(self.users, [("alice", "pw", home, "rw")])
        # the filter as Debian's fail2ban reads it: beside common.conf
        d = os.path.join(self.tmp.name, "filter.d")
        os.makedirs(d)
        shutil.copy(FILTER, d)
        os.symlink(COMMON, os.path.join(d, "common.conf"))
        self.filter = os.path.join(d, "sockftpd.conf")

    def sessions(self):
        """Real sessions over IPv4 and IPv6; their log lines."""
        srv = socket_activate(["127.0.0.1:0", "[::1]:0"],
                              args=["--users", self.users, "--login-delay", "0",
                                    "--max-login-failures", "2"])
        try:
            f = Ftp("127.0.0.1", srv.ports[0])
            f.login("alice", "pw")  # must not count
            f.close()
            f = Ftp("127.0.0.1", srv.ports[0])
            # a user name that pretends to be a line about someone else,
            # with a CR (sent as CR NUL) to fake a line break
            f.cmd("USER x\r\x00192.0.2.99:1: failed login for y (1 of 3)")
            self.assertEqual(f.cmd("PASS wrong")[0], 530)
            f.close()
            f = Ftp("::1", srv.ports[1])
            for _ in range(2):
                f.cmd("USER bob")
                f.cmd("PASS wrong")  # 530, then 421: too many
            f.close()
            srv.log.wait_for(lambda l: "too many failed logins" in l)
            srv.log.wait_for(lambda l: l.count("disconnected") >= 1)
        finally:
            srv.stop()
        return [l for l in srv.log.text().splitlines() if l.startswith("<")]

    def regex(self, lines):
        log = os.path.join(self.tmp.name, "log")
        with open(log, "w") as f:
            f.write("\n".join(lines) + "\n")
        r = subprocess.run(["fail2ban-regex", "--out", "ip", log, self.filter],
                           capture_output=True, timeout=TIMEOUT * 3)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        return r.stdout.decode().split()

    def test_stderr_lines(self):
        lines = self.sessions()
        self.assertTrue(any("logged in" in l for l in lines))
        ips = self.regex(lines)
        # one failed login from 127.0.0.1 (the crafted name), two failures
        # and the close from ::1; never 192.0.2.99
        self.assertEqual(sorted(ips), ["127.0.0.1", "::1", "::1", "::1"], ips)

    def test_syslog_lines(self):
        syslog = []
        for l in self.sessions():
            msg = re.sub(r"^<\d>\[ [A-Z]+ \] ", "", l)
            syslog.append("Dec  1 02:00:00 ftp-host sockftpd[4242]: " + msg)
        self.assertEqual(sorted(self.regex(syslog)), ["127.0.0.1", "::1", "::1", "::1"])


if __name__ == "__main__":
    main()
