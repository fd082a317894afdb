"""The systemd units pass systemd-analyze verify (with ExecStart pointed at
the built binary, since verify checks that it exists)."""
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


class Units(unittest.TestCase):
    def setUp(self):
        if not shutil.which("systemd-analyze"):
            self.skipTest("systemd-analyze not installed")

    def test_verify(self):
        with tempfile.TemporaryDirectory() as d:
            shutil.copy(os.path.join(UNITS, "sockftpd.socket"), d)
            with open(os.path.join(UNITS, "sockftpd@.service")) as f:
                svc = f.read()
            self.assertRegex(svc, r"ExecStart=-/\S*/sockftpd \$SOCKFTPD_OPTIONS\n")
            svc = re.sub(r"ExecStart=-\S+", "ExecStart=-" + SOCKFTPD, svc)
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

    def test_socket_listens_on_21_dual_stack_with_accept(self):
        with open(os.path.join(UNITS, "sockftpd.socket")) as f:
            sock = f.read()
        self.assertIn("ListenStream=21\n", sock)
        self.assertIn("BindIPv6Only=both\n", sock)
        self.assertIn("Accept=yes\n", sock)


if __name__ == "__main__":
    main()
