#!/bin/sh
# fleet.sh - the fleet at scale (issue 16, "Faults and scale"): 50, 200 and
# 500 simulated kiosks (tests/tools/fleet_sim: real fleet agents, each with
# its SQLite outbox and MQTT client, 100 to a process) against one mosquitto
# broker on loopback, started fresh for each size, over a compressed office
# day of 10 s in which each kiosk stores 20 messages (events, hourly
# figures, heartbeats). Prints per size: messages per second, the delay from
# being stored at the kiosk to being received by the province (p50/p99),
# the agents' memory (RSS each) and the broker's peak RSS, then how each
# grows from the smallest size to the largest; then the largest fleet with
# every message stored before it connects (back from an outage), for the
# rate the agents and the broker can carry. Exits 1 when a message is
# missing or came twice (tests/cli/fleet_scale.sh runs 50 and 500 the same
# way). SIZES overrides the sizes; BENCH_QUICK=1: 50 and 100.
set -u
: "${TTOOLS:=build/native/tests/tools}"
[ -x "$TTOOLS/fleet_sim" ] || { echo "fleet bench: $TTOOLS/fleet_sim not built (make units)" >&2; exit 77; }
command -v mosquitto > /dev/null || { echo "fleet bench: mosquitto missing (tools/deps.sh test)" >&2; exit 77; }
sizes=${SIZES:-50 200 500}
[ "${BENCH_QUICK:-0}" = 1 ] && sizes=${SIZES:-50 100}
W=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-bench-fleet.XXXXXX")
bpid=
cleanup() { [ -n "$bpid" ] && kill "$bpid" 2> /dev/null; wait 2> /dev/null; rm -rf "$W"; }
trap cleanup EXIT
ulimit -n 8192 2> /dev/null || true
# run NAME AGENTS SECONDS [--backlog]: fleet_sim on a fresh broker in $W/NAME.
run() {
	d=$W/$1; shift
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	rm -rf "$d"; mkdir -p "$d"
	printf 'user %s\nlistener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 100000\nlog_dest file %s\n' \
		"$(id -un)" "$port" "$d/broker.log" > "$d/mosquitto.conf"
	mosquitto -c "$d/mosquitto.conf" 2> "$d/broker.err" &
	bpid=$!
	i=0
	until grep -q "Opening ipv4 listen socket on port $port" "$d/broker.log" 2> /dev/null; do
		i=$((i + 1)); [ $i -gt 50 ] && { echo "fleet bench: the broker did not start" >&2; exit 1; }; sleep 0.1
	done
	n=$1 secs=$2; shift 2
	"$TTOOLS/fleet_sim" --port "$port" --dir "$d" --agents "$n" --messages 20 --seconds "$secs" "$@" \
		--broker-pid "$bpid" > "$d/out" 2> "$d/err" || bad=1
	cat "$d/out" "$d/err"
	kill "$bpid"; wait "$bpid" 2> /dev/null; bpid=
}
bad=0
for n in $sizes; do run "$n" "$n" 10; done
# What the largest fleet and the broker can carry: every message stored
# before the agents connect (back from a long outage).
run backlog "${sizes##* }" 1 --backlog
# Growth from the first size to the last, from the figures printed.
first=${sizes%% *} last=${sizes##* }
[ "$first" != "$last" ] && python3 - "$W/$first/out" "$W/$last/out" "$first" "$last" <<'P'
import re, sys
def figs(p):
    t = open(p).read()
    g = lambda r: float(re.search(r, t).group(1))
    return {"rate": g(r"([\d.]+) msg/s"), "p50": g(r"p50 (\d+) ms"), "p99": g(r"p99 (\d+) ms"),
            "agent": g(r"(\d+) KiB RSS each"), "broker": g(r"broker peak RSS ([\d.]+) MiB")}
try:
    a, b = figs(sys.argv[1]), figs(sys.argv[2])
except (AttributeError, OSError):
    sys.exit(0)
k = float(sys.argv[4]) / float(sys.argv[3])
print("from %s to %s kiosks (x%.0f): messages per second x%.1f, delay p50 x%.2f, p99 x%.2f, memory per agent x%.2f, "
      "broker peak RSS x%.2f" % (sys.argv[3], sys.argv[4], k, b["rate"] / a["rate"], b["p50"] / max(a["p50"], 1),
                                  b["p99"] / max(a["p99"], 1), b["agent"] / max(a["agent"], 1), b["broker"] / a["broker"]))
P
exit $bad
