"""The systemd units pass systemd-analyze verify (with ExecStart pointed at
the built binary, since verify checks that it exists), and the sysusers.d
file creates the user they run as.  (tests/systemd/ runs them under a real
systemd.)"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SOCKFTPD, TIMEOUT, main  # noqa: E402

UNITS = os.environ.get("SOCKFTPD_UNITS", "")


def read_unit(name):
    with open(os.path.join(UNITS, name)) as f:
        return f.read()


class Units(unittest.TestCase):
    def setUp(self):
        if not shutil.which("systemd-analyze"):
            self.skipTest("systemd-analyze not installed")

    def test_verify(self):
        with tempfile.TemporaryDirectory() as d:
            shutil.copy(os.path.join(UNITS, "sockftpd.socket"), d)
            with open(os.path.join(UNITS, "sockftpd@.service")) as f:
                svc = f.read()
            # no '-': a failed session must show as failed
            self.assertRegex(svc, r"\nExecStart=/\S*/sockftpd \$SOCKFTPD_OPTIONS\n")
            svc = re.sub(r"ExecStart=\S+", "ExecStart=" + SOCKFTPD, svc)
            with open(os.path.join(d, "sockftpd@.service"), "w") as f:
                f.write(svc)
            r = subprocess.run(["systemd-analyze", "verify", "--man=no",
                                "sockftpd.socket", "sockftpd@.service"],
                               cwd=d, capture_output=True, timeout=TIMEOUT)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout + r.stderr, b"")

    def test_service_exposure_is_low(self):
        with tempfile.TemporaryDirectory() as d:
            shutil.copy(os.path.join(UNITS, "sockftpd@.service"), d)
            r = subprocess.run(["systemd-analyze", "security", "--offline=yes",
                                "sockftpd@.service"], cwd=d, capture_output=True,
                               timeout=TIMEOUT)
            m = re.search(rb"Overall exposure level for \S+: (\d+\.\d+)", r.stdout)
            self.assertIsNotNone(m, r.stdout + r.stderr)
            self.assertLessEqual(float(m.group(1)), 1.5, r.stdout.decode())

    def test_service_fixed_user_own_filter_failures_visible(self):
        svc = read_unit("sockftpd@.service")
        self.assertNotRegex(svc, r"(?m)^DynamicUser=")   # implies RestrictSUIDSGID=yes
        self.assertIn("\nUser=sockftpd\n", svc)
        self.assertIn("\nRestrictSUIDSGID=no\n", svc)   # lets openat2() through
        self.assertIn("\nSystemCallFilter=@system-service seccomp\n", svc)
        self.assertIn("\nCollectMode=inactive-or-failed\n", svc)

    def test_sysusers_creates_the_user(self):
        if os.geteuid() != 0 or not shutil.which("systemd-sysusers"):
            self.skipTest("needs root and systemd-sysusers")
        src = os.path.join(os.environ.get("SOCKFTPD_SRC_UNITS", ""), "sockftpd.sysusers")
        with tempfile.TemporaryDirectory() as root:
            os.makedirs(os.path.join(root, "etc"))
            r = subprocess.run(["systemd-sysusers", "--root=" + root, src],
                               capture_output=True, timeout=TIMEOUT)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(root, "etc", "passwd")) as f:
                users = [l.split(":") for l in f.read().splitlines()]
            with open(os.path.join(root, "etc", "group")) as f:
                groups = [l.split(":") for l in f.read().splitlines()]
        entry = [u for u in users if u[0] == "sockftpd"]
        self.assertEqual(len(entry), 1, users)
        uid, gid = int(entry[0][2]), int(entry[0][3])
        self.assertTrue(0 < uid < 1000, uid)    # a system user, not a dynamic one
        self.assertIn(["sockftpd", "x", str(gid), ""], groups)

    def test_socket_survives_floods(self):
        sock = read_unit("sockftpd.socket")
        self.assertIn("\nTriggerLimitIntervalSec=0\n", sock)
        self.assertIn("\nBacklog=64\n", sock)
        self.assertIn("\nMaxConnections=64\n", sock)
        self.assertIn("\nMaxConnectionsPerSource=8\n", sock)

    def test_socket_listens_on_21_dual_stack_with_accept(self):
        sock = read_unit("sockftpd.socket")
        self.assertIn("ListenStream=21\n", sock)
        self.assertIn("BindIPv6Only=both\n", sock)
        self.assertIn("Accept=yes\n", sock)


if __name__ == "__main__":
    main()
