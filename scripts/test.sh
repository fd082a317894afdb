#!/bin/sh
# Install what is missing, then build and run the whole test suite three
# times: gcc (with valgrind memcheck), clang, and gcc with AddressSanitizer
# and UndefinedBehaviorSanitizer.  Warnings are errors.  This is the command
# README.md gives and the one .ci/run calls.
set -eu
cd "$(dirname "$0")/.."

scripts/deps.sh
CC=gcc scripts/build.sh build -Dwerror=true
meson test -C build --print-errorlogs
CC=clang scripts/build.sh build-clang -Dwerror=true
meson test -C build-clang --print-errorlogs
CC=gcc scripts/build.sh build-asan -Dwerror=true -Db_sanitize=address,undefined \
	-Db_lundef=false -Dc_args=-fno-sanitize-recover=all
meson test -C build-asan --print-errorlogs
# The libFuzzer targets (parser, session, session with the openat2
# fallback), 30 s each; tests/fuzz/README.md says how to run them for hours.
CC=clang scripts/build.sh build-fuzz -Dfuzz=true -Dtests=true
meson test -C build-fuzz --suite fuzz --print-errorlogs
