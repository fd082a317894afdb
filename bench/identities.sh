#!/bin/sh
# The cost of real identities (issue 10): a root-started sockftpd with the
# monitor (root monitor, network process as --run-as, the login's user
# process as its ACCOUNT) next to today's single-process session, and next
# to vsftpd 3.0.3 and pure-ftpd 1.0.50 (Debian's packages), all on 127.0.0.1,
# plain FTP, in one run:
#   (a) sessions per second: connect, 220, USER, PASS (a sha512-crypt hash),
#       QUIT, 221, the end of the connection; one client loop; and the
#       server's CPU per session
#   (b) small files: COUNT files of SIZE bytes RETR'd in one session (a
#       PASV each), files/s and the server's CPU per file
#   (c) RETR and STOR of a 1 GiB file, MB/s and the server's CPU per GiB
#
#   bench/identities.sh [BUILD_DIR]      (default: build)
#   environment:
#     WHAT="sessions small xfer"  which measurements
#     ROUNDS=5 SECS=3        rounds (every server once per round), seconds of (a)
#     COUNT=1000 SIZE=1024   (b)'s files
#     XFER_ROUNDS=3          rounds of (c)
#     PEERS=yes              vsftpd and pure-ftpd too
#
# The two sockftpd, with the same binary, the same users file and the same
# line (name:hash:home:rw:ACCOUNT, ACCOUNT the throwaway local user the
# script creates and who owns the served directory), both started per
# connection by systemd-socket-activate -a (systemd mode):
#   sockftpd-monitor  started as root: main.c splits before the greeting
#                     (geteuid() == 0 and --users) into the root monitor and
#                     the network process (--run-as, default nobody); after
#                     the login the monitor forks the user process (the
#                     ACCOUNT's uid, chrooted into the home), which does the
#                     file work and hands descriptors back (SCM_RIGHTS)
#   sockftpd-single   the activator and so sockftpd started as ACCOUNT
#                     itself (setpriv): no monitor, one process per session
#                     that does its file work itself (the line's ACCOUNT is
#                     its own uid, so the login is allowed)
# vsftpd and pure-ftpd as bench/transfer.sh runs them (standalone, the same
# user chrooted to the same directory), fetched with `apt-get download` and
# unpacked with `dpkg -x` into the scratch directory, never installed.
# Server CPU: as bench/ftps.sh reads it (bench/ftpsbench.py serve: the
# listener's and its reaped session processes' user + system time).
# The servers take turns (round-robin), so a drift of the machine's load
# spreads over all of them. Needs root (the local user, the root start).
# A benchmark, not a test: meson test does not run it.
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
bin=$PWD/$build/src/sockftpd
client=$PWD/bench/idbench.py
reaper=$PWD/bench/ftpsbench.py
WHAT=${WHAT:-sessions small xfer}
ROUNDS=${ROUNDS:-5}
SECS=${SECS:-3}
COUNT=${COUNT:-1000}
SIZE=${SIZE:-1024}
XFER_ROUNDS=${XFER_ROUNDS:-3}
PEERS=${PEERS:-yes}
[ -x "$bin" ] || { echo "no $bin: build first (scripts/build.sh $build)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "run as root (a local user, the root-started monitor)" >&2; exit 1; }
for c in python3 systemd-socket-activate openssl timeout setsid setpriv useradd; do
	command -v "$c" >/dev/null || { echo "$c is not installed" >&2; exit 1; }
done

# ---------------------------------------------------------------- scratch
need_kb=$((3 * 1024 * 1024))
avail_kb() { df -Pk "$1" 2>/dev/null | awk 'NR == 2 { print $4 }'; }
base=${TMPDIR:-/tmp}
if [ -d /dev/shm ] && [ "$(stat -f -c %T /dev/shm)" = tmpfs ] &&
	[ "$(avail_kb /dev/shm)" -ge $need_kb ]; then
	base=/dev/shm
fi
[ "$(avail_kb "$base")" -ge $need_kb ] || { echo "less than 3 GiB free in $base" >&2; exit 1; }
scratch=$(mktemp -d "$base/sockftpd-ids.XXXXXX")
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
echo "preparing the data set in $data ..." >&2
timeout --foreground 120 python3 "$client" prepare "$data" "$COUNT" "$SIZE"

# ---------------------------------------------------------------- login
pass=$(openssl rand -hex 12)
hash=$(openssl passwd -6 "$pass")
login=sfids$$
useradd -M -d "$data" -s /bin/sh -p "$hash" "$login"
user=$login
chown -R "$login:" "$data"
printf '%s:%s:%s:rw:%s\n' "$login" "$hash" "$data" "$login" >"$scratch/users"
chown "$login:" "$scratch/users"   # sockftpd-single reads it as the account
chmod 600 "$scratch/users"
export FTPBENCH_PASS="$pass"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_server NAME PORT CMD...: its own process group, under the reaper
# (`ftpsbench.py serve`, whose pid is the one the client reads the CPU time
# from); "NAME:PORT:PID" is added to $run
run=""
start_server() {
	ss_name=$1 ss_port=$2
	shift 2
	setsid python3 "$reaper" serve "$@" >"$scratch/$ss_name.log" 2>&1 </dev/null &
	servers="$servers $!"
	run="$run $ss_name:$ss_port:$!"
}

# ---------------------------------------------------------------- servers
cp "$bin" "$scratch/sockftpd"
chmod 755 "$scratch/sockftpd"
sockftpd_id="$bin, $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
[ -z "$(git status --porcelain -- src 2>/dev/null)" ] || sockftpd_id="$sockftpd_id + uncommitted src/"
sockftpd_id="$sockftpd_id, built $(date -r "$bin" '+%F %T')"
set -- --users="$scratch/users" --log=stderr
port=$(free_port)
start_server sockftpd-monitor "$port" systemd-socket-activate -a -l "127.0.0.1:$port" -- \
	"$scratch/sockftpd" "$@"
port=$(free_port)
start_server sockftpd-single "$port" setpriv --reuid="$login" --regid="$login" --clear-groups -- \
	systemd-socket-activate -a -l "127.0.0.1:$port" -- "$scratch/sockftpd" "$@"

versions="(PEERS=no)"
if [ "$PEERS" = yes ]; then
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
	port=$(free_port)
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
dirmessage_enable=NO
xferlog_enable=YES
vsftpd_log_file=$scratch/vsftpd.xferlog
use_sendfile=YES
EOF
	start_server vsftpd "$port" "$pkgs/root/usr/sbin/vsftpd" "$scratch/vsftpd.conf"

	[ -e /var/run/pure-ftpd ] || pf_run=/var/run/pure-ftpd
	port=$(free_port)
	start_server pure-ftpd "$port" "$pkgs/root/usr/sbin/pure-ftpd" \
		-S "127.0.0.1,$port" -E -A -l unix -H
fi

for s in $run; do
	port=$(echo "$s" | cut -d: -f2)
	timeout --foreground 15 python3 "$PWD/bench/ftpbench.py" wait "$port" 10 || {
		echo "${s%%:*} did not start; its log:" >&2
		tail -n 20 "$scratch/${s%%:*}.log" >&2
		exit 1
	}
done

# ---------------------------------------------------------------- measure
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
each() { # KIND ROUND ROUNDS CMD-ARGS...: every server once
	e_kind=$1 e_i=$2 e_n=$3
	shift 3
	for s in $run; do
		name=$(echo "$s" | cut -d: -f1) port=$(echo "$s" | cut -d: -f2) pid=$(echo "$s" | cut -d: -f3)
		echo "$e_kind, round $e_i/$e_n: $name (load $(cut -d' ' -f1 /proc/loadavg))" >&2
		case $e_kind in
		sessions) set -- sessions "$name" "$port" "$login" "$SECS" "$pid" ;;
		small) set -- small "$name" "$port" "$login" "$COUNT" "$SIZE" "$pid" ;;
		xfer) set -- xfer "$name" "$port" "$login" "$data" "$pid" ;;
		esac
		timeout --foreground 600 python3 "$client" "$@" >>"$res/$name.json" ||
			echo "$name: client failed or timed out (status $?)" >&2
	done
}
for kind in $WHAT; do
	n=$ROUNDS
	[ "$kind" = xfer ] && n=$XFER_ROUNDS
	i=1
	while [ $i -le "$n" ]; do
		each "$kind" $i "$n"
		i=$((i + 1))
	done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
stop_servers

# ---------------------------------------------------------------- report
echo
echo "date: $(date -u '+%F %H:%M UTC')"
echo "machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), kernel $(uname -r), $(python3 -V)"
echo "load average: before $load_before, at the end $load_after"
echo "sockftpd: $sockftpd_id; others: $versions"
echo "scratch: $scratch_desc; small files: $COUNT x $SIZE bytes; rounds: $ROUNDS (sessions ${SECS}s each), transfers $XFER_ROUNDS"
echo
status=0
files=""
for s in $run; do files="$files $res/${s%%:*}.json"; done
# shellcheck disable=SC2086
python3 "$client" report $files || status=$?
if [ $status != 0 ]; then
	for f in "$scratch"/sockftpd-*.log; do
		echo
		echo "== the last lines of $f:"
		tail -n 30 "$f"
	done
fi
exit $status
