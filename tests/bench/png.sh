#!/bin/sh
# png.sh - the screenshot writer (core/pngout.c) against libpng on the
# kiosk's own first frame at 1920x1080: tests/tools/bench_png writes the same
# pixels with both, interleaved, and prints each median and the ratio
# (BENCH_QUICK=1: 5 runs instead of 21). Figures only.
set -u
TTOOLS=${TTOOLS:-build/native/tests/tools}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
runs=21
[ "${BENCH_QUICK:-0}" = 1 ] && runs=5
printf 'screenshot first\n' > "$tmp/s.kss"
"$BIN/kiosk" --headless --size 1920x1080 --data "$tmp/d" --script "$tmp/s.kss" \
	--screenshots "$tmp/shots" > /dev/null 2> "$tmp/err" || { cat "$tmp/err"; exit 1; }
echo "writing a 1920x1080 first frame as PNG:"
"$TTOOLS/bench_png" "$tmp/shots/first.png" "$tmp" "$runs"
