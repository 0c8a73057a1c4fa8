#!/bin/sh
# copy-assets.sh SRC DEST - lay out the kiosk's asset folder: the repository's
# assets plus the pinned font files from Debian's font packages. The fonts'
# SHA-256 sums are recorded in assets/fonts/SHA256SUMS; a different font file
# (a Debian update) is reported, because golden images depend on it.
set -eu
src=$1; dest=$2
mkdir -p "$dest"
cp -R "$src"/. "$dest"/
for f in /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf \
         /usr/share/fonts/truetype/noto/NotoSans-Bold.ttf \
         /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf \
         /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf; do
	[ -f "$f" ] || { echo "copy-assets: missing font $f (install fonts-noto-core fonts-dejavu-core)" >&2; exit 1; }
	cp "$f" "$dest/fonts/"
done
( cd "$dest/fonts" && sha256sum -c --quiet SHA256SUMS ) ||
	echo "copy-assets: WARNING: font files differ from assets/fonts/SHA256SUMS; golden images may not match" >&2
