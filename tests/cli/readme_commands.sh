#!/bin/sh
# readme_commands.sh - README.md's commands, run the way a newcomer runs them.
#
# The tree is copied as a clone would hold it (the files git tracks, with
# their working-tree content; no build/ folder) and built there by the
# README's own first command: `make run`, with no DISPLAY (headless), then
# again inside a real X screen (Xvfb): each run must draw its first frame
# (--report through KIOSK_ARGS), stay up for several seconds and end with
# exit 0 on SIGINT; under Xvfb a real window must exist and show a picture.
# Then every other command of README.md's ```sh blocks runs in the copy,
# with its placeholders (FILE, DIR, MODEL) filled in: a README command this
# test does not know fails the test, and so does a known command the README
# no longer shows. `make ...` targets and `build/bin/...` tools named inline
# in README.md must exist. `make test` itself is the suite running this.
# Native only: the asan and arm64 passes would only repeat the same build.
set -u
[ "${ARCH:-native}" = native ] || { echo "README commands: native pass only"; exit 77; }
top=$(pwd)
t=$TESTS_TMP
. "$top/tests/cli/xvfb.inc"
fails=0
check() { what=$1; shift; if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fails=$((fails + 1)); fi; }
bad() { echo "FAIL $1"; fails=$((fails + 1)); }
cleanup() {
	for p in $(kiosk_pids); do kill "$p" 2>/dev/null; done
	[ -n "${mpid:-}" ] && kill "$mpid" 2>/dev/null
	xvfb_stop
}
trap cleanup EXIT

# A newcomer's shell: none of the test runner's settings.
unset SDL_VIDEODRIVER SDL_AUDIODRIVER KIOSK_ASSETS ASSETS BIN TTOOLS RUN KIOSK_USB_NO_DISCOVERY \
	KIOSK_DATA KIOSK_ARGS DISPLAY WAYLAND_DISPLAY MAKEFLAGS MFLAGS MAKELEVEL
# The build uses both cores, as `make -j2` would (still the README's command).
export MAKEFLAGS=-j2

# ---- the commands README.md shows ------------------------------------------
# Lines of ```sh blocks, continuations joined, comments (two spaces and #) cut.
awk '/^```sh$/ { on = 1; next } /^```$/ { on = 0; next }
	on { line = line $0
	     if (sub(/\\$/, "", line)) next
	     sub(/  +#.*$/, "", line); gsub(/  +/, " ", line); sub(/ +$/, "", line)
	     if (line != "") print line
	     line = "" }' "$top/README.md" > "$t/commands"
check "README.md shows commands (${n:=$(wc -l < "$t/commands")})" test "$n" -ge 5

# Every command this test runs, exactly as README.md shows it.
cat > "$t/known" <<'EOF'
make run
make test
make run KIOSK_ARGS="--report -"
build/bin/kiosk --fullscreen
build/bin/kiosk --window 1280x720
build/bin/kiosk --headless [--size 1080x1920]
build/bin/kiosk --headless --script FILE [--screenshots DIR]
build/bin/kiosk-bundle keygen --private release.pem --public release.pub
build/bin/kiosk-bundle create --key release.pem --payload DIR --type app --version 1.2.0 --compatible MODEL --out kiosk-app-1.2.0.kiosk
build/bin/kiosk-bundle verify --public release.pub --compatible MODEL kiosk-app-1.2.0.kiosk
make screenshots SCREENSHOTS_DIR=build/screenshots
make bench
build/bin/kiosk-print --test-page --out test-page.escpos
build/bin/catalog-check assets/catalog.json
echo 'P001;K1;x-1;2.0;-;1' | build/bin/kiosk-handoff decode
echo 'Nguyeenx Vawn Binhf' | build/bin/kiosk-ime --method telex
EOF
while IFS= read -r c; do
	grep -qxF -- "$c" "$t/known" || bad "README command without a test here: $c"
done < "$t/commands"
while IFS= read -r c; do
	grep -qxF -- "$c" "$t/commands" || bad "this test runs a command README.md no longer shows: $c"
done < "$t/known"

# ---- a fresh copy -----------------------------------------------------------
c="$t/clone"
mkdir -p "$c"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$top" && git ls-files -z | tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -xf - -C "$c"
else
	(cd "$top" && tar --exclude=./build -cf - .) | tar -xf - -C "$c"
fi
check "the copy has the Makefile and no build folder" test -f "$c/Makefile" -a ! -e "$c/build"
cd "$c" || exit 1
kexe="$c/build/bin/kiosk"

# Inline mentions: `make TARGET` needs the target, `build/bin/TOOL` the tool
# (checked after the build below).
grep -o '`make [^`]*`' README.md | tr -d '`' | tr ' ' '\n' | grep -v -e '^make$' -e '=' -e '^\[' -e '^-' -e '"' |
	sort -u > "$t/targets"
while read -r tg; do
	check "README's make target '$tg' is in the Makefile" grep -q "^$tg:" Makefile
done < "$t/targets"

kiosk_pids() { # the copy's kiosk processes
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/exe" 2>/dev/null)" = "$kexe" ] && echo "${p#/proc/}"
	done
}
# office_screen: what Welcome is at this moment with the shipped hours
# (assets/site.json: Mon-Fri 07:30-17:00 with lunch tickets on, Sat
# 07:30-11:30, Vietnam time): "welcome" when open, "closed" otherwise, and
# "welcome|closed" within two minutes of a change, so the test does not
# depend on when it runs.
office_screen() {
	python3 - <<'PY'
import datetime as dt
now = dt.datetime.now(dt.timezone(dt.timedelta(hours=7)))
def is_open(t):
    m = t.hour * 60 + t.minute
    end = {5: 11 * 60 + 30}.get(t.weekday(), 17 * 60)
    return t.weekday() <= 5 and 7 * 60 + 30 <= m < end
states = {is_open(now + dt.timedelta(minutes=k)) for k in (-2, 0, 2)}
print("|".join(sorted(({True: "welcome", False: "closed"}[o] for o in states), reverse=True)))
PY
}
# stay_up NAME REPORT PID SCREEN SECONDS: the first frame within SECONDS,
# the expected first screen, alive 5 s later, then SIGINT to the kiosk and
# exit 0 from PID (make, or the kiosk itself).
stay_up() {
	name=$1 rep=$2 pid=$3 scr=$4 secs=$5
	i=0
	while ! grep -Eq '^FIRST_FRAME [0-9]+' "$rep" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || break # it ended (make run's usage error)
		i=$((i + 1))
		[ $i -gt $((secs * 5)) ] && break
		sleep 0.2
	done
	if ! grep -Eq '^FIRST_FRAME [0-9]+' "$rep" 2>/dev/null; then
		tail -n 30 "$rep" "$t/$name.out" 2>/dev/null
		bad "$name: no first frame (it ended, or $secs s passed)"
		kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
		return 1
	fi
	echo "     $name: $(grep -m1 '^FIRST_FRAME' "$rep")"
	[ "$scr" = welcome ] && scr=$(office_screen)
	check "$name: first screen $scr" grep -qxE "SCREEN ($scr)" "$rep"
	sleep 5
	k=$(kiosk_pids | head -n 1)
	check "$name: still up after 5 s" test -n "$k"
	[ "$name" = x11 ] || [ "$name" = window ] || [ "$name" = fullscreen ] && shot "$name"
	[ -n "$k" ] && kill -INT "$k"
	wait "$pid"; st=$?
	check "$name: SIGINT ends it cleanly (exit $st)" test "$st" -eq 0
	check "$name: no kiosk left running" test -z "$(kiosk_pids)"
}
shot() { # a real window on the X screen, showing a picture
	xwininfo -root -tree | grep '"kiosk"' > "$t/$1.xwininfo"
	check "$1: a kiosk window on the X screen" test -s "$t/$1.xwininfo"
	[ "$1" = fullscreen ] || check "$1: the window is 1280x720 ($(head -c 120 "$t/$1.xwininfo"))" \
		grep -q ' 1280x720+' "$t/$1.xwininfo"
	[ "$1" != fullscreen ] || check "$1: the window fills the screen" grep -q ' 1920x1080+0+0' "$t/$1.xwininfo"
	set -- "$1" $(xwd_colours "$XVFB_FB")
	check "$1: the screen shows a picture ($2 colours, $3 % lit)" test "$2" -ge 8 -a "$3" -ge 20
}

# ---- make run, headless ----------------------------------------------------
# KIOSK_ARGS is the documented way to add options (here the report).
start=$(date +%s)
KIOSK_ARGS="--report $t/headless.report" make run > "$t/headless.out" 2>&1 &
mpid=$!
stay_up headless "$t/headless.report" "$mpid" welcome 1500
mpid=""
echo "     make run (build included) took $(($(date +%s) - start)) s"
check "make run headless: said so" grep -q "running headless" "$t/headless.out"
check "make run: no usage error" sh -c "! grep -q 'needs a value\|unknown option' '$t/headless.out'"
# Ctrl+C at a terminal: SIGINT to the whole process group, make included
# (at a terminal make then reports the interrupt; here, a background job,
# make ignores SIGINT as sh set it up; the kiosk itself must stop cleanly).
KIOSK_ARGS="--report $t/ctrlc.report" setsid make run > "$t/ctrlc.out" 2>&1 &
mpid=$!
if report_wait "$t/ctrlc.report" '^FIRST_FRAME' 120 && [ -n "$(kiosk_pids)" ]; then
	sleep 2
	k=$(kiosk_pids | head -n 1)
	g=$(awk '{ print $5 }' "/proc/$k/stat" 2>/dev/null) # its process group
	if [ -n "$g" ]; then kill -s INT -- "-$g"; else bad "Ctrl+C: kiosk '$k' has no group"; kill "$mpid"; fi
	wait "$mpid"
	check "Ctrl+C: the kiosk stopped on SIGINT (its log)" \
		test "$(grep -c 'stopping on signal 2' build/run-data/logs/kiosk.log)" -ge 2
	check "Ctrl+C: no kiosk left running" test -z "$(kiosk_pids)"
else
	bad "Ctrl+C run: no first frame"
fi
mpid=""
for tool in $(grep -o 'build/bin/[a-z-]*' README.md | sort -u); do
	check "README's $tool is built" test -x "$tool"
done

# ---- make run in a real X window (Xvfb) --------------------------------------
if xvfb_start 1920x1080; then
	make run KIOSK_ARGS="--report -" > "$t/x11.out" 2>&1 &
	mpid=$!
	stay_up x11 "$t/x11.out" "$mpid" welcome 120
	mpid=""
	check "make run under X: a window" grep -q "window on the desktop" "$t/x11.out"

	# build/bin/kiosk --window 1280x720 and --fullscreen (the board; no PINs
	# in ./kiosk-data: the first-boot set-up).
	build/bin/kiosk --window 1280x720 --report "$t/window.report" > "$t/window.out" 2>&1 &
	stay_up window "$t/window.report" $! welcome 60
	build/bin/kiosk --fullscreen --report "$t/fullscreen.report" > "$t/fullscreen.out" 2>&1 &
	stay_up fullscreen "$t/fullscreen.report" $! first-boot 60
	check "--fullscreen: the kiosk's data in ./kiosk-data" test -d kiosk-data
	xvfb_stop
else
	bad "Xvfb did not start"
fi

# ---- build/bin/kiosk --headless [--size 1080x1920] ----------------------------
build/bin/kiosk --headless --report "$t/hl.report" > "$t/hl.out" 2>&1 &
stay_up headless-default "$t/hl.report" $! welcome 60
build/bin/kiosk --headless --size 1080x1920 --report "$t/hp.report" > "$t/hp.out" 2>&1 &
stay_up headless-portrait "$t/hp.report" $! welcome 60

# ---- scenario mode ------------------------------------------------------------
check "--headless --script FILE --screenshots DIR" \
	sh -c "build/bin/kiosk --headless --script tests/scenarios/journey_en.kss --screenshots '$t/scn' \
		--data '$t/scn-data' > '$t/scn.out' 2>&1"
check "the scenario's screenshots" test -s "$t/scn/en-ticket.png"
check "the scenario's ticket in the spool" sh -c "ls '$t'/scn-data/spool/*-A001.escpos >/dev/null"

# ---- kiosk-bundle, as README shows it -------------------------------------------
mkdir -p "$t/payload/bin"; cp build/bin/kiosk "$t/payload/bin/"; echo 1.2.0 > "$t/payload/VERSION"
sub() { sed -e "s|DIR|$t/payload|" -e "s|MODEL|readme-test-model|" "$t/known" | grep -F "kiosk-bundle $1"; }
for step in keygen create verify; do
	cmd=$(sub "$step")
	check "kiosk-bundle $step" sh -c "$cmd > '$t/bundle-$step.out' 2>&1"
done
check "kiosk-bundle create: the bundle" test -s kiosk-app-1.2.0.kiosk
check "kiosk-bundle verify refuses another model" \
	sh -c "! build/bin/kiosk-bundle verify --public release.pub --compatible other kiosk-app-1.2.0.kiosk 2>/dev/null"

# ---- make screenshots ---------------------------------------------------------
check "make screenshots" sh -c "make screenshots SCREENSHOTS_DIR=build/screenshots > '$t/shots.out' 2>&1"
promised=$(sed -n 's/.*(\([0-9]*\) files).*/\1/p' README.md | head -n 1)
got=$(find build/screenshots -name '*__*__*__*__*.png' | wc -l)
check "make screenshots: $got files, README promises $promised" test "$got" = "$promised"
check "make screenshots: every PNG decodes" python3 - build/screenshots <<'EOF'
import os, struct, sys, zlib
d = sys.argv[1]
for f in os.listdir(d):
    b = open(os.path.join(d, f), "rb").read()
    assert b[:8] == b"\x89PNG\r\n\x1a\n", f
    i, idat, w = 8, b"", 0
    while i < len(b):
        n, k = struct.unpack(">I4s", b[i:i + 8])
        body = b[i + 8:i + 8 + n]
        assert zlib.crc32(k + body) == struct.unpack(">I", b[i + 8 + n:i + 12 + n])[0], f
        if k == b"IHDR":
            w, h = struct.unpack(">II", body[:8])
        if k == b"IDAT":
            idat += body
        i += 12 + n
    raw = zlib.decompress(idat)
    assert w > 0 and len(raw) >= h * (w * 3 + 1), f
EOF

# ---- make bench (BENCH_QUICK=1: the same benchmarks, short) ----------------------
check "make bench BENCH_QUICK=1 (every benchmark ran)" \
	sh -c "make bench BENCH_QUICK=1 > '$t/bench.out' 2>&1"
for b in tests/bench/*.sh; do
	check "bench $(basename "$b" .sh) printed" grep -qx "== $(basename "$b" .sh)" "$t/bench.out"
done
check "bench: time to first frame" grep -q "time to first frame" "$t/bench.out"

# ---- the tools -------------------------------------------------------------------
check "kiosk-print --test-page --out test-page.escpos" \
	sh -c "build/bin/kiosk-print --test-page --out test-page.escpos && test -s test-page.escpos"
check "catalog-check assets/catalog.json" \
	sh -c "build/bin/catalog-check assets/catalog.json | grep -q ': ok,'"
check "kiosk-handoff decode" \
	sh -c "echo 'P001;K1;x-1;2.0;-;1' | build/bin/kiosk-handoff decode | grep -qx 'number=P001'"
check "kiosk-ime --method telex" \
	sh -c "test \"\$(echo 'Nguyeenx Vawn Binhf' | build/bin/kiosk-ime --method telex)\" = 'Nguyễn Văn Bình'"
echo "     make test: this suite"

cd "$top" || exit 1
[ "$fails" -eq 0 ] && echo "README commands: all checks passed"
[ "$fails" -eq 0 ]
