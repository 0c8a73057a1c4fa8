#!/bin/sh
# ledger_start.sh - a ledger the kiosk cannot open at start (damaged, not
# the kiosk's, on a full or read-only storage) is the machine's problem, not
# the version's: the kiosk stays up on the out-of-service screen, with plain
# words for the citizen and the precise reason for the technician, issues
# nothing, leaves the file untouched, and does not exit for a rollback even
# under kiosk-launcher (KIOSK_ROOT set). --self-test still fails (exit 3).
set -u
W="$TESTS_TMP"
die() { echo "FAIL: $*"; exit 1; }
kiosk() { $RUN "$BIN/kiosk" "$@"; }

# A foreign SQLite file as the ledger (refused, left untouched).
mkdir -p "$W/d"
sqlite3 "$W/d/ledger.db" "CREATE TABLE notes(x); INSERT INTO notes VALUES ('not a kiosk ledger');" ||
	die "sqlite3"
cp "$W/d/ledger.db" "$W/before.db"

kiosk --headless --self-test --data "$W/d" > /dev/null 2> "$W/st.err"
st=$?
[ $st -eq 3 ] || { cat "$W/st.err"; die "--self-test exit $st on a damaged ledger, not 3"; }

cat > "$W/oos.kss" <<'K'
expect screen out-of-service
expect text "Máy tạm ngừng phục vụ"
expect text "ledger.db"
expect no-target start
tap lang-en
expect text "is damaged or is not the kiosk's"
K
kiosk --headless --data "$W/d" --script "$W/oos.kss" > "$W/kss.out" 2>&1 ||
	{ cat "$W/kss.out"; die "the out-of-service scenario failed"; }

# Under the launcher's environment it stays up (no exit 3: rolling back the
# version would not mend the storage) until stopped.
KIOSK_ROOT="$W/root" KIOSK_RUN_DIR="$W/run" $RUN "$BIN/kiosk" --headless --data "$W/d" --report "$W/run.rep" \
	> /dev/null 2> "$W/run.err" &
pid=$!
i=0
until grep -q "^SCREEN out-of-service" "$W/run.rep" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 300 ] || { kill $pid 2>/dev/null; cat "$W/run.err"; die "no out-of-service screen within 30 s"; }
	kill -0 $pid 2>/dev/null || { cat "$W/run.err"; die "the kiosk exited instead of staying out of service"; }
	sleep 0.1
done
sleep 2
kill -0 $pid 2>/dev/null || { cat "$W/run.err"; die "the kiosk exited after its health check"; }
kill -TERM $pid; wait $pid; st=$?
[ $st -eq 0 ] || die "exit $st after SIGTERM"
grep -q "ledger/printer error" "$W/d/logs/kiosk.log" || die "the reason is not in kiosk.log"
cmp -s "$W/before.db" "$W/d/ledger.db" || die "the damaged ledger was changed"
[ -z "$(ls "$W/d/spool" 2>/dev/null)" ] || die "something was printed: $(ls "$W/d/spool")"
echo "ledger_start: ok"
