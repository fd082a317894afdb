"""The systemd units (FTP: sockftpd.socket and sockftpd@.service; implicit
FTPS: sockftpd-ftps.socket and sockftpd-ftps@.service; identities:
sockftpd-users.socket and sockftpd-users@.service; listener mode:
sockftpd-listener.socket and .service) pass systemd-analyze
verify (with ExecStart pointed at the built binary, since verify checks that
it exists) and security, the two pairs differ only where they must, and the
sysusers.d file creates the user they run as.  (tests/systemd/ runs them
under a real systemd.)"""
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
PAIRS = (("sockftpd.socket", "sockftpd@.service"),
         ("sockftpd-ftps.socket", "sockftpd-ftps@.service"),
         ("sockftpd-users.socket", "sockftpd-users@.service"),
         ("sockftpd-listener.socket", "sockftpd-listener.service"))
# CAP_SETUID CAP_SETGID CAP_SYS_CHROOT CAP_SETPCAP CAP_KILL: the identities
# unit's monitor, and nothing else
USERS_CAPS = "CAP_SETUID CAP_SETGID CAP_SYS_CHROOT CAP_SETPCAP CAP_KILL"


def read_unit(name):
    with open(os.path.join(UNITS, name)) as f:
        return f.read()


def settings(text):
    """The unit's settings, comments left out: [(section, line), ...]."""
    out, section = [], None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif line and not line.startswith("#"):
            out.append((section, line))
    return out


class Units(unittest.TestCase):
    def setUp(self):
        if not shutil.which("systemd-analyze"):
            self.skipTest("systemd-analyze not installed")

    def test_verify(self):
        for sock, svc_name in PAIRS:
            with tempfile.TemporaryDirectory() as d:
                shutil.copy(os.path.join(UNITS, sock), d)
                svc = read_unit(svc_name)
                # the binary's path, as the build wrote it, to the built one
                svc = re.sub(r"ExecStart=/\S*/sockftpd ", "ExecStart=%s " % SOCKFTPD, svc)
                self.assertIn("ExecStart=%s " % SOCKFTPD, svc)
                with open(os.path.join(d, svc_name), "w") as f:
                    f.write(svc)
                r = subprocess.run(["systemd-analyze", "verify", "--man=no", sock, svc_name],
                                   cwd=d, capture_output=True, timeout=TIMEOUT)
                self.assertEqual(r.returncode, 0, (sock, r.stderr))
                self.assertEqual(r.stdout + r.stderr, b"", sock)

    def test_exec_start(self):
        # no '-': a failed session must show as failed
        self.assertRegex(read_unit("sockftpd@.service"),
                         r"\nExecStart=/\S*/sockftpd \$SOCKFTPD_OPTIONS\n")
        # implicit FTPS with the credentials; the unit's TLS options last
        self.assertRegex(read_unit("sockftpd-ftps@.service"),
                         r"\nExecStart=/\S*/sockftpd \$SOCKFTPD_OPTIONS --tls-cert tls.crt "
                         r"--tls-key tls.key --tls-implicit\n")

    def test_ftps_key_by_credentials(self):
        svc = read_unit("sockftpd-ftps@.service")
        self.assertEqual(re.findall(r"(?m)^LoadCredential=.*", svc),
                         ["LoadCredential=tls.crt:/etc/sockftpd/tls.crt",
                          "LoadCredential=tls.key:/etc/sockftpd/tls.key"])
        # the FTP sessions get no key unless the administrator says so
        self.assertNotIn("Credential", "".join(l for _, l in settings(
            read_unit("sockftpd@.service"))))

    def test_ftps_units_differ_only_where_they_must(self):
        ftp_sock, ftps_sock = (settings(read_unit(u)) for u in ("sockftpd.socket",
                                                                 "sockftpd-ftps.socket"))
        diff = [(a, b) for a, b in zip(ftp_sock, ftps_sock) if a != b]
        self.assertEqual(len(ftp_sock), len(ftps_sock))
        self.assertEqual([b for _, b in diff], [
            ("[Unit]", "Description=sockftpd FTPS server socket (implicit TLS)"),
            ("[Socket]", "ListenStream=990")])
        ftp, ftps = (settings(read_unit(u)) for u in ("sockftpd@.service",
                                                      "sockftpd-ftps@.service"))
        own = [x for x in ftps if x not in ftp]
        self.assertEqual([l.split("=")[0] for _, l in own],
                         ["Description", "LoadCredential", "LoadCredential", "ExecStart"])
        self.assertEqual([x for x in ftps if x not in own],
                         [x for x in ftp if not x[1].startswith(("Description=", "ExecStart="))])

    def test_identities_unit_differs_only_in_who_it_runs_as(self):
        # the socket: sockftpd.socket's, in its place
        plain, users = (settings(read_unit(u)) for u in ("sockftpd.socket",
                                                         "sockftpd-users.socket"))
        self.assertEqual([x for x in users if x not in plain], [
            ("[Unit]", "Description=sockftpd FTP server socket (logins as their own accounts)"),
            ("[Unit]", "Conflicts=sockftpd.socket")])
        self.assertEqual([x for x in plain if x not in users],
                         [("[Unit]", "Description=sockftpd FTP server socket")])
        # the service: every wall of sockftpd@.service but who it runs as
        plain, users = (settings(read_unit(u)) for u in ("sockftpd@.service",
                                                         "sockftpd-users@.service"))
        self.assertEqual([l for _, l in plain if (_, l) not in users], [
            "Description=sockftpd FTP session %i",
            "ExecStart=%s $SOCKFTPD_OPTIONS" % re.search(r"ExecStart=(\S+)",
                                                          read_unit("sockftpd@.service")).group(1),
            "User=sockftpd", "Group=sockftpd", "CapabilityBoundingSet=", "PrivateUsers=yes",
            "SystemCallFilter=@system-service seccomp",
            "SystemCallFilter=~@privileged @resources @mount @swap @reboot @raw-io @module "
            "@debug @cpu-emulation @obsolete @clock"])
        svc = read_unit("sockftpd-users@.service")
        self.assertNotRegex(svc, r"(?m)^(User|Group|DynamicUser|AmbientCapabilities)=.")
        self.assertIn("\nCapabilityBoundingSet=%s\n" % USERS_CAPS, svc)
        self.assertIn("\nPrivateUsers=no\n", svc)
        self.assertIn("\nNoNewPrivileges=yes\n", svc)
        self.assertIn("\nProtectHome=read-only\n", svc)
        self.assertRegex(svc, r"\nExecStart=/\S*/sockftpd --run-as sockftpd \$SOCKFTPD_OPTIONS "
                         r"\$SOCKFTPD_USERS_OPTIONS\n")
        # its own options (--pam), empty unless a drop-in or the options
        # file sets them
        self.assertIn("\nEnvironment=SOCKFTPD_USERS_OPTIONS=\n", svc)

    def test_listener_units(self):
        sock = read_unit("sockftpd-listener.socket")
        for line in ("ListenStream=21", "BindIPv6Only=both", "Accept=no",
                     "Conflicts=sockftpd.socket", "After=sockftpd.socket"):
            self.assertIn("\n%s\n" % line, sock)
        svc = settings(read_unit("sockftpd-listener.service"))
        ftp = settings(read_unit("sockftpd@.service"))
        # the sessions' walls, all of them, and what a unit holding every
        # session needs on top of (after) them
        own = [l for _, l in svc if (_, l) not in ftp]
        self.assertEqual(own, [
            "Description=sockftpd FTP listener", "Requires=sockftpd-listener.socket",
            "After=sockftpd-listener.socket",
            "ExecStart=%s $SOCKFTPD_OPTIONS $SOCKFTPD_LISTENER_OPTIONS" %
            re.search(r"ExecStart=(\S+)", read_unit("sockftpd@.service")).group(1),
            "KillMode=mixed", "TimeoutStopSec=90", "LimitNOFILE=1024", "LimitNPROC=infinity",
            "TasksMax=4096", "Restart=on-failure", "Also=sockftpd-listener.socket"])
        self.assertEqual([x for x in ftp if x in svc],
                         [x for x in ftp if not x[1].startswith(
                             ("Description=", "ExecStart=", "CollectMode="))])

    def test_service_exposure_is_low(self):
        with tempfile.TemporaryDirectory() as d:
            shutil.copy(os.path.join(UNITS, "sockftpd-users@.service"), d)
            r = subprocess.run(["systemd-analyze", "security", "--offline=yes",
                                "sockftpd-users@.service"], cwd=d, capture_output=True,
                               timeout=TIMEOUT)
            m = re.search(rb"Overall exposure level for \S+: (\d+\.\d+)", r.stdout)
            self.assertIsNotNone(m, r.stdout + r.stderr)
            self.assertLessEqual(float(m.group(1)), 2.5, r.stdout.decode())
        for name in ("sockftpd@.service", "sockftpd-ftps@.service", "sockftpd-listener.service"):
            with tempfile.TemporaryDirectory() as d:
                shutil.copy(os.path.join(UNITS, name), d)
                r = subprocess.run(["systemd-analyze", "security", "--offline=yes", name],
                                   cwd=d, capture_output=True, timeout=TIMEOUT)
                m = re.search(rb"Overall exposure level for \S+: (\d+\.\d+)", r.stdout)
                self.assertIsNotNone(m, r.stdout + r.stderr)
                self.assertLessEqual(float(m.group(1)), 1.5, r.stdout.decode())

    def test_service_fixed_user_own_filter_failures_visible(self):
        for name in ("sockftpd@.service", "sockftpd-ftps@.service"):
            svc = read_unit(name)
            self.assertNotRegex(svc, r"(?m)^DynamicUser=")   # implies RestrictSUIDSGID=yes
            self.assertIn("\nUser=sockftpd\n", svc)
            self.assertIn("\nRestrictSUIDSGID=no\n", svc)   # lets openat2() through
            self.assertIn("\nSystemCallFilter=@system-service seccomp\n", svc)
            self.assertIn("\nCollectMode=inactive-or-failed\n", svc)

    def test_sysusers_creates_the_user(self):
        if os.geteuid() != 0 or not shutil.which("systemd-sysusers"):
            self.skipTest("needs root and systemd-sysusers")
        src = os.path.join(os.environ.get("SOCKFTPD_SRC_UNITS", ""), "sockftpd.sysusers")
        with tempfile.TemporaryDirectory() as root:
            os.makedirs(os.path.join(root, "etc"))
            r = subprocess.run(["systemd-sysusers", "--root=" + root, src],
                               capture_output=True, timeout=TIMEOUT)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(os.path.join(root, "etc", "passwd")) as f:
                users = [l.split(":") for l in f.read().splitlines()]
            with open(os.path.join(root, "etc", "group")) as f:
                groups = [l.split(":") for l in f.read().splitlines()]
        entry = [u for u in users if u[0] == "sockftpd"]
        self.assertEqual(len(entry), 1, users)
        uid, gid = int(entry[0][2]), int(entry[0][3])
        self.assertTrue(0 < uid < 1000, uid)    # a system user, not a dynamic one
        self.assertIn(["sockftpd", "x", str(gid), ""], groups)

    def test_socket_survives_floods(self):
        for name in ("sockftpd.socket", "sockftpd-ftps.socket", "sockftpd-users.socket"):
            sock = read_unit(name)
            self.assertIn("\nTriggerLimitIntervalSec=0\n", sock)
            self.assertIn("\nBacklog=64\n", sock)
            self.assertIn("\nMaxConnections=64\n", sock)
            self.assertIn("\nMaxConnectionsPerSource=8\n", sock)

    def test_socket_listens_dual_stack_with_accept(self):
        for name, port in (("sockftpd.socket", 21), ("sockftpd-ftps.socket", 990),
                           ("sockftpd-users.socket", 21)):
            sock = read_unit(name)
            self.assertIn("\nListenStream=%d\n" % port, sock)
            self.assertIn("\nBindIPv6Only=both\n", sock)
            self.assertIn("\nAccept=yes\n", sock)


if __name__ == "__main__":
    main()
