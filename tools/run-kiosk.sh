#!/bin/sh
# run-kiosk.sh BIN [ARG...] - start the kiosk the way `make run` promises: a
# window on a desktop (a display is available), headless otherwise. Data and
# the simulated printer's spool go to build/run-data unless KIOSK_DATA is
# set. ARGs, then the words of $KIOSK_ARGS (`make run KIOSK_ARGS="--report -"`),
# are passed on to the kiosk.
set -eu
bin=$1
shift
data=${KIOSK_DATA:-build/run-data}
mkdir -p "$data"
# shellcheck disable=SC2086 # KIOSK_ARGS is a list of words
set -- "$@" ${KIOSK_ARGS:-}
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
	echo "kiosk: window on the desktop; data in $data, tickets in $data/spool"
	exec "$bin" --window 1280x720 --data "$data" "$@"
fi
echo "kiosk: no display found: running headless until stopped (Ctrl+C)."
echo "kiosk: data in $data, tickets in $data/spool"
exec "$bin" --headless --data "$data" "$@"
