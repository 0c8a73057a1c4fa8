#!/bin/sh
# voice.sh - kiosk-voice end to end: the phrase sequences of a set of calls
# equal tests/cli/voice.golden; the WAV of a call from espeak-ng alone and
# from the generated voice pack is non-silent, lasts 2..12 s and has one
# sounding segment per phrase (the --segments positions checked against the
# audio with sox, and counted again with sox's silence effect); the pack
# validator accepts the generated pack and refuses a missing file, a wrong
# sample rate, a silent clip, a clipped clip, a stereo clip and an unknown
# phrase, each on a line naming the file; missing espeak-ng data is a clear
# error.
set -u
T=$TESTS_TMP/voice
rm -rf "$T" && mkdir -p "$T"
fail() { echo "FAIL: $*"; exit 1; }
command -v sox >/dev/null 2>&1 || { echo "voice: sox missing (tools/deps.sh test)"; exit 77; }
KV="$BIN/kiosk-voice"
export KIOSK_ASSETS="$ASSETS"
t0=$(date +%s)

# 1. Phrase sequences against the golden list.
: > "$T/phrases"
for n in A001 A012 B105 C999; do
	for c in 1 3 10 15 21 24; do
		echo "# $n $c" >> "$T/phrases"
		$RUN "$KV" call --phrases "$n" "$c" >> "$T/phrases" || fail "call --phrases $n $c"
	done
done
echo "# B105 21 --ticket whole" >> "$T/phrases"
$RUN "$KV" call --phrases --ticket whole B105 21 >> "$T/phrases" || fail "--ticket whole"
echo "# B105 21 --ticket whole --voice vi-vn-x-south" >> "$T/phrases"
$RUN "$KV" call --phrases --ticket whole --voice vi-vn-x-south B105 21 >> "$T/phrases" || fail "south"
diff -u tests/cli/voice.golden "$T/phrases" || fail "phrase sequences differ from tests/cli/voice.golden"
echo "ok   phrase sequences of $(grep -c '^#' tests/cli/voice.golden) calls match the golden list"

# A counter with a name of its own is called by that name (voice.call_named),
# its spoken forms applied; without one, by its number.
out=$($RUN "$KV" call --phrases --name "Quầy tiếp nhận UBND" A012 3 | tr '\n' '|')
[ "$out" = "Mời công dân có số thứ tự|a|không|một|hai|đến|Quầy tiếp nhận Ủy ban nhân dân|" ] ||
	fail "a named counter's call: '$out'"
out=$($RUN "$KV" call --phrases --name "" A012 3 | tr '\n' '|')
[ "$out" = "Mời công dân có số thứ tự|a|không|một|hai|đến|quầy số|ba|" ] || fail "an unnamed counter's call: '$out'"
echo "ok   a named counter is called by its name"

# Numbers in words reach espeak-ng as words; spoken forms from voice.json.
out=$($RUN "$KV" say --phrases "quầy 15, UBND")
[ "$out" = "quầy mười lăm, Ủy ban nhân dân" ] || fail "say --phrases gave '$out'"
$RUN "$KV" call --phrases A12345 3 >/dev/null 2>&1 && fail "a 5-digit ticket accepted"
$RUN "$KV" call --phrases A012 0 >/dev/null 2>&1 && fail "counter 0 accepted"

# 2. Audio. stat FILE FIELD: a field of `sox FILE -n stat`.
stat() { sox "$1" -n stat 2>&1 | awk -F: -v f="$2" '$1 ~ f { gsub(/ /, "", $2); print $2 }'; }
# check_call WAV SEGMENTS SOURCE: level, length, segments.
check_call() {
	wav=$1 segs=$2 src=$3
	rms=$(stat "$wav" "RMS *amplitude") len=$(stat "$wav" "Length")
	awk -v r="$rms" 'BEGIN { exit !(r > 0.03) }' || fail "$wav: RMS $rms, silent"
	awk -v l="$len" 'BEGIN { exit !(l >= 2 && l <= 12) }' || fail "$wav: lasts $len s"
	want=$(wc -l < "$segs")
	[ "$(grep -c " $src " "$segs")" -eq "$want" ] || fail "$wav: not every segment from $src: $(cat "$segs")"
	prev=0
	while read -r a b s item; do
		[ "$a" -ge "$prev" ] && [ "$b" -gt "$a" ] || fail "$wav: segment $a..$b out of order"
		r=$(sox "$wav" -n trim "${a}s" "=${b}s" stat 2>&1 | awk -F: '/RMS *amplitude/ { print $2 }')
		awk -v r="$r" 'BEGIN { exit !(r > 0.01) }' || fail "$wav: segment '$item' silent ($r)"
		if [ "$a" -gt "$prev" ]; then
			g=$(sox "$wav" -n trim "${prev}s" "=${a}s" stat 2>&1 | awk -F: '/Maximum amplitude/ { print $2 }')
			awk -v g="$g" 'BEGIN { exit !(g < 0.001) }' || fail "$wav: pause before '$item' not silent ($g)"
		fi
		prev=$b
	done < "$segs"
	# Counted again from the audio alone: pauses of 100 ms split it.
	rm -rf "$T/split" && mkdir "$T/split"
	sox "$wav" "$T/split/p.wav" silence 1 0.005 0.1% 1 0.1 0.1% : newfile : restart 2>/dev/null
	got=$(find "$T/split" -name 'p*.wav' -size +100c | wc -l)
	[ "$got" -eq "$want" ] || fail "$wav: sox finds $got segments, expected $want"
}
$RUN "$KV" make-pack "$T/pack" > "$T/make.out" || fail "make-pack: $(cat "$T/make.out")"
for call in "A012 3" "B105 24" "C999 15"; do
	set -- $call
	$RUN "$KV" call --segments --wav "$T/e-$1.wav" "$1" "$2" > "$T/e-$1.segs" || fail "call $1 $2"
	check_call "$T/e-$1.wav" "$T/e-$1.segs" espeak
	$RUN "$KV" call --pack "$T/pack" --segments --wav "$T/p-$1.wav" "$1" "$2" > "$T/p-$1.segs" ||
		fail "call --pack $1 $2"
	check_call "$T/p-$1.wav" "$T/p-$1.segs" pack
done
for v in vi-vn-x-central vi-vn-x-south; do
	$RUN "$KV" call --voice "$v" --segments --wav "$T/$v.wav" A012 3 > "$T/$v.segs" || fail "voice $v"
	check_call "$T/$v.wav" "$T/$v.segs" espeak
done
cmp -s "$T/vi-vn-x-central.wav" "$T/vi-vn-x-south.wav" && fail "the central and southern voices sound the same"
echo "ok   calls from espeak-ng and from the pack: sounding, 2..12 s, one segment a phrase"
echo "     A012 at counter 3, espeak-ng: $(stat "$T/e-A012.wav" Length) s, RMS $(stat "$T/e-A012.wav" "RMS *amplitude");" \
     "pack: $(stat "$T/p-A012.wav" Length) s, RMS $(stat "$T/p-A012.wav" "RMS *amplitude")"

# 3. The validator.
out=$($RUN "$KV" check "$T/pack") || fail "check refuses the generated pack: $out"
echo "$out" | grep -q "clips, ok" || fail "check said: $out"
# bad NAME: a copy of the pack to break.
bad() { rm -rf "$T/$1" && cp -R "$T/pack" "$T/$1"; }
# refused NAME FILE WORDS: check fails with a line naming FILE and saying WORDS.
refused() {
	out=$($RUN "$KV" check "$T/$1"); st=$?
	[ $st -eq 1 ] || fail "check $1: exit $st, expected 1 ($out)"
	echo "$out" | grep -q "$T/$1/$2: .*$3" || fail "check $1: no line naming $2 ($3): $out"
}
bad missing; rm "$T/missing/digit-3.wav"; refused missing digit-3.wav missing
bad rate; sox "$T/pack/digit-4.wav" -r 16000 "$T/rate/digit-4.wav"; refused rate digit-4.wav "sample rate 16000"
bad silent; sox -n -r 22050 -b 16 -c 1 "$T/silent/letter-B.wav" trim 0 0.4; refused silent letter-B.wav silent
bad clipped; sox "$T/pack/number-15.wav" "$T/clipped/number-15.wav" gain 24 2>/dev/null
refused clipped number-15.wav clipped
bad stereo; sox "$T/pack/digit-5.wav" -c 2 "$T/stereo/digit-5.wav"; refused stereo digit-5.wav "16-bit PCM mono"
bad unknown; sed -i 's/"mười lăm"/"mười năm"/' "$T/unknown/manifest.json"
refused unknown number-15.wav "not a phrase or word"
# All at once: one line each.
bad all; rm "$T/all/digit-3.wav"; cp "$T/rate/digit-4.wav" "$T/silent/letter-B.wav" "$T/clipped/number-15.wav" "$T/all/"
out=$($RUN "$KV" check "$T/all"); st=$?
[ $st -eq 1 ] && [ "$(echo "$out" | wc -l)" -eq 4 ] || fail "four problems, one line each, expected: $out"
$RUN "$KV" call --pack "$T/all" --wav "$T/x.wav" A012 3 2>"$T/err" && fail "a broken pack was used"
grep -q "digit-3.wav" "$T/err" || fail "the refusal does not name the file: $(cat "$T/err")"
echo "ok   check accepts the generated pack, refuses each broken clip naming its file"

# 4. No espeak-ng data: a clear error, not a crash.
mkdir -p "$T/nodata"
$RUN "$KV" say --espeak-data "$T/nodata" --wav "$T/x.wav" "xin chào" 2>"$T/err" && fail "spoke without voice data"
grep -q "espeak-ng voice data missing: .*phontab (install espeak-ng-data)" "$T/err" ||
	fail "missing data message: $(cat "$T/err")"
echo "ok   missing espeak-ng data is reported ($(cat "$T/err"))"
echo "     voice.sh took $(( $(date +%s) - t0 )) s"
