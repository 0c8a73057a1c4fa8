#!/bin/sh
# counter_page.sh - the counter page (assets/web/) in a real browser: Debian's
# chromium driven headless by puppeteer-core (tests/web/, installed with
# `npm ci` into build/web, never a downloaded browser) against kiosk-hub on a
# free loopback port: login (wrong PIN, locked), call next, double click,
# recall, absent and call back, transfer, call a number, the hand-off scan
# box, done and rating (and its 30 s timeout), two tabs with a stale click,
# a help call taken, the hub killed -9 and restarted; screenshots of every
# view at 1366x768 in vi and en into $TESTS_TMP/shots, no scrolling.
# Skips (77) when kiosk-hub, node, npm or chromium is missing.
# COUNTER_PAGE_MOCK=1 runs it against tests/web/mock-hub.js (a test fake of
# the hub, for working on the page while the hub is not built).
set -u
T=$TESTS_TMP
ROOT=$(pwd)
fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
command -v node >/dev/null 2>&1 || skip "node is not installed"
command -v npm >/dev/null 2>&1 || skip "npm is not installed"
[ -x /usr/bin/chromium ] || skip "/usr/bin/chromium is not installed (tools/deps.sh test)"
mock=${COUNTER_PAGE_MOCK:-0}
if [ "$mock" != 1 ] && [ ! -x "$BIN/kiosk-hub" ]; then
	skip "kiosk-hub is not built"
fi
if [ "$mock" != 1 ] && [ ! -f tests/cli/counter_page.inc ]; then
	skip "the set-up for the real kiosk-hub (tests/cli/counter_page.inc) is not written yet; COUNTER_PAGE_MOCK=1 runs the page against the mock"
fi
[ -f "$ASSETS/web/counter.html" ] || fail "$ASSETS/web/counter.html missing (make assets)"

# puppeteer-core from the lock file, into build/web (the tree stays clean).
WEB=$ROOT/build/web
mkdir -p "$WEB"
if ! cmp -s tests/web/package-lock.json "$WEB/package-lock.json" || [ ! -d "$WEB/node_modules/puppeteer-core" ]; then
	cp tests/web/package.json tests/web/package-lock.json "$WEB/"
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix "$WEB" --no-audit --no-fund --ignore-scripts > "$T/npm.log" 2>&1 ||
		{ cat "$T/npm.log"; skip "npm ci failed (no registry?)"; }
fi
cp tests/web/counter-page.test.js "$WEB/"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') ||
	fail "no free port"
url=http://127.0.0.1:$port
mkdir -p "$T/shots"

if [ "$mock" = 1 ]; then
	HUB_CMD="node $ROOT/tests/web/mock-hub.js $port $ASSETS"
	HELP_CMD="curl -s -X POST -d '{\"kiosk\":\"Ki-ốt 1\"}' $url/__test/help > /dev/null"
	PIN=1234
	COUNTER=1
	QR='A012;K1;0a1b2c3d-42;1.001193;20260105T093015;0;ho_ten=Nguy%E1%BB%85n+V%C4%83n+An;dia_chi=Th%C3%B4n+3%3B+x%C3%A3'
else
	. tests/cli/counter_page.inc
fi

export HUB_CMD HELP_CMD PIN COUNTER HUB_URL="$url" HANDOFF_QR="$QR" SHOTS="$T/shots" I18N_DIR="$ASSETS/i18n"
node "$WEB/counter-page.test.js" > "$T/out" 2>&1
st=$?
cat "$T/out"
[ $st -eq 0 ] || fail "the browser test failed (screenshots in $T/shots)"
n=$(ls "$T/shots"/*.png 2>/dev/null | wc -l)
[ "$n" -ge 20 ] || fail "only $n screenshots"
echo ok
