"""Run integration tests with every sockftpd process under valgrind
memcheck, then fail on any memory error or leak it reports.
    memcheck.py TEST_MODULE...   (e.g. test_pipe test_commands)"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    if not shutil.which("valgrind"):
        print("valgrind not installed")
        return 77
    failed = False
    with tempfile.TemporaryDirectory() as logs:
        wrapper = ("valgrind --tool=memcheck --vgdb=no --leak-check=full --errors-for-leak-kinds=definite,indirect "
                   "--show-leak-kinds=definite,indirect --track-fds=no "
                   "--log-file=%s/vg.%%p" % logs)
        env = dict(os.environ, SOCKFTPD_WRAPPER=wrapper)
        for mod in sys.argv[1:]:
            r = subprocess.run([sys.executable, os.path.join(HERE, mod + ".py")], env=env,
                               timeout=1500)
            if r.returncode not in (0, 77):
                print("%s failed under valgrind (exit %d)" % (mod, r.returncode))
                failed = True
        reports = glob.glob(os.path.join(logs, "vg.*"))
        bad = 0
        for path in reports:
            with open(path, errors="replace") as f:
                text = f.read()
            m = re.search(r"ERROR SUMMARY: (\d+) errors", text)
            if "ERROR SUMMARY" not in text:
                continue  # a process valgrind was still writing, or a non-final exec
            if m and int(m.group(1)) > 0:
                bad += 1
                print("==== %s\n%s" % (os.path.basename(path), text))
        print("%d sockftpd processes checked by valgrind, %d with errors or leaks"
              % (len(reports), bad))
        if not reports:
            print("no valgrind report at all: the wrapper did not run")
            failed = True
        if bad:
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
