#!/bin/sh
# watchdog.sh - the kiosk under a service manager: READY=1 once it is up,
# WATCHDOG=1 from its main loop at half the interval the unit set
# (kiosk.service WatchdogSec=), STOPPING=1 on SIGTERM; none of it when the
# watchdog is meant for another process. A listener plays systemd's part.
set -u
sock="$TESTS_TMP/notify.sock"
got="$TESTS_TMP/notify.txt"
listen() { # seconds
	rm -f "$sock"
	python3 - "$sock" "$1" > "$got" <<'PY' &
import signal, socket, sys, time
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
path, secs = sys.argv[1], float(sys.argv[2])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
end = time.monotonic() + secs
while True:
    left = end - time.monotonic()
    if left <= 0:
        break
    s.settimeout(left)
    try:
        msg = s.recv(256)
    except socket.timeout:
        break
    print("%.3f %s" % (time.monotonic(), msg.decode()), flush=True)
PY
	lpid=$!
	i=0
	while [ ! -S "$sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
}
fail() { echo "FAIL: $*"; cat "$got"; kill $kpid 2>/dev/null; exit 1; }
run_kiosk() { # WATCHDOG_PID value ("" = ours)
	env NOTIFY_SOCKET="$sock" WATCHDOG_USEC=400000 ${1:+WATCHDOG_PID=$1} KIOSK_RUN_DIR="$TESTS_TMP/run" \
		$RUN "$BIN/kiosk" --headless --data "$TESTS_TMP/d" --report "$TESTS_TMP/report" \
		2> "$TESTS_TMP/err" &
	kpid=$!
}
mkdir -p "$TESTS_TMP/run/req" "$TESTS_TMP/run/ans"

listen 30
run_kiosk ""
# Up: READY=1 comes after the first frame and the health check.
i=0
while ! grep -q "READY=1" "$got" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
grep -q "READY=1" "$got" || fail "no READY=1"
sleep 3
kill -TERM $kpid
wait $kpid || fail "exit status $? after SIGTERM"
sleep 0.3; kill $lpid 2>/dev/null; wait $lpid
pets=$(awk '/READY=1/ { r = 1 } r && /WATCHDOG=1/ { n++ } END { print n + 0 }' "$got")
# 3 s at a 200 ms period is 15 pets; allow a slow machine half of that.
[ "$pets" -ge 7 ] || fail "only $pets watchdog pets in 3 s (interval 400 ms)"
# No gap longer than the interval itself.
gap=$(awk '/WATCHDOG=1/ { if (p) { g = $1 - p; if (g > m) m = g } p = $1 } END { printf "%d", m * 1000 }' "$got")
[ "$gap" -lt 400 ] || fail "a gap of $gap ms between pets (interval 400 ms)"
tail -1 "$got" | grep -q "STOPPING=1" || fail "no STOPPING=1 at the end"

# The watchdog was set up for another process: the kiosk must not pet it.
listen 30
run_kiosk 1
sleep 2.5
kill -TERM $kpid
wait $kpid
sleep 0.3; kill $lpid 2>/dev/null; wait $lpid
grep -q "READY=1" "$got" || fail "no READY=1 (foreign watchdog)"
! grep -q "WATCHDOG=1" "$got" || fail "petted a watchdog meant for another process"
echo "watchdog: ok ($pets pets in 3 s, longest gap $gap ms)"
