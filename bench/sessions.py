#!/usr/bin/env python3
"""Sessions per second and memory per idle session, per activation mode.

    bench/sessions.py [BUILD_DIR] [--seconds S] [--rounds R] [--idle N] [--breakdown]
                      [--compare OTHER_BUILD] [--instructions] [--cpu]
    bench/sessions.py [BUILD_DIR] --systemd [--seconds S] [--rounds R] [--idle N]

A session here is the shortest one a client can have: connect, read the 220
greeting, send QUIT, read the reply and the end of the connection.  Every
program is started per connection by `systemd-socket-activate -a` on
127.0.0.1 (as the user nobody when run as root, as the unit runs sockftpd
unprivileged), and measured the same way:

  sockftpd, systemd mode   LISTEN_FDS: sd_listen_fds() through libsystemd
  sockftpd, inetd mode     --inetd: the connection on standard input/output
  stub, libsystemd         bench/stub.c linked with -lsystemd: sd_listen_fds(),
                           greet, read a line, 221, exit: nothing else
  stub, libc               the same without libsystemd (LISTEN_FDS by hand)

Rates: R rounds, round-robin (every program once per round, S seconds
each), one client at a time; the median and the range are printed, and the
ratios the targets in docs/PERFORMANCE.md are about.

Memory: N idle sessions of one program at a time (greeted, waiting for a
command); the sum of their PSS (/proc/PID/smaps_rollup) divided by N.
--breakdown also prints one idle session's PSS per mapping, per program;
--compare adds another build's sockftpd (systemd mode), e.g. before a change;
--instructions counts each program's user-space instructions for one whole
session with valgrind's callgrind (exec to exit), which the load does not
move; --cpu measures each program's CPU time per session started directly
(bench/cpurun.c: a socketpair as the connection, no activator, no TCP, no
client), interleaved over the rounds: the steadiest figure on a busy machine.

--systemd boots a real systemd as PID 1 in namespaces (the test suite's
harness, tests/systemd/sdbox.py; needs root) with the shipped units, and
measures the same through sockftpd.socket (one unit started per connection)
and through the same units running the libsystemd stub instead.

A benchmark, not a test: meson test does not run it.
"""

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from benchlib import HZ, children_of, stat_of  # noqa: E402

TIMEOUT = 20.0


# ---------------------------------------------------------------- the client

def session(addr):
    """One shortest session; True when it went as it should."""
    family = socket.AF_INET6 if ":" in addr[0] else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(TIMEOUT)
        s.connect(addr)
        buf = b""
        while b"\r\n" not in buf:
            chunk = s.recv(512)
            if not chunk:
                return False
            buf += chunk
        if not buf.startswith(b"220 "):
            return False
        s.sendall(b"QUIT\r\n")
        buf = b""
        while True:
            chunk = s.recv(512)
            if not chunk:
                break
            buf += chunk
        return buf.startswith(b"221 ")


def rate(addr, seconds):
    """Sessions per second over `seconds`, one after the other."""
    n = bad = 0
    start = time.monotonic()
    end = start + seconds
    while time.monotonic() < end:
        if session(addr):
            n += 1
        else:
            bad += 1
    if bad:
        raise SystemExit("%d sessions failed on %s" % (bad, addr))
    return n / (time.monotonic() - start)


def proc_cpu(pid, children=True):
    """CPU seconds of pid itself, and of the children it reaped."""
    fields = stat_of(pid)
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / HZ


def children_cpu(pid):
    """CPU seconds (user + system) of the children pid has reaped."""
    fields = stat_of(pid)
    return (int(fields[13]) + int(fields[14])) / HZ


def open_idle(addrs, count, sources=("127.0.0.1",)):
    """count greeted, idle connections, spread over the source addresses."""
    socks = []
    for i in range(count):
        addr = addrs[i % len(addrs)]
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(TIMEOUT)
        s.bind((sources[i % len(sources)], 0))
        s.connect(addr)
        buf = b""
        while b"\r\n" not in buf:
            chunk = s.recv(512)
            if not chunk:
                raise SystemExit("idle session %d closed before its greeting" % i)
            buf += chunk
        socks.append(s)
    return socks


def wait_port(addr, deadline):
    while True:
        try:
            if session(addr):
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit("nothing serves %s:%d" % addr)
        time.sleep(0.02)


# ---------------------------------------------------------------- memory

def pss_kib(pid):
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    raise SystemExit("no Pss for %d" % pid)


def breakdown(pid):
    """PSS of one process per mapping name, KiB, largest first."""
    per = {}
    name = None
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            first = line.split()[0]
            if "-" in first and not first.endswith(":"):
                parts = line.split()
                name = os.path.basename(parts[5]) if len(parts) > 5 else "[anon]"
            elif first == "Pss:":
                per[name] = per.get(name, 0) + int(line.split()[1])
    return sorted(per.items(), key=lambda kv: -kv[1])


children = children_of


def as_nobody(argv):
    """argv run as the user nobody when this runs as root."""
    if os.geteuid() == 0:
        return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + argv
    return argv


def wait_sessions(prog, n, poll, timeout=TIMEOUT):
    """Until prog has n session processes (at most timeout s); their pids."""
    deadline = time.monotonic() + timeout
    while len(prog.sessions()) < n:
        if time.monotonic() > deadline:
            raise SystemExit("only %d of %d idle sessions" % (len(prog.sessions()), n))
        time.sleep(poll)
    return prog.sessions()


# ---------------------------------------------------------------- programs

def build_stubs(tmp):
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        raise SystemExit("no C compiler for bench/stub.c")
    src = os.path.join(HERE, "stub.c")
    stubs = {}
    for name, args in (("stub-libsystemd", ["-DWITH_LIBSYSTEMD", src, "-lsystemd"]),
                       ("stub-libc", [src])):
        out = os.path.join(tmp, name)
        subprocess.run([cc, "-O2", "-o", out] + args, check=True)
        os.chmod(out, 0o755)
        stubs[name] = out
    return stubs


class Activated:
    """One program under systemd-socket-activate -a on 127.0.0.1:port."""

    def __init__(self, argv, port, inetd=False):
        ssa = shutil.which("systemd-socket-activate")
        if not ssa:
            raise SystemExit("systemd-socket-activate is not installed")
        cmd = as_nobody([ssa, "-a"] + (["--inetd"] if inetd else []) +
                        ["-l", "127.0.0.1:%d" % port, "--"] + argv)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        self.addr = ("127.0.0.1", port)
        try:
            wait_port(self.addr, time.monotonic() + TIMEOUT)
        except BaseException:
            self.stop()
            raise

    def sessions(self):
        return children(self.proc.pid)

    def stop(self):
        if self.proc.poll() is None:
            # what the sessions cost, while the activator can still be read;
            # wait (bounded) until it has reaped the last one
            deadline = time.monotonic() + TIMEOUT
            while self.sessions() and time.monotonic() < deadline:
                time.sleep(0.01)
            self.final_cpu = children_cpu(self.proc.pid)
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait(5)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def idle_pss(prog, n, show_breakdown=False):
    socks = open_idle([prog.addr], n)
    try:
        pids = wait_sessions(prog, n, 0.01)
        total = sum(pss_kib(p) for p in pids)
        if show_breakdown:
            print("\nPSS of one idle session among %d, KiB per mapping:" % len(pids))
            for k, v in breakdown(pids[0]):
                if v:
                    print("  %6d  %s" % (v, k))
        return total / len(pids)
    finally:
        for s in socks:
            s.close()


def instructions(argv, inetd, tmp):
    """User-space instructions of one whole session (exec to exit, dynamic
    loading included), counted by callgrind: independent of the load."""
    vg = shutil.which("valgrind")
    if not vg:
        return None
    out = tempfile.mkdtemp(dir=tmp)
    os.chmod(out, 0o777)
    p = Activated([vg, "--tool=callgrind", "--vgdb=no",
                   "--callgrind-out-file=%s/cg.%%p" % out] + argv, free_port(), inetd)
    try:
        # Activated's readiness check ran one session: wait for its dump
        def dump():
            names = [n for n in os.listdir(out) if n.startswith("cg.")]
            if not names:
                return None
            with open(os.path.join(out, names[0])) as f:
                for line in f:
                    if line.startswith("totals:"):
                        return int(line.split()[1])
            return None
        deadline = time.monotonic() + 60
        while True:
            v = dump()
            if v:
                return v
            if time.monotonic() > deadline:
                raise SystemExit("no callgrind dump for %s" % argv[0])
            time.sleep(0.05)
    finally:
        p.stop()


def children_cpu_final(prog):
    return prog.final_cpu


def cpu_ab(progs, n, rounds, tmp):
    """CPU per session of each program started directly (bench/cpurun.c:
    a socketpair as the connection, no activator, no TCP, no client in the
    figure), the programs taking turns over the rounds."""
    cc = shutil.which("cc") or shutil.which("gcc")
    runner = os.path.join(tmp, "cpurun")
    subprocess.run([cc, "-O2", "-o", runner, os.path.join(HERE, "cpurun.c")], check=True)
    os.chmod(runner, 0o755)
    specs = ["%s:%s" % ("i" if inetd else "s", ",".join(argv)) for _, (argv, inetd) in progs]
    out = subprocess.run([runner, str(n), str(rounds), "65534" if os.geteuid() == 0 else "0"]
                         + specs, capture_output=True, check=True, text=True).stdout.split()
    return {name: float(v) / 1000 for (name, _), v in zip(progs, out)}


def med(xs):
    return "%7.0f (%.0f-%.0f)" % (statistics.median(xs), min(xs), max(xs))


def report(order, rates, pss):
    print("\n%-32s %22s %18s" % ("program", "sessions/s", "PSS/idle session"))
    for k in order:
        print("%-32s %22s %14.0f KiB" % (k, med(rates[k]), pss[k]))
    m = {k: statistics.median(v) for k, v in rates.items()}
    return m


# ---------------------------------------------------------------- systemd-socket-activate

def bench_activate(args, bin_, anon, stubs):
    progs = [
        ("sockftpd, systemd mode", ([bin_, "--anonymous", anon], False)),
        ("sockftpd, inetd mode", ([bin_, "--anonymous", anon], True)),
        ("stub, libsystemd", ([stubs["stub-libsystemd"]], False)),
        ("stub, libc", ([stubs["stub-libc"]], False)),
    ]
    if args.compare:
        other = os.path.join(os.path.abspath(args.compare), "src", "sockftpd")
        progs.append(("%s, systemd mode" % args.compare, ([other, "--anonymous", anon], False)))
    rates = {name: [] for name, _ in progs}
    cpu = {name: [0.0, 0] for name, _ in progs}   # CPU seconds, sessions
    pss = {}
    for r in range(args.rounds):
        for name, (argv, inetd) in progs:
            p = Activated(argv, free_port(), inetd)
            try:
                c0 = children_cpu(p.proc.pid)
                rates[name].append(rate(p.addr, args.seconds))
                # every session has been reaped once the activator is gone
                p.stop()
                cpu[name][0] += children_cpu_final(p) - c0
                cpu[name][1] += int(rates[name][-1] * args.seconds + 0.5)
            finally:
                p.stop()
        print("round %d: %s" % (r + 1, ", ".join("%s %.0f" % (k, v[-1])
                                                for k, v in rates.items())), flush=True)
    for name, (argv, inetd) in progs:
        p = Activated(argv, free_port(), inetd)
        try:
            if args.breakdown:
                print("\n" + name, end="")
            pss[name] = idle_pss(p, args.idle, args.breakdown)
        finally:
            p.stop()
    m = report([n for n, _ in progs], rates, pss)
    print("\nCPU time per session (user + system of the session process, all rounds;")
    print("less moved by the load than the rates):")
    per = {}
    for name, _ in progs:
        secs, n = cpu[name]
        per[name] = secs / n if n else float("nan")
        print("  %-32s %6.2f ms  (%d sessions)" % (name, per[name] * 1000, n))
    print("  sockftpd systemd mode / stub libsystemd, in sessions per CPU second: %.2f" %
          (per["stub, libsystemd"] / per["sockftpd, systemd mode"]))
    if args.cpu:
        per = cpu_ab(progs, 40, args.rounds, args.tmp)
        print("\nCPU time per session, started directly, interleaved (--cpu):")
        for name, _ in progs:
            print("  %-32s %6.2f ms" % (name, per[name] * 1000))
        print("  sockftpd systemd mode / stub libsystemd, in sessions per CPU second: %.2f" %
              (per["stub, libsystemd"] / per["sockftpd, systemd mode"]))
    if args.instructions:
        print("\nuser-space instructions per session (callgrind, exec to exit):")
        ins = {}
        for name, (argv, inetd) in progs:
            ins[name] = instructions(argv, inetd, args.tmp)
            print("  %-32s %12s" % (name, "{:,}".format(ins[name]) if ins[name] else "-"))
    print("\nratios of the medians:")
    print("  sockftpd systemd mode / stub libsystemd: %.2f   (target >= 0.9)" %
          (m["sockftpd, systemd mode"] / m["stub, libsystemd"]))
    print("  sockftpd systemd mode / stub libc:       %.2f" %
          (m["sockftpd, systemd mode"] / m["stub, libc"]))
    print("  sockftpd inetd mode / stub libc:         %.2f" %
          (m["sockftpd, inetd mode"] / m["stub, libc"]))
    print("  stub libsystemd / stub libc:             %.2f" %
          (m["stub, libsystemd"] / m["stub, libc"]))


# ---------------------------------------------------------------- a real systemd

def bench_systemd(args, build, stubs):
    sys.path.insert(0, os.path.join(HERE, "..", "tests", "systemd"))
    import sdbox  # noqa: E402  (the test suite's harness)

    reason = sdbox.unavailable()
    if reason:
        raise SystemExit("cannot boot systemd here: " + reason)
    with sdbox.Container() as box:
        box.install_build(build)
        box.sh("systemd-sysusers && mkdir -p /srv/ftp && "
               "echo 'SOCKFTPD_OPTIONS=--anonymous /srv/ftp' > /etc/default/sockftpd")
        # the libsystemd stub behind the same units, on port 2121
        with open(stubs["stub-libsystemd"], "rb") as f:
            box.write("/usr/local/libexec/stub-libsystemd", f.read(), 0o755)
        unit = box.read("/lib/systemd/system/sockftpd@.service").decode()
        unit = "\n".join("ExecStart=/usr/local/libexec/stub-libsystemd"
                         if l.startswith("ExecStart=") else l for l in unit.split("\n"))
        box.write("/etc/systemd/system/stub@.service", unit)
        sock = box.read("/lib/systemd/system/sockftpd.socket").decode()
        box.write("/etc/systemd/system/stub.socket",
                  sock.replace("ListenStream=21", "ListenStream=2121"))
        box.run(["systemctl", "daemon-reload"])
        box.run(["systemctl", "start", "sockftpd.socket", "stub.socket"])
        progs = [("sockftpd.socket + sockftpd@.service", 21, "sockftpd"),
                 ("the same units running the stub", 2121, "stub")]
        rates = {n: [] for n, _, _ in progs}
        cpu = {n: [0.0, 0.0, 0] for n, _, _ in progs}   # systemd side, journald, sessions
        with open(os.path.join(box.host_cgroup("system.slice/systemd-journald.service"),
                               "cgroup.procs")) as f:
            journald = int(f.read().split()[0])
        pss = {}
        with box.netns():
            for name, port, _ in progs:
                wait_port(("127.0.0.1", port), time.monotonic() + TIMEOUT)
            for r in range(args.rounds):
                for name, port, _ in progs:
                    c0, j0 = proc_cpu(box.pid1), proc_cpu(journald, False)
                    rates[name].append(rate(("127.0.0.1", port), args.seconds))
                    # the last sessions' units stopped and reaped (bounded)
                    unit = "sockftpd" if port == 21 else "stub"
                    sdbox.poll("the sessions to end", lambda: box.out(
                        ["systemctl", "show", "-P", "NConnections", unit + ".socket"]).strip()
                        == "0", TIMEOUT)
                    cpu[name][0] += proc_cpu(box.pid1) - c0
                    cpu[name][1] += proc_cpu(journald, False) - j0
                    cpu[name][2] += int(rates[name][-1] * args.seconds + 0.5)
                print("round %d: %s" % (r + 1, ", ".join("%s %.0f" % (k, v[-1])
                                                        for k, v in rates.items())), flush=True)
            # idle sessions: MaxConnectionsPerSource=8, so from several
            # loopback addresses
            n = min(args.idle, 56)
            sources = ["127.0.0.%d" % (i + 2) for i in range(7)]
            for name, port, prefix in progs:
                socks = open_idle([("127.0.0.1", port)], n, sources)
                try:
                    slice_ = box.host_cgroup("system.slice/system-%s.slice" % prefix)

                    def pids():
                        out = []
                        for d in os.listdir(slice_):
                            if d.endswith(".service"):
                                with open(os.path.join(slice_, d, "cgroup.procs")) as f:
                                    out += [int(p) for p in f.read().split()]
                        return out if len(out) >= n else None
                    got = sdbox.poll("%d idle sessions" % n, pids, TIMEOUT)
                    pss[name] = sum(pss_kib(p) for p in got) / len(got)
                    if args.breakdown:
                        print("\n%s\nPSS of one idle session among %d, KiB per mapping:" %
                              (name, len(got)))
                        for k, v in breakdown(got[0]):
                            if v:
                                print("  %6d  %s" % (v, k))
                finally:
                    for s_ in socks:
                        s_.close()
        m = report([n for n, _, _ in progs], rates, pss)
        print("\nratio sockftpd / stub under systemd: %.2f" %
              (m[progs[0][0]] / m[progs[1][0]]))
        print("\nCPU time per connection: systemd (PID 1 and every process it reaped: the")
        print("session, its unit's set-up, the accept helper) and journald:")
        for name, _, _ in progs:
            sd, jd, n = cpu[name]
            print("  %-40s %6.2f ms + journald %5.2f ms  (%d sessions)" %
                  (name, sd / n * 1000, jd / n * 1000, n))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("build", nargs="?", default="build")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--idle", type=int, default=50)
    ap.add_argument("--breakdown", action="store_true")
    ap.add_argument("--systemd", action="store_true")
    ap.add_argument("--cpu", action="store_true",
                    help="also measure CPU per session with the programs started directly")
    ap.add_argument("--instructions", action="store_true",
                    help="also count each program's instructions per session (valgrind)")
    ap.add_argument("--compare", metavar="OTHER_BUILD",
                    help="also measure another build's sockftpd in systemd mode")
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    bin_ = os.path.join(build, "src", "sockftpd")
    if not os.access(bin_, os.X_OK):
        raise SystemExit("no %s: build first (scripts/build.sh %s)" % (bin_, args.build))
    print("machine: %s, %d CPUs, load %s" % (os.uname().release, os.cpu_count(),
                                            open("/proc/loadavg").read().split()[0]))
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        args.tmp = tmp
        anon = os.path.join(tmp, "anon")
        os.mkdir(anon)
        stubs = build_stubs(tmp)
        if args.systemd:
            bench_systemd(args, build, stubs)
        else:
            bench_activate(args, bin_, anon, stubs)


if __name__ == "__main__":
    main()
