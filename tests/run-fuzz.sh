#!/bin/sh
# run-fuzz.sh SECONDS - run every libFuzzer target in build/fuzz for SECONDS
# each, from its committed seed corpus (tests/fuzz/corpus/<name>/). New
# inputs go to a scratch corpus, so the committed one stays as reviewed.
# A crash leaves its input in build/fuzz/artifacts/ and fails the run.
set -u
secs=${1:-30}
mkdir -p build/fuzz/artifacts
pass=0; fail=0
for f in build/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	name=$(basename "$f" | sed 's/^fuzz_//')
	seeds=tests/fuzz/corpus/$name
	work=build/fuzz/corpus/$name
	mkdir -p "$work" "$seeds"
	echo "fuzz $name: ${secs}s"
	if "$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix=build/fuzz/artifacts/"$name"- -print_final_stats=1 \
		"$work" "$seeds" > build/fuzz/"$name".log 2>&1; then
		pass=$((pass + 1)); grep -E 'stat::number_of_executed_units' build/fuzz/"$name".log
	else
		fail=$((fail + 1)); tail -n 30 build/fuzz/"$name".log
	fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
