#!/bin/sh
# board_voice.sh - the wall board's spoken calls: time from a call to the
# first audio sample handed to SDL audio and to the first speech sample
# (p50/p99), and synthesis CPU per second of speech; natively, and for arm64
# under qemu-aarch64 when an arm64 build of the tool exists (emulated: the
# CPU ratio against the native one is the figure). Figures only.
set -u
tool="${TTOOLS:-build/native/tests/tools}/bench_board_voice"
if [ ! -x "$tool" ]; then
	echo "board voice bench: $tool not built (make units)" >&2
	exit 77
fi
n=30 cold=3
[ "${BENCH_QUICK:-0}" = 1 ] && n=5 cold=1
SDL_AUDIODRIVER=dummy ${RUN:-} "$tool" $n $cold || exit 1
a64=build/arm64/tests/tools/bench_board_voice
if [ -x "$a64" ] && command -v qemu-aarch64 > /dev/null; then
	echo "arm64 under qemu-aarch64 (emulated):"
	SDL_AUDIODRIVER=dummy timeout -s KILL 120 qemu-aarch64 -L / "$a64" 5 0 ||
		echo "(arm64 under qemu failed or took over 120 s; no figure)"
else
	echo "(arm64: no build/arm64/tests/tools/bench_board_voice or no qemu-aarch64; skipped)"
fi
