#!/bin/sh
# staff_pin.sh - cost of one menu PIN check (one PBKDF2-HMAC-SHA256
# derivation: the staff and technician hashes share salt and count) at the
# floor count, and the count the kiosk measures for itself at first boot
# (STAFF_TARGET_MS, domain/staff.h), natively and, where an arm64 build
# exists (build/arm64), under qemu-aarch64 as a Cortex-A72 (Raspberry Pi 4:
# no SHA-2 instructions) and a Cortex-A53. qemu is much slower than the
# real cores: docs/menus.md says how the board figure is estimated.
# Prints figures; asserts nothing.
set -u
T=${TTOOLS:-build/native/tests/tools}
echo "native ($(uname -m)):"
${RUN:-} "$T/staff_bench" 100000
A=build/arm64/tests/tools/staff_bench
if [ -x "$A" ] && command -v qemu-aarch64 >/dev/null 2>&1; then
	for cpu in cortex-a72 cortex-a53; do
		echo "arm64 under qemu-aarch64 -cpu $cpu (emulated: not the board's speed):"
		qemu-aarch64 -cpu "$cpu" -L / "$A" 100000
	done
else
	echo "arm64: no $A (make ARCH=arm64 $A) or no qemu-aarch64: skipped"
fi
