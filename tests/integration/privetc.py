"""A private /etc for tests that need system users and PAM services: the
test process enters a mount namespace of its own (before it starts any
thread), makes every mount private, and bind-mounts a copy of the whole
/etc over it (passwd, shadow, group, gshadow, shells, pam.d...).  Users and
services are added to the copy only; the host's files are never written.  Everything the process
starts (systemd-socket-activate, xinetd, sockftpd, PAM, curl) sees the
copies; the namespace, its mounts with it, ends with the last process in
it.  Needs root."""
import ctypes
import os
import subprocess
import time

from harness import free_id

CLONE_NEWNS = 0x00020000
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18

_libc = ctypes.CDLL(None, use_errno=True)


def _check(r, what):
    if r != 0:
        e = ctypes.get_errno()
        raise OSError(e, "%s: %s" % (what, os.strerror(e)))


def _mount(src, dst, flags):
    _check(_libc.mount(src.encode() if src else None, dst.encode(), None,
                       ctypes.c_ulong(flags), None), "mount %s" % dst)


def crypt_hash(password):
    return subprocess.run(["openssl", "passwd", "-6", password], capture_output=True,
                          check=True, timeout=30).stdout.decode().strip()


def private_copy_of_etc(directory):
    """Enter a private mount namespace and bind a whole copy of /etc (kept
    in directory) over it, for tools that replace files by renaming them
    (useradd, groupadd): they write the copy only."""
    _check(_libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    _mount(None, "/", MS_REC | MS_PRIVATE)
    copy = os.path.join(directory, "etc")
    subprocess.run(["cp", "-a", "/etc", copy], check=True, capture_output=True, timeout=60)
    _mount(copy, "/etc", MS_BIND)


class PrivateEtc:
    def __init__(self, directory):
        """Enter a private mount namespace with a copy of /etc (kept in
        directory) over it.  The whole directory, not each file: a file
        bind mount is detached from this namespace as soon as another one
        renames a file over the original (a useradd on the host replaces
        /etc/passwd), and the host's files would show through again."""
        private_copy_of_etc(directory)
        self.dir = "/etc"

    def _append(self, name, line):
        # in place: the bind mount shows this very inode
        with open(os.path.join("/etc", name), "a") as f:
            f.write(line + "\n")

    def add_user(self, name, password, home, uid=None, shell="/bin/bash", lock=False,
                 expire=None, lastchg=None, hash_=None):
        """A user and its own group; home made (0700, the user's).  lock: the
        hash starts with '!'; expire: the shadow expiry, in days since 1970;
        lastchg 0: the password must be changed."""
        uid = uid if uid is not None else free_id(40000)
        h = hash_ if hash_ is not None else crypt_hash(password)
        if lock:
            h = "!" + h
        today = int(time.time() // 86400)
        self._append("passwd", "%s:x:%d:%d:test user:%s:%s" % (name, uid, uid, home, shell))
        self._append("group", "%s:x:%d:" % (name, uid))
        if os.path.exists(os.path.join(self.dir, "gshadow")):
            self._append("gshadow", "%s:!::" % name)
        self._append("shadow", "%s:%s:%d:0:99999:7::%s:" % (
            name, h, today if lastchg is None else lastchg, "" if expire is None else expire))
        if home and not os.path.exists(home):
            os.makedirs(home)
            os.chown(home, uid, uid)
            os.chmod(home, 0o700)
        return uid

    def set_root_password(self, password):
        """root's hash in the private shadow (for the uid 0 refusal)."""
        path = "/etc/shadow"
        with open(path) as f:
            lines = f.read().splitlines()
        h = crypt_hash(password)
        out = [("root:%s:%s" % (h, l.split(":", 2)[2])) if l.startswith("root:") else l
               for l in lines]
        with open(path, "r+") as f:
            f.write("\n".join(out) + "\n")
            f.truncate()

    def pam_service(self, name, text):
        with open(os.path.join("/etc/pam.d", name), "w") as f:
            f.write(text)
