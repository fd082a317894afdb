"""What sockftpd refuses at start-up: anything but one connected stream
socket or only listening sockets from systemd, a listening socket on stdin,
closed descriptors.  Each
is one clear line and exit status 2, never a hang."""
import fcntl
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SOCKFTPD, TIMEOUT, Server, main, with_reserved_port  # noqa: E402


def knock(port):
    """Connect once and read: what the server sent before it closed.  The
    connection is already in the listening socket's queue when connect
    returns, so it wakes systemd-socket-activate; sockftpd then refuses and
    exits with the connection unaccepted, which resets it, maybe before
    connect has even returned here."""
    try:
        c = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    except ConnectionResetError:
        return b""
    with c:
        try:
            return c.recv(100)
        except ConnectionResetError:
            return b""


class Refusals(unittest.TestCase):
    def ssa(self, count):
        """systemd-socket-activate without -a on count reserved ports: at the
        first connection it hands its listening sockets to sockftpd."""
        exe = shutil.which("systemd-socket-activate")
        if not exe:
            self.skipTest("systemd-socket-activate not installed")
        listen = [with_reserved_port("127.0.0.1:0") for _ in range(count)]
        self.out = tempfile.TemporaryFile()
        self.addCleanup(self.out.close)
        argv = [exe]
        for a in listen:
            argv += ["-l", a]
        srv = Server(argv + ["--", SOCKFTPD], ["Listening on " + a for a in listen],
                     stdout=self.out)
        self.addCleanup(srv.stop)
        return srv

    def finish(self, srv):
        """Exit status, standard output and standard error of the server."""
        rc = srv.proc.wait(TIMEOUT)
        srv.log.join(TIMEOUT)
        self.out.seek(0)
        return rc, self.out.read(), srv.log.text()

    def test_a_listening_and_a_connected_socket(self):
        # listening sockets select listener mode (test_listener.py); a
        # connection among them is refused
        with socket.socket() as ls, socket.socket() as c:
            ls.bind(("127.0.0.1", 0))
            ls.listen()
            c.connect(ls.getsockname())
            conn, _ = ls.accept()
            with conn:
                a = fcntl.fcntl(ls.fileno(), fcntl.F_DUPFD, 5)  # dash: fds 0-9
                b = fcntl.fcntl(conn.fileno(), fcntl.F_DUPFD, 5)  # dash: fds 0-9
                try:
                    r = subprocess.run(["sh", "-c", 'LISTEN_FDS=2 LISTEN_PID=$$ exec "$0" '
                                        '3<&%d 4<&%d' % (a, b), SOCKFTPD], pass_fds=(a, b),
                                       capture_output=True, timeout=TIMEOUT)
                finally:
                    os.close(a)
                    os.close(b)
        self.assertEqual(r.returncode, 2)
        self.assertIn(b"passed 2 file descriptors that are not all listening", r.stderr)
        self.assertEqual(r.stdout, b"")

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
