#!/bin/sh
# ime.sh - keystrokes per second of the Vietnamese input engine (Telex, VNI,
# plain). Prints figures only. Uses TTOOLS when the runner sets it, else the
# native build folder.
set -u
tool="${TTOOLS:-build/native/tests/tools}/bench_ime"
if [ ! -x "$tool" ]; then
	echo "ime bench: $tool not built (make units)" >&2
	exit 77
fi
${RUN:-} "$tool" "${IME_BENCH_SECONDS:-1}"
