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
build=${1:-build}
bin=$PWD/$build/src/sockftpd
client=$PWD/bench/ftpbench.py
REPS=${REPS:-3}
PASV_PORTS=${PASV_PORTS:-}
COMPARE=${COMPARE:-}
COMPARE_NAME=${COMPARE_NAME:-compare}
cmp_bin=""
if [ -n "$COMPARE" ]; then
	cmp_bin=$(cd "$COMPARE" && pwd)/src/sockftpd
	[ -x "$cmp_bin" ] || { echo "no $cmp_bin" >&2; exit 1; }
fi
[ -x "$bin" ] || { echo "no $bin: build first (scripts/build.sh $build)" >&2; exit 1; }
for c in python3 systemd-socket-activate openssl timeout setsid; do
	command -v "$c" >/dev/null || { echo "$c is not installed" >&2; exit 1; }
done
root_ok=no
[ "$(id -u)" = 0 ] && root_ok=yes
[ $root_ok = yes ] || echo "not root: vsftpd and pure-ftpd are skipped" >&2

# ---------------------------------------------------------------- scratch
# 1 GiB file + one 1 GiB upload at a time + small files: ask for 3 GiB free.
need_kb=$((3 * 1024 * 1024))
avail_kb() { df -Pk "$1" 2>/dev/null | awk 'NR == 2 { print $4 }'; }
base=${TMPDIR:-/tmp}
if [ -d /dev/shm ] && [ "$(stat -f -c %T /dev/shm)" = tmpfs ] &&
	[ "$(avail_kb /dev/shm)" -ge $need_kb ]; then
	base=/dev/shm
fi
[ "$(avail_kb "$base")" -ge $need_kb ] || { echo "less than 3 GiB free in $base" >&2; exit 1; }
scratch=$(mktemp -d "$base/sockftpd-bench.XXXXXX")
chmod 755 "$scratch"
scratch_desc="$base ($(stat -f -c %T "$scratch"), $(($(avail_kb "$scratch") / 1048576)) GiB free)"

servers=""    # process groups of the servers (each started by setsid)
user=""       # the local user, once created
pf_run=""     # pure-ftpd's scoreboard directory, when this run creates it
stop_servers() { # TERM, then KILL after 5 s
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

data=$scratch/data   # the directory every server serves
mkdir "$data"
res=$scratch/results
mkdir "$res"
echo "preparing the data set in $data ..." >&2
timeout --foreground 120 python3 "$client" prepare "$data"
load=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- login
pass=$(openssl rand -hex 12)
hash=$(openssl passwd -6 "$pass")
login=bench
if [ $root_ok = yes ]; then
	login=sfbench$$
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

# start_server NAME PORT CMD...: in its own process group (setsid), output
# to NAME.log; "NAME:PORT" is added to $run
run=""
start_server() {
	name=$1 port=$2
	shift 2
	setsid "$@" >"$scratch/$name.log" 2>&1 </dev/null &
	servers="$servers $!"
	run="$run $name:$port"
}

# ---------------------------------------------------------------- vsftpd, pure-ftpd binaries
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
fi

# ---------------------------------------------------------------- start the servers
# sockftpd: one process per connection, started by systemd-socket-activate.
# A copy of the binary, so a rebuild during the run changes nothing.
cp "$bin" "$scratch/sockftpd"
sockftpd_id="$bin, $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
[ -z "$(git status --porcelain -- src 2>/dev/null)" ] || sockftpd_id="$sockftpd_id + uncommitted src/"
sockftpd_id="$sockftpd_id, built $(date -r "$bin" '+%F %T')"
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
	mkdir "$scratch/vsftpd-empty"
	port=$(free_port)
	pasv_lo=0 pasv_hi=0
	if [ -n "$PASV_PORTS" ]; then pasv_lo=${PASV_PORTS%-*} pasv_hi=${PASV_PORTS#*-}; fi
	cat >"$scratch/vsftpd.conf" <<EOF
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
pasv_min_port=$pasv_lo
pasv_max_port=$pasv_hi
dirmessage_enable=NO
xferlog_enable=YES
vsftpd_log_file=$scratch/vsftpd.xferlog
use_sendfile=YES
EOF
	start_server vsftpd "$port" "$pkgs/root/usr/sbin/vsftpd" "$scratch/vsftpd.conf"

	# pure-ftpd: standalone, foreground, unix logins, everyone chrooted;
	# -L lifts its default cap of 10,000 listed names (MLSD counts . and ..).
	# It keeps a scoreboard in /var/run/pure-ftpd (compiled in), created
	# if missing: removed at exit if this run created it.
	[ -e /var/run/pure-ftpd ] || pf_run=/var/run/pure-ftpd
	port=$(free_port)
	set -- -S "127.0.0.1,$port" -E -A -l unix -H -L 100000:5
	[ -n "$PASV_PORTS" ] && set -- "$@" -p "$(echo "$PASV_PORTS" | tr - :)"
	start_server pure-ftpd "$port" "$pkgs/root/usr/sbin/pure-ftpd" "$@"
fi

for s in $run; do
	timeout --foreground 15 python3 "$client" wait "${s#*:}" 10 || {
		echo "${s%:*} did not start; its log:" >&2
		tail -n 20 "$scratch/${s%:*}.log" >&2
		exit 1
	}
done

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
echo "machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM, kernel $(uname -r), $(python3 -V)"
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
