#!/bin/sh
# ocr_labels.sh - an independent OCR (tesseract, Vietnamese model) must read
# every button label of the citizen screens, in both themes, both text sizes
# and both languages. The kiosk renders its gallery (every screen and state)
# with --targets, which writes beside each picture the rect and label of each
# touch target; tests/tools/png_crop cuts each button out (in grey levels,
# inside its frame, with a quiet margin of the button's own colour: the usual
# preparation for OCR, nothing that favours one theme); one
# tesseract run reads them all, and each reading is compared with the label
# (case, spaces and punctuation ignored, a small edit distance allowed).
# Keyboard keys made of lone letters ("a", "â ê ô", "7") are left out: a
# letter alone is not a word an OCR can be held to (the layout test checks
# the keys); word keys ("Xóa", "Dấu cách") are read. Portrait only: the labels
# are the same words in landscape. OCR_KEEP=DIR keeps the crops there.
set -eu
command -v tesseract >/dev/null 2>&1 || { echo "ocr_labels: tesseract not installed (tools/deps.sh test)"; exit 77; }
tesseract --list-langs 2>/dev/null | grep -qx vie || { echo "ocr_labels: tesseract-ocr-vie not installed"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "ocr_labels: python3 missing"; exit 77; }

tmp=$(mktemp -d "${TESTS_TMP:-/tmp}/ocr.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/shots" "$tmp/crops"

$RUN "$BIN/kiosk" --headless --size 1080x1920 --data "$tmp/data" --gallery "$tmp/shots" \
	--targets >"$tmp/gallery.log" 2>&1 || { cat "$tmp/gallery.log"; echo "FAIL: gallery"; exit 1; }
n=$(ls "$tmp/shots" | grep -c '\.targets$' || true)
[ "$n" -ge 100 ] || { echo "FAIL: only $n target lists written"; exit 1; }

for png in "$tmp/shots"/*.png; do
	b=$(basename "$png" .png)
	$RUN "$TTOOLS/png_crop" -g -i 8 -m 24 "$png" "$tmp/shots/$b.targets" "$tmp/crops" "$b" \
		>>"$tmp/crops.tsv" || { echo "FAIL: png_crop $b"; exit 1; }
done

# One crop per distinct picture and label; the OCR reads them in one run.
python3 - "$tmp" <<'EOF'
import hashlib, sys
tmp = sys.argv[1]
seen, keep = set(), []
for line in open(tmp + "/crops.tsv", encoding="utf-8"):
    path, tid, flags, label = line.rstrip("\n").split("\t", 3)
    # keyboard keys (TGT_KEY 4, TGT_NUMKEY 8) made of lone letters ("a",
    # "â ê ô", "7") are left out: no word for an OCR to read
    if int(flags) & 12 and max(len(w) for w in label.split() or [""]) < 2:
        continue
    h = hashlib.sha1(open(path, "rb").read() + label.encode()).hexdigest()
    if h in seen:
        continue
    seen.add(h)
    keep.append((path, tid, label))
with open(tmp + "/list.txt", "w") as f:
    for p, _, _ in keep:
        f.write(p + "\n")
with open(tmp + "/keep.tsv", "w", encoding="utf-8") as f:
    for p, t, l in keep:
        f.write("%s\t%s\t%s\n" % (p, t, l))
EOF

tesseract "$tmp/list.txt" "$tmp/ocr" -l vie --psm 6 >"$tmp/tess.log" 2>&1 ||
	{ cat "$tmp/tess.log"; echo "FAIL: tesseract"; exit 1; }
[ -z "${OCR_KEEP:-}" ] || { mkdir -p "$OCR_KEEP"; cp -r "$tmp/crops" "$tmp/keep.tsv" "$tmp/ocr.txt" "$OCR_KEEP/"; }

python3 - "$tmp" <<'EOF'
import re, sys, unicodedata
tmp = sys.argv[1]
rows = [l.rstrip("\n").split("\t") for l in open(tmp + "/keep.tsv", encoding="utf-8")]
pages = open(tmp + "/ocr.txt", encoding="utf-8").read().split("\f")
if len(pages) < len(rows):
    print("FAIL: tesseract gave %d pages for %d crops" % (len(pages), len(rows)))
    sys.exit(1)

def norm(s):
    # case, spaces and punctuation do not count ("â ê ô" read as "âêô")
    s = unicodedata.normalize("NFC", s).casefold()
    return re.sub(r"[\W_]+", "", s)

def dist(a, b):
    # edits to find a within b: a card's pictogram and its line of everyday
    # words are read too, and may stand before or after the label
    prev = [0] * (len(b) + 1)
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return min(prev)

bad = 0
themes = {}
for (path, tid, label), text in zip(rows, pages):
    shot = path.rsplit("/", 1)[1].rsplit("-", 1)[0]
    theme = shot.split("__")[2]
    themes[theme] = themes.get(theme, 0) + 1
    want, got = norm(label), norm(text)
    # one wrong character in ten (at least one) is allowed
    if dist(want, got) > max(1, len(want) // 10):
        bad += 1
        print("MISREAD %s %s: %r read as %r" % (shot, tid, label, text.strip()))
print("ocr_labels: %d button pictures read (%s), %d misread" %
      (len(rows), ", ".join("%s %d" % kv for kv in sorted(themes.items())), bad))
if len(themes) != 2:
    print("FAIL: not both themes were checked")
    sys.exit(1)
sys.exit(1 if bad else 0)
EOF
