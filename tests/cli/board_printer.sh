#!/bin/sh
# board_printer.sh - the board never falls back to the file printer. The
# kiosk runs the board's way (`--fullscreen`, as kiosk.service starts it,
# with the shipped site.json: printer.transport "auto") in a real X screen
# under Xvfb, with no USB printer (KIOSK_USB_NO_DISCOVERY=1: libusb finds
# nothing). A citizen taps Start, a group and a procedure with the pointer:
# the printer-error screen must show, nothing may be written to <data>/spool
# and the ledger must hold no number. The same taps headless (a desktop or
# demo, "auto" = the file printer) reach the documents screen, so the test
# also shows that the difference is the board's transport, not the taps.
set -u
top=$(pwd)
t=$TESTS_TMP
. "$top/tests/cli/xvfb.inc"
command -v xdotool >/dev/null || { echo "xdotool missing (tools/deps.sh test)"; exit 1; }
kpid=""
cleanup() { [ -n "$kpid" ] && kill "$kpid" 2>/dev/null; xvfb_stop; }
trap cleanup EXIT
fails=0
check() { what=$1; shift; if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fails=$((fails + 1)); fi; }

# PINs first (a board without them opens the first-boot set-up instead of
# Welcome): the first-boot scenario, as the other menu tests do.
d="$t/data"
$RUN "$BIN/kiosk" --headless --first-boot --data "$d" \
	--script "$top/tests/scenarios/menus_first_boot.kss" > "$t/fb.out" 2>&1 ||
	{ cat "$t/fb.out"; echo "FAIL first-boot scenario"; exit 1; }
rm -rf "$d/spool"
# Open all week, all day: the taps must not depend on when the test runs
# (outside office hours Welcome is the closed screen).
python3 - "$d/local.json" <<'PY'
import json, os, sys
p = sys.argv[1]
c = json.load(open(p)) if os.path.exists(p) else {}
c.setdefault("office", {})["hours"] = {d: [["00:00", "24:00"]] for d in
    ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
json.dump(c, open(p, "w"))
PY

xvfb_start 1920x1080 || exit 1
# The board's command line (board/systemd/kiosk.service) minus the launcher.
# Under the sanitizer pass, leaks inside libX11/Mesa are not the kiosk's: the
# headless tests check the kiosk's own.
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" SDL_VIDEODRIVER=x11 KIOSK_USB_NO_DISCOVERY=1 $RUN "$BIN/kiosk" --fullscreen --data "$d" \
	--report "$t/report" > "$t/kiosk.out" 2>&1 &
kpid=$!
tap() { # screen target next-screen
	report_tap "$t/report" "$1" "$2" && report_wait "$t/report" "^SCREEN $3\$" 20
}
if report_wait "$t/report" '^SCREEN welcome$' 60; then
	check "tap start: groups" tap welcome start groups
	check "tap a group: procedures" tap groups group-chung-thuc procedures
	report_tap "$t/report" procedures proc-chung-thuc-ban-sao
	report_wait "$t/report" '^SCREEN (printer-error|documents)$' 20
	last=$(grep '^SCREEN' "$t/report" | tail -n 1)
	check "no USB printer on the board: the printer-error screen ($last)" \
		test "$last" = "SCREEN printer-error"
	if [ "$last" = "SCREEN documents" ]; then
		# The fault: go on as a citizen would, to show what it costs.
		tap documents next review && tap review next priority &&
			tap priority priority-no ticket && echo "the board issued a ticket with no printer"
	fi
	check "the kiosk is still up" kill -0 "$kpid"
	kill -INT "$kpid"; wait "$kpid"; st=$?; kpid=""
	check "SIGINT ends the kiosk cleanly (exit $st)" test "$st" -eq 0
else
	cat "$t/kiosk.out"; echo "report:"; cat "$t/report" 2>&1 | tail -5
	check "the board's kiosk reached Welcome under Xvfb" false
fi
n=$(find "$d/spool" -type f 2>/dev/null | wc -l)
check "nothing written to <data>/spool ($n files)" test "$n" -eq 0
issued=$(sqlite3 "$d/ledger.db" "select count(*) from tickets" 2>&1)
check "no number in the ledger ($issued)" test "$issued" = 0

# Control: the same taps headless, where "auto" is the file printer.
cat > "$t/control.kss" <<'KSS'
tap start
tap group-chung-thuc
tap proc-chung-thuc-ban-sao
expect screen documents
KSS
check "headless (auto = file printer): the same taps reach the documents screen" \
	env -u DISPLAY $RUN "$BIN/kiosk" --headless --data "$t/desk" --script "$t/control.kss" > "$t/control.out" 2>&1

[ "$fails" -eq 0 ] && echo "board printer: all checks passed"
[ "$fails" -eq 0 ]
