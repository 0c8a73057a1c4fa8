#!/bin/sh
# config_schema.sh - assets/config.schema.json is a valid JSON Schema, the
# shipped site.json passes it, and it refuses what the C loader refuses
# (unknown key, out-of-range value, bad enum, bad time). Needs python3 with
# jsonschema (python3-jsonschema); skipped without it.
set -u
python3 -c 'import jsonschema' 2>/dev/null || { echo "python3-jsonschema not installed"; exit 77; }
python3 - <<'PY'
import json, sys, jsonschema
schema = json.load(open("assets/config.schema.json"))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
site = json.load(open("assets/site.json"))
errs = [e.message for e in v.iter_errors(site)]
if errs:
    sys.exit("site.json fails the schema: %s" % errs)
bad = [
    {"colour": "red"},
    {"session": {"idle_s": 20}},
    {"session": {"idle_s": 120.5}},
    {"printer": {"transport": "serial"}},
    {"office": {"hours": {"mon": [["7:30", "11:30"]]}}},
    {"office": {"hours": {"monday": []}}},
    {"queue": {"priority_letter": "u"}},
    {"scanner": {"usb": "12345:1"}},
    {"office": {"lunch_tickets": "yes"}},
]
for doc in bad:
    if v.is_valid(doc):
        sys.exit("schema accepts a bad layer: %s" % json.dumps(doc))
for doc in [{}, {"session": {"idle_s": 300}}, {"office": {"hours": {}}}, {"office": {"lunch_tickets": False}}]:
    if not v.is_valid(doc):
        sys.exit("schema refuses a good partial layer: %s" % json.dumps(doc))
print("schema ok")
PY
