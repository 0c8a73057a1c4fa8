#!/bin/sh
# kiosk-stick-update DEVNAME - mount a stick partition read-only, install
# the newest matching signed bundle, unmount; restart the kiosk when a new
# version went in. Installed as /usr/local/lib/kiosk/kiosk-stick-update.
set -u
dev=/dev/$1
mnt=/run/kiosk/stick-$1
status=/run/kiosk/update.status
root=${KIOSK_UPDATE_ROOT:-/var/lib/kiosk}
mkdir -p /run/kiosk "$mnt"
if ! mount -o ro,nosuid,nodev,noexec "$dev" "$mnt"; then
	printf 'phase=failed\npercent=0\nresult=failed\nmessage=cannot read the stick\n' > "$status"
	rmdir "$mnt"
	exit 1
fi
trap 'umount "$mnt" 2>/dev/null || umount -l "$mnt"; rmdir "$mnt"' EXIT

# A citizen's session finishes first: the kiosk writes idle=1 into
# /run/kiosk/kiosk.state while it stands at Welcome (or closed/lunch). Wait
# for that (at most 2 hours; a kiosk that is not running counts as idle).
wait_idle() {
	i=0
	while [ $i -lt 7200 ]; do
		systemctl -q is-active kiosk.service || return 0
		grep -qx 'idle=1' /run/kiosk/kiosk.state 2>/dev/null && return 0
		sleep 1; i=$((i + 1))
	done
	return 1
}
wait_idle || { printf 'phase=failed\npercent=0\nresult=failed\nmessage=the kiosk stayed busy\n' > "$status"; exit 1; }
out=$(/usr/local/bin/kiosk-update --root "$root" --keys /etc/kiosk/keys \
	--compatible-file /etc/kiosk/compatible --progress "$status" install --stick "$mnt")
rc=$?
echo "$out"
case "$out" in *installed\ *into\ slot*) wait_idle; systemctl try-restart kiosk.service ;; esac
exit $rc
