#!/bin/sh
# hub_api.sh - kiosk-hub over real HTTP (curl) on a free loopback port, with
# a ledger of printed tickets (tests/tools/ledger_fill) and two counters:
# counter PINs (--set-pin, wrong PIN, lockout that survives a restart), no
# session -> 401, missing or wrong CSRF token or a foreign Origin -> 403
# and nothing changes, call-next, a repeated rid -> the same answer and one
# call, a stale expect -> 409, an oversized body -> 413, malformed JSON ->
# 400, the event stream (a snapshot at once and a new one after a change),
# the hub killed -9 in a loop of calls and restarted five times (no ticket lost, none
# called twice, a new stream gets the current state), an address not
# configured refuses connections, static files: security headers, no
# traversal, no symlink followed, only vi/en texts.
set -u
[ "${ARCH:-native}" = native ] || [ "${ARCH:-}" = asan ] || { echo "hub: native only"; exit 77; }
command -v curl >/dev/null || { echo "hub: curl missing (tools/deps.sh test)"; exit 77; }
T=$TESTS_TMP/hub
rm -rf "$T" && mkdir -p "$T/data" "$T/assets/web/img" "$T/assets/i18n/vi" "$T/assets/i18n/en"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
hpid=
stop_hub() { [ -n "$hpid" ] && kill -9 "$hpid" 2>/dev/null; [ -n "$hpid" ] && wait "$hpid" 2>/dev/null; hpid=; }
cleanup() { stop_hub; for p in $(jobs -p); do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
U=http://127.0.0.1:$port
D=$T/data
cp "$ASSETS/site.json" "$ASSETS/catalog.json" "$T/assets/"
printf '<!doctype html><title>counter</title>\n' > "$T/assets/web/counter.html"
printf 'console.log(1);\n' > "$T/assets/web/ok.js"
printf '<svg xmlns="http://www.w3.org/2000/svg"/>\n' > "$T/assets/web/img/face.svg"
ln -s "$T/assets/site.json" "$T/assets/web/link.js"
printf '{"counter.title":"Quầy"}\n' > "$T/assets/i18n/vi/counter.json"
printf '{"counter.title":"Counter"}\n' > "$T/assets/i18n/en/counter.json"
mkdir -p "$T/assets/i18n/fr" && printf '{}\n' > "$T/assets/i18n/fr/counter.json"
cat > "$D/local.json" <<EOF
{ "hub": { "listen": ["127.0.0.1:$port"], "session_idle_minutes": 30 },
  "counters": [ { "id": 1, "name": { "vi": "Quầy 1", "en": "Counter 1" }, "groups": ["ho-tich"] },
                { "id": 2, "name": { "vi": "Quầy 2", "en": "Counter 2" }, "groups": ["chung-thuc"] } ] }
EOF
N=20
$RUN "$TTOOLS/ledger_fill" "$D" A khai-sinh $N > "$T/issued" || { echo "FAIL: ledger_fill"; exit 1; }

# A ticket QR made by the kiosk's code under an office key (ticket_sample, as
# in handoff.sh); the hub reads the key of its data folder.
k2=
if command -v zbarimg >/dev/null 2>&1 && mkdir -p "$T/k" &&
	$RUN "$TTOOLS/ticket_sample" "$T/k" "$T/k/spool" > "$T/k/list" 2>/dev/null; then
	cp "$T/k/office.key" "$D/office.key"
	k2=$(zbarimg --raw -q "$T/k/spool/$(head -n 1 "$T/k/list").png" 2>/dev/null | grep -v '^https://')
fi

# ---- counter PINs ---------------------------------------------------------
echo 123456 | $RUN "$BIN/kiosk-hub" --data "$D" --set-pin 1 2>/dev/null && fail "a simple PIN was accepted"
echo 591827 | $RUN "$BIN/kiosk-hub" --data "$D" --set-pin 1 >/dev/null || fail "--set-pin 1"
echo 602938 | $RUN "$BIN/kiosk-hub" --data "$D" --set-pin 2 >/dev/null || fail "--set-pin 2"
$RUN "$BIN/kiosk-hub" --data "$D" --set-pin 0 </dev/null 2>/dev/null; [ $? -eq 2 ] || fail "--set-pin 0 not a usage error"
grep -q 591827 "$D/staff.json" && fail "a PIN in clear in staff.json"

start_hub() {
	$RUN "$BIN/kiosk-hub" --data "$D" --assets "$T/assets" "$@" >> "$T/hub.log" 2>&1 &
	hpid=$!
	i=0
	while ! curl -s -o /dev/null "$U/api/state"; do
		i=$((i + 1))
		[ $i -gt 150 ] && { fail "the hub did not start: $(tail -3 "$T/hub.log")"; return 1; }
		kill -0 "$hpid" 2>/dev/null || { fail "the hub exited: $(tail -3 "$T/hub.log")"; return 1; }
		sleep 0.1
	done
}
# js EXPR < json: a value of a JSON answer (d is the document).
js() { python3 -c 'import json, sys
try: d = json.load(sys.stdin)
except Exception: d = None
v = eval(sys.argv[1]) if d is not None else "NOJSON"
print("null" if v is None else (json.dumps(v) if isinstance(v, (dict, list)) else v))' "$1"; }
# post PATH BODY [curl args]: prints "STATUS BODY".
post() {
	p=$1 b=$2; shift 2
	out=$(curl -s -w '\n%{http_code}' -H 'Content-Type: application/json' "$@" --data-binary "$b" "$U$p")
	echo "$(echo "$out" | tail -1) $(echo "$out" | sed '$d')"
}
login() { # counter pin jar -> csrf (empty on failure)
	r=$(post /api/login "{\"counter\":$1,\"pin\":\"$2\"}" -c "$3")
	case "$r" in "200 "*) echo "$r" | sed -n 's/.*"csrf":"\([0-9a-f]*\)".*/\1/p' ;; *) echo "" ;; esac
}
state() { curl -s "$U/api/state"; }
# (sed on the hub's fixed key order: python per call is slow on a loaded machine)
waiting() { state | sed -n 's/.*"id":"ho-tich","letter":"A","name":{[^}]*},"waiting":\([0-9]*\).*/\1/p'; }
current() {
	state | sed -n 's/.*"counters":\[{"id":1,"name":{[^}]*},"groups":\[[^]]*\],"current":\(null\|"[A-Z0-9]*"\).*/\1/p' |
		tr -d '"'
}
number() { sed -n 's/.*"ticket":{"number":"\([A-Z0-9]*\)".*/\1/p'; }
seq_of() { sed -n 's/^{"v":1,"seq":\([0-9]*\),.*/\1/p'; }

start_hub || exit 1
r=$(post /api/login '{"counter":1,"pin":"591828"}')
case "$r" in "401 "*wrong_pin*) ;; *) fail "wrong PIN: $r" ;; esac
r=$(post /api/login '{"counter":7,"pin":"591827"}')
case "$r" in "404 "*no_counter*) ;; *) fail "unknown counter: $r" ;; esac
csrf=$(login 1 591827 "$T/jar")
[ -n "$csrf" ] || fail "login with the right PIN"
grep -q 'kh_session' "$T/jar" || fail "no session cookie"
hdr=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' -d '{"counter":1,"pin":"591827"}' "$U/api/login")
echo "$hdr" | grep -qi '^Set-Cookie: kh_session=[0-9a-f]\{32\}; HttpOnly; SameSite=Strict; Path=/' ||
	fail "cookie attributes: $hdr"

# ---- no session, CSRF, bad bodies: refused, nothing changes ----------------
w0=$(waiting)
[ "$w0" = "$N" ] || fail "waiting at the start: $w0, want $N"
r=$(post /api/call-next '{"rid":"a1"}')
case "$r" in "401 "*) ;; *) fail "no cookie: $r" ;; esac
r=$(post /api/call-next '{"rid":"a1"}' -H 'Cookie: kh_session=0123456789abcdef0123456789abcdef' -H "X-CSRF-Token: $csrf")
case "$r" in "401 "*session_expired*) ;; *) fail "unknown session: $r" ;; esac
r=$(post /api/call-next '{"rid":"a2"}' -b "$T/jar")
case "$r" in "403 "*csrf*) ;; *) fail "no CSRF token: $r" ;; esac
r=$(post /api/call-next '{"rid":"a3"}' -b "$T/jar" -H 'X-CSRF-Token: 0123456789abcdef0123456789abcdef')
case "$r" in "403 "*csrf*) ;; *) fail "wrong CSRF token: $r" ;; esac
r=$(post /api/call-next '{"rid":"a4"}' -b "$T/jar" -H "X-CSRF-Token: $csrf" -H 'Origin: http://evil.example')
case "$r" in "403 "*csrf*) ;; *) fail "foreign Origin: $r" ;; esac
r=$(post /api/call-next '{"rid":' -b "$T/jar" -H "X-CSRF-Token: $csrf")
case "$r" in "400 "*bad_request*) ;; *) fail "malformed JSON: $r" ;; esac
r=$(post /api/call-next '{"rid":"a5","extra":1}' -b "$T/jar" -H "X-CSRF-Token: $csrf")
case "$r" in "400 "*) ;; *) fail "unknown key: $r" ;; esac
big=$(python3 -c 'print("{\"rid\":\"" + "x" * 9000 + "\"}")')
r=$(post /api/call-next "$big" -b "$T/jar" -H "X-CSRF-Token: $csrf")
case "$r" in "413 "*|"400 "*) ;; *) fail "oversized body: $r" ;; esac
r=$(post /api/call-next "$big" -b "$T/jar" -H "X-CSRF-Token: $csrf" -H 'Transfer-Encoding: chunked')
case "$r" in "413 "*|"400 "*) ;; *) fail "oversized chunked body: $r" ;; esac
[ "$(waiting)" = "$w0" ] || fail "a refused request changed the queue: waiting $(waiting)"
[ "$(current)" = null ] || fail "a refused request called a ticket: $(current)"
r=$(curl -s -o /dev/null -w '%{http_code}' "$U/api/call-next")
[ "$r" = 405 ] || fail "GET on a POST route: $r"

# ---- the event stream: a snapshot at once ------------------------------------
curl -s -N --max-time 20 "$U/api/events" > "$T/sse1" 2>/dev/null &
sse=$!
i=0
while [ "$(grep -c '^data: ' "$T/sse1")" -lt 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(grep -c '^data: ' "$T/sse1")" -ge 1 ] || fail "no snapshot at once on the event stream"
grep -q '^event: state' "$T/sse1" || fail "no 'event: state' line"

# ---- call next, double rid, stale expect ---------------------------------------
A="-b $T/jar -H X-CSRF-Token:$csrf"
# shellcheck disable=SC2086
r1=$(post /api/call-next '{"rid":"c1"}' $A)
first=$(head -1 "$T/issued")
case "$r1" in "200 "*"\"$first\""*) ;; *) fail "call-next: $r1 (want $first)" ;; esac
# shellcheck disable=SC2086
r2=$(post /api/call-next '{"rid":"c1"}' $A)
[ "$r1" = "$r2" ] || fail "the same rid gave another answer: $r2"
[ "$(waiting)" = $((N - 1)) ] || fail "a repeated rid called twice: waiting $(waiting)"
[ "$(current)" = "$first" ] || fail "current after call-next: $(current)"
# shellcheck disable=SC2086
r=$(post /api/done '{"rid":"d1","expect":"A999"}' $A)
case "$r" in "409 "*stale*) ;; *) fail "stale expect: $r" ;; esac
[ "$(current)" = "$first" ] || fail "a stale done changed the ticket"
# The stream got a new snapshot naming the call.
i=0
while ! grep '^data: ' "$T/sse1" | tail -1 | grep -q "\"current\":\"$first\"" && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
grep '^data: ' "$T/sse1" | tail -1 | grep -q "\"current\":\"$first\"" || fail "no new snapshot after the call"
kill "$sse" 2>/dev/null; wait "$sse" 2>/dev/null
# shellcheck disable=SC2086
r=$(post /api/done "{\"rid\":\"d2\",\"expect\":\"$first\"}" $A)
case "$r" in "200 "*) ;; *) fail "done: $r" ;; esac
# shellcheck disable=SC2086
r=$(post /api/done "{\"rid\":\"d3\",\"expect\":\"$first\"}" $A)
case "$r" in "404 "*no_current*) ;; *) fail "done without a current ticket: $r" ;; esac
# shellcheck disable=SC2086
r=$(post /api/handoff '{"qr":"not a record"}' $A)
case "$r" in "422 "*bad_record*) ;; *) fail "hand-off of junk: $r" ;; esac
r=$(curl -s -D - -o /dev/null -b "$T/jar" -H "X-CSRF-Token: $csrf" -d '{"qr":"x"}' "$U/api/handoff")
echo "$r" | grep -qi '^Cache-Control: no-store' || fail "hand-off answer without no-store"

if [ -n "$k2" ]; then
	qr() { python3 -c 'import json, sys; print(json.dumps({"qr": sys.argv[1]}))' "$1"; }
	# shellcheck disable=SC2086
	r=$(post /api/handoff "$(qr "$k2")" $A)
	case "$r" in "200 "*'"answers":[{'*'"label":{"vi":'*) ;; *) fail "hand-off of the kiosk's QR: $r" ;; esac
	v=$(echo "${r#200 }" | js 'd["answers"][0]["value"]')
	[ -n "$v" ] || fail "hand-off without an answer"
	changed=$(printf '%s' "$k2" | sed 's/ho_ten=N/ho_ten=M/')
	[ "$changed" != "$k2" ] || fail "test set-up: nothing changed in the record"
	# shellcheck disable=SC2086
	r=$(post /api/handoff "$(qr "$changed")" $A)
	case "$r" in "422 "*bad_signature*) ;; *) fail "a changed record: $r" ;; esac
	r=$(post /api/handoff "$(qr "$k2")")
	case "$r" in "401 "*) ;; *) fail "hand-off without a session: $r" ;; esac
	grep -qF "$v" "$T/hub.log" && fail "an answer in the hub's log"
	grep -rqF "$v" "$D"/ledger.db* && fail "an answer in the ledger"
else
	echo "zbarimg or ticket_sample missing: hand-off of a real ticket skipped"
fi

# ---- lockout on counter 2 (counter 1 stays open) ---------------------------------
for k in 1 2 3 4 5; do r=$(post /api/login '{"counter":2,"pin":"111112"}'); done
case "$r" in "401 "*wait_ms*) ;; *) fail "5th wrong PIN: $r" ;; esac
r=$(post /api/login '{"counter":2,"pin":"602938"}')
case "$r" in "423 "*locked*wait_ms*) ;; *) fail "locked counter: $r" ;; esac
[ -n "$(login 1 591827 "$T/jar1b")" ] || fail "counter 1 locked by counter 2's wrong PINs"

# ---- kill -9 in a loop of calls ---------------------------------------------------
: > "$T/called"
for round in 1 2 3 4 5; do
	jar=$T/jar.$round
	c=$(login 1 591827 "$jar")
	[ -n "$c" ] || { fail "login in round $round"; break; }
	cur=$(current)
	[ "$cur" != null ] && ! grep -qx "$cur" "$T/called" && echo "$cur" >> "$T/called"
	(
		k=0
		while [ $k -lt 40 ]; do
			k=$((k + 1))
			out=$(curl -s --max-time 5 -b "$jar" -H "X-CSRF-Token: $c" -H 'Content-Type: application/json' \
				-d "{\"rid\":\"k$round-$k\"}" "$U/api/call-next") || break
			n=$(echo "$out" | number)
			[ -n "$n" ] && echo "$n" >> "$T/called"
		done
	) &
	loop=$!
	sleep "0.$((round * 13 % 7 + 2))"
	stop_hub
	wait "$loop" 2>/dev/null
	start_hub || break
	r=$(post /api/call-next '{"rid":"after"}' -b "$jar" -H "X-CSRF-Token: $c")
	case "$r" in "401 "*session_expired*) ;; *) fail "a session survived the restart: $r" ;; esac
done
killed_calls=$(wc -l < "$T/called")
[ "$killed_calls" -ge 2 ] || fail "hardly any calls went through during the kills ($killed_calls)"
# A new stream gets the current state at once.
curl -s -N --max-time 20 "$U/api/events" > "$T/sse2.raw" 2>/dev/null &
sse=$!
i=0
while ! grep -q '^data: ' "$T/sse2.raw" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill "$sse" 2>/dev/null; wait "$sse" 2>/dev/null
grep -m1 '^data: ' "$T/sse2.raw" | sed 's/^data: //' > "$T/sse2"
s1=$(seq_of < "$T/sse2")
s2=$(state | seq_of)
[ -n "$s1" ] && [ "$s1" = "$s2" ] || fail "the new stream's snapshot (seq $s1) is not the current state ($s2)"
c=$(login 1 591827 "$T/jar.end")
cur=$(current)
[ "$cur" != null ] && ! grep -qx "$cur" "$T/called" && echo "$cur" >> "$T/called"
i=0
while [ $i -lt $((N + 2)) ]; do
	i=$((i + 1))
	out=$(curl -s -b "$T/jar.end" -H "X-CSRF-Token: $c" -H 'Content-Type: application/json' \
		-d "{\"rid\":\"end$i\"}" "$U/api/call-next")
	n=$(echo "$out" | number)
	[ -z "$n" ] && break
	echo "$n" >> "$T/called"
done
dups=$(sort "$T/called" | uniq -d)
[ -z "$dups" ] || fail "called twice: $dups"
sort -u "$T/called" > "$T/called.s"
sort "$T/issued" | grep -vx "$first" > "$T/issued.s"
sort "$T/called.s" | grep -vx "$first" > "$T/called.s2"
cmp -s "$T/issued.s" "$T/called.s2" || fail "tickets lost or unknown: $(diff "$T/issued.s" "$T/called.s2" | tr '\n' ' ')"
r=$(post /api/login '{"counter":2,"pin":"602938"}')
case "$r" in "423 "*) ;; *) fail "counter 2's lock did not survive the restarts: $r" ;; esac

# ---- addresses: only the configured one ---------------------------------------------
curl -s -o /dev/null --max-time 3 "http://127.0.0.2:$port/api/state"
[ $? -eq 7 ] || fail "127.0.0.2 (not configured) did not refuse the connection"
stop_hub
start_hub --listen "127.0.0.1:$port" || exit 1

# ---- static files ---------------------------------------------------------------------
h=$(curl -s -D - -o "$T/page" "$U/")
echo "$h" | head -1 | grep -q ' 200' || fail "GET /: $(echo "$h" | head -1)"
cmp -s "$T/page" "$T/assets/web/counter.html" || fail "GET / is not counter.html"
echo "$h" | grep -qi "^Content-Security-Policy: default-src 'self'" || fail "no CSP"
echo "$h" | grep -qi '^X-Content-Type-Options: nosniff' || fail "no nosniff"
echo "$h" | grep -qi '^X-Frame-Options: DENY' || fail "no X-Frame-Options"
echo "$h" | grep -qi '^Content-Type: text/html' || fail "page type"
h=$(curl -s -D - -o /dev/null "$U/static/ok.js")
echo "$h" | grep -qi '^Content-Type: text/javascript' || fail "js type: $h"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$U/static/img/face.svg")" = 200 ] || fail "a file in a subfolder"
[ "$(curl -s "$U/i18n/vi.json")" = '{"counter.title":"Quầy"}' ] || fail "/i18n/vi.json"
for p in /static/../site.json /static/..%2fsite.json /static/%2e%2e/site.json /static/link.js \
	/static/.hidden.js /i18n/fr.json /static/ /static/img/../ok.js /../site.json /site.json; do
	code=$(curl -s --path-as-is -o "$T/out" -w '%{http_code}' "$U$p")
	[ "$code" = 404 ] || fail "$p: $code"
	grep -q '"office"' "$T/out" && fail "$p served site.json"
done
# ---- the configuration changes while the hub runs (the kiosk's menu writes local.json) ----
echo 713946 | $RUN "$BIN/kiosk-hub" --data "$D" --set-pin 3 >/dev/null || fail "--set-pin 3"
$RUN "$TTOOLS/ledger_fill" "$D" A khai-sinh 1 > "$T/issued.more" || fail "ledger_fill while the hub runs"
r=$(post /api/login '{"counter":3,"pin":"713946"}')
case "$r" in "404 "*no_counter*) ;; *) fail "counter 3 before it is configured: $r" ;; esac
c1=$(login 1 591827 "$T/jar.r")
[ -n "$c1" ] || fail "counter 1 logs in before the change"
cp "$D/local.json" "$T/local.before"
cat > "$D/local.json.tmp" <<EOF
{ "hub": { "listen": ["127.0.0.1:$port"], "session_idle_minutes": 30 },
  "queue": { "regular_per_priority": 0 },
  "counters": [ { "id": 2, "name": { "vi": "Quầy 2", "en": "Counter 2" }, "groups": ["chung-thuc", "ho-tich"] },
                { "id": 3, "name": { "vi": "Quầy tiếp nhận", "en": "Reception" }, "groups": ["ho-tich"] } ] }
EOF
mv "$D/local.json.tmp" "$D/local.json"
i=0
until state | grep -q '"Quầy tiếp nhận"'; do
	i=$((i + 1)); [ $i -gt 100 ] && { fail "the new counter not in the snapshot after 10 s"; break; }; sleep 0.1
done
grep -q 'configuration reloaded: 2 counters, a priority call after 0 regular' "$T/hub.log" || fail "no reload line in the log"
state | grep -q '"groups":\["chung-thuc","ho-tich"\]' || fail "counter 2's new groups not in the snapshot"
c3=$(login 3 713946 "$T/jar.3")
[ -n "$c3" ] || fail "counter 3 cannot log in after the change"
r=$(post /api/call-next '{"rid":"rl1"}' -b "$T/jar.3" -H "X-CSRF-Token: $c3")
case "$r" in "200 "*) ;; *) fail "counter 3 calls: $r" ;; esac
r=$(post /api/call-next '{"rid":"rl2"}' -b "$T/jar.r" -H "X-CSRF-Token: $c1")
case "$r" in "404 "*no_counter*) ;; *) fail "counter 1, removed, still calls: $r" ;; esac
# A broken layer keeps the running configuration, and the log says why.
printf '{"counters": [ { "id": 3, "groups": ["no-such-group"] } ] }\n' > "$D/local.json.tmp"
mv "$D/local.json.tmp" "$D/local.json"
i=0
until grep -q 'configuration not reloaded.*no-such-group' "$T/hub.log"; do
	i=$((i + 1)); [ $i -gt 100 ] && { fail "no word of the refused layer in the log"; break; }; sleep 0.1
done
state | grep -q '"Quầy tiếp nhận"' || fail "a refused layer changed the counters"
kill -0 "$hpid" 2>/dev/null || fail "the hub exited on a refused layer"
cp "$T/local.before" "$D/local.json"
grep -q 591827 "$T/hub.log" && fail "a PIN in the log"
stop_hub
[ "$fails" -eq 0 ] || exit 1
echo "hub API: PINs, sessions, CSRF, rid, expect, limits, events, kill -9 x5 ($killed_calls calls among them), addresses, files, configuration reloaded"
