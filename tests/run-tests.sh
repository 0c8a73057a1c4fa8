#!/bin/sh
# run-tests.sh - run every unit test binary, every shell test and every
# scenario, and print one closing line "N passed, N failed".
#
#   --arch NAME     label for the output (native, asan, arm64)
#   --bin DIR       where kiosk and the tools are
#   --units DIR     where the unit test binaries are
#   --run "CMD"     prefix for running target binaries (qemu-aarch64 -L /)
#   --quick         unit tests, quick shell tests and one short scenario only
#
# Shell tests (tests/cli/*.sh) get BIN, RUN, ASSETS, TESTS_TMP, ARCH and
# QUICK in the environment; exit 0 = pass, 77 = skipped, other = fail.
set -u
arch=native; bin=build/bin; units=build/native/tests; run=""; quick=0
while [ $# -gt 0 ]; do
	case "$1" in
	--arch) arch=$2; shift 2 ;;
	--bin) bin=$2; shift 2 ;;
	--units) units=$2; shift 2 ;;
	--run) run=$2; shift 2 ;;
	--quick) quick=1; shift ;;
	*) echo "run-tests: unknown option $1" >&2; exit 2 ;;
	esac
done
top=$(pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-tests.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export BIN="$top/$bin" TTOOLS="$top/$units/tools" RUN="$run" ASSETS="$top/$bin/../share/kiosk" ARCH="$arch" QUICK="$quick"
export KIOSK_ASSETS="$ASSETS" SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy
# libusb under qemu user emulation: never scan for devices.
[ -n "$run" ] && export KIOSK_USB_NO_DISCOVERY=1
pass=0; fail=0; skip=0; failed=""

result() { # name status seconds
	case "$2" in
	0) pass=$((pass + 1)); echo "PASS $1 ($3 s)" ;;
	77) skip=$((skip + 1)); echo "SKIP $1" ;;
	*) fail=$((fail + 1)); failed="$failed $1"; echo "FAIL $1 (exit $2)" ;;
	esac
}

for t in "$units"/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	start=$(date +%s)
	( cd "$tmp" && TESTS_TMP="$tmp/$name" && mkdir -p "$TESTS_TMP" && export TESTS_TMP &&
	  cd "$top" && $run "$t" ) > "$tmp/$name.log" 2>&1
	st=$?
	[ $st -ne 0 ] && tail -n 40 "$tmp/$name.log"
	result "unit/$name" $st $(( $(date +%s) - start ))
done

for t in tests/cli/*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	if [ "$quick" = 1 ] && ! grep -q '^# quick' "$t"; then continue; fi
	start=$(date +%s)
	TESTS_TMP="$tmp/cli-$name"; mkdir -p "$TESTS_TMP"; export TESTS_TMP
	sh "$t" > "$tmp/cli-$name.log" 2>&1
	st=$?
	[ $st -ne 0 ] && [ $st -ne 77 ] && tail -n 40 "$tmp/cli-$name.log"
	result "cli/$name" $st $(( $(date +%s) - start ))
done

echo "[$arch] $pass passed, $fail failed, $skip skipped"
[ -n "$failed" ] && echo "[$arch] failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
