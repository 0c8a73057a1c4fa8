#!/bin/sh
# queue_wait.sh - what the citizen learns of the office queue (issue 14,
# item 5): tests/scenarios/queue_wait.kss issues tickets while two counters
# serve some (it checks the ticket screen's text and Welcome's "Đang phục
# vụ"); here the printed tickets are read back: each .escpos stream through
# the strict decoder, the picture through an independent OCR (tesseract,
# Vietnamese), for the people ahead and the rounded wait, and no estimate
# before today has service times. Then a ledger whose queue cannot be
# opened: tickets are still issued, without those lines, and the log says
# so once.
set -u
T=$TESTS_TMP
fail() { echo "FAIL: $*"; exit 1; }
kiosk() { $RUN "$BIN/kiosk" --headless "$@"; }

kiosk --data "$T/q" --script tests/scenarios/queue_wait.kss >"$T/q.log" 2>&1 ||
	{ cat "$T/q.log"; fail "scenario queue_wait"; }
stream() { ls "$T"/q/spool/*-"$1".escpos 2>/dev/null | head -n 1; }
for n in B001 B002 B009 B010; do
	f=$(stream $n)
	[ -s "$f" ] || fail "no printed ticket $n"
	$RUN "$TTOOLS/escpos_decode" --width-bytes 72 "$f" "$T/$n.pbm" >/dev/null || fail "decoder refused $n"
done
if command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx vie; then
	# Spaces and case aside, the lines as printed (OCR reads whole lines).
	read_ticket() { tesseract "$T/$1.pbm" - -l vie 2>/dev/null | tr -d ' ' | tr 'A-Z' 'a-z'; }
	has() { printf '%s\n' "$1" | grep -qF "$(printf '%s' "$2" | tr -d ' ' | tr 'A-Z' 'a-z')"; }
	t=$(read_ticket B001)
	has "$t" "B001" || fail "B001: number not read: $t"
	has "$t" "Không có ai chờ trước bạn" || fail "B001: no 'nobody ahead' line: $t"
	has "$t" "Thời gian chờ" && fail "B001: an estimate before any service today: $t"
	t=$(read_ticket B002)
	has "$t" "1 người đang chờ trước bạn" || fail "B002: not 1 ahead: $t"
	has "$t" "Thời gian chờ" && fail "B002: an estimate before any service today: $t"
	t=$(read_ticket B009)
	has "$t" "4 người đang chờ trước bạn" || fail "B009: not 4 ahead: $t"
	has "$t" "Thời gian chờ khoảng 20 phút" || fail "B009: not about 20 minutes: $t"
	t=$(read_ticket B010)
	has "$t" "4 people ahead of you" || fail "B010 (English): not 4 ahead: $t"
	has "$t" "About 20 minutes' wait" || fail "B010 (English): not about 20 minutes: $t"
	echo "ok   printed tickets read back (OCR): ahead counts, rounded wait, none before data"
else
	echo "skip OCR of the printed tickets: tesseract with vie not installed"
fi

# A ledger whose queue cannot be opened (q_meta is a view: its first write
# fails): the number is issued and printed, the lines are left out.
kiosk --data "$T/bad" --script tests/scenarios/lunch_tickets.kss >/dev/null 2>&1 || fail "first run"
sqlite3 "$T/bad/ledger.db" "DROP TABLE q_meta; CREATE VIEW q_meta AS SELECT 'schema' AS key, 1 AS value;" ||
	fail "sqlite3"
cat >"$T/bad.kss" <<'K'
set-time 2026-01-06T09:00:00+07:00
tap start
tap group-chung-thuc
tap proc-chung-thuc-ban-sao
tap next
tap next
tap priority-no
expect screen ticket
expect text "B001"
expect no-text "trước bạn"
expect no-text "Thời gian chờ"
tap done
tap start
tap group-chung-thuc
tap proc-chung-thuc-ban-sao
tap next
tap next
tap priority-no
expect text "B002"
expect no-text "trước bạn"
tap done
expect no-text "Đang phục vụ"
K
kiosk --data "$T/bad" --script "$T/bad.kss" >"$T/bad.log" 2>&1 || { cat "$T/bad.log"; fail "no queue: tickets not issued"; }
[ "$(grep -c 'office queue:' "$T/bad.log")" -eq 1 ] || { cat "$T/bad.log"; fail "no queue: not logged exactly once"; }
[ -s "$(ls "$T"/bad/spool/*-B002.escpos 2>/dev/null | head -n 1)" ] || fail "no queue: B002 not printed"
echo "ok   without a queue: tickets issued, no lines, one log line"
