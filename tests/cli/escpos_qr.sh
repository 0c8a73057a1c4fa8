#!/bin/sh
# escpos_qr.sh - issue sample tickets (file transport), decode their ESC/POS
# streams with the strict decoder, read the QR from the decoded picture with
# zbarimg and check the hand-off record; the decoder must refuse broken
# streams.
# quick
set -u
command -v zbarimg >/dev/null 2>&1 || { echo "zbarimg missing (zbar-tools)"; exit 77; }
T=$TESTS_TMP
fail() { echo "FAIL: $*"; exit 1; }
for prof in 80mm:72 58mm:48; do
	p=${prof%%:*}; xb=${prof##*:}
	mkdir -p "$T/$p/data"
	$RUN "$TTOOLS/ticket_sample" "$T/$p/data" "$T/$p/spool" --profile "$p" > "$T/$p/list" || fail "ticket_sample $p"
	[ "$(wc -l < "$T/$p/list")" -eq 2 ] || fail "expected 2 tickets for $p"
	n=0
	while read -r stem; do
		n=$((n + 1))
		f="$T/$p/spool/$stem.escpos"
		[ -s "$f" ] && [ -s "$T/$p/spool/$stem.png" ] || fail "missing spool files for $stem"
		$RUN "$TTOOLS/escpos_decode" --width-bytes "$xb" "$f" "$T/$p/$stem.pbm" > "$T/$p/$stem.info" ||
			fail "strict decoder refused $f"
		grep -q "cut=1" "$T/$p/$stem.info" || fail "no cut in $f"
		rec=$(zbarimg --raw -q -Sbinary "$T/$p/$stem.pbm" 2>/dev/null) || fail "no QR found in $stem.pbm"
		# Same symbol in the simulated printer's PNG.
		rec2=$(zbarimg --raw -q -Sbinary "$T/$p/spool/$stem.png" 2>/dev/null) || fail "no QR in $stem.png"
		[ "$rec" = "$rec2" ] || fail "PBM and PNG carry different records"
		id=${stem%-*}; num=${stem##*-}
		case "$rec" in
		"$num;K1;$id;1.001193;20260302T"*) ;;
		*) fail "unexpected record: $rec" ;;
		esac
		[ ${#rec} -le 200 ] || fail "record longer than 200 bytes"
		$RUN "$BIN/kiosk-handoff" decode "$rec" > "$T/$p/$stem.txt" || fail "kiosk-handoff refused $rec"
		if [ $n -eq 1 ]; then
			grep -qx "reprint=0" "$T/$p/$stem.txt" || fail "first ticket marked reprint"
			grep -qx "field.ho_ten=Nguyễn Thị Ánh Tuyết" "$T/$p/$stem.txt" || fail "name lost"
			grep -qx 'field.dia_chi=Thôn Đông; xã Mẫu Sơn, 100% "thử"' "$T/$p/$stem.txt" || fail "address lost"
			grep -q "^field.so_cccd" "$T/$p/$stem.txt" && fail "ID number leaked into the record"
		else
			grep -qx "reprint=1" "$T/$p/$stem.txt" || fail "reprint not flagged"
			grep -q "^field\." "$T/$p/$stem.txt" && fail "reprint carries answers"
		fi
	done < "$T/$p/list"
done

# The strict decoder must refuse broken streams.
good=$(ls "$T"/80mm/spool/*.escpos | head -n 1)
python3 - "$good" "$T" <<'PY' || fail "could not build broken streams"
import sys
src = open(sys.argv[1], 'rb').read()
t = sys.argv[2]
i = src.index(b'\x1d\x76\x30\x00')
def w(name, data): open(t + '/' + name, 'wb').write(data)
b = bytearray(src); b[i + 6] = (b[i + 6] + 1) & 255          # y one more: k != x*y
w('k.escpos', bytes(b))
w('junk.escpos', src[:-4] + b'\x07' + src[-4:])               # unknown byte before the cut
w('trunc.escpos', src[:len(src) // 2])                          # cut short mid-band
w('noinit.escpos', src[2:])                                     # no ESC @
b = bytearray(src); b[i + 6] = 0x01; b[i + 7] = 0x01            # band of 257 rows
w('tall.escpos', bytes(b))
w('after.escpos', src + b'\x1b\x64\x01')                        # bytes after the cut
w('status.escpos', src[:i] + b'\x10\x04\x01' + src[i:])         # a status request inside
w('mode.escpos', src[:i + 3] + b'\x01' + src[i + 4:])           # double width mode
PY
for b in k junk trunc noinit tall after status mode; do
	if $RUN "$TTOOLS/escpos_decode" "$T/$b.escpos" "$T/$b.pbm" > /dev/null 2>&1; then
		fail "strict decoder accepted $b.escpos"
	fi
done
echo "ok"
