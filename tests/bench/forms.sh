#!/bin/sh
# forms.sh - timing figures for catalog loading, field validation and CCCD
# QR parsing (prints numbers, asserts nothing).
set -u
bin=${TTOOLS:-build/native/tests/tools}/bench_forms
[ -x "$bin" ] || { echo "forms bench: $bin not built (make units)"; exit 0; }
"$bin" assets/catalog.json
