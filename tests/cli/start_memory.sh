#!/bin/sh
# start_memory.sh - the peak RSS of a headless kiosk at 1920x1080 that starts,
# saves its first frame as PNG and exits stays under 21 MiB, on its first start
# (the data folder made: ledger, office key) and on a restart (docs/profile.md:
# 40.6 MiB before the headless frame was drawn straight on one surface, the
# screenshot written a few rows at a time and the fonts read once; 26-29 MiB
# after; 20.3-20.8 MiB since the headless frame is drawn 32 rows at a time;
# 19.4 MiB since the fonts are mapped and opened once per file; 18.9 MiB, and
# 19.3 on a first start instead of 21.6, since the screenshot has its own
# writer and the ledger's id its random bytes from the kernel).
# Memory, not time: it does not depend on the machine's load. Native builds
# only (a sanitizer build or qemu has its own memory).
set -u
: "${BIN:=$(pwd)/build/bin}" "${RUN:=}" "${TESTS_TMP:=$(mktemp -d)}"
W="$TESTS_TMP/start_memory"
rm -rf "$W"; mkdir -p "$W"
die() { echo "FAIL: $*" >&2; exit 1; }
LIMIT_KIB=$((21 * 1024))
[ -z "$RUN" ] || { echo "skip: emulated ($RUN)"; exit 77; }
grep -q -e __asan_init -e __ubsan_handle "$BIN/kiosk" && { echo "skip: a sanitizer build"; exit 77; }
[ -x /usr/bin/time ] || { echo "skip: no /usr/bin/time (tools/deps.sh test)"; exit 77; }

printf 'screenshot first\n' > "$W/s.kss"
# peak RSS of one run in $W/rss, the screenshot checked
one() {
	rm -rf "$W/shots"
	/usr/bin/time -f %M -o "$W/rss" "$BIN/kiosk" --headless --size 1920x1080 --data "$W/d" \
		--script "$W/s.kss" --screenshots "$W/shots" > /dev/null 2> "$W/err" ||
		{ cat "$W/err"; die "the kiosk failed ($1)"; }
	[ -s "$W/shots/first.png" ] || die "no screenshot written ($1)"
	rss=$(tail -1 "$W/rss")
	echo "$1: peak RSS $rss KiB (limit $LIMIT_KIB KiB)"
	[ "$rss" -le "$LIMIT_KIB" ] || die "$1: peak RSS $rss KiB over $LIMIT_KIB KiB"
}
one "first start (the data folder made)"
one "restart"
echo "start_memory: ok"
