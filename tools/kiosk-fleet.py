#!/usr/bin/env python3
# kiosk-fleet - the province technician's view of the fleet (docs/fleet.md):
# collects what the kiosks publish on the broker into a local SQLite file,
# then lists the kiosks, exports the daily figures as CSV for spreadsheets
# and writes a one-page HTML report with charts that opens offline.
#
#   kiosk-fleet collect --broker HOST:PORT --db FILE [--ca F --cert F --key F | --no-tls] [--seconds N]
#   kiosk-fleet list    --db FILE [--lang vi|en] [--now-ms MS]
#   kiosk-fleet csv     --db FILE --out FILE.csv
#   kiosk-fleet report  --db FILE --out FILE.html [--lang vi|en]
#   kiosk-fleet push    --broker HOST:PORT --bundle FILE.kiosk [--group G] [--wait S] [TLS options]
#   kiosk-fleet push    --broker HOST:PORT --withdraw [--group G] [TLS options]
#   kiosk-fleet applied --db FILE --version V [--lang vi|en]
#
# The words of the list and the report are the kiosk's translation files'
# (<assets>/i18n/<lang>/fleet.json; Vietnamese unless --lang en).
#
# collect runs as the province's receiver: a persistent MQTT session (QoS 1)
# so nothing the broker accepted is missed between runs, de-duplicating on
# (kiosk, seq). Only what the kiosks send is stored: codes and counts, no
# personal data exists in it. Uses Debian's python3-paho-mqtt.
#
# push publishes a signed data bundle for a group of kiosks (all of them
# unless --group): its bytes as retained chunks on fleet/bundle/<sha256>/<i>,
# then a retained manifest on fleet/push/<group>; each kiosk's agent fetches
# the chunks it lacks, checks the bundle as a stick's and installs it at its
# next idle moment. With --wait it follows the kiosks' answers; applied
# shows them later from the collected database. --withdraw removes the
# group's manifest and its chunks from the broker.
import argparse
import html
import json
import os
import signal
import sqlite3
import ssl
import sys
import time

VN = 7 * 3600  # Vietnam time, UTC+7 all year
W = {}  # the words of the list and the report: <assets>/i18n/<lang>/fleet.json


def load_words(lang):
    """The words in lang (vi, the default, or en) from the kiosk's translation files."""
    here = os.path.dirname(os.path.abspath(__file__))
    for assets in (os.environ.get("KIOSK_ASSETS"), os.path.join(here, "..", "share", "kiosk"),
                   os.path.join(here, "..", "assets")):
        p = os.path.join(assets, "i18n", lang, "fleet.json") if assets else None
        if p and os.path.exists(p):
            with open(p, encoding="utf-8") as f:
                W.update(json.load(f))
            return
    sys.exit("kiosk-fleet: no i18n/%s/fleet.json (set KIOSK_ASSETS)" % lang)


def printer(code):
    """A printer state code in words ("paper-out" -> "hết giấy"); unknown codes as they are."""
    return W.get("fleet.printer_" + code, code) if code else "-"


def w(key, **kv):
    t = W.get(key, key)
    for k, v in kv.items():
        t = t.replace("{" + k + "}", str(v))
    return t

SCHEMA = """
CREATE TABLE IF NOT EXISTS kiosks(id TEXT PRIMARY KEY, state TEXT, state_ts INTEGER, last_seen INTEGER,
  version TEXT, slot TEXT, uptime_s INTEGER, disk_free_kb INTEGER, disk_total_kb INTEGER, temp_c REAL,
  printer TEXT, printer_ts INTEGER, waiting INTEGER);
CREATE TABLE IF NOT EXISTS seen(kiosk TEXT, seq INTEGER, PRIMARY KEY(kiosk, seq));
CREATE TABLE IF NOT EXISTS events(kiosk TEXT, seq INTEGER, ts INTEGER, event TEXT, body TEXT);
CREATE TABLE IF NOT EXISTS figures(kiosk TEXT, period TEXT, day INTEGER, hour INTEGER, grp TEXT, seq INTEGER,
  issued INTEGER, called INTEGER, served INTEGER, no_show INTEGER, wait_median_s INTEGER, wait_p90_s INTEGER,
  service_median_s INTEGER, rating_1 INTEGER, rating_2 INTEGER, rating_3 INTEGER,
  PRIMARY KEY(kiosk, period, day, hour, grp));
"""


def open_db(path):
    db = sqlite3.connect(path)
    db.executescript("PRAGMA journal_mode=WAL;" + SCHEMA)
    if "data_version" not in [r[1] for r in db.execute("PRAGMA table_info(kiosks)")]:
        db.execute("ALTER TABLE kiosks ADD COLUMN data_version TEXT")  # a file from before the column
    return db


def num(v, default=None):
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else default


def take(db, topic, payload):
    """One message from the broker into the database; False for a bad one."""
    parts = topic.split("/")
    if len(parts) != 3 or parts[0] != "kiosk":
        return False
    kiosk, kind = parts[1], parts[2]
    try:
        m = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return False
    if not isinstance(m, dict) or m.get("kiosk") != kiosk or m.get("v") != 1:
        return False
    ts = num(m.get("ts"), 0)
    db.execute("INSERT OR IGNORE INTO kiosks(id) VALUES(?)", (kiosk,))
    if kind == "status":
        if m.get("state") in ("online", "offline"):
            db.execute("UPDATE kiosks SET state=?, state_ts=? WHERE id=? AND coalesce(state_ts, 0) <= ?",
                       (m["state"], ts, kiosk, ts))
        return True
    seq = num(m.get("seq"))
    if seq is None:
        return False
    if db.execute("INSERT OR IGNORE INTO seen VALUES(?, ?)", (kiosk, seq)).rowcount == 0:
        return True  # a QoS 1 resend
    db.execute("UPDATE kiosks SET last_seen=max(coalesce(last_seen, 0), ?) WHERE id=?", (ts, kiosk))
    if kind == "heartbeat":
        ob = m.get("outbox") if isinstance(m.get("outbox"), dict) else {}
        db.execute("UPDATE kiosks SET version=?, slot=?, data_version=?, uptime_s=?, disk_free_kb=?, disk_total_kb=?,"
                   " temp_c=?, waiting=? WHERE id=?",
                   (str(m.get("version", "")), str(m.get("slot", "")), str(m.get("data_version", "")),
                    num(m.get("uptime_s")),
                    num(m.get("disk_free_kb")), num(m.get("disk_total_kb")), num(m.get("temp_c")),
                    num(ob.get("waiting")), kiosk))
    elif kind == "event":
        ev = str(m.get("event", ""))
        db.execute("INSERT INTO events VALUES(?, ?, ?, ?, ?)", (kiosk, seq, ts, ev, json.dumps(m)))
        if ev == "printer" and isinstance(m.get("state"), str):
            db.execute("UPDATE kiosks SET printer=?, printer_ts=? WHERE id=? AND coalesce(printer_ts, 0) <= ?",
                       (m["state"], ts, kiosk, ts))
    elif kind == "stats":
        period = m.get("period")
        if period not in ("day", "hour") or not isinstance(m.get("group"), str):
            return False
        hour = num(m.get("hour"), -1) if period == "hour" else -1
        keys = ("issued", "called", "served", "no_show", "wait_median_s", "wait_p90_s", "service_median_s",
                "rating_1", "rating_2", "rating_3")
        row = [num(m.get(k), -1 if k.endswith("_s") else 0) for k in keys]
        # the newest figures of a (day, hour, group) hold: a later send replaces an earlier one
        db.execute("INSERT INTO figures VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                   "ON CONFLICT(kiosk, period, day, hour, grp) DO UPDATE SET seq=excluded.seq, "
                   "issued=excluded.issued, called=excluded.called, served=excluded.served, "
                   "no_show=excluded.no_show, wait_median_s=excluded.wait_median_s, "
                   "wait_p90_s=excluded.wait_p90_s, service_median_s=excluded.service_median_s, "
                   "rating_1=excluded.rating_1, rating_2=excluded.rating_2, rating_3=excluded.rating_3 "
                   "WHERE excluded.seq > figures.seq",
                   [kiosk, period, num(m.get("day"), 0), hour, m["group"], seq] + row)
    return True


def collect(a):
    import paho.mqtt.client as mqtt
    db = open_db(a.db)
    host, _, port = a.broker.rpartition(":")
    client = mqtt.Client(client_id=a.client_id, clean_session=False)
    if not a.no_tls:
        client.tls_set(ca_certs=a.ca, certfile=a.cert, keyfile=a.key, tls_version=ssl.PROTOCOL_TLS_CLIENT)
    state = {"bad": 0, "msgs": 0, "running": True}

    def on_connect(c, userdata, flags, rc):
        if rc == 0:
            c.subscribe("kiosk/+/+", qos=1)
        else:
            print("kiosk-fleet: the broker refused the connection (%s)" % mqtt.connack_string(rc), file=sys.stderr)

    def on_message(c, userdata, msg):
        state["msgs"] += 1
        if not take(db, msg.topic, msg.payload):
            state["bad"] += 1
        db.commit()

    def stop(*_):
        state["running"] = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    client.on_connect = on_connect
    client.on_message = on_message
    end = time.time() + a.seconds if a.seconds > 0 else None
    connected = False
    while state["running"] and (end is None or time.time() < end):
        if not connected:
            try:
                client.connect(host, int(port), keepalive=30)
                connected = True
            except OSError as e:
                print("kiosk-fleet: cannot reach %s (%s); trying again" % (a.broker, e), file=sys.stderr)
                time.sleep(3)
                continue
        if client.loop(timeout=0.5) != mqtt.MQTT_ERR_SUCCESS:
            connected = False
            time.sleep(1)
    client.disconnect()
    db.commit()
    print("kiosk-fleet: %d messages, %d not understood" % (state["msgs"], state["bad"]), file=sys.stderr)
    return 0


def vn_day(ms):
    t = time.gmtime(ms / 1000 + VN)
    return t.tm_year * 10000 + t.tm_mon * 100 + t.tm_mday


def when(ms):
    if not ms:
        return "-"
    return time.strftime("%d/%m/%Y %H:%M", time.gmtime(ms / 1000 + VN))


def today_figures(db, kiosk, day):
    """Tickets issued and served today (the hours so far), the latest median wait."""
    r = db.execute("SELECT sum(issued), sum(served) FROM figures WHERE kiosk=? AND period='hour' AND day=?",
                   (kiosk, day)).fetchone()
    wt = db.execute("SELECT wait_median_s FROM figures WHERE kiosk=? AND wait_median_s >= 0 AND day=? "
                    "ORDER BY hour DESC LIMIT 1", (kiosk, day)).fetchone()
    return (r[0] if r[0] is not None else "-", r[1] if r[1] is not None else "-",
            "%d %s" % (round(wt[0] / 60), w("fleet.unit_min")) if wt else "-")


def list_kiosks(a):
    db = open_db(a.db)
    now = a.now_ms if a.now_ms else int(time.time() * 1000)
    day = vn_day(now)
    rows = [tuple(w(k) for k in ("fleet.kiosk", "fleet.state", "fleet.last_seen", "fleet.version", "fleet.slot",
                                 "fleet.data_version", "fleet.printer", "fleet.today_issued", "fleet.served",
                                 "fleet.wait"))]
    for k in db.execute("SELECT id, state, last_seen, version, slot, printer, data_version FROM kiosks ORDER BY id"):
        issued, served, wait = today_figures(db, k[0], day)
        rows.append((k[0], w("fleet." + (k[1] or "unknown")), when(k[2]), k[3] or "-", k[4] or "-", k[6] or "-",
                     printer(k[5]), str(issued), str(served), wait))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip())
    return 0


def daily_rows(db):
    """One row per (day, kiosk, group): the day's own figures, or its hours summed."""
    out = {}
    for r in db.execute("SELECT day, kiosk, grp, issued, called, served, no_show, wait_median_s, wait_p90_s,"
                        " service_median_s, rating_1, rating_2, rating_3 FROM figures WHERE period='hour'"):
        k = r[:3]
        s = out.setdefault(k, [0, 0, 0, 0, -1, -1, -1, 0, 0, 0])
        for i in (0, 1, 2, 3, 7, 8, 9):
            s[i] += r[3 + i]
    for r in db.execute("SELECT day, kiosk, grp, issued, called, served, no_show, wait_median_s, wait_p90_s,"
                        " service_median_s, rating_1, rating_2, rating_3 FROM figures WHERE period='day'"):
        out[r[:3]] = list(r[3:])
    return sorted(out.items())


def minutes(s):
    return "" if s is None or s < 0 else "%.1f" % (s / 60)


def csv_export(a):
    db = open_db(a.db)
    lines = ["date,kiosk,group,issued,called,served,no_show,wait_median_min,wait_p90_min,service_median_min,"
             "rated_very_satisfied,rated_satisfied,rated_not_satisfied"]
    for (day, kiosk, grp), v in daily_rows(db):
        lines.append("%04d-%02d-%02d,%s,%s,%d,%d,%d,%d,%s,%s,%s,%d,%d,%d" % (
            day // 10000, day // 100 % 100, day % 100, kiosk, grp, v[0], v[1], v[2], v[3], minutes(v[4]),
            minutes(v[5]), minutes(v[6]), v[9], v[8], v[7]))
    with open(a.out, "w", encoding="utf-8-sig", newline="") as f:  # the BOM: spreadsheets read UTF-8 right
        f.write("\r\n".join(lines) + "\r\n")
    print("kiosk-fleet: %d rows in %s" % (len(lines) - 1, a.out), file=sys.stderr)
    return 0


def bars(title, labels, values, unit, width=720, colors=None, stacked=None):
    """An inline SVG bar chart (horizontal bars, one a label); stacked: a list of series."""
    e = html.escape
    row, left = 26, 170
    series = stacked if stacked else [values]
    totals = [sum(s[i] for s in series) for i in range(len(labels))]
    top = max(totals + [1])
    h = 30 + row * len(labels)
    out = ['<figure><figcaption>%s</figcaption><svg role="img" viewBox="0 0 %d %d" width="%d" height="%d">'
           % (e(title), width, h, width, h)]
    colors = colors or ["#0b4f8a"]
    for i, lab in enumerate(labels):
        y = 10 + i * row
        out.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (left - 8, y + 16, e(str(lab))))
        x = left
        for si, s in enumerate(series):
            w = (width - left - 90) * s[i] / top
            out.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"/>'
                       % (x, y + 3, w, row - 8, colors[si % len(colors)]))
            x += w
        out.append('<text x="%.1f" y="%d">%s</text>' % (x + 6, y + 16, e("%g %s" % (totals[i], unit))))
    out.append("</svg></figure>")
    return "\n".join(out)


def report(a):
    db = open_db(a.db)
    e = html.escape
    days = [r[0] for r in db.execute("SELECT DISTINCT day FROM figures ORDER BY day")]
    last = days[-1] if days else None
    parts = ["<!doctype html><html lang=\"%s\"><meta charset=\"utf-8\"><title>%s</title>" % (a.lang, e(w("fleet.title"))),
             "<style>body{font-family:sans-serif;margin:2em;color:#111}table{border-collapse:collapse}"
             "td,th{border:1px solid #999;padding:.3em .6em;text-align:left}figure{margin:1.5em 0}"
             "figcaption{font-weight:bold;margin-bottom:.4em}svg text{font-size:14px}</style>",
             "<h1>%s</h1>" % e(w("fleet.title"))]
    if last:
        day = "%02d/%02d/%04d" % (last % 100, last // 100 % 100, last // 10000)
        parts.append("<p>%s</p>" % e(w("fleet.figures_of", day=day, written=when(int(time.time() * 1000)))))
    parts.append("<table><tr>%s</tr>" % "".join("<th>%s</th>" % e(w(k)) for k in (
        "fleet.kiosk", "fleet.state", "fleet.last_seen", "fleet.version", "fleet.data_version", "fleet.printer")))
    for k in db.execute("SELECT id, state, last_seen, version, data_version, printer FROM kiosks ORDER BY id"):
        cells = [k[0], w("fleet." + (k[1] or "unknown")), when(k[2]), k[3] or "-", k[4] or "-", printer(k[5])]
        parts.append("<tr>%s</tr>" % "".join("<td>%s</td>" % e(str(c)) for c in cells))
    parts.append("</table>")
    if last:
        hours = [0] * 24
        for h, n in db.execute("SELECT hour, sum(issued) FROM figures WHERE period='hour' AND day=? GROUP BY hour",
                               (last,)):
            if 0 <= h < 24:
                hours[h] = n
        first = next((i for i, n in enumerate(hours) if n), 7)
        end = max((i for i, n in enumerate(hours) if n), default=17)
        span = range(min(first, 7), max(end, 17) + 1)
        parts.append(bars(w("fleet.chart_hours"), ["%02d:00" % h for h in span], [hours[h] for h in span],
                          w("fleet.unit_tickets")))
        rows = [r for r in daily_rows(db) if r[0][0] == last]
        kiosks = sorted({r[0][1] for r in rows})
        waits = []
        for k in kiosks:
            ws = [v[4] for (d, kk, g), v in rows if kk == k and v[4] >= 0]
            waits.append(round(max(ws) / 60, 1) if ws else 0)
        parts.append(bars(w("fleet.chart_waits"), kiosks, waits, w("fleet.unit_min")))
        r3 = [sum(v[9] for (d, kk, g), v in rows if kk == k) for k in kiosks]
        r2 = [sum(v[8] for (d, kk, g), v in rows if kk == k) for k in kiosks]
        r1 = [sum(v[7] for (d, kk, g), v in rows if kk == k) for k in kiosks]
        parts.append(bars(w("fleet.chart_ratings"), kiosks, None, w("fleet.unit_ratings"),
                          colors=["#1b7f3b", "#8fbf5a", "#c0392b"], stacked=[r3, r2, r1]))
    else:
        parts.append("<p>%s</p>" % e(w("fleet.no_figures")))
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n</html>\n")
    print("kiosk-fleet: report in %s" % a.out, file=sys.stderr)
    return 0


def connect(a, client_id):
    import paho.mqtt.client as mqtt
    host, _, port = a.broker.rpartition(":")
    client = mqtt.Client(client_id=client_id, clean_session=True)
    if not a.no_tls:
        client.tls_set(ca_certs=a.ca, certfile=a.cert, keyfile=a.key, tls_version=ssl.PROTOCOL_TLS_CLIENT)
    client.connect(host, int(port), keepalive=30)
    client.loop_start()
    return client


def bundle_header(data):
    """The signed header's keys of a .kiosk file (not verified here: the kiosks do that)."""
    if len(data) < 12 or data[:4] != b"KUPD":
        return None
    n = int.from_bytes(data[8:12], "little")
    try:
        text = data[12:12 + n].decode("ascii")
    except UnicodeDecodeError:
        return None
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


def publish_all(client, msgs):
    """Publish (topic, payload, retained) QoS 1 and wait for each PUBACK."""
    infos = [client.publish(t, p, qos=1, retain=r) for t, p, r in msgs]
    for i in infos:
        i.wait_for_publish(timeout=60)
        if not i.is_published():
            raise OSError("the broker did not acknowledge a message")


def current_manifest(client, topic, wait=2.0):
    got = {}
    client.on_message = lambda c, u, m: got.setdefault("m", m.payload)
    client.subscribe(topic, qos=1)
    end = time.time() + wait
    while "m" not in got and time.time() < end:
        time.sleep(0.05)
    client.unsubscribe(topic)
    try:
        return json.loads(got["m"].decode("utf-8")) if got.get("m") else None
    except ValueError:
        return None


def push(a):
    import hashlib
    topic = "fleet/push/" + a.group
    try:
        client = connect(a, "kiosk-fleet-push")
    except OSError as e:
        sys.exit("kiosk-fleet: cannot reach %s (%s)" % (a.broker, e))
    old = current_manifest(client, topic)
    msgs = []
    if a.withdraw:
        if not old:
            print(w("fleet.push_none", group=a.group))
            return 0
        msgs.append((topic, b"", True))
        n = (old.get("size", 0) + old.get("chunk", 1) - 1) // max(old.get("chunk", 1), 1)
        msgs += [("fleet/bundle/%s/%d" % (old.get("bundle"), i), b"", True) for i in range(n)]
        publish_all(client, msgs)
        print(w("fleet.push_withdrawn", group=a.group, version=old.get("version", "?")))
        return 0
    with open(a.bundle, "rb") as f:
        data = f.read()
    h = bundle_header(data)
    if not h:
        sys.exit("kiosk-fleet: %s is not a kiosk bundle (.kiosk)" % a.bundle)
    if h.get("type") != "data":
        sys.exit("kiosk-fleet: %s is an app bundle; app bundles go on a USB stick" % a.bundle)
    if len(data) > 256 << 20:
        sys.exit("kiosk-fleet: %s is larger than 256 MiB" % a.bundle)
    sha = hashlib.sha256(data).hexdigest()
    version = h.get("version", "")
    chunks = [data[i:i + a.chunk] for i in range(0, len(data), a.chunk)]
    msgs = [("fleet/bundle/%s/%d" % (sha, i), c, True) for i, c in enumerate(chunks)]
    manifest = {"v": 1, "bundle": sha, "size": len(data), "chunk": a.chunk, "version": version,
                "ts": int(time.time() * 1000)}
    msgs.append((topic, json.dumps(manifest).encode(), True))
    if old and old.get("bundle") and old.get("bundle") != sha:  # the group's previous push goes
        n = (old.get("size", 0) + old.get("chunk", 1) - 1) // max(old.get("chunk", 1), 1)
        msgs += [("fleet/bundle/%s/%d" % (old["bundle"], i), b"", True) for i in range(n)]
    seen = {}
    if a.wait > 0:
        def on_event(c, u, m):
            try:
                e = json.loads(m.payload.decode("utf-8"))
            except ValueError:
                return
            if e.get("event") == "update" and e.get("type") == "data" and e.get("version") == version:
                k = m.topic.split("/")[1]
                if seen.get(k) != e.get("result"):
                    seen[k] = e.get("result")
                    print("%s: %s" % (k, result_words(e)), flush=True)
        client.on_message = on_event
        client.subscribe("kiosk/+/event", qos=1)
    publish_all(client, msgs)
    print(w("fleet.push_done", version=version, group=a.group, chunks=len(chunks), kb=(len(data) + 1023) // 1024),
          flush=True)
    end = time.time() + a.wait
    while time.time() < end:
        time.sleep(0.2)
    client.loop_stop()
    client.disconnect()
    return 0


def result_words(e):
    t = w("fleet.result_" + str(e.get("result")))
    if e.get("reason"):
        t += " (" + w("fleet.reason_" + str(e["reason"])) + ")"
    return t


def applied(a):
    """Per kiosk, the latest answer about data bundle version V."""
    db = open_db(a.db)
    last = {}
    for kiosk, ts, body in db.execute("SELECT kiosk, ts, body FROM events WHERE event='update' ORDER BY ts, seq"):
        e = json.loads(body)
        if e.get("type") == "data" and e.get("version") == a.version:
            last[kiosk] = (ts, e)
    rows = [(w("fleet.kiosk"), w("fleet.push_result"), w("fleet.last_seen"))]
    for kiosk in sorted(last):
        ts, e = last[kiosk]
        rows.append((kiosk, result_words(e), when(ts)))
    for kiosk, in db.execute("SELECT id FROM kiosks ORDER BY id"):
        if kiosk not in last:
            rows.append((kiosk, w("fleet.result_none"), "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        print("  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip())
    return 0


def main():
    ap = argparse.ArgumentParser(prog="kiosk-fleet")
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect")
    c.add_argument("--broker", required=True)
    c.add_argument("--db", required=True)
    c.add_argument("--ca")
    c.add_argument("--cert")
    c.add_argument("--key")
    c.add_argument("--no-tls", action="store_true", help="plain TCP: tests on loopback only")
    c.add_argument("--client-id", default="kiosk-fleet")
    c.add_argument("--seconds", type=float, default=0)
    l = sub.add_parser("list")
    l.add_argument("--db", required=True)
    l.add_argument("--now-ms", type=int, default=0)
    l.add_argument("--lang", choices=("vi", "en"), default="vi")
    for name in ("csv", "report"):
        p = sub.add_parser(name)
        p.add_argument("--db", required=True)
        p.add_argument("--out", required=True)
        p.add_argument("--lang", choices=("vi", "en"), default="vi")
    p = sub.add_parser("push")
    p.add_argument("--broker", required=True)
    p.add_argument("--group", default="all")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--bundle")
    g.add_argument("--withdraw", action="store_true")
    p.add_argument("--chunk", type=int, default=65536)
    p.add_argument("--wait", type=float, default=0, help="seconds to follow the kiosks' answers")
    p.add_argument("--ca")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--no-tls", action="store_true", help="plain TCP: tests on loopback only")
    p.add_argument("--lang", choices=("vi", "en"), default="vi")
    p = sub.add_parser("applied")
    p.add_argument("--db", required=True)
    p.add_argument("--version", required=True)
    p.add_argument("--lang", choices=("vi", "en"), default="vi")
    a = ap.parse_args()
    if a.cmd == "push":
        if not a.no_tls and not (a.ca and a.cert and a.key):
            ap.error("push needs --ca, --cert and --key (or --no-tls on a test loopback)")
        if not 1024 <= a.chunk <= 256 << 10:
            ap.error("--chunk must be 1024 to 262144 bytes")
        if not all(ch.isalnum() or ch in "_-." for ch in a.group) or not 0 < len(a.group) < 64:
            ap.error("--group must be 1-63 of A-Z a-z 0-9 _ - .")
    if a.cmd in ("list", "report", "push", "applied"):
        load_words(a.lang)
    if a.cmd == "collect" and not a.no_tls and not (a.ca and a.cert and a.key):
        ap.error("collect needs --ca, --cert and --key (or --no-tls on a test loopback)")
    if a.cmd not in ("collect", "push") and not os.path.exists(a.db):
        ap.error("%s: no such file (run kiosk-fleet collect first)" % a.db)
    return {"collect": collect, "list": list_kiosks, "csv": csv_export, "report": report, "push": push,
            "applied": applied}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
