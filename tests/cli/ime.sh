# quick
# ime.sh - kiosk-ime front end: Telex/VNI vectors, tone styles, empty lines,
# CR handling, and exit 2 on usage errors and bytes outside printable ASCII.
set -u
: "${BIN:?}" "${TESTS_TMP:=${TMPDIR:-/tmp}}"
RUN=${RUN:-}
ime() { $RUN "$BIN/kiosk-ime" "$@"; }
tmp="$TESTS_TMP/ime"; mkdir -p "$tmp"
fails=0
check() { # name expected-file actual-file
	if cmp -s "$2" "$3"; then echo "ok   $1"; else echo "FAIL $1"; diff "$2" "$3"; fails=$((fails + 1)); fi
}

# Telex vectors, one per line; an empty line stays empty.
printf '%s\n' 'nguyeenx Vieetj truwowngf hoafn quys gif giaf' 'khoer thuyr toosi nguowif Doongd' '' \
	'DDawks Lawks, Kroong Buks; H'"'"'Hen Niee.' 'thuowr ddd dddd ass ww VIEETJ DD Dd' 'nam 2026: as1s' > "$tmp/telex.in"
printf '%s\n' 'nguyễn Việt trường hoàn quý gì già' 'khỏe thủy tối người Đông' '' \
	'Đắk Lắk, Krông Búk; H'"'"'Hen Niê.' 'thuở dd ddd as w VIỆT Đ Đ' 'nam 2026: á1s' > "$tmp/telex.exp"
ime --method telex < "$tmp/telex.in" > "$tmp/telex.out"; st=$?
[ $st -eq 0 ] || { echo "FAIL telex exit $st"; fails=$((fails + 1)); }
check telex "$tmp/telex.exp" "$tmp/telex.out"

# New tone style changes only open oa, oe, uy.
printf 'hoaf khoer thuyr hoafn huynhf\n' | ime --method telex --tone-style new > "$tmp/new.out"
printf 'hoà khoẻ thuỷ hoàn huỳnh\n' > "$tmp/new.exp"
check tone-style-new "$tmp/new.exp" "$tmp/new.out"
printf 'hoaf khoer thuyr\n' | ime --method telex --tone-style old > "$tmp/old.out"
printf 'hòa khỏe thủy\n' > "$tmp/old.exp"
check tone-style-old "$tmp/old.exp" "$tmp/old.out"

# VNI: digits are keys; a digit with nothing to modify stays.
printf 'Vie65t nguo72i D9a8k1 La8k1\nTo63 5, a11 thuo73\n' | ime --method vni > "$tmp/vni.out"
printf 'Việt người Đắk Lắk\nTổ 5, a1 thuở\n' > "$tmp/vni.exp"
check vni "$tmp/vni.exp" "$tmp/vni.out"

# CR is dropped (CRLF input); a last line without newline still prints one.
printf 'Vieetj\r\nNam\r\n\r\nxin chaof' | ime --method telex > "$tmp/crlf.out"
printf 'Việt\nNam\n\nxin chào\n' > "$tmp/crlf.exp"
check crlf "$tmp/crlf.exp" "$tmp/crlf.out"

# Empty input prints nothing.
: | ime --method telex > "$tmp/empty.out"
[ -s "$tmp/empty.out" ] && { echo "FAIL empty input printed something"; fails=$((fails + 1)); }

expect2() { # name, then command input via stdin file $tmp/in
	name=$1; shift
	ime "$@" < "$tmp/in" > "$tmp/e.out" 2> "$tmp/e.err"; st=$?
	if [ $st -eq 2 ] && [ -s "$tmp/e.err" ]; then echo "ok   $name (exit 2: $(head -n 1 "$tmp/e.err"))"
	else echo "FAIL $name: exit $st, stderr: $(cat "$tmp/e.err")"; fails=$((fails + 1)); fi
}
printf 'as\n' > "$tmp/in"
expect2 no-method
expect2 bad-method --method foo
expect2 bad-style --method telex --tone-style middle
expect2 unknown-option --method telex --frobnicate 1
expect2 missing-value --method
printf 'as\n\303\241\n' > "$tmp/in"
expect2 non-ascii --method telex
grep -q 'line 2' "$tmp/e.err" || { echo "FAIL non-ascii message has no line number"; fails=$((fails + 1)); }
# The good line before the bad one was printed, nothing lost silently.
printf 'á\n' > "$tmp/partial.exp"
check partial-before-error "$tmp/partial.exp" "$tmp/e.out"
printf 'a\tb\n' > "$tmp/in"
expect2 tab --method vni
printf 'a\001\n' > "$tmp/in"
expect2 control --method telex

[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "ime.sh: all passed"
