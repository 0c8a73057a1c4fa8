#!/bin/sh
# staff_damaged.sh - a damaged staff.json (the PIN store) does not leave the
# technician locked out with no word: it is moved aside as
# staff.json.damaged-<time> (kept, logged) and the first-boot screen returns
# with a message saying why, so new PINs can be set (docs/menus.md). A store
# that cannot even be read or moved (here: staff.json is a folder) keeps the
# menus shut, and the PIN screen says so instead of "wrong PIN".
set -u
: "${BIN:=$(pwd)/build/bin}" "${RUN:=}" "${TESTS_TMP:=$(mktemp -d)}"
W="$TESTS_TMP/staff_damaged"
rm -rf "$W"; mkdir -p "$W/d1" "$W/d2/staff.json"
die() { echo "FAIL: $*" >&2; exit 1; }

printf '{"staff": {"kdf": "pbkdf2-hmac-sha256", "iterat' > "$W/d1/staff.json"
cat > "$W/fb.kss" <<'KSS'
expect screen first-boot
expect text "staff.json.damaged-20260105-090000"
tap lang-en
expect text "The PIN file (staff.json) was damaged"
KSS
$RUN "$BIN/kiosk" --headless --data "$W/d1" --script "$W/fb.kss" > "$W/fb.out" 2>&1 ||
	{ cat "$W/fb.out"; die "a damaged staff.json does not bring back the first-boot screen"; }
[ -e "$W/d1/staff.json" ] && die "the damaged staff.json is still in place"
set -- "$W/d1"/staff.json.damaged-*
[ -f "$1" ] || die "the damaged file was not kept"
grep -q iterat "$1" || die "the kept file is not the damaged one"
grep -q "PIN store damaged: .*moved aside as staff.json.damaged-" "$W/d1/logs/kiosk.log" ||
	die "the move is not logged"
echo "ok   damaged staff.json: kept as ${1##*/}, logged, first-boot screen with the reason"

cat > "$W/pin.kss" <<'KSS'
expect screen welcome
tap-at 10 10
tap-at 1910 10
tap-at 1910 1070
tap-at 10 1070
expect screen pin
type "482913"
tap next
expect screen pin
expect text "Không đọc được tệp mã PIN (staff.json)"
KSS
$RUN "$BIN/kiosk" --headless --data "$W/d2" --script "$W/pin.kss" > "$W/pin.out" 2>&1 ||
	{ cat "$W/pin.out"; die "an unreadable staff.json: the PIN screen does not say so"; }
[ -d "$W/d2/staff.json" ] || die "the unreadable store was moved"
echo "ok   unreadable staff.json: the PIN screen says so, not \"wrong PIN\""

# Intact but below the iteration floor (an update raised it): not damage,
# so never set aside (that would reset the PINs of every board).
mkdir -p "$W/d3"
printf '{"staff":{"kdf":"pbkdf2-hmac-sha256","iterations":10,"salt":"00000000000000000000000000000000","hash":"0000000000000000000000000000000000000000000000000000000000000000"},"failures":0,"lock_ms":0,"lock_wall_ms":0}' > "$W/d3/staff.json"
$RUN "$BIN/kiosk" --headless --data "$W/d3" --script "$W/pin.kss" > "$W/weak.out" 2>&1 ||
	{ cat "$W/weak.out"; die "a weak store: the PIN screen does not say so"; }
[ -f "$W/d3/staff.json" ] || die "an intact store with a low iteration count was set aside"
echo "ok   intact store below the iteration floor: kept in place, the PIN screen says so"
echo "staff_damaged: all passed"
