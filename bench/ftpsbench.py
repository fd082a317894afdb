#!/usr/bin/env python3
"""FTPS benchmark client (Python 3 standard library only).

Driven by bench/ftps.sh; the subcommands are:

  prepare ROOT                        the data set: big.bin (1 GiB), up/
  probe NAME PORT USER CAFILE         one session: AUTH TLS, login, PROT P, a
                                      LIST; the TLS version and cipher of the
                                      control and the data connection, and
                                      whether the data connection resumed
                                      (JSON on stdout)
  xfer NAME PORT USER ROOT CAFILE REPS [SERVER_PID]
                                      FTPS RETR and STOR of big.bin (PROT P),
                                      REPS of each, one session per transfer;
                                      the wall time, the client's CPU time and,
                                      with SERVER_PID, the CPU time of the
                                      server's session processes (JSON);
                                      $FTPSBENCH_XFER=retr or stor: only one
  sessions NAME KEY PORT USER CAFILE SECONDS PARALLEL [SERVER_PID]
                                      FTPS sessions per second: PARALLEL client
                                      loops for SECONDS, each session connect,
                                      220, AUTH TLS, handshake, USER, PASS,
                                      QUIT, 221, the end of the connection
  report KIND JSON...                 the tables (KIND: xfer or sessions)
  serve CMD...                        run the server CMD as this process's child,
                                      this process its subreaper (for SERVER_PID)

The password is in $FTPBENCH_PASS.  Every data connection resumes the
control connection's TLS session (as curl does; vsftpd with
require_ssl_reuse=YES and sockftpd with --tls-reuse=required refuse one that
does not), and every upload ends with the client's close_notify.

Server CPU (SERVER_PID, the pid of `serve`): the server (systemd-socket-activate
for sockftpd, the standalone listener for vsftpd and pure-ftpd) reaps its
session processes, and `serve` (a child subreaper) the ones orphaned before
their end, so the user + system time of the server and of the children both
reaped (/proc/PID/stat utime, stime, cutime, cstime) grows by exactly what
the sessions cost, listener included, once they have ended; it is read
before and after, when no session process is left.
"""

import json
import os
import socket
import ssl
import statistics
import sys
import time

from benchlib import (BIG_NAME, BIG_SIZE, HOST, RECV_BUF, TIMEOUT, FTPError, Replies,
                      connect, print_errors, print_table, run_main, serve, server_cpu,
                      sink, spread, write_big)

SEND_BUF = 1 << 20          # the uploader's reads from the file


def context(cafile):
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.check_hostname = True
    return ctx


class Control(Replies):
    """A control connection: plain until greet() has sent AUTH TLS, then over
    TLS (replies, cmd(), quit(): bench/benchlib.py)."""

    DRAIN = True

    def __init__(self, port, ctx):
        self.raw = connect(port)
        self.sock = self.raw
        self.ctx = ctx
        self.buf = b""
        self.last = ""

    def line(self):
        while True:
            i = self.buf.find(b"\n")
            if i >= 0:
                ln, self.buf = self.buf[:i], self.buf[i + 1:]
                return ln.rstrip(b"\r").decode("utf-8", "replace")
            b = self.sock.recv(4096)
            if not b:
                raise FTPError("control connection closed (last command: %s)" % self.last)
            self.buf += b

    def greet(self):
        super().greet()
        self.cmd("AUTH TLS", (2,))
        if self.buf:
            raise FTPError("bytes after 234 in clear")
        self.sock = self.ctx.wrap_socket(self.raw, server_hostname="localhost")

    def login(self, user, password):
        self.user_pass(user, password)

    def protect(self):
        self.cmd("PBSZ 0", (2,))
        self.cmd("PROT P", (2,))
        self.cmd("TYPE I", (2,))

    def data(self, cmd):
        """PASV, connect, cmd, 1xx, then the TLS handshake on the data
        connection, resuming the control connection's session."""
        code, text = self.cmd("EPSV", (2,))
        port = int(text.split("|")[-2])
        d = socket.create_connection((HOST, port), timeout=TIMEOUT)
        code, text = self.cmd(cmd)
        if code not in (125, 150):
            d.close()
            raise FTPError("%s -> %s" % (cmd, text))
        return self.ctx.wrap_socket(d, server_hostname="localhost", session=self.sock.session)


def tls_of(s):
    c = s.cipher()
    return {"version": s.version(), "cipher": c[0] if c else None,
            "bits": c[2] if c else None}


# ---------------------------------------------------------------- probe

def probe(name, port, user, password, cafile):
    ctx = context(cafile)
    c = Control(port, ctx)
    res = {"server": name}
    try:
        c.login(user, password)
        c.protect()
        res["control"] = tls_of(c.sock)
        d = c.data("LIST")
        res["data"] = tls_of(d)
        res["data_resumed"] = d.session_reused
        while d.recv(65536):
            pass
        d.close()
        c.transfer_end("LIST")
    except (OSError, FTPError) as e:
        res["error"] = "%s: %s" % (type(e).__name__, e)
    finally:
        c.quit()
    json.dump(res, sys.stdout)
    print()
    return 0 if "error" not in res else 1


# ---------------------------------------------------------------- transfers

def retr(c, buf):
    t0 = time.perf_counter()
    d = c.data("RETR " + BIG_NAME)
    n = sink(d, buf)
    tls = tls_of(d)
    resumed = d.session_reused
    d.close()
    c.transfer_end("RETR")
    t = time.perf_counter() - t0
    if n != BIG_SIZE:
        raise FTPError("RETR: received %d bytes, expected %d" % (n, BIG_SIZE))
    return t, tls, resumed


def stor(c, src, buf, rep):
    name = "up/stor-%d-%d.bin" % (os.getpid(), rep)
    mv = memoryview(buf)
    t0 = time.perf_counter()
    d = c.data("STOR " + name)
    tls = tls_of(d)
    resumed = d.session_reused
    sent = 0
    with open(src, "rb", buffering=0) as f:
        while True:
            k = f.readinto(mv)
            if not k:
                break
            d.sendall(mv[:k])
            sent += k
    try:
        d.unwrap()            # our close_notify: the upload is whole
    except (OSError, ValueError):
        pass
    d.close()
    c.transfer_end("STOR")
    t = time.perf_counter() - t0
    if sent != BIG_SIZE:
        raise FTPError("STOR: sent %d bytes" % sent)
    code, text = c.cmd("SIZE " + name)
    if code != 213 or int(text.split()[-1]) != BIG_SIZE:
        raise FTPError("STOR: SIZE after the upload -> %s" % text)
    c.cmd("DELE " + name, (2,))
    return t, tls, resumed


def run_xfer(name, port, user, password, root, cafile, reps, spid):
    ctx = context(cafile)
    buf = bytearray(RECV_BUF)
    sbuf = bytearray(SEND_BUF)
    src = os.path.join(root, BIG_NAME)
    res = {"server": name, "errors": []}
    for key in os.environ.get("FTPSBENCH_XFER", "retr,stor").split(","):
        for r in range(reps):
            try:
                cpu0 = server_cpu(spid)
                p0 = time.process_time()
                c = Control(port, ctx)
                try:
                    c.login(user, password)
                    c.protect()
                    if key == "retr":
                        t, tls, resumed = retr(c, buf)
                    else:
                        t, tls, resumed = stor(c, src, sbuf, r)
                finally:
                    c.quit()
                p1 = time.process_time()
                cpu1 = server_cpu(spid)
                res.setdefault(key + "_s", []).append(t)
                res.setdefault(key + "_client_cpu", []).append(p1 - p0)
                if cpu0 is not None:
                    res.setdefault(key + "_server_cpu", []).append(cpu1 - cpu0)
                res[key + "_tls"] = tls
                res[key + "_resumed"] = resumed
            except (OSError, FTPError) as e:
                res["errors"].append("%s %d: %s: %s" % (key, r + 1, type(e).__name__, e))
    json.dump(res, sys.stdout)
    print()
    return 0


# ---------------------------------------------------------------- sessions per second

def one_session(port, ctx, user, password):
    Control(port, ctx).short_session(user, password)


def run_sessions(name, key, port, user, password, cafile, seconds, parallel, spid):
    ctx = context(cafile)
    one_session(port, ctx, user, password)       # warm: the server works
    cpu0 = server_cpu(spid)
    start = time.monotonic() + 0.2
    end = start + seconds
    kids = []
    for _ in range(parallel):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            n = bad = 0
            last = start
            err = ""
            time.sleep(max(0.0, start - time.monotonic()))
            while time.monotonic() < end:
                try:
                    one_session(port, ctx, user, password)
                    n += 1
                    last = time.monotonic()
                except (OSError, FTPError) as e:
                    bad += 1
                    err = "%s: %s" % (type(e).__name__, e)
            os.write(w, json.dumps({"n": n, "bad": bad, "last": last, "err": err}).encode())
            os._exit(0)
        os.close(w)
        kids.append((pid, r))
    n = bad = 0
    last = start
    errs = []
    for pid, r in kids:
        data = b""
        while True:
            b = os.read(r, 65536)
            if not b:
                break
            data += b
        os.close(r)
        os.waitpid(pid, 0)
        k = json.loads(data)
        n += k["n"]
        bad += k["bad"]
        last = max(last, k["last"])
        if k["err"]:
            errs.append(k["err"])
    cpu1 = server_cpu(spid)
    res = {"server": name, "key": key, "parallel": parallel, "rate": n / (last - start),
           "sessions": n, "failed": bad, "errors": errs[:3]}
    if cpu0 is not None:
        res["server_cpu_per_session"] = (cpu1 - cpu0) / n if n else None
    json.dump(res, sys.stdout)
    print()
    return 0


# ---------------------------------------------------------------- report

def lines_of(paths):
    out = []
    for p in paths:
        with open(p) as f:
            for ln in f:
                if ln.strip():
                    out.append(json.loads(ln))
    return out


def report_xfer(paths):
    by = {}
    errs = []
    for r in lines_of(paths):
        s = by.setdefault(r["server"], {})
        for k, v in r.items():
            if isinstance(v, list) and k != "errors":
                s.setdefault(k, []).extend(v)
            elif k != "errors":
                s[k] = v
        errs += ["%s: %s" % (r["server"], e) for e in r.get("errors", [])]
    mb = BIG_SIZE / 1e6
    gib = BIG_SIZE / (1 << 30)
    rows = [["server", "RETR MB/s", "STOR MB/s", "RETR server CPU s/GiB",
             "STOR server CPU s/GiB", "RETR client CPU s", "STOR client CPU s"]]
    for name, s in by.items():
        row = [name]
        for k in ("retr", "stor"):
            row.append(spread([mb / t for t in s.get(k + "_s", [])], "%.0f"))
        for k in ("retr", "stor"):
            row.append(spread([c / gib for c in s.get(k + "_server_cpu", [])], "%.2f"))
        for k in ("retr", "stor"):
            row.append(spread(s.get(k + "_client_cpu", []), "%.2f"))
        rows.append(row)
    print("median (min-max) of every round; MB = 10^6 bytes; 1 GiB per transfer")
    print()
    print_table(rows)
    print()
    print("negotiated on the data connections (and resumed?):")
    for name, s in by.items():
        for k in ("retr", "stor"):
            t = s.get(k + "_tls")
            if t:
                print("  %-12s %s %s %s (%d bits), resumed: %s" % (
                    name, k.upper(), t["version"], t["cipher"], t["bits"] or 0,
                    s.get(k + "_resumed")))
    peers = [n for n in by if n != "sockftpd" and not n.startswith("sockftpd-")]
    if "sockftpd" in by and peers:
        print()
        print("sockftpd / the best peer (medians; target >= 1):")
        for k in ("retr", "stor"):
            mine = by["sockftpd"].get(k + "_s")
            best = [(n, statistics.median(by[n][k + "_s"])) for n in peers if by[n].get(k + "_s")]
            if mine and best:
                n, t = min(best, key=lambda x: x[1])
                print("  %s: %.2f (best peer: %s)" % (k.upper(), t / statistics.median(mine), n))
    return print_errors(errs)


def report_sessions(paths):
    rows = lines_of(paths)
    # key: (file's tag in the name, parallel) -> server -> [rates], [cpu]
    table = {}
    errs = []
    for r in rows:
        key = r.get("key", "?")
        t = table.setdefault((key, r["parallel"]), {})
        s = t.setdefault(r["server"], {"rate": [], "cpu": []})
        s["rate"].append(r["rate"])
        if r.get("server_cpu_per_session") is not None:
            s["cpu"].append(r["server_cpu_per_session"] * 1000)
        if r["failed"]:
            errs.append("%s %s x%d: %d sessions failed: %s" % (
                r["server"], key, r["parallel"], r["failed"], "; ".join(r["errors"])))
    print("FTPS sessions per second (connect, AUTH TLS, USER, PASS, QUIT): median")
    print("(min-max) of the rounds; server CPU per session, ms")
    for (key, par), t in sorted(table.items()):
        print()
        print("key %s, %d parallel client loop%s:" % (key, par, "s" if par > 1 else ""))
        out = [["server", "sessions/s", "server CPU ms/session"]]
        for name, s in t.items():
            out.append([name, spread(s["rate"], "%.1f"), spread(s["cpu"], "%.2f")])
        print_table(out)
        for me in [n for n in t if n.startswith("sockftpd")]:
            if "vsftpd" not in t:
                break
            a = statistics.median(t[me]["rate"]) / statistics.median(t["vsftpd"]["rate"])
            line = "  %s / vsftpd: %.2f (target >= 2)" % (me, a)
            if t[me]["cpu"] and t["vsftpd"]["cpu"]:
                line += "; in sessions per server CPU second: %.2f" % (
                    statistics.median(t["vsftpd"]["cpu"]) / statistics.median(t[me]["cpu"]))
            print(line)
    return print_errors(errs)


def prepare(root):
    write_big(root)
    os.mkdir(os.path.join(root, "up"))


def main(cmd, a):
    pw = os.environ.get("FTPBENCH_PASS", "")
    if cmd == "prepare":
        prepare(a[0])
        return 0
    if cmd == "probe":
        return probe(a[0], int(a[1]), a[2], pw, a[3])
    if cmd == "xfer":
        return run_xfer(a[0], int(a[1]), a[2], pw, a[3], a[4], int(a[5]),
                        int(a[6]) if len(a) > 6 else 0)
    if cmd == "sessions":
        return run_sessions(a[0], a[1], int(a[2]), a[3], pw, a[4], float(a[5]), int(a[6]),
                            int(a[7]) if len(a) > 7 else 0)
    if cmd == "serve":
        return serve(a)
    if cmd == "report":
        return (report_xfer if a[0] == "xfer" else report_sessions)(a[1:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    run_main(main, __doc__)
