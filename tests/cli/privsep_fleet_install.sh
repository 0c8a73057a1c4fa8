#!/bin/sh
# privsep_fleet_install.sh - the fleet agent runs as the kiosk user and
# hands a fetched data bundle to root in req/fleet.kiosk; after a bug (or an
# attacker) in that user, what it puts there must not make root act for it.
# With a throwaway uid as the kiosk user, the real board/kiosk-fleet-install.sh
# (stand-in folders) is given:
#   - a link to a bundle only root can read: nothing read, nothing installed;
#   - a FIFO: no hang;
#   - a sparse file of 300 MiB: refused at 256 MiB, nothing left behind;
#   - a forged bundle (a byte changed): refused by the full verification;
#   - a good data bundle of its own: installed (the test can fail);
# and root's answer is written as a fresh file (a link planted in ans/ is
# replaced, never followed). Needs root (uid switching); skips (77) without it.
set -u
[ "$(id -u)" = 0 ] || { echo "needs root (uid switching): skipped"; exit 77; }
command -v setpriv >/dev/null 2>&1 || { echo "no setpriv: skipped"; exit 77; }
[ -x "$BIN/kiosk-update" ] && [ -x "$BIN/kiosk-nofollow" ] || { echo "no updater in this build"; exit 77; }
KU=64124
W=$(mktemp -d /tmp/kiosk-fleetinst.XXXXXX) || exit 1
chmod 0711 "$W"
trap 'rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; [ -f "$W/out" ] && sed 's/^/  install: /' "$W/out"; exit 1; }
as_kiosk() { setpriv --reuid=$KU --regid=$KU --clear-groups -- "$@"; }
kb() { $RUN "$BIN/kiosk-bundle" "$@"; }

mkdir -p "$W/keys" "$W/root" "$W/p"
kb keygen --private "$W/k.pem" --public "$W/keys/k.pub" >/dev/null || fail keygen
echo "kiosk-test-v1" > "$W/compatible"
echo 1.0.0 > "$W/p/VERSION"
head -c 5000 /dev/urandom > "$W/p/blob"
kb create --key "$W/k.pem" --payload "$W/p" --type data --version 1.0.0 --compatible kiosk-test-v1 \
	--out "$W/good.kiosk" >/dev/null || fail "bundle"
run="$W/run"
mkdir -m 0755 "$run"
mkdir -m 0700 "$run/req"; chown $KU:$KU "$run/req"
mkdir -m 0750 "$run/ans"; chgrp $KU "$run/ans"
# Root's own copy of a good bundle, readable by root alone.
cp "$W/good.kiosk" "$W/secret.kiosk"; chmod 0600 "$W/secret.kiosk"
echo keep > "$W/victim"
ln -s "$W/victim" "$run/ans/fleet.answer"

inst() {
	env KIOSK_RUN_DIR="$run" KIOSK_UPDATE_ROOT="$W/root" KIOSK_KEYS="$W/keys" KIOSK_COMPATIBLE="$W/compatible" \
		KIOSK_UPDATE="$BIN/kiosk-update" KIOSK_NOFOLLOW="$BIN/kiosk-nofollow" KIOSK_AGENT_USER=$KU \
		KIOSK_ACTIVE_CMD=false KIOSK_RESTART_CMD=true KIOSK_WAIT_MAX=5 \
		timeout 60 sh board/kiosk-fleet-install.sh > "$W/out" 2>&1
}
installed() { "$BIN/kiosk-update" --root "$W/root" status | grep -q '^data_slot_._version=1.0.0$'; }
answered() { grep -qx "result=$1" "$run/ans/fleet.answer" 2>/dev/null; }

as_kiosk ln -s "$W/secret.kiosk" "$run/req/fleet.kiosk" || fail "plant the link"
inst && fail "a link was taken"
installed && fail "root installed a bundle through the kiosk user's link"
answered failed || fail "no answer for the link"
[ "$(cat "$W/victim")" = keep ] && [ ! -L "$run/ans/fleet.answer" ] || fail "the answer went through a link"
[ -e "$run/req/fleet.kiosk" ] || [ -L "$run/req/fleet.kiosk" ] && fail "the link was left"
echo "ok   a link to root's file: not read, not installed; the answer replaced a planted link"

as_kiosk mkfifo "$run/req/fleet.kiosk" || fail "plant a FIFO"
inst; rc=$?
[ $rc = 124 ] && fail "a FIFO hung the install"
installed && fail "installed from a FIFO"
echo "ok   a FIFO: refused without hanging"

as_kiosk truncate -s 300M "$run/req/fleet.kiosk" || fail "plant a big file"
inst && fail "a 300 MiB file was taken"
answered failed || fail "no answer for the big file"
[ -e "$W/root/fleet-install" ] && fail "the spool was left: $(ls -la "$W/root/fleet-install")"
echo "ok   300 MiB: refused at the limit, nothing left"

python3 - "$W/good.kiosk" "$W/forged.kiosk" <<'P'
import sys
b = bytearray(open(sys.argv[1], "rb").read()); b[-10] ^= 1; open(sys.argv[2], "wb").write(b)
P
chmod 0644 "$W/forged.kiosk"
as_kiosk cp "$W/forged.kiosk" "$run/req/fleet.kiosk" || fail "hand over the forged bundle"
inst && fail "a forged bundle installed"
installed && fail "a forged bundle is in a slot"
answered failed || fail "no answer for the forged bundle"
echo "ok   a forged bundle: refused by the full verification ($(sed -n 's/^message=//p' "$run/ans/fleet.answer"))"

chmod 0644 "$W/good.kiosk"
as_kiosk cp "$W/good.kiosk" "$run/req/fleet.kiosk" || fail "hand over the good bundle"
inst || fail "the good bundle was not installed"
installed || fail "the good bundle is not in a slot"
answered ok || fail "no ok answer"
grep -qx "bundle=$(sha256sum "$W/good.kiosk" | cut -c1-64)" "$run/ans/fleet.answer" || fail "the answer names another file"
echo "ok   a good bundle handed over: installed, answered with its hash"
echo "privsep_fleet_install: all passed"
