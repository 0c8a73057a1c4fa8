#!/bin/sh
# rate_kiosk.sh - rating the service at the kiosk (issue 14, item 6): the
# citizen holds the served ticket's QR to the kiosk's scanner at Welcome.
# Two tickets are issued (B001, B002), counter 1 calls and serves B001
# (`counter` in the scenario, a second handle on the queue, as kiosk-hub
# has). Then, read from the printed tickets' QR (zbarimg):
#   - B001: the three faces; "Không hài lòng", two reasons, send: thanks;
#     the ledger holds rating 1 with reasons 1|4 by counter 1, the daily
#     statistics count it; scanned again: "already rated";
#   - B002 (called, not served): "not served yet", nothing stored;
#   - a changed record (one digit of the number): "not a ticket of this
#     kiosk"; an ID card's QR at Welcome: the same, nothing stored;
#   - the faces left alone for 30 s: back to Welcome, nothing stored;
#   - no counters configured: the kiosk does not take ratings.
# Nothing of the scanned text reaches the log.
set -u
T=$TESTS_TMP
fail() { echo "FAIL: $*"; exit 1; }
command -v zbarimg >/dev/null 2>&1 || { echo "skip: zbarimg missing (tools/deps.sh test)"; exit 77; }
command -v sqlite3 >/dev/null 2>&1 || { echo "skip: sqlite3 missing (tools/deps.sh test)"; exit 77; }
kiosk() { $RUN "$BIN/kiosk" --headless "$@"; }
D=$T/d
mkdir -p "$D"
printf '%s\n' '{"counters":[{"id":1,"name":{"vi":"Quầy 1","en":"Counter 1"},"groups":["chung-thuc"]}]}' > "$D/local.json"
cat > "$T/issue.kss" <<'K'
set-time 2026-01-05T09:00:00+07:00
tap start
tap group-chung-thuc
tap proc-chung-thuc-ban-sao
tap next
tap next
tap priority-no
expect text "B001"
tap done
tap start
tap group-chung-thuc
tap proc-chung-thuc-ban-sao
tap next
tap next
tap priority-no
expect text "B002"
tap done
counter 1 call
counter 1 done
counter 1 call
K
kiosk --data "$D" --script "$T/issue.kss" > "$T/issue.log" 2>&1 || { cat "$T/issue.log"; fail "issuing the tickets"; }
qr_of() { # number -> the hand-off record of its printed ticket
	for f in "$D"/spool/*.png; do
		r=$(zbarimg --raw -q "$f" 2>/dev/null | grep -v '^https://')
		case "$r" in "$1;"*) printf '%s' "$r"; return 0 ;; esac
	done
	return 1
}
q1=$(qr_of B001) || fail "no QR record on ticket B001"
q2=$(qr_of B002) || fail "no QR record on ticket B002"
bad=$(printf '%s' "$q1" | sed 's/^B001;/B003;/')
rated() { sqlite3 "$D/ledger.db" "select count(*) from q_tickets where rating>0"; }

cat > "$T/rate.kss" <<K
set-time 2026-01-05T09:05:00+07:00
expect screen welcome
scan "$q1"
expect screen rate
expect text "Bạn có hài lòng với việc phục vụ hôm nay không?"
expect text "Phiếu số B001. Chạm vào một lựa chọn."
screenshot rate-faces
tap rate-1
expect text "Xin lỗi bạn. Điều gì chưa tốt? (nếu muốn)"
tap reason-1
tap reason-2
tap reason-4
tap reason-2
screenshot rate-reasons
tap next
expect text "Cảm ơn bạn đã đánh giá!"
screenshot rate-thanks
tap done
expect screen welcome
scan "$q1"
expect screen rate
expect text "Phiếu số B001 đã được đánh giá rồi"
tap done
scan "$q2"
expect text "Phiếu số B002 chưa được phục vụ xong"
advance 9000
expect screen welcome
scan "$bad"
expect text "Mã này không phải phiếu thứ tự của ki-ốt"
tap done
scan "079123456789|012345678|Nguyễn Văn An|01011960|Nam|Thôn 3, xã Tân Hòa|15082021"
expect text "Mã này không phải phiếu thứ tự của ki-ốt"
tap done
expect screen welcome
K
kiosk --data "$D" --script "$T/rate.kss" --screenshots "$T/shots" > "$T/rate.log" 2>&1 ||
	{ cat "$T/rate.log"; fail "rating at the kiosk"; }
row=$(sqlite3 "$D/ledger.db" "select t.number || '|' || t.rating || '|' || e.val2 || '|' || e.counter from q_tickets t join q_events e on e.ticket_row=t.ticket_row and e.kind='rated'")
[ "$row" = "B001|1|5|1" ] || fail "the ledger holds '$row', not B001 rated 1 with reasons 1|4 by counter 1"
[ "$(rated)" = 1 ] || fail "$(rated) tickets rated, want 1"
if [ -x "$TTOOLS/queue_stats" ]; then
	$RUN "$TTOOLS/queue_stats" "$D" | awk '$2 == "chung-thuc" && $3 == 0 {print $11 " " $12 " " $13}' > "$T/stats"
	[ "$(cat "$T/stats")" = "1 0 0" ] || fail "the daily statistics count ratings '$(cat "$T/stats")', want '1 0 0'"
fi
grep -q "Nguyễn\|079123456789\|$(printf '%s' "$q1" | cut -d';' -f3)" "$T/rate.log" "$D/logs/kiosk.log" &&
	fail "the scanned text reached the log"
echo "ok   B001 rated 1 with two reasons at the kiosk; once only; not-served, forged and ID-card codes refused"

# The faces left alone: back to Welcome after 30 s, nothing stored. A
# positive face stores at once.
cat > "$T/idle.kss" <<K
set-time 2026-01-05T09:06:00+07:00
counter 1 done
scan "$q2"
expect screen rate
advance 31000
expect screen welcome
scan "$q2"
tap rate-3
expect text "Cảm ơn bạn đã đánh giá!"
advance 9000
expect screen welcome
K
kiosk --data "$D" --script "$T/idle.kss" > "$T/idle.log" 2>&1 || { cat "$T/idle.log"; fail "the idle faces"; }
[ "$(sqlite3 "$D/ledger.db" "select rating from q_tickets where number='B002'")" = 3 ] ||
	fail "B002 is not rated 3 after the faces timed out once and 'Rất hài lòng' was tapped"
echo "ok   the faces time out to Welcome after 30 s without storing; 'Rất hài lòng' stores at once"

rm "$D/local.json"
cat > "$T/none.kss" <<K
set-time 2026-01-05T09:07:00+07:00
scan "$q1"
expect text "Ki-ốt này chưa nhận đánh giá"
K
kiosk --data "$D" --script "$T/none.kss" > "$T/none.log" 2>&1 || { cat "$T/none.log"; fail "no counters"; }
echo "ok   no counters configured: the kiosk says it does not take ratings"
