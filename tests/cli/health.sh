#!/bin/sh
# health.sh - the kiosk's own health check decides whether a new version
# stays: a good version marks itself good; a version whose fonts or catalog
# are broken (or whose ledger or first frame fails, through the test hook)
# never does, and kiosk-launcher rolls back to the good one after N starts.
. tests/cli/update_common.inc
ASSETS=${ASSETS:-$(pwd)/build/share/kiosk}

# real_bundle OUT VERSION BREAK: a slot holding the kiosk's assets; app.sh
# starts the real kiosk's self-test on them. BREAK: none|fonts|catalog|
# cutfont (NotoSans-Bold cut to 10 %, its DejaVu fallback still there)|
# cutfont-sums (the same, with fonts/SHA256SUMS rewritten to match: only the
# render test can find it)|longtext (a 100,000-character ui.help_text).
real_bundle() {
	out=$1; v=$2; what=$3; d="$W/real-$v"
	rm -rf "$d"; mkdir -p "$d"
	cp -R "$ASSETS" "$d/assets"
	rm -f "$d/assets/.stamp"
	echo "$v" > "$d/VERSION"
	case "$what" in
	fonts) rm -f "$d"/assets/fonts/*.ttf ;;
	catalog) printf '{"groups": [' > "$d/assets/catalog.json" ;;
	cutfont|cutfont-sums)
		f="$d/assets/fonts/NotoSans-Bold.ttf"; sz=$(wc -c < "$f")
		head -c $((sz / 10)) "$f" > "$f.cut" && mv "$f.cut" "$f"
		[ "$what" = cutfont ] || ( cd "$d/assets/fonts" && sha256sum -- *.ttf > SHA256SUMS ) ;;
	longtext) python3 - "$d/assets/i18n/en/ui.json" <<'PY'
import json, sys
p = sys.argv[1]; t = json.load(open(p, encoding="utf-8"))
t["ui.help_text"] = "x" * 100000
json.dump(t, open(p, "w", encoding="utf-8"), ensure_ascii=False)
PY
	;;
	esac
	cat > "$d/app.sh" <<APP
#!/bin/sh
exec $RUN "$BIN/kiosk" --headless --self-test --assets "\$PWD/assets" --data "$W/data"
APP
	chmod 755 "$d/app.sh"
	kb create --key "$W/test.pem" --payload "$d" --type app --version "$v" \
		--compatible kiosk-test-v1 --out "$out" || die "bundle $v"
}
klaunch() { kl --root "$W/root" --tries 2 -- ./app.sh > /dev/null 2>&1; }

mkdir -p "$W/root"
real_bundle "$W/good.kiosk" 1.0.0 none
upd install "$W/good.kiosk" || die "install 1.0.0"
klaunch || die "the good version failed its own health check"
[ "$(st slot_a)" = good ] || [ "$(st slot_b)" = good ] || die "1.0.0 not marked good"
good=$(st current)

# An overlong translation fails the self-test (exit 3), naming file and key.
real_bundle "$W/long.kiosk" 0.9.0 longtext
(cd "$W/real-0.9.0" && ./app.sh) > /dev/null 2> "$W/long.err"; rc=$?
[ "$rc" -eq 3 ] || die "a 100,000-character translation: --self-test exit $rc, expected 3"
grep -q "i18n/en/ui.json: ui.help_text: 100000 characters" "$W/long.err" ||
	{ cat "$W/long.err"; die "the overlong translation's file and key are not named"; }
echo "ok   a 100,000-character translation fails the self-test (exit 3), file and key named"

n=1
for brk in fonts cutfont cutfont-sums longtext catalog ledger frame; do
	n=$((n + 1))
	case "$brk" in fonts|cutfont*|longtext|catalog) real_bundle "$W/b$n.kiosk" 1.$n.0 "$brk"; hook= ;;
	*) real_bundle "$W/b$n.kiosk" 1.$n.0 none; hook=$brk ;; esac
	upd install "$W/b$n.kiosk" || die "install 1.$n.0"
	[ "$(st current)" != "$good" ] || die "install of 1.$n.0 did not switch"
	for i in 1 2 3; do KIOSK_HEALTH_FAIL=$hook klaunch; done
	[ "$(st current)" = "$good" ] || die "broken $brk: no rollback (current=$(st current))"
	st last_failure | grep -q . || die "broken $brk: no last_failure recorded"
	klaunch || die "after the $brk rollback the good version does not start"
	echo "ok   broken $brk: rolled back to $good ($(st last_failure))"
done
echo "health: all passed"
