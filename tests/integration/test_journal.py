"""Journal logging with structured fields.  journald's socket path is fixed,
so the test runs in a private mount namespace with a tmpfs over /run and its
own datagram socket at /run/systemd/journal/socket, and reads what sockftpd
sends there.  Needs root (unshare -m)."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SOCKFTPD, TIMEOUT, main  # noqa: E402


def inner(mode):
    """Runs inside the namespace: fake journald, one piped session."""
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", "/run"], check=True)
    os.makedirs("/run/systemd/journal")
    j = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    j.bind("/run/systemd/journal/socket")
    os.chmod("/run/systemd/journal/socket", 0o666)  # the server runs as nobody
    env = dict(os.environ)
    with tempfile.TemporaryFile() as err:
        args = [SOCKFTPD]
        if mode == "explicit":
            args.append("--log=journal")
        else:
            st = os.fstat(err.fileno())
            env["JOURNAL_STREAM"] = "%d:%d" % (st.st_dev, st.st_ino)
        r = subprocess.run(args, input=b"NOOP\r\nPASS hunter2\r\nBOGUS x\r\nQUIT\r\n",
                           stdout=subprocess.PIPE, stderr=err, env=env, timeout=TIMEOUT)
        err.seek(0)
        stderr = err.read().decode()
    j.settimeout(2)
    msgs = []
    try:
        while True:
            data = j.recv(65536)
            fields = {}
            for line in data.decode().split("\n"):
                if "=" in line:
                    k, v = line.split("=", 1)
                    fields[k] = v
            msgs.append(fields)
    except socket.timeout:
        pass
    print(json.dumps({"rc": r.returncode, "stdout": r.stdout.decode(),
                      "stderr": stderr, "msgs": msgs}))


class Journal(unittest.TestCase):
    def run_inner(self, mode):
        if os.geteuid() != 0 or not shutil.which("unshare"):
            self.skipTest("needs root and unshare for a private /run")
        r = subprocess.run(["unshare", "--mount", "--propagation", "private",
                            sys.executable, os.path.abspath(__file__), "--inner", mode],
                           capture_output=True, timeout=TIMEOUT * 2)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        return json.loads(r.stdout)

    def check(self, out):
        self.assertEqual(out["rc"], 0)
        self.assertEqual(out["stderr"], "")
        self.assertTrue(out["stdout"].startswith("220 "))
        msgs = out["msgs"]
        events = [m.get("FTP_EVENT") for m in msgs]
        self.assertEqual(events, ["connect", "request", "request", "reject", "request",
                                  "disconnect"])
        for m in msgs:
            self.assertEqual(m["SYSLOG_IDENTIFIER"], "sockftpd")
            self.assertEqual(m["FTP_CLIENT_ADDRESS"], "stdin")
            self.assertIn("PRIORITY", m)
        self.assertEqual(msgs[1]["FTP_COMMAND"], "NOOP")
        self.assertEqual(msgs[1]["MESSAGE"], "Sent by client stdin: NOOP")
        self.assertEqual(msgs[2]["FTP_COMMAND"], "PASS")
        self.assertNotIn("hunter2", json.dumps(msgs))
        self.assertEqual(msgs[3]["PRIORITY"], "4")
        self.assertIn("Command unrecognized: 'BOGUS'", msgs[3]["MESSAGE"])

    def test_explicit_journal(self):
        self.check(self.run_inner("explicit"))

    def test_journal_stream_detected(self):
        self.check(self.run_inner("auto"))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--inner":
        inner(sys.argv[2])
    else:
        main()
