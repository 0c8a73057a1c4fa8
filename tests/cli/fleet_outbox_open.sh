#!/bin/sh
# fleet_outbox_open.sh - several processes opening a fleet outbox that does
# not exist yet, at the same moment (the agent starting while the kiosk or a
# technician's `enqueue` writes its first message): every message is kept,
# none refused as "not a fleet outbox" or "busy". The outbox is created and
# checked in SQLite transactions, so a second process sees it whole or not
# at all. 40 rounds of 6 processes; no broker needed.
set -u
: "${BIN:=$(pwd)/build/bin}" "${RUN:=}" "${ASSETS:=$(pwd)/build/share/kiosk}" "${TESTS_TMP:=$(mktemp -d)}"
T="$TESTS_TMP/fleet_outbox_open"
rm -rf "$T"; mkdir -p "$T"
die() { echo "FAIL: $*" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "skip: no sqlite3 (tools/deps.sh test)"; exit 77; }
python3 - "$ASSETS/site.json" "$T/site.json" <<'K'
import json, sys
s = json.load(open(sys.argv[1]))
s["fleet"].update(broker="127.0.0.1:1", id="k1", tls=False, heartbeat_min=60)
json.dump(s, open(sys.argv[2], "w"))
K
r=0
while [ $r -lt 40 ]; do
	r=$((r + 1))
	d="$T/d$r"; mkdir -p "$d"
	for j in 1 2 3 4 5 6; do
		$RUN "$BIN/kiosk-fleet-agent" enqueue --data "$d" --config "$T/site.json" --class event \
			"{\"event\":\"test\",\"n\":$j}" > /dev/null 2>> "$T/err" &
	done
	wait
	n=$(sqlite3 "$d/fleet-outbox.db" "SELECT count(DISTINCT seq) FROM ob_msgs" 2>&1)
	[ "$n" = 6 ] || die "round $r: $n of 6 messages kept: $(sort -u "$T/err")"
done
[ -s "$T/err" ] && die "refusals: $(sort -u "$T/err")"
echo "ok   40 rounds of 6 processes creating one outbox together: every message kept, none refused"
