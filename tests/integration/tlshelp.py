"""What the FTPS tests share: certificates made with the openssl command,
TLS contexts for Python clients, and an FTP_TLS that resumes the control
connection's session on its data connections (cpython issue 63699)."""
import ftplib
import os
import socket
import ssl
import subprocess

from harness import TIMEOUT, Ftp, Ftp


def openssl(*args, cwd=None):
    subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=cwd,
                   timeout=TIMEOUT)


def make_cert(directory, name="server", key="ec", days=30, cn="localhost"):
    """A self-signed certificate for localhost, 127.0.0.1 and ::1: returns
    (cert path, key path)."""
    cert = os.path.join(directory, name + ".crt")
    keyf = os.path.join(directory, name + ".key")
    alg = (["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"] if key == "ec"
           else ["-newkey", "rsa:2048"])
    openssl("req", "-x509", *alg, "-nodes", "-keyout", keyf, "-out", cert, "-days", str(days),
            "-subj", "/CN=" + cn,
            "-addext", "subjectAltName=DNS:%s,IP:127.0.0.1,IP:::1" % cn)
    os.chmod(keyf, 0o600)  # read by the session before it leaves root
    return cert, keyf


def make_expired_cert(directory):
    """A certificate whose validity ended in 2020 (openssl ca -selfsign)."""
    d = os.path.join(directory, "ca")
    os.makedirs(os.path.join(d, "new"))
    open(os.path.join(d, "index.txt"), "w").close()
    with open(os.path.join(d, "serial"), "w") as f:
        f.write("01\n")
    with open(os.path.join(d, "ca.cnf"), "w") as f:
        f.write("[ca]\ndefault_ca=x\n[x]\ndir=.\ndatabase=index.txt\nnew_certs_dir=new\n"
                "serial=serial\ndefault_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n")
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "old.key", "-out", "old.csr", "-subj", "/CN=localhost", cwd=d)
    openssl("ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", "old.key", "-in",
            "old.csr", "-out", "old.crt", "-startdate", "20200101000000Z", "-enddate",
            "20200102000000Z", cwd=d)
    return os.path.join(d, "old.crt"), os.path.join(d, "old.key")


def client_context(cafile, version=None, alpn=None):
    ctx = ssl.create_default_context(cafile=cafile)
    if version == "1.2":
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    if alpn:
        ctx.set_alpn_protocols(alpn)
    return ctx


class ReusingFTP_TLS(ftplib.FTP_TLS):
    """ftplib.FTP_TLS whose data connections resume the control session,
    as RFC 4217 clients should (stock ftplib does not: cpython #63699)."""

    def ntransfercmd(self, cmd, rest=None):
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if self._prot_p:
            conn = self.context.wrap_socket(conn, server_hostname=self.host,
                                            session=self.sock.session)
        return conn, size


class ImplicitFtp(Ftp):
    """harness.Ftp over implicit TLS (port 990): the handshake before the
    220, checked against cafile."""

    def __init__(self, host, port, cafile, server_hostname=None):
        self.timeout = TIMEOUT
        raw = socket.create_connection((host, port), timeout=TIMEOUT)
        self.sock = ssl.create_default_context(cafile=cafile).wrap_socket(
            raw, server_hostname=server_hostname or host)
        self.buf = b""
        self.greeting = self.reply()


class RawTLS(Ftp):
    """A control connection driven by hand: AUTH TLS, then lines over TLS."""

    def __init__(self, host, port, ctx, server_hostname="localhost"):
        super().__init__(host, port)
        self.raw = self.sock
        self.ctx, self.host = ctx, server_hostname

    def starttls(self):
        code, text = self.cmd("AUTH TLS")
        assert code == 234, (code, text)
        self.sock = self.ctx.wrap_socket(self.raw, server_hostname=self.host)
