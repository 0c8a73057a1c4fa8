#!/bin/sh
# board.sh - the wall board (kiosk --board URL) against a fake hub
# (tests/tools/fake_hub.py, a test fake serving snapshots from a file):
#   - it shows the call ("A012", "Quầy 3") and no lost mark;
#   - the hub stopped: the "Mất kết nối" mark appears and the last call stays;
#   - the hub restarted with a newer snapshot: the board catches up by itself
#     and the mark goes;
#   - a malformed snapshot: the previous state stays (and is logged), a good
#     one after it is shown;
#   - a stalled hub (connection open, nothing sent): the mark after the 30 s
#     silence, the last call kept, and catch-up once the hub talks again
#     (QUICK=0 only: it waits out the silence);
#   - --board-feed FILE (no server): a transcript whose last event is
#     malformed draws the good one before it; the PNGs are valid.
# What the board shows is read from board.targets (--targets: one JSON line
# per text drawn) beside board.png, both replaced after every change.
set -u
: "${BIN:=$(pwd)/build/bin}" "${RUN:=}" "${TESTS_TMP:=$(mktemp -d)}" "${QUICK:=0}"
W="$TESTS_TMP/board"
rm -rf "$W"; mkdir -p "$W/hub" "$W/shots"
die() { echo "FAIL: $*" >&2; [ -f "$W/shots/board.targets" ] && cat "$W/shots/board.targets" >&2; exit 1; }
command -v python3 >/dev/null || { echo "skip: no python3"; exit 77; }
HUB_PID=""; BOARD_PID=""
cleanup() {
	[ -n "$BOARD_PID" ] && kill "$BOARD_PID" 2>/dev/null
	[ -n "$HUB_PID" ] && kill "$HUB_PID" 2>/dev/null
	wait 2>/dev/null
}
trap cleanup EXIT INT TERM

snapshot() { # seq number counter-name [extra-call-json]
	cat > "$W/hub/snapshot.json.tmp" <<JSON
{"v":1,"seq":$1,"office":"UBND phường Ba Đình","day":20261202,"now_ms":1764650000000,
"calls":[{"number":"$2","counter":3,"counter_name":{"vi":"$3","en":"Counter 3"},"priority":false,"group":"ho-tich","at_ms":$((1764649990000 + $1)),"recall":0}${4:-}],
"counters":[],"groups":[{"id":"ho-tich","letter":"A","name":{"vi":"Hộ tịch","en":"Civil status"},"waiting":7,"priority_waiting":0,"estimate_min":null,"absent":[]}],"help":[]}
JSON
	mv "$W/hub/snapshot.json.tmp" "$W/hub/snapshot.json"
}
start_hub() {
	python3 tests/tools/fake_hub.py "$W/hub" --port "${PORT:-0}" --heartbeat 2 &
	HUB_PID=$!
	i=0
	while [ ! -s "$W/hub/port" ]; do
		i=$((i + 1)); [ $i -gt 100 ] && die "the fake hub did not start"; sleep 0.1
	done
	PORT=$(cat "$W/hub/port")
}
stop_hub() { kill "$HUB_PID"; wait "$HUB_PID" 2>/dev/null; HUB_PID=""; rm -f "$W/hub/port"; }
shows() { grep -F "\"label\":\"$1\"" "$W/shots/board.targets" > /dev/null 2>&1; }
wait_for() { # what seconds: until the board shows it
	n=0
	while ! shows "$1"; do
		n=$((n + 1)); [ $n -gt $(($2 * 5)) ] && return 1
		kill -0 "$BOARD_PID" 2>/dev/null || die "the board exited"
		sleep 0.2
	done
}
wait_gone() {
	n=0
	while shows "$1"; do
		n=$((n + 1)); [ $n -gt $(($2 * 5)) ] && return 1; sleep 0.2
	done
}
LOST="Mất kết nối"

snapshot 1 A012 "Quầy 3"
start_hub
$RUN "$BIN/kiosk" --board "http://127.0.0.1:$PORT/" --headless --size 1920x1080 --data "$W/d" \
	--screenshots "$W/shots" --targets 2> "$W/err" &
BOARD_PID=$!
wait_for A012 30 || die "the board does not show the call A012"
shows "Quầy 3" || die "the counter's name is not shown"
shows "Mời số" || die "'Mời số' is not shown"
shows "$LOST" && die "the lost mark is shown while the hub is up"
[ -s "$W/shots/board.png" ] || die "board.png was not written"
echo "ok   the board shows 'Mời số A012 → Quầy 3'"

stop_hub
wait_for "$LOST" 30 || die "no lost mark after the hub stopped"
shows A012 || die "the last call went away with the hub"
shows "Quầy 3" || die "the counter went away with the hub"
echo "ok   hub stopped: '$LOST' shown, A012 kept"

snapshot 2 A013 "Quầy 5" ',{"number":"A012","counter":3,"counter_name":{"vi":"Quầy 3"},"priority":false}'
start_hub
wait_for A013 40 || die "the board did not catch up after the hub restarted"
wait_gone "$LOST" 20 || die "the lost mark stays after the hub came back"
shows A012 || die "the earlier call A012 is not in the list"
echo "ok   hub restarted: the board caught up by itself (A013), the mark went"

printf '{"v":1,"seq":3,"calls":[{"number":7,"counter":"x"}],"groups":[]}\n' > "$W/hub/snapshot.json"
n=0
until grep -q "malformed snapshot" "$W/d/logs/kiosk.log" 2>/dev/null; do
	n=$((n + 1)); [ $n -gt 150 ] && die "the malformed snapshot did not reach the board (no log line)"; sleep 0.2
done
sleep 1
shows A013 || die "a malformed snapshot replaced the last good state"
shows "$LOST" && die "a malformed snapshot shows the lost mark"
snapshot 4 A014 "Quầy 2"
wait_for A014 20 || die "a good snapshot after a malformed one is not shown"
echo "ok   malformed snapshot: the previous state stayed, the next good one shown"

if [ "$QUICK" = 0 ]; then
	touch "$W/hub/stall"
	wait_for "$LOST" 70 || die "no lost mark while the hub stalls"
	shows A014 || die "the last call went away while the hub stalls"
	snapshot 5 A015 "Quầy 4"
	rm -f "$W/hub/stall"
	wait_for A015 60 || die "the board did not catch up after the stall"
	wait_gone "$LOST" 20 || die "the lost mark stays after the stall"
	echo "ok   stalled hub: '$LOST' after the silence, A014 kept, then caught up (A015)"
fi
kill "$BOARD_PID"; wait "$BOARD_PID" 2>/dev/null; BOARD_PID=""
stop_hub

# Without a server: a transcript, the last event malformed.
{
	printf ': a transcript as the hub sends it\n\n'
	printf 'id: 1\nevent: state\ndata: '; snapshot 9 B020 "Quầy 7"; tr -d '\n' < "$W/hub/snapshot.json"; printf '\n\n'
	printf 'id: 2\nevent: state\ndata: {"v":1,"seq":10,"calls":[{"number":"B021"}],"groups":[]}\n\n'
} > "$W/feed.sse"
rm -rf "$W/shots"
$RUN "$BIN/kiosk" --board-feed "$W/feed.sse" --headless --size 1080x1920 --theme hc --lang en \
	--data "$W/d2" --screenshots "$W/shots" --targets 2> "$W/err2" || { cat "$W/err2"; die "--board-feed failed"; }
shows B020 || die "--board-feed: the good snapshot is not shown"
shows B021 && die "--board-feed: the malformed snapshot was shown"
shows "Now serving" || die "--board-feed --lang en: not in English"
if command -v pngcheck > /dev/null; then
	pngcheck -q "$W/shots/board.png" > /dev/null || die "board.png is not a valid PNG"
fi
echo "ok   --board-feed: the good snapshot drawn, the malformed one ignored (portrait, hc, en)"
echo "board: ok"
