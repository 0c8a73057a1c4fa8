#!/bin/sh
# menus_update.sh - the technician menu drives the A/B updater: scan the
# stick (a refused file is listed with its reason), install with progress,
# slot states, roll back. Skipped when this build has no updater tools.
set -u
# Headless runs draw with SDL's software renderer; menus_update.inc keeps
# SDL's offscreen driver from loading Mesa's EGL, whose allocations
# LeakSanitizer reports.
fail() { echo "FAIL: $*"; exit 1; }
. tests/cli/menus_update.inc
shots=${MENUS_SHOTS:+--screenshots $MENUS_SHOTS}
KIOSK_ROOT="$W/root" KIOSK_KEYS="$W/keys" KIOSK_COMPATIBLE="$W/compatible" KIOSK_STICK="$W/stick" \
	$RUN "$BIN/kiosk" --headless --data "$D" --script "$S/menus_update.kss" $shots 2>"$W/err" ||
	{ cat "$W/err"; fail "update scenario"; }
ku status > "$W/status" || fail status
grep -q '^current=a' "$W/status" || { cat "$W/status"; fail "not rolled back to a"; }
grep -q '^slot_b=bad' "$W/status" || { cat "$W/status"; fail "slot b not bad"; }
grep -q '^slot_b_version=1.1.0' "$W/status" || fail "1.1.0 was not installed in b"
exit 0
