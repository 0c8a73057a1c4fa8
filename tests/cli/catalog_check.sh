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
if $RUN "$BIN/catalog-check" "$TESTS_TMP/missing.json" 2> "$TESTS_TMP/err2"; then exit 1; fi
grep -q "missing.json:0: cannot open" "$TESTS_TMP/err2" || exit 1
exit 0
