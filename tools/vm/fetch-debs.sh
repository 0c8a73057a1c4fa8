#!/bin/sh
# fetch-debs.sh - download (never install) the Debian arm64 packages the VM
# image is made of: the kernel, busybox, systemd (PID 1, udev, journald,
# logind) with dbus, the runtime libraries of the firmware with their
# dependency closure, plus Mesa's EGL/GBM/DRI stack that SDL's KMSDRM backend loads with
# dlopen.
# Usage: tools/vm/fetch-debs.sh DEBDIR
# Packages already in DEBDIR are not fetched again (the cache survives
# `make image` reruns; `make clean` removes it).
set -eu
debdir=${1:?usage: fetch-debs.sh DEBDIR}
mkdir -p "$debdir"

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	echo "fetch-debs: arm64 is not enabled (dpkg --add-architecture arm64; apt-get update)" >&2
	exit 1
fi

# Top-level packages. The kernel is taken without its dependencies (they are
# the host-side initramfs tools, not wanted in the image).
kernel_meta=linux-image-arm64:arm64
kernel=$(apt-cache depends "$kernel_meta" 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-image-[0-9][^ :]*\).*/\1/p' | head -n 1)
[ -n "$kernel" ] || { echo "fetch-debs: cannot resolve $kernel_meta" >&2; exit 1; }

roots="busybox-static systemd systemd-sysv udev dbus kmod util-linux libsdl2-2.0-0 libsdl2-ttf-2.0-0 libusb-1.0-0
libqrencode4 libsqlite3-0 libssl3 libcjson1 libpng16-16 libutf8proc2 libmicrohttpd12 libcurl4 libmosquitto1 libespeak-ng1 libegl1
libegl-mesa0 libgbm1 libgl1-mesa-dri libgles2 libglvnd0 libopengl0 libsystemd0"

# Packages in the closure that only matter to a package manager, never to
# this image (they are not copied anyway: the rootfs takes whole only the
# init system's packages, and the ELF closure of everything else it runs).
skip=" cdebconf dpkg install-info libdebian-installer4 libnewt0.52 passwd
libsemanage2 libsemanage-common
sysvinit-utils tar libtextwrap1 libslang2 libelogind0 adduser debconf
lsb-base readline-common libreadline8 x11-common xkb-data libx11-data
libaudit-common libsensors-config gcc-12-base "

# Cached: same top-level list as last time and every package of it is there.
if [ -f "$debdir/packages.list" ] && [ "$(cat "$debdir/roots.list" 2>/dev/null)" = "$roots$skip" ]; then
	ok=1
	while read -r p; do
		ls "$debdir/${p}"_*.deb >/dev/null 2>&1 || { ok=0; break; }
	done < "$debdir/packages.list"
	[ $ok = 1 ] && { echo "fetch-debs: cached ($(wc -l < "$debdir/packages.list") packages)"; exit 0; }
fi

args=""
for p in $roots; do args="$args $p:arm64"; done
# shellcheck disable=SC2086
list=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
	--no-breaks --no-replaces --no-enhances $args 2>/dev/null |
	grep -v '^[ <]' | sort -u)

want="$kernel"
for p in $list; do
	base=${p%:arm64}
	case "$skip" in *" $base "*) continue ;; esac
	case "$p" in
	*:arm64) want="$want $base" ;;
	*)	# Architecture-independent data packages (libdrm-common, ...).
		a=$(apt-cache show "$p" 2>/dev/null | sed -n 's/^Architecture: //p' | head -n 1)
		[ "$a" = all ] && want="$want $base" ;;
	esac
done

cd "$debdir"
fetch=""
for p in $(echo "$want" | tr ' ' '\n' | sort -u); do
	ls "${p}"_*.deb >/dev/null 2>&1 && continue
	a=$(apt-cache show "$p:arm64" 2>/dev/null | sed -n 's/^Architecture: //p' | head -n 1)
	if [ "$a" = all ] || [ -z "$a" ]; then fetch="$fetch $p"; else fetch="$fetch $p:arm64"; fi
done
if [ -n "$fetch" ]; then
	echo "fetch-debs: downloading$fetch"
	# shellcheck disable=SC2086
	apt-get download -q $fetch
fi
echo "$want" | tr ' ' '\n' | sort -u > packages.list
printf '%s' "$roots$skip" > roots.list
echo "fetch-debs: $(ls ./*.deb | wc -l) packages in $debdir"
