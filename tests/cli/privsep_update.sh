#!/bin/sh
# privsep_update.sh - the kiosk user cannot make root act for it through the
# updater's files (issue 11, item 4). A throwaway uid plays the kiosk user
# (setpriv, no passwd entry); the data root is laid out from the shipped
# board/tmpfiles/kiosk.conf and started the way board/systemd/kiosk.service
# says. Each attack must fail and its harm must not happen:
#   floors   the kiosk rewrites the state records (floors gone, running slot
#            "older"), then root installs an older signed bundle;
#   slot     the kiosk renames the running slot away and plants its own
#            unsigned one; status would still say good;
#   lock     the kiosk holds update.lock (also a lock file of the older 0664
#            layout) so root's updater waits forever;
#   race     root's installer paused right after it made the new slot
#            (KIOSK_STOP_AFTER=mkdir:1), the kiosk swaps a link to a
#            root-only file in: the file must stay 0600 (board layout; and,
#            defence in depth, a victim user's shared folder);
#   direct   the kiosk marks a version good / rolls back itself;
#   request  forged health requests: a version that is not pending, an
#            unknown version, a link to a root-only file, a FIFO, two lines,
#            a rollback to a slot below the security epoch floor.
# Needs root (uid switching). All attacks are run even after a failure, so
# the log shows each one's outcome.
. tests/cli/update_common.inc
[ "$(id -u)" = 0 ] || { echo "privsep_update: skip (needs root)"; exit 77; }
command -v setpriv >/dev/null 2>&1 || { echo "privsep_update: skip (no setpriv)"; exit 77; }
command -v flock >/dev/null 2>&1 || { echo "privsep_update: skip (no flock)"; exit 77; }

KUID=61711 KGID=61711   # the kiosk user
VUID=61712              # a victim user (defence-in-depth race)
P=$(mktemp -d /tmp/privsep.XXXXXX)
chmod 0755 "$P"
holders=
cleanup() {
	for h in $holders; do kill "$h" 2>/dev/null; done
	touch "$P/stop"; wait 2>/dev/null
	rm -rf "$P"
}
trap cleanup EXIT INT TERM
bad=0
fail() { echo "FAIL: $*" >&2; bad=$((bad + 1)); }
ok() { echo "ok   $*"; }
as_kiosk() { setpriv --reuid=$KUID --regid=$KGID --clear-groups "$@"; }

# Binaries, keys and bundles where the other uids can read them.
mkdir -p "$P/bin" "$P/keys" "$P/b" "$P/run"
cp "$KU" "$KL" "$P/bin/"
cp "$W/keys/test.pub" "$P/keys/"
cp "$W/compatible" "$P/compatible"
KU="$P/bin/kiosk-update" KL="$P/bin/kiosk-launcher"
chmod -R a+rX "$P"
mkapp() { # mkapp OUT VERSION EPOCH
	d="$P/t-$2"; rm -rf "$d"; mkdir -p "$d/bin"
	echo "$2" > "$d/VERSION"
	printf '#!/bin/sh\necho "signed app $(cat VERSION)"\n' > "$d/app.sh"
	chmod 755 "$d/app.sh"
	kb create --key "$W/test.pem" --payload "$d" --type app --version "$2" --epoch "$3" \
		--compatible kiosk-test-v1 --chunk-size 4096 --out "$1" >/dev/null || die "bundle $2"
	chmod 0644 "$1"
}
mkapp "$P/b/1.0.0.kiosk" 1.0.0 1
mkapp "$P/b/1.5.0.kiosk" 1.5.0 1
mkapp "$P/b/2.0.0.kiosk" 2.0.0 2
mkapp "$P/b/3.0.0.kiosk" 3.0.0 3

# The data root as the board's tmpfiles.d makes it (d and z lines under
# /var/lib/kiosk; user and group kiosk -> the throwaway uid).
R="$P/sys/var/lib/kiosk"
idof() { case "$1" in root) echo 0 ;; kiosk) echo $KUID ;; *) die "tmpfiles: unknown owner $1" ;; esac; }
tmpfiles() {
	grep -v '^#' board/tmpfiles/kiosk.conf | while read -r typ path mode user group rest; do
		case "$typ" in d|z) ;; *) continue ;; esac
		case "$path" in /var/lib/kiosk*) ;; *) continue ;; esac
		for x in $P/sys$path; do
			[ "$typ" = d ] && mkdir -p "$x"
			[ -e "$x" ] || [ -L "$x" ] || continue
			[ -L "$x" ] && continue
			chown "$(idof "$user"):$(idof "$group")" "$x"
			[ "$mode" = - ] || chmod "$mode" "$x"
		done
	done
}
ku() { $RUN "$KU" "$@"; }
upd() { ku --root "$R" --keys "$P/keys" --compatible-file "$P/compatible" "$@"; }
st() { ku --root "$R" status | grep "^$1=" | cut -d= -f2-; }
tmpfiles
# Factory install (docs/updates.md): 1.0.0, then 2.0.0 installed and good;
# then a boot (tmpfiles again).
upd install "$P/b/1.0.0.kiosk" >/dev/null && ku --root "$R" mark-good || die "factory install"
upd install "$P/b/2.0.0.kiosk" >/dev/null && ku --root "$R" mark-good || die "install 2.0.0"
tmpfiles
[ "$(st floor_version)" = 2.0.0 ] && [ "$(st floor_epoch)" = 2 ] || die "floors not raised"
cur=$(st current)
cp -a "$R" "$P/pristine"
fresh() { # each attack starts from the factory state, no lock holders
	for h in $holders; do kill "$h" 2>/dev/null; done
	holders=
	rm -rf "$R"; cp -a "$P/pristine" "$R"
}
echo "layout: $(stat -c '%n %a %U:%G' "$R" "$R/app" "$R/app/slot-$cur" "$R/app/state.0" | sed "s#$P/sys##" | tr '\n' ' ')"

# ---- floors -------------------------------------------------------------------
# A valid record (correct CRC-32, from gzip's trailer) with no floors and the
# running slot at 0.0.1: written by root into a copy it is accepted, so the
# forgery itself works; the kiosk must not be able to write it.
forged="$P/forged"
printf 'seq=1000\nslot_a=good\nslot_a_version=0.0.1\nslot_a_epoch=0\nslot_a_sha=\nslot_b=good\nslot_b_version=0.0.1\nslot_b_epoch=0\nslot_b_sha=\ntries_left=0\nfloor_version=\nfloor_epoch=0\nlast_failure=\n' > "$forged.body"
crc=$(gzip -c < "$forged.body" | tail -c 8 | head -c 4 | od -An -tx4 | tr -d ' \n')
{ cat "$forged.body"; echo "crc=$crc"; } > "$forged"
chmod 0644 "$forged"
cp -a "$R" "$P/control"
cp "$forged" "$P/control/app/state.0"; cp "$forged" "$P/control/app/state.1"
ku --root "$P/control" --keys "$P/keys" --compatible-file "$P/compatible" install "$P/b/1.5.0.kiosk" \
	>/dev/null 2>&1 || die "control: the forged record did not let 1.5.0 install (test broken)"
for i in 0 1; do
	as_kiosk sh -c 'cat "$1" > "$2"' _ "$forged" "$R/app/state.$i" 2>/dev/null &&
		fail "floors: the kiosk user rewrote app/state.$i"
	as_kiosk sh -c 'cp "$1" "$2.new" && mv -f "$2.new" "$2"' _ "$forged" "$R/app/state.$i" 2>/dev/null &&
		fail "floors: the kiosk user replaced app/state.$i"
done
if upd install "$P/b/1.5.0.kiosk" >/dev/null 2>&1; then
	fail "floors: root installed the older signed 1.5.0 (floor now $(st floor_version))"
else
	[ "$(st floor_version)" = 2.0.0 ] && ok "floors: records not writable by the kiosk, 1.5.0 refused" ||
		fail "floors: floor_version is $(st floor_version)"
fi

# ---- slot: rename the running slot away, plant an unsigned one ----------------
fresh
svc=board/systemd/kiosk.service
map() { printf '%s\n' "$1" | sed -e "s#/usr/local/bin/#$P/bin/#g" -e "s#/var/lib/kiosk#$R#g" \
	-e "s#/run/kiosk#$P/run#g" -e 's# -- .*# -- ./app.sh#'; }
pre=$(sed -n 's/^ExecStartPre=+//p' "$svc" | head -n 1)
start=$(sed -n 's/^ExecStart=//p' "$svc" | head -n 1)
[ -n "$start" ] || die "no ExecStart= in $svc"
boot() { # one start of kiosk.service: ExecStartPre=+ as root, ExecStart= as the kiosk
	if [ -n "$pre" ]; then $RUN $(map "$pre") || return 2; fi
	( cd "$P" && as_kiosk $RUN $(map "$start") )
}
plant() { # the kiosk's own slot under the running slot's name
	as_kiosk sh -c 'mv "$1/slot-$2" "$1/moved" && mkdir "$1/slot-$2" &&
		printf "#!/bin/sh\necho unsigned code\n" > "$1/slot-$2/app.sh" && chmod 755 "$1/slot-$2/app.sh" &&
		cp "$1/moved/VERSION" "$1/slot-$2/"' _ "$R/app" "$cur" 2>/dev/null
}
if plant; then fail "slot: the kiosk user renamed slot-$cur away and planted its own"; fi
out=$(boot 2>&1)
case "$out" in
*"unsigned code"*) fail "slot: kiosk.service ran the planted code while status says $(st slot_$cur)" ;;
*"signed app 2.0.0"*) ok "slot: pair folder not the kiosk's; kiosk.service runs the signed 2.0.0" ;;
*) fail "slot: kiosk.service did not start the app: $out" ;;
esac
# Defence in depth: a pair folder the kiosk can write (the older 2775 root:kiosk
# layout) makes the launcher refuse to run its slot at all.
chgrp $KGID "$R/app"; chmod 2775 "$R/app"
plant || fail "slot: could not plant in the writable folder (test broken)"
out=$(boot 2>&1)
case "$out" in
*"unsigned code"*) fail "slot: with a kiosk-writable pair folder the planted code ran" ;;
*) ok "slot: kiosk-writable pair folder: refused ($(echo "$out" | tail -n 1))" ;;
esac
rm -rf "$R/app/slot-$cur"; mv "$R/app/moved" "$R/app/slot-$cur"
tmpfiles; chmod g-s "$R/app"
boot >/dev/null 2>&1 || fail "slot: the restored layout does not start"

# ---- lock ------------------------------------------------------------------------
fresh
hold() { # the kiosk user holds a flock on the file (one process: kill ends it)
	as_kiosk sh -c 'exec 9<"$1" && flock -n 9 && exec sleep 120' _ "$R/update.lock" >/dev/null 2>&1 &
	holders="$holders $!"
}
hold
sleep 1
if timeout 30 $RUN "$KU" --root "$R" mark-good 2>/dev/null; then
	ok "lock: the kiosk user cannot hold update.lock ($(stat -c '%a %U' "$R/update.lock"))"
else
	fail "lock: root's mark-good waited on a lock the kiosk user holds"
fi
# An older layout's lock file (0664, group kiosk), already held by the kiosk.
rm -f "$R/update.lock"; touch "$R/update.lock"; chgrp $KGID "$R/update.lock"; chmod 0664 "$R/update.lock"
hold
sleep 1
if timeout 30 $RUN "$KU" --root "$R" mark-good 2>/dev/null; then
	ok "lock: an old 0664 lock file held by the kiosk is replaced ($(stat -c '%a %U' "$R/update.lock"))"
else
	fail "lock: root's mark-good waited on the kiosk's hold of the old lock file"
fi

# ---- race: link swapped in between mkdir and chmod --------------------------------
fresh
race() { # race ROOT SECRET BUNDLE USER-ARGS...: install paused after its first mkdir
	root=$1 secret=$2 b=$3; shift 3
	env KIOSK_STOP_AFTER=mkdir:1 setpriv "$@" $RUN "$KU" --root "$root" --keys "$P/keys" \
		--compatible-file "$P/compatible" install "$b" > "$P/race.out" 2>&1 &
	pid=$!
	n=0
	while [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != T ] && [ -e "/proc/$pid" ] && [ $n -lt 600 ]; do
		sleep 0.1; n=$((n + 1))
	done
	[ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" = T ] ||
		{ kill $pid 2>/dev/null; cat "$P/race.out" >&2; die "race: the installer did not pause"; }
	other=$(ls "$root/app" | grep -x 'slot-[ab]' | while read -r s; do
		[ "$(readlink "$root/app/current")" = "$s" ] || echo "$s"; done)
	[ -d "$root/app/$other" ] || die "race: no new slot at the pause"
	as_kiosk sh -c 'mv "$1" "$1.gone" && ln -s "$2" "$1"' _ "$root/app/$other" "$secret" 2>/dev/null
	swapped=$?
	kill -CONT $pid
	wait $pid
	rc=$?
	return $swapped
}
echo top-secret > "$P/secret"; chmod 0600 "$P/secret"
if race "$R" "$P/secret" "$P/b/3.0.0.kiosk" --reuid=0 --regid=0 --keep-groups; then
	fail "race: the kiosk user swapped a link into the pair folder"
fi
m=$(stat -c %a "$P/secret")
[ "$m" = 600 ] && ok "race: board layout: no swap possible, root-only file stays $m (install rc $rc)" ||
	fail "race: the root-only file became $m"
[ $rc = 0 ] && [ "$(st slot_$(st current))" = pending ] && [ "$(st current)" != "$cur" ] ||
	fail "race: the paused install of 3.0.0 did not complete: $(cat "$P/race.out")"

# Defence in depth: a user's own updater root with a pair folder shared
# (group-writable) with the kiosk user: the swap succeeds, but the installer
# changes modes only through the folder it opened, never through a link.
V="$P/vroot"; mkdir -p "$V"; chown $VUID:$KGID "$V"
echo victim-secret > "$P/vsecret"; chown $VUID "$P/vsecret"; chmod 0600 "$P/vsecret"
setpriv --reuid=$VUID --regid=$KGID --clear-groups $RUN "$KU" --root "$V" --keys "$P/keys" \
	--compatible-file "$P/compatible" install "$P/b/1.0.0.kiosk" >/dev/null || die "victim install 1.0.0"
setpriv --reuid=$VUID --regid=$KGID --clear-groups $RUN "$KU" --root "$V" mark-good || die "victim mark-good"
chmod 2775 "$V/app"; chgrp $KGID "$V/app"
race "$V" "$P/vsecret" "$P/b/2.0.0.kiosk" --reuid=$VUID --regid=$KGID --clear-groups ||
	die "race: the swap in the shared folder failed (test broken)"
m=$(stat -c %a "$P/vsecret")
[ "$m" = 600 ] && ok "race: shared folder: link swapped in, the file it points to stays $m (install rc $rc)" ||
	fail "race: through the swapped link the victim's 0600 file became $m"

# ---- direct mark-good / rollback by the kiosk user ---------------------------------
fresh
upd install "$P/b/3.0.0.kiosk" >/dev/null || die "install 3.0.0"
new=$(st current)
as_kiosk $RUN "$KU" --root "$R" mark-good 2>/dev/null && fail "direct: the kiosk user marked 3.0.0 good itself"
as_kiosk $RUN "$KU" --root "$R" rollback 2>/dev/null && fail "direct: the kiosk user rolled back itself"
[ "$(st current)" = "$new" ] && [ "$(st slot_$new)" = pending ] && ok "direct: kiosk-update mark-good/rollback as the kiosk user change nothing" ||
	fail "direct: state changed (current=$(st current) slot=$(st slot_$new))"

# ---- forged health requests --------------------------------------------------------
REQ="$P/run/req" ANS="$P/run/ans"
mkdir -p "$REQ" "$ANS"; chown $KUID:$KGID "$REQ"; chmod 0700 "$REQ"; chown 0:$KGID "$ANS"; chmod 0750 "$ANS"
serve() { timeout 30 $RUN "$KU" --root "$R" serve-request --req "$REQ" --ans "$ANS" 2>&1; }
answer() { cat "$ANS/health.answer" 2>/dev/null; }
forge() { # forge NAME 'printf args': the kiosk writes the request, root serves it
	as_kiosk sh -c "printf $2 > '$REQ/.t' && mv '$REQ/.t' '$REQ/health.request'" || die "forge $1"
	s=$(serve); rc=$?
	[ $rc = 124 ] && fail "request $1: the service hung"
	a=$(answer)
	case "$a" in *result=ok*) fail "request $1: accepted ($a)" ;;
	*result=refused*) ok "request $1: refused ($(echo "$a" | sed -n 's/^message=//p'))" ;;
	*) fail "request $1: no answer ($s)" ;; esac
	[ -e "$REQ/health.request" ] && fail "request $1: left in place"
	[ "$(st current)" = "$new" ] && [ "$(st slot_$new)" = pending ] || fail "request $1: state changed"
}
forge "not pending" "'mark-good app 2.0.0 11\n'"
forge "unknown version" "'mark-good app 9.9.9 12\n'"
forge "two lines" "'mark-good app 3.0.0 13\nmark-good app 3.0.0 14\n'"
forge "control byte" "'mark-good app 3.0.0\t15\n'"
forge "bad verb" "'install app 3.0.0 16\n'"
forge "no id" "'mark-good app 3.0.0\n'"
echo "mark-good app 3.0.0 17" > "$P/rootonly"; chmod 0600 "$P/rootonly"
as_kiosk ln -s "$P/rootonly" "$REQ/health.request" || die "symlink request"
serve >/dev/null
case "$(answer)" in *result=refused*) ok "request symlink: refused" ;; *) fail "request symlink: $(answer)" ;; esac
answer | grep -q "mark-good app 3.0.0 17" && fail "request symlink: the root-only file was echoed"
[ -L "$REQ/health.request" ] && fail "request symlink: left in place"
[ "$(st slot_$new)" = pending ] || fail "request symlink: followed (3.0.0 marked good)"
as_kiosk mkfifo "$REQ/health.request" || die "mkfifo"
serve >/dev/null; rc=$?
[ $rc = 124 ] && fail "request FIFO: the service hung on it"
case "$(answer)" in *result=refused*) ok "request FIFO: refused at once" ;; *) fail "request FIFO: $(answer)" ;; esac

# The real thing: the kiosk asks (kiosk-update --service, the same code as
# the app's mark-good), root's service answers.
( while [ ! -e "$P/stop" ]; do
	if [ -e "$REQ/health.request" ] || [ -L "$REQ/health.request" ]; then serve >/dev/null; fi
	sleep 0.1
done ) &
holders="$holders $!"
if as_kiosk env KIOSK_HEALTH_TIMEOUT_MS=60000 $RUN "$KU" --root "$R" --service "$P/run" mark-good; then
	[ "$(st slot_$new)" = good ] && [ "$(st floor_epoch)" = 3 ] && ok "request mark-good: 3.0.0 marked good through the service" ||
		fail "request mark-good: answered ok but slot is $(st slot_$new)"
else
	fail "request mark-good: refused: $(answer)"
fi
# A rollback to 2.0.0 (security epoch 2, below the floor 3 now): refused.
if as_kiosk env KIOSK_HEALTH_TIMEOUT_MS=60000 $RUN "$KU" --root "$R" --service "$P/run" rollback 2>/dev/null; then
	fail "request rollback: rolled back to a slot below the security epoch floor"
else
	[ "$(st current)" = "$new" ] && ok "request rollback below the epoch floor: refused ($(answer | sed -n 's/^message=//p'))" ||
		fail "request rollback: current changed"
fi
touch "$P/stop"

[ $bad = 0 ] || die "$bad attack(s) succeeded"
echo "privsep_update: all passed"
