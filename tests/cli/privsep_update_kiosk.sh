#!/bin/sh
# privsep_update_kiosk.sh - the real kiosk, run as a throwaway kiosk uid the
# way board/systemd/kiosk.service starts it (launcher --prepare as root,
# --run --service as the kiosk), marks its new version good only through the
# root health service (kiosk-update serve-request): the records are not its
# to write. Without the service it cannot mark itself good, and the launcher
# rolls back after its trial starts. Then a technician rollback through the
# same service (the call the menu makes), to a good slot at the epoch floor.
. tests/cli/update_common.inc
ASSETS=${ASSETS:-$(pwd)/build/share/kiosk}
[ "$(id -u)" = 0 ] || { echo "privsep_update_kiosk: skip (needs root)"; exit 77; }
command -v setpriv >/dev/null 2>&1 || { echo "privsep_update_kiosk: skip (no setpriv)"; exit 77; }
[ -x "$BIN/kiosk" ] && [ -d "$ASSETS" ] || { echo "privsep_update_kiosk: skip (no kiosk build)"; exit 77; }

KUID=61721 KGID=61721
P=$(mktemp -d /tmp/privsep-kiosk.XXXXXX)
chmod 0755 "$P"
server=
cleanup() { touch "$P/stop"; [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$P"; }
trap cleanup EXIT INT TERM
as_kiosk() { setpriv --reuid=$KUID --regid=$KGID --clear-groups "$@"; }
mkdir -p "$P/bin" "$P/keys" "$P/run/req" "$P/run/ans" "$P/kdata" "$P/root"
cp "$BIN/kiosk" "$KU" "$KL" "$P/bin/"
cp "$W/keys/test.pub" "$P/keys/"; cp "$W/compatible" "$P/compatible"
chmod -R a+rX "$P"
chown $KUID:$KGID "$P/run/req" "$P/kdata"; chmod 0700 "$P/run/req"
chown 0:$KGID "$P/run/ans"; chmod 0750 "$P/run/ans"
R="$P/root"
KU="$P/bin/kiosk-update" KL="$P/bin/kiosk-launcher"
upd() { $RUN "$KU" --root "$R" --keys "$P/keys" --compatible-file "$P/compatible" "$@"; }
st() { $RUN "$KU" --root "$R" status | grep "^$1=" | cut -d= -f2-; }

real_bundle() { # OUT VERSION EPOCH: a slot whose app.sh runs the real kiosk's self-test
	d="$P/t-$2"; rm -rf "$d"; mkdir -p "$d"
	cp -R "$ASSETS" "$d/assets"; rm -f "$d/assets/.stamp"
	echo "$2" > "$d/VERSION"
	printf '#!/bin/sh\nexec %s "%s" --headless --self-test --assets "$PWD/assets" --data "%s"\n' \
		"$RUN" "$P/bin/kiosk" "$P/kdata" > "$d/app.sh"
	chmod 755 "$d/app.sh"
	kb create --key "$W/test.pem" --payload "$d" --type app --version "$2" --epoch "$3" \
		--compatible kiosk-test-v1 --out "$1" >/dev/null || die "bundle $2"
}
real_bundle "$P/1.0.0.kiosk" 1.0.0 1
real_bundle "$P/1.1.0.kiosk" 1.1.0 1
upd install "$P/1.0.0.kiosk" >/dev/null && $RUN "$KU" --root "$R" mark-good || die "factory install"
upd install "$P/1.1.0.kiosk" >/dev/null || die "install 1.1.0"
new=$(st current)

svc=board/systemd/kiosk.service
map() { printf '%s\n' "$1" | sed -e "s#/usr/local/bin/#$P/bin/#g" -e "s#/var/lib/kiosk#$R#g" \
	-e "s#/run/kiosk#$P/run#g" -e 's# -- .*# -- ./app.sh#'; }
pre=$(sed -n 's/^ExecStartPre=+//p' "$svc" | head -n 1)
start=$(sed -n 's/^ExecStart=//p' "$svc" | head -n 1)
boot() {
	if [ -n "$pre" ]; then $RUN $(map "$pre") || return 2; fi
	( cd "$P" && as_kiosk env KIOSK_HEALTH_TIMEOUT_MS=${TMO:-60000} $RUN $(map "$start") )
}

# No service: the kiosk cannot mark itself good (it may not write the
# records); it fails its start, and after the trial starts the launcher
# rolls back.
TMO=2000 boot > "$P/boot.log" 2>&1 && die "without the health service the kiosk reported success"
grep -q "cannot mark this version good" "$P/boot.log" || { cat "$P/boot.log"; die "no mark-good failure logged"; }
grep "mark this version good" "$P/boot.log" | head -n 1
[ "$(st slot_$new)" = pending ] || die "without the service 1.1.0 became $(st slot_$new)"
echo "ok   without the service the kiosk cannot mark itself good"

# The service (what kiosk-health.path starts when the request appears).
( while [ ! -e "$P/stop" ]; do
	if [ -e "$P/run/req/health.request" ] || [ -L "$P/run/req/health.request" ]; then
		$RUN "$KU" --root "$R" serve-request --req "$P/run/req" --ans "$P/run/ans" >> "$P/serve.log" 2>&1
	fi
	sleep 0.1
done ) &
server=$!
boot > "$P/boot.log" 2>&1 || { cat "$P/boot.log" "$P/serve.log"; die "the kiosk's start failed with the service"; }
[ "$(st current)" = "$new" ] && [ "$(st slot_$new)" = good ] && [ "$(st floor_version)" = 1.1.0 ] ||
	{ cat "$P/boot.log" "$P/serve.log"; die "1.1.0 not marked good through the service ($(st slot_$new))"; }
echo "ok   the kiosk marked 1.1.0 good through the root service"

# Technician rollback through the service (the menu's call): 1.0.0 is good
# and at the epoch floor (1).
as_kiosk env KIOSK_HEALTH_TIMEOUT_MS=60000 $RUN "$KU" --root "$R" --service "$P/run" rollback ||
	{ cat "$P/serve.log"; die "rollback request refused"; }
[ "$(st current)" != "$new" ] && [ "$(st slot_$new)" = bad ] && [ "$(st floor_version)" = 1.1.0 ] ||
	die "rollback: current=$(st current) slot=$(st slot_$new) floor=$(st floor_version)"
st last_failure | grep -q "technician menu" || die "rollback: no last_failure"
echo "ok   rollback through the service: back on 1.0.0, floor kept at 1.1.0"
boot > "$P/boot.log" 2>&1 || { cat "$P/boot.log"; die "the rolled-back version does not start"; }
echo "privsep_update_kiosk: all passed"
