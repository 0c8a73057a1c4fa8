#!/bin/sh
# screenshot_png.sh - a screenshot is a valid PNG that two decoders read to
# the same pixels: pngcheck passes it, and tests/tools/png_check.py (Python's
# zlib only: CRCs, one zlib stream, all five filters) decodes it to exactly
# the pixels libpng's reader gives (tests/tools/png_pixels). It is written
# the fast way docs/profile.md measured: zlib's fastest level and the Up
# filter on every row (libpng's defaults, level 6 and adaptive filtering,
# took four times as long per 1080p frame).
set -u
: "${BIN:=$(pwd)/build/bin}" "${RUN:=}" "${TESTS_TMP:=$(mktemp -d)}"
: "${TTOOLS:=$(pwd)/build/native/tests/tools}"
W="$TESTS_TMP/screenshot_png"
rm -rf "$W"; mkdir -p "$W"
die() { echo "FAIL: $*" >&2; exit 1; }
command -v python3 >/dev/null || { echo "skip: no python3"; exit 77; }
command -v pngcheck >/dev/null || { echo "skip: no pngcheck (tools/deps.sh test)"; exit 77; }

# The welcome screen and a form with the keyboard (text, keys, a QR-free
# screen with many edges), at a size that keeps the Python decoder quick.
printf 'screenshot welcome\ntap start\nscreenshot groups\n' > "$W/s.kss"
$RUN "$BIN/kiosk" --headless --size 1280x720 --data "$W/d" --script "$W/s.kss" \
	--screenshots "$W/shots" > /dev/null 2> "$W/err" || { cat "$W/err"; die "the kiosk failed"; }
for n in welcome groups; do
	p="$W/shots/$n.png"
	[ -s "$p" ] || die "$n.png was not written"
	[ ! -e "$p.tmp" ] || die "$n.png.tmp left behind"
	pngcheck -q "$p" > "$W/pc" 2>&1 || { cat "$W/pc"; die "pngcheck rejects $n.png"; }
	"$TTOOLS/png_pixels" "$p" > "$W/$n.rgb" 2> "$W/size" || die "libpng cannot read $n.png"
	[ "$(cat "$W/size")" = 1280x720 ] || die "$n.png is $(cat "$W/size"), not 1280x720"
	r=$(python3 tests/tools/png_check.py "$p" "$W/$n.rgb") || die "$n.png: the zlib decoder disagrees"
	echo "ok   $n.png valid, the same pixels through libpng and zlib ($r)"
	case "$r" in
	*" level=0 filters=2") echo "ok   $n.png: zlib's fastest level, the Up filter on every row" ;;
	*) die "$n.png is not written the fast way (want level=0 filters=2: $r)" ;;
	esac
done
echo "screenshot_png: ok"
