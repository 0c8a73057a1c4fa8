#!/bin/sh
# spool_void.sh - a number voided at start leaves no paper in the simulated
# printer's spool. A ticket cut off mid-stream (the printer pulled after a
# few bytes) is voided; the files a kill would have left for it (a lone .png,
# an .escpos) are planted back, and the next start removes them while a
# printed ticket's files stay.
set -u
d="$TESTS_TMP/data"; mkdir -p "$d"
fail() { echo "FAIL: $*"; exit 1; }
sed -e 's/^tap priority-no$/printer unplugged after 2000\ntap priority-no/' \
    -e '/^expect screen ticket$/,$d' tests/scenarios/journey_vi.kss > "$TESTS_TMP/void.kss"
echo "expect screen printer-error" >> "$TESTS_TMP/void.kss"
$RUN "$BIN/kiosk" --headless --data "$d" --script "$TESTS_TMP/void.kss" > "$TESTS_TMP/run1" 2>&1 ||
	{ cat "$TESTS_TMP/run1"; fail "the cut-off journey did not end on the printer error"; }
# The next citizen gets A002 (A001 is void for good).
sed 's/^expect text "A001"$/expect text "A002"/' tests/scenarios/journey_vi.kss > "$TESTS_TMP/next.kss"
$RUN "$BIN/kiosk" --headless --data "$d" --script "$TESTS_TMP/next.kss" > "$TESTS_TMP/run2" 2>&1 ||
	{ cat "$TESTS_TMP/run2"; fail "the printed journey failed"; }
void=$(sqlite3 "$d/ledger.db" "SELECT ticket_id || '-' || number FROM tickets WHERE state='void'")
printed=$(sqlite3 "$d/ledger.db" "SELECT ticket_id || '-' || number FROM tickets WHERE state='printed'")
[ -n "$void" ] || fail "no voided ticket in the ledger"
[ -n "$printed" ] || fail "no printed ticket in the ledger"
[ -f "$d/spool/$printed.png" ] || fail "the printed ticket has no .png: $(ls "$d/spool")"
# What a kill between the picture and the byte stream leaves behind.
cp "$d/spool/$printed.png" "$d/spool/$void.png"
cp "$d/spool/$printed.escpos" "$d/spool/$void.escpos"
printf 'expect screen welcome\n' > "$TESTS_TMP/start.kss"
$RUN "$BIN/kiosk" --headless --data "$d" --script "$TESTS_TMP/start.kss" > "$TESTS_TMP/run3" 2>&1 ||
	{ cat "$TESTS_TMP/run3"; fail "restart failed"; }
[ ! -e "$d/spool/$void.png" ] || fail "the voided number's .png is still in the spool"
[ ! -e "$d/spool/$void.escpos" ] || fail "the voided number's .escpos is still in the spool"
[ -f "$d/spool/$printed.png" ] && [ -f "$d/spool/$printed.escpos" ] || fail "the printed ticket's files were removed"
grep -q "removed the files of voided ticket" "$d/logs/kiosk.log" || fail "the removal is not logged"
echo "spool_void: ok"
