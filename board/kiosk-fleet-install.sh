#!/bin/sh
# kiosk-fleet-install - install the data bundle the fleet agent fetched and
# checked ($RUN/req/fleet.kiosk), as root, the way a stick's is installed:
# copied first into a folder of root's (so the kiosk user cannot change it
# while it is verified and installed), verified again in full by
# kiosk-update, installed into the inactive data slot when the kiosk says it
# is idle at Welcome, then the kiosk restarted on trial (its health check
# marks the slot good, or the launcher rolls it back). Installed as
# /usr/local/lib/kiosk/kiosk-fleet-install, run by kiosk-fleet-install.service
# (started by kiosk-fleet-install.path when the file appears).
#
# Only data bundles: app bundles come on a USB stick (kiosk-update --type data).
# The answer goes to $RUN/ans/fleet.answer (bundle=<sha256 of the copy>,
# result=ok|failed, message=), which the agent reports to the province.
# Progress for the kiosk's screen: $RUN/ans/update.status, as from a stick.
#
# Environment (defaults are the board's; tests set their own):
#   KIOSK_RUN_DIR=/run/kiosk  KIOSK_UPDATE_ROOT=/var/lib/kiosk
#   KIOSK_KEYS=/etc/kiosk/keys  KIOSK_COMPATIBLE=/etc/kiosk/compatible
#   KIOSK_UPDATE=kiosk-update  KIOSK_NOFOLLOW=kiosk-nofollow
#   KIOSK_AGENT_USER=kiosk ("" = read as is)  KIOSK_WAIT_MAX=7200 (seconds)
#   KIOSK_ACTIVE_CMD="systemctl -q is-active kiosk.service"
#   KIOSK_RESTART_CMD="systemctl try-restart kiosk.service"
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
run=${KIOSK_RUN_DIR:-/run/kiosk}
req=$run/req
ans=$run/ans
root=${KIOSK_UPDATE_ROOT:-/var/lib/kiosk}
spool=$root/fleet-install
keys=${KIOSK_KEYS:-/etc/kiosk/keys}
compat=${KIOSK_COMPATIBLE:-/etc/kiosk/compatible}
ku=${KIOSK_UPDATE:-kiosk-update}
nf=${KIOSK_NOFOLLOW:-kiosk-nofollow}
user=${KIOSK_AGENT_USER-kiosk}
max=${KIOSK_WAIT_MAX:-7200}
active=${KIOSK_ACTIVE_CMD:-systemctl -q is-active kiosk.service}
restart=${KIOSK_RESTART_CMD:-systemctl try-restart kiosk.service}
umask 022

answer() { # SHA ok|failed MESSAGE
	printf 'bundle=%s\nresult=%s\nmessage=%s\n' "$1" "$2" "$3" | "$nf" put --mode 0644 "$ans" fleet.answer
}
idle() {
	$active || return 0 # a kiosk that is not running is idle
	"$nf" read --max 256 "$req/kiosk.state" 2>/dev/null | grep -qx 'idle=1'
}

[ -d "$ans" ] && [ ! -L "$ans" ] || { echo "kiosk-fleet-install: no $ans (tmpfiles)" >&2; exit 1; }
[ -e "$req/fleet.kiosk" ] || [ -L "$req/fleet.kiosk" ] || exit 0
# The copy: read as the kiosk user, never through a link, a regular file
# of at most 256 MiB (a data bundle), into a folder only root can enter on
# the data disk (not /run: memory).
rm -rf "$spool"
mkdir -m 0700 "$spool" || { echo "kiosk-fleet-install: cannot make $spool" >&2; exit 1; }
trap 'rm -rf "$spool"' EXIT
if ! "$nf" copy ${user:+--user "$user"} --max 268435456 "$req/fleet.kiosk" "$spool" fleet.kiosk; then
	rm -f "$req/fleet.kiosk"
	answer 0 failed "the handed-over bundle is not a plain file of at most 256 MiB"
	exit 1
fi
rm -f "$req/fleet.kiosk"
sha=$(sha256sum "$spool/fleet.kiosk" | cut -c1-64)

i=0
while [ $i -lt "$max" ] && ! idle; do
	sleep 1
	i=$((i + 1))
	# A newer bundle handed over meanwhile: this one is dropped, the
	# path unit starts the service again for the new one.
	[ -e "$req/fleet.kiosk" ] && { answer "$sha" failed "replaced by a newer push"; exit 0; }
done
idle || { answer "$sha" failed "the kiosk stayed busy"; exit 1; }

"$ku" --root "$root" --keys "$keys" --compatible-file "$compat" \
	--progress "$ans/update.status" --progress-lines install --type data "$spool/fleet.kiosk" 2>&1
rc=$?
last=$(sed -n 's/^message=//p' "$ans/update.status" 2>/dev/null)
if [ $rc = 0 ]; then
	answer "$sha" ok "$last"
	$restart || true
else
	answer "$sha" failed "${last:-the updater failed}"
fi
exit $rc
