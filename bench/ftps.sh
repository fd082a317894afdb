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
. bench/lib.sh
build=${1:-build}
bin=$PWD/$build/src/sockftpd
client=$PWD/bench/ftpsbench.py
reaper=$client
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
need_bin "$bin" "$build"
compare_bin
need_cmds python3 systemd-socket-activate openssl timeout setsid
check_root

# ---------------------------------------------------------------- scratch
make_scratch sockftpd-ftps "${SCRATCH:-}"
scratch_desc="$base ($(stat -f -c %T "$scratch"))"

case " $WHAT " in
*" xfer "*)
	echo "preparing the 1 GiB file in $data ..." >&2
	timeout --foreground 120 python3 "$client" prepare "$data" ;;
*) mkdir "$data/up" ;;
esac

# ---------------------------------------------------------------- certificates
certs=$scratch/certs
mkdir "$certs"
for k in $KEYS; do make_cert "$certs" "$k" 600; done

# ---------------------------------------------------------------- login
make_login sfftps "$data"
write_users "$data"

# ---------------------------------------------------------------- peers
fetch_peers_as_root

# ---------------------------------------------------------------- servers
# start_server (bench/lib.sh) with $reaper and a LABEL of NAME:KEY: the log
# is NAME-KEY.log, "NAME:KEY:PORT:PID" is added to $run
cp "$bin" "$scratch/sockftpd"
sockftpd_id=$(describe_bin "$bin")
[ -z "$cmp_bin" ] || cp "$cmp_bin" "$scratch/sockftpd-cmp"
for k in $KEYS; do
	crt=$certs/$k.crt keyf=$certs/$k.key
	set -- --users="$scratch/users" --log=stderr --tls-cert="$crt" --tls-key="$keyf"
	[ $root_ok = yes ] && set -- "$@" --run-as="$login"
	port=$(free_port)
	# shellcheck disable=SC2086
	start_server "sockftpd:$k" "$port" systemd-socket-activate -a -l "127.0.0.1:$port" -- \
		"$scratch/sockftpd" "$@" $SOCKFTPD_EXTRA
	if [ "$INETD" = yes ]; then
		port=$(free_port)
		# shellcheck disable=SC2086
		start_server "sockftpd-inetd:$k" "$port" systemd-socket-activate -a --inetd \
			-l "127.0.0.1:$port" -- "$scratch/sockftpd" "$@" $SOCKFTPD_EXTRA
	fi
	if [ -n "$cmp_bin" ]; then
		port=$(free_port)
		start_server "sockftpd-$COMPARE_NAME:$k" "$port" systemd-socket-activate -a \
			-l "127.0.0.1:$port" -- "$scratch/sockftpd-cmp" "$@"
	fi
	[ $root_ok = yes ] || continue

	start_vsftpd "vsftpd:$k" ssl_enable=YES "rsa_cert_file=$crt" "rsa_private_key_file=$keyf" \
		require_ssl_reuse=YES force_local_logins_ssl=YES force_local_data_ssl=YES \
		ssl_sslv2=NO ssl_sslv3=NO ssl_tlsv1=YES ssl_ciphers=HIGH

	# pure-ftpd: -Y 1 (TLS allowed), its certificate and key with -2
	start_pure_ftpd "pure-ftpd:$k" -Y 1 -2 "$crt,$keyf"
done

wait_servers

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
report_head "$(python3 -c 'import ssl, sys; print("Python", sys.version.split()[0], ssl.OPENSSL_VERSION)')"
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
[ $status = 0 ] || tail_logs
exit $status
