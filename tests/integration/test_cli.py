"""The command line: --help, --version, unknown options."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SOCKFTPD, TIMEOUT, main  # noqa: E402


def run(*args):
    return subprocess.run([SOCKFTPD, *args], capture_output=True, timeout=TIMEOUT,
                          stdin=subprocess.DEVNULL)


class Cli(unittest.TestCase):
    def test_help(self):
        r = run("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn(b"Usage: sockftpd", r.stdout)
        self.assertIn(b"--log=journal|syslog|stderr", r.stdout)
        self.assertEqual(r.stderr, b"")

    def test_version(self):
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout.decode(), r"^sockftpd \d+\.\d+\.\d+\n$")

    def test_unknown_option(self):
        r = run("--bogus")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stdout, b"")
        self.assertEqual(r.stderr, b"sockftpd: unrecognized option '--bogus'\n"
                         b"Try 'sockftpd --help' for more information.\n")

    def test_bad_log_value(self):
        r = run("--log=file")
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"--log: 'file' is not one of", r.stderr)

    def test_sandbox_values(self):
        r = run("--sandbox=sometimes")
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"--sandbox: 'sometimes' is not one of auto|required|off", r.stderr)
        # (with a sanitizer, the filter kills LeakSanitizer's exit thread)
        for v in ("off",) if os.environ.get("SOCKFTPD_SANITIZED") else ("auto", "required", "off"):
            r = subprocess.run([SOCKFTPD, "--sandbox=" + v], input=b"NOOP\r\nQUIT\r\n",
                               capture_output=True, timeout=TIMEOUT)
            self.assertEqual(r.returncode, 0, (v, r.stderr))
            self.assertTrue(r.stdout.endswith(b"221 Service closing control connection.\r\n"))

    def test_man_page_documents_every_option(self):
        man = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "sockftpd.8")
        with open(man) as f:
            text = f.read().replace("\\-", "-")
        help_text = run("--help").stdout.decode()
        for word in help_text.split():
            if word.startswith("--"):
                self.assertIn(word.split("=")[0].split("[")[0], text)


if __name__ == "__main__":
    main()
