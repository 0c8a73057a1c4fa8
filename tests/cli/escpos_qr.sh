#!/bin/sh
# escpos_qr.sh - issue sample tickets (file transport), decode their ESC/POS
# streams with the strict decoder, read the QR codes from the decoded picture
# with zbarimg and check the hand-off record (the upper code) and the
# procedure's page online (the lower code, the link the screen shows); the
# decoder must refuse broken streams.
# quick
set -u
command -v zbarimg >/dev/null 2>&1 || { echo "zbarimg missing (zbar-tools)"; exit 77; }
T=$TESTS_TMP
fail() { echo "FAIL: $*"; exit 1; }
# The link of the sample's procedure: ticket_sample's catalogue template with
# its code, as catalog_link (and the ticket screen's QR) makes it.
URL='https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc-nganh-doc.html?ma_thu_tuc=1.001193'
crop() { # crop IN OUT Y0 Y1: rows Y0 to Y1-1 of a P4 PBM
	set -- "$1" "$2" "$3" "$4" $(head -c 40 "$1" | head -n 2 | tr '\n' ' ')
	[ "$5" = P4 ] || return 1
	hl=$((3 + ${#6} + 1 + ${#7} + 1)); rb=$((($6 + 7) / 8))
	{ printf 'P4\n%d %d\n' "$6" $(($4 - $3)); tail -c +$((hl + $3 * rb + 1)) "$1" | head -c $((($4 - $3) * rb)); } > "$2"
}
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
		# Two codes on the paper, the same in the decoded stream and in the
		# simulated printer's PNG: the record and the procedure's page.
		zbarimg --raw -q "$T/$p/$stem.pbm" > "$T/$p/$stem.codes" 2>/dev/null || fail "no QR found in $stem.pbm"
		zbarimg --raw -q "$T/$p/spool/$stem.png" > "$T/$p/$stem.pngcodes" 2>/dev/null || fail "no QR in $stem.png"
		[ "$(wc -l < "$T/$p/$stem.codes")" -eq 2 ] || fail "$stem ($p): $(wc -l < "$T/$p/$stem.codes") QR codes, not 2"
		sort "$T/$p/$stem.codes" > "$T/$p/a"; sort "$T/$p/$stem.pngcodes" > "$T/$p/b"
		cmp -s "$T/$p/a" "$T/$p/b" || fail "PBM and PNG carry different codes ($stem, $p)"
		grep -qxF "$URL" "$T/$p/$stem.codes" || fail "$stem ($p): no QR of the procedure's page: $(cat "$T/$p/$stem.codes")"
		# The record is the upper code, the link the lower one: some row
		# splits the picture into a top holding only the record and a
		# bottom holding only the link.
		set -- $(head -c 40 "$T/$p/$stem.pbm" | head -n 2 | tr '\n' ' ')
		h=$3; y=64; rec=; split=
		while [ $y -lt "$h" ] && [ -z "$split" ]; do
			crop "$T/$p/$stem.pbm" "$T/$p/top.pbm" 0 $y
			crop "$T/$p/$stem.pbm" "$T/$p/bot.pbm" $y "$h"
			top=$(zbarimg --raw -q -Sbinary "$T/$p/top.pbm" 2>/dev/null) &&
				bot=$(zbarimg --raw -q -Sbinary "$T/$p/bot.pbm" 2>/dev/null) &&
				[ "$bot" = "$URL" ] && [ "$top" != "$URL" ] && { rec=$top; split=$y; }
			y=$((y + 32))
		done
		[ -n "$split" ] || fail "$stem ($p): the procedure's page is not the code below the record"
		id=${stem%-*}; num=${stem##*-}
		case "$rec" in
		"$num;K2;$id;1.001193;20260302T"*) ;;
		*) fail "unexpected record: $rec" ;;
		esac
		[ ${#rec} -le 233 ] || fail "record longer than 233 bytes"
		$RUN "$BIN/kiosk-handoff" decode --key "$T/$p/data/office.key" "$rec" > "$T/$p/$stem.txt" ||
			fail "kiosk-handoff refused or did not verify $rec"
		grep -qx "verified=1" "$T/$p/$stem.txt" || fail "not verified: $rec"
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
# The first band header starts at offset 5 (after ESC @ and ESC a 0):
# 1D 76 30 m xL xH yL yH at offsets 5..12.
put() { # put OUT OFFSET LEN BYTES: copy $good with LEN bytes at OFFSET replaced by BYTES
	{ head -c "$2" "$good"; printf "$4"; tail -c +$(($2 + $3 + 1)) "$good"; } > "$T/$1.escpos"
}
size=$(wc -c < "$good")
head -c 13 "$good" | od -An -tx1 | tr -d ' \n' | grep -q '^1b401b61001d7630' || fail "unexpected stream start"
put k 11 2 '\377\000'                 # 255 rows announced, 256 sent: k != x*y
put tall 11 2 '\001\001'              # a band of 257 rows
put mode 8 1 '\001'                    # double-width raster mode
put status 5 0 '\020\004\001'         # a status request in the ticket
put junk $((size - 4)) 0 '\007'        # unknown byte before the cut
tail -c +3 "$good" > "$T/noinit.escpos"               # no ESC @
head -c $((size / 2)) "$good" > "$T/trunc.escpos"     # cut short mid-band
{ cat "$good"; printf '\033\144\001'; } > "$T/after.escpos" # bytes after the cut
for b in k junk trunc noinit tall after status mode; do
	if $RUN "$TTOOLS/escpos_decode" "$T/$b.escpos" "$T/$b.pbm" > /dev/null 2>&1; then
		fail "strict decoder accepted $b.escpos"
	fi
done
echo "ok"
