#!/bin/sh
# runlink.sh - the kiosk and the board's stick updater through the run
# folder: the running kiosk (real main loop, sleeping in poll) says it is idle
# at Welcome (req/kiosk.state); an update's progress written to
# ans/update.status brings up the
# updating screen (woken by inotify, not by polling); when the updater
# finishes, Welcome returns. SIGTERM then ends the kiosk cleanly.
set -u
run="$TESTS_TMP/run"; mkdir -p "$run/req" "$run/ans"
# The kiosk runs on the real clock here: open all day, every day, so the
# test does not depend on when it runs (lunch or night shows "closed").
mkdir -p "$TESTS_TMP/d"
day='[["00:00", "23:59"]]'
cat > "$TESTS_TMP/d/local.json" <<J
{"office": {"hours": {"mon": $day, "tue": $day, "wed": $day, "thu": $day, "fri": $day,
 "sat": $day, "sun": $day}}}
J
rep="$TESTS_TMP/report"
KIOSK_RUN_DIR="$run" $RUN "$BIN/kiosk" --headless --data "$TESTS_TMP/d" --report "$rep" \
	2> "$TESTS_TMP/err" &
pid=$!
fail() { echo "FAIL: $*"; kill $pid 2>/dev/null; cat "$TESTS_TMP/err"; exit 1; }
wait_for() { # file pattern seconds
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
wait_for "$run/req/kiosk.state" "idle=1" 20 || fail "the kiosk never said it was idle"
grep -q "screen=welcome" "$run/req/kiosk.state" || fail "kiosk.state: $(cat "$run/req/kiosk.state")"
printf 'phase=install\npercent=40\nbytes=1\ntotal=2\n' > "$run/ans/update.status.tmp"
mv "$run/ans/update.status.tmp" "$run/ans/update.status"
wait_for "$rep" "SCREEN updating" 20 || fail "no updating screen for a running update"
wait_for "$run/req/kiosk.state" "idle=0" 20 || fail "still idle while updating"
# Count the Welcome screens before the update ends: the kiosk may go back to
# Welcome before this shell runs its next command on a loaded machine.
n=$(grep -c "SCREEN welcome" "$rep")
printf 'phase=done\npercent=100\nresult=ok\nmessage=installed\n' > "$run/ans/update.status.tmp"
mv "$run/ans/update.status.tmp" "$run/ans/update.status"
i=0
while [ "$(grep -c "SCREEN welcome" "$rep")" -le "$n" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(grep -c "SCREEN welcome" "$rep")" -gt "$n" ] || fail "Welcome did not return after the update"
kill -TERM $pid
wait $pid; st=$?
[ $st -eq 0 ] || fail "exit status $st after SIGTERM"
grep -q "stopping on signal" "$TESTS_TMP/d/logs/kiosk.log" || fail "no clean stop logged"
echo "runlink: ok"
