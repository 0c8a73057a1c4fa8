#!/bin/sh
# run-kiosk.sh BIN [ARG...] - start the kiosk the way `make run` promises: a
# window on a desktop (a display is available), headless otherwise. Data and
# the simulated printer's spool go to build/run-data unless KIOSK_DATA is
# set. ARGs, then the words of $KIOSK_ARGS (`make run KIOSK_ARGS="--report -"`),
# are passed on to the kiosk. HUB=1 (`make run HUB=1`) also starts the
# office hub (build/bin/kiosk-hub) on 127.0.0.1:8080 with the same data,
# stopped when the kiosk ends; without it the hub stays off.
set -eu
bin=$1
shift
data=${KIOSK_DATA:-build/run-data}
mkdir -p "$data"
# shellcheck disable=SC2086 # KIOSK_ARGS is a list of words
set -- "$@" ${KIOSK_ARGS:-}
if [ "${HUB:-}" = 1 ]; then
	hub="$(dirname "$bin")/kiosk-hub"
	# The kiosk makes the ledger at its first start; the hub waits for it.
	(i=0; while [ ! -f "$data/ledger.db" ] && [ $i -lt 100 ]; do sleep 0.2; i=$((i + 1)); done
	 exec "$hub" --data "$data" --listen 127.0.0.1:8080) &
	hub_pid=$!
	trap 'kill "$hub_pid" 2>/dev/null' EXIT INT TERM
	echo "kiosk: office hub on http://127.0.0.1:8080/counter (counters in $data/local.json;"
	echo "kiosk: a counter's PIN: $hub --data $data --set-pin 1)"
	if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
		"$bin" --window 1280x720 --data "$data" "$@" || st=$?
	else
		"$bin" --headless --data "$data" "$@" || st=$?
	fi
	exit "${st:-0}"
fi
echo "kiosk: office hub off (make run HUB=1 serves the counter page on http://127.0.0.1:8080/counter)"
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
	echo "kiosk: window on the desktop; data in $data, tickets in $data/spool"
	exec "$bin" --window 1280x720 --data "$data" "$@"
fi
echo "kiosk: no display found: running headless until stopped (Ctrl+C)."
echo "kiosk: data in $data, tickets in $data/spool"
exec "$bin" --headless --data "$data" "$@"
