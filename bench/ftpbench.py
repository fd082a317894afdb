#!/usr/bin/env python3
"""FTP transfer benchmark client (Python 3 standard library only).

Driven by bench/transfer.sh; the subcommands are:

  prepare ROOT                      the data set: big.bin (1 GiB), small/ (1,000
                                    files of 4 KiB), list/ (10,000 entries), up/
  wait PORT [SECONDS]               until 127.0.0.1:PORT greets with 220
  ftp NAME PORT USER ROOT REPS      run every FTP measurement, JSON on stdout
                                    (the password in $FTPBENCH_PASS)
  raw FILE REPS                     the loopback ceiling: os.sendfile -> reader
  report SCRATCH_DESC ROUNDS JSON... the table and the ratios
  failed-sessions JSON...           control ports of the sessions that failed

The same reader (sink) receives RETR data and the raw ceiling's data.
"""

import json
import os
import re
import socket
import statistics
import sys
import time

from benchlib import (BIG_NAME, BIG_SIZE, HOST, RECV_BUF, TIMEOUT, FTPError,
                      Replies, connect, print_errors, print_table, run_main, sink,
                      write_big, write_small)

SMALL_COUNT = 1000
SMALL_SIZE = 4096
LIST_COUNT = 10000


# ---------------------------------------------------------------- data set

def prepare(root):
    write_big(root)
    write_small(root, SMALL_COUNT, SMALL_SIZE, "f%04d")
    lst = os.path.join(root, "list")
    os.mkdir(lst)
    for i in range(LIST_COUNT):
        # empty regular files with names of a realistic length
        open(os.path.join(lst, "entry-%05d.dat" % i), "wb").close()
    os.mkdir(os.path.join(root, "up"))


# ---------------------------------------------------------------- the reader

def new_reader_socket():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(TIMEOUT)
    return s


# ---------------------------------------------------------------- FTP client

class Control(Replies):
    """A plain control connection (replies, cmd(), quit(): bench/benchlib.py)."""

    def __init__(self, port):
        self.sock = connect(port)
        self.f = self.sock.makefile("rb")
        self.last = ""

    def line(self):
        line = self.f.readline()
        if not line:
            raise FTPError("control connection closed (last command: %s)" % self.last)
        return line.decode("utf-8", "replace").rstrip("\r\n")

    def login(self, user, password):
        self.user_pass(user, password)
        self.cmd("TYPE I", (2,))

    def pasv(self):
        code, text = self.cmd("PASV", (2,))
        m = re.search(r"(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)", text)
        if code != 227 or not m:
            raise FTPError("PASV -> %s" % text)
        h = ".".join(m.group(1, 2, 3, 4))
        p = int(m.group(5)) * 256 + int(m.group(6))
        d = new_reader_socket()
        d.connect((h, p))
        return d

    def transfer_start(self, cmd):
        """Send cmd on an open data connection; expect 125/150."""
        code, text = self.cmd(cmd)
        if code not in (125, 150):
            raise FTPError("%s -> %s" % (cmd, text))


def retr_big(c, buf):
    d = c.pasv()
    t0 = time.perf_counter()
    c.transfer_start("RETR " + BIG_NAME)
    n = sink(d, buf)
    d.close()
    c.transfer_end("RETR " + BIG_NAME)
    t = time.perf_counter() - t0
    if n != BIG_SIZE:
        raise FTPError("RETR %s: received %d bytes, expected %d" % (BIG_NAME, n, BIG_SIZE))
    return t


def stor_big(c, src_path, rep):
    name = "up/stor-%d-%d.bin" % (os.getpid(), rep)
    with open(src_path, "rb") as src:
        d = c.pasv()
        t0 = time.perf_counter()
        c.transfer_start("STOR " + name)
        sent = d.sendfile(src)          # os.sendfile underneath
        d.close()
        c.transfer_end("STOR " + name)
        t = time.perf_counter() - t0
    if sent != BIG_SIZE:
        raise FTPError("STOR %s: sent %d bytes, expected %d" % (name, sent, BIG_SIZE))
    code, text = c.cmd("SIZE " + name)
    size = int(text.split()[-1]) if code == 213 else None
    if size != BIG_SIZE:
        raise FTPError("STOR %s: SIZE after upload -> %s" % (name, text))
    c.cmd("DELE " + name, (2,))         # every STOR creates a new file
    return t


def small_files(c, buf, count=SMALL_COUNT, size=SMALL_SIZE, fmt="f%04d"):
    """RETR small/ (count files of size bytes named fmt % i) one after the
    other, a PASV each; the seconds."""
    total = 0
    t0 = time.perf_counter()
    for i in range(count):
        try:
            d = c.pasv()
            c.transfer_start("RETR small/" + fmt % i)
            total += sink(d, buf)
            d.close()
            c.transfer_end("RETR small/" + fmt % i)
        except (OSError, FTPError) as e:
            raise FTPError("file %d of %d: %s" % (i + 1, count, e)) from e
    t = time.perf_counter() - t0
    if total != count * size:
        raise FTPError("small files: received %d bytes, expected %d" % (total, count * size))
    return t


def listing(c, verb):
    """Time one LIST or MLSD of the current directory (list/).
    Returns (seconds, entries seen) or None when the server lacks the verb."""
    d = c.pasv()
    t0 = time.perf_counter()
    code, text = c.cmd(verb)
    if code in (500, 502, 504):
        d.close()
        return None
    if code not in (125, 150):
        d.close()
        raise FTPError("%s -> %s" % (verb, text))
    chunks = []
    while True:
        b = d.recv(1 << 20)
        if not b:
            break
        chunks.append(b)
    d.close()
    c.transfer_end(verb)
    t = time.perf_counter() - t0
    lines = b"".join(chunks).split(b"\r\n")
    n = sum(1 for ln in lines if b"entry-" in ln)
    if n != LIST_COUNT:
        raise FTPError("%s: %d entries listed, expected %d" % (verb, n, LIST_COUNT))
    return t


def run_ftp(name, port, user, password, root, reps):
    res = {"server": name, "errors": []}
    buf = bytearray(RECV_BUF)
    big_src = os.path.join(root, BIG_NAME)

    def session(key, fn):
        """One control connection per measurement: login, reps, QUIT."""
        try:
            c = Control(port)
        except OSError as e:
            res["errors"].append("%s: connect: %s" % (key, e))
            return
        cport = c.sock.getsockname()[1]
        try:
            c.login(user, password)
            vals = []
            for r in range(reps):
                v = fn(c, r)
                if v is None:
                    res[key] = "unsupported"
                    return
                vals.append(v)
            res[key] = vals
        except (OSError, FTPError) as e:
            res["errors"].append("%s: session from 127.0.0.1:%d: %s: %s"
                                 % (key, cport, type(e).__name__, e))
        finally:
            c.quit()

    session("retr_s", lambda c, r: retr_big(c, buf))
    session("stor_s", lambda c, r: stor_big(c, big_src, r))
    session("small_s", lambda c, r: small_files(c, buf))

    def cwd_then(verb):
        def fn(c, r):
            if r == 0:
                c.cmd("CWD list", (2,))
            return listing(c, verb)
        return fn
    session("list_s", cwd_then("LIST"))
    session("mlsd_s", cwd_then("MLSD"))
    json.dump(res, sys.stdout)
    print()


# ---------------------------------------------------------------- raw ceiling

def run_raw(path, reps):
    res = {"server": "raw", "errors": []}
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.bind((HOST, 0))
    lsock.listen(1)
    port = lsock.getsockname()[1]
    pid = os.fork()
    if pid == 0:                        # the sender: a plain os.sendfile loop
        code = 0
        try:
            lsock.settimeout(TIMEOUT)
            fd = os.open(path, os.O_RDONLY)
            for _ in range(reps):
                conn, _ = lsock.accept()
                off = 0
                while off < BIG_SIZE:
                    n = os.sendfile(conn.fileno(), fd, off, BIG_SIZE - off)
                    if n == 0:
                        break
                    off += n
                conn.close()
        except OSError as e:
            print("raw sender: %s" % e, file=sys.stderr)
            code = 1
        os._exit(code)
    lsock.close()
    buf = bytearray(RECV_BUF)
    vals = []
    try:
        for _ in range(reps):
            s = new_reader_socket()
            t0 = time.perf_counter()
            s.connect((HOST, port))
            n = sink(s, buf)
            t = time.perf_counter() - t0
            s.close()
            if n != BIG_SIZE:
                raise OSError("received %d bytes, expected %d" % (n, BIG_SIZE))
            vals.append(t)
        res["retr_s"] = vals
    except OSError as e:
        res["errors"].append("raw: %s" % e)
    finally:
        os.waitpid(pid, 0)
    json.dump(res, sys.stdout)
    print()


# ---------------------------------------------------------------- wait

def wait_greeting(port, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            s = socket.create_connection((HOST, port), timeout=2)
            try:
                if s.recv(3) == b"220":
                    s.sendall(b"QUIT\r\n")
                    return 0
            finally:
                s.close()
        except OSError:
            pass
        time.sleep(0.1)
    print("no 220 greeting on %s:%d within %ss" % (HOST, port, seconds), file=sys.stderr)
    return 1


# ---------------------------------------------------------------- report

def med(v):
    return statistics.median(v) if isinstance(v, list) and v else None


def load(path):
    """Merge the JSON lines of one server's file (one line per round)."""
    res = {"server": os.path.basename(path), "errors": []}
    try:
        with open(path) as f:
            lines = [ln for ln in f.read().splitlines() if ln.strip()]
    except OSError as e:
        res["errors"].append("no result: %s" % e)
        return res
    if not lines:
        res["errors"].append("no result (the client printed nothing)")
    for ln in lines:
        try:
            r = json.loads(ln)
        except ValueError as e:
            res["errors"].append("bad result line: %s" % e)
            continue
        res["server"] = r["server"]
        res["errors"] += r.get("errors", [])
        for k, v in r.items():
            if k.endswith("_s"):
                if v == "unsupported" or res.get(k) == "unsupported":
                    res[k] = "unsupported"
                else:
                    res.setdefault(k, []).extend(v)
    return res


def report(scratch_desc, reps, paths):
    rows = [load(p) for p in paths]
    mb = BIG_SIZE / 1e6

    def fig(r, key):
        v = r.get(key)
        if v == "unsupported":
            return "n/a", None
        m = med(v)
        if m is None:
            return ("ERR" if r.get("errors") else "-"), None
        if key in ("retr_s", "stor_s"):
            return "%.0f (%.0f-%.0f)" % (mb / m, mb / max(v), mb / min(v)), mb / m
        if key == "small_s":
            x = SMALL_COUNT / m
            return "%.0f (%.0f-%.0f)" % (x, SMALL_COUNT / max(v), SMALL_COUNT / min(v)), x
        return "%.3f (%.3f-%.3f)" % (m, min(v), max(v)), m

    cols = [("retr_s", "RETR 1GiB MB/s"), ("stor_s", "STOR 1GiB MB/s"),
            ("small_s", "1000x4KiB files/s"), ("list_s", "LIST 10k s"),
            ("mlsd_s", "MLSD 10k s")]
    table = [["server"] + [h for _, h in cols]]
    vals = {}
    labels = {"raw": "raw os.sendfile (d)"}
    for r in rows:
        line = [labels.get(r["server"], r["server"])]
        for k, _ in cols:
            s, x = fig(r, k)
            line.append(s)
            vals[(r["server"], k)] = x
        table.append(line)
    print("median of %s rounds (min-max); MB = 10^6 bytes; LIST/MLSD: seconds, lower is better"
          % reps)
    print("scratch: %s" % scratch_desc)
    print()
    print_table(table)

    print()
    print("sockftpd ratios (medians; > 1: sockftpd is faster):")

    def ratio(label, r):
        print("  %-46s %s" % (label, "n/a" if r is None else "%.3g" % r))

    s = lambda k: vals.get(("sockftpd", k))
    raw = vals.get(("raw", "retr_s"))
    ratio("RETR / raw loopback ceiling", s("retr_s") / raw if s("retr_s") and raw else None)
    for k, label, low in (("stor_s", "STOR", False), ("small_s", "small files", False),
                          ("list_s", "LIST", True)):
        others = [(n, vals.get((n, k))) for n in ("vsftpd", "pure-ftpd")]
        others = [(n, v) for n, v in others if v]
        if not others or not s(k):
            ratio("%s vs the faster of vsftpd, pure-ftpd" % label, None)
            continue
        n, v = (min if low else max)(others, key=lambda t: t[1])
        ratio("%s vs %s (the faster)" % (label, n), v / s(k) if low else s(k) / v)

    errs = [(r["server"], e) for r in rows for e in r.get("errors", [])]
    print_errors(["%s: %s" % (n, e) for n, e in errs])
    return 1 if any(n == "sockftpd" for n, _ in errs) else 0


def main(cmd, a):
    if cmd == "prepare":
        prepare(a[0])
    elif cmd == "wait":
        return wait_greeting(int(a[0]), float(a[1]) if len(a) > 1 else 10)
    elif cmd == "ftp":
        run_ftp(a[0], int(a[1]), a[2], os.environ.get("FTPBENCH_PASS", ""), a[3], int(a[4]))
    elif cmd == "raw":
        run_raw(a[0], int(a[1]))
    elif cmd == "failed-sessions":
        for p in a:
            for e in load(p)["errors"]:
                m = re.search(r"session from 127\.0\.0\.1:(\d+)", e)
                if m:
                    print(m.group(1))
    elif cmd == "report":
        return report(a[0], a[1], a[2:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    run_main(main, __doc__)
