#!/bin/sh
# Configure (or reconfigure) and compile one build directory.
#   scripts/build.sh DIR [meson options...]
set -eu
dir=$1
shift
if [ -f "$dir/build.ninja" ]; then
	meson setup --reconfigure "$dir" "$@" >/dev/null
else
	meson setup "$dir" "$@" >/dev/null
fi
meson compile -C "$dir"
