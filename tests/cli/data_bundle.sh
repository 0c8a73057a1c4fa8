#!/bin/sh
# data_bundle.sh - a data bundle (catalog, translations, site configuration)
# changes what the kiosk shows without an app update: the launcher hands the
# active data slot to the real kiosk, which reads its catalog over the app's
# own; a data bundle whose catalog is broken fails the kiosk's health check
# and is rolled back after the trial starts, and the previous one is shown.
. tests/cli/update_common.inc
ASSETS=${ASSETS:-$(pwd)/build/share/kiosk}
export KIOSK_UPDATE="$KU" KIOSK_TEST_RUN="$RUN"

# The app: the real kiosk with its assets. app.sh is the kiosk's normal
# start (self-test: health check, then mark-good); check.sh walks to the
# groups screen and expects the text in $W/want.
d="$W/app"; mkdir -p "$d"
cp -R "$ASSETS" "$d/assets"; rm -f "$d/assets/.stamp"
echo 1.0.0 > "$d/VERSION"
cat > "$d/app.sh" <<APP
#!/bin/sh
exec $RUN "$BIN/kiosk" --headless --self-test --assets "\$PWD/assets" --data "$W/data"
APP
cat > "$d/check.sh" <<APP
#!/bin/sh
printf 'expect screen welcome\ntap start\nexpect screen groups\nexpect text "%s"\n' "\$(cat "$W/want")" > "$W/check.kss"
exec $RUN "$BIN/kiosk" --headless --script "$W/check.kss" --assets "\$PWD/assets" --data "$W/data"
APP
chmod 755 "$d/app.sh" "$d/check.sh"
kb create --key "$W/test.pem" --payload "$d" --type app --version 1.0.0 \
	--compatible kiosk-test-v1 --out "$W/app.kiosk" || die "app bundle"
mkdir -p "$W/root"
upd install "$W/app.kiosk" > /dev/null || die "install the app"
kl --root "$W/root" -- ./app.sh > /dev/null 2>&1 || die "the app failed its health check"

# data VERSION NAME [broken]: a data bundle whose first group is called NAME.
data() {
	t="$W/data-$1"; rm -rf "$t"; mkdir -p "$t"
	cp -R "$ASSETS/i18n" "$t/i18n"
	python3 - "$ASSETS/catalog.json" "$t/catalog.json" "$2" <<'PY'
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
c["groups"][0]["name"]["vi"] = sys.argv[3]
json.dump(c, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
	[ "${3:-}" = broken ] && printf '{"version": 1, "groups": [' > "$t/catalog.json"
	echo "$1" > "$t/VERSION"
	kb create --key "$W/test.pem" --payload "$t" --type data --version "$1" \
		--compatible kiosk-test-v1 --out "$W/data-$1.kiosk" || die "data bundle $1"
}
check() { kl --root "$W/root" -- ./check.sh > "$W/check.log" 2>&1; }

first=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["groups"][0]["name"]["vi"])' "$ASSETS/catalog.json")
echo "Hộ tịch (danh mục mới)" > "$W/want"
check && die "the new group name shows before any data bundle (the check cannot fail)"
echo "$first" > "$W/want"
check || { cat "$W/check.log"; die "the app's own catalog is not shown"; }

data 1.0.0 "Hộ tịch (danh mục mới)"
upd install --type data "$W/data-1.0.0.kiosk" > /dev/null || die "install data 1.0.0"
kl --root "$W/root" -- ./app.sh > /dev/null 2>&1 || die "data 1.0.0 failed the health check"
[ "$(st data_slot_a)" = good ] || die "data 1.0.0 not marked good: $(st data_slot_a)"
echo "Hộ tịch (danh mục mới)" > "$W/want"
check || { cat "$W/check.log"; die "the data bundle's catalog is not shown"; }
grep -q "data bundle 1.0.0 in use" "$W/data/logs/kiosk.log" || die "the kiosk did not log the data bundle"
echo "ok   data 1.0.0: the groups screen shows the bundle's catalog"

data 1.1.0 "x" broken
upd install --type data "$W/data-1.1.0.kiosk" > /dev/null || die "install data 1.1.0"
[ "$(st data_current)" = b ] || die "data 1.1.0 did not switch"
# Three trial starts (the launcher's default) fail; the fourth start rolls
# the data pair back and the kiosk starts on data 1.0.0.
for i in 1 2 3; do kl --root "$W/root" -- ./app.sh > /dev/null 2>&1 && die "a broken catalog passed the health check"; done
kl --root "$W/root" -- ./app.sh > /dev/null 2>&1 || die "after the trials the kiosk does not start"
[ "$(st data_current)" = a ] || die "broken data bundle: no rollback (data_current=$(st data_current))"
[ "$(st current)" = a ] || die "the app pair moved with the data pair: current=$(st current)"
check || { cat "$W/check.log"; die "after the rollback the previous catalog is not shown"; }
echo "ok   data 1.1.0 (broken catalog): rolled back, 1.0.0 shown ($(st data_last_failure))"
echo "data_bundle: all passed"
