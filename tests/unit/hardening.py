"""The binary is built hardened (meson.build): a position-independent
executable, full RELRO with immediate binding, no executable stack, the
stack protector, and the checked (_FORTIFY_SOURCE) variants of the C
library's calls, at the level meson chose, for every source file.
    hardening.py BINARY FORTIFY_LEVEL COMPILE_COMMANDS_JSON"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import unittest

BINARY, FORTIFY, COMMANDS = (sys.argv.pop(1), int(sys.argv.pop(1)), sys.argv.pop(1)) \
    if len(sys.argv) > 3 else ("", 0, "")


def readelf(*args):
    return subprocess.run(["readelf", "-W", *args, BINARY], capture_output=True, check=True,
                          text=True, timeout=60).stdout


class Hardening(unittest.TestCase):
    def setUp(self):
        if not shutil.which("readelf"):
            self.skipTest("readelf (binutils) not installed")

    def test_pie(self):
        self.assertIn("DYN (Position-Independent Executable file)", readelf("-h"))
        self.assertRegex(readelf("-d"), r"\(FLAGS_1\)\s+Flags:.*\bPIE\b")

    def test_full_relro(self):
        self.assertRegex(readelf("-l"), r"\bGNU_RELRO\b")
        self.assertRegex(readelf("-d"), r"\(FLAGS\)\s+BIND_NOW|\(FLAGS_1\)\s+Flags:.*\bNOW\b")

    def test_stack_not_executable(self):
        stack = re.search(r"GNU_STACK.*\s(R?W?E?)\s+0x[0-9a-f]+$", readelf("-l"), re.M)
        self.assertIsNotNone(stack)
        self.assertNotIn("E", stack.group(1))

    def test_stack_protector(self):
        self.assertRegex(readelf("--dyn-syms"), r"\b__stack_chk_fail\b")

    def test_fortify(self):
        if not FORTIFY:
            self.skipTest("no _FORTIFY_SOURCE in this build (sanitizers, fuzzing or -O0)")
        chk = set(re.findall(r"\b(__\w+_chk)\b", readelf("--dyn-syms"))) - {"__stack_chk_fail"}
        self.assertTrue(chk, "no checked (__*_chk) call in the binary")
        with open(COMMANDS) as f:
            entries = json.load(f)
        sources = [e for e in entries if "/src/" in e["file"] and "filter_gen" not in e["file"]]
        self.assertTrue(sources)
        for e in sources:
            args = shlex.split(e["command"])
            defs = [a for a in args if a.startswith(("-D_FORTIFY_SOURCE", "-U_FORTIFY_SOURCE"))]
            # undefined first, then defined once, at the chosen level
            self.assertEqual(defs[-2:], ["-U_FORTIFY_SOURCE", "-D_FORTIFY_SOURCE=%d" % FORTIFY],
                             os.path.basename(e["file"]))


if __name__ == "__main__":
    prog = unittest.main(exit=False, verbosity=2)
    r = prog.result
    if not r.wasSuccessful():
        sys.exit(1)
    sys.exit(77 if r.testsRun and len(r.skipped) == r.testsRun else 0)
