#!/bin/sh
# fleet.sh - the fleet agent (kiosk-fleet-agent, docs/fleet.md) against a
# real mosquitto broker on a free loopback port, configured like a
# province's: TLS only, client certificates made here with openssl (one CA),
# the certificate's name as the user, and an ACL letting a kiosk write only
# kiosk/<its name>/#; persistence on. A test receiver
# (tests/tools/fleet_receiver.py, persistent session) de-duplicates on
# (kiosk, seq). Messages are enqueued while the agent runs; the broker is
# stopped mid-stream, more are enqueued while it is down, and it is
# restarted; then the agent is killed with SIGKILL mid-stream and a new one
# started. At the end the receiver has every seq exactly once (resends
# counted as duplicates, none missing), the retained status went online
# then offline, and the outbox is empty. The kiosk itself (journey_vi and a
# paper-out scenario) puts printer events in its outbox, never what was
# typed, and they arrive too, with a day's queue figures
# (tests/tools/queue_serve, kiosk-fleet-agent stats). Then: a kiosk whose certificate
# names another kiosk is refused by the ACL and says why, a certificate
# from another CA and an expired one are refused at the TLS handshake and
# say so, and in each case its messages stay in its outbox; with the shipped
# access rules (board/mosquitto/fleet.acl) a kiosk reads the province's
# pushes but cannot publish one. Bounded in time (about 45 s).
set -u
[ "${ARCH:-native}" = native ] || [ "${ARCH:-}" = asan ] || { echo "fleet: native only"; exit 77; }
for c in mosquitto openssl python3; do
	command -v $c >/dev/null || { echo "fleet: $c missing (tools/deps.sh test)"; exit 77; }
done
# The receiver needs Debian's python3-paho-mqtt: Debian's python3 first.
PY=
for p in /usr/bin/python3 python3; do
	"$p" -c 'import paho.mqtt.client' 2>/dev/null && { PY=$p; break; }
done
[ -n "$PY" ] || { echo "fleet: python3-paho-mqtt missing (tools/deps.sh test)"; exit 77; }
MOSQ=$(command -v mosquitto)
T=$TESTS_TMP/fleet
rm -rf "$T" && mkdir -p "$T/pki" "$T/mq" "$T/k1" "$T/k3" "$T/k4" "$T/k5" "$T/k6"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
bpid= apid= rpid=
stop_pid() { [ -n "$1" ] && kill "$1" 2>/dev/null; [ -n "$1" ] && wait "$1" 2>/dev/null; }
cleanup() { stop_pid "$apid"; stop_pid "$rpid"; stop_pid "$bpid"; }
trap cleanup EXIT
AGENT=$BIN/kiosk-fleet-agent
RECV=$(dirname "$0")/../tools/fleet_receiver.py

# ---- certificates: a CA, the broker (127.0.0.1), kiosks k1 and k2, the
# receiver "fleet"; and a rogue CA with its own "k4". ----
P=$T/pki
ossl() { openssl "$@" 2>>"$P/openssl.log" || { echo "fleet: openssl $1 failed"; cat "$P/openssl.log"; exit 1; }; }
ca() { # name
	ossl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-keyout "$P/$1.key" -out "$P/$1.crt" -subj "/CN=$1"
}
cert() { # ca name [ext]
	ossl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$P/$2.key" \
		-out "$P/$2.csr" -subj "/CN=$2"
	if [ $# -ge 3 ]; then
		printf '%s\n' "$3" > "$P/$2.ext"
		ossl x509 -req -in "$P/$2.csr" -CA "$P/$1.crt" -CAkey "$P/$1.key" -CAcreateserial -days 2 \
			-out "$P/$2.crt" -extfile "$P/$2.ext"
	else
		ossl x509 -req -in "$P/$2.csr" -CA "$P/$1.crt" -CAkey "$P/$1.key" -CAcreateserial -days 2 \
			-out "$P/$2.crt"
	fi
}
ca ca
ca rogue
cert ca broker "subjectAltName=IP:127.0.0.1"
cert ca k1
cert ca k2
cert ca fleet
cert ca k5
cert rogue k4
chmod 644 "$P"/*.key

# ---- the broker ----
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The shipped access rules (board/mosquitto/fleet.acl), as a province uses them.
cp board/mosquitto/fleet.acl "$T/mq/acl"
# user: a broker started as root would switch to user mosquitto, which
# cannot write this test's folder.
cat > "$T/mq/mosquitto.conf" <<EOF
user $(id -un)
per_listener_settings false
listener $port 127.0.0.1
cafile $P/ca.crt
certfile $P/broker.crt
keyfile $P/broker.key
require_certificate true
use_identity_as_username true
tls_version tlsv1.2
acl_file $T/mq/acl
allow_anonymous false
persistence true
persistence_location $T/mq/
autosave_interval 1
log_dest file $T/mq/broker.log
log_type error
log_type warning
log_type notice
log_type information
EOF
start_broker() {
	: > "$T/mq/broker.log"
	"$MOSQ" -c "$T/mq/mosquitto.conf" 2>>"$T/mq/broker.stderr" &
	bpid=$!
	i=0
	until grep -q "Opening ipv4 listen socket on port $port" "$T/mq/broker.log" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 50 ] && { echo "fleet: the broker did not start"; cat "$T/mq/broker.log" "$T/mq/broker.stderr"; exit 1; }
		sleep 0.1
	done
}
stop_broker() { stop_pid "$bpid"; bpid=; }

site() { # dir id cert key
	python3 - "$ASSETS/site.json" "$1/site.json" "$port" "$2" "$P/ca.crt" "$3" "$4" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
s["fleet"].update(broker="127.0.0.1:" + sys.argv[3], id=sys.argv[4], ca=sys.argv[5], cert=sys.argv[6],
                  key=sys.argv[7], tls=True, heartbeat_min=60)
json.dump(s, open(sys.argv[2], "w"))
EOF
}
site "$T/k1" k1 "$P/k1.crt" "$P/k1.key"
enq() { # dir n: n events
	j=0
	while [ $j -lt "$2" ]; do
		j=$((j + 1))
		"$AGENT" enqueue --data "$1" --config "$1/site.json" --class event \
			"{\"event\":\"test\",\"n\":$j}" >/dev/null || fail "enqueue $j in $1"
	done
}
# ---- the kiosk itself puts printer events in its outbox: a whole citizen
# journey (a name and an ID number typed) and a paper-out. None of what was
# typed is in the outbox file; with the agent off there is no outbox. ----
site "$T/k5" k5 "$P/k5.crt" "$P/k5.key"
"$BIN/kiosk" --headless --config "$T/k5/site.json" --data "$T/k5" --script tests/scenarios/journey_vi.kss \
	>/dev/null 2>&1 || fail "journey_vi with the fleet configured"
printf 'printer paper-out\nexpect screen welcome\ntap start\ntap group-ho-tich\ntap proc-ket-hon\nprinter ok\n' \
	> "$T/paper.kss"
"$BIN/kiosk" --headless --config "$T/k5/site.json" --data "$T/k5" --script "$T/paper.kss" >/dev/null 2>&1 ||
	fail "the paper-out scenario"
ev=$(sqlite3 "$T/k5/fleet-outbox.db" "SELECT payload FROM ob_msgs ORDER BY seq" 2>&1)
echo "$ev" | grep -q '"event":"printer","state":"ok","was":"unknown"' || fail "no printer ok event: $ev"
echo "$ev" | grep -q '"event":"printer","state":"paper-out"' || fail "no paper-out event: $ev"
for secret in 001190012345 "Nguy" "An\""; do
	grep -qa "$secret" "$T/k5"/fleet-outbox.db* && fail "typed data ($secret) in the fleet outbox"
done
k5n=$(sqlite3 "$T/k5/fleet-outbox.db" "SELECT count(*) FROM ob_msgs")
# The heartbeat carries the printer's last state the kiosk saw.
last=$(echo "$ev" | sed -n 's/.*"event":"printer","state":"\([a-z-]*\)".*/\1/p' | tail -n 1)
"$AGENT" heartbeat --data "$T/k5" --config "$T/k5/site.json" 2>/dev/null || fail "k5 heartbeat"
hb=$(sqlite3 "$T/k5/fleet-outbox.db" "SELECT payload FROM ob_msgs WHERE topic='kiosk/k5/heartbeat'")
echo "$hb" | grep -q "\"printer\":\"$last\"" || fail "the heartbeat's printer is not '$last': $hb"
# A day of queue figures (5 issued, 3 served at counter 1) into the outbox.
qs=$("$TTOOLS/queue_serve" "$T/k5" ho-tich A khai-sinh 5 3) || fail "queue_serve"
# The day's row and one row per hour that had anything (the same counts).
nstats=$("$AGENT" stats --data "$T/k5" --config "$T/k5/site.json" --day "${qs% *}")
[ "${nstats:-0}" -ge 2 ] || fail "stats of ${qs% *}: $nstats rows, want the day and its hours"
sqlite3 "$T/k5/fleet-outbox.db" "SELECT payload FROM ob_msgs WHERE topic='kiosk/k5/stats'" > "$T/k5/stats"
grep -q "\"period\":\"day\",\"day\":${qs% *},\"group\":\"ho-tich\",\"issued\":5,\"called\":3,\"served\":3," "$T/k5/stats" ||
	fail "the day's figures are not in the outbox"
python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
h = [r for r in rows if r["period"] == "hour"]
assert h and all(0 <= r["hour"] <= 23 and r["group"] == "ho-tich" for r in h), h
assert sum(r["issued"] for r in h) == 5 and sum(r["served"] for r in h) == 3, h
' "$T/k5/stats" || fail "the hourly figures do not add up to the day: $(cat "$T/k5/stats")"
mkdir -p "$T/nofleet"
"$BIN/kiosk" --headless --data "$T/nofleet" --script "$T/paper.kss" >/dev/null 2>&1
[ -e "$T/nofleet/fleet-outbox.db" ] && fail "an outbox without the fleet configured"

count_msgs() { grep -c '^msg k1 ' "$T/recv.out" 2>/dev/null || true; }
waiting() { "$AGENT" status --data "$1" --config "$1/site.json" | sed 's/.*"waiting":\([0-9]*\).*/\1/'; }

start_broker
"$PY" "$RECV" --port "$port" --out "$T/recv.out" --client-id fleet --ca "$P/ca.crt" \
	--cert "$P/fleet.crt" --key "$P/fleet.key" --seconds 90 &
rpid=$!
i=0
until grep -q '^subscribed' "$T/recv.out" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 50 ] && { fail "the receiver did not connect"; break; }; sleep 0.1
done

# ---- stream, stop the broker mid-stream, enqueue while down, restart ----
enq "$T/k1" 20 # before the agent runs: stored, sent when it connects
"$AGENT" run --data "$T/k1" --config "$T/k1/site.json" --backoff-max-ms 500 --connect-timeout-ms 2000 --seconds 80 \
	2> "$T/k1/agent.log" &
apid=$!
enq "$T/k1" 30
i=0
while [ "$(count_msgs)" -lt 10 ] && [ $i -lt 50 ]; do i=$((i + 1)); sleep 0.1; done
stop_broker
enq "$T/k1" 25 # the broker is down: these wait in the outbox
[ "$(waiting "$T/k1")" -ge 25 ] || fail "messages enqueued while the broker is down are not waiting"
sleep 1
start_broker
enq "$T/k1" 10
# The agent killed with SIGKILL mid-stream, more messages, a new agent.
i=0
while [ "$(count_msgs)" -lt 60 ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
kill -9 "$apid"; wait "$apid" 2>/dev/null; apid=
enq "$T/k1" 15
"$AGENT" run --data "$T/k1" --config "$T/k1/site.json" --backoff-max-ms 500 --connect-timeout-ms 2000 --seconds 80 \
	2> "$T/k1/agent2.log" &
apid=$!
total=102 # 100 events and the two agents' first heartbeats
i=0
while { [ "$(count_msgs)" -lt $total ] || [ "$(waiting "$T/k1")" -ne 0 ]; } && [ $i -lt 150 ]; do
	i=$((i + 1)); sleep 0.1
done
kill "$apid"; wait "$apid"; ast=$?; apid=
[ $ast -eq 0 ] || fail "the agent ended with status $ast on SIGTERM"
sleep 0.5
stop_pid "$rpid"; rpid=

got=$(count_msgs)
[ "$got" -eq $total ] || fail "the receiver has $got distinct messages of k1, not $total"
seqs=$(grep '^msg k1 ' "$T/recv.out" | awk '{print $3}' | sort -n | tr '\n' ' ')
want=$(seq 1 $total | tr '\n' ' ')
[ "$seqs" = "$want" ] || fail "seqs received: $seqs"
[ "$(grep -c '^msg k1 .* heartbeat$' "$T/recv.out")" -eq 2 ] || fail "not two heartbeats"
grep -q '^bad' "$T/recv.out" && fail "payloads against the schema: $(grep '^bad' "$T/recv.out" | head -3)"
[ "$(waiting "$T/k1")" -eq 0 ] || fail "the outbox is not empty: $("$AGENT" status --data "$T/k1" --config "$T/k1/site.json")"
grep -q '^status k1 online' "$T/recv.out" || fail "no online status"
[ "$(grep '^status k1' "$T/recv.out" | tail -n 1)" = "status k1 offline" ] || fail "the last status is not offline"
conns=$(grep -c "connected to 127.0.0.1:$port as k1" "$T/k1/agent.log")
[ "$conns" -ge 2 ] || fail "the agent did not reconnect after the broker restart (connections $conns)"
grep -q "connection to the broker lost\|lost the broker" "$T/k1/agent.log" || fail "the agent did not log the lost broker"
dups=$(grep -c '^dup k1' "$T/recv.out" || true)
echo "fleet: $got messages exactly once by seq ($dups resends de-duplicated), $conns connections"
# No personal data: the payloads are codes and counts (checked by key).
grep -q "ho_ten\|cccd\|so_dien_thoai" "$T/recv.out" && fail "personal-looking keys in payloads"

# ---- another kiosk's name: the certificate says k2, the kiosk says k3 ----
site "$T/k3" k3 "$P/k2.crt" "$P/k2.key"
enq "$T/k3" 3
"$PY" "$RECV" --port "$port" --out "$T/recv2.out" --client-id fleet --ca "$P/ca.crt" \
	--cert "$P/fleet.crt" --key "$P/fleet.key" --seconds 20 &
rpid=$!
"$AGENT" run --data "$T/k3" --config "$T/k3/site.json" --backoff-max-ms 500 --seconds 3 2> "$T/k3/agent.log" ||
	fail "the k3 agent ended with status $?"
grep -q "the broker refused a message to kiosk/k3/event: Not authori[sz]ed (kept in the outbox)" "$T/k3/agent.log" ||
	fail "a kiosk under another kiosk's name does not say it was refused: $(cat "$T/k3/agent.log")"
[ "$(waiting "$T/k3")" -eq 4 ] || fail "the refused kiosk's messages did not stay in its outbox"

# ---- a certificate of another CA ----
site "$T/k4" k4 "$P/k4.crt" "$P/k4.key"
enq "$T/k4" 2
"$AGENT" run --data "$T/k4" --config "$T/k4/site.json" --backoff-max-ms 500 --seconds 3 2> "$T/k4/agent.log" ||
	fail "the k4 agent ended with status $?"
grep -q "cannot connect to 127.0.0.1:$port" "$T/k4/agent.log" ||
	fail "a kiosk with a foreign certificate does not say it cannot connect: $(cat "$T/k4/agent.log")"
grep -qE "unknown ca|does it trust this kiosk.s certificate" "$T/k4/agent.log" || fail "the kiosk's log does not say the broker refused its CA: $(cat "$T/k4/agent.log")"
[ "$(waiting "$T/k4")" -eq 3 ] || fail "the refused kiosk's messages did not stay in its outbox"
# ---- an expired certificate (valid in 2020 only, from the right CA) ----
mkdir -p "$P/cadb"; : > "$P/cadb/index.txt"; echo 01 > "$P/cadb/serial"
cat > "$P/ca.cnf" <<EOF
[ca]
default_ca = c
[c]
database = $P/cadb/index.txt
new_certs_dir = $P/cadb
serial = $P/cadb/serial
default_md = sha256
policy = p
[p]
commonName = supplied
EOF
ossl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$P/k6.key" -out "$P/k6.csr" -subj /CN=k6
ossl ca -batch -config "$P/ca.cnf" -cert "$P/ca.crt" -keyfile "$P/ca.key" -in "$P/k6.csr" -out "$P/k6.crt" \
	-startdate 20200101000000Z -enddate 20200201000000Z -notext
chmod 644 "$P/k6.key"
site "$T/k6" k6 "$P/k6.crt" "$P/k6.key"
enq "$T/k6" 2
"$AGENT" run --data "$T/k6" --config "$T/k6/site.json" --backoff-max-ms 500 --seconds 3 2> "$T/k6/agent.log" ||
	fail "the k6 agent ended with status $?"
grep -qE "certificate expired|is the certificate still valid" "$T/k6/agent.log" ||
	fail "a kiosk with an expired certificate does not say so: $(cat "$T/k6/agent.log")"
[ "$(waiting "$T/k6")" -eq 3 ] || fail "the expired kiosk's messages did not stay in its outbox"

# ---- pushes: the province publishes, a kiosk reads, a kiosk cannot forge one ----
tls() { echo "-h 127.0.0.1 -p $port --cafile $P/ca.crt --cert $P/$1.crt --key $P/$1.key"; }
mosquitto_pub $(tls fleet) -q 1 -r -t fleet/push/all -m '{"v":1,"from":"province"}' ||
	fail "the province cannot publish a push"
got=$(mosquitto_sub $(tls k1) -t fleet/push/all -C 1 -W 5 2>&1)
[ "$got" = '{"v":1,"from":"province"}' ] || fail "a kiosk cannot read the push: $got"
mosquitto_pub $(tls k1) -V mqttv5 -q 1 -r -t fleet/push/all -m '{"v":1,"from":"k1"}' > "$T/forge.out" 2>&1
got=$(mosquitto_sub $(tls fleet) -t fleet/push/all -C 1 -W 5 2>&1)
[ "$got" = '{"v":1,"from":"province"}' ] || fail "a kiosk replaced the province's push: $got"
mosquitto_pub $(tls k1) -q 1 -t kiosk/k2/event -m '{"v":1}' 2>/dev/null
mosquitto_pub $(tls fleet) -q 1 -r -t fleet/push/all -n
[ $fails -eq 0 ] && echo "ok   an expired certificate refused and said; a kiosk reads a push but cannot forge one"

# ---- the kiosk's own events reach the receiver too ----
"$AGENT" run --data "$T/k5" --config "$T/k5/site.json" --backoff-max-ms 500 --seconds 2 2> "$T/k5/agent.log" ||
	fail "the k5 agent ended with status $?"
sleep 1
stop_pid "$rpid"; rpid=
grep -q '^msg k[34] ' "$T/recv2.out" && fail "a refused kiosk's messages reached the receiver"
[ "$(grep -c '^msg k5 .* event$' "$T/recv2.out")" -eq "$k5n" ] || fail "the kiosk's $k5n events did not all arrive"
[ "$(grep -c '^msg k5 .* stats$' "$T/recv2.out")" -eq "$nstats" ] || fail "the day's and hours' figures did not all arrive"
[ "$(waiting "$T/k5")" -eq 0 ] || fail "k5's outbox is not empty"

# ---- the agent is off unless configured ----
mkdir -p "$T/off"
"$AGENT" run --data "$T/off" --config "$ASSETS/site.json" --seconds 1 2>"$T/off/log"
[ $? -eq 3 ] || fail "an unconfigured agent did not exit 3"
grep -q "fleet.id is not set" "$T/off/log" || fail "an unconfigured agent does not say why"

stop_broker
[ $fails -eq 0 ] || { echo "--- agent logs"; cat "$T/k1/agent.log" "$T/k1/agent2.log"; echo "--- receiver"; tail -20 "$T/recv.out"; exit 1; }
echo "fleet: ok"
