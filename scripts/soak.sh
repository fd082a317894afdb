#!/bin/sh
# Run the unit and integration suites of the gcc build RUNS times (default
# 20) in a row under load (stress-ng: two CPU hogs and an I/O hog on this
# two-core machine), and say how many runs failed.  Logs of failed runs go
# to build/soak/.  Needs stress-ng (apt-get install stress-ng) unless
# STRESS is empty (the load is then whatever else the machine runs).
#   [STRESS="--cpu 2 --io 1"] scripts/soak.sh [RUNS]
set -eu
cd "$(dirname "$0")/.."
runs=${1:-20}
stress=${STRESS-"--cpu 2 --io 1"}
[ -z "$stress" ] || command -v stress-ng >/dev/null ||
	{ echo "soak.sh: needs stress-ng" >&2; exit 2; }
CC=gcc scripts/build.sh build -Dwerror=true >/dev/null
mkdir -p build/soak
load=
if [ -n "$stress" ]; then
	# shellcheck disable=SC2086 # options, split on purpose
	stress-ng $stress --timeout 4h --quiet &
	load=$!
fi
trap '[ -z "$load" ] || { kill $load 2>/dev/null; wait $load 2>/dev/null; }' EXIT INT TERM
failed=0
i=1
while [ "$i" -le "$runs" ]; do
	if meson test -C build --no-rebuild --suite unit --suite integration \
		--print-errorlogs >build/soak/run.log 2>&1; then
		echo "run $i: ok"
	else
		failed=$((failed + 1))
		cp build/soak/run.log "build/soak/failed-$i.log"
		echo "run $i: FAILED: $(grep ' FAIL ' build/soak/run.log | tr -s ' ' | tr '\n' ';')"
	fi
	i=$((i + 1))
done
echo "soak: $runs runs under load, $failed failed"
[ "$failed" -eq 0 ]
