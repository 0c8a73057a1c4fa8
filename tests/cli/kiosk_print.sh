#!/bin/sh
# kiosk_print.sh - kiosk-print: test page decoded by the strict decoder with
# its QR read back, byte-reproducible output with --time, --status without a
# printer, usage errors (exit 2), and a ticket for the first catalogue
# procedure when the catalogue loader is present.
# quick
set -u
T=$TESTS_TMP
fail() { echo "FAIL: $*"; exit 1; }
KP="$BIN/kiosk-print"
export KIOSK_USB_NO_DISCOVERY=1
$RUN "$KP" --test-page --out "$T/tp.escpos" || fail "test page"
$RUN "$TTOOLS/escpos_decode" --width-bytes 72 "$T/tp.escpos" "$T/tp.pbm" >/dev/null || fail "decoder refused the test page"
$RUN "$KP" --test-page --width 384 --lang en --out - > "$T/tp58.escpos" || fail "test page to stdout"
$RUN "$TTOOLS/escpos_decode" --width-bytes 48 "$T/tp58.escpos" "$T/tp58.pbm" >/dev/null || fail "58 mm test page"
if command -v zbarimg >/dev/null 2>&1; then
	[ "$(zbarimg --raw -q -Sbinary "$T/tp.pbm" 2>/dev/null)" = "KIOSK TEST PAGE" ] || fail "test page QR"
fi
printf '{"office_name":"UBND xã Thử","printer_profile":"58mm","priority_letter":"U"}' > "$T/conf.json"
$RUN "$KP" --test-page --config "$T/conf.json" --out "$T/c.escpos" || fail "config"
$RUN "$TTOOLS/escpos_decode" --width-bytes 48 "$T/c.escpos" "$T/c.pbm" >/dev/null || fail "config profile not used"
printf '{"printer_profile":"33mm"}' > "$T/bad.json"
$RUN "$KP" --test-page --config "$T/bad.json" --out "$T/x" 2>/dev/null; [ $? -eq 1 ] || fail "bad profile accepted"

# --status: one word, exit 1 without a printer.
out=$($RUN "$KP" --status); st=$?
[ "$out" = "no-printer" ] && [ $st -eq 1 ] || fail "status without printer: '$out' exit $st"
out=$($RUN "$KP" --status --device usb:04b8:0e28); st=$?
[ "$out" = "no-printer" ] && [ $st -eq 1 ] || fail "status for a VID:PID: '$out' exit $st"

# Usage errors.
for args in "" "--test-page" "--test-page --out a --device usb" "--ticket A001 --out x" \
	"--test-page --width 500 --out x" "--test-page --lang fr --out x" "--status --out x" \
	"--test-page --time yesterday --out x" "--bogus" "--status --device lpt1" \
	"--list-procedures --priority" "--test-page --status --out x" "--status --device usb:04b8" \
	"--status --device usb:zzzz:0001" "--test-page --device usb:1:2:3"; do
	# shellcheck disable=SC2086
	$RUN "$KP" $args > /dev/null 2>&1; st=$?
	[ $st -eq 2 ] || fail "exit $st (want 2) for: $args"
done

# A ticket needs the catalogue (firmware/catalog.c may be merged later).
if ! $RUN "$KP" --list-procedures > "$T/procs" 2> "$T/err"; then
	grep -q "no catalog loader" "$T/err" || fail "list-procedures failed: $(cat "$T/err")"
	$RUN "$KP" --ticket A001 --procedure x --out "$T/t" 2>/dev/null; [ $? -eq 1 ] || fail "ticket without catalogue"
	echo "ok (ticket part skipped: no catalogue loader in this build)"
	exit 0
fi
id=$(head -n 1 "$T/procs" | cut -f 1); letter=$(head -n 1 "$T/procs" | cut -f 2)
[ -n "$id" ] || fail "empty procedure list"
$RUN "$KP" --ticket "${letter}012" --procedure "$id" --time 2026-01-05T09:00 --out "$T/t1" || fail "ticket"
$RUN "$KP" --ticket "${letter}012" --procedure "$id" --time 2026-01-05T02:00Z --out "$T/t2" || fail "ticket 2"
cmp -s "$T/t1" "$T/t2" || fail "same time, different bytes"
$RUN "$TTOOLS/escpos_decode" "$T/t1" "$T/t1.pbm" >/dev/null || fail "decoder refused the ticket"
if command -v zbarimg >/dev/null 2>&1; then
	rec=$(zbarimg --raw -q -Sbinary "$T/t1.pbm" 2>/dev/null) || fail "no QR on the ticket"
	case "$rec" in "${letter}012;K1;print-"*";20260105T090000;0") ;; *) fail "record $rec" ;; esac
fi
other=$(printf '%s' "$letter" | tr 'A-Y' 'B-Z'); [ "$other" = "$letter" ] && other=A
$RUN "$KP" --ticket "${other}012" --procedure "$id" --out "$T/t3" 2>/dev/null; [ $? -eq 1 ] || fail "wrong series accepted"
echo ok
