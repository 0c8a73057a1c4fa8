#!/bin/sh
# update_crash.sh - crash at every mutation (KIOSK_CRASH_AT=N, SIGKILL before
# op N) of an install, of a launcher rollback and of mark-good: afterwards the
# launcher must start a complete old or new tree, the state must parse, and a
# second attempt must succeed. Each loop runs twice: plain SIGKILL (the page
# cache survives) and KIOSK_CRASH_MODE=powerloss (everything not made
# durable by fsync of the file or of its folder is undone first).
. "$(dirname "$0")/update_common.inc"
R="$W/root"
bundle "$W/v1.kiosk" 1.0.0 || die b1
bundle "$W/v2.kiosk" 1.1.0 || die b2

# Base fixture: v1 installed and good.
mkdir -p "$W/base"
ku --root "$W/base" --keys "$W/keys" --compatible-file "$W/compatible" install "$W/v1.kiosk" >/dev/null || die base
ku --root "$W/base" mark-good || die base-good
fresh() { rm -rf "$R"; cp -a "$1" "$R"; }

# started: run the launcher with a command printing the slot it runs in,
# then check that slot is a complete copy of the version it claims.
started() {
	kl --root "$R" -- sh -c pwd > "$W/slot" 2>"$W/lerr" || die "launcher failed after crash $1: $(cat "$W/lerr")"
	slot=$(cat "$W/slot")
	v=$(cat "$slot/VERSION" 2>/dev/null) || die "crash $1: no VERSION in $slot"
	case "$v" in 1.0.0|1.1.0) ;; *) die "crash $1: unexpected version $v" ;; esac
	diff -r "$slot" "$W/tree-$v" >/dev/null || die "crash $1: $slot is not a complete $v tree"
	ku --root "$R" status | grep -qx "state=ok" || die "crash $1: state does not parse"
	echo "$v"
}

for mode in kill powerloss; do
	fresh "$W/base"
	KIOSK_IO_REPORT="$W/ops" ku --root "$R" --keys "$W/keys" --compatible-file "$W/compatible" install "$W/v2.kiosk" >/dev/null || die count
	M=$(cat "$W/ops")
	[ "$M" -gt 10 ] || die "only $M ops counted"
	echo "install: $M mutations"
	N=1; old=0; new=0
	while [ $N -le $((M + 1)) ]; do # M + 1: the crash comes at exit
		fresh "$W/base"
		KIOSK_CRASH_MODE=$mode KIOSK_CRASH_AT=$N ku --root "$R" --keys "$W/keys" --compatible-file "$W/compatible" install "$W/v2.kiosk" >/dev/null 2>&1
		rc=$?
		[ $rc -eq 137 ] || die "$mode crash at $N: exit $rc, expected SIGKILL"
		v=$(started "install $N") || exit 1
		[ "$v" = 1.0.0 ] && old=$((old + 1)) || new=$((new + 1))
		ku --root "$R" --keys "$W/keys" --compatible-file "$W/compatible" install "$W/v2.kiosk" >/dev/null 2>"$W/err" ||
			die "second attempt after crash at $N: $(cat "$W/err")"
		v=$(started "retry $N") || exit 1
		[ "$v" = 1.1.0 ] || die "after retry $N: $v running"
		ku --root "$R" mark-good || die "mark-good after $N"
		N=$((N + 1))
	done
	echo "$mode: install crashes: $old left the old tree, $new the new one"
	[ $old -gt 0 ] || die "old tree never kept"
	[ $mode = powerloss ] || [ $new -gt 0 ] || die "commit point not covered"

	# Launcher rollback: v2 pending with no tries left; crash at each op of
	# the rollback; the next start must run v1 and v2 must end up bad.
	fresh "$W/base"
	ku --root "$R" --keys "$W/keys" --compatible-file "$W/compatible" install --tries 1 "$W/v2.kiosk" >/dev/null || die "v2 trial"
	kl --root "$R" -- true || die "trial start"
	rm -rf "$W/trial"; cp -a "$R" "$W/trial"
	KIOSK_IO_REPORT="$W/ops" kl --root "$R" -- true || die "rollback count"
	M=$(cat "$W/ops"); echo "rollback: $M mutations"
	[ "$(st current)" = a ] || die "no rollback"
	N=1
	while [ $N -le "$M" ]; do
		fresh "$W/trial"
		KIOSK_CRASH_MODE=$mode KIOSK_CRASH_AT=$N kl --root "$R" -- true 2>/dev/null; rc=$?
		[ $rc -eq 137 ] || die "rollback crash at $N: exit $rc"
		v=$(started "rollback $N") || exit 1
		[ "$v" = 1.0.0 ] || die "rollback crash at $N: $v runs"
		[ "$(st slot_b)" = bad ] || die "rollback crash at $N: slot b is $(st slot_b)"
		[ "$(st slot_a)" = good ] || die "rollback crash at $N: slot a is $(st slot_a)"
		N=$((N + 1))
	done

	# mark-good: crash at each op; after it the slot is pending or good, and
	# a second mark-good succeeds.
	fresh "$W/base"
	ku --root "$R" --keys "$W/keys" --compatible-file "$W/compatible" install "$W/v2.kiosk" >/dev/null || die v2
	rm -rf "$W/pend"; cp -a "$R" "$W/pend"
	KIOSK_IO_REPORT="$W/ops" ku --root "$R" mark-good || die "mark-good count"
	M=$(cat "$W/ops"); echo "mark-good: $M mutations"
	N=1
	while [ $N -le "$M" ]; do
		fresh "$W/pend"
		KIOSK_CRASH_MODE=$mode KIOSK_CRASH_AT=$N ku --root "$R" mark-good; rc=$?
		[ $rc -eq 137 ] || die "mark-good crash at $N: exit $rc"
		case "$(st slot_b)" in pending|good) ;; *) die "mark-good crash at $N: $(st slot_b)" ;; esac
		ku --root "$R" mark-good || die "second mark-good after $N"
		[ "$(st slot_b)" = good ] && [ "$(st floor_version)" = 1.1.0 ] || die "mark-good retry $N"
		N=$((N + 1))
	done
done
echo "update_crash: ok"
