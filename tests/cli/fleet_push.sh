#!/bin/sh
# fleet_push.sh - signed data bundles pushed to the fleet (issue 16, item 4;
# docs/fleet.md): `kiosk-fleet push` publishes a data bundle for a group as
# retained chunks and a manifest on a loopback mosquitto; the kiosk's agent
# (kiosk-fleet-agent run --handoff) fetches it a few chunks at a time:
#   - resumable: one chunk withheld at the broker, the agent killed -9 with
#     every other chunk stored, the chunk put back: the restarted agent
#     fetches that one chunk only;
#   - checked as a stick's bundle, then handed to root's kiosk-fleet-install
#     (board/kiosk-fleet-install.sh, the real script with stand-in folders),
#     which waits while the kiosk is busy, installs it A/B when idle, and
#     the kiosk's next start passes its health check: "received", "trial",
#     "installed" reach the province's collector, `kiosk-fleet applied`
#     shows it, and the heartbeats say which data bundle runs;
#   - a payload byte changed, a header byte changed, another device's
#     compatible string, an app bundle: refused, each with the same words as
#     `kiosk-update install` from a stick gives, and a reason code;
#   - a data bundle that fails the kiosk's health check: rolled back after
#     the trial starts, "rolled-back" with the reason "health";
#   - a push to another group is not taken.
# Bounded in time (about 60 s).
. "$(dirname "$0")/update_common.inc"
[ "${ARCH:-native}" = native ] || [ "${ARCH:-}" = asan ] || { echo "fleet_push: native only"; exit 77; }
for c in mosquitto mosquitto_pub sqlite3 python3; do
	command -v $c >/dev/null || { echo "fleet_push: $c missing (tools/deps.sh test)"; exit 77; }
done
PY=
for p in /usr/bin/python3 python3; do
	"$p" -c 'import paho.mqtt.client' 2>/dev/null && { PY=$p; break; }
done
[ -n "$PY" ] || { echo "fleet_push: python3-paho-mqtt missing (tools/deps.sh test)"; exit 77; }
AGENT=$BIN/kiosk-fleet-agent
FLEET="$PY $BIN/kiosk-fleet"
D=$W/k1 R=$W/root RUNDIR=$W/run
mkdir -p "$D" "$R" "$W/mq" "$RUNDIR/req" "$RUNDIR/ans"
bpid= cpid= apid=
stop_pid() { [ -n "$1" ] && kill "$1" 2>/dev/null; [ -n "$1" ] && wait "$1" 2>/dev/null; }
cleanup() { stop_pid "$apid"; stop_pid "$cpid"; stop_pid "$bpid"; }
trap cleanup EXIT
# wait_for SECONDS COMMAND...: until the command succeeds
wait_for() {
	n=$(($1 * 10)); shift
	while ! "$@" 2>/dev/null; do n=$((n - 1)); [ $n -gt 0 ] || return 1; sleep 0.1; done
}

# The app: fails its health check when the data slot holds a file "broken".
make_tree "$W/app" 1.0.0
cat > "$W/app/app.sh" <<'APP'
#!/bin/sh
[ -n "${KIOSK_DATA_SLOT:-}" ] && [ -f "$KIOSK_DATA_SLOT/broken" ] && { echo "health check failed: catalog" >&2; exit 1; }
$KIOSK_TEST_RUN "$KIOSK_UPDATE" --root "$KIOSK_ROOT" mark-good || exit 3
APP
kb create --key "$W/test.pem" --payload "$W/app" --type app --version 1.0.0 --compatible kiosk-test-v1 \
	--out "$W/app.kiosk" >/dev/null || die "app bundle"
upd install "$W/app.kiosk" >/dev/null || die "install the app"
launch >/dev/null 2>&1 || die "the app does not start"

# data VERSION [broken] [create options]: a data bundle of about 200 KB.
data() {
	v=$1; shift
	t="$W/data-$v"; rm -rf "$t"; mkdir -p "$t"
	echo "$v" > "$t/VERSION"
	head -c 200000 /dev/urandom > "$t/voice.pack"
	if [ "${1:-}" = broken ]; then : > "$t/broken"; shift; fi
	kb create --key "$W/test.pem" --payload "$t" --type data --version "$v" --chunk-size 4096 \
		--compatible kiosk-test-v1 --out "$W/data-$v.kiosk" "$@" >/dev/null || die "data bundle $v"
}

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$W/mq/mosquitto.conf" <<K
user $(id -un)
listener $port 127.0.0.1
allow_anonymous true
persistence false
log_dest file $W/mq/broker.log
log_type information
K
mosquitto -c "$W/mq/mosquitto.conf" 2>"$W/mq/stderr" &
bpid=$!
wait_for 5 grep -q "Opening ipv4 listen socket on port $port" "$W/mq/broker.log" || die "the broker did not start"
python3 - "$ASSETS/site.json" "$D/site.json" "$port" <<'K'
import json, sys
s = json.load(open(sys.argv[1]))
s["fleet"].update(broker="127.0.0.1:" + sys.argv[3], id="k1", group="ward-1", tls=False, heartbeat_min=60)
json.dump(s, open(sys.argv[2], "w"))
K
$FLEET collect --broker "127.0.0.1:$port" --no-tls --db "$W/fleet.db" --seconds 120 2> "$W/collect.log" &
cpid=$!
push() { # group file [options]
	g=$1 f=$2; shift 2
	$FLEET push --broker "127.0.0.1:$port" --no-tls --group "$g" --bundle "$f" --chunk 16384 --lang en "$@" \
		>> "$W/push.log" 2>&1 || die "kiosk-fleet push $f: $(tail -n 3 "$W/push.log")"
}
agent() { # log: the agent in the background
	"$AGENT" run --data "$D" --config "$D/site.json" --update-root "$R" --keys "$W/keys" \
		--compatible-file "$W/compatible" --handoff "$RUNDIR/req" --answers "$RUNDIR/ans" \
		--heartbeat-s 1 --backoff-max-ms 500 > "$1" 2>&1 &
	apid=$!
}
events() { sqlite3 "$W/fleet.db" "SELECT kiosk || ' ' || body FROM events WHERE event='update' ORDER BY ts, seq" 2>/dev/null | sed 's/": /":/g; s/, "/,"/g'; }
has_event() { events | grep -q "$1"; }
sha() { sha256sum "$1" | cut -c1-64; }
install_root() { # the root side, as kiosk-fleet-install.path starts it
	env KIOSK_RUN_DIR="$RUNDIR" KIOSK_UPDATE_ROOT="$R" KIOSK_KEYS="$W/keys" KIOSK_COMPATIBLE="$W/compatible" \
		KIOSK_UPDATE="$KU" KIOSK_NOFOLLOW="$BIN/kiosk-nofollow" KIOSK_AGENT_USER= KIOSK_ACTIVE_CMD=true \
		KIOSK_RESTART_CMD=true KIOSK_WAIT_MAX=30 sh board/kiosk-fleet-install.sh "$@"
}

# 1. Resumable: chunk 5 of 1.0.0 withheld, the agent killed -9 with the rest.
data 1.0.0
S1=$(sha "$W/data-1.0.0.kiosk")
n1=$(( ($(wc -c < "$W/data-1.0.0.kiosk") + 16383) / 16384 ))
push ward-1 "$W/data-1.0.0.kiosk"
dd if="$W/data-1.0.0.kiosk" of="$W/chunk5" bs=16384 skip=5 count=1 2>/dev/null
mosquitto_pub -p "$port" -q 1 -r -n -t "fleet/bundle/$S1/5" || die "withhold chunk 5"
have() { [ "$(tr -cd '\001' < "$D/fleet-push/$S1.have" 2>/dev/null | wc -c)" -eq "$1" ]; }
agent "$W/agent1.log"
wait_for 20 have $((n1 - 1)) || { cat "$W/agent1.log"; die "the agent did not fetch the $((n1 - 1)) chunks it could"; }
sleep 0.5
have $((n1 - 1)) || die "more than the chunks published were marked"
kill -9 $apid; wait $apid 2>/dev/null; apid=
[ -e "$RUNDIR/req/fleet.kiosk" ] && die "an incomplete bundle was handed over"
mosquitto_pub -p "$port" -q 1 -r -f "$W/chunk5" -t "fleet/bundle/$S1/5" || die "put chunk 5 back"
agent "$W/agent2.log"
wait_for 20 test -e "$RUNDIR/req/fleet.kiosk" || { cat "$W/agent2.log"; die "1.0.0 was not handed over"; }
grep -q "fetching the pushed data bundle 1.0.0 ($(wc -c < "$W/data-1.0.0.kiosk") bytes, $n1 chunks, 1 missing)" "$W/agent2.log" ||
	die "the restarted agent did not resume with one chunk missing: $(grep fetching "$W/agent2.log")"
[ "$(sha "$RUNDIR/req/fleet.kiosk")" = "$S1" ] || die "the handed-over file is not the bundle pushed"
[ -e "$D/fleet-push/ready/$S1.kiosk" ] && die "the fetched file was left in ready/"
echo "ok   resumable: killed -9 with $((n1 - 1)) of $n1 chunks, the restart fetched the one missing"

# 2. Installed by root when the kiosk is idle at Welcome; trial, then installed.
echo idle=0 > "$RUNDIR/req/kiosk.state"
install_root > "$W/install1.log" 2>&1 &
ipid=$!
sleep 2.5
[ "$(st data_current)" = a ] || [ "$(st data_current)" = b ] && die "installed while the kiosk was busy"
[ -e "$RUNDIR/req/fleet.kiosk" ] && die "root left the handed-over file"
echo idle=1 > "$RUNDIR/req/kiosk.state"
wait $ipid || { cat "$W/install1.log"; die "kiosk-fleet-install failed"; }
grep -qx "bundle=$S1" "$RUNDIR/ans/fleet.answer" && grep -qx "result=ok" "$RUNDIR/ans/fleet.answer" ||
	die "no ok answer: $(cat "$RUNDIR/ans/fleet.answer")"
[ "$(st data_slot_a_version)" = 1.0.0 ] || [ "$(st data_slot_b_version)" = 1.0.0 ] || die "data 1.0.0 not in a slot"
wait_for 10 has_event '"result":"trial","version":"1.0.0"' || die "no trial event: $(events)"
launch >/dev/null 2>&1 || die "the kiosk does not start on data 1.0.0"
wait_for 10 has_event '"result":"installed","version":"1.0.0"' || die "no installed event: $(events)"
has_event '"via":"fleet","result":"received","version":"1.0.0"' || die "no received event: $(events)"
dv() { [ "$(sqlite3 "$W/fleet.db" "SELECT data_version FROM kiosks WHERE id='k1'")" = "$1" ]; }
wait_for 10 dv 1.0.0 || die "the heartbeat does not say data 1.0.0 runs"
$FLEET applied --db "$W/fleet.db" --version 1.0.0 --lang en > "$W/applied1" || die "kiosk-fleet applied"
grep -q "^k1 .*installed, health check passed" "$W/applied1" || die "applied: $(cat "$W/applied1")"
echo "ok   installed when idle (not while busy), trial then installed, shown by kiosk-fleet applied"

# 3. Refused as from a stick: payload byte, header byte, compatible, app bundle.
refused() { # version code file
	wait_for 15 has_event "\"result\":\"refused\",\"version\":\"$1\",\"reason\":\"$2\"" ||
		{ tail -n 5 "$W/agent2.log"; die "$3: no refusal $2: $(events | tail -n 2)"; }
	[ -e "$RUNDIR/req/fleet.kiosk" ] && die "$3 was handed over"
	why=$(sed -n "s/.*the pushed data bundle $1 is refused: //p" "$W/agent2.log" | tail -n 1)
	[ -n "$why" ] || die "$3: the log does not say why"
	# The same file on a stick: the technician menu's list (scan) and the install.
	rm -rf "$W/stick"; mkdir -p "$W/stick"; cp "$3" "$W/stick/"
	upd scan --stick "$W/stick" > "$W/stick.out" 2>&1
	upd install --type data "$3" >> "$W/stick.out" 2>&1 && die "$3 installs from a stick"
	grep -qF -- "$why" "$W/stick.out" || die "$3: the fleet said '$why', a stick says '$(cat "$W/stick.out")'"
	echo "ok   $3: refused ($2): $why"
}
data 1.1.0
cp "$W/data-1.1.0.kiosk" "$W/payload.kiosk"
python3 - "$W/payload.kiosk" <<'P'
import sys
b = bytearray(open(sys.argv[1], "rb").read()); b[-100] ^= 0x20; open(sys.argv[1], "wb").write(b)
P
push ward-1 "$W/payload.kiosk"
refused 1.1.0 payload "$W/payload.kiosk"
cp "$W/data-1.1.0.kiosk" "$W/header.kiosk"
python3 - "$W/header.kiosk" <<'P'
import sys
b = bytearray(open(sys.argv[1], "rb").read()); i = b.index(b"version=1.1.0") + 12; b[i] = ord("9")
open(sys.argv[1], "wb").write(b)
P
push all "$W/header.kiosk"
refused 1.1.9 signature "$W/header.kiosk"
data 1.1.1 --compatible other-kiosk-v2
mv "$W/data-1.1.1.kiosk" "$W/compatible.kiosk"
push ward-1 "$W/compatible.kiosk"
refused 1.1.1 compatible "$W/compatible.kiosk"
# An app bundle, published by hand (kiosk-fleet push refuses it itself).
$FLEET push --broker "127.0.0.1:$port" --no-tls --bundle "$W/app.kiosk" > "$W/app-push.log" 2>&1 &&
	die "kiosk-fleet push took an app bundle"
grep -q "app bundles go on a USB stick" "$W/app-push.log" || die "push of an app bundle: $(cat "$W/app-push.log")"
make_tree "$W/app2" 1.1.0
kb create --key "$W/test.pem" --payload "$W/app2" --type app --version 1.1.0 --compatible kiosk-test-v1 \
	--out "$W/app2.kiosk" >/dev/null || die "app bundle 1.1.0"
python3 - "$W/app2.kiosk" "$port" <<'P' || die "publish the app bundle by hand"
import hashlib, json, subprocess, sys
data = open(sys.argv[1], "rb").read(); sha = hashlib.sha256(data).hexdigest(); port = sys.argv[2]
for i in range(0, len(data), 16384):
    open(sys.argv[1] + ".c", "wb").write(data[i:i + 16384])
    subprocess.run(["mosquitto_pub", "-p", port, "-q", "1", "-r", "-f", sys.argv[1] + ".c", "-t",
                    "fleet/bundle/%s/%d" % (sha, i // 16384)], check=True)
m = {"v": 1, "bundle": sha, "size": len(data), "chunk": 16384, "version": "1.1.0"}
subprocess.run(["mosquitto_pub", "-p", port, "-q", "1", "-r", "-m", json.dumps(m), "-t", "fleet/push/all"], check=True)
P
wait_for 15 has_event '"result":"refused","version":"1.1.0","reason":"type"' || die "app bundle: $(events | tail -n 2)"
[ -e "$RUNDIR/req/fleet.kiosk" ] && die "an app bundle was handed over"
echo "ok   an app bundle over the fleet: refused (type)"
[ "$(st data_slot_a_version)" = 1.0.0 ] || [ "$(st data_slot_b_version)" = 1.0.0 ] || die "data 1.0.0 gone"

# 4. A push to another group is not taken; then one that fails its health check.
data 1.3.0
push ward-9 "$W/data-1.3.0.kiosk"
data 1.2.0 broken
push ward-1 "$W/data-1.2.0.kiosk" --wait 25 > "$W/wait.log" &
ppid=$!
wait_for 15 test -e "$RUNDIR/req/fleet.kiosk" || die "1.2.0 was not handed over"
install_root > "$W/install2.log" 2>&1 || { cat "$W/install2.log"; die "install 1.2.0"; }
for i in 1 2 3; do launch >/dev/null 2>&1 && die "a broken data bundle passed the health check"; done
launch >/dev/null 2>&1 || die "after the trials the kiosk does not start"
wait_for 10 has_event '"result":"rolled-back","version":"1.2.0","running":"1.0.0","reason":"health"' ||
	die "no rolled-back event: $(events | tail -n 3)"
grep -qF "bundle 1.3.0" "$W/agent2.log" && die "k1 (ward-1) took a push to ward-9"
wait_for 10 dv 1.0.0 || die "after the rollback the heartbeat does not say data 1.0.0 runs"
kill $ppid 2>/dev/null; wait $ppid 2>/dev/null
grep -q "^k1: received and checked" "$W/push.log" || die "push --wait did not show k1's answer: $(cat "$W/push.log")"
grep -q "^k1: rolled back (health check failed)" "$W/push.log" || die "push --wait: $(cat "$W/push.log")"
$FLEET applied --db "$W/fleet.db" --version 1.2.0 > "$W/applied2" || die "applied 1.2.0"
grep -q "^k1 .*đã quay lại bản trước (kiểm tra sau khi cài không đạt)" "$W/applied2" || die "applied: $(cat "$W/applied2")"
echo "ok   a bundle failing the health check rolled back and said so; another group's push not taken"
$FLEET push --broker "127.0.0.1:$port" --no-tls --group ward-1 --withdraw --lang en > "$W/withdraw.log" ||
	die "withdraw"
mosquitto_sub -p "$port" -t "fleet/push/ward-1" -t "fleet/bundle/$(sha "$W/data-1.2.0.kiosk")/0" -W 1 \
	-F '%t' > "$W/left" 2>/dev/null
[ -s "$W/left" ] && die "withdraw left retained messages: $(cat "$W/left")"
stop_pid "$apid"; apid=
grep -q "chunks [1-9]" "$W/agent2.log" || die "no chunk counters: $(tail -n 1 "$W/agent2.log")"
echo "fleet_push: all passed"
