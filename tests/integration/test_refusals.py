"""What sockftpd refuses at start-up: anything but one connected stream
socket from systemd, a listening socket on stdin, closed descriptors.  Each
is one clear line and exit status 2, never a hang."""
import os
import shutil
import socket
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SOCKFTPD, TIMEOUT, free_port, main  # noqa: E402


def ssa(*listen):
    exe = shutil.which("systemd-socket-activate")
    if not exe:
        raise unittest.SkipTest("systemd-socket-activate not installed")
    argv = [exe]
    for a in listen:
        argv += ["-l", a]
    return subprocess.Popen(argv + ["--", SOCKFTPD], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)


def connect_when_ready(port):
    end = time.monotonic() + TIMEOUT
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        except ConnectionRefusedError:
            if time.monotonic() > end:
                raise
            time.sleep(0.05)


class Refusals(unittest.TestCase):
    def finish(self, p):
        try:
            out, err = p.communicate(timeout=TIMEOUT)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        return p.returncode, out, err.decode()

    def test_listening_socket_without_accept(self):
        port = free_port()
        p = ssa("127.0.0.1:%d" % port)
        with connect_when_ready(port) as c:
            rc, out, err = self.finish(p)
            try:
                self.assertEqual(c.recv(100), b"")  # nothing was served
            except ConnectionResetError:
                pass
        self.assertEqual(rc, 2, err)
        self.assertIn("listening socket", err)
        self.assertIn("Accept=yes", err)
        self.assertEqual(out, b"")

    def test_several_sockets(self):
        p1, p2 = free_port(), free_port()
        p = ssa("127.0.0.1:%d" % p1, "127.0.0.1:%d" % p2)
        with connect_when_ready(p1):
            rc, out, err = self.finish(p)
        self.assertEqual(rc, 2, err)
        self.assertIn("passed 2 file descriptors", err)

    def test_listen_fd_that_is_not_a_socket(self):
        r = subprocess.run(["sh", "-c", 'LISTEN_FDS=1 LISTEN_PID=$$ exec "$0" 3</dev/null',
                            SOCKFTPD], capture_output=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"not a connected stream socket", r.stderr)
        self.assertEqual(r.stdout, b"")

    def test_listen_fds_for_another_process_is_ignored(self):
        # LISTEN_PID names someone else: not ours, so stdin is used
        env = dict(os.environ, LISTEN_FDS="1", LISTEN_PID="1")
        r = subprocess.run([SOCKFTPD], input=b"QUIT\r\n", capture_output=True,
                           env=env, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 0)
        self.assertTrue(r.stdout.startswith(b"220 "))

    def test_listening_socket_on_stdin(self):
        with socket.socket() as ls:
            ls.bind(("127.0.0.1", 0))
            ls.listen()
            r = subprocess.run([SOCKFTPD], stdin=ls, capture_output=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"listening socket", r.stderr)
        self.assertIn(b"wait=no", r.stderr)

    def test_datagram_socket_on_stdin(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as ds:
            r = subprocess.run([SOCKFTPD], stdin=ds, capture_output=True, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"not a stream socket", r.stderr)

    def test_closed_stdin(self):
        r = subprocess.run(["sh", "-c", 'exec "$0" <&-', SOCKFTPD], capture_output=True,
                           timeout=TIMEOUT)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"standard input is not open", r.stderr)

    def test_closed_stdout(self):
        r = subprocess.run(["sh", "-c", 'exec "$0" >&-', SOCKFTPD], input=b"QUIT\r\n",
                           capture_output=False, stderr=subprocess.PIPE, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"standard output is not open", r.stderr)


if __name__ == "__main__":
    main()
