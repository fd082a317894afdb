#!/usr/bin/env python3
"""Sessions per second in listener mode against inetd mode and the null stub,
at 1, 4 and 8 client loops; idle sessions in listener mode with their memory.

    bench/listener.py [BUILD_DIR] [--seconds S] [--rounds R] [--loops 1,4,8]
                      [--idle N[,N...]] [--idle-modes fork,fork+exec] [--no-rates]

A session is bench/sessions.py's shortest one: connect, read the 220, QUIT,
read the 221 and the end of the connection.  Each client loop is a process
of its own running sessions one after the other; the rate is the sum over the
loops.  The programs, all on 127.0.0.1, as the user nobody when run as root:

  listener, fork        sockftpd --listen 127.0.0.1:0 --listen-exec=no
  listener, fork+exec   sockftpd --listen 127.0.0.1:0 --listen-exec=yes
  inetd mode            systemd-socket-activate -a --inetd sockftpd
  stub, libc            bench/stub.c under systemd-socket-activate -a: greet,
                        read a line, 221, exit (nothing else: the floor)

(The listener gets --max-startups 0 --max-per-ip 0 so the admission control,
which is for real clients, does not refuse the bench's one address.)

Idle: N greeted sessions in listener mode (both ways), from 127.0.0.2 on
(--login-timeout and --idle-timeout at a day: opening them takes a while);
then the sum of their PSS (/proc/PID/smaps_rollup) divided by N, and every
one of them answers NOOP.  RLIMIT_NOFILE is raised to its hard limit.

The server's CPU time per session (the listener's or the activator's own,
and that of every session it reaped, /proc/PID/stat) is printed too: on a
shared, loaded machine it moves less than the rates.

A benchmark, not a test: meson test does not run it.
"""

import argparse
import multiprocessing
import os
import re
import selectors
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import sessions as sb  # noqa: E402  (bench/sessions.py's client and helpers)

TIMEOUT = 30.0


class Listener:
    """sockftpd in listener mode on 127.0.0.1, port read from its log."""

    def __init__(self, bin_, anon, exec_):
        argv = sb.as_nobody([bin_, "--log", "stderr", "--anonymous", anon,
                          "--listen", "127.0.0.1:0", "--listen-exec=" + exec_,
                          "--max-startups", "0", "--max-per-ip", "0",
                          "--max-sessions", "20000", "--login-timeout", "86400",
                          "--idle-timeout", "86400"])
        self.err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=self.err, start_new_session=True)
        deadline = time.monotonic() + TIMEOUT
        while True:
            self.err.seek(0)
            m = re.search(rb"Listening on 127\.0\.0\.1:(\d+)", self.err.read())
            if m:
                self.addr = ("127.0.0.1", int(m.group(1)))
                break
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.stop()
                raise SystemExit("the listener did not start")
            time.sleep(0.01)

    def sessions(self):
        return sb.children(self.proc.pid)

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
                self.proc.wait(5)
        self.err.close()


def loop(addr, seconds, q):
    q.put(sb.rate(addr, seconds) * seconds)


def rate(addr, seconds, loops):
    """Sessions per second of `loops` client processes together."""
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    procs = [ctx.Process(target=loop, args=(addr, seconds, q)) for _ in range(loops)]
    for p in procs:
        p.start()
    total = sum(q.get(timeout=seconds + TIMEOUT) for _ in procs)
    for p in procs:
        p.join(TIMEOUT)
        if p.exitcode != 0:
            raise SystemExit("a client loop failed")
    return total / seconds


def start(name, bin_, anon, stubs):
    if name == "listener, fork":
        return Listener(bin_, anon, "no")
    if name == "listener, fork+exec":
        return Listener(bin_, anon, "yes")
    if name == "inetd mode":
        return sb.Activated([bin_, "--anonymous", anon], sb.free_port(), True)
    return sb.Activated([stubs["stub-libc"]], sb.free_port(), False)


def idle(prog, n):
    """PSS per idle session (KiB), how many answered NOOP, how many closed,
    how many were still silent after 120 s, and the seconds opening took."""
    sources = ["127.0.0.%d" % (2 + i % 200) for i in range(n)]
    t0 = time.monotonic()
    socks = sb.open_idle([prog.addr], n, sources)
    opened = time.monotonic() - t0
    try:
        pids = sb.wait_sessions(prog, n, 0.05, TIMEOUT)
        pss = sum(sb.pss_kib(p) for p in pids) / len(pids)
        print("  %d sessions, PSS %.0f KiB each; NOOP to every one..." % (len(pids), pss),
              flush=True)
        sel = selectors.DefaultSelector()
        got = {}
        for s in socks:
            s.sendall(b"NOOP\r\n")
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ)
            got[s] = b""
        ok = closed = 0
        deadline = time.monotonic() + 120
        while got and time.monotonic() < deadline:
            for key, _ in sel.select(1.0):
                s = key.fileobj
                chunk = s.recv(512)
                got[s] += chunk
                if not chunk or b"\r\n" in got[s]:
                    ok += got[s].startswith(b"200 ")
                    closed += not chunk
                    sel.unregister(s)
                    del got[s]
        return pss, ok, closed, len(got), opened
    finally:
        for s in socks:
            s.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("build", nargs="?", default="build")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--loops", default="1,4,8")
    ap.add_argument("--idle", default="1000")
    ap.add_argument("--no-rates", action="store_true")
    ap.add_argument("--idle-modes", default="fork,fork+exec",
                    help="which listener modes the idle sessions are measured in")
    args = ap.parse_args()
    bin_ = os.path.join(os.path.abspath(args.build), "src", "sockftpd")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    print("machine: %s, %d CPUs, load %s" % (os.uname().release, os.cpu_count(),
                                            open("/proc/loadavg").read().split()[0]))
    names = ["listener, fork", "listener, fork+exec", "inetd mode", "stub, libc"]
    loops = [int(x) for x in args.loops.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        anon = os.path.join(tmp, "anon")
        os.mkdir(anon)
        stubs = sb.build_stubs(tmp)
        rates = {(n, l): [] for n in names for l in loops}
        cpu = {n: [0.0, 0] for n in names}  # server CPU seconds, sessions
        for r in range(args.rounds if not args.no_rates else 0):
            for l in loops:
                for name in names:
                    p = start(name, bin_, anon, stubs)
                    try:
                        c0 = sb.proc_cpu(p.proc.pid)
                        rates[(name, l)].append(rate(p.addr, args.seconds, l))
                        deadline = time.monotonic() + TIMEOUT
                        while p.sessions() and time.monotonic() < deadline:
                            time.sleep(0.01)
                        cpu[name][0] += sb.proc_cpu(p.proc.pid) - c0
                        cpu[name][1] += int(rates[(name, l)][-1] * args.seconds + 0.5)
                    finally:
                        p.stop()
            print("round %d done" % (r + 1), flush=True)
        if not args.no_rates:
            print("\nsessions/s, median of %d rounds of %.0f s (range)" % (args.rounds,
                                                                       args.seconds))
            print("%-22s" % "program" + "".join("%20s" % ("%d loop%s" % (l, "s" * (l > 1)))
                                                for l in loops))
            for name in names:
                print("%-22s" % name + "".join(
                    "%20s" % ("%.0f (%.0f-%.0f)" % (statistics.median(rates[(name, l)]),
                                                    min(rates[(name, l)]),
                                                    max(rates[(name, l)])))
                    for l in loops))
            print("\nratios to inetd mode:")
            for name in names:
                print("%-22s" % name + "".join(
                    "%20.2f" % (statistics.median(rates[(name, l)]) /
                                statistics.median(rates[("inetd mode", l)]))
                    for l in loops))
            print("\nserver CPU time per session (the listener or activator and every")
            print("session it reaped; less moved by the load than the rates):")
            for name in names:
                secs, n = cpu[name]
                print("  %-22s %6.2f ms  (%d sessions)" % (name, secs / n * 1000, n))
        for n in [int(x) for x in args.idle.split(",") if x and int(x) > 0]:
            for mode in args.idle_modes.split(","):
                name = "listener, " + mode
                p = start(name, bin_, anon, stubs)
                try:
                    pss, ok, closed, silent, opened = idle(p, n)
                    print("%s: %d idle sessions (opened in %.1f s), PSS %.0f KiB each "
                          "(%.0f MiB in all), %d of %d answered NOOP (%d closed, %d silent "
                          "after 120 s)" % (name, n, opened, pss, pss * n / 1024, ok, n,
                                            closed, silent), flush=True)
                finally:
                    p.stop()


if __name__ == "__main__":
    main()
