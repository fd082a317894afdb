#!/bin/sh
# Start-up cost of sockftpd: user-space instructions from exec to the moment
# the 220 greeting has been written, per activation mode, counted by
# valgrind's callgrind (instruction counts do not depend on machine load).
#   bench/startup.sh [BUILD_DIR]      (default: build)
# Prints one line per mode: "mode instructions"; and, for builds with
# --config, the pipe and inetd modes again with a 40-line configuration
# file ("pipe+config40", "inetd+config40").
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
build=${1:-build}
bin=$PWD/$build/src/sockftpd
need_bin "$bin" "$build"
need_cmds valgrind
out=$(mktemp -d)
chmod 755 "$out"  # started as root, sockftpd writes its dumps as nobody
trap 'rm -rf "$out"' EXIT

# --dump-after=ctrl_reply: the first dump ends right after the first reply,
# the greeting; its total is exec -> greeting, dynamic loading included.
VG="valgrind --tool=callgrind --vgdb=no --dump-after=ctrl_reply"

first_dump() {
	# the dump file ending in .1 of the run that wrote into $1
	f=$(ls "$1"/cg.*.1 2>/dev/null | head -n 1)
	[ -n "$f" ] || { echo "no callgrind dump in $1" >&2; exit 1; }
	sed -n 's/^totals: //p' "$f"
}

client() { # connect to 127.0.0.1:$1, read the greeting, QUIT
	python3 - "$1" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
for _ in range(400):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        break
    except ConnectionRefusedError:
        time.sleep(0.05)
s.recv(100)
s.sendall(b"QUIT\r\n")
while s.recv(100):
    pass
PY
}

# A 40-line configuration file as an administrator writes one: comments,
# blank lines and 13 keys, all set to what sockftpd does without them, so
# that the difference is the cost of reading and parsing it (issue 12: a
# per-connection server reads its configuration at every session).
cat >"$out/sockftpd.conf" <<'CONF'
# sockftpd.conf - the site's FTP server
# (see sockftpd.conf(5); checked with sockftpd --check-config)

# logging: the default (the journal under systemd, else stderr or syslog)
#log = journal

# timeouts, seconds
idle-timeout = 300
data-timeout = 120
login-timeout = 60

# failed logins: a delay and a limit per connection
login-delay = 1000
max-login-failures = 3

# passive mode: the firewall opens these ports
pasv-ports = 40000-40999
# behind NAT one would set the public address:
#pasv-address = 192.0.2.10

# no rate limit
#rate-limit = 10000000

# FTPS, when a certificate is configured
#tls-cert = /etc/ssl/certs/ftp.example.org.pem
#tls-key = /etc/ssl/private/ftp.example.org.key
tls-implicit = no
require-tls = no
tls-reuse = required
tls-ciphers = ECDHE+AESGCM:ECDHE+CHACHA20
tls-min-version = 1.2

# confinement
sandbox = auto
run-as = nobody

# transfers log
#xferlog = /var/log/sockftpd.xferlog

# end of sockftpd.conf
CONF
chmod 644 "$out/sockftpd.conf"
[ "$(wc -l <"$out/sockftpd.conf")" = 40 ] || { echo "the configuration is not 40 lines" >&2; exit 1; }
# the variants with it, for builds that know --config
with_config=no
"$bin" --help 2>/dev/null | grep -q -- --config && with_config=yes

pipe() { # NAME [OPTION...]
	p_name=$1
	shift
	mkdir -m 777 "$out/$p_name"
	printf 'QUIT\r\n' | $VG --callgrind-out-file="$out/$p_name/cg.%p" "$bin" "$@" >/dev/null 2>&1 ||
		true  # the final dump may be refused after the switch to nobody
	echo "$p_name $(first_dump "$out/$p_name")"
}

activated() { # NAME inetd|systemd [OPTION...]: through systemd-socket-activate
	a_name=$1 a_mode=$2
	shift 2
	mkdir -m 777 "$out/$a_name"
	port=$(free_port)
	extra=""
	[ "$a_mode" = inetd ] && extra="--inetd"
	# shellcheck disable=SC2086
	systemd-socket-activate -a $extra -l "127.0.0.1:$port" -- \
		$VG --callgrind-out-file="$out/$a_name/cg.%p" "$bin" "$@" >/dev/null 2>&1 &
	ssa=$!
	client "$port"
	# wait (bounded) for the session to end: its dump after QUIT's reply
	i=0
	while ! ls "$out/$a_name"/cg.*.2 >/dev/null 2>&1 && [ $i -lt 400 ]; do
		sleep 0.05; i=$((i + 1))
	done
	kill "$ssa" 2>/dev/null || true
	wait "$ssa" 2>/dev/null || true
	echo "$a_name $(first_dump "$out/$a_name")"
}

pipe pipe
activated inetd inetd
activated systemd systemd
if [ $with_config = yes ]; then
	pipe pipe+config40 --config="$out/sockftpd.conf"
	activated inetd+config40 inetd --config="$out/sockftpd.conf"
fi
