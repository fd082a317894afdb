"""A scripted session piped through standard input and output."""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (SEED_EXPECT, SEED_SEND, SOCKFTPD, TIMEOUT, check_seed_log,  # noqa: E402
                     main, run_pipe)

GREETING = b"220 Service ready for new user.\r\n"
UNIMPLEMENTED = {"SMNT", "LANG"}
# FTPS verbs where no TLS is configured (test_tls.py has them with TLS)
TLS_VERBS = {"AUTH", "PBSZ", "PROT", "CCC"}
NO_LOGIN_NEEDED = {"USER", "PASS", "ACCT", "REIN", "QUIT", "NOOP", "FEAT", "HELP",
                   "HOST", "MODE", "OPTS", "STRU", "SYST", "TYPE"}
ALL_VERBS = """USER PASS ACCT CWD CDUP SMNT REIN QUIT PORT PASV TYPE STRU MODE RETR
STOR STOU APPE ALLO REST RNFR RNTO ABOR DELE RMD MKD PWD LIST NLST SITE SYST STAT
HELP NOOP AUTH PBSZ PROT CCC FEAT OPTS EPRT EPSV LANG MDTM SIZE MLST MLSD HOST
XCWD XCUP XPWD XMKD XRMD""".split()


class Pipe(unittest.TestCase):
    def test_seed_transcript(self):
        r = run_pipe(b"".join(SEED_SEND))
        self.assertEqual(r.stdout, SEED_EXPECT)
        self.assertEqual(r.returncode, 0)
        check_seed_log(self, r.stderr.decode(), "stdin")
        self.assertIn("via pipe", r.stderr.decode())

    def test_printf_pipeline_as_in_readme(self):
        r = subprocess.run("printf 'NOOP\\r\\nQUIT\\r\\n' | \"$SOCKFTPD\"", shell=True,
                           capture_output=True, timeout=TIMEOUT,
                           env=dict(os.environ, SOCKFTPD=SOCKFTPD))
        self.assertEqual(r.stdout, GREETING + b"200 Command okay.\r\n"
                         b"221 Service closing control connection.\r\n")
        self.assertEqual(r.returncode, 0)

    def test_bare_lf_lines(self):
        r = run_pipe(b"".join(l.replace(b"\r\n", b"\n") for l in SEED_SEND))
        self.assertEqual(r.stdout, SEED_EXPECT)

    def test_stdin_from_a_file(self):
        with tempfile.TemporaryFile() as f:
            f.write(b"".join(SEED_SEND))
            f.seek(0)
            r = subprocess.run([SOCKFTPD], stdin=f, capture_output=True, timeout=TIMEOUT)
        self.assertEqual(r.stdout, SEED_EXPECT)

    def test_end_of_input_without_quit(self):
        r = run_pipe(b"NOOP\r\n")
        self.assertEqual(r.stdout, GREETING + b"200 Command okay.\r\n")
        self.assertEqual(r.returncode, 0)
        self.assertIn("stdin disconnected", r.stderr.decode())
        r = run_pipe(b"")
        self.assertEqual(r.stdout, GREETING)
        self.assertEqual(r.returncode, 0)
        r = run_pipe(b"NOOP")  # last line without its end
        self.assertEqual(r.stdout, GREETING)
        self.assertEqual(r.returncode, 0)

    def test_quit_stops_reading(self):
        r = run_pipe(b"QUIT\r\nNOOP\r\n")
        self.assertEqual(r.stdout, GREETING + b"221 Service closing control connection.\r\n")

    def test_verbs_that_need_a_login_get_530_before_it(self):
        verbs = [v for v in ALL_VERBS if v not in UNIMPLEMENTED | NO_LOGIN_NEEDED | TLS_VERBS]
        data = b"".join(b"%s arg\r\n" % v.encode() for v in verbs)
        r = run_pipe(data)
        lines = r.stdout.split(b"\r\n")[:-1]
        self.assertEqual(lines[1:], [b"530 Please login with USER and PASS."] * len(verbs))

    def test_every_unimplemented_verb_is_502(self):
        verbs = sorted(UNIMPLEMENTED)
        self.assertEqual(len(ALL_VERBS), 52)
        data = b"".join(b"%s arg\r\n" % v.encode() for v in verbs)
        data += b"".join(b"%s\r\n" % v.lower().encode() for v in verbs)
        r = run_pipe(data)
        lines = r.stdout.split(b"\r\n")[:-1]
        self.assertEqual(lines[0], GREETING[:-2])
        self.assertEqual(lines[1:], [b"502 Command not implemented."] * (2 * len(verbs)))

    def test_tls_verbs_without_tls(self):
        r = run_pipe(b"AUTH TLS\r\nPBSZ 0\r\nPROT P\r\nCCC\r\n")
        self.assertEqual(r.stdout, GREETING + b"502 TLS is not configured on this server.\r\n"
                         b"503 PBSZ comes after AUTH TLS.\r\n"
                         b"503 PROT comes after AUTH TLS.\r\n"
                         b"534 CCC refused: the control connection stays protected.\r\n")

    def test_empty_and_unknown_lines(self):
        r = run_pipe(b"\r\nXYZZY\r\n \r\nNOOPX\r\n")
        self.assertEqual(r.stdout, GREETING + b"500 Syntax error, command unrecognized.\r\n" * 4)
        self.assertIn("Empty command line", r.stderr.decode())

    def test_overlong_line_gets_one_500_and_cannot_smuggle_a_command(self):
        long_line = b"A" * (100 * 1024) + b" NOOP\r\n"
        r = run_pipe(long_line + b"NOOP\r\n")
        self.assertEqual(r.stdout, GREETING + b"500 Syntax error, command line too long.\r\n"
                         b"200 Command okay.\r\n")
        self.assertIn("longer than 8192 bytes", r.stderr.decode())

    def test_line_at_the_limit_is_a_command(self):
        r = run_pipe(b"NOOP " + b"x" * (8192 - 5) + b"\r\n")
        self.assertEqual(r.stdout, GREETING + b"200 Command okay.\r\n")

    def test_nul_bytes(self):
        r = run_pipe(b"NOOP a\0b\r\nNO\0OP\r\n")
        self.assertEqual(r.stdout, GREETING + b"501 Syntax error in parameters or arguments.\r\n"
                         b"500 Syntax error, command unrecognized.\r\n")
        self.assertIn("NOOP a\\x00b", r.stderr.decode())

    def test_telnet(self):
        # IAC WILL ECHO is refused with IAC DONT ECHO; IAC IP IAC DM is dropped;
        # IAC IAC is a data byte of the argument
        r = run_pipe(b"\xff\xfb\x01NOOP\r\n\xff\xf4\xff\xf2NOOP x\xff\xffy\r\n")
        self.assertEqual(r.stdout, GREETING + b"\xff\xfe\x01" + b"200 Command okay.\r\n" * 2)
        # the 0xff byte is invalid UTF-8: logged readably, as \xff
        self.assertIn("NOOP x\\xffy", r.stderr.decode())

    def test_pass_is_never_logged(self):
        r = run_pipe(b"PASS secret-word\r\nQUIT\r\n")
        log = r.stderr.decode()
        self.assertNotIn("secret-word", log)
        self.assertIn("PASS <hidden>", log)

    def test_control_bytes_in_log_are_escaped(self):
        r = run_pipe(b"NOOP a\x1b[2Jb\rc\r\nQUIT\r\n")
        log = r.stderr.decode()
        self.assertIn("NOOP a\\x1b[2Jb\\x0dc", log)
        for line in log.splitlines():
            self.assertTrue(line.startswith("<"), line)

    def test_random_bytes_never_crash(self):
        data = os.urandom(1 << 20)
        r = run_pipe(data)
        self.assertEqual(r.returncode, 0, r.stderr[-500:])
        self.assertTrue(r.stdout.startswith(GREETING))

    def test_reader_that_goes_away(self):
        # stdout closed by the reader: the server must end, not hang or die by SIGPIPE
        p = subprocess.Popen([SOCKFTPD], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
        p.stdout.close()
        try:
            p.stdin.write(b"NOOP\r\n" * 20000)
            p.stdin.close()
        except BrokenPipeError:
            pass
        rc = p.wait(TIMEOUT)
        self.assertIn(rc, (0, 1))

    def test_log_targets(self):
        r = run_pipe(b"QUIT\r\n", args=["--log=stderr"])
        self.assertIn("<6>[ INFO ] Sent by client stdin: QUIT", r.stderr.decode())
        r = run_pipe(b"QUIT\r\n", args=["--log=syslog"])
        self.assertEqual(r.stderr, b"")
        self.assertEqual(r.returncode, 0)


if __name__ == "__main__":
    main()
