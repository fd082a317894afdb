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
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SOCKFTPD, TIMEOUT, main  # noqa: E402


def inetd_chroot(j):
    """Started as root by inetd (the connection on 0, 1 and 2) with one
    anonymous root: the session chroots into it and switches to nobody, yet
    its log lines reach the journal, opened before."""
    with tempfile.TemporaryDirectory() as anon:
        os.chmod(anon, 0o755)
        with open(os.path.join(anon, "hello.txt"), "w") as f:
            f.write("hi")
        server, client = socket.socketpair()
        env = dict(os.environ)
        if os.environ.get("SOCKFTPD_SANITIZED"):
            # LeakSanitizer reads /proc at exit, which the chroot has not
            env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":")
        p = subprocess.Popen([SOCKFTPD, "--anonymous", anon, "--login-delay", "0"],
                             stdin=server, stdout=server, stderr=server, env=env)
        server.close()
        client.settimeout(TIMEOUT)
        client.sendall(b"USER ftp\r\nPASS x\r\nSIZE hello.txt\r\nQUIT\r\n")
        out = b""
        while True:
            chunk = client.recv(4096)
            if not chunk:
                break
            out += chunk
        p.wait(TIMEOUT)
    return p.returncode, out.decode(), ""


def transfer(j):
    """A download and an upload through systemd-socket-activate, logging to
    the journal: the transfer lines carry FTP_FILE, FTP_BYTES,
    FTP_DIRECTION, FTP_STATUS, FTP_DURATION_MS."""
    from harness import Ftp, give_to_server, make_users_file, socket_activate
    with tempfile.TemporaryDirectory() as t:
        os.chmod(t, 0o755)
        home = os.path.join(t, "home")
        os.makedirs(home)
        with open(os.path.join(home, "f.txt"), "wb") as f:
            f.write(b"12345")
        give_to_server(home)
        users = os.path.join(t, "users")
        make_users_file(users, [("alice", "pw", home, "rw")])
        srv = socket_activate(["127.0.0.1:0"], args=["--users", users, "--login-delay", "0",
                                                     "--log=journal"])
        try:
            f = Ftp("127.0.0.1", srv.port)
            f.login("alice", "pw")
            f.retr("f.txt")
            f.stor("g.txt", b"abc")
            f.cmd("QUIT")
            f.close()
            # the session's last line is its disconnection
            msgs, deadline = [], time.monotonic() + TIMEOUT
            while not any(m.get("FTP_EVENT") == "disconnect" for m in msgs):
                if time.monotonic() > deadline:
                    break
                j.settimeout(max(0.1, deadline - time.monotonic()))
                try:
                    msgs.append(fields_of(j.recv(65536)))
                except socket.timeout:
                    break
        finally:
            srv.stop()
    return msgs


def inner(mode):
    """Runs inside the namespace: fake journald, one piped session."""
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", "/run"], check=True)
    os.makedirs("/run/systemd/journal")
    j = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    j.bind("/run/systemd/journal/socket")
    os.chmod("/run/systemd/journal/socket", 0o666)  # the server runs as nobody
    if mode == "transfer":
        print(json.dumps({"rc": 0, "stdout": "", "stderr": "", "msgs": transfer(j)}))
        return
    if mode == "chroot":
        rc, stdout, stderr = inetd_chroot(j)
        print(json.dumps({"rc": rc, "stdout": stdout, "stderr": stderr, "msgs": read_all(j)}))
        return
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
    print(json.dumps({"rc": r.returncode, "stdout": r.stdout.decode(),
                      "stderr": stderr, "msgs": read_all(j)}))


def read_all(j):
    """Every datagram sent so far (the server has exited), as fields; each
    must be valid UTF-8, so journald stores text, not a blob."""
    j.setblocking(False)
    msgs = []
    while True:
        try:
            data = j.recv(65536)
        except BlockingIOError:
            return msgs
        msgs.append(fields_of(data))


def fields_of(data):
    fields = {}
    for line in data.decode("utf-8").split("\n"):
        if "=" in line:
            k, v = line.split("=", 1)
            fields[k] = v
    return fields


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

    def test_transfers_carry_their_fields(self):
        out = self.run_inner("transfer")
        moves = [m for m in out["msgs"] if m.get("FTP_EVENT") == "transfer"]
        self.assertEqual(len(moves), 2, out["msgs"])
        down, up = moves
        self.assertEqual((down["FTP_FILE"], down["FTP_BYTES"], down["FTP_DIRECTION"],
                          down["FTP_STATUS"]), ("/f.txt", "5", "out", "complete"))
        self.assertEqual((up["FTP_FILE"], up["FTP_BYTES"], up["FTP_DIRECTION"],
                          up["FTP_STATUS"]), ("/g.txt", "3", "in", "complete"))
        self.assertGreaterEqual(int(down["FTP_DURATION_MS"]), 0)

    def test_root_start_with_chroot_still_logs(self):
        out = self.run_inner("chroot")
        if not os.environ.get("SOCKFTPD_SANITIZED"):  # LeakSanitizer fails in a chroot
            self.assertEqual(out["rc"], 0)
        self.assertIn("213 2\r\n", out["stdout"])
        events = [m.get("FTP_EVENT") for m in out["msgs"]]
        # everything after the chroot and the switch to nobody arrived
        self.assertEqual(events, ["connect", "request", "request", "login", "request",
                                  "request", "disconnect"], out)
        self.assertIn("anonymous logged in", out["msgs"][3]["MESSAGE"])


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--inner":
        inner(sys.argv[2])
    else:
        main()
