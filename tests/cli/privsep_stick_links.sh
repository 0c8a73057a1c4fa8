#!/bin/sh
# privsep_stick_links.sh - a hostile stick cannot make root write outside it.
# The attack: an ext4 stick carries kiosk-export-DAY -> a folder of the
# board and kiosk-export-DAY2/kiosk.log -> a root file; a technician's
# export used to follow them (mkdir -p, >) and overwrite what they point to.
# The real board/kiosk-stick-update.sh and kiosk-stick-serve.sh run as root
# on a loop device (a throwaway uid stands for the kiosk user):
#   1. an ext4 stick is refused (only FAT/exFAT, which hold no links),
#      nothing is mounted, the technician is told why;
#   2. with ext4 allowed by the technician (KIOSK_STICK_FILESYSTEMS) it is
#      mounted nosymfollow, and exports through both links leave the
#      targets untouched (a link folder is refused, a link file replaced);
#   3. the same stick as a plain folder (no mount option helping): the
#      writes themselves (kiosk-nofollow) follow no link;
#   4. a FAT stick is taken and the export lands on it (where this kernel
#      mounts vfat; otherwise only the type check is shown).
# Needs root and loop devices (CI runs as root); skips (77) without them.
set -u
[ "$(id -u)" = 0 ] || { echo "needs root (loop devices): skipped"; exit 77; }
for t in losetup mkfs.ext4 blkid; do
	command -v $t >/dev/null 2>&1 || { echo "no $t: skipped"; exit 77; }
done
[ -x "$BIN/kiosk-update" ] && [ -x "$BIN/kiosk-nofollow" ] || { echo "no updater in this build"; exit 77; }
KU=64123 # the stand-in kiosk user (no passwd entry needed)
# In /tmp itself: the kiosk uid must reach its folders (TESTS_TMP's parent
# is private to root).
W=$(mktemp -d /tmp/kiosk-privsep.XXXXXX) || exit 1
chmod 0711 "$W"
loops=""
cleanup() {
	for m in $(awk -v w="$W/" 'index($2, w) == 1 { print $2 }' /proc/mounts); do umount -l "$m"; done
	for l in $loops; do losetup -d "$l" 2>/dev/null; done
	rm -rf "$W"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$W/out" ] && sed 's/^/  out: /' "$W/out"; exit 1; }

# The board's victims: a folder and a root-only file.
V="$W/victim"; mkdir -p "$V"; echo "root only" > "$V/secret"; chmod 0600 "$V/secret"
snap() { (cd "$V" && ls -la . && cat secret) 2>&1 | grep -v ' \.\.$'; }
before=$(snap)

$RUN "$BIN/kiosk-bundle" keygen --private "$W/k.pem" --public "$W/k.pub" >/dev/null || fail keygen
mkdir -p "$W/keys" "$W/root"; mv "$W/k.pub" "$W/keys/"
echo "kiosk-test-v1" > "$W/compatible"

newrun() { # fresh run folder as tmpfiles makes it
	rm -rf "$W/run"; mkdir -m 0755 "$W/run"
	mkdir -m 0700 "$W/run/req"; chown $KU:$KU "$W/run/req"
	mkdir -m 0750 "$W/run/ans"; chgrp $KU "$W/run/ans"
}
stage() { # DAY...: the kiosk's staged export (its own files, its uid)
	for day in "$@"; do
		d="$W/run/req/export-out/kiosk-export-$day"
		mkdir -p "$d"
		echo "log of $day" > "$d/kiosk.log"
		printf 'date,series\n%s,A\n' "$day" > "$d/daily-statistics.csv"
	done
	chown -R $KU:$KU "$W/run/req/export-out"
}
ask() { # VERB ID: the kiosk's request, then wait (bounded) for the answer
	printf '%s %s\n' "$1" "$2" > "$W/run/req/.r"; chown $KU:$KU "$W/run/req/.r"
	mv "$W/run/req/.r" "$W/run/req/stick.request"
	i=0
	while ! grep -qx "id=$2" "$W/run/ans/stick.answer" 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1; i=$((i + 1))
	done
	grep -qx "id=$2" "$W/run/ans/stick.answer" 2>/dev/null || fail "no answer to $1 $2"
}
env_board() {
	env KIOSK_RUN_DIR="$W/run" KIOSK_STICK_SERVE="sh $PWD/board/kiosk-stick-serve.sh" \
		KIOSK_NOFOLLOW="$BIN/kiosk-nofollow" KIOSK_UPDATE="$BIN/kiosk-update" \
		KIOSK_UPDATE_ROOT="$W/root" KIOSK_KEYS="$W/keys" KIOSK_COMPATIBLE="$W/compatible" \
		KIOSK_EXPORT_USER=$KU KIOSK_ACTIVE_CMD=true KIOSK_RESTART_CMD=true KIOSK_WAIT_MAX=60 "$@"
}

# The hostile stick's content.
T="$W/tree"; mkdir -p "$T/kiosk-export-20260103"
ln -s "$V" "$T/kiosk-export-20260102"
ln -s "$V/secret" "$T/kiosk-export-20260103/kiosk.log"
ln -s "$V/new-file" "$T/kiosk-export-20260103/daily-statistics.csv"
mkfs.ext4 -q -d "$T" "$W/ext4.img" 8M >/dev/null || fail "mkfs.ext4"
L=$(losetup -f --show "$W/ext4.img") || { echo "no loop device: skipped"; exit 77; }
loops="$L"
dev=${L#/dev/}

# 1. Refused as it is.
newrun
env_board timeout 60 sh board/kiosk-stick-update.sh "$dev" > "$W/out" 2>&1 && fail "an ext4 stick was taken"
grep -q "message=the stick's file system (ext4) is not accepted" "$W/run/ans/update.status" ||
	fail "no clear refusal: $(cat "$W/run/ans/update.status" 2>&1)"
grep -q " $W/" /proc/mounts && fail "the refused stick was mounted"
echo "ok   an ext4 stick is refused: $(sed -n 's/^message=//p' "$W/run/ans/update.status")"

# 2. Allowed by the technician: mounted nosymfollow; exports through both links.
# (Only where this test may mount at all.)
mkdir -p "$W/probe"
if mount -t ext4 -o ro "$L" "$W/probe" 2>/dev/null; then
	umount "$W/probe"
	can_mount=1
else
	can_mount=0
	echo "skip ext4 allowed: this test cannot mount here"
fi
[ $can_mount = 1 ] && {
newrun
env_board KIOSK_STICK_FILESYSTEMS="vfat exfat ext4" sh board/kiosk-stick-update.sh "$dev" > "$W/out" 2>&1 &
upd=$!
i=0
while [ ! -e "$W/run/ans/stick.scan" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
grep " $W/run/stick-$dev " /proc/mounts | grep -q nosymfollow ||
	{ kill $upd; fail "not mounted nosymfollow: $(grep " $W/" /proc/mounts)"; }
stage 20260102
ask export 101
grep -qx 'result=failed' "$W/run/ans/stick.answer" || fail "export through a folder link: $(cat "$W/run/ans/stick.answer")"
rm -rf "$W/run/req/export-out"/*
stage 20260103
ask export 102
grep -qx 'result=ok' "$W/run/ans/stick.answer" || fail "export next to file links: $(cat "$W/run/ans/stick.answer")"
ask install 103 # no bundle: the service ends
wait $upd
grep -q " $W/" /proc/mounts && fail "the stick was left mounted"
[ "$(snap)" = "$before" ] || fail "root wrote through the stick's links: $(snap)"
echo "ok   ext4 allowed: mounted nosymfollow, no write through the stick's links"
}

# 3. The same links in a plain folder: kiosk-nofollow alone stops them.
S="$W/folder"; cp -a "$T" "$S"
newrun
env_board KIOSK_REMOUNT=0 sh board/kiosk-stick-serve.sh "$S" > "$W/out" 2>&1 &
svc=$!
stage 20260102
ask export 201
grep -qx 'result=failed' "$W/run/ans/stick.answer" || fail "folder: export through a folder link: $(cat "$W/run/ans/stick.answer")"
rm -rf "$W/run/req/export-out"/*
stage 20260103
ask export 202
grep -qx 'result=ok' "$W/run/ans/stick.answer" || fail "folder: $(cat "$W/run/ans/stick.answer")"
ask install 203
wait $svc
[ "$(snap)" = "$before" ] || fail "root wrote through a folder's links: $(snap)"
[ -f "$S/kiosk-export-20260103/kiosk.log" ] && [ ! -L "$S/kiosk-export-20260103/kiosk.log" ] &&
	grep -q 'log of 20260103' "$S/kiosk-export-20260103/kiosk.log" ||
	fail "the export did not replace the planted link by a file"
[ -L "$S/kiosk-export-20260102" ] && [ -z "$(ls -A "$S/kiosk-export-20260102/" | grep -v secret)" ] ||
	fail "the linked folder was written into"
echo "ok   plain folder: links replaced or refused, never followed"

# 4. A FAT stick is taken.
if [ $can_mount = 0 ]; then
	echo "skip FAT stick: this test cannot mount here"
elif command -v mkfs.vfat >/dev/null 2>&1; then
	rm -f "$W/fat.img"; mkfs.vfat -C "$W/fat.img" 8192 >/dev/null || fail "mkfs.vfat"
	F=$(losetup -f --show "$W/fat.img") || fail "losetup"
	loops="$loops $F"
	newrun
	env_board sh board/kiosk-stick-update.sh "${F#/dev/}" > "$W/out" 2>&1 &
	upd=$!
	i=0
	while [ ! -e "$W/run/ans/stick.scan" ] && kill -0 $upd 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1; i=$((i + 1))
	done
	if [ -e "$W/run/ans/stick.scan" ]; then
		stage 20260104
		ask export 301
		grep -qx 'result=ok' "$W/run/ans/stick.answer" || fail "FAT export: $(cat "$W/run/ans/stick.answer")"
		ask install 302
		wait $upd
		echo "ok   a FAT stick is taken and written"
	else
		wait $upd
		grep -q 'not accepted' "$W/run/ans/update.status" && fail "a FAT stick was refused"
		echo "ok   a FAT stick passes the type check (this kernel cannot mount vfat: $(sed -n 's/^message=//p' "$W/run/ans/update.status"))"
	fi
else
	echo "skip FAT stick: no mkfs.vfat (dosfstools)"
fi
echo "privsep_stick_links: all passed"
