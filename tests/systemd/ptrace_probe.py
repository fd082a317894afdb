"""Look into a live session with ptrace(2), from the host (root):

    with Stopped(pid) as p:
        p.seccomp_filter(n - 1)      # the BPF program installed last, of n
        p.inject_syscall(59, 0, 0, 0)  # on resume, the process calls execve()

A session waits for its next command inside a system call (poll); stopped
there, its instruction pointer is right after the `syscall` instruction.
inject_syscall() points it back at that instruction with another system call
number, so that on resume the process itself makes a call it never would:
what a taken-over session would try.  x86-64 only (the registers are
architecture-specific); inject_supported() says so elsewhere.
"""

import ctypes
import os
import platform
import re
import struct

_libc = ctypes.CDLL(None, use_errno=True)
_libc.ptrace.restype = ctypes.c_long
_libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]

PTRACE_PEEKTEXT = 1
PTRACE_GETREGS = 12
PTRACE_SETREGS = 13
PTRACE_DETACH = 17
PTRACE_SEIZE = 0x4206
PTRACE_INTERRUPT = 0x4207
PTRACE_SECCOMP_GET_FILTER = 0x420c
WALL = 0x40000000

SYSCALL_INSN = b"\x0f\x05"   # x86-64 `syscall`


class _Regs(ctypes.Structure):   # struct user_regs_struct, x86-64
    _fields_ = [(n, ctypes.c_ulonglong) for n in (
        "r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax "
        "rip cs eflags rsp ss fs_base gs_base ds es fs gs").split()]


def inject_supported():
    return platform.machine() == "x86_64"


def _ptrace(req, pid, addr=None, data=None):
    ctypes.set_errno(0)
    r = _libc.ptrace(req, pid, addr, data)
    e = ctypes.get_errno()
    if r == -1 and e:
        raise OSError(e, "ptrace(%#x): %s" % (req, os.strerror(e)))
    return r


def bpf_from_c(path):
    """The program in the build's generated syscall_filter_bpf.c, as the
    kernel hands it back (struct sock_filter, 8 bytes each)."""
    with open(path) as f:
        text = f.read()
    out = b""
    for code, jt, jf, k in re.findall(
            r"\{0x([0-9a-f]{4}), (\d+), (\d+), 0x([0-9a-f]{8})\}", text):
        out += struct.pack("<HBBI", int(code, 16), int(jt), int(jf), int(k, 16))
    return out


class Stopped:
    def __init__(self, pid):
        self.pid = pid
        self.attached = False

    def __enter__(self):
        _ptrace(PTRACE_SEIZE, self.pid)
        self.attached = True
        _ptrace(PTRACE_INTERRUPT, self.pid)
        _, status = os.waitpid(self.pid, WALL)
        if not os.WIFSTOPPED(status):
            raise OSError("process %d did not stop (status %#x)" % (self.pid, status))
        return self

    def __exit__(self, *exc):
        if self.attached:
            try:
                _ptrace(PTRACE_DETACH, self.pid)
            except ProcessLookupError:
                pass

    def seccomp_filter(self, index):
        """The index-th filter in the order they were installed: 0 is the
        first (whatever ptrace(2) says: the kernel counts from the oldest),
        Seccomp_filters - 1 the last.  Needs CAP_SYS_ADMIN and a tracer
        without a filter of its own."""
        n = _ptrace(PTRACE_SECCOMP_GET_FILTER, self.pid, index)
        buf = ctypes.create_string_buffer(n * 8)
        _ptrace(PTRACE_SECCOMP_GET_FILTER, self.pid, index, ctypes.addressof(buf))
        return buf.raw

    def inject_syscall(self, nr, a0=0, a1=0, a2=0):
        regs = _Regs()
        _ptrace(PTRACE_GETREGS, self.pid, None, ctypes.addressof(regs))
        word = _ptrace(PTRACE_PEEKTEXT, self.pid, regs.rip - 2)
        if struct.pack("<q", word)[:2] != SYSCALL_INSN:
            raise OSError("process %d is not stopped right after a system call" % self.pid)
        regs.rip -= 2
        regs.rax = nr
        regs.orig_rax = 2 ** 64 - 1   # no system call to restart: ours runs instead
        regs.rdi, regs.rsi, regs.rdx = a0, a1, a2
        _ptrace(PTRACE_SETREGS, self.pid, None, ctypes.addressof(regs))
