#!/bin/sh
# Install what is missing, build, and serve FTP on 127.0.0.1:2121 and
# [::1]:2121 through socket activation, one sockftpd per connection, in the
# foreground until Ctrl-C.  A demo directory (build/demo) is served
# anonymously and read-only: try  curl ftp://127.0.0.1:2121/
set -eu
cd "$(dirname "$0")/.."

scripts/deps.sh
scripts/build.sh build
demo=$PWD/build/demo
mkdir -p "$demo/pub"
printf 'Hello from sockftpd.\n' > "$demo/README.txt"
printf 'A file in a subdirectory.\n' > "$demo/pub/example.txt"
echo "sockftpd: serving $demo anonymously on 127.0.0.1:2121 and [::1]:2121" >&2
echo "          try: curl ftp://127.0.0.1:2121/   (Ctrl-C stops)" >&2
exec systemd-socket-activate -a -l 127.0.0.1:2121 -l '[::1]:2121' -- \
	build/src/sockftpd --anonymous "$demo"
