#!/bin/sh
# ledger_crash.sh - 300 SIGKILLs at seeded random moments while tickets are
# reserved, sent and confirmed, with faults in the printer (short writes,
# timeouts, paper out) and in the storage (SQLite writes failing as on a
# full disk or a failing card). After every restart: no number given twice,
# none skipped without a void record, every printed paper (the file
# printer's spool tickets) counted as issued, every ticket shown as issued
# printed in the ledger (tests/tools/ledger_crash.c). About half a minute.
# KILLS and SEED may be set in the environment (make stress uses 3000).
set -u
kills=${KILLS:-300}
seed=${SEED:-20260401}
$RUN "$TTOOLS/ledger_crash" "$TESTS_TMP/crash" "$kills" "$seed"
