#!/bin/sh
# kiosk-stick-update DEVNAME - mount a stick partition read-only, hand it
# to kiosk-stick-serve (install the newest matching signed bundle when the
# kiosk is idle or the technician menu asks; exports from the menu), unmount;
# restart the kiosk when a new version went in. Installed as /usr/local/lib/kiosk/kiosk-stick-update,
# run by kiosk-update@DEVNAME.service (root).
#
# Output: /run/kiosk/update.status (progress for the kiosk UI, key=value),
# /run/kiosk/update.log (the updater's output with PROGRESS <percent> lines,
# also copied to the journal at the end). /run/kiosk is writable by the
# kiosk user too (sticky): this script makes its files with mktemp (O_EXCL)
# and renames them into place, so it never follows a link planted there.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
dev=/dev/$1
mnt=/run/kiosk/stick-$1
status=/run/kiosk/update.status
log=/run/kiosk/update.log
root=${KIOSK_UPDATE_ROOT:-/var/lib/kiosk}
umask 022

failed() { # message
	t=$(mktemp /run/kiosk/.update.status.XXXXXX) || return 0
	printf 'phase=failed\npercent=0\nresult=failed\nmessage=%s\n' "$1" > "$t" && mv -f "$t" "$status"
	echo "kiosk-stick-update: $1" >&2
}

mkdir -p /run/kiosk
rm -rf "$mnt"
mkdir -m 0700 "$mnt" || { failed "cannot make the mount point"; exit 1; }
# util-linux mount by its path (a shell with built-in applets, such as
# busybox's, would otherwise use its own, which guesses the type only among
# file systems already loaded).
if ! /bin/mount -o ro,nosuid,nodev,noexec "$dev" "$mnt"; then
	failed "cannot read the stick"
	rmdir "$mnt"
	exit 1
fi
trap '/bin/umount "$mnt" 2>/dev/null || /bin/umount -l "$mnt"; rmdir "$mnt"' EXIT

# Restarting onto a new version waits for the kiosk to be idle (idle=1 in
# /run/kiosk/kiosk.state at Welcome, closed or lunch: a technician leaves
# the menu first; at most 2 hours; a kiosk that is not running is idle).
wait_idle() {
	i=0
	while [ $i -lt 7200 ]; do
		systemctl -q is-active kiosk.service || return 0
		grep -qx 'idle=1' /run/kiosk/kiosk.state 2>/dev/null && return 0
		sleep 1; i=$((i + 1))
	done
	return 1
}
t=$(mktemp /run/kiosk/.update.log.XXXXXX) || { failed "cannot write the update log"; exit 1; }
exec 3>>"$t"
mv -f "$t" "$log"
# The stick's bundles for the technician menu, an install when the kiosk is
# idle or the menu asks, exports the menu asks for (kiosk-stick-serve.sh).
/usr/local/lib/kiosk/kiosk-stick-serve "$mnt" "$dev" >&3 2>&3
rc=$?
exec 3>&-
cat "$log"
if [ $rc = 0 ] && grep -q 'installed .* into slot' "$log"; then
	wait_idle
	systemctl try-restart kiosk.service
fi
exit $rc
