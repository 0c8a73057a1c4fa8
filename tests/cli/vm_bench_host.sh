#!/bin/sh
# vm_bench_host.sh - host-side pieces of the VM test bench (no QEMU needed):
# screendump conversion and comparison, capture filter, stick images, guest
# script syntax. The bench itself runs with `make vm-test`.
command -v python3 >/dev/null || { echo "no python3"; exit 77; }
exec python3 "$(dirname "$0")/../vm/selftest.py"
