#!/bin/sh
# Install, from Debian's packages, whatever building and testing sockftpd
# needs and this machine lacks.  Safe to run again: it installs nothing when
# everything is there.
set -eu

# Every package the four builds of scripts/test.sh need on a fresh Debian 12
# (installed with --no-install-recommends, so nothing comes by a Recommends):
#   building:   meson ninja-build pkg-config gcc libc6-dev (gcc only recommends
#               it; binutils, readelf for tests/unit/hardening.py, and gcc's
#               ASan/UBSan runtimes come with gcc) clang
#   libraries:  libsystemd-dev libcrypt-dev libseccomp-dev libcriterion-dev
#               libssl-dev (OpenSSL 3's headers; libssl3 is loaded at run time)
#               libpam0g-dev (Linux-PAM's headers; libpam.so.0 is loaded at run time,
#               only for --pam)
#   fuzzing:    libclang-rt-dev (clang's libFuzzer and sanitizer runtimes:
#               libclang-rt-14-dev on Debian 12)
#   the tests:  python3; systemd (systemd-socket-activate, systemd-analyze);
#               xinetd; util-linux (unshare, setpriv, nsenter) and mount; strace (the
#               real-systemd tests read a live session's calls); openssl
#               (password hashes); valgrind (memcheck); curl lftp wget (the
#               interop clients); gnutls-bin (gnutls-cli, a second TLS stack);
#               fail2ban (fail2ban-regex checks the shipped filter); haproxy and
#               iproute2 (ip: network namespaces and veth pairs) for the
#               several-hosts test
PACKAGES="meson ninja-build pkg-config gcc libc6-dev clang
libsystemd-dev libcrypt-dev libseccomp-dev libcriterion-dev libssl-dev libpam0g-dev
libclang-rt-dev
python3 systemd xinetd util-linux mount strace openssl valgrind curl lftp wget gnutls-bin
fail2ban haproxy iproute2"

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
