#!/bin/sh
# config_log.sh - an error in site.json or local.json reaches kiosk.log as
# well as stderr (the board's technician reads the log from an export; the
# journal is not on the stick): the log is opened before the configuration.
set -u
: "${BIN:=$(pwd)/build/bin}" "${RUN:=}" "${TESTS_TMP:=$(mktemp -d)}"
ASSETS=${ASSETS:-$(pwd)/build/share/kiosk}
W="$TESTS_TMP/config_log"
rm -rf "$W"; mkdir -p "$W/local" "$W/site"
die() { echo "FAIL: $*" >&2; exit 1; }

printf '{"printer": {"transport": "pigeon"}}\n' > "$W/local/local.json"
$RUN "$BIN/kiosk" --headless --self-test --data "$W/local" > /dev/null 2> "$W/local.err" &&
	die "a broken local.json started"
grep -q "configuration error: .*local.json" "$W/local.err" || { cat "$W/local.err"; die "no error on stderr"; }
grep -q "ERROR configuration error: .*local.json" "$W/local/logs/kiosk.log" 2>/dev/null ||
	die "the local.json error is not in kiosk.log"
echo "ok   a local.json error is in kiosk.log"

printf '{"panel": {"width": ' > "$W/bad-site.json"
$RUN "$BIN/kiosk" --headless --self-test --config "$W/bad-site.json" --data "$W/site" \
	> /dev/null 2> "$W/site.err" && die "a broken site.json started"
grep -q "ERROR configuration error: .*bad-site.json" "$W/site/logs/kiosk.log" 2>/dev/null ||
	{ cat "$W/site.err"; die "the site.json error is not in kiosk.log"; }
echo "ok   a site.json error is in kiosk.log"
echo "config_log: all passed"
