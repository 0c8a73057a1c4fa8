#!/bin/sh
# spelling.sh - one tone-mark placement in the text people read: every
# translation file, the catalog and the site configuration put the mark of
# the open rhymes oa, oe, uy on the first vowel (hòa, xóa, hủy), as the input
# engine types by default. Proven against planted words in the other style.
# quick
command -v python3 >/dev/null 2>&1 || { echo "spelling: python3 missing"; exit 77; }
tmp=$(mktemp -d "${TESTS_TMP:-/tmp}/spelling.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
check=tests/tools/spelling.py
fail=0

# 1. The shipped text.
if ! python3 "$check" assets/i18n/*/*.json assets/catalog.json assets/site.json >"$tmp/out"; then
	cat "$tmp/out"
	echo "FAIL: text in the other tone-mark placement (see docs/conventions.md)"
	fail=1
else
	echo "ok   shipped text uses one tone-mark placement"
fi

# 2. The checker is not a rubber stamp: each planted word is caught, and the
# words right in both styles (a final consonant, qu-) are left alone.
printf '{"a": "Xoá", "b": "huỷ bỏ", "c": "Khoẻ", "d": "Thuỷ"}\n' >"$tmp/bad.json"
printf '{"a": "Xóa hoàn toàn", "b": "quý khách", "c": "Huỳnh", "d": "khoét", "e": "thủy"}\n' >"$tmp/good.json"
n=$(python3 "$check" "$tmp/bad.json" | grep -c 'has the mark on the second vowel' || true)
if [ "$n" -eq 4 ]; then echo "ok   planted words caught ($n)"; else echo "FAIL: $n of 4 planted words caught"; fail=1; fi
if python3 "$check" "$tmp/good.json" >"$tmp/good.out"; then
	echo "ok   words right in both styles pass"
else
	cat "$tmp/good.out"; echo "FAIL: a right word was flagged"; fail=1
fi
exit $fail
