#!/bin/sh
# Install, from Debian's packages, whatever building and testing sockftpd
# needs and this machine lacks.  Safe to run again: it installs nothing when
# everything is there.
set -eu

PACKAGES="meson ninja-build gcc clang pkg-config libsystemd-dev libcriterion-dev
python3 systemd xinetd util-linux mount strace valgrind curl lftp wget openssl
libseccomp-dev"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps.sh: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
