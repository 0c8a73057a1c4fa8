#!/usr/bin/env python3
"""gen_ime_cases.py - write tests/unit/data/ime_generated.tsv, the generated
keystroke -> text table of the input-engine unit test.

The expected texts come only from the Unicode character database (each letter
is a base letter plus combining marks, composed by unicodedata.normalize NFC)
and the tone-placement rules of docs/input-method.md, written out again below.
The engine is never run here. Usage (from the repository root):

    python3 tests/tools/gen_ime_cases.py > tests/unit/data/ime_generated.tsv

Columns: method, tone style, keys, expected NFC text, source, note.
"""
import sys
import unicodedata

COMB = {"^": "\u0302", "(": "\u0306", "+": "\u031b"}  # circumflex, breve, horn
# Tone columns: none, huyền, sắc, hỏi, ngã, nặng.
TONE_COMB = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
TELEX_TONE = ["", "f", "s", "r", "x", "j"]
VNI_TONE = ["", "2", "1", "3", "4", "5"]
TELEX_MARK = {"^": None, "(": "w", "+": "w"}  # None: repeat the vowel
VNI_MARK = {"^": "6", "(": "8", "+": "7"}
VOWELS = set("aeiouy")

# Rimes: vowel group plus final, with ^ ( + after a vowel for its mark.
RIMES = """
a ac ach ai am an ang anh ao ap at au ay
a(c a(m a(n a(ng a(p a(t
a^c a^m a^n a^ng a^p a^t a^u a^y
e ec em en eng eo ep et
e^ e^ch e^m e^n e^nh e^p e^t e^u
i ia ich im in inh ip it iu
ie^c ie^m ie^n ie^ng ie^p ie^t ie^u
o oc oi om on ong op ot
oa oac oach oai oam oan oang oanh oap oat oay
oa(c oa(m oa(n oa(ng oa(t
oe oen oeo oet
o^ o^c o^i o^m o^n o^ng o^p o^t
o+ o+i o+m o+n o+p o+t
u ua uc ui um un ung up ut
ua^n ua^ng ua^t ua^y
ue^ ue^ch ue^nh
uo^c uo^i uo^m uo^n uo^ng uo^t
u+o+c u+o+i u+o+m u+o+n u+o+ng u+o+p u+o+t u+o+u
u+ u+a u+c u+i u+m u+n u+ng u+t u+u
uy uya uych uyn uynh uyp uyt uyu
uye^n uye^t
y ye^n ye^u
""".split()

INITIALS = ["", "b", "c", "ch", "d", "đ", "g", "gh", "h", "k", "kh", "l", "m", "n", "ng",
            "ngh", "nh", "p", "ph", "r", "s", "t", "th", "tr", "v", "x", "qu", "gi"]


def parse(rime):
    """List of (letter, mark) from the rime notation."""
    out = []
    for ch in rime:
        if ch in COMB:
            out[-1] = (out[-1][0], ch)
        else:
            out.append((ch, ""))
    return out


def tone_index(letters, closed, style):
    """Index among the vowel letters that takes the tone (rules 1-6)."""
    n = len(letters)
    if n == 1:
        return 0
    for i in range(n - 1, -1, -1):
        if letters[i][1] in ("^", "("):
            return i
    for i in range(n - 1, -1, -1):
        if letters[i][1] == "+":
            return i
    if n >= 3:
        return 1
    pair = letters[0][0] + letters[1][0]
    if style == "new" and not closed and pair in ("oa", "oe", "uy"):
        return 1
    return 1 if closed else 0


def compose(initial, rime, tone, style):
    letters = parse(rime)
    vowel_pos = [i for i, (c, _) in enumerate(letters) if c in VOWELS]
    closed = letters[-1][0] not in VOWELS
    vowels = [letters[i] for i in vowel_pos]
    t = vowel_pos[tone_index(vowels, closed, style)]
    text = initial
    for i, (c, m) in enumerate(letters):
        s = c + (COMB[m] if m else "")
        if i == t:
            s += TONE_COMB[tone]
        text += unicodedata.normalize("NFC", s)
    return unicodedata.normalize("NFC", text)


def initial_keys(initial, method):
    if initial == "đ":
        return "dd" if method == "telex" else "d9"
    return initial


def rime_keys(rime, method):
    keys = ""
    for c, m in parse(rime):
        keys += c
        if m:
            if method == "telex":
                keys += TELEX_MARK[m] or c
            else:
                keys += VNI_MARK[m]
    return keys


def split_rime(rime):
    letters = parse(rime)
    last = max(i for i, (c, _) in enumerate(letters) if c in VOWELS)
    head = "".join(c + m for c, m in letters[:last + 1])
    tail = "".join(c + m for c, m in letters[last + 1:])
    return head, tail


def pick_initial(rime, k):
    """An initial for the rime, rotating through the list; skips qu before u
    and gi before i, which would change the syllable."""
    for j in range(len(INITIALS)):
        ini = INITIALS[(k + j) % len(INITIALS)]
        if ini == "qu" and rime[0] in "uo":
            continue
        if ini == "gi" and rime[0] in "iy":
            continue
        return ini
    return ""


def row(method, style, keys, expected, source, note=""):
    print(f"{method}\t{style}\t{keys}\t{expected}\t{source}\t{note}")


def main():
    print("# ime_generated.tsv - written by tests/tools/gen_ime_cases.py from the Unicode")
    print("# database (NFC composition) and the tone-placement rules; never by the engine.")
    print("# Columns: method, tone style, keys, expected NFC text, source, note.")
    tone_names = ["", "huyen", "sac", "hoi", "nga", "nang"]
    # 1. Every base x tone cell, small and capital, in both methods.
    for base in ["a", "a(", "a^", "e", "e^", "i", "o", "o^", "o+", "u", "u+", "y"]:
        for tone in range(6):
            exp = compose("", base, tone, "old")
            for method in ("telex", "vni"):
                tk = TELEX_TONE if method == "telex" else VNI_TONE
                keys = rime_keys(base, method) + tk[tone]
                row(method, "old", keys, exp, "gen:cell", f"{base} {tone_names[tone]}")
                row(method, "old", keys.upper(), exp.upper(), "gen:cell-cap", f"{base} {tone_names[tone]}")
    # 2. Every rime with every tone, both methods and both styles.
    for k, rime in enumerate(RIMES):
        ini = pick_initial(rime, k)
        head, tail = split_rime(rime)
        for method in ("telex", "vni"):
            tk = TELEX_TONE if method == "telex" else VNI_TONE
            ik = initial_keys(ini, method)
            for tone in range(6):
                for style in ("old", "new"):
                    exp = compose(ini, rime, tone, style)
                    row(method, style, ik + rime_keys(rime, method) + tk[tone], exp, "gen:rime",
                        tone_names[tone])
                if tone and tail:
                    # Free marking: the tone key before the final consonant.
                    exp = compose(ini, rime, tone, "old")
                    row(method, "old", ik + rime_keys(head, method) + tk[tone] + rime_keys(tail, method),
                        exp, "gen:free", "tone before final")
                if tone:
                    # Undo: the tone key twice leaves the key itself.
                    exp = compose(ini, rime, 0, "old") + tk[tone]
                    row(method, "old", ik + rime_keys(rime, method) + tk[tone] * 2, exp, "gen:undo",
                        "tone key repeated")
            # Tone removal, and capitals (whole word and first letter).
            tone = 1 + k % 5
            rm = "z" if method == "telex" else "0"
            row(method, "old", ik + rime_keys(rime, method) + tk[tone] + rm, compose(ini, rime, 0, "old"),
                "gen:remove", "tone removed")
            keys = ik + rime_keys(rime, method) + tk[tone]
            exp = compose(ini, rime, tone, "old")
            row(method, "old", keys.upper(), exp.upper(), "gen:caps", "all capitals")
            row(method, "old", keys[0].upper() + keys[1:], exp[0].upper() + exp[1:], "gen:caps",
                "first capital")


if __name__ == "__main__":
    sys.exit(main())
