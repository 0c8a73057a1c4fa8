#!/bin/sh
# update_install.sh - kiosk-update install/status/mark-good/rollback and the
# launcher: trial starts, rollback after N failed starts (each health check
# failure), refusals that leave the active slot untouched, stick scanning,
# the stick vanishing mid-install, progress file.
# quick
. "$(dirname "$0")/update_common.inc"
FLIP="$TTOOLS/update_flip"
R="$W/root"; mkdir -p "$R"

bundle "$W/v1.kiosk" 1.0.0 || die b1
bundle "$W/v2.kiosk" 1.1.0 || die b2
bundle "$W/v3.kiosk" 1.2.0 --epoch 2 || die b3
bundle "$W/v0.kiosk" 0.9.0 || die b0

# No key, no compatible, empty key folder: refuse.
mkdir -p "$W/nokeys"
ku --root "$R" --keys "$W/nokeys" --compatible-file "$W/compatible" install "$W/v1.kiosk" 2>"$W/err"
[ $? = 1 ] && grep -q "no public key" "$W/err" || die "keyless install not refused: $(cat "$W/err")"
ku --root "$R" --compatible-file "$W/compatible" install "$W/v1.kiosk" 2>/dev/null
[ $? = 1 ] || die "install without --keys"
ku --root "$R" --keys "$W/keys" install "$W/v1.kiosk" 2>/dev/null
[ $? = 1 ] || die "install without compatible"
[ -e "$R/app" ] && die "refused install created files"

# Factory install, first start marks good.
upd install "$W/v1.kiosk" >/dev/null || die "install v1"
[ "$(st current)" = a ] && [ "$(st slot_a)" = pending ] || die "v1 not pending in a"
launch >/dev/null || die "launch v1"
[ "$(st slot_a)" = good ] && [ "$(st slot_a_version)" = 1.0.0 ] || die "v1 not good"

snapshot() { (cd "$R/app/current/" && find . -type f -exec sha256sum {} + | sort) > "$1"; cp "$R/app/state.0" "$1.s0"; cp "$R/app/state.1" "$1.s1"; }
unchanged() { # what
	snapshot "$W/now"
	cmp -s "$W/now" "$W/good" || die "$1: active slot changed"
	[ "$(readlink "$R/app/current")" = slot-a ] || die "$1: current moved"
	[ "$(st slot_a)" = good ] || die "$1: slot a not good"
}
snapshot "$W/good"

refuse() { # pattern file [options]
	pat=$1; f=$2; shift 2
	upd install "$@" "$f" >/dev/null 2>"$W/err"; got=$?
	[ $got = 1 ] || die "exit $got for $pat: $(cat "$W/err")"
	grep -q -- "$pat" "$W/err" || die "wanted '$pat': $(cat "$W/err")"
	unchanged "$pat"
}
refuse "already installed" "$W/v1.kiosk"
refuse "older than the installed" "$W/v0.kiosk"
refuse "wrong type" "$W/v2.kiosk" --type data
kb create --key "$W/test.pem" --payload "$W/tree-1.1.0" --type app --version 1.1.0 \
	--compatible other-model --out "$W/other.kiosk" || die other
refuse "wrong compatible" "$W/other.kiosk"
poff=$(kb info "$W/v2.kiosk" | sed -n 's/^payload_offset=//p')
cp "$W/v2.kiosk" "$W/bad.kiosk"; $RUN "$FLIP" "$W/bad.kiosk" $((poff + 6000))
refuse "hash mismatch" "$W/bad.kiosk"
cp "$W/v2.kiosk" "$W/bad.kiosk"; $RUN "$FLIP" "$W/bad.kiosk" 30
refuse "bad signature" "$W/bad.kiosk"
head -c 5000 "$W/v2.kiosk" > "$W/bad.kiosk"
refuse "truncated" "$W/bad.kiosk"
# The stick vanishes mid-install (reads fail from an offset on in the
# install pass), or returns different bytes on the second read: old
# version stays, the target is left incomplete, a retry works.
size=$(stat -c %s "$W/v2.kiosk")
KIOSK_READ_FAIL_AT=$((size - 100)) upd install "$W/v2.kiosk" >/dev/null 2>"$W/err"
[ $? = 2 ] && grep -q "read error" "$W/err" || die "vanishing stick: $(cat "$W/err")"
snapshot "$W/now"; cmp -s "$W/now" "$W/good" || die "vanishing stick changed the active slot"
[ "$(st current)" = a ] && [ "$(st slot_b)" = incomplete ] || die "after vanishing stick"
cp "$R/app/state.0" "$W/s0"; cp "$R/app/state.1" "$W/s1"
KIOSK_READ_FAIL_AT=$((poff + 100)):1 upd install "$W/v2.kiosk" >/dev/null 2>"$W/err"
[ $? = 2 ] && grep -q "read error" "$W/err" || die "read error in the pre-check: $(cat "$W/err")"
cmp -s "$R/app/state.0" "$W/s0" && cmp -s "$R/app/state.1" "$W/s1" || die "pre-check failure wrote state"
KIOSK_READ_FLIP_AT=$((poff + 5000)) upd install "$W/v2.kiosk" >/dev/null 2>"$W/err"
[ $? = 1 ] && grep -q "hash mismatch" "$W/err" || die "second-read flip: $(cat "$W/err")"
[ "$(st current)" = a ] || die "second-read flip switched"
launch >/dev/null || die "launch after failed installs"
[ "$(st slot_b)" = incomplete ] && [ "$(st slot_a)" = good ] || die "state after failed installs"

# A stale current.tmp (crash in an earlier switch) blocks nothing.
ln -s slot-b "$R/app/current.tmp"
# Good update with a progress file; on trial until mark-good.
upd --progress "$W/progress" install "$W/v2.kiosk" >/dev/null || die "install v2"
grep -qx "phase=done" "$W/progress" && grep -qx "result=ok" "$W/progress" || die "progress file"
[ "$(st current)" = b ] && [ "$(st slot_b)" = pending ] && [ "$(st tries_left)" = 3 ] || die "v2 pending"
refuse_trial() { upd install "$W/v3.kiosk" >/dev/null 2>"$W/err" && die "install during trial"; grep -q "on trial" "$W/err" || die "trial msg"; }
refuse_trial
upd install "$W/v2.kiosk" >/dev/null || die "re-running the same install must succeed"
launch >/dev/null || die "launch v2"
[ "$(st slot_b)" = good ] && [ "$(st floor_version)" = 1.1.0 ] || die "v2 good + floor"

# Each health check failing in turn: N failed starts, then rollback.
n=0
for check in fonts catalog ledger frame never; do
	n=$((n + 1))
	cur=$(st current)
	# a newer version with one broken check, 2 trial starts
	make_tree "$W/bt" 1.2.$n
	if [ $check = never ]; then : > "$W/bt/never-mark-good"; else : > "$W/bt/broken-$check"; fi
	kb create --key "$W/test.pem" --payload "$W/bt" --type app --version 1.2.$n \
		--compatible kiosk-test-v1 --chunk-size 4096 --out "$W/b.kiosk" || die "bundle $check"
	upd install --tries 2 "$W/b.kiosk" >/dev/null || die "install broken $check"
	new=$(st current); [ "$new" != "$cur" ] || die "no switch for $check"
	launch >/dev/null 2>&1
	[ "$(st tries_left)" = 1 ] || die "$check: tries after 1 start: $(st tries_left)"
	launch >/dev/null 2>&1
	[ "$(st current)" = "$new" ] || die "$check: rolled back too early"
	launch >/dev/null 2>&1 # 3rd start: tries used up -> rollback, old one starts
	[ "$(st current)" = "$cur" ] || die "$check: no rollback"
	[ "$(st "slot_$new")" = bad ] || die "$check: failed slot not bad"
	st last_failure | grep -q "did not pass its health check after" || die "$check: last_failure"
done
tail -n 1 "$R/starts.log" | grep -q "start 1.1.0" || die "old version not started after rollback"
# The health hook through the environment (KIOSK_HEALTH_FAIL, as read by
# update_health_fail_injected in the kiosk): default 3 tries.
bundle "$W/h.kiosk" 1.2.9 || die "bundle h"
cur=$(st current)
upd install "$W/h.kiosk" >/dev/null || die "install h"
for i in 1 2 3; do KIOSK_HEALTH_FAIL=catalog,ledger launch >/dev/null 2>&1 && die "start $i passed"; done
[ "$(st current)" != "$cur" ] || die "rolled back before 3 starts"
launch >/dev/null 2>&1 || die "rolled-back version failed"
[ "$(st current)" = "$cur" ] || die "env hook: no rollback"

# Manual rollback of a good update; no second good slot -> refused.
upd install "$W/v3.kiosk" >/dev/null || die "install v3"
launch >/dev/null || die "launch v3"
ku --root "$R" rollback || die "rollback"
[ "$(st slot_b)" = good ] || [ "$(st slot_a)" = good ] || die "rollback states"
st last_failure | grep -q "rolled back by a technician" || die "rollback reason"
ku --root "$R" rollback 2>"$W/err"; [ $? = 1 ] || die "second rollback must be refused"
# Floors stay raised after a rollback: 1.1.0 (epoch 0) cannot come back.
upd install "$W/v2.kiosk" >/dev/null 2>"$W/err"; [ $? = 1 ] || die "floor"
grep -q "security epoch 0 is lower" "$W/err" || die "epoch floor msg: $(cat "$W/err")"

# Stick: ._ files ignored, foreign bundles skipped, two candidates refused.
S="$W/stick"; mkdir -p "$S"
bundle "$S/new.kiosk" 2.0.0 --epoch 2 || die stick
printf 'junk' > "$S/._new.kiosk"
cp "$W/other.kiosk" "$S/foreign.kiosk"
echo 'rm -rf /' > "$S/evil.sh"; chmod +x "$S/evil.sh"
upd scan --stick "$S" > "$W/scan" || die scan
grep -q "^new.kiosk verified=1 candidate=1 newer=1" "$W/scan" || die "scan: $(cat "$W/scan")"
grep -q "^foreign.kiosk verified=1 candidate=0" "$W/scan" || die "scan foreign"
grep -q "_new" "$W/scan" && die "._ file scanned"
cp "$W/v3.kiosk" "$S/second.kiosk"
upd install --stick "$S" 2>"$W/err"; [ $? = 1 ] && grep -q "two app bundles" "$W/err" || die "two candidates: $(cat "$W/err")"
rm "$S/second.kiosk"
make_tree "$W/dt" 1.0.0
kb create --key "$W/test.pem" --payload "$W/dt" --type data --version 1.0.0 \
	--compatible kiosk-test-v1 --out "$S/data.kiosk" || die "data bundle"
upd install --stick "$S" > "$W/out" || die "stick install: $(cat "$W/out")"
grep -q "installed data 1.0.0" "$W/out" && grep -q "installed app 2.0.0" "$W/out" || die "stick msg"
[ "$(st data_slot_a)" = pending ] || die "data pending"
KIOSK_UPDATE="$KU" KIOSK_TEST_RUN="$RUN" kl --root "$R" -- sh -c 'echo "$KIOSK_DATA_SLOT"; cat VERSION' > "$W/out" || die launch-data
grep -q "/data/slot-a$" "$W/out" && grep -qx 2.0.0 "$W/out" || die "launcher env: $(cat "$W/out")"
launch >/dev/null || die "launch 2.0.0"
[ "$(st data_slot_a)" = good ] && [ "$(st current)" != "" ] || die "data good"
upd install --stick "$S" > "$W/out" || die "stick with nothing new"
grep -q "already installed" "$W/out" || die "nothing-new msg: $(cat "$W/out")"
[ -e "$R/app/current/evil.sh" ] && die "stick content copied"
# Key rotation: two keys accepted, a bundle signed with the second installs;
# three keys are refused.
kb keygen --private "$W/new.pem" --public "$W/keys/new.pub" || die "second key"
make_tree "$W/rt" 3.0.0
kb create --key "$W/new.pem" --payload "$W/rt" --type app --version 3.0.0 --epoch 2 \
	--compatible kiosk-test-v1 --out "$W/rot.kiosk" || die "bundle with new key"
upd install "$W/rot.kiosk" >/dev/null || die "install with the second key"
kb keygen --private "$W/third.pem" --public "$W/keys/third.pub" || die "third key"
upd status >/dev/null || die "status must not need valid keys"
upd install "$W/rot.kiosk" 2>"$W/err"; [ $? = 1 ] && grep -q "more than two" "$W/err" || die "three keys: $(cat "$W/err")"
echo "update_install: ok"
