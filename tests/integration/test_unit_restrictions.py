"""The service unit's file-system walls, applied without systemd: a private
mount namespace with the whole file system read-only (ProtectSystem=strict)
but for the one upload directory (ReadWritePaths=), no capabilities left to
the session, which still switches to nobody and installs its filter.  The
server must serve, accept uploads into the writable directory, and refuse
them anywhere else with a clear 550/553."""
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (SOCKFTPD, Ftp, Server, give_to_server, main,  # noqa: E402
                     make_users_file, with_reserved_port)


class UnitRestrictions(unittest.TestCase):
    def test_read_only_system_writable_upload_dir(self):
        if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("setpriv"):
            self.skipTest("needs root, unshare and setpriv")
        with tempfile.TemporaryDirectory() as t:
            os.chmod(t, 0o755)
            home = os.path.join(t, "home")
            upload = os.path.join(home, "upload")
            os.makedirs(upload)
            with open(os.path.join(home, "readme.txt"), "w") as f:
                f.write("served\n")
            give_to_server(home)
            users = os.path.join(t, "users")
            make_users_file(users, [("alice", "pw", home, "rw")])
            listen = with_reserved_port("127.0.0.1:0")
            # the unit's walls: everything read-only (ProtectSystem=strict),
            # ReadWritePaths=upload, NoNewPrivileges=yes, CapabilityBoundingSet=
            # (the session keeps what it needs to switch users: it starts as
            # root here, as under xinetd, and drops it itself)
            script = (
                'mount --make-rprivate / && '
                'mount --bind "$0" "$0" && '
                'mount -o remount,bind,ro / && '
                'exec setpriv --no-new-privs '
                'systemd-socket-activate -a -l $1 -- "$2" --users "$3" '
                '--login-delay 0 --sandbox=required')
            srv = Server(["unshare", "-m", "sh", "-c", script, upload, listen, SOCKFTPD,
                          users], ["Listening on " + listen])
            try:
                f = Ftp("127.0.0.1", srv.port)
                f.login("alice", "pw")
                self.assertEqual(f.retr("readme.txt")[2], b"served\n")
                self.assertEqual(f.stor("upload/new.bin", b"uploaded")[0], 226)
                self.assertEqual(f.stor("elsewhere.bin", b"no")[0], 550)
                self.assertEqual(f.cmd("MKD upload/sub")[0], 257)
                self.assertEqual(f.cmd("MKD nope")[0], 550)
                f.close()
            finally:
                srv.stop()
            with open(os.path.join(upload, "new.bin"), "rb") as fh:
                self.assertEqual(fh.read(), b"uploaded")
            self.assertFalse(os.path.exists(os.path.join(home, "elsewhere.bin")))


if __name__ == "__main__":
    main()
