#!/bin/sh
# menus_update.sh - the technician menu drives the A/B updater: scan the
# stick (a refused file is listed with its reason), install with progress,
# slot states, roll back. Skipped when this build has no updater tools.
set -u
# Headless runs draw with SDL's software renderer; keep SDL's offscreen
# driver from loading Mesa's EGL, whose allocations LeakSanitizer reports.
export SDL_VIDEO_EGL_DRIVER=/nonexistent
[ -x "$BIN/kiosk-update" ] && [ -x "$BIN/kiosk-bundle" ] || { echo "no updater in this build"; exit 77; }
S=tests/scenarios
W="$TESTS_TMP/w"; rm -rf "$W"; mkdir -p "$W/keys" "$W/stick" "$W/root"
fail() { echo "FAIL: $*"; exit 1; }
kb() { $RUN "$BIN/kiosk-bundle" "$@"; }
ku() { $RUN "$BIN/kiosk-update" --root "$W/root" --keys "$W/keys" --compatible-file "$W/compatible" "$@"; }
kb keygen --private "$W/k.pem" --public "$W/keys/k.pub" >/dev/null || fail keygen
echo "kiosk-test-v1" > "$W/compatible"
for v in 1.0.0 1.1.0; do
	mkdir -p "$W/tree-$v"; echo "$v" > "$W/tree-$v/VERSION"
	kb create --key "$W/k.pem" --payload "$W/tree-$v" --type app --version "$v" \
		--compatible kiosk-test-v1 --out "$W/app-$v.kiosk" >/dev/null || fail "bundle $v"
done
ku install "$W/app-1.0.0.kiosk" >/dev/null || fail "factory install"
ku mark-good >/dev/null || fail "mark-good"
cp "$W/app-1.1.0.kiosk" "$W/stick/"
head -c 3000 "$W/app-1.1.0.kiosk" > "$W/stick/bad.kiosk"

# PINs through the first-boot scenario (no default PIN).
D="$TESTS_TMP/data"
$RUN "$BIN/kiosk" --headless --first-boot --data "$D" --script "$S/menus_first_boot.kss" 2>/dev/null ||
	fail "first boot"
shots=${MENUS_SHOTS:+--screenshots $MENUS_SHOTS}
KIOSK_ROOT="$W/root" KIOSK_KEYS="$W/keys" KIOSK_COMPATIBLE="$W/compatible" KIOSK_STICK="$W/stick" \
	$RUN "$BIN/kiosk" --headless --data "$D" --script "$S/menus_update.kss" $shots 2>"$W/err" ||
	{ cat "$W/err"; fail "update scenario"; }
ku status > "$W/status" || fail status
grep -q '^current=a' "$W/status" || { cat "$W/status"; fail "not rolled back to a"; }
grep -q '^slot_b=bad' "$W/status" || { cat "$W/status"; fail "slot b not bad"; }
grep -q '^slot_b_version=1.1.0' "$W/status" || fail "1.1.0 was not installed in b"
exit 0
