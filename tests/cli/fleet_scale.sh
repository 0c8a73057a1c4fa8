#!/bin/sh
# fleet_scale.sh - 50 and then 500 simulated kiosks against one broker
# (issue 16, "Faults and scale"): the benchmark tests/bench/fleet.sh at two
# sizes, which fails when any message of the compressed office day is
# missing or arrives twice; its figures (messages per second, delay p50/p99,
# memory of an agent and of the broker, their growth) are printed, never
# checked against a time. Bounded (about 45 s).
set -u
[ "${ARCH:-native}" = native ] || { echo "fleet_scale: native only"; exit 77; }
SIZES="50 500" sh "$(dirname "$0")/../bench/fleet.sh"
