#!/bin/sh
# FTPS performance of sockftpd next to vsftpd 3.0.3 and pure-ftpd 1.0.50
# (Debian's packages), all on 127.0.0.1 in one run:
#   (a) FTPS RETR and STOR of a 1 GiB file (AUTH TLS, PROT P, TYPE I, EPSV;
#       every data connection resumes the control connection's TLS session),
#       MB/s, and the CPU time the server's session processes spent per GiB
#   (b) FTPS sessions per second: connect, 220, AUTH TLS, handshake, USER,
#       PASS, QUIT, 221, end of the connection; 1 and 4 parallel client
#       loops; with an ECDSA P-256 and with an RSA 2048 certificate; and the
#       server CPU time per session
#
#   bench/ftps.sh [BUILD_DIR]      (default: build)
#   environment:
#     WHAT="xfer sessions"  which measurements
#     REPS=5                transfer rounds (each: one RETR and one STOR per server)
#     ROUNDS=5 SECS=3       session rounds, seconds per server and round
#     PARALLEL="1 4"        parallel client loops
#     KEYS="ec rsa"         certificates for (b); (a) uses the first
#     SCRATCH=DIR           where the 1 GiB file and the uploads go (default:
#                           /dev/shm when it has 3 GiB free, else $TMPDIR or /tmp)
#     COMPARE=OTHER_BUILD   another build's sockftpd in the same rounds, as
#                           "sockftpd-$COMPARE_NAME" (default name: compare)
#     SOCKFTPD_EXTRA="..."  more options for sockftpd (not for the compared one)
#     INETD=yes             (b) also measures sockftpd in inetd mode ("sockftpd-inetd":
#                           systemd-socket-activate --inetd, no libsystemd to load)
#
# The client is bench/ftpsbench.py (Python's ssl module, OpenSSL 3; it
# resumes the control session on data connections as curl does, and ends
# uploads with close_notify). Every server serves the same directory to the
# same throwaway local user (sockftpd: the same name and sha512-crypt hash in
# a --users file), chrooted, with the same certificate and key:
#   sockftpd   one process per connection (systemd-socket-activate -a),
#              --tls-cert/--tls-key, --tls-reuse=required (the default)
#   vsftpd     standalone, ssl_enable=YES, require_ssl_reuse=YES,
#              force_local_logins_ssl=YES, force_local_data_ssl=YES,
#              ssl_ciphers=HIGH (Debian's default, ECDHE-RSA-AES256-GCM-SHA384,
#              has no ECDSA suite for TLS 1.2; TLS 1.3 is negotiated anyway)
#   pure-ftpd  standalone, -Y 1 (TLS allowed, PROT P honoured), -2 cert,key
# vsftpd and pure-ftpd are fetched with `apt-get download` and unpacked with
# `dpkg -x` into the scratch directory, never installed; they need root (a
# local user, their privilege separation): without root only sockftpd runs.
# The servers take turns (round-robin), so a drift of the machine's load
# spreads over all of them. The load average is printed before and after.
# A benchmark, not a test: meson test does not run it.
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
bin=$PWD/$build/src/sockftpd
client=$PWD/bench/ftpsbench.py
WHAT=${WHAT:-xfer sessions}
REPS=${REPS:-5}
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-3}
PARALLEL=${PARALLEL:-1 4}
KEYS=${KEYS:-ec rsa}
COMPARE=${COMPARE:-}
COMPARE_NAME=${COMPARE_NAME:-compare}
SOCKFTPD_EXTRA=${SOCKFTPD_EXTRA:-}
INETD=${INETD:-yes}
[ -x "$bin" ] || { echo "no $bin: build first (scripts/build.sh $build)" >&2; exit 1; }
cmp_bin=""
if [ -n "$COMPARE" ]; then
	cmp_bin=$(cd "$COMPARE" && pwd)/src/sockftpd
	[ -x "$cmp_bin" ] || { echo "no $cmp_bin" >&2; exit 1; }
fi
for c in python3 systemd-socket-activate openssl timeout setsid; do
	command -v "$c" >/dev/null || { echo "$c is not installed" >&2; exit 1; }
done
root_ok=no
[ "$(id -u)" = 0 ] && root_ok=yes
[ $root_ok = yes ] || echo "not root: vsftpd and pure-ftpd are skipped" >&2

# ---------------------------------------------------------------- scratch
need_kb=$((3 * 1024 * 1024))
avail_kb() { df -Pk "$1" 2>/dev/null | awk 'NR == 2 { print $4 }'; }
base=${SCRATCH:-}
if [ -z "$base" ]; then
	base=${TMPDIR:-/tmp}
	if [ -d /dev/shm ] && [ "$(stat -f -c %T /dev/shm)" = tmpfs ] &&
		[ "$(avail_kb /dev/shm)" -ge $need_kb ]; then
		base=/dev/shm
	fi
fi
[ "$(avail_kb "$base")" -ge $need_kb ] || { echo "less than 3 GiB free in $base" >&2; exit 1; }
scratch=$(mktemp -d "$base/sockftpd-ftps.XXXXXX")
chmod 755 "$scratch"
scratch_desc="$base ($(stat -f -c %T "$scratch"))"

servers="" user="" pf_run=""
stop_servers() {
	for g in $servers; do kill -TERM "-$g" 2>/dev/null || true; done
	for g in $servers; do
		i=0
		while kill -0 "-$g" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1; i=$((i + 1))
		done
		kill -KILL "-$g" 2>/dev/null || true
	done
	servers=""
}
cleanup() {
	trap - EXIT INT TERM
	stop_servers
	if [ -n "$user" ]; then
		userdel "$user" 2>/dev/null || true
		if getent group "$user" >/dev/null; then groupdel "$user" 2>/dev/null || true; fi
	fi
	if [ -n "$pf_run" ]; then rm -rf "$pf_run"; fi
	rm -rf "$scratch"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

data=$scratch/data
mkdir "$data"
res=$scratch/results
mkdir "$res"
case " $WHAT " in
*" xfer "*)
	echo "preparing the 1 GiB file in $data ..." >&2
	timeout --foreground 120 python3 "$client" prepare "$data" ;;
*) mkdir "$data/up" ;;
esac

# ---------------------------------------------------------------- certificates
certs=$scratch/certs
mkdir "$certs"
for k in $KEYS; do
	case $k in
	ec) alg="-newkey ec -pkeyopt ec_paramgen_curve:P-256" ;;
	rsa) alg="-newkey rsa:2048" ;;
	*) echo "KEYS: ec or rsa, not $k" >&2; exit 1 ;;
	esac
	# shellcheck disable=SC2086
	openssl req -x509 $alg -nodes -keyout "$certs/$k.key" -out "$certs/$k.crt" -days 30 \
		-subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
	chmod 600 "$certs/$k.key"
done

# ---------------------------------------------------------------- login
pass=$(openssl rand -hex 12)
hash=$(openssl passwd -6 "$pass")
login=bench
if [ $root_ok = yes ]; then
	login=sfftps$$
	useradd -M -d "$data" -s /bin/sh -p "$hash" "$login"
	user=$login
	chown -R "$login:" "$data"
fi
printf '%s:%s:%s:rw\n' "$login" "$hash" "$data" >"$scratch/users"
chmod 600 "$scratch/users"
export FTPBENCH_PASS="$pass"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_server NAME KEY PORT CMD...: in its own process group (setsid, which
# execs in place), under `ftpsbench.py serve` (its subreaper: $! is the pid
# the client reads the server's CPU time from), output to NAME-KEY.log;
# "NAME:KEY:PORT:PID" is added to $run
run=""
start_server() {
	ss_name=$1 ss_key=$2 ss_port=$3
	shift 3
	setsid python3 "$client" serve "$@" >"$scratch/$ss_name-$ss_key.log" 2>&1 </dev/null &
	servers="$servers $!"
	run="$run $ss_name:$ss_key:$ss_port:$!"
}

# ---------------------------------------------------------------- peers
versions="(not root: vsftpd and pure-ftpd skipped)"
if [ $root_ok = yes ]; then
	pkgs=$scratch/pkgs
	mkdir "$pkgs"
	fetch() {
		(cd "$pkgs" && timeout --foreground 120 apt-get -q -o APT::Sandbox::User=root \
			download vsftpd pure-ftpd) >"$scratch/apt.log" 2>&1
	}
	if ! fetch; then
		echo "apt-get download failed; apt-get update and again ..." >&2
		timeout --foreground 300 apt-get -q update >>"$scratch/apt.log" 2>&1 || true
		fetch || { cat "$scratch/apt.log" >&2; exit 1; }
	fi
	for deb in "$pkgs"/*.deb; do dpkg -x "$deb" "$pkgs/root"; done
	versions=$(cd "$pkgs" && ls -- *.deb | sed 's/_[^_]*\.deb$//' | tr '\n' ' ')
	mkdir "$scratch/vsftpd-empty"
	[ -e /var/run/pure-ftpd ] || pf_run=/var/run/pure-ftpd
fi

# ---------------------------------------------------------------- servers
cp "$bin" "$scratch/sockftpd"
sockftpd_id="$bin, $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
[ -z "$(git status --porcelain -- src 2>/dev/null)" ] || sockftpd_id="$sockftpd_id + uncommitted src/"
sockftpd_id="$sockftpd_id, built $(date -r "$bin" '+%F %T')"
[ -z "$cmp_bin" ] || cp "$cmp_bin" "$scratch/sockftpd-cmp"
for k in $KEYS; do
	crt=$certs/$k.crt keyf=$certs/$k.key
	set -- --users="$scratch/users" --log=stderr --tls-cert="$crt" --tls-key="$keyf"
	[ $root_ok = yes ] && set -- "$@" --run-as="$login"
	port=$(free_port)
	# shellcheck disable=SC2086
	start_server sockftpd "$k" "$port" systemd-socket-activate -a -l "127.0.0.1:$port" -- \
		"$scratch/sockftpd" "$@" $SOCKFTPD_EXTRA
	if [ "$INETD" = yes ]; then
		port=$(free_port)
		# shellcheck disable=SC2086
		start_server sockftpd-inetd "$k" "$port" systemd-socket-activate -a --inetd \
			-l "127.0.0.1:$port" -- "$scratch/sockftpd" "$@" $SOCKFTPD_EXTRA
	fi
	if [ -n "$cmp_bin" ]; then
		port=$(free_port)
		start_server "sockftpd-$COMPARE_NAME" "$k" "$port" systemd-socket-activate -a \
			-l "127.0.0.1:$port" -- "$scratch/sockftpd-cmp" "$@"
	fi
	[ $root_ok = yes ] || continue

	port=$(free_port)
	cat >"$scratch/vsftpd-$k.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$port
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=YES
local_umask=022
chroot_local_user=YES
allow_writeable_chroot=YES
secure_chroot_dir=$scratch/vsftpd-empty
pam_service_name=vsftpd
session_support=NO
seccomp_sandbox=NO
ftp_username=nobody
nopriv_user=nobody
connect_from_port_20=NO
pasv_enable=YES
dirmessage_enable=NO
xferlog_enable=YES
vsftpd_log_file=$scratch/vsftpd-$k.xferlog
use_sendfile=YES
ssl_enable=YES
rsa_cert_file=$crt
rsa_private_key_file=$keyf
require_ssl_reuse=YES
force_local_logins_ssl=YES
force_local_data_ssl=YES
ssl_sslv2=NO
ssl_sslv3=NO
ssl_tlsv1=YES
ssl_ciphers=HIGH
EOF
	start_server vsftpd "$k" "$port" "$pkgs/root/usr/sbin/vsftpd" "$scratch/vsftpd-$k.conf"

	# pure-ftpd: -Y 1 (TLS allowed), its certificate and key with -2
	port=$(free_port)
	start_server pure-ftpd "$k" "$port" "$pkgs/root/usr/sbin/pure-ftpd" \
		-S "127.0.0.1,$port" -E -A -l unix -H -Y 1 -2 "$crt,$keyf"
done

for s in $run; do
	port=$(echo "$s" | cut -d: -f3)
	timeout --foreground 15 python3 -c '
import socket, sys, time
end = time.monotonic() + 10
while time.monotonic() < end:
    try:
        s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
        if s.recv(3) == b"220":
            s.sendall(b"QUIT\r\n"); sys.exit(0)
    except OSError:
        pass
    time.sleep(0.1)
sys.exit(1)' "$port" || {
		echo "${s%%:*} ($s) did not start; its log:" >&2
		tail -n 20 "$scratch/$(echo "$s" | cut -d: -f1,2 | tr : -).log" >&2
		exit 1
	}
done

# what every server negotiates, once
probes=$scratch/probes.json
for s in $run; do
	name=$(echo "$s" | cut -d: -f1) k=$(echo "$s" | cut -d: -f2) port=$(echo "$s" | cut -d: -f3)
	python3 "$client" probe "$name/$k" "$port" "$login" "$certs/$k.crt" >>"$probes" ||
		echo "probe of $name ($k) failed" >&2
done

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
status=0
# ---------------------------------------------------------------- (a) transfers
case " $WHAT " in
*" xfer "*)
	xk=${KEYS%% *}
	i=1
	while [ $i -le "$REPS" ]; do
		for s in $run; do
			name=$(echo "$s" | cut -d: -f1) k=$(echo "$s" | cut -d: -f2)
			port=$(echo "$s" | cut -d: -f3) pid=$(echo "$s" | cut -d: -f4)
			[ "$k" = "$xk" ] || continue
			[ "$name" != sockftpd-inetd ] || continue   # the same transfer code
			echo "transfers, round $i/$REPS: $name (load $(cut -d' ' -f1 /proc/loadavg))" >&2
			timeout --foreground 600 python3 "$client" xfer "$name" "$port" "$login" "$data" \
				"$certs/$k.crt" 1 "$pid" >>"$res/xfer-$name.json" ||
				echo "$name: client failed or timed out (status $?)" >&2
		done
		i=$((i + 1))
	done
	load_xfer=$(cut -d' ' -f1-3 /proc/loadavg)
	;;
esac

# ---------------------------------------------------------------- (b) sessions
case " $WHAT " in
*" sessions "*)
	i=1
	while [ $i -le "$ROUNDS" ]; do
		for par in $PARALLEL; do
			for s in $run; do
				name=$(echo "$s" | cut -d: -f1) k=$(echo "$s" | cut -d: -f2)
				port=$(echo "$s" | cut -d: -f3) pid=$(echo "$s" | cut -d: -f4)
				echo "sessions, round $i/$ROUNDS, x$par: $name $k (load $(cut -d' ' -f1 /proc/loadavg))" >&2
				timeout --foreground 120 python3 "$client" sessions "$name" "$k" "$port" \
					"$login" "$certs/$k.crt" "$SECS" "$par" "$pid" >>"$res/sess-$name.json" ||
					echo "$name: client failed or timed out (status $?)" >&2
			done
		done
		i=$((i + 1))
	done
	;;
esac
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
stop_servers

# ---------------------------------------------------------------- report
echo
echo "date: $(date -u '+%F %H:%M UTC')"
echo "machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), kernel $(uname -r), $(python3 -c 'import ssl, sys; print("Python", sys.version.split()[0], ssl.OPENSSL_VERSION)')"
echo "load average: before $load_before${load_xfer:+, after the transfers $load_xfer}, at the end $load_after"
echo "sockftpd: $sockftpd_id${cmp_bin:+; sockftpd-$COMPARE_NAME: $cmp_bin}; others: $versions"
echo "scratch: $scratch_desc"
echo
echo "negotiated (control / data connection of a LIST):"
python3 - "$probes" <<'PY'
import json, sys
for ln in open(sys.argv[1]):
    r = json.loads(ln)
    if "error" in r:
        print("  %-22s error: %s" % (r["server"], r["error"]))
        continue
    c, d = r["control"], r["data"]
    print("  %-22s %s %s / %s %s, data resumed: %s" % (
        r["server"], c["version"], c["cipher"], d["version"], d["cipher"], r["data_resumed"]))
PY
if ls "$res"/xfer-*.json >/dev/null 2>&1; then
	echo
	python3 "$client" report xfer "$res"/xfer-*.json || status=$?
fi
if ls "$res"/sess-*.json >/dev/null 2>&1; then
	echo
	python3 "$client" report sessions "$res"/sess-*.json || status=$?
fi
if [ $status != 0 ]; then
	for f in "$scratch"/sockftpd-*.log; do
		echo
		echo "== the last lines of $f:"
		tail -n 30 "$f"
	done
fi
exit $status
