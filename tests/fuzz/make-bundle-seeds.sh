#!/bin/sh
# make-bundle-seeds.sh [BIN] - regenerate the seed corpus of fuzz_bundle from
# small bundles signed with the test-only key tests/fuzz/bundle-test.pem
# (its public half is compiled into fuzz_bundle.c), plus bare header texts
# and a file list.
set -eu
bin=${1:-build/bin}
out=tests/fuzz/corpus/bundle
key=tests/fuzz/bundle-test.pem
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
rm -f "$out"/seed-*; mkdir -p "$out"
mkdir -p "$tmp/t1/sub" "$tmp/t2" "$tmp/t3"
echo 1.0.0 > "$tmp/t1/VERSION"; printf '#!/bin/sh\n' > "$tmp/t1/sub/run"; chmod 755 "$tmp/t1/sub/run"
: > "$tmp/t2/empty"
head -c 5000 /dev/zero > "$tmp/t3/zeros"
"$bin/kiosk-bundle" create --key "$key" --payload "$tmp/t1" --type app --version 1.0.0 \
	--compatible fuzz-kiosk --chunk-size 4096 --out "$out/seed-app.kiosk"
"$bin/kiosk-bundle" create --key "$key" --payload "$tmp/t2" --type data --version 2.3.4 \
	--compatible fuzz-kiosk --epoch 9 --out "$out/seed-data.kiosk"
"$bin/kiosk-bundle" create --key "$key" --payload "$tmp/t3" --type app --version 0.0.1 \
	--compatible fuzz-kiosk --chunk-size 4096 --out "$out/seed-chunks.kiosk"
# the signed header text alone, and the tree payload alone
n=$(od -An -tu4 -j8 -N4 "$out/seed-app.kiosk" | tr -d ' ')
dd if="$out/seed-app.kiosk" of="$out/seed-header.txt" bs=1 skip=12 count="$n" 2>/dev/null
off=$("$bin/kiosk-bundle" info "$out/seed-app.kiosk" | sed -n 's/^payload_offset=//p')
dd if="$out/seed-app.kiosk" of="$out/seed-tree.bin" bs=4096 skip=$((off / 4096)) 2>/dev/null
ls -l "$out"
