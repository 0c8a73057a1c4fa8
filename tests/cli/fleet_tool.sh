#!/bin/sh
# fleet_tool.sh - kiosk-fleet, the province technician's tool (docs/fleet.md):
# a mosquitto broker on a free loopback port (plain TCP: the TLS, the ACL
# and the certificates are fleet.sh's), three kiosks' agents publishing a
# heartbeat, printer events and a day of queue figures (tests/tools/
# queue_serve); `kiosk-fleet collect` stores them (a resent message is
# taken once); then `list` shows each kiosk with its state, version,
# printer and today's tickets, `csv` writes the daily figures (UTF-8 with a
# BOM), and `report` writes one HTML page with its charts that Debian's
# chromium opens offline (nothing fetched). Bounded in time (about 20 s).
set -u
[ "${ARCH:-native}" = native ] || [ "${ARCH:-}" = asan ] || { echo "fleet_tool: native only"; exit 77; }
for c in mosquitto python3; do
	command -v $c >/dev/null || { echo "fleet_tool: $c missing (tools/deps.sh test)"; exit 77; }
done
PY=
for p in /usr/bin/python3 python3; do
	"$p" -c 'import paho.mqtt.client' 2>/dev/null && { PY=$p; break; }
done
[ -n "$PY" ] || { echo "fleet_tool: python3-paho-mqtt missing (tools/deps.sh test)"; exit 77; }
T=$TESTS_TMP/fleet-tool
rm -rf "$T" && mkdir -p "$T/mq" "$T/k1" "$T/k2" "$T/k3"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
bpid= cpid= apid=
stop_pid() { [ -n "$1" ] && kill "$1" 2>/dev/null; [ -n "$1" ] && wait "$1" 2>/dev/null; }
cleanup() { stop_pid "$apid"; stop_pid "$cpid"; stop_pid "$bpid"; }
trap cleanup EXIT
AGENT=$BIN/kiosk-fleet-agent
FLEET="$PY $BIN/kiosk-fleet"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$T/mq/mosquitto.conf" <<K
user $(id -un)
listener $port 127.0.0.1
allow_anonymous true
persistence false
log_dest file $T/mq/broker.log
log_type information
log_type notice
connection_messages true
K
mosquitto -c "$T/mq/mosquitto.conf" 2>"$T/mq/stderr" &
bpid=$!
i=0
until grep -q "Opening ipv4 listen socket on port $port" "$T/mq/broker.log" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 50 ] && { echo "fleet_tool: the broker did not start"; exit 1; }; sleep 0.1
done

site() { # dir id
	python3 - "$ASSETS/site.json" "$1/site.json" "$port" "$2" <<'K'
import json, sys
s = json.load(open(sys.argv[1]))
s["fleet"].update(broker="127.0.0.1:" + sys.argv[3], id=sys.argv[4], tls=False, heartbeat_min=60)
json.dump(s, open(sys.argv[2], "w"))
K
}
ag() { "$AGENT" "$1" --data "$2" --config "$2/site.json" "$@"; }
for k in k1 k2 k3; do site "$T/$k" $k; done
# k1: paper out, 5 tickets, 3 served; k2: 8 tickets, 6 served, printer fine; k3: a heartbeat only.
"$AGENT" enqueue --data "$T/k1" --config "$T/k1/site.json" --class event \
	'{"event":"printer","state":"paper-out","was":"ok"}' >/dev/null || fail "enqueue k1"
"$AGENT" enqueue --data "$T/k2" --config "$T/k2/site.json" --class event \
	'{"event":"printer","state":"ok","was":"unknown"}' >/dev/null || fail "enqueue k2"
q1=$("$TTOOLS/queue_serve" "$T/k1" ho-tich A khai-sinh 5 3) || fail "queue_serve k1"
q2=$("$TTOOLS/queue_serve" "$T/k2" chung-thuc B sao-y 8 6) || fail "queue_serve k2"
day=${q1% *}
for k in k1 k2; do "$AGENT" stats --data "$T/$k" --config "$T/$k/site.json" --day "$day" >/dev/null || fail "stats $k"; done

$FLEET collect --broker "127.0.0.1:$port" --no-tls --db "$T/fleet.db" --seconds 12 2> "$T/collect.log" &
cpid=$!
i=0
until grep -q "New client connected .* as kiosk-fleet " "$T/mq/broker.log" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 100 ] && { fail "collect did not connect"; break; }; sleep 0.1
done
sleep 0.5
"$AGENT" run --data "$T/k1" --config "$T/k1/site.json" --seconds 2 2>"$T/k1.log" || fail "agent k1"
"$AGENT" run --data "$T/k3" --config "$T/k3/site.json" --seconds 2 2>"$T/k3.log" || fail "agent k3"
"$AGENT" run --data "$T/k2" --config "$T/k2/site.json" --seconds 30 2>"$T/k2.log" &
apid=$!
# A resend of k1's first message (QoS 1 delivers at least once): taken once.
command -v mosquitto_pub >/dev/null && mosquitto_pub -h 127.0.0.1 -p "$port" -q 1 -t kiosk/k1/event \
	-m '{"v":1,"kiosk":"k1","seq":1,"ts":1,"event":"printer","state":"paper-out","was":"ok"}'
wait "$cpid"; cpid=
grep -q "messages, 0 not understood" "$T/collect.log" || fail "collect: $(cat "$T/collect.log")"

# list
$FLEET list --db "$T/fleet.db" > "$T/list.vi" || fail "list"
cat "$T/list.vi"
grep -q '^Ki-ốt  *Trạng thái  *Lần cuối liên lạc' "$T/list.vi" || fail "list: the Vietnamese header"
grep -Eq '^k2 +đang hoạt động ' "$T/list.vi" || fail "list: k2 in Vietnamese"
$FLEET list --db "$T/fleet.db" --lang en > "$T/list" || fail "list --lang en"
grep -q '^Kiosk  *State  *Last seen  *Version  *Slot  *Data  *Printer  *Issued today  *Served  *Wait' "$T/list" || fail "list: header"
grep -Eq '^k1 +offline +[0-9]{2}/[0-9]{2}/[0-9]{4} [0-9]{2}:[0-9]{2} .* out of paper +5 +3 ' "$T/list" || fail "list: k1"
grep -Eq '^k2 +online .* ready +8 +6 ' "$T/list" || fail "list: k2"
grep -Eq '^k1 .* hết giấy ' "$T/list.vi" || fail "list: k1's paper in Vietnamese"
grep -Eq '^k3 +offline .* - +- +- +-$' "$T/list" || fail "list: k3"
n=$(sqlite3 "$T/fleet.db" "SELECT count(*) FROM events WHERE kiosk='k1'")
[ "$n" = 1 ] || fail "the resent message was stored $n times"

# csv
$FLEET csv --db "$T/fleet.db" --out "$T/fleet.csv" 2>/dev/null || fail "csv"
head -c 3 "$T/fleet.csv" | od -An -tx1 | grep -q 'ef bb bf' || fail "csv: no UTF-8 BOM"
d=$(printf '%s' "$day" | sed 's/\(....\)\(..\)\(..\)/\1-\2-\3/')
grep -q "date,kiosk,group,issued,called,served,no_show,wait_median_min,wait_p90_min,service_median_min,rated_very_satisfied,rated_satisfied,rated_not_satisfied" "$T/fleet.csv" || fail "csv: header"
grep -q "^$d,k1,ho-tich,5,3,3,0," "$T/fleet.csv" || fail "csv: k1's day: $(cat "$T/fleet.csv")"
grep -q "^$d,k2,chung-thuc,8,6,6,0," "$T/fleet.csv" || fail "csv: k2's day"

# report
$FLEET report --db "$T/fleet.db" --out "$T/report-vi.html" 2>/dev/null || fail "report"
grep -q 'Số phiếu cấp theo giờ' "$T/report-vi.html" || fail "report: not in Vietnamese"
$FLEET report --db "$T/fleet.db" --out "$T/report.html" --lang en 2>/dev/null || fail "report --lang en"
for w in "Tickets per hour" "Median wait per kiosk" "Ratings per commune" '<svg' k1 k2 k3; do
	grep -q "$w" "$T/report.html" || fail "report: no '$w'"
done
grep -Eqi '(src|href)=|https?://|@import|url\(' "$T/report.html" && fail "report: it fetches something"
if command -v chromium >/dev/null 2>&1; then
	timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
		--user-data-dir="$T/chromium" --dump-dom "file://$T/report.html" > "$T/dom" 2>"$T/chromium.log" ||
		fail "chromium could not open the report"
	[ "$(grep -o '<rect' "$T/dom" | wc -l)" -ge 5 ] || fail "report: chromium drew no bars"
	echo "ok   chromium opens the report offline: $(grep -o '<rect' "$T/dom" | wc -l) bars"
fi
stop_pid "$apid"; apid=
[ "$fails" -eq 0 ] || exit 1
echo "fleet_tool: collect (a resend taken once), list, csv with a BOM, an offline HTML report"
