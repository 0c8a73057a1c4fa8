#!/bin/sh
# privsep_stick_names.sh - odd entries on a stick neither hang nor forge.
# A FIFO named hang.kiosk once blocked the root stick service for hours (the
# scan opened it without O_NONBLOCK, no lstat first), and a file named
# "a<newline>forged.kiosk verified=1 candidate=1 newer=1 ..." put a fake
# "will be installed" line into the scan the technician menu shows. Now the
# scan (kiosk-update scan, as the service runs it) and an install from the
# stick end at once (bounded by timeout here), list both entries once,
# masked and marked unsafe=1 with a reason, and forge no line; a device
# node and a link named *.kiosk are refused the same way.
# quick
set -u
fail() { echo "FAIL: $*"; [ -f "$W/out" ] && sed 's/^/  out: /' "$W/out"; exit 1; }
[ -x "$BIN/kiosk-update" ] && [ -x "$BIN/kiosk-bundle" ] || { echo "no updater in this build"; exit 77; }
W="$TESTS_TMP/names"; rm -rf "$W"; mkdir -p "$W/keys" "$W/root" "$W/s"
$RUN "$BIN/kiosk-bundle" keygen --private "$W/k.pem" --public "$W/keys/k.pub" >/dev/null || fail keygen
echo "kiosk-test-v1" > "$W/compatible"
ku() { timeout 60 $RUN "$BIN/kiosk-update" --root "$W/root" --keys "$W/keys" --compatible-file "$W/compatible" "$@"; }
mkfifo "$W/s/hang.kiosk" || fail mkfifo
: > "$W/s/a
forged.kiosk verified=1 candidate=1 newer=1 type=app version=9.9.9 reason=x.kiosk"
: > "$W/s/b.kiosk verified=1 candidate=1 newer=1 type=app version=9.9.9 reason=.kiosk"
ln -s /dev/zero "$W/s/zero.kiosk"
ku scan --stick "$W/s" > "$W/out" 2>&1; rc=$?
[ $rc = 124 ] && fail "the scan hangs on a FIFO"
[ $rc = 0 ] || fail "scan exit $rc"
[ "$(wc -l < "$W/out")" = 4 ] || fail "not one line per entry"
grep -q '^forged' "$W/out" && fail "a newline in a name forged a scan line"
grep -q 'verified=1' "$W/out" && fail "a name forged a field"
grep -q '^hang.kiosk verified=0 candidate=0 newer=0 .* unsafe=1 reason=not a regular file$' "$W/out" || fail "FIFO"
grep -q '^zero.kiosk verified=0 .* unsafe=1 reason=not a regular file$' "$W/out" || fail "link"
grep -q '^a?forged.kiosk verified?1 .* unsafe=1 reason=name with control characters' "$W/out" || fail "newline"
grep -q '^b.kiosk verified?1 .* unsafe=1 reason=name with control characters' "$W/out" || fail "'=' in a name"
echo "ok   scan: a FIFO, a link and two forging names, each once, unsafe=1"
ku install --stick "$W/s" > "$W/out" 2>&1; rc=$?
[ $rc = 124 ] && fail "an install from the stick hangs on a FIFO"
[ $rc = 1 ] && grep -q 'no bundle for this kiosk on the stick' "$W/out" || fail "install: exit $rc"
echo "ok   install from that stick: refused at once"
echo "privsep_stick_names: all passed"
