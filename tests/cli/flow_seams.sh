#!/bin/sh
# flow_seams.sh - the seams inside flow/ (issue 13): the session knows the
# staff menus only as a plug-in (session_plugin_t), so flow/session* never
# includes flow/menu.h; the menus write no field of the session (they say
# what happened: session_changed, session_show, ...); and the input engine
# is driven by one text field (flow/textfield.c), not a copy per screen;
# app/ and ui/ write no field of the session either (the gallery only picks
# the session's own sample states, flow/session_pose.c), and nothing in
# flow/ writes the text field's fields.
# The checks first catch planted violations in a copy.
# quick
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=${TESTS_TMP:-$(mktemp -d)}/flow_seams
rm -rf "$T"
mkdir -p "$T"
trap 'rm -rf "$T"' EXIT

# check DIR: prints each violation, exits non-zero when there is one
check() {
	d=$1 bad=0
	if grep -n '#include "flow/menu' "$d"/flow/session*.c "$d"/flow/session*.h; then
		echo "flow/session includes the menus' header"; bad=1
	fi
	# an assignment to (or ++/-- of) a session field s->x from the menus
	if grep -nE '(^|[^a-z_>.])s->[a-z_]+(\[[^]]*\])*(\.[a-z_]+)* *([-+*/|&]?=[^=]|\+\+|--)' \
		"$d"/flow/menu*.c; then
		echo "flow/menu writes a field of the session"; bad=1
	fi
	# nor does app/ or ui/ (the gallery's sample states are the session's
	# own poses, flow/session_pose.c)
	for f in "$d"/app/*.c "$d"/ui/*.c; do
		if grep -nE '(session|[^a-z_]s)->[a-z_]+(\[[^]]*\])*(\.[a-z_]+)* *([-+*/|&]?=[^=]|\+\+|--)' "$f"; then
			echo "$f writes a field of the session"; bad=1
		fi
	done
	for f in "$d"/flow/*.c; do
		case $f in */textfield.c) continue ;; esac
		if grep -nE 'ime_(create|key|apply|commit|backspace|set_method)\(' "$f"; then
			echo "$f drives the input engine itself (flow/textfield.c does)"; bad=1
		fi
		# nor writes the text field's own fields
		if grep -nE 'tf(\.|->)(buf|cap|ime|kb|numeric_only|punct) *=[^=]' "$f"; then
			echo "$f writes a field of the text field"; bad=1
		fi
	done
	return $bad
}

for plant in include write appwrite galwrite ime tfwrite; do
	rm -rf "$T/plant" && mkdir -p "$T/plant/flow"
	mkdir -p "$T/plant/app" "$T/plant/ui"
	for dir in flow app ui; do # files, never links
		cp -L "$ROOT"/$dir/*.c "$ROOT"/$dir/*.h "$T/plant/$dir/"
	done
	case $plant in
	include) printf '#include "flow/menu.h"\n' >> "$T/plant/flow/session.c" ;;
	write) printf 'static void x(session_t *s) { s->generation++; }\n' >> "$T/plant/flow/menu.c" ;;
	appwrite) printf 'static void z(app_t *a) { a->session->page_size = 3; }\n' >> "$T/plant/app/app.c" ;;
	galwrite) printf 'static void w(session_t *s) { s->help_called = true; }\n' >> "$T/plant/app/gallery.c" ;;
	tfwrite) printf 'static void v(session_t *s) { s->tf.kb = KB_NUMERIC; }\n' >> "$T/plant/flow/session_pose.c" ;;
	ime) printf 'static void y(ime_t *i) { ime_key(i, 0); }\n' >> "$T/plant/flow/session.c" ;;
	esac
	if check "$T/plant" > "$T/out" 2>&1; then
		echo "FAIL: a planted violation ($plant) was not caught"
		exit 1
	fi
done

if ! check "$ROOT"; then
	echo "FAIL: flow/ seams"
	exit 1
fi
echo "flow seams: ok"
