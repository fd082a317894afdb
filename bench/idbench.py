#!/usr/bin/env python3
"""Benchmark client for the identities measurements (plain FTP, Python 3
standard library only; the FTP client is bench/ftpbench.py's, the server's
CPU time is read as bench/ftpsbench.py reads it).

Driven by bench/identities.sh; the subcommands are:

  prepare ROOT COUNT SIZE           the data set: big.bin (1 GiB), small/ (COUNT
                                    files of SIZE bytes), up/
  sessions NAME PORT USER SECONDS [SERVER_PID]
                                    sessions per second, one client loop for
                                    SECONDS, each session: connect, 220, USER,
                                    PASS, QUIT, 221, the end of the connection;
                                    with SERVER_PID the server's CPU per session
  small NAME PORT USER COUNT SIZE [SERVER_PID]
                                    one session, COUNT files of SIZE bytes
                                    RETR'd one after the other (a PASV each),
                                    files/s and the server's CPU per file
  xfer NAME PORT USER ROOT [SERVER_PID]
                                    RETR and STOR of big.bin, one session each,
                                    MB/s and the server's CPU per GiB
  report JSON...                    the tables and the ratios

The password is in $FTPBENCH_PASS.  Each subcommand prints one JSON line.
"""

import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (BIG_NAME, BIG_SIZE, RECV_BUF, FTPError, print_errors,  # noqa: E402
                      print_table, run_main, server_cpu, spread, write_big,
                      write_small)
from ftpbench import Control, retr_big, small_files, stor_big  # noqa: E402


def prepare(root, count, size):
    write_big(root)
    write_small(root, count, size, "f%05d")
    os.mkdir(os.path.join(root, "up"))


def one_session(port, user, password):
    Control(port).short_session(user, password)


def run_sessions(name, port, user, password, seconds, spid):
    one_session(port, user, password)           # warm
    cpu0 = server_cpu(spid)
    n = bad = 0
    err = ""
    start = time.monotonic()
    last = start
    end = start + seconds
    while time.monotonic() < end:
        try:
            one_session(port, user, password)
            n += 1
            last = time.monotonic()
        except (OSError, FTPError) as e:
            bad += 1
            err = "%s: %s" % (type(e).__name__, e)
    cpu1 = server_cpu(spid)
    res = {"server": name, "kind": "sessions", "rate": n / (last - start) if n else 0.0,
           "n": n, "failed": bad, "errors": [err] if err else []}
    if cpu0 is not None and n:
        res["cpu_ms"] = (cpu1 - cpu0) / n * 1000
    json.dump(res, sys.stdout)
    print()
    return 0


def run_small(name, port, user, password, count, size, spid):
    buf = bytearray(RECV_BUF)
    res = {"server": name, "kind": "small", "errors": []}
    cpu0 = server_cpu(spid)
    c = Control(port)
    try:
        c.login(user, password)
        res["rate"] = count / small_files(c, buf, count, size, "f%05d")
    except (OSError, FTPError) as e:
        res["errors"].append("%s: %s" % (type(e).__name__, e))
    finally:
        c.quit()
    cpu1 = server_cpu(spid)
    if cpu0 is not None and "rate" in res:
        res["cpu_us"] = (cpu1 - cpu0) / count * 1e6      # the login's share included
    json.dump(res, sys.stdout)
    print()
    return 0


def run_xfer(name, port, user, password, root, spid):
    buf = bytearray(RECV_BUF)
    res = {"server": name, "kind": "xfer", "errors": []}
    for key, fn in (("retr", lambda c: retr_big(c, buf)),
                    ("stor", lambda c: stor_big(c, os.path.join(root, BIG_NAME), 0))):
        cpu0 = server_cpu(spid)
        try:
            c = Control(port)
        except OSError as e:
            res["errors"].append("%s: connect: %s" % (key, e))
            continue
        try:
            c.login(user, password)
            res[key + "_mbs"] = BIG_SIZE / 1e6 / fn(c)
        except (OSError, FTPError) as e:
            res["errors"].append("%s: %s: %s" % (key, type(e).__name__, e))
        finally:
            c.quit()
        cpu1 = server_cpu(spid)
        if cpu0 is not None and key + "_mbs" in res:
            res[key + "_cpu"] = (cpu1 - cpu0) / (BIG_SIZE / (1 << 30))
    json.dump(res, sys.stdout)
    print()
    return 0


# ---------------------------------------------------------------- report

def report(paths):
    by = {}
    order = []
    errs = []
    for p in paths:
        if not os.path.exists(p):
            errs.append("%s: no result" % os.path.basename(p))
            continue
        with open(p) as f:
            for ln in f:
                if not ln.strip():
                    continue
                r = json.loads(ln)
                if r["server"] not in by:
                    order.append(r["server"])
                s = by.setdefault(r["server"], {})
                for k, v in r.items():
                    if isinstance(v, (int, float)) and k not in ("n", "failed"):
                        s.setdefault(r["kind"] + ":" + k, []).append(v)
                if r.get("failed"):
                    errs.append("%s: %d sessions failed: %s" % (
                        r["server"], r["failed"], "; ".join(r["errors"])))
                elif r.get("errors"):
                    errs += ["%s %s: %s" % (r["server"], r["kind"], e) for e in r["errors"]]

    def med(name, key):
        v = by.get(name, {}).get(key)
        return statistics.median(v) if v else None

    cols = [("sessions:rate", "sessions/s", "%.1f"), ("sessions:cpu_ms", "CPU ms/session", "%.2f"),
            ("small:rate", "small files/s", "%.0f"), ("small:cpu_us", "CPU us/file", "%.0f"),
            ("xfer:retr_mbs", "RETR MB/s", "%.0f"), ("xfer:stor_mbs", "STOR MB/s", "%.0f"),
            ("xfer:retr_cpu", "RETR CPU s/GiB", "%.2f"), ("xfer:stor_cpu", "STOR CPU s/GiB", "%.2f")]
    cols = [c for c in cols if any(c[0] in by[n] for n in order)]
    rows = [["server"] + [h for _, h, _ in cols]]
    for n in order:
        rows.append([n] + [spread(by[n].get(k, []), f) for k, _, f in cols])
    print("median (min-max) of the rounds; server CPU: the server's session processes")
    print("(user + system), the listener's included; MB = 10^6 bytes")
    print()
    print_table(rows)
    print()
    print("ratios of the medians:")

    def ratio(label, a, b, target):
        print("  %-52s %s%s" % (label, "n/a" if not a or not b else "%.2f" % (a / b),
                                 "  (target %s)" % target if target else ""))

    mon, one = "sockftpd-monitor", "sockftpd-single"
    ratio("sessions/s, monitor / single process", med(mon, "sessions:rate"),
          med(one, "sessions:rate"), ">= 0.8")
    ratio("CPU per session, single process / monitor", med(one, "sessions:cpu_ms"),
          med(mon, "sessions:cpu_ms"), "")
    peers = [n for n in ("vsftpd", "pure-ftpd") if med(n, "small:rate")]
    best = max(peers, key=lambda n: med(n, "small:rate")) if peers else None
    ratio("small files/s, monitor / single process", med(mon, "small:rate"),
          med(one, "small:rate"), "")
    if best:
        ratio("small files/s, monitor / %s (the best peer)" % best, med(mon, "small:rate"),
              med(best, "small:rate"), ">= 1")
        ratio("small files/s, single / %s (the best peer)" % best, med(one, "small:rate"),
              med(best, "small:rate"), "")
    for k in ("retr", "stor"):
        ratio("%s MB/s, monitor / single process" % k.upper(), med(mon, "xfer:%s_mbs" % k),
              med(one, "xfer:%s_mbs" % k), "within noise")
        ratio("%s CPU per GiB, single process / monitor" % k.upper(),
              med(one, "xfer:%s_cpu" % k), med(mon, "xfer:%s_cpu" % k), "")
    return print_errors(errs)


def main(cmd, a):
    pw = os.environ.get("FTPBENCH_PASS", "")

    def spid(i):
        return int(a[i]) if len(a) > i else 0
    if cmd == "prepare":
        prepare(a[0], int(a[1]), int(a[2]))
        return 0
    if cmd == "sessions":
        return run_sessions(a[0], int(a[1]), a[2], pw, float(a[3]), spid(4))
    if cmd == "small":
        return run_small(a[0], int(a[1]), a[2], pw, int(a[3]), int(a[4]), spid(5))
    if cmd == "xfer":
        return run_xfer(a[0], int(a[1]), a[2], pw, a[3], spid(4))
    if cmd == "report":
        return report(a)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    run_main(main, __doc__)
