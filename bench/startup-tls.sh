#!/bin/sh
# Start-up cost of an FTPS session: user-space instructions (valgrind's
# callgrind; the load does not move them) from exec to each reply of one
# session, with and without --tls-cert:
#
#   220      the greeting (with --tls-cert: OpenSSL loaded, the context
#            made, the certificate and key read and checked, all of it
#            before the sandbox)
#   234      AUTH TLS answered (502 without --tls-cert)
#   200      PBSZ 0 answered over TLS: the handshake is in this step
#   331 230  USER, PASS (a sha512-crypt hash: libcrypt loaded, 5,000 rounds)
#   221      QUIT
#   exit     the whole process, exit included
#
#   bench/startup-tls.sh [BUILD_DIR]      (default: build)
#
# sockftpd runs as nobody (setpriv), as the shipped unit runs it as its own
# unprivileged user: the certificate, key and users file are made readable.
#   environment: MODE=inetd|systemd (default inetd: the connection on
#   standard input and output; systemd: LISTEN_FDS, libsystemd loaded),
#   CONFIGS="plain ec rsa" (plain: no --tls-cert; ec: ECDSA P-256; rsa:
#   RSA 2048)
#
# Counted under valgrind, OpenSSL sees valgrind's CPU (no AVX-512, no VAES),
# so the handshake's arithmetic takes other code paths than natively; the
# figures are for comparing configurations and builds, not for converting
# into time. Prints one table; each figure is cumulative from exec.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
build=${1:-build}
bin=$PWD/$build/src/sockftpd
MODE=${MODE:-inetd}
CONFIGS=${CONFIGS:-plain ec rsa}
need_bin "$bin" "$build"
need_cmds valgrind python3 openssl systemd-socket-activate setpriv
out=$(mktemp -d)
chmod 755 "$out"
asuser=""
[ "$(id -u)" = 0 ] && asuser="setpriv --reuid=nobody --regid=nogroup --clear-groups --"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$out"' EXIT

pass=$(openssl rand -hex 8)
mkdir "$out/home"
printf 'bench:%s:%s:ro\n' "$(openssl passwd -6 "$pass")" "$out/home" >"$out/users"
for k in ec rsa; do
	make_cert "$out" "$k" 644   # a throwaway key, read by nobody
done

client() { # PORT CAFILE|-: one session; prints the reply codes
	python3 - "$1" "$2" "$pass" <<'PY'
import socket, ssl, sys, time
port, ca, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3]
for _ in range(600):
    try:
        raw = socket.create_connection(("127.0.0.1", port), timeout=60)
        break
    except ConnectionRefusedError:
        time.sleep(0.05)
sock, buf, codes = raw, b"", []
def reply():
    global buf
    while b"\r\n" not in buf:
        b = sock.recv(4096)
        if not b:
            raise SystemExit("closed; replies so far: %s" % codes)
        buf += b
    line, buf = buf.split(b"\r\n", 1)
    codes.append(line[:3].decode())
    return codes[-1]
def cmd(c):
    sock.sendall(c.encode() + b"\r\n")
    return reply()
reply()
if cmd("AUTH TLS") == "234":
    ctx = ssl.create_default_context(cafile=ca)
    sock = ctx.wrap_socket(raw, server_hostname="localhost")
    cmd("PBSZ 0")
else:
    codes.append("-")      # no handshake, no PBSZ
cmd("USER bench")
cmd("PASS " + pw)
cmd("QUIT")
while sock.recv(4096):
    pass
print(" ".join(codes))
PY
}

# dump N's total: the instructions since the dump before it
dump_total() { sed -n 's/^totals: //p' "$1"; }

printf '%-8s %12s %12s %12s %12s %12s %12s %12s\n' config 220 234/502 "handshake+200" 331 230 221 exit
for cfg in $CONFIGS; do
	d=$out/$cfg
	mkdir -m 777 "$d"
	chmod 644 "$out/users"
	set -- --users="$out/users" --log=stderr --login-delay=0
	ca=-
	if [ "$cfg" != plain ]; then
		set -- "$@" --tls-cert="$out/$cfg.crt" --tls-key="$out/$cfg.key"
		ca=$out/$cfg.crt
	fi
	extra=""
	[ "$MODE" = inetd ] && extra="--inetd"
	port=$(free_port)
	# shellcheck disable=SC2086
	systemd-socket-activate -a $extra -l "127.0.0.1:$port" -- $asuser \
		valgrind --tool=callgrind --vgdb=no --dump-after=ctrl_reply \
		--callgrind-out-file="$d/cg.%p" "$bin" "$@" >"$d/log" 2>&1 &
	ssa=$!
	codes=$(client "$port" "$ca")
	# wait (bounded) for the session to end: the last dump is written at exit
	i=0
	while [ $i -lt 600 ]; do
		f=$(ls "$d"/cg.* 2>/dev/null | grep '/cg\.[0-9]*$' | head -n 1)
		[ -n "$f" ] && [ -s "$f" ] && grep -q '^totals:' "$f" && break
		sleep 0.05; i=$((i + 1))
	done
	kill "$ssa" 2>/dev/null || true
	wait "$ssa" 2>/dev/null || true
	base=$(ls "$d"/cg.*.1 | head -n 1)
	base=${base%.1}
	# cumulative: dump k = replies 1..k; the plain run has no handshake dump
	n=1 sum=0 row=""
	for code in $codes; do
		if [ "$code" = - ]; then
			row="$row -"
			continue
		fi
		t=$(dump_total "$base.$n")
		sum=$((sum + t))
		row="$row $sum"
		n=$((n + 1))
	done
	if [ -f "$base" ]; then
		sum=$((sum + $(dump_total "$base")))
		row="$row $sum"
	else
		row="$row ?"
	fi
	# shellcheck disable=SC2086
	printf '%-8s %12s %12s %12s %12s %12s %12s %12s\n' "$cfg" $row
	echo "  replies: $codes" >&2
done
