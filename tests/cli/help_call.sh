#!/bin/sh
# help_call.sh - "Cần hỗ trợ" reaches a person (issue 14, item 7).
# 1. Counters configured (local.json): the call is recorded in the ledger
#    with the kiosk's name and no personal data, a counter takes it, the
#    kiosk says which counter is coming (tests/scenarios/help_call.kss).
# 2. No counters: nothing recorded, the kiosk says to ask at the nearest
#    counter (help_ask.kss).
# 3. Counters, but the ledger cannot take the call (q_help replaced by a
#    view): the same plain answer, what was typed kept, and the log says why.
set -u
T=$TESTS_TMP
fail() { echo "FAIL: $*"; exit 1; }
kiosk() { $RUN "$BIN/kiosk" --headless "$@"; }
counters='{"office":{"kiosk_name":"Ki-ốt sảnh"},"counters":[{"id":3,"name":{"vi":"Quầy 3","en":"Counter 3"},"groups":["ho-tich"]}]}'

mkdir -p "$T/on"
printf '%s\n' "$counters" >"$T/on/local.json"
kiosk --data "$T/on" --script tests/scenarios/help_call.kss >"$T/on.log" 2>&1 ||
	{ cat "$T/on.log"; fail "scenario help_call"; }
row=$(sqlite3 "$T/on/ledger.db" "select kiosk || '|' || taken_by from q_help")
[ "$row" = "Ki-ốt sảnh|3" ] || fail "the help call in the ledger is '$row', not 'Ki-ốt sảnh|3'"
sqlite3 "$T/on/ledger.db" .dump | grep -q "Lan" && fail "the typed answer reached the ledger"
grep -q "help call 1 taken at counter 3" "$T/on.log" || fail "the log does not say the call was taken"
echo "ok   the call reached the counters, was taken, the kiosk said who is coming"

kiosk --data "$T/off" --script tests/scenarios/help_ask.kss >"$T/off.log" 2>&1 ||
	{ cat "$T/off.log"; fail "scenario help_ask without counters"; }
n=$(sqlite3 "$T/off/ledger.db" "select count(*) from q_help")
[ "$n" = 0 ] || fail "a help call was recorded with no counters configured"
echo "ok   no counters: ask at the nearest counter, nothing recorded"

mkdir -p "$T/bad"
kiosk --data "$T/bad" --script tests/scenarios/help_ask.kss >/dev/null 2>&1 || fail "first run"
printf '%s\n' "$counters" >"$T/bad/local.json"
sqlite3 "$T/bad/ledger.db" "DROP TABLE q_help; CREATE VIEW q_help AS SELECT 1 AS id, 0 AS day, '' AS kiosk, 0 AS at_ms, 0 AS taken_by, 0 AS taken_ms;" ||
	fail "sqlite3"
kiosk --data "$T/bad" --script tests/scenarios/help_ask.kss >"$T/bad.log" 2>&1 ||
	{ cat "$T/bad.log"; fail "scenario help_ask with a ledger that refuses the call"; }
grep -q "the help call cannot be recorded" "$T/bad.log" || { cat "$T/bad.log"; fail "the log does not say why"; }
echo "ok   a ledger that refuses the call: ask at the nearest counter, the log says why"
