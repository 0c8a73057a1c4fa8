#!/bin/sh
# privsep_runlinks.sh - the kiosk user cannot steer root through /run/kiosk.
# It used to share one sticky folder with the root stick service: it could
# pre-create names root then renamed into (mv -f into a planted folder
# link), point stick.request at any root-readable file (echoed back in a
# 0644 answer), make it a FIFO (the service hung), or point kiosk.state at
# a file saying idle=1. Here, with a throwaway uid as the kiosk user:
#   1. board/tmpfiles/kiosk.conf (systemd-tmpfiles --root) makes /run/kiosk
#      root's 0755, req/ the kiosk's 0700, ans/ root:kiosk 0750: the kiosk
#      uid can write in req/ only;
#   2. the real board/kiosk-stick-serve.sh, in a stand-in run folder, with
#      links and a FIFO planted by the kiosk uid in req/ and links and a
#      folder left at names in ans/: it reads through no link, echoes no
#      secret, does not hang, writes through no link and into no folder;
#   3. the sysctl file sets protected_regular=2 and protected_fifos=2.
# Needs root (uid switching); skips (77) without it.
set -u
[ "$(id -u)" = 0 ] || { echo "needs root (uid switching): skipped"; exit 77; }
command -v setpriv >/dev/null 2>&1 || { echo "no setpriv: skipped"; exit 77; }
[ -x "$BIN/kiosk-update" ] && [ -x "$BIN/kiosk-nofollow" ] || { echo "no updater in this build"; exit 77; }
KU=64123
W=$(mktemp -d /tmp/kiosk-runlinks.XXXXXX) || exit 1
chmod 0711 "$W"
svc=""
trap '[ -n "$svc" ] && kill $svc 2>/dev/null; rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; [ -f "$W/out" ] && sed 's/^/  serve: /' "$W/out"; exit 1; }
as_kiosk() { setpriv --reuid=$KU --regid=$KU --clear-groups -- "$@"; }

# 1. The folders as tmpfiles makes them.
if command -v systemd-tmpfiles >/dev/null 2>&1; then
	R="$W/sysroot"; mkdir -p "$R/etc" "$R/run"
	printf 'root:x:0:0::/root:/bin/sh\nkiosk:x:%s:%s::/nonexistent:/usr/sbin/nologin\n' $KU $KU > "$R/etc/passwd"
	printf 'root:x:0:\nkiosk:x:%s:\n' $KU > "$R/etc/group"
	systemd-tmpfiles --create --root="$R" "$PWD/board/tmpfiles/kiosk.conf" >/dev/null 2>&1
	got=$(stat -c '%a %u:%g' "$R/run/kiosk" "$R/run/kiosk/req" "$R/run/kiosk/ans" 2>&1 | tr '\n' ' ')
	[ "$got" = "755 0:0 700 $KU:$KU 750 0:$KU " ] || fail "tmpfiles made: $got"
	chmod 0755 "$R" "$R/run"
	as_kiosk touch "$R/run/kiosk/planted" 2>/dev/null && fail "the kiosk uid can make names in /run/kiosk"
	as_kiosk ln -s /etc "$R/run/kiosk/ans/stick.scan" 2>/dev/null && fail "the kiosk uid can make names in ans/"
	as_kiosk touch "$R/run/kiosk/req/kiosk.state" || fail "the kiosk uid cannot write its requests"
	as_kiosk cat "$R/run/kiosk/ans/." 2>&1 | grep -q 'Is a directory' || fail "the kiosk uid cannot read ans/"
	echo "ok   tmpfiles: /run/kiosk root's, req/ the kiosk's, ans/ root's (the kiosk reads it)"
else
	echo "skip tmpfiles layout: no systemd-tmpfiles"
fi

# 2. The stick service against a hostile kiosk user.
mkdir -p "$W/keys" "$W/root" "$W/stick"
$RUN "$BIN/kiosk-bundle" keygen --private "$W/k.pem" --public "$W/keys/k.pub" >/dev/null || fail keygen
echo "kiosk-test-v1" > "$W/compatible"
run="$W/run"
mkdir -m 0755 "$run"
mkdir -m 0700 "$run/req"; chown $KU:$KU "$run/req"
mkdir -m 0750 "$run/ans"; chgrp $KU "$run/ans"
# Root's secrets and a folder root must not write into.
echo "x TOPSECRET1" > "$W/secret"; chmod 0600 "$W/secret"
echo "idle=1" > "$W/idle"; chmod 0600 "$W/idle"
mkdir -p "$W/victim"; echo "keep" > "$W/victim-file"
# Names in ans/ that are not root's fresh files (a leftover or a bug): a
# link to a folder, a link to a file, a folder.
ln -s "$W/victim" "$run/ans/stick.scan"
ln -s "$W/victim-file" "$run/ans/stick.answer"
mkdir "$run/ans/update.status"
# The kiosk user's plants: kiosk.state -> a root file saying idle=1 (the
# service would install at once), stick.request -> root's secret.
as_kiosk ln -s "$W/idle" "$run/req/kiosk.state" || fail "plant kiosk.state"
as_kiosk ln -s "$W/secret" "$run/req/stick.request" || fail "plant stick.request"

KIOSK_RUN_DIR="$run" KIOSK_UPDATE_ROOT="$W/root" KIOSK_KEYS="$W/keys" KIOSK_COMPATIBLE="$W/compatible" \
	KIOSK_UPDATE="$BIN/kiosk-update" KIOSK_NOFOLLOW="$BIN/kiosk-nofollow" KIOSK_EXPORT_USER=$KU \
	KIOSK_REMOUNT=0 KIOSK_ACTIVE_CMD=true KIOSK_WAIT_MAX=120 \
	sh board/kiosk-stick-serve.sh "$W/stick" > "$W/out" 2>&1 &
svc=$!
answered() { # ID: wait (bounded) for the answer to ID
	i=0
	while ! grep -qx "id=$1" "$run/ans/stick.answer" 2>/dev/null && [ $i -lt 300 ]; do
		kill -0 $svc 2>/dev/null || return 1
		sleep 0.1; i=$((i + 1))
	done
	grep -qx "id=$1" "$run/ans/stick.answer" 2>/dev/null
}
ask() { # VERB ID, as the kiosk does it
	as_kiosk sh -c 'printf "%s %s\n" "$1" "$2" > "$3/.r" && mv "$3/.r" "$3/stick.request"' - "$1" "$2" "$run/req" ||
		fail "cannot ask"
}
# The linked request: refused, answered without the secret.
answered 0 || fail "the linked request was not answered (or the service ended)"
grep -rq TOPSECRET "$run/ans" && fail "root echoed a root-only file: $(grep -r TOPSECRET "$run/ans")"
grep -q '^result=failed' "$run/ans/stick.answer" || fail "the linked request: $(cat "$run/ans/stick.answer")"
echo "ok   stick.request -> a root-only file: refused, nothing echoed"
# A FIFO as the request: no hang, the next request is answered.
as_kiosk mkfifo "$run/req/stick.request" || fail "plant a FIFO"
i=0
while [ -p "$run/req/stick.request" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -p "$run/req/stick.request" ] && fail "the service hangs on a FIFO request (never took it)"
ask export 42
answered 42 || fail "the service hangs on a FIFO request"
echo "ok   stick.request as a FIFO: no hang ($(sed -n 's/^message=//p' "$run/ans/stick.answer"))"
# kiosk.state -> "idle=1" was not believed: the service is still waiting.
kill -0 $svc 2>/dev/null || fail "the service installed on a linked kiosk.state (idle=1 read through a link)"
echo "ok   kiosk.state -> a root file saying idle=1: not believed"
# export-out -> a root-only folder: nothing of it reaches the stick.
mkdir -p "$W/rootdir/kiosk-export-20260105"; echo "ROOTDATA" > "$W/rootdir/kiosk-export-20260105/kiosk.log"
chmod -R go-rwx "$W/rootdir"
as_kiosk ln -s "$W/rootdir" "$run/req/export-out" || fail "plant export-out"
ask export 43
answered 43 || fail "no answer to the linked export"
grep -rq ROOTDATA "$W/stick" && fail "a root-only file was copied to the stick"
echo "ok   export-out -> a root-only folder: nothing copied ($(sed -n 's/^message=//p' "$run/ans/stick.answer"))"
ask install 44 # no bundle: the service ends
answered 44 || fail "no answer to the install"
wait $svc; svc=""
[ -z "$(ls -A "$W/victim")" ] || fail "root wrote into a linked folder: $(ls -A "$W/victim")"
[ "$(cat "$W/victim-file")" = keep ] || fail "root wrote through a link in ans/"
[ -f "$run/ans/stick.answer" ] && [ ! -L "$run/ans/stick.answer" ] || fail "the answer is not root's own file"
[ -z "$(ls -A "$run/ans/update.status")" ] || fail "root wrote into a folder at update.status"
echo "ok   links and a folder at root's names: replaced or refused, never written through"

# 3. The kernel's own guards.
for k in fs.protected_regular fs.protected_fifos; do
	grep -qx "$k = 2" board/sysctl/90-kiosk-lockdown.conf || fail "sysctl: no $k = 2"
done
echo "ok   sysctl: protected_regular = 2, protected_fifos = 2"
echo "privsep_runlinks: all passed"
