#!/bin/sh
# update_bundle.sh - kiosk-bundle: keygen, create, verify, info, and every
# kind of tampering rejected with its own message.
# quick
. "$(dirname "$0")/update_common.inc"
FLIP="$TTOOLS/update_flip"
flip() { $RUN "$FLIP" "$@" || die "flip $*"; }

# keygen: 0600 private key, raw 32-byte public key, never overwrite.
[ "$(stat -c %a "$W/test.pem")" = 600 ] || die "private key mode"
[ "$(stat -c %s "$W/keys/test.pub")" = 32 ] || die "public key size"
grep -q "BEGIN PRIVATE KEY" "$W/test.pem" || die "not PKCS#8 PEM"
cp "$W/test.pem" "$W/before.pem"
kb keygen --private "$W/test.pem" --public "$W/other.pub" 2>"$W/err" && die "keygen overwrote"
grep -q "already exists" "$W/err" || die "keygen message"
cmp -s "$W/test.pem" "$W/before.pem" || die "private key changed"
[ -e "$W/other.pub" ] && die "public key written although private exists"
kb keygen --private "$W/k2.pem" --public "$W/k2.pub" || die "second keygen"

bundle "$W/a.kiosk" 1.2.3 || die create
kb verify --public "$W/keys/test.pub" --compatible kiosk-test-v1 "$W/a.kiosk" || die "verify good"
kb verify --public "$W/keys" "$W/a.kiosk" >/dev/null || die "verify with key folder"
# PEM public key accepted too.
openssl pkey -in "$W/test.pem" -pubout -out "$W/test-pub.pem" 2>/dev/null &&
	{ kb verify --public "$W/test-pub.pem" "$W/a.kiosk" >/dev/null || die "PEM public key"; }
kb info "$W/a.kiosk" > "$W/info" || die info
grep -qx "signature=UNVERIFIED" "$W/info" || die "info without key must say UNVERIFIED"
grep -qx "version=1.2.3" "$W/info" || die "info version"
grep -qx "type=app" "$W/info" || die "info type"
kb info --public "$W/keys/test.pub" "$W/a.kiosk" | grep -qx "signature=ok" || die "info with key"

reject() { # expected-exit pattern file [verify options]
	want=$1; pat=$2; f=$3; shift 3
	kb verify --public "$W/keys/test.pub" "$@" "$f" >/dev/null 2>"$W/err"
	got=$?
	[ "$got" = "$want" ] || die "exit $got (want $want) for $pat: $(cat "$W/err")"
	[ "$(wc -l < "$W/err")" = 1 ] || die "not one line: $(cat "$W/err")"
	grep -q -- "$pat" "$W/err" || die "wanted '$pat', got: $(cat "$W/err")"
}
reject 1 "unknown key id" "$W/a.kiosk" --public "$W/k2.pub"
reject 1 "wrong compatible" "$W/a.kiosk" --compatible other-model
reject 1 "wrong type" "$W/a.kiosk" --type data
reject 2 "cannot open" "$W/missing.kiosk"
kb verify "$W/a.kiosk" 2>/dev/null; [ $? = 2 ] || die "verify without key must be a usage error"

# Every byte of the fixed part, header and signature block: flipped, rejected.
# (Sanitizer and emulated runs take every 7th byte; test_bundle flips every
# byte in memory anyway.)
n=$(od -An -tu4 -j8 -N4 "$W/a.kiosk" | tr -d ' ')
end=$((85 + n))
step=1; [ "${ARCH:-native}" = native ] || step=7
off=0
while [ $off -lt $end ]; do
	cp "$W/a.kiosk" "$W/t.kiosk"; flip "$W/t.kiosk" $off
	kb verify --public "$W/keys/test.pub" "$W/t.kiosk" >/dev/null 2>"$W/err" && die "flip at $off accepted"
	[ -s "$W/err" ] || die "flip at $off: no reason given"
	off=$((off + step))
done
echo "flipped header/signature bytes 0..$end (step $step): all rejected"
cp "$W/a.kiosk" "$W/t.kiosk"; flip "$W/t.kiosk" 0; reject 1 "bad magic" "$W/t.kiosk"
cp "$W/a.kiosk" "$W/t.kiosk"; flip "$W/t.kiosk" 4; reject 1 "format version" "$W/t.kiosk"
cp "$W/a.kiosk" "$W/t.kiosk"; flip "$W/t.kiosk" 6; reject 1 "flags" "$W/t.kiosk"
cp "$W/a.kiosk" "$W/t.kiosk"; flip "$W/t.kiosk" 11 0x80; reject 1 "header length" "$W/t.kiosk"
cp "$W/a.kiosk" "$W/t.kiosk"; flip "$W/t.kiosk" 20; reject 1 "bad signature" "$W/t.kiosk"
cp "$W/a.kiosk" "$W/t.kiosk"; flip "$W/t.kiosk" $((12 + n)); reject 1 "signature algorithm" "$W/t.kiosk"
cp "$W/a.kiosk" "$W/t.kiosk"; flip "$W/t.kiosk" $((14 + n)); reject 1 "unknown key id" "$W/t.kiosk"
cp "$W/a.kiosk" "$W/t.kiosk"; flip "$W/t.kiosk" $((40 + n)); reject 1 "bad signature" "$W/t.kiosk"
cp "$W/a.kiosk" "$W/t.kiosk"; flip "$W/t.kiosk" $((90 + n)); reject 1 "chunk table hash" "$W/t.kiosk"

# Payload: first byte, a middle byte of every chunk, last byte; the padding.
size=$(stat -c %s "$W/a.kiosk")
poff=$(kb info "$W/a.kiosk" | sed -n 's/^payload_offset=//p')
for off in $poff $((poff + 1)) $((poff + 5000)) $((poff + 9000)) $((size - 1)); do
	cp "$W/a.kiosk" "$W/t.kiosk"; flip "$W/t.kiosk" $off
	reject 1 "hash mismatch" "$W/t.kiosk"
done
cp "$W/a.kiosk" "$W/t.kiosk"; flip "$W/t.kiosk" $((poff - 1)); reject 1 "padding" "$W/t.kiosk"
# Truncated by one byte, one extra byte, empty file.
head -c $((size - 1)) "$W/a.kiosk" > "$W/t.kiosk"; reject 1 "truncated" "$W/t.kiosk"
cp "$W/a.kiosk" "$W/t.kiosk"; printf x >> "$W/t.kiosk"; reject 1 "trailing data" "$W/t.kiosk"
: > "$W/t.kiosk"; reject 1 "truncated" "$W/t.kiosk"
head -c 100 "$W/a.kiosk" > "$W/t.kiosk"; reject 1 "truncated" "$W/t.kiosk"

# create refuses links, bad versions and bad compatible strings.
make_tree "$W/lt" 1.0.0; ln -s VERSION "$W/lt/link"
kb create --key "$W/test.pem" --payload "$W/lt" --type app --version 1.0.0 --compatible c \
	--out "$W/l.kiosk" 2>"$W/err" && die "symlink packed"
grep -q "links are not allowed" "$W/err" || die "symlink message: $(cat "$W/err")"
make_tree "$W/ok" 1.0.0
for v in 1.0 01.0.0 1.0.0-rc1 1.0.0.0 x 4294967296.0.0; do
	kb create --key "$W/test.pem" --payload "$W/ok" --type app --version "$v" --compatible c \
		--out "$W/v.kiosk" 2>/dev/null && die "version $v accepted"
done
kb create --key "$W/test.pem" --payload "$W/ok" --type app --version 1.0.0 --compatible "a b" \
	--out "$W/v.kiosk" 2>/dev/null && die "compatible with a space accepted"
# data bundles, default chunk size, epoch
kb create --key "$W/test.pem" --payload "$W/ok" --type data --version 2.0.0 \
	--compatible kiosk-test-v1 --epoch 7 --out "$W/d.kiosk" || die "data bundle"
kb info "$W/d.kiosk" | grep -qx "security_epoch=7" || die epoch
kb verify --public "$W/keys/test.pub" --type data "$W/d.kiosk" >/dev/null || die "data verify"
echo "update_bundle: ok"
