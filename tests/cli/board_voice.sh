#!/bin/sh
# board_voice.sh - the wall board speaks the calls (app/board_voice):
#   - a transcript (--board-feed, scenario time 09:00 local) whose first
#     snapshot is not spoken, then two calls close together, then a recall,
#     then the same snapshot resent, then two calls in one snapshot: one WAV
#     a call (--audio-out), in order, none cut: each lasts chime + gap +
#     repeat x (the sentence as kiosk-voice renders it + pause), within
#     0.05 s, so a different number or counter would not fit; the chime and
#     the speech are non-silent (sox RMS); the resent snapshot adds none;
#   - voice.repeat 1 shortens every call by one sentence;
#   - quiet hours (voice.quiet in local.json) covering the scenario time:
#     the chime only; quiet hours over midnight that do not cover it: speech;
#   - no audio driver: the board still runs, draws the calls, says once in
#     the log that they are not heard, and --audio-out still gets them;
#   - a live fake hub: a new call is spoken, a restarted hub resending the
#     same snapshot (a reconnect) is not spoken again, a recall is;
#   - (QUICK=0) SDL's disk audio driver: what the device was given is all
#     the calls' audio, in full.
set -u
: "${BIN:=$(pwd)/build/bin}" "${RUN:=}" "${TESTS_TMP:=$(mktemp -d)}" "${QUICK:=0}"
W="$TESTS_TMP/board_voice"
rm -rf "$W"; mkdir -p "$W"
die() { echo "FAIL: $*" >&2; for f in "$W"/err*; do [ -f "$f" ] && tail -5 "$f" >&2; done; exit 1; }
command -v sox >/dev/null 2>&1 || { echo "skip: sox missing (tools/deps.sh test)"; exit 77; }
command -v python3 >/dev/null || { echo "skip: no python3"; exit 77; }
export KIOSK_ASSETS="${ASSETS:-$(pwd)/build/share/kiosk}"
HUB_PID=""; BOARD_PID=""
cleanup() {
	[ -n "$BOARD_PID" ] && kill "$BOARD_PID" 2>/dev/null
	[ -n "$HUB_PID" ] && kill "$HUB_PID" 2>/dev/null
	wait 2>/dev/null
}
trap cleanup EXIT INT TERM

RATE=22050
CHIME=19844          # 2 x 0.45 s (app/board_voice.c)
GAP=6615             # 300 ms chime to speech
RGAP=15435           # 700 ms after each saying
TOL=1102             # 0.05 s

call() { # number counter at_ms recall
	printf '{"number":"%s","counter":%s,"counter_name":{"vi":"Quầy %s"},"at_ms":%s,"recall":%s}' \
		"$1" "$2" "$2" "$3" "$4"
}
ev() { # seq calls-json
	printf 'id: %s\nevent: state\ndata: {"v":1,"seq":%s,"office":"UBND","now_ms":1764650000000,"calls":[%s],"groups":[]}\n\n' \
		"$1" "$1" "$2"
}
A11=$(call A011 1 1764649990000 0)
A12=$(call A012 3 1764649995000 0)
A13=$(call A013 21 1764649996000 0)
R12=$(call A012 3 1764649998000 1)
A14=$(call B014 15 1764649999000 0)
A15=$(call B015 7 1764649999500 0)
{
	ev 1 "$A11"
	ev 2 "$A12,$A11"
	ev 3 "$A13,$A12,$A11"
	ev 4 "$R12,$A13,$A11"
	ev 5 "$R12,$A13,$A11"
	ev 6 "$A15,$A14,$R12,$A13,$A11"
} > "$W/feed.sse"
# What is spoken, in order, and how long one sentence of each is.
EXPECT="A012:3 A013:21 A012:3 B014:15 B015:7"
for e in $EXPECT; do
	n=${e%:*}; c=${e#*:}
	[ -f "$W/len-$n-$c" ] && continue
	$RUN "$BIN/kiosk-voice" call --wav "$W/one.wav" "$n" "$c" || die "kiosk-voice call $n $c"
	sox --i -s "$W/one.wav" > "$W/len-$n-$c"
done

board() { # name [local.json]: run the board on the transcript into $W/NAME
	mkdir -p "$W/$1/d"
	[ -n "${2:-}" ] && printf '%s\n' "$2" > "$W/$1/d/local.json"
	$RUN "$BIN/kiosk" --board-feed "$W/feed.sse" --headless --size 960x540 --data "$W/$1/d" \
		--audio-out "$W/$1/wav" --screenshots "$W/$1/shots" --targets --stats 2> "$W/err-$1" ||
		die "$1: the board failed"
}
rms() { sox "$1" -n trim "$2"s ${3:+${3}s} stat 2>&1 | awk '/RMS +amplitude/ {print $3}'; }
check_calls() { # name repeat
	set -- "$1" "$2"
	got=$(ls "$W/$1/wav" | grep -c '^call-.*\.wav$')
	[ "$got" = 5 ] || die "$1: $got call WAVs, expected 5 (the first snapshot and the resent one say nothing)"
	i=0
	for e in $EXPECT; do
		i=$((i + 1)); n=${e%:*}; c=${e#*:}
		f=$(printf '%s/%s/wav/call-%03d.wav' "$W" "$1" $i)
		one=$(cat "$W/len-$n-$c")
		want=$((CHIME + GAP + $2 * (one + RGAP)))
		have=$(sox --i -s "$f")
		d=$((have - want)); [ $d -lt 0 ] && d=$((-d))
		[ $d -le $TOL ] || die "$1: call $i lasts $have samples, expected $want ($n to counter $c, said $2 times)"
		[ "$(sox --i -r "$f")" = $RATE ] || die "$1: call $i is not at $RATE Hz"
		awk -v r="$(rms "$f" 0 $CHIME)" 'BEGIN {exit !(r > 0.02)}' || die "$1: call $i: the chime is silent"
		awk -v r="$(rms "$f" $((CHIME + GAP)))" 'BEGIN {exit !(r > 0.02)}' || die "$1: call $i: the speech is silent"
	done
}

board full
check_calls full 2
grep -q "voice calls=5 device=yes" "$W/err-full" || die "full: --stats does not count 5 spoken calls"
echo "ok   5 calls in order (two close together, a recall, two in one snapshot), each chime + 2 sayings, none cut; the first and a resent snapshot silent"

board once '{"voice":{"repeat":1}}'
check_calls once 1
echo "ok   voice.repeat 1: one saying a call"

board quiet '{"voice":{"quiet":"08:30-09:30"}}'
got=$(ls "$W/quiet/wav" | grep -c '^call-')
[ "$got" = 5 ] || die "quiet: $got WAVs, expected 5 chimes"
for f in "$W"/quiet/wav/call-*.wav; do
	[ "$(sox --i -s "$f")" = $CHIME ] || die "quiet: $f is not the chime alone"
done
grep -q "quiet hours: the chime only" "$W/err-quiet" || die "quiet: no log line"
board night '{"voice":{"quiet":"21:00-06:00"}}'
check_calls night 2
echo "ok   quiet hours 08:30-09:30 at 09:00: the chime only; 21:00-06:00: spoken"

mkdir -p "$W/nodev/d"
SDL_AUDIODRIVER=no-such-driver $RUN "$BIN/kiosk" --board-feed "$W/feed.sse" --headless --size 1920x1080 \
	--data "$W/nodev/d" --audio-out "$W/nodev/wav" --screenshots "$W/nodev/shots" --targets 2> "$W/err-nodev" ||
	die "no device: the board failed"
grep -q '"label":"B015"' "$W/nodev/shots/board.targets" || die "no device: the board does not show the last call"
[ "$(grep -c 'not heard' "$W/nodev/d/logs/kiosk.log")" = 1 ] || die "no device: not said once in the log"
grep 'not heard' "$W/nodev/d/logs/kiosk.log" | grep -q 'no audio' || die "no device: the log line does not say why"
[ "$(ls "$W/nodev/wav" | grep -c '^call-')" = 5 ] || die "no device: --audio-out lost calls"
echo "ok   no audio device: the board runs, says so once ($(grep -o 'no audio[^:]*' "$W/nodev/d/logs/kiosk.log" | head -1))"

# A kiosk's help call: one chime alone (nothing spoken), not again when the
# snapshot is resent, none for one already open when the board started;
# the top bar names the kiosk while the call is open.
hev() { # seq help-json
	printf 'id: %s\nevent: state\ndata: {"v":1,"seq":%s,"office":"UBND","now_ms":1764650000000,"calls":[%s],"groups":[],"help":[%s]}\n\n' \
		"$1" "$1" "$A11" "$2"
}
H0='{"id":3,"kiosk":"Ki-ốt 2","at_ms":1764649990000,"taken_by":null}'
H1='{"id":4,"kiosk":"Ki-ốt 1","at_ms":1764649999000,"taken_by":null}'
{ hev 1 "$H0"; hev 2 "$H1,$H0"; hev 3 "$H1,$H0"; } > "$W/help.sse"
mkdir -p "$W/help/d"
$RUN "$BIN/kiosk" --board-feed "$W/help.sse" --headless --size 1920x1080 --data "$W/help/d" \
	--audio-out "$W/help/wav" --screenshots "$W/help/shots" --targets 2> "$W/err-help" || die "help: the board failed"
got=$(ls "$W/help/wav" | grep -c '^call-')
[ "$got" = 1 ] || die "help: $got WAVs, expected one chime"
[ "$(sox --i -s "$W/help/wav/call-001.wav")" = $CHIME ] || die "help: the help call is not the chime alone"
grep -q '"label":"2 ki-ốt cần hỗ trợ"' "$W/help/shots/board.targets" || die "help: the top bar does not say two kiosks need staff"
{ hev 1 ""; hev 2 "$H1"; } > "$W/help1.sse"
rm -rf "$W/help"; mkdir -p "$W/help/d"
$RUN "$BIN/kiosk" --board-feed "$W/help1.sse" --headless --size 1080x1920 --data "$W/help/d" \
	--audio-out "$W/help/wav" --screenshots "$W/help/shots" --targets 2> "$W/err-help" || die "help: the board failed"
grep -q '"label":"Ki-ốt 1 cần hỗ trợ"' "$W/help/shots/board.targets" || die "help: the top bar does not name the kiosk"
[ "$(ls "$W/help/wav" | grep -c '^call-')" = 1 ] || die "help: no chime for a new help call"
echo "ok   help calls: one chime alone each, none resent; the top bar names the kiosk (or says how many)"

# A live hub: a reconnect resends the snapshot; it must not be said again.
mkdir -p "$W/hub" "$W/live"
snap() { printf '{"v":1,"seq":%s,"office":"UBND","calls":[%s],"groups":[]}\n' "$1" "$2" > "$W/hub/snapshot.json.tmp"
	mv "$W/hub/snapshot.json.tmp" "$W/hub/snapshot.json"; }
start_hub() {
	python3 tests/tools/fake_hub.py "$W/hub" --port "${PORT:-0}" --heartbeat 2 &
	HUB_PID=$!
	i=0
	while [ ! -s "$W/hub/port" ]; do
		i=$((i + 1)); [ $i -gt 100 ] && die "the fake hub did not start"; sleep 0.1
	done
	PORT=$(cat "$W/hub/port")
}
stop_hub() { kill "$HUB_PID"; wait "$HUB_PID" 2>/dev/null; HUB_PID=""; rm -f "$W/hub/port"; }
wavs() { ls "$W/live/wav" 2>/dev/null | grep -c '^call-'; }
wait_wavs() { # count seconds
	n=0
	while [ "$(wavs)" != "$1" ]; do
		n=$((n + 1)); [ $n -gt $(($2 * 5)) ] && return 1
		kill -0 "$BOARD_PID" 2>/dev/null || die "live: the board exited"
		sleep 0.2
	done
}
connects() { k=$(grep -c "connected to the hub" "$W/live/d/logs/kiosk.log" 2>/dev/null); echo "${k:-0}"; }
# at_ms 0: no age check (the fake hub's clock is not the board's).
L1='{"number":"A001","counter":2,"recall":0}'
L2='{"number":"A002","counter":4,"recall":0}'
L2R='{"number":"A002","counter":4,"recall":1}'
snap 1 "$L1"
start_hub
$RUN "$BIN/kiosk" --board "http://127.0.0.1:$PORT/" --headless --size 960x540 --data "$W/live/d" \
	--audio-out "$W/live/wav" 2> "$W/err-live" &
BOARD_PID=$!
n=0; until [ "$(connects)" -ge 1 ]; do n=$((n + 1)); [ $n -gt 150 ] && die "live: no connection"; sleep 0.2; done
snap 2 "$L2,$L1"
wait_wavs 1 20 || die "live: the new call A002 was not spoken"
stop_hub
start_hub
n=0; until [ "$(connects)" -ge 2 ]; do n=$((n + 1)); [ $n -gt 250 ] && die "live: no reconnection"; sleep 0.2; done
sleep 3
[ "$(wavs)" = 1 ] || die "live: the reconnect's resent snapshot was spoken again"
snap 3 "$L2R,$L1"
wait_wavs 2 20 || die "live: the recall was not spoken"
# The office's settings in the snapshot (the kiosk menu's "Wall board: the
# voice", sent by the hub) hold over the board's own: the chime only.
L3='{"number":"A003","counter":1,"recall":0}'
printf '{"v":1,"seq":4,"office":"UBND","calls":[%s,%s,%s],"groups":[],"board":{"volume":100,"repeat":0,"rate":150,"quiet":""}}\n' \
	"$L3" "$L2R" "$L1" > "$W/hub/snapshot.json.tmp"
mv "$W/hub/snapshot.json.tmp" "$W/hub/snapshot.json"
wait_wavs 3 20 || die "live: the call A003 under the hub's settings was not played"
last=$(ls "$W/live/wav" | grep '^call-' | sort | tail -n 1)
first=$(ls "$W/live/wav" | grep '^call-' | sort | head -n 1)
awk -v a="$(sox --i -D "$W/live/wav/$last")" -v b="$(sox --i -D "$W/live/wav/$first")" 'BEGIN {exit !(a < 2 && b > 3)}' ||
	die "live: with the hub's repeat 0 the call lasts $(sox --i -D "$W/live/wav/$last") s (a spoken one $(sox --i -D "$W/live/wav/$first") s)"
grep -q "voice settings now volume 100, said 0 times" "$W/live/d/logs/kiosk.log" || die "live: no word of the new settings in the log"
# A counter with a name of its own is called by it: the call lasts as long as
# kiosk-voice's call to "Quầy tiếp nhận" (said once, the hub's setting).
L4='{"number":"A004","counter":7,"counter_name":{"vi":"Quầy tiếp nhận","en":"Reception"},"recall":0}'
printf '{"v":1,"seq":5,"office":"UBND","calls":[%s,%s,%s,%s],"groups":[],"board":{"volume":100,"repeat":1,"rate":150,"quiet":""}}\n' \
	"$L4" "$L3" "$L2R" "$L1" > "$W/hub/snapshot.json.tmp"
mv "$W/hub/snapshot.json.tmp" "$W/hub/snapshot.json"
wait_wavs 4 20 || die "live: the named counter's call was not played"
$RUN "$BIN/kiosk-voice" call --wav "$W/named.wav" --name "Quầy tiếp nhận" A004 7 || die "kiosk-voice call --name"
$RUN "$BIN/kiosk-voice" call --wav "$W/numbered.wav" A004 7 || die "kiosk-voice call A004 7"
last=$(ls "$W/live/wav" | grep '^call-' | sort | tail -n 1)
have=$(sox --i -s "$W/live/wav/$last")
want=$((CHIME + GAP + $(sox --i -s "$W/named.wav") + RGAP))
d=$((have - want)); [ $d -lt 0 ] && d=$((-d))
[ $d -le $TOL ] || die "live: the call to Quầy tiếp nhận lasts $have samples, the named call $want"
[ "$(sox --i -s "$W/named.wav")" != "$(sox --i -s "$W/numbered.wav")" ] || die "the name and the number sound the same length"
kill "$BOARD_PID"; wait "$BOARD_PID" 2>/dev/null; BOARD_PID=""
stop_hub
echo "ok   live hub: a new call spoken, a reconnect not repeated, a recall spoken again, the hub's voice settings taken, a named counter called by its name"

if [ "$QUICK" = 0 ]; then
	# What SDL was given, through its disk driver (plays out before exit, in real time).
	mkdir -p "$W/disk/d"
	printf '{"voice":{"repeat":1}}\n' > "$W/disk/d/local.json"
	SDL_AUDIODRIVER=disk SDL_DISKAUDIOFILE="$W/disk/out.raw" SDL_DISKAUDIODELAY=1 $RUN "$BIN/kiosk" \
		--board-feed "$W/feed.sse" --headless --size 960x540 --data "$W/disk/d" 2> "$W/err-disk" ||
		die "disk: the board failed"
	want=0
	for f in "$W"/once/wav/call-*.wav; do want=$((want + $(sox --i -s "$f"))); done
	have=$(( $(wc -c < "$W/disk/out.raw") / 2 ))
	[ "$have" -ge $((want - 5 * TOL)) ] || die "disk: the device got $have samples, the calls hold $want"
	awk -v r="$(sox -t raw -r $RATE -e signed -b 16 -c 1 "$W/disk/out.raw" -n stat 2>&1 | awk '/RMS +amplitude/ {print $3}')" \
		'BEGIN {exit !(r > 0.02)}' || die "disk: silent"
	echo "ok   SDL disk driver: the device got all 5 calls ($have samples >= $want)"
fi
echo "board_voice: ok"
