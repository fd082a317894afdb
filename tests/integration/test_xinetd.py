"""xinetd: the shipped units/sockftpd.xinetd, with only the port, the bind
address, the binary's path and disable changed, run by xinetd -dontfork."""
import os
import re
import shutil
import socket
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SEED_EXPECT, SOCKFTPD, Server, main, seed_session  # noqa: E402

SHIPPED = os.path.join(os.environ.get("SOCKFTPD_UNITS", ""), "sockftpd.xinetd")


def config(port, bind, family):
    with open(SHIPPED) as f:
        text = f.read()
    text = re.sub(r"disable\s*=\s*yes", "disable = no", text)
    text = re.sub(r"port\s*=\s*21\b", "port = %d\n\tbind = %s" % (port, bind), text)
    text = re.sub(r"server\s*=\s*\S+", "server = %s" % SOCKFTPD, text)
    if family == socket.AF_INET:
        text = text.replace("flags           = IPv6", "flags           = IPv4")
    return "defaults\n{\n}\n" + text


class Xinetd(unittest.TestCase):
    def setUp(self):
        if not shutil.which("xinetd"):
            self.skipTest("xinetd not installed")
        if os.geteuid() != 0:
            self.skipTest("xinetd switches to user = nobody: needs root")
        self.tmp = tempfile.TemporaryDirectory()
        # user = nobody must be able to run the binary
        os.chmod(self.tmp.name, 0o755)

    def tearDown(self):
        self.tmp.cleanup()

    def run_seed(self, family, host):
        # port 0: xinetd binds a free port, which the harness reads from /proc
        conf = os.path.join(self.tmp.name, "xinetd.conf")
        with open(conf, "w") as f:
            f.write(config(0, host, family))
        # its log on its standard error, which the harness reads
        srv = Server(["xinetd", "-dontfork", "-f", conf, "-filelog", "/dev/stderr",
                      "-pidfile", os.path.join(self.tmp.name, "pid")], ["Started working"])
        try:
            got, _ = seed_session(host, srv.port, family)
            self.assertEqual(got, SEED_EXPECT)
        finally:
            srv.stop()

    def test_shipped_file_is_disabled_and_unprivileged(self):
        with open(SHIPPED) as f:
            text = f.read()
        self.assertRegex(text, r"disable\s*=\s*yes")
        self.assertRegex(text, r"user\s*=\s*nobody")
        self.assertRegex(text, r"wait\s*=\s*no")

    def test_ipv4(self):
        self.run_seed(socket.AF_INET, "127.0.0.1")

    def test_ipv6(self):
        self.run_seed(socket.AF_INET6, "::1")


if __name__ == "__main__":
    main()
