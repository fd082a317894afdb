#!/bin/sh
# Start-up cost of sockftpd: user-space instructions from exec to the moment
# the 220 greeting has been written, per activation mode, counted by
# valgrind's callgrind (instruction counts do not depend on machine load).
#   bench/startup.sh [BUILD_DIR]      (default: build)
# Prints one line per mode: "mode instructions".
set -eu
cd "$(dirname "$0")/.."
build=${1:-build}
bin=$PWD/$build/src/sockftpd
[ -x "$bin" ] || { echo "no $bin: build first (scripts/build.sh $build)" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 1; }
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

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# pipe
mkdir -m 777 "$out/pipe"
printf 'QUIT\r\n' | $VG --callgrind-out-file="$out/pipe/cg.%p" "$bin" >/dev/null 2>&1 || true  # the final dump may be refused after the switch to nobody
echo "pipe $(first_dump "$out/pipe")"

# inetd and systemd, through systemd-socket-activate
for mode in inetd systemd; do
	mkdir -m 777 "$out/$mode"
	port=$(free_port)
	extra=""
	[ "$mode" = inetd ] && extra="--inetd"
	# shellcheck disable=SC2086
	systemd-socket-activate -a $extra -l "127.0.0.1:$port" -- \
		$VG --callgrind-out-file="$out/$mode/cg.%p" "$bin" >/dev/null 2>&1 &
	ssa=$!
	client "$port"
	# wait (bounded) for the session to end: its dump after QUIT's reply
	i=0
	while ! ls "$out/$mode"/cg.*.2 >/dev/null 2>&1 && [ $i -lt 400 ]; do
		sleep 0.05; i=$((i + 1))
	done
	kill "$ssa" 2>/dev/null || true
	wait "$ssa" 2>/dev/null || true
	echo "$mode $(first_dump "$out/$mode")"
done
