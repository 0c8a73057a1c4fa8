#!/bin/sh
# menus.sh - the staff menus end to end, headless: first boot sets the
# office name and both PINs (no default PIN exists), then the corner
# gesture, wrong PINs, the persisted lockout, the staff menu (reprint,
# paper, clock marker), the technician menu (export to a plain folder
# standing in for the stick, office name) and the time-outs.
# Screenshots go to $MENUS_SHOTS when set.
set -u
# Headless runs draw with SDL's software renderer; keep SDL's offscreen
# driver from loading Mesa's EGL, whose allocations LeakSanitizer reports.
export SDL_VIDEO_EGL_DRIVER=/nonexistent
S=tests/scenarios
D="$TESTS_TMP/data"
shots=${MENUS_SHOTS:-}
run() { # data-dir script [extra options]
	d=$1; f=$2; shift 2
	if [ -n "$shots" ]; then
		$RUN "$BIN/kiosk" --headless --data "$d" --script "$f" --screenshots "$shots" "$@"
	else
		$RUN "$BIN/kiosk" --headless --data "$d" --script "$f" "$@"
	fi
}
fail() { echo "FAIL: $*"; exit 1; }

# Without --first-boot a headless run starts at Welcome with the shipped
# configuration, and no PIN opens anything.
printf 'expect screen welcome\n' > "$TESTS_TMP/w.kss"
run "$TESTS_TMP/plain" "$TESTS_TMP/w.kss" 2>/dev/null || fail "headless run did not start at Welcome"
[ -e "$TESTS_TMP/plain/staff.json" ] && fail "a PIN store appeared without set-up"
# There, with no PINs, the corners (or Ctrl+Alt+M) open the set-up, not a PIN
# screen no PIN could ever open (a window run on a new data folder).
cat > "$TESTS_TMP/nopins.kss" <<'K'
tap-at 10 10
tap-at 1910 10
tap-at 1910 1070
tap-at 10 1070
expect screen first-boot
expect text "bước 1/5"
K
run "$TESTS_TMP/plain" "$TESTS_TMP/nopins.kss" 2>"$TESTS_TMP/nopins.err" ||
	{ cat "$TESTS_TMP/nopins.err"; fail "no PINs: the corners did not open the set-up"; }

run "$D" "$S/menus_first_boot.kss" --first-boot 2>"$TESTS_TMP/fb.err" ||
	{ cat "$TESTS_TMP/fb.err"; fail "first boot"; }
[ -f "$D/staff.json" ] || fail "no PIN store after set-up"
grep -q '482913\|73910264' "$D/staff.json" && fail "a PIN is stored in clear"
grep -q '"iterations":100000' "$D/staff.json" || fail "PIN hashes below 100000 iterations"
[ "$(stat -c %a "$D/staff.json")" = 600 ] || fail "PIN store is not private (0600)"
grep -q '"profile":[[:space:]]*"58mm"' "$D/local.json" || fail "printer profile not in local.json"
grep -q 'xã an phú' "$D/local.json" || fail "office name not in local.json"

# Corners, wrong PIN, cancel, time-out. Then the lockout on a copy, which
# must survive a restart of the kiosk.
run "$D" "$S/menus_pin.kss" 2>"$TESTS_TMP/pin.err" || { cat "$TESTS_TMP/pin.err"; fail "pin"; }
cp -R "$D" "$TESTS_TMP/lock"
run "$TESTS_TMP/lock" "$S/menus_lockout.kss" 2>"$TESTS_TMP/lock.err" ||
	{ cat "$TESTS_TMP/lock.err"; fail "lockout"; }
cp -R "$D" "$TESTS_TMP/lock2"
cat > "$TESTS_TMP/five.kss" <<'K'
tap-at 10 10
tap-at 1910 10
tap-at 1910 1070
tap-at 10 1070
type "111112"
key Return
type "111113"
key Return
type "111114"
key Return
type "111115"
key Return
type "111116"
key Return
expect text "1 phút"
K
cat > "$TESTS_TMP/after.kss" <<'K'
tap-at 10 10
tap-at 1910 10
tap-at 1910 1070
tap-at 10 1070
type "482913"
key Return
expect screen pin
expect text "1 phút"
K
run "$TESTS_TMP/lock2" "$TESTS_TMP/five.kss" 2>/dev/null || fail "five wrong PINs"
grep -q '"failures":5' "$TESTS_TMP/lock2/staff.json" || fail "failure count not persisted"
run "$TESTS_TMP/lock2" "$TESTS_TMP/after.kss" 2>"$TESTS_TMP/after.err" ||
	{ cat "$TESTS_TMP/after.err"; fail "the lock did not survive a restart"; }

# A damaged PIN store: reported, kept aside as staff.json.damaged-<time>, and
# the first-boot screen returns to set new PINs (docs/menus.md; more cases in
# tests/cli/staff_damaged.sh).
cp -R "$D" "$TESTS_TMP/corrupt"
printf '{"staff": 12' > "$TESTS_TMP/corrupt/staff.json"
cat > "$TESTS_TMP/corrupt.kss" <<'K'
expect screen first-boot
expect text "staff.json.damaged-"
K
run "$TESTS_TMP/corrupt" "$TESTS_TMP/corrupt.kss" 2>"$TESTS_TMP/corrupt.err" ||
	{ cat "$TESTS_TMP/corrupt.err"; fail "damaged PIN store"; }
grep -q 'PIN store: .*staff.json: not a JSON object' "$TESTS_TMP/corrupt.err" ||
	{ cat "$TESTS_TMP/corrupt.err"; fail "damaged PIN store not reported"; }
[ "$(cat "$TESTS_TMP/corrupt"/staff.json.damaged-*)" = '{"staff": 12' ] || fail "damaged PIN store not kept"

# Staff menu.
run "$D" "$S/menus_staff.kss" 2>"$TESTS_TMP/staff.err" || { cat "$TESTS_TMP/staff.err"; fail "staff"; }
[ -f "$D/clock-set-by-staff" ] || fail "no clock marker after setting the date"
grep -q '2026-01-06T10:30:00+07:00' "$D/clock-set-by-staff" || fail "wrong clock marker"
n=$(ls "$D/spool" | wc -l)
[ "$n" -ge 2 ] || fail "the reprint did not print ($n spool files)"
# The staff PIN does not open the technician items.
cat > "$TESTS_TMP/nostaff.kss" <<'K'
tap-at 10 10
tap-at 1910 10
tap-at 1910 1070
tap-at 10 1070
type "482913"
key Return
expect screen staff-menu
tap menu-update
K
if run "$D" "$TESTS_TMP/nostaff.kss" 2>/dev/null; then fail "staff PIN reached the technician menu"; fi

# Technician menu: export into a plain folder standing in for the stick.
mkdir -p "$TESTS_TMP/export" "$TESTS_TMP/stick"
KIOSK_EXPORT="$TESTS_TMP/export" KIOSK_STICK="$TESTS_TMP/stick" \
	run "$D" "$S/menus_tech.kss" 2>"$TESTS_TMP/tech.err" || { cat "$TESTS_TMP/tech.err"; fail "tech"; }
	ls "$D"/spool/test-page*.escpos >/dev/null 2>&1 || fail "the test page did not reach the printer"
# The speaker test (technician, health view): through SDL's disk driver the
# chime and a spoken sentence reach the device (non-silent, longer than the
# chime alone); with no audio driver the health view and the test say so.
cat > "$TESTS_TMP/sound.kss" <<'K'
tap-at 10 10
tap-at 1910 10
tap-at 1910 1070
tap-at 10 1070
type "73910264"
tap next
expect screen tech-menu
tap menu-paper
tap sound-test
expect text "Đã phát tiếng chuông và câu thử. Nếu không nghe thấy, hãy kiểm tra loa, dây cắm và âm lượng."
screenshot menus-tech-sound-done
K
SDL_AUDIODRIVER=disk SDL_DISKAUDIOFILE="$TESTS_TMP/sound.raw" SDL_DISKAUDIODELAY=1 \
	run "$D" "$TESTS_TMP/sound.kss" 2>"$TESTS_TMP/sound.err" || { cat "$TESTS_TMP/sound.err"; fail "sound test"; }
said=$(grep -ho "sound test: the chime and the sentence ([0-9.]* s)" "$TESTS_TMP/sound.err" "$D/logs/kiosk.log" | head -n 1 |
	sed 's/.*(\([0-9.]*\) s)/\1/')
[ -n "$said" ] || fail "sound test: no sentence logged"
awk -v s="$said" 'BEGIN {exit !(s >= 1.0 && s < 15)}' || fail "sound test: the sentence lasts $said s"
if command -v sox >/dev/null 2>&1 && [ -s "$TESTS_TMP/sound.raw" ]; then
	secs=$(sox -t raw -r 22050 -e signed -b 16 -c 1 "$TESTS_TMP/sound.raw" -n stat 2>&1 | awk '/Length/ {print $3}')
	rms=$(sox -t raw -r 22050 -e signed -b 16 -c 1 "$TESTS_TMP/sound.raw" -n stat 2>&1 | awk '/RMS +amplitude/ {print $3}')
	awk -v r="$rms" 'BEGIN {exit !(r > 0.01)}' || fail "the sound test was silent (RMS $rms)"
	echo "sound test: a ${said} s sentence; ${secs} s reached the device before the exit, RMS $rms"
fi
cat > "$TESTS_TMP/nosound.kss" <<'K'
tap-at 10 10
tap-at 1910 10
tap-at 1910 1070
tap-at 10 1070
type "73910264"
tap next
tap menu-paper
expect text "Không có thiết bị âm thanh: ki-ốt vẫn chạy, không có tiếng chuông và giọng đọc."
screenshot menus-tech-sound-none
tap sound-test
expect text "Không có thiết bị âm thanh: ki-ốt vẫn chạy nhưng không phát được tiếng. Kiểm tra loa và cài đặt voice.device."
K
SDL_AUDIODRIVER=no-such-driver run "$D" "$TESTS_TMP/nosound.kss" 2>"$TESTS_TMP/nosound.err" ||
	{ cat "$TESTS_TMP/nosound.err"; fail "no audio device"; }
csv=$(ls "$TESTS_TMP"/export/kiosk-export-*/daily-statistics.csv 2>/dev/null | head -n 1)
[ -n "$csv" ] || fail "no statistics on the stick"
head -c 3 "$csv" | od -An -tx1 | grep -q 'ef bb bf' || fail "CSV without a UTF-8 BOM"
grep -q '^.*date,series,printed,voided,reprints' "$csv" || fail "CSV header"
grep -q '^2026-01-05,A,1,0,1' "$csv" || { cat "$csv"; fail "CSV counts"; }
# The office queue's figures: the ticket counter 1 called and served.
qcsv=$(ls "$TESTS_TMP"/export/kiosk-export-*/queue-statistics.csv 2>/dev/null | head -n 1)
[ -n "$qcsv" ] || fail "no queue statistics on the stick"
head -c 3 "$qcsv" | od -An -tx1 | grep -q 'ef bb bf' || fail "queue CSV without a UTF-8 BOM"
grep -q 'date,group,counter,issued,called,served,no_show,closed_unserved,transferred_out,transferred_in,wait_median_min,wait_p90_min,service_median_min,service_p90_min,rated_very_satisfied,rated_satisfied,rated_not_satisfied' "$qcsv" ||
	fail "queue CSV header"
grep -q '^2026-01-05,[a-z-]*,all,1,1,1,0,0,0,0,[0-9.]*,[0-9.]*,[0-9.]*,[0-9.]*,0,0,0' "$qcsv" || { cat "$qcsv"; fail "queue CSV: the group's row"; }
grep -q '^2026-01-05,[a-z-]*,1,[0-9]*,1,1,0,' "$qcsv" || { cat "$qcsv"; fail "queue CSV: counter 1's row"; }
ls "$TESTS_TMP"/export/kiosk-export-*/kiosk.log >/dev/null 2>&1 || fail "log not exported"
# The office key goes with the export (for the counter software), mode 0600.
xkey=$(ls "$TESTS_TMP"/export/kiosk-export-*/office.key 2>/dev/null | head -n 1)
[ -n "$xkey" ] && cmp -s "$xkey" "$D/office.key" || fail "office key not exported"
[ "$(stat -c %a "$xkey")" = 600 ] || fail "exported office key mode $(stat -c %a "$xkey")"
# No personal data on the stick: the citizen's name and ID number.
if grep -rq '001190012345\|"an"' "$TESTS_TMP/export"; then fail "personal data exported"; fi
grep -q 'UBND binh an' "$D/local.json" || fail "office name change not saved"
grep -q '"x_offset": -12.00, "y_scale": 1.000000, "y_offset": 8.00' "$D/touch-calibration.json" ||
	fail "touch calibration not saved: $(cat "$D/touch-calibration.json")"
grep -q '"procedures"' "$D/local.json" || fail "offered procedures not saved"
python3 - "$D/local.json" <<'PY' || fail "office hours not saved"
import json, sys
h = json.load(open(sys.argv[1]))["office"]["hours"]
assert h["sat"] == [] and h["mon"] == [["07:00", "11:00"], ["13:00", "16:30"]], h
assert h["fri"] == h["mon"] and h["sun"] == [], h
PY
grep -q '"khai-sinh"' "$D/local.json" && fail "withdrawn procedure still offered"
grep -q '"ket-hon"' "$D/local.json" || fail "other procedures dropped"
# Bad export target: a clear message, nothing lost.
cat > "$TESTS_TMP/noexp.kss" <<'K'
tap-at 10 10
tap-at 1910 10
tap-at 1910 1070
tap-at 10 1070
type "73910264"
key Return
tap menu-export
tap next
expect text "Xuất không được"
K
KIOSK_EXPORT="$TESTS_TMP/absent" run "$D" "$TESTS_TMP/noexp.kss" 2>/dev/null ||
	fail "export to a missing stick not reported"

# Factory reset: it asks for the technician PIN again (the staff PIN or a
# wrong one erases nothing); then PINs and local settings go, the ledger
# stays (today's numbers continue); set-up again.
cat > "$TESTS_TMP/reset.kss" <<'K'
tap-at 10 10
tap-at 1910 10
tap-at 1910 1070
tap-at 10 1070
type "73910264"
key Return
tap menu-reset
expect text "Xóa tất cả"
tap next
expect text "Mã PIN kỹ thuật không đúng: chưa xóa gì"
type "482913"
tap next
expect text "Mã PIN kỹ thuật không đúng: chưa xóa gì"
expect screen tech-menu
screenshot menus-tech-reset
type "73910264"
tap next
expect screen first-boot
K
cp -R "$D" "$TESTS_TMP/reset"
run "$TESTS_TMP/reset" "$TESTS_TMP/reset.kss" 2>"$TESTS_TMP/reset.err" ||
	{ cat "$TESTS_TMP/reset.err"; fail "factory reset"; }
[ -e "$TESTS_TMP/reset/staff.json" ] && fail "PINs survived the factory reset"
[ -e "$TESTS_TMP/reset/local.json" ] && fail "local settings survived the factory reset"
[ -e "$TESTS_TMP/reset/touch-calibration.json" ] && fail "calibration survived the factory reset"
[ -s "$TESTS_TMP/reset/ledger.db" ] || fail "the factory reset erased the ticket ledger"
exit 0
