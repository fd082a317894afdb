#!/bin/sh
# Install what is missing, build with gcc and with clang (warnings are
# errors), and run the whole test suite with both.  This is the command
# README.md gives and the one .ci/run calls.
set -eu
cd "$(dirname "$0")/.."

scripts/deps.sh
CC=gcc scripts/build.sh build -Dwerror=true
meson test -C build --print-errorlogs
CC=clang scripts/build.sh build-clang -Dwerror=true
meson test -C build-clang --print-errorlogs
