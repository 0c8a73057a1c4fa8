#!/bin/sh
# handoff.sh - kiosk-handoff decode: argument and stdin forms, output lines,
# exit codes 0 / 1 (bad record, one-line reason) / 2 (usage).
# quick
set -u
T=$TESTS_TMP
fail() { echo "FAIL: $*"; exit 1; }
rec='A012;K1;0a1b2c3d-42;1.001193;20260105T093015;0;ho_ten=Nguy%E1%BB%85n+V%C4%83n+An;dia_chi=Th%C3%B4n+3%3B+x%C3%A3'
cat > "$T/want" <<'W'
format=K1
number=A012
ticket_id=0a1b2c3d-42
procedure=1.001193
time=2026-01-05T09:30:15+07:00
reprint=0
field.ho_ten=Nguyễn Văn An
field.dia_chi=Thôn 3; xã
W
$RUN "$BIN/kiosk-handoff" decode "$rec" > "$T/got" || fail "decode (argument) failed"
cmp -s "$T/got" "$T/want" || { diff "$T/got" "$T/want"; fail "argument output differs"; }
# A keyboard-mode scanner types the record and Enter (maybe CR LF).
printf '%s\r\n' "$rec" | $RUN "$BIN/kiosk-handoff" decode > "$T/got2" || fail "decode (stdin) failed"
cmp -s "$T/got2" "$T/want" || fail "stdin output differs"
printf 'P001;K1;x-1;2.0;-;1\n' | $RUN "$BIN/kiosk-handoff" decode > "$T/got3" || fail "minimal record"
grep -qx "time=" "$T/got3" && grep -qx "reprint=1" "$T/got3" || fail "minimal record output"
# Bad records: exit 1 with exactly one line on stderr, nothing on stdout.
for bad in 'A012;K9;x;1;-;0' 'A012;K1;x;1;-;0;a=%e1' 'hello' 'A012;K1;x;1;-;0;a=b;a=c'; do
	$RUN "$BIN/kiosk-handoff" decode "$bad" > "$T/out" 2> "$T/err"
	st=$?
	[ $st -eq 1 ] || fail "exit $st for bad record $bad"
	[ ! -s "$T/out" ] || fail "output for bad record $bad"
	[ "$(wc -l < "$T/err")" -eq 1 ] || fail "reason is not one line for $bad"
done
: | $RUN "$BIN/kiosk-handoff" decode > /dev/null 2>&1; [ $? -eq 1 ] || fail "empty stdin should exit 1"
$RUN "$BIN/kiosk-handoff" > /dev/null 2>&1; [ $? -eq 2 ] || fail "no arguments should exit 2"
$RUN "$BIN/kiosk-handoff" encode x > /dev/null 2>&1; [ $? -eq 2 ] || fail "unknown command should exit 2"
$RUN "$BIN/kiosk-handoff" decode a b > /dev/null 2>&1; [ $? -eq 2 ] || fail "extra argument should exit 2"
echo ok
