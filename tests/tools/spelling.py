#!/usr/bin/env python3
"""spelling.py - checks Vietnamese text for one tone-mark placement, the one the
input engine types by default (ime.tone_style "old"): in the open rhymes oa, oe,
uy the mark sits on the first vowel (hòa, khỏe, thủy; not hoà, khoẻ, thuỷ).
Usage: spelling.py FILE... (exit 1 and FILE:LINE for each word in the other
style); spelling.py --fix FILE... rewrites them."""
import re, sys, unicodedata
MARKS = {'\u0300', '\u0301', '\u0309', '\u0303', '\u0323'}
LETTER = r"[^\W\d_]"
# the other placement (hoà, khoẻ, thuỷ): o/u, then a marked a/e/y that ends
# the syllable (after q the u is part of the consonant: quý is right in both)
OLD = re.compile(r"(?<![qQ])([oO][àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸ]|[uU][ỳýỷỹỵỲÝỶỸỴ])(?!" + LETTER + ")")
def fix(m):
    a, b = m.group(1)[0], m.group(1)[1]
    d = unicodedata.normalize('NFD', b)
    mark = [c for c in d if c in MARKS]
    base = ''.join(c for c in d if c not in MARKS)
    return unicodedata.normalize('NFC', a + mark[0]) + unicodedata.normalize('NFC', base)
bad = 0
for path in sys.argv[1:]:
    if path == '--fix':
        continue
    text = open(path, encoding='utf-8').read()
    if '--fix' in sys.argv:
        new = OLD.sub(fix, text)
        if new != text:
            open(path, 'w', encoding='utf-8').write(new)
        continue
    for n, line in enumerate(text.splitlines(), 1):
        for m in OLD.finditer(line):
            print(f"{path}:{n}: \"{m.group(1)}\" has the mark on the second vowel; write \"{fix(m)}\"")
            bad += 1
sys.exit(1 if bad else 0)
