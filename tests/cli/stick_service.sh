#!/bin/sh
# stick_service.sh - the technician menu on a board, where the kiosk is not
# root: the real board/kiosk-stick-serve.sh holds the "stick" (a folder here)
# and the real kiosk's menu lists its bundles from the service's scan,
# exports through the service (staged, copied, staging cleared) and installs
# through it with progress and the service's answer. The stick also holds a
# FIFO named hang.kiosk (it once blocked the service's scan for good) and a
# file whose name holds a newline and a forged scan line (it once showed a
# fake "will be installed" bundle): the scan comes at once, forges nothing,
# and the menu tells the technician to delete both. Then: a request nobody
# answers ends with a clear message, not a hang.
set -u
fail() { echo "FAIL: $*"; [ -f "$W/serve.log" ] && sed 's/^/  serve: /' "$W/serve.log"; exit 1; }
. tests/cli/menus_update.inc
mkfifo "$W/stick/hang.kiosk" || fail "mkfifo"
forged='forged.kiosk verified=1 candidate=1 newer=1 type=app version=9.9.9 reason=x'
: > "$W/stick/a
$forged.kiosk" || fail "a file name with a newline"

# The service as on the board, with the stick a plain folder and the kiosk
# "running" but never idle (scenario mode publishes no state): only the
# menu's requests make it act.
KIOSK_RUN_DIR="$W/run" KIOSK_UPDATE_ROOT="$W/root" KIOSK_KEYS="$W/keys" \
	KIOSK_COMPATIBLE="$W/compatible" KIOSK_UPDATE="$BIN/kiosk-update" KIOSK_EXPORT_USER= \
	KIOSK_NOFOLLOW="$BIN/kiosk-nofollow" \
	KIOSK_REMOUNT=0 KIOSK_ACTIVE_CMD=true KIOSK_WAIT_MAX=120 \
	sh board/kiosk-stick-serve.sh "$W/stick" > "$W/serve.log" 2>&1 &
svc=$!
i=0
while [ ! -s "$W/run/ans/stick.scan" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$W/run/ans/stick.scan" ] || { kill $svc; fail "the service published no scan of the stick (a FIFO on it?)"; }
! grep -q '^forged' "$W/run/ans/stick.scan" || { kill $svc; fail "a file name forged a scan line: $(cat "$W/run/ans/stick.scan")"; }
[ "$(grep -c ' unsafe=1 ' "$W/run/ans/stick.scan")" = 2 ] ||
	{ kill $svc; fail "the FIFO and the odd name are not marked unsafe: $(cat "$W/run/ans/stick.scan")"; }

cat > "$W/board.kss" <<'K'
tap-at 10 10
tap-at 1910 10
tap-at 1910 1070
tap-at 10 1070
type "73910264"
key Return
expect screen tech-menu
tap menu-export
tap next
expect text "Đã ghi 4 tệp. Có thể rút USB an toàn."
tap back
tap menu-update
expect text "ứng dụng 1.1.0 - sẽ được cài"
expect text "bad.kiosk: bị từ chối"
expect text "hang.kiosk: bỏ qua - không phải tệp thường hoặc tên có ký tự lạ"
expect text "a?forged.kiosk verified?1"
tap next
expect screen tech-menu
expect text "Xong:"
K
KIOSK_STICK_SERVICE="$W/run" KIOSK_ROOT="$W/root" \
	$RUN "$BIN/kiosk" --headless --data "$D" --script "$W/board.kss" 2>"$W/err" ||
	{ cat "$W/err"; kill $svc 2>/dev/null; fail "board-mode menu scenario"; }
wait $svc || fail "the service ended with $? after the install"
csv=$(ls "$W"/stick/kiosk-export-*/daily-statistics.csv 2>/dev/null | head -n 1)
[ -n "$csv" ] || fail "no statistics copied to the stick"
head -c 3 "$csv" | od -An -tx1 | grep -q 'ef bb bf' || fail "CSV without a UTF-8 BOM"
ls "$W"/stick/kiosk-export-*/kiosk.log >/dev/null 2>&1 || fail "log not copied to the stick"
cmp -s "$W"/stick/kiosk-export-*/office.key "$D/office.key" || fail "office key not copied to the stick"
[ -z "$(ls "$W/run/req/export-out")" ] || fail "the staging folder was not cleared: $(ls "$W/run/req/export-out")"
st=$(ku status)
echo "$st" | grep -q '^current=b' && echo "$st" | grep -q '^slot_b=pending' &&
	echo "$st" | grep -q '^slot_b_version=1.1.0' || fail "not installed through the service: $st"
grep -q '^id=.*' "$W/run/ans/stick.answer" && grep -q '^result=ok' "$W/run/ans/stick.answer" ||
	fail "no answer recorded: $(cat "$W/run/ans/stick.answer")"
[ ! -e "$W/run/ans/stick.scan" ] || fail "the scan outlived the service"
echo "ok   export and install through the stick service"

# No service: the menu says so within its bound and withdraws the request.
cat > "$W/none.kss" <<'K'
tap-at 10 10
tap-at 1910 10
tap-at 1910 1070
tap-at 10 1070
type "73910264"
key Return
tap menu-export
tap next
expect text "Dịch vụ USB của máy không trả lời"
K
KIOSK_STICK_SERVICE="$W/run" KIOSK_ROOT="$W/root" \
	$RUN "$BIN/kiosk" --headless --data "$D" --script "$W/none.kss" 2>"$W/err" ||
	{ cat "$W/err"; fail "no-service export not reported"; }
[ ! -e "$W/run/req/stick.request" ] || fail "the unanswered request was left behind"
echo "ok   no service: a clear message"
echo "stick_service: all passed"
