#!/bin/sh
# kiosk-stick-serve MNT [DEV] - the stick service's work once a stick is
# mounted read-only at MNT (run by kiosk-stick-update as root; installed as
# /usr/local/lib/kiosk/kiosk-stick-serve). Until the stick goes (DEV is no
# longer a block device) or 2 hours pass, it:
#   - lists the stick's bundles in $RUN/stick.scan for the technician menu;
#   - installs when the kiosk says it is idle at Welcome (a citizen's session
#     finishes first), or at once when the technician menu asks for it
#     ($RUN/stick.request "install|reinstall ID"), then stops;
#   - copies a technician's export ($RUN/stick.request "export ID") from the
#     kiosk's staging folder $RUN/export-out to the stick: remounted
#     read-write for the copy only, synced, read-only again;
# and answers each request in $RUN/stick.answer (id=, result=, message=).
# The updater's output goes to stdout (the caller looks for "installed").
# Files in $RUN are made with mktemp and renamed (the folder is shared with
# the kiosk user); staged files are read as the kiosk user, so a link planted
# there cannot copy a root-only file to the stick.
#
# Environment (defaults are the board's; tests set their own):
#   KIOSK_RUN_DIR=/run/kiosk  KIOSK_UPDATE_ROOT=/var/lib/kiosk
#   KIOSK_KEYS=/etc/kiosk/keys  KIOSK_COMPATIBLE=/etc/kiosk/compatible
#   KIOSK_UPDATE=kiosk-update  KIOSK_EXPORT_USER=kiosk ("" = read as is)
#   KIOSK_REMOUNT=1 (0: the stick is a plain folder)  KIOSK_WAIT_MAX=7200
#   KIOSK_ACTIVE_CMD="systemctl -q is-active kiosk.service"
set -u
mnt=${1:?usage: kiosk-stick-serve MNT [DEV]}
dev=${2:-}
run=${KIOSK_RUN_DIR:-/run/kiosk}
root=${KIOSK_UPDATE_ROOT:-/var/lib/kiosk}
keys=${KIOSK_KEYS:-/etc/kiosk/keys}
compat=${KIOSK_COMPATIBLE:-/etc/kiosk/compatible}
ku=${KIOSK_UPDATE:-kiosk-update}
user=${KIOSK_EXPORT_USER-kiosk}
remount=${KIOSK_REMOUNT:-1}
max=${KIOSK_WAIT_MAX:-7200}
active=${KIOSK_ACTIVE_CMD:-systemctl -q is-active kiosk.service}

put() { # NAME: stdin to $run/NAME, atomically
	t=$(mktemp "$run/.$1.XXXXXX") || return 1
	cat > "$t" && chmod 0644 "$t" && mv -f "$t" "$run/$1"
}
answer() { # ID ok|failed MESSAGE
	printf 'id=%s\nresult=%s\nmessage=%s\n' "$1" "$2" "$3" | put stick.answer
}
idle() {
	$active || return 0 # a kiosk that is not running is idle
	grep -qx 'idle=1' "$run/kiosk.state" 2>/dev/null
}
present() { [ -z "$dev" ] || [ -b "$dev" ]; }

"$ku" --root "$root" --keys "$keys" --compatible-file "$compat" scan --stick "$mnt" 2>/dev/null |
	put stick.scan
trap 'rm -f "$run/stick.scan"' EXIT

do_install() { # [--reinstall]; sets $rc; the updater's output streams to stdout
	"$ku" --root "$root" --keys "$keys" --compatible-file "$compat" \
		--progress "$run/update.status" --progress-lines install "$@" --stick "$mnt" 2>&1
	rc=$?
}

export_copy() { # ID
	src=$run/export-out
	if [ "$remount" = 1 ] && ! /bin/mount -o remount,rw "$mnt" 2>/dev/null; then
		answer "$1" failed "the stick cannot be written"
		return
	fi
	n=0 bad=0
	for d in "$src"/kiosk-export-*; do
		[ -d "$d" ] && [ ! -L "$d" ] || continue
		name=$(basename "$d")
		mkdir -p "$mnt/$name" || { bad=1; break; }
		for f in "$d"/*; do
			[ -f "$f" ] && [ ! -L "$f" ] || continue
			if [ -n "$user" ]; then
				# util-linux's by its path (a shell with built-in
				# applets, such as busybox's, has its own, lesser one).
				/usr/bin/setpriv --reuid="$user" --regid="$user" --clear-groups -- cat -- "$f"
			else
				cat -- "$f"
			fi > "$mnt/$name/$(basename "$f")" || { bad=1; break; }
			n=$((n + 1))
		done
	done
	sync
	[ "$remount" = 1 ] && { /bin/mount -o remount,ro "$mnt" 2>/dev/null || bad=1; }
	if [ $bad = 0 ] && [ $n -gt 0 ]; then
		answer "$1" ok "$n"
	elif [ $bad = 0 ]; then
		answer "$1" failed "nothing to copy"
	else
		answer "$1" failed "writing to the stick failed"
	fi
}

i=0
while [ $i -lt "$max" ] && present; do
	if [ -f "$run/stick.request" ]; then
		read -r verb id < "$run/stick.request"
		rm -f "$run/stick.request"
		case "$verb" in
		install|reinstall)
			if [ "$verb" = reinstall ]; then do_install --reinstall; else do_install; fi
			last=$(sed -n 's/^message=//p' "$run/update.status" 2>/dev/null)
			if [ $rc = 0 ]; then answer "$id" ok "$last"; else answer "$id" failed "$last"; fi
			exit $rc ;;
		export) export_copy "$id" ;;
		*) answer "${id:-0}" failed "unknown request" ;;
		esac
	elif idle; then
		do_install
		exit $rc
	fi
	sleep 1
	i=$((i + 1))
done
present || { echo "kiosk-stick-serve: the stick was removed" >&2; exit 1; }
printf 'phase=failed\npercent=0\nresult=failed\nmessage=the kiosk stayed busy\n' | put update.status
exit 1
