#!/bin/sh
# update.sh [BIN] - update benchmarks: bundle verify time next to
# `openssl dgst -sha256` on the same 256 MiB bundle (median ratio of RUNS
# runs, 5 by default, 3 with BENCH_QUICK=1), bundle creation, and
# the install time (pre-check + install pass + read-back). Prints figures,
# asserts nothing. SIZE_MB overrides the payload size.
set -eu
bin=${1:-${BIN:-build/bin}}
mb=${SIZE_MB:-256}
t=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-bench-update.XXXXXX")
trap 'rm -rf "$t"' EXIT
now() { date +%s.%N; }
rate() { awk -v mb="$mb" -v a="$1" -v b="$2" 'BEGIN { s = b - a; printf "%.2f s, %.0f MB/s", s, mb * 1.048576 / s }'; }

mkdir -p "$t/keys" "$t/payload" "$t/root"
"$bin/kiosk-bundle" keygen --private "$t/k.pem" --public "$t/keys/k.pub"
echo bench-kiosk > "$t/compatible"
openssl rand -out "$t/payload/blob" $((mb * 1048576))
echo 1.0.0 > "$t/payload/VERSION"

a=$(now); "$bin/kiosk-bundle" create --key "$t/k.pem" --payload "$t/payload" --type app \
	--version 1.0.0 --compatible bench-kiosk --out "$t/b.kiosk"; b=$(now)
echo "kiosk-bundle create, $mb MiB: $(rate "$a" "$b")"
# Verify next to `openssl dgst -sha256` of the same bundle file, in turns,
# file in the page cache; median of RUNS runs each (the machine is shared).
runs=${RUNS:-5}; [ "${BENCH_QUICK:-0}" = 1 ] && runs=${RUNS:-3}
cat "$t/b.kiosk" > /dev/null
: > "$t/times"
i=0
while [ $i -lt "$runs" ]; do
	a=$(now); openssl dgst -sha256 "$t/b.kiosk" >/dev/null; b=$(now)
	"$bin/kiosk-bundle" verify --public "$t/keys/k.pub" "$t/b.kiosk" >/dev/null || echo "verify FAILED"
	c=$(now)
	echo "$a $b $c" >> "$t/times"
	i=$((i + 1))
done
med() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
d=$(awk '{print $2 - $1}' "$t/times" | med)
v=$(awk '{print $3 - $2}' "$t/times" | med)
r=$(awk '{print ($3 - $2) / ($2 - $1)}' "$t/times" | med)
echo "openssl dgst -sha256 of the bundle, $mb MiB, median of $runs: $(rate 0 "$d")"
echo "kiosk-bundle verify (signature + every chunk hashed once + tree), $mb MiB, median of $runs: $(rate 0 "$v")"
echo "kiosk-bundle verify / openssl dgst -sha256: $(printf '%.2f' "$r")x (median of the per-run ratios; goal <= 1.05x)"
# arm64: the same under qemu when the arm64 build and an arm64 openssl exist
# (a native openssl next to an emulated verify would not be a ratio).
a64=$(cd "$bin/../.." 2>/dev/null && pwd)/arm64/bin
if [ -x "$a64/kiosk-bundle" ] && command -v qemu-aarch64 >/dev/null && [ -x /usr/bin/aarch64-linux-gnu-openssl ]; then
	a=$(now); qemu-aarch64 -L / /usr/bin/aarch64-linux-gnu-openssl dgst -sha256 "$t/b.kiosk" >/dev/null; b=$(now)
	qemu-aarch64 -L / "$a64/kiosk-bundle" verify --public "$t/keys/k.pub" "$t/b.kiosk" >/dev/null; c=$(now)
	echo "arm64 under qemu: verify / openssl dgst: $(awk -v a="$a" -v b="$b" -v c="$c" 'BEGIN { printf "%.2f", (c - b) / (b - a) }')x"
else
	echo "arm64 under qemu: skipped (needs build/arm64/bin and an arm64 openssl to compare with)"
fi
a=$(now); "$bin/kiosk-bundle" info --public "$t/keys/k.pub" "$t/b.kiosk" >/dev/null; b=$(now)
echo "kiosk-bundle info (header + signature only): $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f s", b - a }')"
a=$(now); "$bin/kiosk-update" --root "$t/root" --keys "$t/keys" --compatible-file "$t/compatible" \
	install "$t/b.kiosk" >/dev/null; b=$(now)
echo "kiosk-update install (pre-check + write + fsync + read-back), $mb MiB: $(rate "$a" "$b")"
