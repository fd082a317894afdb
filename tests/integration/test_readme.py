"""README.md's administration walk-through, run as written: every shell
block after a '<!-- readme-test: admin -->' line, in order, as root, in
private mount, pid and network namespaces over throwaway overlays of /etc,
/srv, /var/log and /tmp (the host is never written), with the built
sockftpd and sockftpd-passwd first on PATH and the fail2ban filter where
meson installs it."""
import os
import re
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SOCKFTPD, TIMEOUT, main  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")

SETUP = r"""
set -eu
w=$(mktemp -d /tmp/sockftpd-readme.XXXXXX)
for d in /etc /srv /var/log /tmp; do
    mkdir -p "$w/$d/up" "$w/$d/work" "$d"
    mount -t tmpfs tmpfs "$w/$d"
    mkdir -p "$w/$d/up" "$w/$d/work"
    mount -t overlay overlay -o "lowerdir=$d,upperdir=$w/$d/up,workdir=$w/$d/work" "$d"
done
ip link set lo up
mkdir -p /etc/fail2ban/filter.d
cp "$FILTER" /etc/fail2ban/filter.d/sockftpd.conf
export PATH="$BIN:$PATH"
"""


def blocks():
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    return re.findall(r"<!-- readme-test: admin -->\n```sh\n(.*?)```", text, re.S)


class Readme(unittest.TestCase):
    def test_admin_walkthrough(self):
        if os.geteuid() != 0:
            self.skipTest("needs root for the namespaces and overlays")
        for tool in ("unshare", "ip", "curl", "fail2ban-regex", "systemd-socket-activate"):
            if not shutil.which(tool):
                self.skipTest(tool + " not installed")
        found = blocks()
        self.assertEqual(len(found), 3, "README.md lost its tested blocks")
        script = SETUP + "\n".join(found)
        env = dict(os.environ, BIN=os.path.dirname(SOCKFTPD),
                   FILTER=os.path.join(ROOT, "units", "fail2ban", "sockftpd.conf"))
        r = subprocess.run(["unshare", "--mount", "--pid", "--fork", "--net",
                            "--propagation", "private", "sh", "-c", script],
                           capture_output=True, env=env, timeout=TIMEOUT * 4)
        out, err = r.stdout.decode(), r.stderr.decode()
        self.assertEqual(r.returncode, 0, out + err)
        self.assertIn("users = /etc/sockftpd/users\t# /etc/sockftpd.conf:1", out)
        self.assertIn("ok:    home of alice: /srv/ftp/alice is a directory", out)
        self.assertIn("\nhello\n", out)  # downloaded back
        self.assertRegex(out, r" 127\.0\.0\.1 6 /srv/ftp/alice/hello\.txt b _ i r alice ftp 0 \* c\n")
        # the three wrong passwords (and the readiness probe's anonymous try)
        bans = re.findall(r"^\d+\.\d+\.\d+\.\d+$|^[0-9a-f:]+$", out, re.M)
        self.assertGreaterEqual(len(bans), 3, out)
        self.assertEqual(set(bans), {"127.0.0.1"}, out)


if __name__ == "__main__":
    main()
