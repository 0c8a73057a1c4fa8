#!/bin/sh
# update.sh [BIN] - update benchmarks: bundle verify throughput next to
# `openssl dgst -sha256` on the same 256 MiB payload, bundle creation, and
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

a=$(now); openssl dgst -sha256 "$t/payload/blob" >/dev/null; b=$(now)
echo "openssl dgst -sha256, $mb MiB: $(rate "$a" "$b")"
a=$(now); "$bin/kiosk-bundle" create --key "$t/k.pem" --payload "$t/payload" --type app \
	--version 1.0.0 --compatible bench-kiosk --out "$t/b.kiosk"; b=$(now)
echo "kiosk-bundle create, $mb MiB: $(rate "$a" "$b")"
a=$(now); "$bin/kiosk-bundle" verify --public "$t/keys/k.pub" "$t/b.kiosk" >/dev/null; b=$(now)
echo "kiosk-bundle verify (signature + every chunk + tree), $mb MiB: $(rate "$a" "$b")"
a=$(now); "$bin/kiosk-bundle" info --public "$t/keys/k.pub" "$t/b.kiosk" >/dev/null; b=$(now)
echo "kiosk-bundle info (header + signature only): $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f s", b - a }')"
a=$(now); "$bin/kiosk-update" --root "$t/root" --keys "$t/keys" --compatible-file "$t/compatible" \
	install "$t/b.kiosk" >/dev/null; b=$(now)
echo "kiosk-update install (pre-check + write + fsync + read-back), $mb MiB: $(rate "$a" "$b")"
