#!/bin/sh
# health_fonts.sh - a damaged or missing font stops the kiosk issuing tickets:
# NotoSans-Bold cut to 10 % (with the shipped fonts/SHA256SUMS, and with sums
# rewritten to match so that only the render test can find it) and a missing
# font each make --self-test exit 3 with the file named; the kiosk shows the
# out-of-service screen (also when it runs without kiosk-launcher: it stays
# up, and no tap gives a ticket); a missing font is a "font problem", never a
# "ledger/printer error". The rollback of such a bundle is in health.sh.
set -u
: "${BIN:=$(pwd)/build/bin}" "${RUN:=}" "${TESTS_TMP:=$(mktemp -d)}"
ASSETS=${ASSETS:-$(pwd)/build/share/kiosk}
W="$TESTS_TMP/health_fonts"
rm -rf "$W"; mkdir -p "$W"
die() { echo "FAIL: $*" >&2; exit 1; }
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; true' EXIT

# assets NAME HOW: a copy of the kiosk's assets with a font damaged.
assets() {
	d="$W/$1"; rm -rf "$d"; cp -R "$ASSETS" "$d"; rm -f "$d/.stamp"
	f="$d/fonts/NotoSans-Bold.ttf"
	case "$2" in
	cut|cut-sums)
		sz=$(wc -c < "$f"); head -c $((sz / 10)) "$f" > "$f.cut" && mv "$f.cut" "$f"
		[ "$2" = cut ] || ( cd "$d/fonts" && sha256sum -- *.ttf > SHA256SUMS ) ;;
	empty) : > "$f" ;;
	missing) rm -f "$f" ;;
	missing-both) rm -f "$f" "$d/fonts/DejaVuSans-Bold.ttf" ;;
	nosums) rm -f "$d/fonts/SHA256SUMS" ;;
	none) ;;
	esac
}
kiosk() { $RUN "$BIN/kiosk" --headless "$@"; }

assets good none
kiosk --self-test --assets "$W/good" --data "$W/d-good" > /dev/null 2> "$W/good.err" ||
	{ cat "$W/good.err"; die "the shipped fonts fail the check"; }
echo "ok   the shipped fonts pass (fonts/SHA256SUMS matches what copy-assets copied)"

# The verification cache: the first start remembers the sums whose glyph
# checks passed; it never hides a font that changed since, and a cache that
# does not read as written is rebuilt.
vf="$W/d-good/fonts.verified"
[ -f "$vf" ] || die "no fonts.verified after a start with good fonts"
head -1 "$vf" | grep -q "^kiosk fonts verified: checks [0-9]*, FreeType " || die "fonts.verified header: $(head -1 "$vf")"
for f in NotoSans-Regular.ttf NotoSans-Bold.ttf MaterialIcons-Regular.ttf; do
	grep -q "^$(sha256sum < "$W/good/fonts/$f" | cut -c1-64) $f\$" "$vf" || die "fonts.verified does not list $f"
done
grep -q DejaVu "$vf" && die "fonts.verified lists a fallback that was never checked"
assets cache-cut cut-sums
kiosk --self-test --assets "$W/cache-cut" --data "$W/d-good" > /dev/null 2> "$W/cache-cut.err" &&
	die "a font cut after its sum was cached passed"
grep -q "font problem: .*fonts/NotoSans-Bold.ttf" "$W/cache-cut.err" || { cat "$W/cache-cut.err"; die "cached: the cut font not named"; }
printf 'kiosk fonts verified: checks 1\nnot a line\n' > "$vf"
kiosk --self-test --assets "$W/good" --data "$W/d-good" > /dev/null 2> "$W/good2.err" ||
	{ cat "$W/good2.err"; die "a damaged fonts.verified stopped the start"; }
[ "$(grep -c ' ' "$vf")" -ge 3 ] && head -1 "$vf" | grep -q FreeType || die "a damaged fonts.verified was not rebuilt: $(cat "$vf")"
echo "ok   fonts.verified: the sums checked, a font changed since still refused, a damaged cache rebuilt"

for how in cut cut-sums empty missing nosums missing-both; do
	assets "$how" "$how"
	kiosk --self-test --assets "$W/$how" --data "$W/d-$how" --report "$W/$how.rep" \
		> /dev/null 2> "$W/$how.err"
	rc=$?
	[ "$rc" -ne 0 ] || die "$how: --self-test passed with a damaged font"
	grep -q "font problem" "$W/$how.err" || { cat "$W/$how.err"; die "$how: not reported as a font problem"; }
	grep -q "ledger/printer" "$W/$how.err" && die "$how: reported as a ledger/printer error"
	case "$how" in nosums) file=SHA256SUMS ;; *) file=NotoSans-Bold.ttf ;; esac
	grep -q "fonts/$file" "$W/$how.err" || { cat "$W/$how.err"; die "$how: the message does not name fonts/$file"; }
	grep -q "font problem: .*fonts/$file" "$W/d-$how/logs/kiosk.log" ||
		die "$how: the reason is not in kiosk.log"
	[ "$rc" -eq 3 ] || die "$how: --self-test exit $rc, expected 3"
	case "$how" in nosums|missing-both)
		echo "ok   $how: nothing verified to draw with: exit 3 at once, a font problem"
		continue ;;
	esac
	grep -q "^SCREEN out-of-service" "$W/$how.rep" || die "$how: no out-of-service screen"
	echo "ok   $how: --self-test exits 3, out-of-service screen, the file named"
done

# Without kiosk-launcher the kiosk stays up out of service and gives no
# ticket, whatever is tapped; SIGINT ends it cleanly.
unset KIOSK_ROOT
mkdir -p "$W/run/req" "$W/run/ans" # req/kiosk.state since the /run/kiosk split
KIOSK_RUN_DIR="$W/run" $RUN "$BIN/kiosk" --headless --assets "$W/cut" --data "$W/d-run" \
	--report "$W/run.rep" > /dev/null 2>&1 &
pid=$!
i=0
until grep -q "^SCREEN out-of-service" "$W/run.rep" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 300 ] || die "no out-of-service screen within 30 s"
	kill -0 "$pid" 2>/dev/null || die "the kiosk ended instead of staying out of service"
	sleep 0.1
done
sleep 3
kill -0 "$pid" 2>/dev/null || die "the kiosk did not stay up out of service"
# Idle for the board's stick updater: a fixed app can be installed.
ks="$W/run/req/kiosk.state"; [ -f "$ks" ] || ks="$W/run/kiosk.state"
grep -q "idle=1" "$ks" 2>/dev/null && grep -q "screen=out-of-service" "$ks" ||
	die "out of service but not idle for a stick update: $(cat "$ks" 2>&1)"
kill -INT "$pid"; wait "$pid"; rc=$?; pid=
[ "$rc" -eq 0 ] || die "SIGINT: exit $rc"
echo "ok   without a launcher it stays up on the out-of-service screen, idle for a stick update"

# Under kiosk-launcher: a version on trial (KIOSK_TRIAL=1) exits 3 for the
# rollback; a good version (no KIOSK_TRIAL) stays up out of service instead
# of being restarted until systemd gives up on it.
KIOSK_ROOT="$W/root" KIOSK_TRIAL=1 KIOSK_RUN_DIR="$W/run" timeout 60 $RUN "$BIN/kiosk" --headless \
	--assets "$W/cut" --data "$W/d-run" > /dev/null 2>&1
rc=$?
[ "$rc" -eq 3 ] || die "a version on trial with a cut font: exit $rc, not 3"
KIOSK_ROOT="$W/root" KIOSK_RUN_DIR="$W/run" $RUN "$BIN/kiosk" --headless --assets "$W/cut" \
	--data "$W/d-run" --report "$W/good.rep" > /dev/null 2>&1 &
pid=$!
i=0
until grep -q "^SCREEN out-of-service" "$W/good.rep" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 300 ] || die "good version: no out-of-service screen within 30 s"
	kill -0 "$pid" 2>/dev/null || die "a good version with a cut font exited (restart loop on a board)"
	sleep 0.1
done
sleep 3
kill -0 "$pid" 2>/dev/null || die "a good version with a cut font did not stay up"
kill -INT "$pid"; wait "$pid"; rc=$?; pid=
[ "$rc" -eq 0 ] || die "SIGINT: exit $rc"
echo "ok   under the launcher: on trial it exits 3 (rollback), a good version stays up out of service"

cat > "$W/oos.kss" <<'KSS'
expect screen out-of-service
tap lang-en
expect text "This kiosk is out of service"
expect text "NotoSans-Bold.ttf"
advance 600000
tap lang-vi
expect screen out-of-service
expect text "Máy tạm ngừng phục vụ"
KSS
kiosk --script "$W/oos.kss" --assets "$W/cut" --data "$W/d-kss" > "$W/kss.out" 2>&1 ||
	{ cat "$W/kss.out"; die "out-of-service scenario"; }
printf 'tap start\n' > "$W/start.kss"
kiosk --script "$W/start.kss" --assets "$W/cut" --data "$W/d-kss" > /dev/null 2>&1 &&
	die "the out-of-service screen has a start button"
[ -z "$(ls -A "$W/d-kss/spool" 2>/dev/null)" ] || die "a ticket reached the spool while out of service"
echo "ok   the out-of-service screen offers no way to a ticket"
echo "health_fonts: all passed"
