#!/bin/sh
# Install what is missing, build, and serve FTP on 127.0.0.1:2121 and
# [::1]:2121 through socket activation, one sockftpd per connection, in the
# foreground until Ctrl-C.
set -eu
cd "$(dirname "$0")/.."

scripts/deps.sh
scripts/build.sh build
echo "sockftpd: serving on 127.0.0.1:2121 and [::1]:2121; try: telnet 127.0.0.1 2121 (Ctrl-C stops)" >&2
exec systemd-socket-activate -a -l 127.0.0.1:2121 -l '[::1]:2121' -- build/src/sockftpd
