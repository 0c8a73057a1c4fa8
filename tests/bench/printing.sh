#!/bin/sh
# printing.sh - printing benchmark (figures only): time from the issue call
# to the last byte handed to the transport, bytes per ticket, against USB
# full speed and the print mechanism; 80 mm and 58 mm.
set -eu
top=$(pwd)
TTOOLS=${TTOOLS:-$top/build/native/tests/tools}
export KIOSK_ASSETS=${KIOSK_ASSETS:-$top/build/share/kiosk}
[ -x "$TTOOLS/print_bench" ] || make -s -j2 units >/dev/null
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for p in 80mm 58mm; do
	mkdir -p "$tmp/$p"
	echo "== printing: $p"
	"$TTOOLS/print_bench" "$tmp/$p" "${PRINT_BENCH_TICKETS:-20}" "$p"
done
