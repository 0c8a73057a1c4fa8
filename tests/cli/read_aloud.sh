#!/bin/sh
# read_aloud.sh - the kiosk reads its screens aloud (issue 15, item 3):
#   1. what is said on every screen state of the gallery equals
#      tests/cli/read_aloud.golden, and no answer a pose typed or a card gave
#      is in it (tests/tools/speech_plans);
#   2. "Nghe" on Welcome, the groups and the ticket screen: each reading is a
#      non-silent WAV (--audio-out) lasting within bounds, with one sounding
#      segment per item of the golden list, the ticket's number among them;
#   3. a touch stops the reading;
#   4. on a form with a name typed, "Nghe" reads the question, never the name;
#   5. with voice.read_screens each new screen is read by itself, Welcome not.
set -u
T=$TESTS_TMP/read
rm -rf "$T" && mkdir -p "$T"
fail() { echo "FAIL: $*"; exit 1; }
command -v sox >/dev/null 2>&1 || { echo "read_aloud: sox missing (tools/deps.sh test)"; exit 77; }
kiosk() { $RUN "$BIN/kiosk" --headless "$@"; }

# 1. The plans of every state.
$RUN "$TTOOLS/speech_plans" "$ASSETS" > "$T/plans" 2> "$T/plans.err" || { cat "$T/plans.err"; fail "speech_plans"; }
diff -u tests/cli/read_aloud.golden "$T/plans" || fail "what is read differs from tests/cli/read_aloud.golden"
echo "ok   what is read on $(wc -l < "$T/plans") screen states matches the golden list, no answer in it"

items() { grep "^$1	" tests/cli/read_aloud.golden | cut -f2 | awk -F' [|] ' '{print NF}'; }
# wav_ok FILE MIN MAX: non-silent, MIN..MAX seconds
wav_ok() {
	d=$(sox --i -D "$1") || return 1
	rms=$(sox "$1" -n stat 2>&1 | awk '/RMS +amplitude/ {print $3}')
	awk -v d="$d" -v r="$rms" -v lo="$2" -v hi="$3" 'BEGIN {exit !(d >= lo && d <= hi && r > 0.01)}' ||
		{ echo "  $1: $d s, RMS $rms (want $2..$3 s, RMS > 0.01)"; return 1; }
}

# 2. "Nghe" on three screens.
mkdir -p "$T/d"
cat > "$T/listen.kss" <<'K'
set-time 2026-01-05T09:00:00+07:00
tap listen
wait-speech
tap start
tap listen
wait-speech
tap group-chung-thuc
tap proc-chung-thuc-ban-sao
tap next
tap next
tap priority-no
expect screen ticket
tap listen
wait-speech
K
kiosk --data "$T/d" --script "$T/listen.kss" --audio-out "$T/wav" > "$T/listen.log" 2>&1 ||
	{ cat "$T/listen.log"; fail "the listen scenario"; }
[ "$(ls "$T/wav" | grep -c '^read-.*\.wav$')" = 3 ] || fail "3 readings wanted, found: $(ls "$T/wav" | tr '\n' ' ')"
i=0
for st in welcome groups ticket; do
	i=$((i + 1))
	f=$T/wav/read-00$i
	wav_ok "$f.wav" 2 40 || fail "$st: the reading is silent or out of bounds"
	want=$(grep -c . "$f.txt")
	case $st in
	ticket) # B001, read sign by sign: "bê không không một"
		[ "$(sed -n '2,5p' "$f.txt" | cut -f1 | tr '\n' ' ')" = "bê không không một " ] ||
			fail "ticket: the number B001 is not read: $(cut -f1 "$f.txt" | tr '\n' '|')" ;;
	*) [ "$want" = "$(items "$st")" ] || fail "$st: $want items read, the golden list has $(items "$st")" ;;
	esac
	# every item sounds where the reading says it is
	while IFS='	' read -r say start end; do
		[ "$end" -gt "$start" ] || fail "$st: item '$say' is empty"
		len=$(( end - start ))
		rms=$(sox "$f.wav" -n trim "${start}s" "${len}s" stat 2>&1 | awk '/RMS +amplitude/ {print $3}')
		awk -v r="$rms" 'BEGIN {exit !(r > 0.005)}' || fail "$st: item '$say' is silent (RMS $rms)"
	done < "$f.txt"
	echo "ok   $st: $want items, $(sox --i -D "$f.wav") s, each item sounding"
done
grep -q '^Số thứ tự của bạn là	' "$T/wav/read-003.txt" || fail "ticket: no 'Số thứ tự của bạn là'"
grep -q '^Không có ai chờ trước bạn	' "$T/wav/read-003.txt" || fail "ticket: nobody ahead is not said"

# 3. A touch stops the reading: started, then "Lấy số thứ tự" at once.
cat > "$T/stop.kss" <<'K'
tap listen
tap start
expect screen groups
wait-speech
K
kiosk --data "$T/d" --script "$T/stop.kss" --audio-out "$T/wav-stop" > "$T/stop.log" 2>&1 ||
	{ cat "$T/stop.log"; fail "the stop scenario"; }
grep -q 'read aloud: stopped by a touch' "$T/stop.log" || fail "a touch did not stop the reading"
echo "ok   a touch stops the reading"

# 4. A name typed on the form: "Nghe" reads the question only.
cat > "$T/form.kss" <<'K'
tap start
tap group-ho-tich
tap proc-khai-sinh
tap next
expect screen form
type "Nguyen Van An"
tap listen
wait-speech
K
kiosk --data "$T/d" --script "$T/form.kss" --audio-out "$T/wav-form" > "$T/form.log" 2>&1 ||
	{ cat "$T/form.log"; fail "the form scenario"; }
[ -s "$T/wav-form/read-001.txt" ] || fail "form: nothing read"
grep -qi 'nguy\|an$' "$T/wav-form/read-001.txt" && fail "form: the typed name is read aloud: $(cut -f1 "$T/wav-form/read-001.txt" | tr '\n' '|')"
head -n 1 "$T/wav-form/read-001.txt" | grep -q '^Họ và tên' || fail "form: the question is not read: $(head -n 1 "$T/wav-form/read-001.txt")"
grep -rqi 'nguy' "$T/form.log" && fail "form: the name reached the log"
echo "ok   on a form the question is read, never the answer"

# 5. voice.read_screens: every new screen by itself.
mkdir -p "$T/auto"
printf '{"voice":{"read_screens":true}}\n' > "$T/auto/local.json"
cat > "$T/auto.kss" <<'K'
wait-speech
tap start
wait-speech
tap group-chung-thuc
wait-speech
K
kiosk --data "$T/auto" --script "$T/auto.kss" --audio-out "$T/wav-auto" > "$T/auto.log" 2>&1 ||
	{ cat "$T/auto.log"; fail "the auto-read scenario"; }
n=$(ls "$T/wav-auto" 2>/dev/null | grep -c '^read-.*\.wav$')
[ "$n" = 2 ] || fail "auto-read: $n readings, want 2 (groups, procedures; Welcome is not read by itself)"
head -n 1 "$T/wav-auto/read-001.txt" | grep -q '^Bạn cần làm thủ tục gì' || fail "auto-read: the groups screen first"
head -n 1 "$T/wav-auto/read-002.txt" | grep -q '^Chứng thực' || fail "auto-read: then the procedures of the group"
echo "ok   voice.read_screens reads each new screen, not Welcome"
echo "read_aloud: ok"
