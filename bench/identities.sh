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
. bench/lib.sh
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
need_bin "$bin" "$build"
[ "$(id -u)" = 0 ] || { echo "run as root (a local user, the root-started monitor)" >&2; exit 1; }
root_ok=yes
need_cmds python3 systemd-socket-activate openssl timeout setsid setpriv useradd

# ---------------------------------------------------------------- scratch
make_scratch sockftpd-ids
scratch_desc="$base ($(stat -f -c %T "$scratch"))"

echo "preparing the data set in $data ..." >&2
timeout --foreground 120 python3 "$client" prepare "$data" "$COUNT" "$SIZE"

# ---------------------------------------------------------------- login
make_login sfids "$data"
write_users "$data" "$login"
chown "$login:" "$scratch/users"   # sockftpd-single reads it as the account

# ---------------------------------------------------------------- servers
# each under the reaper (start_server with $reaper: "NAME:PORT:PID" in $run)
cp "$bin" "$scratch/sockftpd"
chmod 755 "$scratch/sockftpd"
sockftpd_id=$(describe_bin "$bin")
set -- --users="$scratch/users" --log=stderr
port=$(free_port)
start_server sockftpd-monitor "$port" systemd-socket-activate -a -l "127.0.0.1:$port" -- \
	"$scratch/sockftpd" "$@"
port=$(free_port)
start_server sockftpd-single "$port" setpriv --reuid="$login" --regid="$login" --clear-groups -- \
	systemd-socket-activate -a -l "127.0.0.1:$port" -- "$scratch/sockftpd" "$@"

versions="(PEERS=no)"
if [ "$PEERS" = yes ]; then
	fetch_peers
	start_vsftpd vsftpd
	start_pure_ftpd pure-ftpd
fi

wait_servers

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
report_head "$(python3 -V)"
echo "load average: before $load_before, at the end $load_after"
echo "sockftpd: $sockftpd_id; others: $versions"
echo "scratch: $scratch_desc; small files: $COUNT x $SIZE bytes; rounds: $ROUNDS (sessions ${SECS}s each), transfers $XFER_ROUNDS"
echo
status=0
files=""
for s in $run; do files="$files $res/${s%%:*}.json"; done
# shellcheck disable=SC2086
python3 "$client" report $files || status=$?
[ $status = 0 ] || tail_logs
exit $status
