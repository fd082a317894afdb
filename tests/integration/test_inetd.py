"""inetd mode: the connection on standard input and output
(systemd-socket-activate --inetd, like inetd with wait=no)."""
import os
import socket
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (SEED_EXPECT, check_seed_log, listen_address, main,  # noqa: E402
                     seed_session, socket_activate)


class Inetd(unittest.TestCase):
    def run_seed(self, family, host):
        srv = socket_activate([listen_address(host)], extra=["--inetd"])
        try:
            try:
                got, cport = seed_session(host, srv.port, family)
            except AssertionError as e:
                raise AssertionError("%s\nserver log:\n%s" % (e, srv.log.text()))
            self.assertEqual(got, SEED_EXPECT)
            who = "[%s]:%d" % (host, cport) if family == socket.AF_INET6 else "%s:%d" % (host, cport)
            srv.log.wait_for(lambda l: "%s disconnected" % who in l)
            check_seed_log(self, srv.log.text(), who)
            self.assertIn("via inetd", srv.log.text())
        finally:
            srv.stop()

    def test_ipv4(self):
        self.run_seed(socket.AF_INET, "127.0.0.1")

    def test_ipv6(self):
        self.run_seed(socket.AF_INET6, "::1")


if __name__ == "__main__":
    main()
