#!/bin/sh
# office_day.sh - memory over office days (issue 17): a generated scenario
# issues DAYS x PER_DAY tickets (3 x 600 = 1,800 by default; BENCH_QUICK=1:
# 3 x 2), each a whole citizen journey with its own name and ID number typed,
# on the virtual clock (set-time at each morning), headless at 1920x1080.
# The kiosk's RSS is sampled every second next to the number of tickets
# spooled; prints the RSS after the first ticket, at the end of each day,
# the steady state (median of the samples of the last third of the run) and
# the peak, against the goal of 48 MiB; then the redraw time of the busiest
# screen with the text cache (median of 5 runs of bench_render). The full
# run takes a while (about 1 s a ticket on a loaded 2-core machine).
# Figures only, no assertions.
set -u
days=${DAYS:-3}
per=${PER_DAY:-600}
[ "${BENCH_QUICK:-0}" = 1 ] && per=${PER_DAY:-2}
t=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-bench-day.XXXXXX")
trap 'rm -rf "$t"' EXIT

# The scenario: the marriage registration of journey_vi.kss, names and ID
# numbers different for every ticket (so every answer is a new text).
awk -v days="$days" -v per="$per" '
function word(i,   a, s, k) { a = "abcdeghiklmnopqrstuvxy"; s = ""
	for (k = 0; k < 4; k++) { s = s substr(a, i % 22 + 1, 1); i = int(i / 22) }
	return toupper(substr(s, 1, 1)) substr(s, 2) }
BEGIN {
	for (d = 0; d < days; d++) {
		printf "set-time 2026-01-%02dT07:45:00+07:00\n", 5 + d
		for (k = 0; k < per; k++) {
			n++
			print "tap start"; print "tap group-ho-tich"; print "tap proc-ket-hon"; print "tap next"
			printf "type \"Nguyeenx %s Vawn %s\"\n", word(n), word(n * 7 + 3)
			print "tap next"
			printf "type \"00119%07d\"\n", n
			print "tap next"; print "tap next"; print "tap next"; print "tap priority-no"
			print "expect screen ticket"; print "tap done"; print "expect screen welcome"
		}
	}
}' > "$t/day.kss"

# A busy office: no daily cap per series (the default stops at 500).
echo '{"queue": {"daily_cap": 0}}' > "$t/cap.json"
"$BIN/kiosk" --headless --config "$t/cap.json" --data "$t/d" --script "$t/day.kss" 2> "$t/err" &
pid=$!
: > "$t/samples"
while kill -0 $pid 2>/dev/null; do
	rss=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null)
	hwm=$(awk '/^VmHWM/ {print $2}' /proc/$pid/status 2>/dev/null)
	n=$(ls "$t/d/spool" 2>/dev/null | grep -c '\.escpos$')
	[ -n "$rss" ] && echo "$n $rss $hwm" >> "$t/samples"
	sleep 1
done
wait $pid
st=$?
total=$((days * per))
issued=$(ls "$t/d/spool" 2>/dev/null | grep -c '\.escpos$')
if [ $st -ne 0 ] || [ "$issued" -ne "$total" ]; then
	echo "office day scenario failed (exit $st, $issued of $total tickets):"
	tail -n 5 "$t/err"
	exit 1
fi
mib() { awk '{printf "%.1f", $1 / 1024}'; }
echo "office days: $days x $per = $total tickets, 1920x1080, software rendering"
first=$(awk '$1 >= 1 {print $2; exit}' "$t/samples" | mib)
echo "  RSS after the first ticket: $first MiB"
d=1
while [ $d -le "$days" ]; do
	r=$(awk -v n=$((d * per)) '$1 <= n {r = $2} END {print r + 0}' "$t/samples" | mib)
	echo "  RSS at the end of day $d ($((d * per)) tickets): $r MiB"
	d=$((d + 1))
done
n=$(wc -l < "$t/samples")
steady=$(tail -n $(( (n + 2) / 3 )) "$t/samples" | awk '{print $2}' | sort -n |
	awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}' | mib)
peak=$(awk '{if ($3 > m) m = $3} END {print m + 0}' "$t/samples" | mib)
echo "  RSS steady state (median of the last third): $steady MiB (goal <= 48 MiB); peak $peak MiB"
echo "  steady / goal: $(awk -v s="$steady" 'BEGIN {printf "%.2f", s / 48}')"
if [ -x "$TTOOLS/bench_render" ]; then
	i=0
	: > "$t/redraw"
	while [ $i -lt 5 ]; do
		"$TTOOLS/bench_render" | sed -n 's/.*full redraw, cached text: *\([0-9.]*\) ms/\1/p' >> "$t/redraw"
		i=$((i + 1))
	done
	echo "  busiest screen redraw, cached text, median of 5: $(sort -n "$t/redraw" | sed -n 3p) ms"
else
	echo "  bench_render not built (make units)"
fi
