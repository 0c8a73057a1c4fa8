#!/bin/sh
# build-image.sh - `make image ARCH=arm64`: fetch the Debian arm64 packages
# (cached in build/vm/debs), unpack them into build/vm/sysroot (never
# installed on the host) and assemble kernel, initramfs, read-only root disk
# and seeded data disk in build/vm with mkimage.py.
# Usage: tools/vm/build-image.sh [OUT=build/vm] [BIN=build/arm64/bin] [TTOOLS=build/arm64/tests/tools]
set -eu
out=${1:-build/vm}
bin=${2:-build/arm64/bin}
ttools=${3:-build/arm64/tests/tools}
here=$(dirname "$0")
for t in qemu-aarch64 readelf cpio mke2fs openssl python3 apt-get dpkg; do
	command -v "$t" >/dev/null || { echo "image: $t missing (sh tools/deps.sh vm)" >&2; exit 1; }
done
mkdir -p "$out"
sh "$here/fetch-debs.sh" "$out/debs"
# Unpack again only when the package set changed.
sum=$(ls "$out"/debs/*.deb | sort | md5sum | cut -c1-32)
if [ "$(cat "$out/sysroot/.debs" 2>/dev/null)" != "$sum" ]; then
	echo "image: unpacking $(ls "$out"/debs/*.deb | wc -l) packages into $out/sysroot"
	rm -rf "$out/sysroot"
	mkdir -p "$out/sysroot"
	for d in "$out"/debs/*.deb; do dpkg -x "$d" "$out/sysroot"; done
	kver=$(ls "$out/sysroot/lib/modules")
	# modules.dep is made at install time; run the arm64 depmod under qemu-user.
	qemu-aarch64 -L "$out/sysroot" -0 depmod "$out/sysroot/bin/kmod" \
		-b "$(cd "$out/sysroot" && pwd)" "$kver"
	echo "$sum" > "$out/sysroot/.debs"
fi
python3 "$here/mkimage.py" --sysroot "$out/sysroot" --out "$out" --bin "$bin" --ttools "$ttools"
echo "image: ready in $out (vmlinuz initrd.gz rootfs.img data-seed.img)"
