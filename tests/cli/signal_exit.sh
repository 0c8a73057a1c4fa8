#!/bin/sh
# signal_exit.sh - Ctrl+C (SIGINT) and SIGTERM end the kiosk promptly in
# every mode: headless, a scenario (--script, headless), a window and full
# screen in a real X screen (Xvfb, where the loop waits inside
# SDL_WaitEventTimeout). Each kiosk draws its first frame, then idles past its last
# start-up redraw (16 s) so the loop sleeps its longest wait (up to 60 s);
# then the signal, and the time until the process is gone is measured.
# Asked for: within 0.5 s; asserted: under 2 s (a loaded 2-core machine),
# with a clean exit 0 and "stopping on signal" in the log. Before the fix a
# window ignored the signal until its next timer (11-40 s here).
set -u
top=$(pwd)
t=$TESTS_TMP
. "$top/tests/cli/xvfb.inc"
LIMIT_MS=${SIGNAL_LIMIT_MS:-2000}
IDLE=${SIGNAL_IDLE_SECONDS:-18}
pids=""
cleanup() { for p in $pids; do kill -9 "$p" 2>/dev/null; done; xvfb_stop; }
trap cleanup EXIT
fails=0
bad() { echo "FAIL $1"; fails=$((fails + 1)); }
export SDL_VIDEO_EGL_DRIVER=/nonexistent ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"

# start NAME MODE-ARGS...: a kiosk on its own data folder (file printer: no
# USB re-probe timer wakes the loop), its report in $t/NAME.report.
start() {
	name=$1; shift
	mkdir -p "$t/$name"
	printf '{"printer": {"transport": "file"}}\n' > "$t/$name/local.json"
	$RUN "$BIN/kiosk" "$@" --data "$t/$name" --report "$t/$name.report" > "$t/$name.out" 2>&1 &
	eval "pid_$name=$!"
	pids="$pids $!"
}
# stop NAME SIG: signal the kiosk, wait for its end, check time and status.
stop() {
	name=$1 sig=$2
	eval "p=\$pid_$name"
	if ! grep -q '^FIRST_FRAME' "$t/$name.report" 2>/dev/null; then
		tail -n 20 "$t/$name.out"; bad "$name: no first frame"; return
	fi
	kill -0 "$p" 2>/dev/null || { tail -n 20 "$t/$name.out"; bad "$name: ended before the signal"; return; }
	t0=$(date +%s%N)
	kill -"$sig" "$p"
	sent=$(date -u -d "@$((t0 / 1000000000))" +%Y-%m-%dT%H:%M:%S).$(printf %09d $((t0 % 1000000000)) | cut -c1-3)Z
	i=0
	while kill -0 "$p" 2>/dev/null && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	if kill -0 "$p" 2>/dev/null; then
		bad "$name: SIG$sig: still running after $ms ms"; return
	fi
	wait "$p"; st=$?
	[ "$st" -eq 0 ] || { tail -n 20 "$t/$name.out"; bad "$name: SIG$sig: exit $st, expected 0"; }
	logged=$(grep -m1 "stopping on signal" "$t/$name/logs/kiosk.log" | cut -d' ' -f1)
	[ -n "$logged" ] || bad "$name: no clean stop logged"
	# The loop's own reaction (signal to the log line), the rest is teardown.
	woke=$(python3 -c 'import sys, datetime as d
f = lambda s: d.datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ")
print(int((f(sys.argv[2]) - f(sys.argv[1])).total_seconds() * 1000))' "$sent" "${logged:-$sent}")
	if [ "$ms" -gt "$LIMIT_MS" ]; then
		bad "$name: SIG$sig: ended $ms ms after the signal (limit $LIMIT_MS ms; the loop woke after $woke ms)"
	else
		echo "ok   $name: SIG$sig: loop stopped $woke ms, process gone $ms ms after the signal"
	fi
}
wait_frames() {
	for n in "$@"; do report_wait "$t/$n.report" '^FIRST_FRAME' 60 || true; done
}

# A scenario long enough to outlast the idle time (screenshots, then taps).
i=0
while [ $i -lt 4000 ]; do echo "screenshot s$((i % 5))"; i=$((i + 1)); done > "$t/long.kss"
mkdir -p "$t/shots"

SDL_VIDEODRIVER=offscreen start headless --headless
# Scenarios run headless only (--script needs --headless).
SDL_VIDEODRIVER=offscreen start scenario --headless --script "$t/long.kss" --screenshots "$t/shots"
if xvfb_start 1280x720; then
	SDL_VIDEODRIVER=x11 start window --window 1280x720
	SDL_VIDEODRIVER=x11 start window_term --window 1024x768
	SDL_VIDEODRIVER=x11 start fullscreen --fullscreen
	wait_frames headless window window_term fullscreen scenario
	sleep "$IDLE"
	stop window INT
	stop window_term TERM
	stop fullscreen INT
	stop scenario TERM
	stop headless INT
else
	bad "Xvfb did not start"
fi
[ $fails -eq 0 ] || exit 1
echo "signal_exit: all passed"
