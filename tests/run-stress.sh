#!/bin/sh
# run-stress.sh BIN - long-running robustness tests: the ledger crash test
# (kills with printer and storage faults) with 3000 kills and two more seeds
# with 1000; about 10-20 minutes (1000 kills took 4 min on a loaded 2-core host).
set -eu
bin=${1:-build/bin}
top=$(pwd)
ttools=$top/build/native/tests/tools
# "make stress" builds only "all": the test programs come from "make units".
make -s -j2 units >/dev/null
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-stress.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "stress: ledger crash, 3000 kills"
"$ttools/ledger_crash" "$tmp/a" "${STRESS_KILLS:-3000}" 1
for s in 2 3; do
	echo "stress: ledger crash, 1000 kills, seed $s"
	"$ttools/ledger_crash" "$tmp/s$s" 1000 "$s"
done
echo "stress: all passed"
