#!/bin/sh
# settings.sh - every setting the menus can change holds at once, without a
# restart, wherever it is used: one scenario per setting
# (tests/scenarios/settings_*.kss), then what it left behind. The office
# name and paper width are checked on the printed paper itself: the spooled
# ticket's stream is decoded (escpos_decode), its width read, and the head
# above the first rule (the office name, tests/tools/ticket_head) compared
# with a ticket that kiosk-print renders for the expected name and width;
# the test page must be byte for byte kiosk-print's.
set -u
export SDL_VIDEO_EGL_DRIVER=/nonexistent
S=tests/scenarios
t=$TESTS_TMP
fails=0
kiosk() { $RUN "$BIN/kiosk" --headless "$@"; }
check() { # description command...
	d=$1; shift
	if "$@"; then echo "ok   $d"; else echo "FAIL $d"; fails=$((fails + 1)); fi
}
scenario() { # name data-dir [options]
	n=$1; d=$2; shift 2
	if kiosk --data "$d" --script "$S/settings_$n.kss" "$@" 2>"$t/$n.err"; then
		echo "ok   scenario settings_$n"
	else
		grep -v ' INFO ' "$t/$n.err"
		echo "FAIL scenario settings_$n"
		fails=$((fails + 1))
	fi
}
spooled() { ls "$1"/spool/*-"$2".escpos 2>/dev/null | head -n 1; }
# head FILE.escpos: "width=N head_rows=N head_hash=H" of the printed picture
head_of() {
	$RUN "$TTOOLS/escpos_decode" "$1" "$1.pbm" >/dev/null && $RUN "$TTOOLS/ticket_head" "$1.pbm"
}
# ref NAME OFFICE PROFILE: what a ticket with that office and paper looks like
ref() {
	printf '{"office_name": "%s", "printer_profile": "%s"}\n' "$2" "$3" > "$t/$1.json"
	$RUN "$BIN/kiosk-print" --ticket B001 --procedure chung-thuc-ban-sao --config "$t/$1.json" \
		--out "$t/$1.escpos" >/dev/null && head_of "$t/$1.escpos"
}
same() { [ -n "$1" ] && [ "$1" = "$2" ]; }  # an empty head never matches
png_width() { od -An -tu1 -j16 -N4 "$1" | awk '{print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4}'; }

site="UBND xã Tân Hòa"
fb_58=$(ref fb "UBND xã an phú" 58mm)
site_58=$(ref site58 "$site" 58mm)
site_80=$(ref site80 "$site" 80mm)
binh_58=$(ref binh "UBND binh an" 58mm)
check "reference tickets differ by office name and width" \
	sh -c "[ -n '$fb_58' ] && [ '$fb_58' != '$site_58' ] && [ '$site_58' != '$site_80' ]"

# 1. First boot: office name and 58 mm paper, then a ticket in the same run.
D=$t/d
scenario first_boot "$D" --first-boot
b1=$(spooled "$D" B001)
check "first boot: ticket B001 spooled" test -s "$b1"
h=$(head_of "$b1")
check "first boot: ticket is 384 dots wide (58 mm): $h" sh -c "case '$h' in width=384\ *) true;; *) false;; esac"
check "first boot: ticket PNG is 384 wide" test "$(png_width "${b1%.escpos}.png")" = 384
check "first boot: ticket carries the new office name" same "$h" "$fb_58"
cp -R "$D" "$t/fb"

# 2. Office name from the technician menu: test page and the next ticket.
scenario office "$D"
check "office: test page is kiosk-print's for UBND binh an, 58 mm" \
	sh -c "$RUN '$BIN/kiosk-print' --test-page --config '$t/binh.json' --out '$t/tp.escpos' &&
		cmp -s '$t/tp.escpos' '$D/spool/test-page.escpos'"
b2=$(spooled "$D" B002)
check "office: ticket B002 spooled" test -s "$b2"
h=$(head_of "$b2")
check "office: ticket B002 carries UBND binh an, 384 dots: $h" same "$h" "$binh_58"

# 3. Factory reset (the technician PIN typed again): the local settings are
# gone at once, set-up runs again with the site's name and paper; today's
# ledger stays, so the next ticket is B003 (after B001, B002), with them.
cp -R "$D" "$t/reset"
rm -f "$t/reset"/spool/*
scenario reset "$t/reset"
b1=$(spooled "$t/reset" B003)
h=$(head_of "$b1")
check "reset: ticket B003 (numbers continue) carries the site's name at 576 dots: $h" same "$h" "$site_80"
check "reset: no number restarted (no B001 after the reset)" test -z "$(spooled "$t/reset" B001)"

# 4. Offered procedures, office hours, the clock: the screens citizens see.
for n in procs hours clock; do
	cp -R "$t/fb" "$t/$n"
	scenario "$n" "$t/$n"
done

# 5. Touch calibration: a touch read 140 px too low reaches the start
# button only once the calibration holds (without it, it misses).
cp -R "$t/fb" "$t/cal"
scenario calibrate "$t/cal"
printf 'tap-at 1440 440\nexpect screen welcome\n' > "$t/nocal.kss"
check "calibrate: without calibration the same touch misses start" \
	kiosk --data "$t/fb" --script "$t/nocal.kss" 2>/dev/null

# 6. A change the kiosk cannot apply at once (its site layer can no longer
# be read, see settings_restart.kss): saved, the menu says the kiosk
# restarts, it exits cleanly by itself; started again, it prints the change.
cp -R "$t/fb" "$t/rs"
cp assets/site.json "$t/rs/touch-calibration.json"
scenario restart "$t/rs" --config "$t/rs/touch-calibration.json"
check "restart: the kiosk ended by itself to apply the change" \
	grep -rq "restarting to apply the new settings" "$t/rs/logs"
cat > "$t/ticket.kss" <<'K'
tap start
tap group-chung-thuc
tap proc-chung-thuc-ban-sao
tap next
tap next
tap priority-no
expect screen ticket
K
check "restart: started again, it issues a ticket" kiosk --data "$t/rs" --script "$t/ticket.kss" 2>/dev/null
h=$(head_of "$(spooled "$t/rs" B002)")
check "restart: that ticket carries the saved name UBND binh an: $h" same "$h" "$binh_58"
# 7. The office queue: counters, their groups and PINs, the call order and
# the boards' voice (settings_queue.kss), as local.json and staff.json hold
# them; the hub then lets counter 1 log in with the PIN typed at the kiosk.
cp -R "$t/fb" "$t/q"
scenario queue "$t/q"
check "queue: local.json holds what the menu set" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["counters"] == [{"id": 1, "groups": ["ho-tich", "chung-thuc"]}], d["counters"]
assert d["queue"] == {"regular_per_priority": 4, "absent_window": 4}, d["queue"]
assert d["voice"] == {"volume": 90, "repeat": 0, "rate": 160}, d["voice"]
assert d["office"]["name"] == "UBND xã an phú"' "$t/q/local.json"
check "queue: counter 1 has a PIN, removed counter 2 none, no PIN in clear" python3 -c '
import json, sys
c = json.load(open(sys.argv[1])).get("counters", {})
assert list(c) == ["1"], list(c)
assert "482915" not in open(sys.argv[1]).read()' "$t/q/staff.json"
if command -v curl >/dev/null; then
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	$RUN "$BIN/kiosk-hub" --data "$t/q" --listen "127.0.0.1:$port" > "$t/q-hub.log" 2>&1 &
	hub=$!
	i=0
	while ! curl -s -o /dev/null "http://127.0.0.1:$port/api/state" && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
	login() { curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
		-d "{\"counter\":$1,\"pin\":\"$2\"}" "http://127.0.0.1:$port/api/login"; }
	check "queue: the hub logs counter 1 in with the PIN set at the kiosk" test "$(login 1 482915)" = 200
	check "queue: the hub refuses another PIN" test "$(login 1 482916)" = 401
	check "queue: counter 2, removed, is unknown to the hub" test "$(login 2 482915)" = 404
	kill "$hub"; wait "$hub" 2>/dev/null
fi
[ $fails -eq 0 ]
