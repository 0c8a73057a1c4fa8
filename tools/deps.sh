#!/bin/sh
# deps.sh - install the Debian packages a goal needs, only those missing.
# Usage: tools/deps.sh run|test|vm   (root, or a user with sudo)
set -eu
goal=${1:-run}

native="build-essential pkg-config libsdl2-dev libsdl2-ttf-dev libusb-1.0-0-dev
libqrencode-dev libsqlite3-dev libssl-dev libcjson-dev libpng-dev zlib1g-dev libutf8proc-dev libmicrohttpd-dev
libcurl4-openssl-dev fonts-noto-core fonts-dejavu-core fonts-material-design-icons-iconfont
libespeak-ng-dev espeak-ng-data libmosquitto-dev"
testpkgs="libcmocka-dev zbar-tools clang sqlite3 openssl python3 python3-jsonschema gcc-aarch64-linux-gnu
libc6-dev-arm64-cross qemu-user dosfstools e2fsprogs util-linux systemd xvfb xdotool
pngcheck time tesseract-ocr tesseract-ocr-vie sox espeak-ng curl chromium
mosquitto mosquitto-clients python3-paho-mqtt iproute2 nftables"
arm64libs="libsdl2-dev libsdl2-ttf-dev libusb-1.0-0-dev libqrencode-dev libsqlite3-dev
libssl-dev libcjson-dev libcmocka-dev libpng-dev zlib1g-dev libutf8proc-dev libcurl4-openssl-dev libespeak-ng-dev libmicrohttpd-dev
libmosquitto-dev"
vmpkgs="qemu-system-arm socat mtools dosfstools e2fsprogs cpio python3 openssl zbar-tools"

want="$native"
case "$goal" in
run) ;;
test) want="$want $testpkgs"
      for p in $arm64libs; do want="$want $p:arm64"; done ;;
vm) want="$want $testpkgs $vmpkgs"
      for p in $arm64libs; do want="$want $p:arm64"; done ;;
*) echo "usage: $0 run|test|vm" >&2; exit 2 ;;
esac

missing=""
arch=$(dpkg --print-architecture)
installed() {
	# A package installed for several architectures needs the qualified name.
	case "$1" in *:*) q="$1" ;; *) q="$1:$arch" ;; esac
	st=$(dpkg-query -W -f='${db:Status-Status}' "$q" 2>/dev/null ||
	     dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)
	[ "$st" = "installed" ]
}
for p in $want; do
	installed "$p" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
echo "deps: installing:$missing"
case "$missing" in
*:arm64*)
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		$SUDO dpkg --add-architecture arm64
	fi ;;
esac
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
