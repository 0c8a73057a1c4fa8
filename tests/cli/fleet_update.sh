#!/bin/sh
# fleet_update.sh - update results reach the fleet as events (issue 16,
# item 2): kiosk-fleet-agent looks at the update root with each heartbeat
# and puts an "update" event in the outbox when what runs changed: 1.1.0
# installed over 1.0.0 ("trial" while on trial, then "installed" once it
# passed its health check), then 1.2.0 failing its health check three times
# and "rolled-back" (version 1.2.0, running 1.1.0) with the reason "health"
# (a code, never the updater's words). The first look only records; an unchanged state sends
# nothing.
# quick
. "$(dirname "$0")/update_common.inc"
AGENT=$BIN/kiosk-fleet-agent
command -v sqlite3 >/dev/null 2>&1 || { echo "skip: sqlite3 missing (tools/deps.sh test)"; exit 77; }
R="$W/root"; D="$W/data"; mkdir -p "$R" "$D"
python3 - "$ASSETS/site.json" "$D/site.json" <<'K'
import json, sys
s = json.load(open(sys.argv[1]))
s["fleet"].update(broker="127.0.0.1:1", id="k7", tls=False)
json.dump(s, open(sys.argv[2], "w"))
K
hb() { $RUN "$AGENT" heartbeat --data "$D" --config "$D/site.json" --update-root "$R" 2>>"$W/agent.log" || die "heartbeat"; }
events() { sqlite3 "$D/fleet-outbox.db" "SELECT payload FROM ob_msgs WHERE topic='kiosk/k7/event' ORDER BY seq"; }

bundle "$W/v1.kiosk" 1.0.0 || die b1
bundle "$W/v2.kiosk" 1.1.0 || die b2
upd install "$W/v1.kiosk" >/dev/null || die "install v1"
launch >/dev/null || die "launch v1"
hb
[ -z "$(events)" ] || die "the first look sent an event: $(events)"
hb
[ -z "$(events)" ] || die "an unchanged state sent an event: $(events)"

upd install "$W/v2.kiosk" >/dev/null || die "install v2"
hb
events | grep -q '"event":"update","type":"app","result":"trial","version":"1.1.0","was":"1.0.0"' ||
	die "no trial event: $(events)"
launch >/dev/null || die "launch v2"
hb
events | grep -q '"event":"update","type":"app","result":"installed","version":"1.1.0","was":"1.1.0"' ||
	die "no installed event: $(events)"

make_tree "$W/bt" 1.2.0
: > "$W/bt/broken-fonts"
kb create --key "$W/test.pem" --payload "$W/bt" --type app --version 1.2.0 --compatible kiosk-test-v1 \
	--chunk-size 4096 --out "$W/b.kiosk" || die "bundle 1.2.0"
upd install --tries 2 "$W/b.kiosk" >/dev/null || die "install 1.2.0"
launch >/dev/null 2>&1; launch >/dev/null 2>&1; launch >/dev/null 2>&1
[ "$(st slot_a_version)" = 1.2.0 ] || [ "$(st slot_b_version)" = 1.2.0 ] || die "1.2.0 not installed"
hb
events | grep -q '"event":"update","type":"app","result":"rolled-back","version":"1.2.0","running":"1.1.0","reason":"health"' ||
	die "no rollback event: $(events)"
n=$(events | wc -l)
hb
[ "$(events | wc -l)" = "$n" ] || die "the same state sent again"
events | grep -q 'did not pass\|health check after' && die "the updater's words in an event"
echo "fleet_update: trial, installed and rolled-back events, each once; the first look and an unchanged state send nothing"
