#!/bin/sh
# ledger_crash.sh - 300 SIGKILLs at seeded random moments while tickets are
# reserved, sent and confirmed; no number may be given twice and every
# confirmed ticket must be in the ledger (tests/tools/ledger_crash.c).
# KILLS and SEED may be set in the environment (make stress uses 3000).
set -u
kills=${KILLS:-300}
seed=${SEED:-20260401}
$RUN "$TTOOLS/ledger_crash" "$TESTS_TMP/crash" "$kills" "$seed"
