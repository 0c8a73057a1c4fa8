#!/bin/sh
# copy-assets.sh SRC DEST - lay out the kiosk's asset folder: the repository's
# assets plus the pinned font files from Debian's font packages
# (fonts-noto-core, fonts-dejavu-core, and the pictograms of
# fonts-material-design-icons-iconfont). assets/fonts/SHA256SUMS pins the files
# the golden images were made with; a different font file (a Debian update) is
# reported. DEST/fonts/SHA256SUMS is then written from the files actually
# copied: the kiosk checks every font against it at start (ui/font.c), so a
# damaged or cut font file fails its health check.
set -eu
src=$1; dest=$2
mkdir -p "$dest"
cp -R "$src"/. "$dest"/
names=
for f in /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf \
         /usr/share/fonts/truetype/noto/NotoSans-Bold.ttf \
         /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf \
         /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf \
         /usr/share/fonts/truetype/material-design-icons-iconfont/MaterialIcons-Regular.ttf; do
	[ -f "$f" ] || { echo "copy-assets: missing font $f (install fonts-noto-core fonts-dejavu-core fonts-material-design-icons-iconfont)" >&2; exit 1; }
	cp "$f" "$dest/fonts/"
	names="$names ${f##*/}"
done
( cd "$dest/fonts" && sha256sum -c --quiet "$(cd "$src/fonts" && pwd)/SHA256SUMS" ) ||
	echo "copy-assets: WARNING: font files differ from assets/fonts/SHA256SUMS; golden images may not match" >&2
# shellcheck disable=SC2086
( cd "$dest/fonts" && sha256sum $names > SHA256SUMS.new && mv SHA256SUMS.new SHA256SUMS )
