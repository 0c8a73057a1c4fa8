#!/bin/sh
# run-bench.sh BIN - run every benchmark in tests/bench (figures only, no
# timing assertions: the machines are shared and noisy). Exits 1 when a
# benchmark could not run (a figure missing is a fault; a slow one is not).
# BENCH_QUICK=1 (`make bench BENCH_QUICK=1`): the same benchmarks on short
# runs and small payloads (tests/cli/readme_commands.sh uses it); the
# figures are then rougher.
set -u
export BIN="$(cd "$1" && pwd)" ASSETS="$(cd "$1/../share/kiosk" && pwd)"
export TTOOLS="${TTOOLS:-$(pwd)/build/native/tests/tools}"
export KIOSK_ASSETS="$ASSETS" SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	export IDLE_SECONDS=${IDLE_SECONDS:-3} SIZE_MB=${SIZE_MB:-8}
	export IME_BENCH_SECONDS=${IME_BENCH_SECONDS:-0.2} PRINT_BENCH_TICKETS=${PRINT_BENCH_TICKETS:-3}
fi
failed=""
for b in tests/bench/*.sh; do
	echo "== $(basename "$b" .sh)"
	sh "$b"
	st=$?
	if [ $st -ne 0 ]; then
		echo "(benchmark $b exited $st)"
		failed="$failed $(basename "$b" .sh)"
	fi
done
[ -z "$failed" ] || { echo "bench: could not run:$failed"; exit 1; }
