#!/bin/sh
# run-bench.sh BIN - run every benchmark in tests/bench (figures only, no
# timing assertions: the machines are shared and noisy).
set -u
export BIN="$(cd "$1" && pwd)" TTOOLS="$(pwd)/build/native/tests/tools" ASSETS="$(cd "$1/../share/kiosk" && pwd)"
export KIOSK_ASSETS="$ASSETS" SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
for b in tests/bench/*.sh; do
	echo "== $(basename "$b" .sh)"
	sh "$b" || echo "(benchmark $b exited $?)"
done
