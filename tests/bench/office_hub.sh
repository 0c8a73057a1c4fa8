#!/bin/sh
# office_hub.sh - an office day on loopback (issue 14): 1,500 printed
# tickets in 5 groups (one in 20 priority), kiosk-hub, one wall board
# (kiosk --board, headless) and 15 virtual counters (tests/tools/
# office_sim.py: each its own loopback address, its event stream open,
# calling, marking absent, calling back, transferring, serving, rating, as
# fast as the hub answers: a day compressed into minutes); then again with
# 30 and 60 counters. Prints, per run: the counters' request latency
# (p50/p99), the latency from the counter's click to the board's first
# frame showing the call (p50/p99, wall clock, same machine), the hub's CPU
# time in the day (after the logins) and its RSS at the start, peak, end. Checks (a failure exits 1) that every
# ticket ended in one state (served, noshow, or still parked when the line
# ran dry; none waiting or called) and that the daily statistics add up:
# issued = 1,500, served, transfers in and out, ratings per level equal what
# the counters did, and each group's counter rows sum to its own row.
# BENCH_QUICK=1: 150 tickets, 15 counters only.
set -u
: "${BIN:=build/bin}" "${TTOOLS:=build/native/tests/tools}" "${RUN:=}"
[ -x "$BIN/kiosk-hub" ] || { echo "office hub bench: $BIN/kiosk-hub not built" >&2; exit 77; }
[ -x "$TTOOLS/queue_stats" ] || { echo "office hub bench: $TTOOLS/queue_stats not built (make units)" >&2; exit 77; }
command -v python3 > /dev/null || { echo "office hub bench: python3 missing" >&2; exit 77; }
export KIOSK_ASSETS="${ASSETS:-$(pwd)/build/share/kiosk}"
tickets=1500 sizes="15 30 60"
[ "${BENCH_QUICK:-0}" = 1 ] && tickets=150 sizes=15
W=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-bench-hub.XXXXXX")
HUB=; BOARD=
cleanup() {
	[ -n "$BOARD" ] && kill "$BOARD" 2> /dev/null
	[ -n "$HUB" ] && kill "$HUB" 2> /dev/null
	wait 2> /dev/null
	rm -rf "$W"
}
trap cleanup EXIT INT TERM
fail() { echo "FAIL: office hub bench: $*"; exit 1; }
GROUPS_="ho-tich:A:khai-sinh chung-thuc:B:chung-thuc-ban-sao dat-dai:C:dat-dai-lan-dau cu-tru:D:xac-nhan-cu-tru bao-hiem-xa-hoi:E:bhyt-ho-gia-dinh"


run_day() { # counters
	n=$1 D=$W/d$1
	rm -rf "$D" && mkdir -p "$D" "$W/board$n"
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	# Counter i serves two neighbouring groups of the five.
	python3 - "$n" "$port" > "$D/local.json" << 'EOF'
import json, sys
n, port = int(sys.argv[1]), int(sys.argv[2])
g = ["ho-tich", "chung-thuc", "dat-dai", "cu-tru", "bao-hiem-xa-hoi"]
print(json.dumps({"hub": {"listen": ["127.0.0.1:%d" % port], "session_idle_minutes": 30},
                  "counters": [{"id": i, "name": {"vi": "Quầy %d" % i, "en": "Counter %d" % i},
                                "groups": [g[i % 5], g[(i + 1) % 5]]} for i in range(1, n + 1)]},
                 ensure_ascii=False))
EOF
	per=$((tickets / 5))
	for e in $GROUPS_; do
		letter=$(echo "$e" | cut -d: -f2) proc=$(echo "$e" | cut -d: -f3)
		$RUN "$TTOOLS/ledger_fill" "$D" "$letter" "$proc" $((per - per / 20)) > /dev/null &&
			$RUN "$TTOOLS/ledger_fill" "$D" "$letter" "$proc" $((per / 20)) priority > /dev/null ||
			fail "ledger_fill"
	done
	: > "$W/pins$n"
	i=1
	while [ $i -le "$n" ]; do
		pin=$((590000 + i * 37 + 11))
		echo "$pin" | $RUN "$BIN/kiosk-hub" --data "$D" --set-pin $i > /dev/null || fail "--set-pin $i"
		echo "$i $pin" >> "$W/pins$n"
		i=$((i + 1))
	done
	$RUN "$BIN/kiosk-hub" --data "$D" --assets "$KIOSK_ASSETS" > "$W/hub$n.log" 2>&1 &
	HUB=$!
	i=0
	until curl -s -o /dev/null "http://127.0.0.1:$port/api/state"; do
		i=$((i + 1)); [ $i -gt 100 ] && fail "the hub did not start: $(tail -3 "$W/hub$n.log")"; sleep 0.1
	done
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $RUN "$BIN/kiosk" --board "http://127.0.0.1:$port/" --headless \
		--data "$W/board$n" --stats 2> "$W/board$n.err" &
	BOARD=$!
	i=0
	until grep -q "connected to the hub" "$W/board$n/logs/kiosk.log" 2> /dev/null; do
		i=$((i + 1)); [ $i -gt 100 ] && fail "the board did not connect"; sleep 0.1
	done
	python3 tests/tools/office_sim.py "http://127.0.0.1:$port/" "$D/local.json" "$W/pins$n" 7 "$W/sim$n.json" \
		$HUB || fail "$n counters: the counters met errors"
	sleep 1
	kill "$BOARD"; wait "$BOARD" 2> /dev/null; BOARD=
	kill "$HUB"; wait "$HUB" 2> /dev/null; HUB=
	$RUN "$TTOOLS/queue_stats" "$D" > "$W/stats$n" || fail "queue_stats"
	python3 - "$W/sim$n.json" "$W/board$n.err" "$W/stats$n" "$D/ledger.db" "$tickets" "$n" \
		<< 'EOF' || exit 1
import json, sqlite3, sys
sim = json.load(open(sys.argv[1]))
tickets, n = int(sys.argv[5]), int(sys.argv[6])
hb, ha = sim['hub_before'], sim['hub_after']
cpu = ha['cpu_ms'] - hb['cpu_ms']
c = sim['counts']
bad = []
def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, max(0, int(round(p / 100.0 * len(v) + 0.5)) - 1))] if v else float('nan')
shown = {}
for line in open(sys.argv[2], errors='replace'):
    p = line.split()
    if len(p) == 4 and p[0] == 'board:' and p[1] == 'shown':
        shown.setdefault(p[2], []).append(int(p[3]))
# Click to board: each call's click, to the first frame after it showing that number.
lat = []
for number, click in sim['clicks']:
    later = [t for t in shown.get(number, []) if t >= click - 1]
    if later:
        lat.append(min(later) - click)
db = sqlite3.connect('file:%s?mode=ro' % sys.argv[4], uri=True)
states = dict(db.execute('SELECT state, count(*) FROM q_tickets GROUP BY state').fetchall())
total = sum(states.values())
if total != tickets:
    bad.append('%d tickets in the queue, %d issued' % (total, tickets))
for s in ('waiting', 'called'):
    if states.get(s):
        bad.append('%d tickets still %s' % (states[s], s))
if states.get('served', 0) != c['served']:
    bad.append('served: %d in the ledger, the counters served %d' % (states.get('served', 0), c['served']))
rows = [l.split() for l in open(sys.argv[3])]
grp = [r for r in rows if r[2] == '0']
cnt = [r for r in rows if r[2] != '0']
S = lambda rs, k: sum(int(r[k]) for r in rs)
if S(grp, 3) != tickets:
    bad.append('statistics: %d issued, want %d' % (S(grp, 3), tickets))
if S(grp, 5) != c['served']:
    bad.append('statistics: %d served, the counters served %d' % (S(grp, 5), c['served']))
if S(grp, 8) != c['transferred'] or S(grp, 9) != c['transferred']:
    bad.append('statistics: transfers out %d, in %d, the counters made %d' % (S(grp, 8), S(grp, 9), c['transferred']))
for lvl in (1, 2, 3):
    if S(grp, 9 + lvl) != c['ratings'][lvl]:
        bad.append('statistics: %d ratings of %d, the counters sent %d' % (S(grp, 9 + lvl), lvl, c['ratings'][lvl]))
if S(grp, 6) != states.get('noshow', 0):
    bad.append('statistics: %d no-shows, the ledger has %d' % (S(grp, 6), states.get('noshow', 0)))
for g in grp:
    mine = [r for r in cnt if r[1] == g[1]]
    if S(mine, 5) != int(g[5]):
        bad.append('statistics: group %s served %s, its counters %d' % (g[1], g[5], S(mine, 5)))
reqs = len(sim['latency'])
print('%2d counters: %d tickets in %.1f s (%d requests, %.0f/s): served %d, absent %d (back %d), transferred %d, rated %d'
      % (n, tickets, c['seconds'], reqs, reqs / max(c['seconds'], 0.001), c['served'], c['absent'], c['back'],
         c['transferred'], c['rated']))
print('    counter request ms  p50 %.1f  p99 %.1f' % (pct(sim['latency'], 50), pct(sim['latency'], 99)))
print('    click to board frame ms  p50 %.1f  p99 %.1f  (%d of %d calls seen by the board; a snapshot holds 6)'
      % (pct(lat, 50), pct(lat, 99), len(lat), len(sim['clicks'])))
print('    hub CPU %.1f s in the day (%.2f ms a request, logins not counted); RSS %.1f MiB at the start, peak %.1f MiB,'
      ' %.1f MiB at the end; %d threads' % (cpu / 1000.0, cpu / max(reqs, 1), hb['VmRSS'] / 1024.0,
                                           ha['VmHWM'] / 1024.0, ha['VmRSS'] / 1024.0, ha['Threads']))
print('    final states: ' + ', '.join('%s %d' % kv for kv in sorted(states.items())) + ('' if bad else '; statistics add up'))
for b in bad:
    print('FAIL: office hub bench: ' + b)
sys.exit(1 if bad else 0)
EOF
}

echo "office day on loopback: $tickets tickets, 5 groups, one board"
for n in $sizes; do
	run_day "$n" || exit 1
done
