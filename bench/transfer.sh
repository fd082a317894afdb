#!/bin/sh
# Transfer throughput of sockftpd next to vsftpd and pure-ftpd (Debian's
# packages), and the raw loopback ceiling, all on 127.0.0.1 in one run:
#   (a) RETR and STOR of a 1 GiB file, MB/s (TYPE I, PASV)
#   (b) 1,000 files of 4 KiB in one session, one PASV per file, files/s
#   (c) LIST and MLSD of a 10,000-entry directory, seconds
#   (d) the ceiling: a plain os.sendfile() sender -> the same reader, MB/s
#   (e) the same figures for vsftpd and pure-ftpd
#
#   bench/transfer.sh [BUILD_DIR]      (default: build)
#   environment: REPS=3 (rounds), PASV_PORTS=LO-HI (default: kernel's pick),
#                COMPARE=OTHER_BUILD_DIR (another build's sockftpd, e.g. an
#                older commit's, measured in the same rounds as
#                "sockftpd-$COMPARE_NAME", default name "compare")
#
# The client is bench/ftpbench.py (Python standard library only). Every
# server serves the same directory to the same login, a throwaway local user
# the script creates (sockftpd: the same name and sha512-crypt hash in a
# --users file, rw), chrooted (sockftpd: openat2 RESOLVE_IN_ROOT), passive
# ports picked by the kernel unless PASV_PORTS gives all three a range.
# vsftpd and pure-ftpd are fetched with `apt-get download` and unpacked with
# `dpkg -x` into the scratch directory, never installed. They need root (a
# local user, their privilege separation); without root only sockftpd and
# the ceiling are measured. The measurements go round-robin (every server
# once per round), so a drift of the machine spreads over all of them.
# Everything (processes, the user, the scratch directory) is removed on exit.
# A benchmark, not a test: meson test does not run it.
set -eu
cd "$(dirname "$0")/.."
. bench/lib.sh
build=${1:-build}
bin=$PWD/$build/src/sockftpd
client=$PWD/bench/ftpbench.py
REPS=${REPS:-3}
PASV_PORTS=${PASV_PORTS:-}
COMPARE=${COMPARE:-}
COMPARE_NAME=${COMPARE_NAME:-compare}
compare_bin
need_bin "$bin" "$build"
need_cmds python3 systemd-socket-activate openssl timeout setsid
check_root

# ---------------------------------------------------------------- scratch
make_scratch sockftpd-bench
scratch_desc="$base ($(stat -f -c %T "$scratch"), $(($(avail_kb "$scratch") / 1048576)) GiB free)"

echo "preparing the data set in $data ..." >&2
timeout --foreground 120 python3 "$client" prepare "$data"
load=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- login
make_login sfbench "$data"
write_users "$data"

# ---------------------------------------------------------------- vsftpd, pure-ftpd binaries
fetch_peers_as_root

# ---------------------------------------------------------------- start the servers
# sockftpd: one process per connection, started by systemd-socket-activate.
# A copy of the binary, so a rebuild during the run changes nothing.
cp "$bin" "$scratch/sockftpd"
sockftpd_id=$(describe_bin "$bin")
port=$(free_port)
set -- --users="$scratch/users" --log=stderr
# as root, the session runs as the benchmark user, as it does in the others
if [ $root_ok = yes ] && "$bin" --help | grep -q -- --run-as; then
	set -- "$@" --run-as="$login"
fi
[ -n "$PASV_PORTS" ] && set -- "$@" --pasv-ports="$PASV_PORTS"
start_server sockftpd "$port" systemd-socket-activate -a -l "127.0.0.1:$port" -- "$scratch/sockftpd" "$@"
if [ -n "$cmp_bin" ]; then
	# the other build, with the same options (but --run-as where it lacks it)
	cp "$cmp_bin" "$scratch/sockftpd-cmp"
	sockftpd_id="$sockftpd_id; sockftpd-$COMPARE_NAME: $cmp_bin, built $(date -r "$cmp_bin" '+%F %T')"
	"$cmp_bin" --help | grep -q -- --run-as || set -- $(printf '%s\n' "$@" | grep -v -- '^--run-as=')
	port=$(free_port)
	start_server "sockftpd-$COMPARE_NAME" "$port" systemd-socket-activate -a -l "127.0.0.1:$port" -- \
		"$scratch/sockftpd-cmp" "$@"
fi

if [ $root_ok = yes ]; then
	# vsftpd: standalone, foreground, the same user chrooted to the same home
	pasv_lo=0 pasv_hi=0
	if [ -n "$PASV_PORTS" ]; then pasv_lo=${PASV_PORTS%-*} pasv_hi=${PASV_PORTS#*-}; fi
	start_vsftpd vsftpd "pasv_min_port=$pasv_lo" "pasv_max_port=$pasv_hi"

	# pure-ftpd: standalone, foreground, unix logins, everyone chrooted;
	# -L lifts its default cap of 10,000 listed names (MLSD counts . and ..).
	set -- -L 100000:5
	[ -n "$PASV_PORTS" ] && set -- "$@" -p "$(echo "$PASV_PORTS" | tr - :)"
	start_pure_ftpd pure-ftpd "$@"
fi

wait_servers

# ---------------------------------------------------------------- measure
i=1
while [ $i -le "$REPS" ]; do
	echo "round $i/$REPS: raw ceiling" >&2
	timeout --foreground 120 python3 "$client" raw "$data/big.bin" 1 >>"$res/0-raw.json" ||
		echo "raw: failed (status $?)" >&2
	n=1
	for s in $run; do
		name=${s%:*}
		echo "round $i/$REPS: $name" >&2
		timeout --foreground 300 python3 "$client" ftp "$name" "${s#*:}" "$login" "$data" 1 \
			>>"$res/$n-$name.json" ||
			echo "$name: client failed or timed out (status $?)" >&2
		n=$((n + 1))
	done
	i=$((i + 1))
done
stop_servers

# ---------------------------------------------------------------- report
echo
echo "machine: $(nproc) CPUs ($(cpu_model)), $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM, kernel $(uname -r), $(python3 -V)"
echo "load average before the measurements: $load (other work on the machine skews the figures)"
echo "sockftpd: $sockftpd_id; others: $versions"
echo "client: bench/ftpbench.py, recv_into() a 1 MiB buffer (SO_RCVBUF autotuned), STOR by socket.sendfile()"
status=0
python3 "$client" report "$scratch_desc" "$REPS" "$res"/*.json || status=$?
if [ $status != 0 ]; then
	# the sessions that failed, by the client's control port
	for cp in $(python3 "$client" failed-sessions "$res"/*-sockftpd.json); do
		echo
		echo "sockftpd log of the session from 127.0.0.1:$cp (systemd-socket-activate's stderr):"
		# from the activator's "Communication attempt" line for the
		# connection to the next one (sessions run one after the other)
		awk -v a="127.0.0.1:$cp" '
			/^Communication attempt/ { if (hit) exit; n = 0 }
			{ b[n++] = $0; if (index($0, a)) hit = 1 }
			END { if (hit) for (i = (n > 60 ? n - 60 : 0); i < n; i++) print b[i] }
		' "$scratch/sockftpd.log"
	done
fi
exit $status
