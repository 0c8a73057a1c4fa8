#!/bin/sh
# colour_literals.sh - colours come only from the theme table (ui/theme.c):
# any colour literal in the UI and app code fails. The pattern is checked
# against a planted literal first, so this test cannot silently pass.
set -u
pattern='SDL_SetRenderDrawColor\([^,]+, *[0-9]|SDL_Color[^;]*\{ *[0-9]|rgb_t[^;(]*=[^;]*\{ *[0-9]|\{ *0x[0-9A-Fa-f]{2} *, *0x[0-9A-Fa-f]{2} *, *0x[0-9A-Fa-f]{2}'
printf 'static void f(SDL_Renderer *r) { SDL_SetRenderDrawColor(r, 255, 0, 0, 255); }\n' > "$TESTS_TMP/planted.c"
grep -Eq "$pattern" "$TESTS_TMP/planted.c" || { echo "FAIL: the pattern misses a planted literal"; exit 1; }
files=$(ls ui/*.c app/*.c flow/menu*.c 2>/dev/null | grep -v '^ui/theme.c$')
if grep -En "$pattern" $files; then
	echo "FAIL: colour literals outside ui/theme.c (above)"
	exit 1
fi
echo "no colour literals outside the theme table in $(echo $files | wc -w) files"
