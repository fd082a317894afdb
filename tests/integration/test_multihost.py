"""Several hosts behind a real balancer (issue 11, point 4).

Network namespaces made here, and removed at the end whatever happens:

    client 10.11.0.2 --- 10.11.0.1 balancer 10.12.1.1 --- 10.12.1.2 host1
                                            10.12.2.1 --- 10.12.2.2 host2

The balancer runs HAProxy (Debian's package; mode tcp, balance source,
send-proxy-v2, health checks that read the 220 behind a LOCAL header, three
misses before a host counts as down: a busy host is not a dead one; a
connection it refuses marks it down at once, and the retry goes to the
other) and
routes between its links; each host runs sockftpd socket-activated on port
21 with --proxy-protocol, both serving one shared directory.  Passive data
connections work both ways: through the balancer (EPSV: a frontend on the
passive ports forwards, with a PROXY header, to the host the control
connection went to: same hash, same health) and straight from the client to
the host's own address (PASV announces it).  Active mode: the host connects
to the client through the balancer's routing.  Real clients: curl and lftp
in the client namespace.  The hosts log the client's address, not the
balancer's; killing the host that serves leaves new sessions to the other.
Needs root, ip (iproute2) and haproxy; skipped otherwise."""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (SOCKFTPD, TIMEOUT, WRAPPER, Server, give_to_server,  # noqa: E402
                     main, make_users_file)

TAG = "sfmh%d" % os.getpid()
NS = {name: "%s-%s" % (TAG, name) for name in ("client", "bal", "host1", "host2")}
CLIENT, VIP = "10.11.0.2", "10.11.0.1"
HOSTS = {"host1": ("10.12.1.1", "10.12.1.2"), "host2": ("10.12.2.1", "10.12.2.2")}
PASV = (30000, 30019)    # as in the example configuration

SRC_UNITS = os.environ.get("SOCKFTPD_SRC_UNITS",
                           os.path.join(os.path.dirname(__file__), "..", "..", "units"))


def haproxy_config():
    """units/haproxy/sockftpd.cfg, the shipped example, with this test's
    addresses and the log on standard error."""
    with open(os.path.join(SRC_UNITS, "haproxy", "sockftpd.cfg")) as f:
        text = f.read()
    for old, new in (("203.0.113.10", VIP), ("10.0.1.2", HOSTS["host1"][1]),
                     ("10.0.2.2", HOSTS["host2"][1]),
                     ("log /dev/log local0 info", "log stderr format raw local0 info")):
        assert old in text, old
        text = text.replace(old, new)
    return text


def ip(*args, ns=None):
    argv = (["ip", "netns", "exec", ns] if ns else []) + list(args)
    r = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT)
    if r.returncode:
        raise AssertionError("%s: %s" % (" ".join(argv), r.stderr.strip()))
    return r.stdout


def in_ns(ns, *argv):
    return ["ip", "netns", "exec", ns, *argv]


def remove_namespaces():
    for ns in NS.values():
        subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=TIMEOUT)


def make_network():
    for ns in NS.values():
        ip("ip", "netns", "add", ns)
        ip("ip", "link", "set", "lo", "up", ns=ns)
    # client <-> balancer
    ip("ip", "link", "add", TAG + "c", "type", "veth", "peer", "name", TAG + "b")
    ip("ip", "link", "set", TAG + "c", "netns", NS["client"])
    ip("ip", "link", "set", TAG + "b", "netns", NS["bal"])
    ip("ip", "addr", "add", CLIENT + "/24", "dev", TAG + "c", ns=NS["client"])
    ip("ip", "link", "set", TAG + "c", "up", ns=NS["client"])
    ip("ip", "route", "add", "default", "via", VIP, ns=NS["client"])
    ip("ip", "addr", "add", VIP + "/24", "dev", TAG + "b", ns=NS["bal"])
    ip("ip", "link", "set", TAG + "b", "up", ns=NS["bal"])
    # balancer <-> each host
    for i, (host, (gw, addr)) in enumerate(sorted(HOSTS.items()), 1):
        a, b = "%sh%d" % (TAG, i), "%sg%d" % (TAG, i)
        ip("ip", "link", "add", a, "type", "veth", "peer", "name", b)
        ip("ip", "link", "set", a, "netns", NS[host])
        ip("ip", "link", "set", b, "netns", NS["bal"])
        ip("ip", "addr", "add", addr + "/24", "dev", a, ns=NS[host])
        ip("ip", "link", "set", a, "up", ns=NS[host])
        ip("ip", "route", "add", "default", "via", gw, ns=NS[host])
        ip("ip", "addr", "add", gw + "/24", "dev", b, ns=NS["bal"])
        ip("ip", "link", "set", b, "up", ns=NS["bal"])
    # the balancer routes (its own namespace's setting, not the machine's)
    ip("sysctl", "-qw", "net.ipv4.ip_forward=1", ns=NS["bal"])


class MultiHost(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise unittest.SkipTest("needs root (network namespaces)")
        for tool in ("ip", "haproxy", "lftp", "curl", "systemd-socket-activate"):
            if not shutil.which(tool):
                raise unittest.SkipTest("%s is not installed" % tool)
        cls.servers = {}
        cls.tmp = tempfile.TemporaryDirectory()
        try:
            cls.start()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def start(cls):
        try:
            make_network()
        except AssertionError as e:
            if "Operation not permitted" in str(e) or "RTNETLINK" in str(e):
                raise unittest.SkipTest("cannot make network namespaces here: %s" % e)
            raise
        os.chmod(cls.tmp.name, 0o755)
        cls.shared = os.path.join(cls.tmp.name, "shared")
        os.makedirs(cls.shared)
        cls.payload = os.urandom(1 << 20)
        with open(os.path.join(cls.shared, "big.bin"), "wb") as f:
            f.write(cls.payload)
        give_to_server(cls.shared)
        cls.users = os.path.join(cls.tmp.name, "users")
        make_users_file(cls.users, [("alice", "pw", cls.shared, "rw")])
        for host in HOSTS:
            cls.start_host(host)
        cfg = os.path.join(cls.tmp.name, "haproxy.cfg")
        with open(cfg, "w") as f:
            f.write(haproxy_config())
        cls.servers["haproxy"] = Server(in_ns(NS["bal"], "haproxy", "-db", "-f", cfg), [])
        # up when a session through it gets its greeting and a listing
        deadline = time.monotonic() + TIMEOUT
        while True:
            r = subprocess.run(in_ns(NS["client"], "curl", "-sS", "--max-time", "3",
                                     cls.url("")), capture_output=True, timeout=TIMEOUT)
            if r.returncode == 0:
                break
            if time.monotonic() > deadline:
                raise AssertionError("no session through HAProxy: %s\nhost1:\n%s" % (
                    r.stderr, cls.servers["host1"].log.text()))
            time.sleep(0.2)   # polling HAProxy's health checks, bounded above

    @classmethod
    def start_host(cls, host):
        gw, addr = HOSTS[host]
        argv = in_ns(NS[host], "systemd-socket-activate", "-a", "-l", addr + ":21", "--",
                     *WRAPPER, SOCKFTPD, "--users", cls.users, "--login-delay", "0",
                     "--log", "stderr", "--proxy-protocol", "--proxy-trusted", gw,
                     "--pasv-address", addr, "--pasv-ports", "%d-%d" % PASV)
        cls.servers[host] = Server(argv, ["Listening on %s:21" % addr])

    @classmethod
    def tearDownClass(cls):
        for srv in cls.servers.values():
            srv.stop()
        remove_namespaces()
        cls.tmp.cleanup()

    @staticmethod
    def url(path):
        return "ftp://alice:pw@%s/%s" % (VIP, path)

    def curl(self, *args):
        r = subprocess.run(in_ns(NS["client"], "curl", "-sS", "--max-time", str(TIMEOUT),
                                 *args), capture_output=True, timeout=TIMEOUT * 2)
        self.assertEqual(r.returncode, 0, (r.stderr, self.logs()))
        return r.stdout

    def logs(self):
        return "\n".join("%s:\n%s" % (name, srv.log.text()[-3000:])
                         for name, srv in self.servers.items())

    def lftp(self, script):
        r = subprocess.run(in_ns(NS["client"], "lftp", "-c",
                                 "set net:max-retries 1; set net:timeout %d; "
                                 "set ftp:ssl-allow no; open -u alice,pw %s; %s"
                                 % (TIMEOUT, VIP, script)),
                           capture_output=True, timeout=TIMEOUT * 3)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def serving(self):
        """The host whose log shows the latest session of the client."""
        latest = None
        for host in HOSTS:
            text = self.servers[host].log.text() if host in self.servers else ""
            n = text.count("address = %s:" % CLIENT)
            if n:
                latest = (host, n) if latest is None or n > latest[1] else latest
        self.assertIsNotNone(latest, "no host logged the client's address")
        return latest[0]

    def check_download(self, *curl_args):
        out = self.curl(*curl_args, self.url("big.bin"))
        self.assertEqual(hashlib.sha256(out).digest(), hashlib.sha256(self.payload).digest())

    def check_upload(self, name, *curl_args):
        src = os.path.join(self.tmp.name, "up-" + name)
        with open(src, "wb") as f:
            f.write(self.payload[:300000])
        self.curl(*curl_args, "-T", src, self.url(name))
        with open(os.path.join(self.shared, name), "rb") as f:
            self.assertEqual(f.read(), self.payload[:300000])

    def test_1_epsv_through_the_balancer(self):
        self.assertIn(b"big.bin", self.curl(self.url("")))
        self.check_download()
        self.check_upload("epsv.bin")
        host = self.serving()
        self.assertIn("Accepted new connection (address = %s:" % CLIENT,
                      self.servers[host].log.text())

    def test_2_pasv_straight_to_the_host(self):
        # curl normally connects to the control address; here it takes the
        # host's own address from the 227
        self.check_download("--disable-epsv", "--no-ftp-skip-pasv-ip")
        self.check_upload("pasv.bin", "--disable-epsv", "--no-ftp-skip-pasv-ip")
        host = self.serving()
        self.assertIn("227 Entering Passive Mode (%s," % HOSTS[host][1].replace(".", ","),
                      self.curl_trace("--disable-epsv", "--no-ftp-skip-pasv-ip"))

    def curl_trace(self, *args):
        r = subprocess.run(in_ns(NS["client"], "curl", "-sS", "-v", "--max-time", str(TIMEOUT),
                                 *args, self.url("")), capture_output=True, text=True,
                           timeout=TIMEOUT * 2)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stderr

    def test_3_active_mode(self):
        self.check_download("--ftp-port", CLIENT)
        self.check_upload("active.bin", "--ftp-port", CLIENT)

    def test_4_lftp_both_modes(self):
        for passive in ("on", "off"):
            name = "lftp-%s.bin" % passive
            local = os.path.join(self.tmp.name, name)
            self.lftp("set ftp:passive-mode %s; get big.bin -o %s; put %s -o %s" %
                      (passive, local, local, name))
            with open(os.path.join(self.shared, name), "rb") as f:
                self.assertEqual(f.read(), self.payload)

    def test_5_hosts_log_the_client_not_the_balancer(self):
        self.curl(self.url(""))
        host = self.serving()
        text = self.servers[host].log.text()
        self.assertIn("alice logged in", text)
        self.assertNotIn("Sent by client %s:" % HOSTS[host][0], text)
        self.assertIn("Sent by client %s:" % CLIENT, text)

    def test_9_one_host_killed_the_other_serves(self):
        self.curl(self.url(""))
        first = self.serving()
        other = "host2" if first == "host1" else "host1"
        self.servers[first].stop()
        del self.servers[first]
        before = self.servers[other].log.text().count("address = %s:" % CLIENT)
        self.check_download()
        self.check_upload("after-kill.bin")
        self.assertGreater(self.servers[other].log.text().count("address = %s:" % CLIENT),
                           before)


if __name__ == "__main__":
    main()
