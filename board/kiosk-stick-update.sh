#!/bin/sh
# kiosk-stick-update DEVNAME - mount a stick partition read-only, hand it
# to kiosk-stick-serve (install the newest matching signed bundle when the
# kiosk is idle or the technician menu asks; exports from the menu), unmount;
# restart the kiosk when a new version went in. Installed as /usr/local/lib/kiosk/kiosk-stick-update,
# run by kiosk-update@DEVNAME.service (root).
#
# Only FAT and exFAT sticks are taken (they cannot hold symbolic links,
# FIFOs or device files); a technician who needs another file system lists
# it in KIOSK_STICK_FILESYSTEMS (a drop-in of kiosk-update@.service, root's
# to write). Sticks are mounted ro,nosuid,nodev,noexec and, where the
# kernel has it (5.10+), nosymfollow.
#
# Output: /run/kiosk/ans/update.status (progress for the kiosk UI,
# key=value), /run/kiosk/ans/update.log (the updater's output with PROGRESS
# <percent> lines, also copied to the journal at the end). /run/kiosk and
# /run/kiosk/ans are root's (the kiosk user can read ans, not write there);
# files there are made fresh and renamed into place (kiosk-nofollow put).
# What the kiosk writes is in /run/kiosk/req (kiosk.state, stick.request):
# read only through kiosk-nofollow.
#
# Environment (defaults are the board's; tests set their own):
#   KIOSK_RUN_DIR=/run/kiosk  KIOSK_STICK_FILESYSTEMS="vfat exfat"
#   KIOSK_STICK_SERVE=/usr/local/lib/kiosk/kiosk-stick-serve
#   KIOSK_NOFOLLOW=/usr/local/bin/kiosk-nofollow
#   KIOSK_ACTIVE_CMD="systemctl -q is-active kiosk.service"
#   KIOSK_RESTART_CMD="systemctl try-restart kiosk.service"
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
dev=/dev/$1
run=${KIOSK_RUN_DIR:-/run/kiosk}
ans=$run/ans
mnt=$run/stick-$1
fstypes=${KIOSK_STICK_FILESYSTEMS:-vfat exfat}
serve=${KIOSK_STICK_SERVE:-/usr/local/lib/kiosk/kiosk-stick-serve}
nf=${KIOSK_NOFOLLOW:-/usr/local/bin/kiosk-nofollow}
active=${KIOSK_ACTIVE_CMD:-systemctl -q is-active kiosk.service}
restart=${KIOSK_RESTART_CMD:-systemctl try-restart kiosk.service}
export KIOSK_RUN_DIR="$run" KIOSK_NOFOLLOW="$nf" KIOSK_ACTIVE_CMD="$active"
umask 022

failed() { # message
	printf 'phase=failed\npercent=0\nresult=failed\nmessage=%s\n' "$1" |
		"$nf" put --mode 0644 "$ans" update.status
	echo "kiosk-stick-update: $1" >&2
}

[ -d "$ans" ] && [ ! -L "$ans" ] || { echo "kiosk-stick-update: no $ans (tmpfiles)" >&2; exit 1; }
[ -b "$dev" ] || { failed "no such stick"; exit 1; }
# The file system, from the device itself (util-linux blkid by its path; no
# cache), and the mount pinned to it.
fs=$(/sbin/blkid -p -o value -s TYPE "$dev" 2>/dev/null)
case " $fstypes " in
*" ${fs:-none} "*) ;;
*) failed "the stick's file system (${fs:-unknown}) is not accepted: use a FAT32 or exFAT stick"
	exit 1 ;;
esac
rm -rf "$mnt"
mkdir -m 0700 "$mnt" || { failed "cannot make the mount point"; exit 1; }
# util-linux mount by its path (a shell with built-in applets, such as
# busybox's, would otherwise use its own).
opts=ro,nosuid,nodev,noexec
if ! /bin/mount -t "$fs" -o "$opts,nosymfollow" "$dev" "$mnt" 2>/dev/null &&
	! /bin/mount -t "$fs" -o "$opts" "$dev" "$mnt"; then
	failed "cannot read the stick"
	rmdir "$mnt"
	exit 1
fi
trap '/bin/umount "$mnt" 2>/dev/null || /bin/umount -l "$mnt"; rmdir "$mnt"' EXIT

# Restarting onto a new version waits for the kiosk to be idle (idle=1 in
# req/kiosk.state at Welcome, closed or lunch: a technician leaves the menu
# first; at most 2 hours; a kiosk that is not running is idle).
wait_idle() {
	i=0
	while [ $i -lt 7200 ]; do
		$active || return 0
		"$nf" read --max 256 "$run/req/kiosk.state" 2>/dev/null | grep -qx 'idle=1' && return 0
		sleep 1; i=$((i + 1))
	done
	return 1
}
# The log: root's own file in root's folder, kept open while the service runs.
log=$ans/update.log
: | "$nf" put --mode 0644 "$ans" update.log || { failed "cannot write the update log"; exit 1; }
exec 3>>"$log"
# The stick's bundles for the technician menu, an install when the kiosk is
# idle or the menu asks, exports the menu asks for (kiosk-stick-serve.sh).
$serve "$mnt" "$dev" >&3 2>&3
rc=$?
exec 3>&-
cat "$log"
if [ $rc = 0 ] && grep -q 'installed .* into slot' "$log"; then
	wait_idle
	$restart
fi
exit $rc
