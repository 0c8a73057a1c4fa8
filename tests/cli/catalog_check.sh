#!/bin/sh
# quick
# catalog_check.sh - the shipped catalog passes catalog-check; a broken copy
# fails with a FILE:LINE message naming the key path.
set -u
out=$($RUN "$BIN/catalog-check" "$ASSETS/catalog.json") || { echo "shipped catalog rejected"; exit 1; }
echo "$out" | tail -n 1 | grep -q "ok, 5 groups" || { echo "unexpected summary: $out"; exit 1; }
sed 's/"type": "birthdate"/"type": "nmae"/' "$ASSETS/catalog.json" > "$TESTS_TMP/bad.json"
if $RUN "$BIN/catalog-check" "$TESTS_TMP/bad.json" 2> "$TESTS_TMP/err"; then
	echo "broken catalog accepted"; exit 1
fi
grep -Eq "bad.json:[0-9]+: procedures\[0\]\.fields\[1\]\.type: unknown field type \"nmae\"" "$TESTS_TMP/err" ||
	{ cat "$TESTS_TMP/err"; exit 1; }
line=$(sed -n 's/.*bad.json:\([0-9]*\):.*/\1/p' "$TESTS_TMP/err")
sed -n "${line}p" "$TESTS_TMP/bad.json" | grep -q nmae || { echo "line $line does not hold the error"; exit 1; }
# A NUL (\u0000) in a procedure id is refused, not silently cut.
python3 - "$ASSETS/catalog.json" "$TESTS_TMP/nul.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
t = json.dumps(c, ensure_ascii=False, indent=1)
pid = c["procedures"][1]["id"]
t = t.replace('"id": "%s"' % pid, '"id": "%s\\u0000x"' % pid, 1)
open(sys.argv[2], "w", encoding="utf-8").write(t)
PY
grep -q 'u0000x' "$TESTS_TMP/nul.json" || { echo "test bug: no NUL escape written"; exit 1; }
if $RUN "$BIN/catalog-check" "$TESTS_TMP/nul.json" > /dev/null 2> "$TESTS_TMP/err3"; then
	echo "a NUL inside a procedure id was accepted (cut)"; exit 1
fi
grep -Eq 'nul.json:[0-9]+: procedures\[1\]\.id: the text holds a NUL character' "$TESTS_TMP/err3" ||
	{ cat "$TESTS_TMP/err3"; exit 1; }
line=$(sed -n 's/.*nul.json:\([0-9]*\):.*/\1/p' "$TESTS_TMP/err3")
sed -n "${line}p" "$TESTS_TMP/nul.json" | grep -q 'u0000' || { echo "line $line does not hold the NUL"; exit 1; }
if $RUN "$BIN/catalog-check" "$TESTS_TMP/missing.json" 2> "$TESTS_TMP/err2"; then exit 1; fi
grep -q "missing.json:0: cannot open" "$TESTS_TMP/err2" || exit 1
exit 0
