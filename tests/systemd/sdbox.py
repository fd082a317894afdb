"""sdbox: a real systemd as PID 1 in throwaway namespaces, for the tests.

    with Container() as box:          # boots /lib/systemd/systemd, ~1 s
        box.install_build(BUILD)      # what `meson install` would install
        box.sh("systemctl enable --now sockftpd.socket")
        with box.netns():             # sockets of this thread: the box's
            ...                       # loopback (127.0.0.1, ::1)

How: `unshare --pid --fork --mount --uts --ipc --net` starts nsinit.sh as
the first process of a new pid namespace; it moves into a cgroup set aside
for it, roots a cgroup namespace there, builds an overlay of the host's /
with a tmpfs upper layer (the host's disk is never written), mounts a private
/proc (with /proc/sys read-only), a read-only /sys, a writable cgroup2, a
private /dev with a pty of ours as the console, tmpfs /run and /tmp,
pivot_roots and becomes systemd without CAP_SYS_MODULE and CAP_SYS_TIME.
The harness talks to it with `nsenter --target PID1 --all` (commands, files)
and setns() into its network namespace (clients).

Teardown (Container.destroy, also on an exception, SIGTERM or SIGINT):
`systemctl poweroff`, SIGKILL to PID 1 when it does not go within a
deadline (which ends the whole pid namespace), every process left in the
cgroup killed, the cgroups removed, the work directory removed.  Mounts
live in the box's mount namespace and go with its last process.  If the
harness itself is SIGKILLed, the kernel still kills the box (parent-death
signals from the harness to unshare and from unshare to PID 1), and the next
run removes the empty cgroups and directories such a run left.

Needs root, util-linux (unshare, nsenter, setpriv, pivot_root), mount,
overlayfs, cgroup2 and /lib/systemd/systemd; unavailable() says what is
missing, so that tests can report themselves skipped.  No fixed sleeps:
every wait polls towards a deadline.
"""

import ctypes
import io
import json
import os
import re
import shutil
import signal
import subprocess
import tarfile
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NSINIT = os.path.join(HERE, "nsinit.sh")
SYSTEMD = "/lib/systemd/systemd"
PREFIX = "sockftpd-sdbox"
TOOLS = ("unshare", "nsenter", "setpriv", "pivot_root", "mount", "umount", "tar", "env")

_libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000
PR_SET_PDEATHSIG = 1


class Unavailable(Exception):
    """This machine cannot run the box (the reason is the message)."""


class BoxError(Exception):
    """The box failed (boot, a command)."""


def poll(what, fn, timeout, interval=0.01):
    """fn() until it returns something true; its value.  Raises BoxError
    naming `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            raise BoxError("timed out after %.1f s waiting for %s" % (timeout, what))
        time.sleep(interval)
        interval = min(interval * 2, 0.1)


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def cgroup2_mount():
    """Where the host's cgroup2 hierarchy is mounted, or None."""
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, right = line.split(" - ", 1)
            if right.split()[0] == "cgroup2":
                return left.split()[4].replace("\\040", " ")
    return None


def _run(argv, **kw):
    kw.setdefault("capture_output", True)
    kw.setdefault("timeout", 20)
    return subprocess.run(argv, **kw)


def unavailable():
    """None when a box can be booted here, else why not (for a skip)."""
    if os.geteuid() != 0:
        return "needs root (namespaces, mounts, cgroups)"
    if not os.access(SYSTEMD, os.X_OK):
        return "%s is missing (apt-get install systemd)" % SYSTEMD
    for t in TOOLS:
        if not shutil.which(t):
            return "%s is missing (apt-get install util-linux mount tar)" % t
    for path in ("/usr", "/etc"):
        r = _run(["findmnt", "-n", "-o", "TARGET", "--target", path])
        if r.returncode == 0 and r.stdout.decode().strip() != "/":
            return "%s is a mount of its own; the box overlays only /" % path
    r = _run(["unshare", "--pid", "--fork", "--mount", "--uts", "--ipc", "--net",
              "--cgroup", "true"])
    if r.returncode != 0:
        return "cannot create namespaces: %s" % r.stderr.decode().strip()
    probe = tempfile.mkdtemp(prefix=PREFIX + "-probe.")
    try:
        r = _run(["unshare", "--mount", "--propagation", "private", "sh", "-ec",
                  'mount -t tmpfs t "$1"; mkdir "$1/u" "$1/w" "$1/m"; '
                  'mount -t overlay o -o "lowerdir=/,upperdir=$1/u,workdir=$1/w" "$1/m"; '
                  'test -x "$1/m%s"' % SYSTEMD, "sh", probe])
        if r.returncode != 0:
            return "cannot mount an overlay of /: %s" % r.stderr.decode().strip()
    finally:
        os.rmdir(probe)
    cg = cgroup2_mount()
    if cg is None:
        r = _run(["unshare", "--mount", "sh", "-c",
                  'd=$(mktemp -d) && mount -t cgroup2 none "$d"'])
        if r.returncode != 0:
            return "no cgroup2 hierarchy, and none can be mounted"
    elif not os.access(cg, os.W_OK):
        return "cgroup2 at %s is read-only" % cg
    return None


def sweep_stale():
    """Remove what runs that were SIGKILLed left: empty cgroups and work
    directories named after a process that no longer exists."""
    cg = cgroup2_mount()
    pat = re.compile(re.escape(PREFIX) + r"[-.](\d+)[-.]")
    if cg:
        for name in os.listdir(cg):
            m = pat.match(name)
            if m and not _alive(int(m.group(1))):
                _remove_cgroup(os.path.join(cg, name), 5)
    for name in os.listdir(tempfile.gettempdir()):
        m = pat.match(name)
        if m and not _alive(int(m.group(1))):
            shutil.rmtree(os.path.join(tempfile.gettempdir(), name), ignore_errors=True)


def _cgroup_dirs(top):
    """top and every cgroup below it, deepest first."""
    out = []
    for root, dirs, _ in os.walk(top):
        out.append(root)
    return sorted(out, key=lambda p: -p.count("/"))


def _remove_cgroup(top, timeout):
    """Kill whatever is left in top's subtree and remove it."""
    if not os.path.isdir(top):
        return True
    if os.path.exists(os.path.join(top, "cgroup.kill")):
        try:
            with open(os.path.join(top, "cgroup.kill"), "w") as f:
                f.write("1")
        except OSError:
            pass
    for d in _cgroup_dirs(top):
        try:
            with open(os.path.join(d, "cgroup.procs")) as f:
                for pid in f.read().split():
                    try:
                        os.kill(int(pid), signal.SIGKILL)
                    except ProcessLookupError:
                        pass
        except OSError:
            pass

    def gone():
        for d in _cgroup_dirs(top):
            try:
                os.rmdir(d)
            except FileNotFoundError:
                pass
            except OSError:
                return False
        return True
    try:
        poll("cgroup %s to empty" % top, gone, timeout)
        return True
    except BoxError:
        return False


def _die_with_parent():
    # in the child, before exec: SIGKILL when the harness dies, however
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


class Container:
    def __init__(self, boot_timeout=60, log=None):
        self.boot_timeout = boot_timeout
        self.log = log or (lambda msg: None)
        self.work = None
        self.cg_root = None        # the host's cgroup2 mount point
        self.cg_mounted = None     # our own cgroup2 mount, when the host had none
        self.cg = None             # our cgroup on the host
        self.launcher = None
        self.pid1 = None
        self.console = bytearray()
        self._master = None
        self._reader = None
        self._netns_saved = []
        self._destroyed = False
        self.boot_seconds = None
        self.t_start = None

    # ------------------------------------------------------------ boot

    def __enter__(self):
        try:
            self.boot()
        except BaseException:
            self.destroy()
            raise
        return self

    def __exit__(self, *exc):
        self.destroy()

    def boot(self):
        reason = unavailable()
        if reason:
            raise Unavailable(reason)
        sweep_stale()
        self.t_start = time.monotonic()
        tag = "%s-%d-%s" % (PREFIX, os.getpid(), os.urandom(3).hex())
        self.work = tempfile.mkdtemp(prefix="%s.%d." % (PREFIX, os.getpid()))
        # the cgroup: ours/payload is the container's root; ours stays empty
        self.cg_root = cgroup2_mount()
        if self.cg_root is None:
            self.cg_mounted = os.path.join(self.work, "cgroup2")
            os.mkdir(self.cg_mounted)
            subprocess.run(["mount", "-t", "cgroup2", "cgroup2", self.cg_mounted], check=True)
            self.cg_root = self.cg_mounted
        self.cg = os.path.join(self.cg_root, tag)
        os.mkdir(self.cg)
        os.mkdir(os.path.join(self.cg, "payload"))
        try:   # hand down what the host delegates, so that TasksMax= etc. bind
            with open(os.path.join(self.cg_root, "cgroup.subtree_control")) as f:
                offered = f.read().split()
            for c in ("pids", "memory"):
                if c in offered:
                    with open(os.path.join(self.cg, "cgroup.subtree_control"), "w") as f:
                        f.write("+" + c)
        except OSError:
            pass
        # the console: a pty whose other end we drain
        self._master, slave = os.openpty()
        slave_path = os.ttyname(slave)
        self.launcher = subprocess.Popen(
            ["unshare", "--pid", "--fork", "--kill-child", "--mount", "--uts", "--ipc",
             "--net", "--propagation", "private", "--", "/bin/sh", NSINIT, self.work,
             os.path.join(self.cg, "payload"), slave_path],
            stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
            preexec_fn=_die_with_parent, close_fds=True)
        os.close(slave)
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        systemd = os.path.realpath(SYSTEMD)

        def pid1():
            if self.launcher.poll() is not None:
                raise BoxError("the box's first process ended (%s):\n%s" %
                               (self.launcher.returncode, self.console_text()))
            try:
                with open("/proc/%d/task/%d/children" % ((self.launcher.pid,) * 2)) as f:
                    kids = f.read().split()
                if kids and os.readlink("/proc/%s/exe" % kids[0]) == systemd:
                    return int(kids[0])
            except OSError:
                pass
            return None
        self.pid1 = poll("systemd to start", pid1, self.boot_timeout)

        def running():
            if not _alive(self.pid1):
                raise BoxError("systemd ended during boot:\n" + self.console_text())
            r = self.run(["systemctl", "is-system-running", "--wait"], check=False,
                         timeout=self.boot_timeout)
            state = r.stdout.decode().strip()
            return state if state in ("running", "degraded") else None
        state = poll("the boot to finish", running, self.boot_timeout)
        self.boot_seconds = time.monotonic() - self.t_start
        if state == "degraded":
            failed = self.run(["systemctl", "--failed", "--no-legend", "--plain"],
                              check=False).stdout.decode()
            self.log("box: degraded boot; failed units:\n" + failed)
        self.log("box: systemd is host pid %d, %s after %.2f s" %
                 (self.pid1, state, self.boot_seconds))

    def _drain(self):
        while True:
            try:
                data = os.read(self._master, 65536)
            except OSError:
                return
            if not data:
                return
            self.console += data
            del self.console[:-65536]

    def console_text(self):
        return bytes(self.console).decode("utf-8", "replace")

    # ------------------------------------------------------------ talking to it

    def run(self, argv, input=None, check=True, timeout=30):
        """A command in every namespace of the box, as its root."""
        r = subprocess.run(["nsenter", "--target", str(self.pid1), "--all", "--"] + list(argv),
                           input=input, capture_output=True, timeout=timeout)
        if check and r.returncode != 0:
            raise BoxError("%s: exit %d\n%s%s" % (" ".join(argv), r.returncode,
                                                  r.stdout.decode("utf-8", "replace"),
                                                  r.stderr.decode("utf-8", "replace")))
        return r

    def sh(self, script, check=True, timeout=30):
        return self.run(["/bin/sh", "-ec", script], check=check, timeout=timeout)

    def out(self, argv, **kw):
        return self.run(argv, **kw).stdout.decode("utf-8", "replace")

    def read(self, path):
        """A file of the box (read in the box: its symbolic links are its own)."""
        return self.run(["cat", "--", path]).stdout

    def write(self, path, data, mode=0o644):
        if isinstance(data, str):
            data = data.encode()
        self.run(["/bin/sh", "-ec", 'mkdir -p "$(dirname "$1")"; cat > "$1"; chmod "$2" "$1"',
                  "sh", path, "%o" % mode], input=data)

    def install_build(self, build):
        """Put into the box what `meson install` puts on a machine: the files
        and places the build's install plan names (meson-info), as root."""
        with open(os.path.join(build, "meson-info", "intro-installed.json")) as f:
            plan = json.load(f)
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w") as tar:
            for src, dest in sorted(plan.items()):
                info = tar.gettarinfo(src, arcname="." + dest)
                info.uid = info.gid = 0
                info.uname = info.gname = "root"
                info.mode = 0o755 if os.access(src, os.X_OK) else 0o644
                with open(src, "rb") as f:
                    tar.addfile(info, f)
        # --keep-directory-symlink: /lib is a symbolic link on merged-/usr
        self.run(["tar", "-x", "-C", "/", "--keep-directory-symlink", "--no-overwrite-dir",
                  "-f", "-"], input=buf.getvalue())
        return plan

    def netns(self):
        """Context manager: this thread's new sockets (and the processes it
        starts) live in the box's network namespace."""
        box = self

        class _Netns:
            def __enter__(self):
                box.enter_netns()
                return box

            def __exit__(self, *exc):
                box.leave_netns()
        return _Netns()

    def enter_netns(self):
        saved = os.open("/proc/thread-self/ns/net", os.O_RDONLY | os.O_CLOEXEC)
        target = os.open("/proc/%d/ns/net" % self.pid1, os.O_RDONLY | os.O_CLOEXEC)
        try:
            if _libc.setns(target, CLONE_NEWNET) != 0:
                e = ctypes.get_errno()
                os.close(saved)
                raise OSError(e, "setns: " + os.strerror(e))
        finally:
            os.close(target)
        self._netns_saved.append(saved)

    def leave_netns(self):
        while self._netns_saved:
            fd = self._netns_saved.pop()
            _libc.setns(fd, CLONE_NEWNET)
            os.close(fd)

    def host_cgroup(self, unit_cgroup):
        """The host's path of a cgroup the box names (ControlGroup=)."""
        return os.path.join(self.cg, "payload", unit_cgroup.lstrip("/"))

    def host_pids(self, unit):
        """Host pids of a unit's processes."""
        cg = self.out(["systemctl", "show", "-P", "ControlGroup", unit]).strip()
        if not cg:
            return []
        try:
            with open(os.path.join(self.host_cgroup(cg), "cgroup.procs")) as f:
                return [int(p) for p in f.read().split()]
        except FileNotFoundError:
            return []

    # ------------------------------------------------------------ teardown

    def destroy(self):
        """Power off and remove everything; safe to call twice.  Returns the
        list of what could not be removed (empty when clean)."""
        if self._destroyed:
            return []
        self._destroyed = True
        problems = []
        self.leave_netns()
        if self.pid1 and _alive(self.pid1):
            try:
                self.run(["systemctl", "poweroff", "--no-block"], check=False, timeout=5)
            except (subprocess.TimeoutExpired, OSError):
                pass
            try:
                poll("systemd to power off", lambda: not _alive(self.pid1), 5)
            except BoxError:
                self.log("box: systemd did not power off in time; SIGKILL")
                try:
                    os.kill(self.pid1, signal.SIGKILL)   # the whole pid namespace
                except ProcessLookupError:
                    pass
        if self.launcher:
            try:
                self.launcher.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.launcher.pid, signal.SIGKILL)
                self.launcher.wait(5)
        if self.cg and not _remove_cgroup(self.cg, 10):
            problems.append("cgroup %s is still there" % self.cg)
        if self.cg_mounted:
            if subprocess.run(["umount", self.cg_mounted]).returncode != 0:
                problems.append("cannot unmount %s" % self.cg_mounted)
        if self._master is not None:
            os.close(self._master)
            self._master = None
        if self._reader:
            self._reader.join(5)
        if self.work:
            with open("/proc/self/mountinfo") as f:
                if self.work in f.read():
                    problems.append("a mount below %s is left on the host" % self.work)
            shutil.rmtree(self.work, ignore_errors=True)
            if os.path.exists(self.work):
                problems.append("cannot remove %s" % self.work)
        if self.pid1 and _alive(self.pid1):
            problems.append("systemd (host pid %d) is still running" % self.pid1)
        for p in problems:
            self.log("box: teardown: " + p)
        return problems
