# shellcheck shell=sh disable=SC2034
# Shell functions shared by the bench/ scripts (transfer.sh, ftps.sh,
# identities.sh, startup.sh, startup-tls.sh), sourced from the repository's
# top directory after `cd "$(dirname "$0")/.."`:  . bench/lib.sh
# Not a program: it defines functions (and no variables but the ones named).

# need_bin BIN BUILD: the sockftpd binary must be there
need_bin() {
	[ -x "$1" ] || { echo "no $1: build first (scripts/build.sh $2)" >&2; exit 1; }
}

# need_cmds CMD...: every one installed
need_cmds() {
	for c in "$@"; do
		command -v "$c" >/dev/null || { echo "$c is not installed" >&2; exit 1; }
	done
}

# compare_bin: $cmp_bin, the sockftpd of the build $COMPARE names ("" without)
compare_bin() {
	cmp_bin=""
	if [ -n "$COMPARE" ]; then
		cmp_bin=$(cd "$COMPARE" && pwd)/src/sockftpd
		[ -x "$cmp_bin" ] || { echo "no $cmp_bin" >&2; exit 1; }
	fi
}

# check_root: $root_ok yes or no; without root vsftpd and pure-ftpd are skipped
check_root() {
	root_ok=no
	[ "$(id -u)" = 0 ] && root_ok=yes
	[ $root_ok = yes ] || echo "not root: vsftpd and pure-ftpd are skipped" >&2
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

cpu_model() {
	sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1
}

# report_head PYTHON: a blank line, the date, the machine (PYTHON: the
# client's Python as the report names it)
report_head() {
	echo
	echo "date: $(date -u '+%F %H:%M UTC')"
	echo "machine: $(nproc) CPUs ($(cpu_model)), kernel $(uname -r), $1"
}

# ---------------------------------------------------------------- scratch

avail_kb() { df -Pk "$1" 2>/dev/null | awk 'NR == 2 { print $4 }'; }

# make_scratch PREFIX [BASE]: $scratch, a new directory (mode 755) in BASE, by
# default /dev/shm when it is a tmpfs with room, else $TMPDIR or /tmp; $base
# is where. A 1 GiB file + one 1 GiB upload at a time + small files: it asks
# for 3 GiB free. Removed on exit (cleanup_on_exit), with everything else.
# In it: $data, the directory every server serves, and $res, the results.
make_scratch() {
	ms_need_kb=$((3 * 1024 * 1024))
	base=${2:-}
	if [ -z "$base" ]; then
		base=${TMPDIR:-/tmp}
		if [ -d /dev/shm ] && [ "$(stat -f -c %T /dev/shm)" = tmpfs ] &&
			[ "$(avail_kb /dev/shm)" -ge $ms_need_kb ]; then
			base=/dev/shm
		fi
	fi
	[ "$(avail_kb "$base")" -ge $ms_need_kb ] ||
		{ echo "less than 3 GiB free in $base" >&2; exit 1; }
	scratch=$(mktemp -d "$base/$1.XXXXXX")
	chmod 755 "$scratch"
	cleanup_on_exit
	data=$scratch/data
	mkdir "$data"
	res=$scratch/results
	mkdir "$res"
}

# ---------------------------------------------------------------- clean-up

servers=""    # process groups of the servers (each started by setsid)
user=""       # the local user, once created
pf_run=""     # pure-ftpd's scoreboard directory, when this run creates it
run=""        # the servers started, see start_server

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

# everything (processes, the user, the scratch directory) is removed on exit
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

cleanup_on_exit() {
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# ---------------------------------------------------------------- login

# make_login PREFIX HOME: $pass (also exported as FTPBENCH_PASS), its
# sha512-crypt $hash, and $login: as root a throwaway local user PREFIX$$
# (removed on exit) who owns HOME, else "bench"
make_login() {
	pass=$(openssl rand -hex 12)
	hash=$(openssl passwd -6 "$pass")
	login=bench
	if [ "$root_ok" = yes ]; then
		login=$1$$
		useradd -M -d "$2" -s /bin/sh -p "$hash" "$login"
		user=$login
		chown -R "$login:" "$2"
	fi
	export FTPBENCH_PASS="$pass"
}

# write_users HOME [ACCOUNT]: $scratch/users, the login's line for sockftpd
write_users() {
	if [ $# -gt 1 ]; then
		printf '%s:%s:%s:rw:%s\n' "$login" "$hash" "$1" "$2" >"$scratch/users"
	else
		printf '%s:%s:%s:rw\n' "$login" "$hash" "$1" >"$scratch/users"
	fi
	chmod 600 "$scratch/users"
}

# make_cert DIR KEY MODE: DIR/KEY.crt and DIR/KEY.key (mode MODE), self-signed
# for localhost and 127.0.0.1; KEY ec (ECDSA P-256) or rsa (RSA 2048)
make_cert() {
	case $2 in
	ec) mc_alg="-newkey ec -pkeyopt ec_paramgen_curve:P-256" ;;
	rsa) mc_alg="-newkey rsa:2048" ;;
	*) echo "KEYS: ec or rsa, not $2" >&2; exit 1 ;;
	esac
	# shellcheck disable=SC2086
	openssl req -x509 $mc_alg -nodes -keyout "$1/$2.key" -out "$1/$2.crt" -days 30 \
		-subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
	chmod "$3" "$1/$2.key"
}

# ---------------------------------------------------------------- servers

# describe_bin BIN: the binary, the commit, whether src/ has uncommitted
# changes, when it was built
describe_bin() {
	si=$1
	si="$si, $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
	[ -z "$(git status --porcelain -- src 2>/dev/null)" ] || si="$si + uncommitted src/"
	echo "$si, built $(date -r "$1" '+%F %T')"
}

# start_server LABEL PORT CMD...: CMD in its own process group (setsid,
# which execs in place), output to LABEL.log in $scratch (a ":" in LABEL
# becomes "-"); "LABEL:PORT" is added to $run. With $reaper set (the path of
# bench/ftpsbench.py), CMD runs under `ftpsbench.py serve` (its subreaper:
# $! is the pid the client reads the server's CPU time from) and
# "LABEL:PORT:PID" is added instead.
start_server() {
	ss_label=$1 ss_port=$2
	shift 2
	ss_log=$scratch/$(echo "$ss_label" | tr : -).log
	if [ -n "${reaper:-}" ]; then
		setsid python3 "$reaper" serve "$@" >"$ss_log" 2>&1 </dev/null &
		run="$run $ss_label:$ss_port:$!"
	else
		setsid "$@" >"$ss_log" 2>&1 </dev/null &
		run="$run $ss_label:$ss_port"
	fi
	servers="$servers $!"
	waits="${waits:-} $ss_port:$ss_label"
}

# wait_servers: until every server started greets with 220 (10 s each)
wait_servers() {
	for ws in ${waits:-}; do
		ws_label=${ws#*:}
		timeout --foreground 15 python3 "$PWD/bench/ftpbench.py" wait "${ws%%:*}" 10 || {
			echo "$ws_label did not start; its log:" >&2
			tail -n 20 "$scratch/$(echo "$ws_label" | tr : -).log" >&2
			exit 1
		}
	done
}

# fetch_peers_as_root: fetch_peers as root, else $versions says they are skipped
fetch_peers_as_root() {
	versions="(not root: vsftpd and pure-ftpd skipped)"
	if [ "$root_ok" = yes ]; then fetch_peers; fi
}

# fetch_peers: vsftpd and pure-ftpd fetched with `apt-get download` (an
# `apt-get update` first if that fails) and unpacked with `dpkg -x` under
# $pkgs/root, never installed; $versions names them
fetch_peers() {
	pkgs=$scratch/pkgs
	mkdir "$pkgs"
	if ! fetch_debs; then
		echo "apt-get download failed; apt-get update and again ..." >&2
		timeout --foreground 300 apt-get -q update >>"$scratch/apt.log" 2>&1 || true
		fetch_debs || { cat "$scratch/apt.log" >&2; exit 1; }
	fi
	for deb in "$pkgs"/*.deb; do dpkg -x "$deb" "$pkgs/root"; done
	versions=$(cd "$pkgs" && ls -- *.deb | sed 's/_[^_]*\.deb$//' | tr '\n' ' ')
	mkdir "$scratch/vsftpd-empty"
	# pure-ftpd keeps a scoreboard in /var/run/pure-ftpd (compiled in),
	# created if missing: removed at exit if this run created it
	[ -e /var/run/pure-ftpd ] || pf_run=/var/run/pure-ftpd
}
fetch_debs() {
	(cd "$pkgs" && timeout --foreground 120 apt-get -q -o APT::Sandbox::User=root \
		download vsftpd pure-ftpd) >"$scratch/apt.log" 2>&1
}

# start_vsftpd LABEL [LINE...]: vsftpd standalone, in the foreground, on a
# free port, the login chrooted to its home; its configuration in
# $scratch/LABEL.conf (a ":" in LABEL becomes "-") with the LINEs added
start_vsftpd() {
	sv_label=$1
	sv_stem=$scratch/$(echo "$1" | tr : -)
	sv_port=$(free_port)
	cat >"$sv_stem.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$sv_port
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
vsftpd_log_file=$sv_stem.xferlog
use_sendfile=YES
EOF
	shift
	if [ $# -gt 0 ]; then printf '%s\n' "$@" >>"$sv_stem.conf"; fi
	start_server "$sv_label" "$sv_port" \
		"$pkgs/root/usr/sbin/vsftpd" "$sv_stem.conf"
}

# start_pure_ftpd LABEL [ARG...]: pure-ftpd standalone, in the foreground,
# on a free port, unix logins, everyone chrooted, with the ARGs added
start_pure_ftpd() {
	sp_label=$1
	sp_port=$(free_port)
	shift
	start_server "$sp_label" "$sp_port" "$pkgs/root/usr/sbin/pure-ftpd" \
		-S "127.0.0.1,$sp_port" -E -A -l unix -H "$@"
}

# tail_logs: the last lines of every sockftpd log (after a failure)
tail_logs() {
	for f in "$scratch"/sockftpd-*.log; do
		echo
		echo "== the last lines of $f:"
		tail -n 30 "$f"
	done
}
