#!/bin/sh
# kiosk_print.sh - kiosk-print: test page decoded by the strict decoder with
# its QR read back, byte-reproducible output with --time, --status without a
# printer, usage errors (exit 2), --list-procedures (shipped catalogue and a
# fixture), and tickets from the real catalogue: byte-reproducible on stdout,
# decoded, QR read back; wrong series letter, unknown procedure and broken
# catalogue refused with a message.
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

# --list-procedures: one line per procedure of the shipped catalogue, in order.
$RUN "$KP" --list-procedures > "$T/procs" 2> "$T/err" || fail "list-procedures: $(cat "$T/err")"
want=$(grep -c '"group":' "$ASSETS/catalog.json")
[ "$(wc -l < "$T/procs")" -eq "$want" ] || fail "list-procedures: $(wc -l < "$T/procs") lines, catalogue has $want procedures"
grep -qx 'khai-sinh	A	Đăng ký khai sinh' "$T/procs" || fail "list-procedures: no khai-sinh line: $(head -n 3 "$T/procs")"
$RUN "$KP" --list-procedures --lang en | grep -qx 'khai-sinh	A	Birth registration' || fail "list-procedures --lang en"
# ... and of a catalogue given with --catalog.
cat > "$T/cat.json" <<'JSON'
{ "version": 1,
  "link_template": "https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc-nganh-doc.html?ma_thu_tuc={code}",
  "groups": [ { "id": "dat-dai", "letter": "G", "name": { "vi": "Đất đai", "en": "Land" } },
              { "id": "ho-tich", "letter": "H", "name": { "vi": "Hộ tịch", "en": "Civil status" } } ],
  "procedures": [
    { "id": "chuyen-nhuong", "group": "dat-dai", "code": "1.003003",
      "name": { "vi": "Chuyển nhượng quyền sử dụng đất", "en": "Land use right transfer" },
      "short_name": { "vi": "Chuyển nhượng đất", "en": "Land transfer" }, "docs": [] },
    { "id": "khai-tu", "group": "ho-tich", "code": "1.000656",
      "name": { "vi": "Đăng ký khai tử", "en": "Death registration" },
      "docs": [ { "vi": "Giấy báo tử", "en": "Death notice" } ] }
  ]
}
JSON
printf 'chuyen-nhuong\tG\tChuyển nhượng quyền sử dụng đất\nkhai-tu\tH\tĐăng ký khai tử\n' > "$T/procs.want"
$RUN "$KP" --list-procedures --catalog "$T/cat.json" > "$T/procs.fx" || fail "list-procedures --catalog"
cmp -s "$T/procs.fx" "$T/procs.want" || fail "list-procedures --catalog: $(cat "$T/procs.fx")"

# A ticket for the first procedure of the shipped catalogue, to stdout.
id=$(head -n 1 "$T/procs" | cut -f 1); letter=$(head -n 1 "$T/procs" | cut -f 2)
[ -n "$id" ] && [ -n "$letter" ] || fail "empty procedure list"
$RUN "$KP" --ticket "${letter}012" --procedure "$id" --time 2026-01-05T09:00 --out - > "$T/t1" || fail "ticket"
$RUN "$KP" --ticket "${letter}012" --procedure "$id" --time 2026-01-05T02:00Z --out - > "$T/t2" || fail "ticket 2"
[ -s "$T/t1" ] || fail "empty ticket"
cmp -s "$T/t1" "$T/t2" || fail "same time, different bytes"
$RUN "$KP" --ticket "${letter}012" --procedure "$id" --time 2026-01-05T09:01 --out - > "$T/t3" || fail "ticket 3"
cmp -s "$T/t1" "$T/t3" && fail "another time, same bytes"
$RUN "$KP" --ticket "${letter}012" --procedure "$id" --time 2026-01-05T09:00 --out "$T/t4" || fail "ticket to a file"
cmp -s "$T/t1" "$T/t4" || fail "--out FILE and --out - differ"
$RUN "$TTOOLS/escpos_decode" --width-bytes 72 "$T/t1" "$T/t1.pbm" >/dev/null || fail "decoder refused the ticket"
$RUN "$KP" --ticket "${letter}012" --procedure "$id" --time 2026-01-05T09:00 --width 384 --lang en --out - > "$T/t58" ||
	fail "58 mm ticket"
$RUN "$TTOOLS/escpos_decode" --width-bytes 48 "$T/t58" "$T/t58.pbm" >/dev/null || fail "decoder refused the 58 mm ticket"
low=$(printf '%s' "$letter" | tr 'A-Z' 'a-z')
if command -v zbarimg >/dev/null 2>&1; then
	# The record; the other code is the procedure's page online.
	rec=$(zbarimg --raw -q "$T/t1.pbm" 2>/dev/null | grep -v '^https://') || fail "no QR on the ticket"
	code=$(printf '%s' "$rec" | cut -d ';' -f 4)
	zbarimg --raw -q "$T/t1.pbm" 2>/dev/null | grep -q "^https://.*=$code\$" || fail "no QR of the procedure's page ($code)"
	case "$rec" in "${letter}012;K1;print-${low}012;"*";20260105T090000;0") ;; *) fail "record $rec" ;; esac
fi
# A ticket from the --catalog fixture.
$RUN "$KP" --ticket H007 --procedure khai-tu --catalog "$T/cat.json" --time 2026-01-05T09:00 --out - > "$T/fx" ||
	fail "ticket from --catalog"
$RUN "$TTOOLS/escpos_decode" --width-bytes 72 "$T/fx" "$T/fx.pbm" >/dev/null || fail "decoder refused the fixture ticket"
if command -v zbarimg >/dev/null 2>&1; then
	rec=$(zbarimg --raw -q "$T/fx.pbm" 2>/dev/null | grep -v '^https://') || fail "no QR on the fixture ticket"
	[ "$rec" = "H007;K1;print-h007;1.000656;20260105T090000;0" ] || fail "fixture record $rec"
fi

# Refused with a message and nothing written: wrong series letter, unknown
# procedure, broken or missing catalogue.
other=$(printf '%s' "$letter" | tr 'A-Y' 'B-Z'); [ "$other" = "$letter" ] && other=A
refused() { # refused WHAT PATTERN ARGS...: exit 1, message matching PATTERN, no output
	what=$1; pat=$2; shift 2
	rm -f "$T/no"
	$RUN "$KP" "$@" --out "$T/no" 2> "$T/err"; st=$?
	[ $st -eq 1 ] || fail "$what: exit $st (want 1)"
	grep -q "$pat" "$T/err" || fail "$what: message '$(cat "$T/err")'"
	[ -e "$T/no" ] && fail "$what: output written"
	return 0
}
refused "wrong series" "series letter is $letter" --ticket "${other}012" --procedure "$id"
refused "fixture wrong series" "series letter is H" --ticket G007 --procedure khai-tu --catalog "$T/cat.json"
refused "unknown procedure" 'no procedure "khong-co"' --ticket "${letter}012" --procedure khong-co
sed 's/"letter": "H"/"letter": "G"/' "$T/cat.json" > "$T/dup.json"
refused "duplicate letter" 'dup.json:[0-9]*: groups\[1\].letter' --ticket H007 --procedure khai-tu --catalog "$T/dup.json"
refused "missing catalogue" "nothing.json" --ticket H007 --procedure khai-tu --catalog "$T/nothing.json"
$RUN "$KP" --list-procedures --catalog "$T/dup.json" > /dev/null 2>&1; [ $? -eq 1 ] || fail "list-procedures accepted a broken catalogue"
# Bad ticket numbers are usage errors.
for n in A12 A0123 a012 A000 1012; do
	$RUN "$KP" --ticket "$n" --procedure "$id" --out "$T/no" > /dev/null 2>&1; st=$?
	[ $st -eq 2 ] || fail "ticket $n: exit $st (want 2)"
done
# Priority: its own series letter with policy "series", the group's with "mark".
printf '{"priority_letter":"U","priority_policy":"series"}' > "$T/prio.json"
$RUN "$KP" --ticket U003 --priority --procedure "$id" --config "$T/prio.json" --out "$T/p1" || fail "priority ticket"
refused "priority in the group series" "series letter is U" --ticket "${letter}003" --priority --procedure "$id" --config "$T/prio.json"
printf '{"priority_letter":"U","priority_policy":"mark"}' > "$T/mark.json"
$RUN "$KP" --ticket "${letter}003" --priority --procedure "$id" --config "$T/mark.json" --out "$T/p2" || fail "priority mark ticket"
echo ok
