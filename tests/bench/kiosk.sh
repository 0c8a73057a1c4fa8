#!/bin/sh
# kiosk.sh - figures for the kiosk program: time to first frame, wakeups per
# second and CPU of an idle headless kiosk over 30 s (IDLE_SECONDS), and the
# redraw cost of the busiest screen with and without the text cache.
set -u
secs=${IDLE_SECONDS:-30}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$BIN/kiosk" --headless --data "$tmp/d" --report "$tmp/report" --stats 2> "$tmp/err" &
pid=$!
sleep 3
grep FIRST_FRAME "$tmp/report" | sed 's/FIRST_FRAME \(.*\)/time to first frame: \1 ms (headless, software rendering)/'
switches() { cat /proc/$pid/task/*/status 2>/dev/null | awk '/ctxt_switches/ {n += $2} END {print n + 0}'; }
cpu() { awk '{print $14 + $15}' /proc/$pid/stat; }
s0=$(switches); c0=$(cpu)
sleep "$secs"
s1=$(switches); c1=$(cpu)
kill -TERM $pid; wait $pid
hz=$(getconf CLK_TCK)
echo "idle over ${secs} s: $(( (s1 - s0) )) context switches ($(awk "BEGIN {printf \"%.2f\", ($s1 - $s0) / $secs}") per second), CPU $(awk "BEGIN {printf \"%.3f\", ($c1 - $c0) * 100 / $hz / $secs}") %"
grep -o 'wakeups=[0-9]* frames=[0-9]*' "$tmp/err" | sed 's/^/main loop over the whole run: /'
echo "(an idle kiosk sleeps in poll(); SDL_WaitEventTimeout on the offscreen/KMSDRM backends would wake ~1000 times a second)"
if [ -x "$TTOOLS/bench_render" ]; then "$TTOOLS/bench_render"; else echo "bench_render not built (make units)"; fi
