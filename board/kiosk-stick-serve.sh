#!/bin/sh
# kiosk-stick-serve MNT [DEV] - the stick service's work once a stick is
# mounted read-only at MNT (run by kiosk-stick-update as root; installed as
# /usr/local/lib/kiosk/kiosk-stick-serve). Until the stick goes (DEV is no
# longer a block device) or 2 hours pass, it:
#   - lists the stick's bundles in $RUN/ans/stick.scan for the technician menu;
#   - installs when the kiosk says it is idle at Welcome (a citizen's session
#     finishes first), or at once when the technician menu asks for it
#     ($RUN/req/stick.request "install|reinstall ID"), then stops;
#   - copies a technician's export ($RUN/req/stick.request "export ID") from
#     the kiosk's staging folder $RUN/req/export-out to the stick: remounted
#     read-write for the copy only, synced, read-only again;
# and answers each request in $RUN/ans/stick.answer (id=, result=, message=).
# The updater's output goes to stdout (the caller looks for "installed").
#
# The privilege boundary (docs/updates.md, "The kiosk user and root"):
# $RUN/req is the kiosk user's (kiosk.state, stick.request, export-out), so
# everything there is read through kiosk-nofollow (no links, no FIFOs, a
# size limit) and only checked tokens (a verb, a number) are used; $RUN/ans
# is root's, written by kiosk-nofollow put (a fresh file renamed into place).
# Export files are read as the kiosk user and written to the stick with
# kiosk-nofollow copy: no link on the stick (or in the staging folder) is
# followed, only plain names are written.
#
# Environment (defaults are the board's; tests set their own):
#   KIOSK_RUN_DIR=/run/kiosk  KIOSK_UPDATE_ROOT=/var/lib/kiosk
#   KIOSK_KEYS=/etc/kiosk/keys  KIOSK_COMPATIBLE=/etc/kiosk/compatible
#   KIOSK_UPDATE=kiosk-update  KIOSK_NOFOLLOW=kiosk-nofollow
#   KIOSK_EXPORT_USER=kiosk ("" = read as is)
#   KIOSK_REMOUNT=1 (0: the stick is a plain folder)  KIOSK_WAIT_MAX=7200
#   KIOSK_ACTIVE_CMD="systemctl -q is-active kiosk.service"
set -u
mnt=${1:?usage: kiosk-stick-serve MNT [DEV]}
dev=${2:-}
run=${KIOSK_RUN_DIR:-/run/kiosk}
req=$run/req
ans=$run/ans
root=${KIOSK_UPDATE_ROOT:-/var/lib/kiosk}
keys=${KIOSK_KEYS:-/etc/kiosk/keys}
compat=${KIOSK_COMPATIBLE:-/etc/kiosk/compatible}
ku=${KIOSK_UPDATE:-kiosk-update}
nf=${KIOSK_NOFOLLOW:-kiosk-nofollow}
user=${KIOSK_EXPORT_USER-kiosk}
remount=${KIOSK_REMOUNT:-1}
max=${KIOSK_WAIT_MAX:-7200}
active=${KIOSK_ACTIVE_CMD:-systemctl -q is-active kiosk.service}

put() { # NAME: stdin to $ans/NAME, atomically, never through a link
	"$nf" put --mode 0644 "$ans" "$1"
}
answer() { # ID ok|failed MESSAGE
	printf 'id=%s\nresult=%s\nmessage=%s\n' "$1" "$2" "$3" | put stick.answer
}
idle() {
	$active || return 0 # a kiosk that is not running is idle
	"$nf" read --max 256 "$req/kiosk.state" 2>/dev/null | grep -qx 'idle=1'
}
present() { [ -z "$dev" ] || [ -b "$dev" ]; }

"$ku" --root "$root" --keys "$keys" --compatible-file "$compat" scan --stick "$mnt" 2>/dev/null |
	put stick.scan
trap 'rm -f "$ans/stick.scan"' EXIT

do_install() { # [--reinstall]; sets $rc; the updater's output streams to stdout
	"$ku" --root "$root" --keys "$keys" --compatible-file "$compat" \
		--progress "$ans/update.status" --progress-lines install "$@" --stick "$mnt" 2>&1
	rc=$?
}

# A plain name: letters, digits, '.', '-', '_', not starting with a dot.
plain() {
	case $1 in '' | .* | *[!A-Za-z0-9._-]*) return 1 ;; esac
}

export_copy() { # ID
	src=$req/export-out
	if [ "$remount" = 1 ] && ! /bin/mount -o remount,rw "$mnt" 2>/dev/null; then
		answer "$1" failed "the stick cannot be written"
		return
	fi
	n=0 bad=0
	for d in "$src"/kiosk-export-*; do
		[ -d "$d" ] && [ ! -L "$d" ] || continue
		name=${d##*/}
		plain "$name" || continue
		for f in "$d"/*; do
			fname=${f##*/}
			plain "$fname" || continue
			[ -f "$f" ] && [ ! -L "$f" ] || continue
			"$nf" copy ${user:+--user "$user"} --mkdir "$f" "$mnt/$name" "$fname" ||
				{ bad=1; break; }
			n=$((n + 1))
		done
		[ $bad = 0 ] || break
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

# The request: "<verb> <id>", one line; anything else (a link, a FIFO, a
# big file, other words) is dropped with a plain answer.
take_request() { # sets verb, id; 1 when there is none
	[ -e "$req/stick.request" ] || [ -L "$req/stick.request" ] || return 1
	# A folder there is the kiosk user's own mess: ignored, not removed.
	[ -d "$req/stick.request" ] && [ ! -L "$req/stick.request" ] && return 1
	line=$("$nf" read --max 64 "$req/stick.request")
	ok=$?
	rm -f "$req/stick.request"
	verb=bad id=0
	[ $ok = 0 ] || { echo "kiosk-stick-serve: request refused (not a small plain file)" >&2; return 0; }
	line=$(printf '%s\n' "$line" | head -n 1)
	case $line in
	install\ * | reinstall\ * | export\ *) verb=${line%% *} id=${line#* } ;;
	esac
	case $id in '' | *[!0-9]*) verb=bad id=0 ;; esac
	[ ${#id} -le 12 ] || { verb=bad id=0; }
	return 0
}

i=0
while [ $i -lt "$max" ] && present; do
	if take_request; then
		case "$verb" in
		install|reinstall)
			if [ "$verb" = reinstall ]; then do_install --reinstall; else do_install; fi
			last=$(sed -n 's/^message=//p' "$ans/update.status" 2>/dev/null)
			if [ $rc = 0 ]; then answer "$id" ok "$last"; else answer "$id" failed "$last"; fi
			exit $rc ;;
		export) export_copy "$id" ;;
		*) answer "$id" failed "unknown request" ;;
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
