#!/bin/sh
# layers.sh - the layer rule of docs/conventions.md: every #include line of
# the source folders goes down a layer, never up. A quoted include names its
# file from the repository root ("domain/ledger.h") and that file exists;
# the folder it names must be one the including folder may use:
#   core/     core/ only
#   drivers/  core/, drivers/
#   update/   core/, update/
#   domain/   core/, domain/
#   print/    core/, domain/, drivers/, print/
#   flow/     core/, domain/, drivers/, update/, print/, flow/
#   ui/       core/, flow/, ui/, and of domain/ only the data it shows:
#             catalog.h, config.h, field.h, hours.h, ime.h (no print/
#             service, no ledger, PIN store or other domain file I/O),
#             and it calls no service (tickets_, ledger_, staff_, ...) even
#             where a flow/ header brings the declaration: flow/ offers the
#             fact (menu_paper_facts)
#   voice/    core/, domain/, voice/ (speech: words, espeak-ng, voice pack)
#   hub/      core/, domain/, hub/ (only app/ and tools/ include hub/)
#   fleet/    core/, domain/, fleet/ (only app/ and tools/ include fleet/)
#   app/      everything
# System libraries: SDL headers only in print/ (SDL_ttf, headless), ui/ and
# app/; <libusb*> only in drivers/; <sqlite3.h> only in domain/;
# <espeak-ng/*> only in voice/; <microhttpd.h> only in hub/;
# <mosquitto.h> only in fleet/. No source
# file outside these folders (besides tools/ and tests/), and each folder
# has a README.md. The check first runs on a copy with planted violations
# and must catch each of them, so it cannot silently pass.
set -u
LAYERS="core drivers update domain print flow ui voice hub fleet app"
UI_DOMAIN="domain/catalog.h domain/config.h domain/field.h domain/hours.h domain/ime.h"
# Services ui/ may not call even through a flow/ header that declares them.
UI_NO_CALL="tickets|ticket|escpos|printer_file|printer_usb|scanner|ledger|staff|officekey|runlink|update|bundle|handoff|sdnotify"

allowed() { # folder -> the folders its quoted includes may name
	case "$1" in
	core) echo "core" ;;
	drivers) echo "core drivers" ;;
	update) echo "core update" ;;
	domain) echo "core domain" ;;
	print) echo "core domain drivers print" ;;
	flow) echo "core domain drivers update print flow" ;;
	ui) echo "core flow ui" ;;
	voice) echo "core domain voice" ;;
	hub) echo "core domain hub" ;;
	fleet) echo "core domain fleet" ;;
	app) echo "$LAYERS" ;;
	esac
}

# check ROOT: prints one line a violation; exit status 1 when there is any.
check() {
	root=$1
	bad=0
	for layer in $LAYERS; do
		[ -d "$root/$layer" ] || { echo "$layer/: missing"; bad=1; continue; }
		[ -f "$root/$layer/README.md" ] || { echo "$layer/README.md: missing"; bad=1; }
		ok=$(allowed "$layer")
		for f in $(cd "$root" && find "$layer" -name '*.[ch]' | sort); do
			out=$(grep -n '^[[:space:]]*#[[:space:]]*include' "$root/$f" |
			      awk -v f="$f" -v layer="$layer" -v ok=" $ok " -v uid=" $UI_DOMAIN " -v root="$root" '
			{
				line = $0; sub(/:.*/, "", line)
				inc = $0; sub(/^[0-9]+:[[:space:]]*#[[:space:]]*include[[:space:]]*/, "", inc)
				if (inc ~ /^"/) {
					name = inc; sub(/^"/, "", name); sub(/".*/, "", name)
					top = name; sub(/\/.*/, "", top)
					if (name !~ /\//) {
						print f ":" line ": \"" name "\" does not name its folder"; next
					}
					if ((getline junk < (root "/" name)) < 0) {
						print f ":" line ": \"" name "\" is not a file of the tree"; next
					}
					close(root "/" name)
					if (index(ok, " " top " ") == 0 &&
					    !(layer == "ui" && top == "domain" && index(uid, " " name " ") > 0))
						print f ":" line ": " layer "/ may not include \"" name "\" (" top "/)"
				} else if (inc ~ /^</) {
					name = inc; sub(/^</, "", name); sub(/>.*/, "", name)
					if (name ~ /^(SDL2\/)?SDL/ && layer != "print" && layer != "ui" && layer != "app")
						print f ":" line ": " layer "/ may not use SDL (<" name ">)"
					if (name ~ /^libusb/ && layer != "drivers")
						print f ":" line ": " layer "/ may not use libusb (<" name ">)"
					if (name ~ /^sqlite3/ && layer != "domain")
						print f ":" line ": " layer "/ may not use SQLite (<" name ">)"
					if (name ~ /^espeak/ && layer != "voice")
						print f ":" line ": " layer "/ may not use espeak-ng (<" name ">)"
					if (name ~ /^microhttpd/ && layer != "hub")
						print f ":" line ": " layer "/ may not use libmicrohttpd (<" name ">)"
					if (name ~ /^mosquitto/ && layer != "fleet")
						print f ":" line ": " layer "/ may not use libmosquitto (<" name ">)"
				}
			}')
			if [ "$layer" = ui ]; then
				calls=$(grep -nE "\\b($UI_NO_CALL)_[a-z0-9_]*[[:space:]]*\\(" "$root/$f" |
					sed "s|^\\([0-9]*\\):.*|$f:\\1: ui/ calls a service (flow/ offers the fact)|")
				[ -n "$calls" ] && out="${out:+$out
}$calls"
			fi
			if [ -n "$out" ]; then
				echo "$out"
				bad=1
			fi
		done
	done
	stray=$(cd "$root" && find . -path ./build -prune -o -path ./.git -prune -o \
		-path ./tests -prune -o -path ./tools -prune -o -name '*.[ch]' -print |
		sed 's|^\./||' | while read -r f; do
			top=${f%%/*}
			case " $LAYERS " in *" $top "*) ;; *) echo "$f" ;; esac
		done)
	if [ -n "$stray" ]; then
		echo "$stray" | sed 's/$/: outside the layer folders/'
		bad=1
	fi
	return $bad
}

# A copy of the source folders with one planted violation of each kind.
copy="$TESTS_TMP/layers-copy"
rm -rf "$copy" && mkdir -p "$copy"
for layer in $LAYERS; do cp -R "$layer" "$copy/"; done
printf '#include "flow/session.h"\n' >> "$copy/core/text.c"
printf '#include "print/tickets.h"\n' >> "$copy/drivers/printer/printer.c"
printf '#include "print/tickets.h"\n' >> "$copy/ui/menus.c"
printf '#include "domain/ledger.h"\n' >> "$copy/ui/screens.c"
printf 'static bool w(tickets_t *t) { return tickets_clock_warning(t); }\n' >> "$copy/ui/widgets.c"
printf '#include <SDL.h>\n' >> "$copy/domain/hours.c"
printf '#include "clock.h"\n' >> "$copy/domain/staff.c"
printf '#include "app/app.h"\n' >> "$copy/flow/menu.c"
printf '#include <sqlite3.h>\n' >> "$copy/print/tickets.c"
printf '#include "voice/vspeech.h"\n' >> "$copy/flow/session.c"
printf '#include <espeak-ng/speak_lib.h>\n' >> "$copy/ui/draw.c"
printf '#include "ui/draw.h"\n' >> "$copy/voice/vwords.c"
printf '#include <microhttpd.h>\n' >> "$copy/flow/corners.c"
printf '#include "hub/hub_req.h"\n' >> "$copy/domain/ledger.c"
printf '#include <mosquitto.h>\n' >> "$copy/domain/outbox.c"
printf '#include "fleet/agent.h"\n' >> "$copy/flow/screen.c"
printf '#include "print/tickets.h"\n' >> "$copy/fleet/report.c"
mkdir -p "$copy/firmware" && printf '/* stray */\n' > "$copy/firmware/stray.c"
planted=$(check "$copy")
prc=$?
for want in 'core/text.c:.*"flow/session.h"' 'drivers/printer/printer.c:.*"print/tickets.h"' \
	    'ui/menus.c:.*"print/tickets.h"' 'ui/screens.c:.*"domain/ledger.h"' \
	    'ui/widgets.c:.*calls a service' \
	    'domain/hours.c:.*SDL' 'domain/staff.c:.*"clock.h" does not name its folder' \
	    'flow/menu.c:.*"app/app.h"' 'print/tickets.c:.*SQLite' 'firmware/stray.c: outside' \
	    'flow/session.c:.*"voice/vspeech.h"' 'ui/draw.c:.*espeak-ng' 'voice/vwords.c:.*"ui/draw.h"' \
	    'flow/corners.c:.*libmicrohttpd' 'domain/ledger.c:.*"hub/hub_req.h"' \
	    'domain/outbox.c:.*libmosquitto' 'flow/screen.c:.*"fleet/agent.h"' 'fleet/report.c:.*"print/tickets.h"'; do
	echo "$planted" | grep -q "$want" || {
		echo "FAIL: the check misses a planted violation ($want); it said:"
		echo "$planted"
		exit 1
	}
done
[ "$prc" -ne 0 ] || { echo "FAIL: planted violations, yet the check passed"; exit 1; }
[ "$(echo "$planted" | wc -l)" -eq 18 ] || {
	echo "FAIL: the copy should show exactly the 18 planted violations:"
	echo "$planted"
	exit 1
}

if ! check .; then
	echo "FAIL: includes that go up a layer (above); see docs/conventions.md"
	exit 1
fi
echo "layer rule holds in $(for l in $LAYERS; do find $l -name '*.[ch]'; done | wc -l) files"
