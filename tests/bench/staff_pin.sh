#!/bin/sh
# staff_pin.sh - time of one menu PIN check (PBKDF2-HMAC-SHA256, staff and
# technician hashes) at the shipped iteration count; on the board this tells
# whether STAFF_ITERATIONS (firmware/staff.h) gives ~50 ms per derivation.
# Prints figures; asserts nothing.
set -u
T=${TTOOLS:-build/native/tests/tools}
${RUN:-} "$T/staff_bench" 100000
