#!/bin/sh
# script_signal.sh - SIGTERM (what systemd and the test runners send) ends a
# kiosk running a scenario (--script) promptly and cleanly: it stops between
# two script lines, closes the ledger and logs the signal, instead of
# running the script to its end.
set -u
: "${BIN:=$(pwd)/build/bin}" "${RUN:=}" "${TESTS_TMP:=$(mktemp -d)}"
W="$TESTS_TMP/script_signal"
rm -rf "$W"; mkdir -p "$W/shots"
die() { echo "FAIL: $*" >&2; exit 1; }
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; true' EXIT

# A long scenario: 600 screenshots take minutes on any machine.
i=0; while [ $i -lt 600 ]; do echo "screenshot s$i"; i=$((i + 1)); done > "$W/long.kss"
for sig in TERM INT; do
	rm -f "$W/shots"/*
	$RUN "$BIN/kiosk" --headless --script "$W/long.kss" --screenshots "$W/shots" \
		--data "$W/data-$sig" > "$W/$sig.out" 2>&1 &
	pid=$!
	n=0
	until [ -n "$(ls "$W/shots")" ]; do
		n=$((n + 1)); [ $n -lt 600 ] || die "no screenshot within 60 s"
		kill -0 "$pid" 2>/dev/null || die "the scenario ended early"
		sleep 0.1
	done
	kill -"$sig" "$pid"
	n=0
	while kill -0 "$pid" 2>/dev/null; do
		n=$((n + 1)); [ $n -lt 300 ] || die "SIG$sig: still running the scenario 30 s later"
		sleep 0.1
	done
	wait "$pid"; rc=$?; pid=
	[ "$rc" -eq 0 ] || { cat "$W/$sig.out"; die "SIG$sig: exit $rc (expected a clean 0)"; }
	shots=$(ls "$W/shots" | wc -l)
	[ "$shots" -lt 600 ] || die "SIG$sig: the whole scenario ran"
	grep -q "stopping on signal" "$W/data-$sig/logs/kiosk.log" || die "SIG$sig: no clean stop logged"
	grep -q "stopped by signal" "$W/$sig.out" || die "SIG$sig: no line says where the script stopped"
	echo "ok   SIG$sig during --script: clean stop after $shots of 600 screenshots"
done
echo "script_signal: all passed"
