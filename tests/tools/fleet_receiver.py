#!/usr/bin/env python3
# fleet_receiver.py - a test receiver of the fleet topics (docs/fleet.md):
# subscribes to kiosk/+/+ with QoS 1 on a persistent session (so a broker
# restart with persistence keeps what was queued for it), checks each
# payload's envelope against its topic, de-duplicates on (kiosk, seq) and
# writes one line per event to --out, flushed:
#   msg KIOSK SEQ KIND      a message seen for the first time
#   dup KIOSK SEQ KIND      seen again (QoS 1 resend): counted, not kept
#   status KIOSK STATE      kiosk/<id>/status (retained online/offline)
#   bad TOPIC REASON        a payload that breaks the schema
#   connected P / subscribed  the session is up (P: session present) and
#                           the broker acknowledged the subscription
# Runs until --seconds pass or SIGTERM; reconnects every 3 s while the
# broker is away. Uses python3-paho-mqtt (Debian).
import argparse
import json
import signal
import ssl
import sys
import time

import paho.mqtt.client as mqtt

ap = argparse.ArgumentParser()
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--out", required=True)
ap.add_argument("--client-id", default="fleet-receiver")
ap.add_argument("--ca")
ap.add_argument("--cert")
ap.add_argument("--key")
ap.add_argument("--seconds", type=float, default=60)
a = ap.parse_args()

out = open(a.out, "a", buffering=1)
seen = set()
running = True


def stop(*_):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)


link = {"up": False, "attempt": 0.0}


def on_connect(c, userdata, flags, rc):
    if rc == 0:
        link["up"] = True
        c.subscribe("kiosk/+/+", qos=1)
        out.write("connected %d\n" % flags.get("session present", 0))
    else:
        out.write("refused %d\n" % rc)


def on_subscribe(c, userdata, mid, granted):
    out.write("subscribed\n")


def on_disconnect(c, userdata, rc):
    link["up"] = False


def on_message(c, userdata, m):
    parts = m.topic.split("/")
    if len(parts) != 3 or parts[0] != "kiosk":
        out.write("bad %s topic\n" % m.topic)
        return
    try:
        p = json.loads(m.payload.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        out.write("bad %s not-json\n" % m.topic)
        return
    if not isinstance(p, dict) or p.get("v") != 1 or p.get("kiosk") != parts[1]:
        out.write("bad %s envelope\n" % m.topic)
        return
    if parts[2] == "status":
        out.write("status %s %s\n" % (parts[1], p.get("state")))
        return
    if parts[2] not in ("heartbeat", "event", "stats"):
        out.write("bad %s kind\n" % m.topic)
        return
    seq, ts = p.get("seq"), p.get("ts")
    if not isinstance(seq, int) or seq < 1 or not isinstance(ts, int):
        out.write("bad %s seq-or-ts\n" % m.topic)
        return
    key = (p["kiosk"], seq)
    if key in seen:
        out.write("dup %s %d %s\n" % (key[0], seq, parts[2]))
    else:
        seen.add(key)
        out.write("msg %s %d %s\n" % (key[0], seq, parts[2]))


c = mqtt.Client(client_id=a.client_id, clean_session=False, protocol=mqtt.MQTTv311)
if a.ca:
    c.tls_set(ca_certs=a.ca, certfile=a.cert, keyfile=a.key, tls_version=ssl.PROTOCOL_TLS_CLIENT)
c.on_connect = on_connect
c.on_disconnect = on_disconnect
c.on_subscribe = on_subscribe
c.on_message = on_message
# Its own loop: an attempt without CONNACK within 3 s (a broker that went
# away in the middle of a handshake) is dropped and tried again.
end = time.monotonic() + a.seconds
first = True
while running and time.monotonic() < end:
    now = time.monotonic()
    if not link["up"] and now - link["attempt"] > 3:
        link["attempt"] = now
        try:
            if first:
                c.connect(a.host, a.port, keepalive=10)
                first = False
            else:
                c.reconnect()
        except (OSError, ValueError):
            pass
    c.loop(timeout=0.1)
c.disconnect()
out.write("end %d\n" % len(seen))
out.close()
sys.exit(0)
