#!/bin/sh
# start.sh - start to first frame saved as PNG, whole process: a headless
# kiosk at 1920x1080 (software rendering) runs a one-line scenario
# `screenshot first` and exits. Prints the median wall time (to the
# microsecond), CPU time and peak RSS, from tests/tools/runtime.c (fork,
# exec, wait4's rusage), over START_RUNS runs
# (default 7; 3 with BENCH_QUICK=1), with and without the screenshot, on a
# restart (the data folder exists, as on every boot but the first) and on a
# first start (empty data folder: the ledger and office key are created).
# Against headless Chromium rendering an equivalent page where
# /usr/bin/chromium is installed (else that ratio is skipped, said so);
# arm64 under qemu-aarch64 where an arm64 build exists (emulated, so only
# the memory figure means much). Figures only: nothing is asserted.
set -u
runs=${START_RUNS:-7}
[ "${BENCH_QUICK:-0}" = 1 ] && runs=${START_RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'screenshot first\n' > "$tmp/shot.kss"
printf 'expect screen welcome\n' > "$tmp/noshot.kss"
RUNTIME=${RUNTIME:-${TTOOLS:-build/native/tests/tools}/runtime}
[ -x "$RUNTIME" ] || { echo "start: $RUNTIME is missing (make units)"; exit 1; }

# median of the numbers on stdin
median() { sort -n | awk '{v[NR] = $1} END {if (NR == 0) print "?"; else printf "%.3f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# one_run PREFIX KSS FRESH: prints "wall cpu maxrss_kib"
one_run() {
	rm -rf "$tmp/shots"
	[ "$3" = fresh ] && rm -rf "$tmp/d"
	"$RUNTIME" "$tmp/t" $1 "$BIN/kiosk" --headless --size 1920x1080 \
		--data "$tmp/d" --script "$2" --screenshots "$tmp/shots" >/dev/null 2>"$tmp/err" ||
		{ echo "start: the kiosk failed:" >&2; cat "$tmp/err" >&2; return 1; }
	cat "$tmp/t"
}

# series LABEL PREFIX KSS FRESH: the medians of $runs runs
series() {
	: > "$tmp/s"
	i=0
	while [ $i -lt "$runs" ]; do
		one_run "$2" "$3" "$4" >> "$tmp/s" || return 1
		i=$((i + 1))
	done
	w=$(cut -d' ' -f1 "$tmp/s" | median)
	c=$(cut -d' ' -f2 "$tmp/s" | median)
	m=$(cut -d' ' -f3 "$tmp/s" | median)
	mib=$(awk "BEGIN {printf \"%.1f\", $m / 1024}")
	echo "$1: $w s wall, $c s CPU, peak RSS $mib MiB (median of $runs)"
	last_wall=$w last_mib=$mib
}

echo "start to first frame (headless, software rendering, 1920x1080; goal <= 0.070 s and <= 20 MiB with the screenshot):"
rm -rf "$tmp/d"
one_run "" "$tmp/noshot.kss" fresh > /dev/null || exit 1 # the data folder, once
series "  restart, first frame saved as PNG " "" "$tmp/shot.kss" keep || exit 1
k_wall=$last_wall k_mib=$last_mib
pngcheck -q "$tmp/shots/first.png" 2>/dev/null && echo "  (the PNG passes pngcheck)"
series "  restart, first frame, no PNG      " "" "$tmp/noshot.kss" keep || exit 1
series "  first start (empty data folder), PNG" "" "$tmp/shot.kss" fresh || exit 1
echo "  (the machine is shared: wall time varies with its load; CPU time and RSS much less)"

CHROME=/usr/bin/chromium
if [ -x "$CHROME" ]; then
	# An equivalent page: the welcome screen's layout (title, two lines,
	# three large buttons) at 1920x1080, in the same fonts where installed.
	cat > "$tmp/page.html" <<'EOF'
<!doctype html><html><head><meta charset="utf-8"><style>
body{margin:0;width:1920px;height:1080px;background:#f5f1e8;font-family:'Noto Sans',sans-serif}
h1{font-size:96px;text-align:center;margin:120px 0 40px}p{font-size:48px;text-align:center}
div{display:flex;justify-content:center;gap:60px;margin-top:120px}
button{font-size:56px;padding:40px 80px;border-radius:24px;border:4px solid #124}
</style></head><body><h1>Kiosk</h1><p>Welcome</p><p>Touch a button to start</p>
<div><button>Start</button><button>Large text</button><button>English</button></div></body></html>
EOF
	: > "$tmp/c"
	i=0
	while [ $i -lt 3 ]; do
		rm -f "$tmp/chrome.png"
		"$RUNTIME" "$tmp/t" "$CHROME" --headless --disable-gpu --no-sandbox \
			--user-data-dir="$tmp/chrome-profile" --window-size=1920,1080 \
			--screenshot="$tmp/chrome.png" "file://$tmp/page.html" >/dev/null 2>&1
		[ -s "$tmp/chrome.png" ] && cut -d' ' -f1,3 "$tmp/t" >> "$tmp/c"
		i=$((i + 1))
	done
	if [ -s "$tmp/c" ]; then
		cw=$(cut -d' ' -f1 "$tmp/c" | median)
		cm=$(awk '{print $2}' "$tmp/c" | median)
		cmib=$(awk "BEGIN {printf \"%.1f\", $cm / 1024}")
		echo "headless Chromium, the same-sized page to PNG: $cw s wall, peak RSS $cmib MiB (median of $(wc -l < "$tmp/c"))"
		echo "  kiosk ahead of Chromium: $(awk "BEGIN {printf \"%.1fx\", $cw / $k_wall}") in time, $(awk "BEGIN {printf \"%.1fx\", $cmib / $k_mib}") in memory (goal >= 30x in time)"
	else
		echo "headless Chromium: $CHROME wrote no screenshot: ratio skipped"
	fi
else
	echo "headless Chromium: $CHROME is not installed: the ratio against it is skipped"
fi

A=build/arm64/bin/kiosk
if [ -x "$A" ] && command -v qemu-aarch64 >/dev/null 2>&1; then
	BIN_SAVE=$BIN
	BIN=$(cd build/arm64/bin && pwd)
	export KIOSK_ASSETS="$(cd build/arm64/share/kiosk 2>/dev/null && pwd || echo "$KIOSK_ASSETS")"
	rm -rf "$tmp/d"
	if one_run "qemu-aarch64 -L /" "$tmp/noshot.kss" fresh > /dev/null; then
		runs=3
		series "arm64 under qemu-aarch64 (emulated; RSS is qemu's too), PNG" "qemu-aarch64 -L /" "$tmp/shot.kss" keep
	else
		echo "arm64: the kiosk did not run under qemu-aarch64: skipped"
	fi
	BIN=$BIN_SAVE
else
	echo "arm64: no $A (make ARCH=arm64) or no qemu-aarch64: skipped"
fi
exit 0
