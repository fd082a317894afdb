"""Socket activation: systemd-socket-activate -a hands each connection to a
new sockftpd as the fd sd_listen_fds() reports, as a socket unit with
Accept=yes does."""
import os
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (SEED_EXPECT, TIMEOUT, check_seed_log, listen_address,  # noqa: E402
                     main, seed_session, socket_activate)


class SocketActivation(unittest.TestCase):
    def run_seed(self, family, host, extra=()):
        srv = socket_activate([listen_address(host)], extra=extra)
        try:
            try:
                got, cport = seed_session(host, srv.port, family)
            except AssertionError as e:
                raise AssertionError("%s\nserver log:\n%s" % (e, srv.log.text()))
            self.assertEqual(got, SEED_EXPECT)
            who = "[%s]:%d" % (host, cport) if family == socket.AF_INET6 else "%s:%d" % (host, cport)
            srv.log.wait_for(lambda l: "%s disconnected" % who in l)
            check_seed_log(self, srv.log.text(), who)
            return srv.log.text()
        finally:
            srv.stop()

    def test_ipv4(self):
        log = self.run_seed(socket.AF_INET, "127.0.0.1")
        self.assertIn("via systemd", log)

    def test_ipv4_mapped_client_is_logged_as_ipv4(self):
        # an IPv6 socket accepting IPv4 (what ListenStream=21 with
        # BindIPv6Only=both does), kept on loopback
        srv = socket_activate(["[::ffff:127.0.0.1]:0"])
        try:
            got, cport = seed_session("127.0.0.1", srv.port, socket.AF_INET)
            self.assertEqual(got, SEED_EXPECT)
            who = "127.0.0.1:%d" % cport
            srv.log.wait_for(lambda l: "%s disconnected" % who in l)
            check_seed_log(self, srv.log.text(), who)
            self.assertNotIn("ffff", srv.log.text().split("Execing", 1)[1])
        finally:
            srv.stop()

    def test_exit_status_zero_after_quit(self):
        srv = socket_activate(["127.0.0.1:0"])
        try:
            got, _ = seed_session("127.0.0.1", srv.port, socket.AF_INET)
            self.assertEqual(got, SEED_EXPECT)
            srv.log.wait_for(lambda l: "died with code" in l)
            self.assertIn("died with code 0", srv.log.text())
        finally:
            srv.stop()

    def test_ipv6(self):
        log = self.run_seed(socket.AF_INET6, "::1")
        self.assertIn("via systemd", log)

    def test_both_families_on_one_activator_and_concurrent_sessions(self):
        srv = socket_activate(["127.0.0.1:0", "[::1]:0"])
        p4, p6 = srv.ports
        errors = []

        # 16 sessions at once take their time on a busy machine (more so
        # under valgrind): each gets 5 x TIMEOUT, all of them together 200 s
        def one(fam, host, port):
            try:
                got, _ = seed_session(host, port, fam, timeout=5 * TIMEOUT)
                if got != SEED_EXPECT:
                    errors.append(got)
            except Exception as e:  # collected and reported below
                errors.append(e)
        try:
            threads = [threading.Thread(target=one, args=a) for a in
                       [(socket.AF_INET, "127.0.0.1", p4), (socket.AF_INET6, "::1", p6)] * 8]
            t0 = time.monotonic()
            for t in threads:
                t.start()
            for t in threads:
                t.join(max(1, 200 - (time.monotonic() - t0)))
            self.assertFalse(any(t.is_alive() for t in threads), "sessions hung")
            self.assertEqual(errors, [])
        finally:
            srv.stop()


if __name__ == "__main__":
    main()
