#!/usr/bin/env python3
"""fake_hub.py - a TEST FAKE of the office-queue hub (kiosk-hub), for the wall
board's tests only: it serves the hub's event stream in the contract's format
(docs/office-queue.md, "The snapshot") from a file, and nothing else of the
hub (no queue, no login, no ledger).

  fake_hub.py DIR [--port N] [--heartbeat S]

DIR/snapshot.json  the snapshot served (any text: a test may plant a malformed
                   one); every change of the file is sent to every client as
                   one event (id: <n>, event: state, data: <the file's lines>)
DIR/stall          while it exists, the fake accepts connections and sends
                   nothing at all (no events, no heartbeats)
DIR/port           written at start: the port listened on (127.0.0.1 only)
DIR/clients        the number of event-stream clients connected now

GET /api/events  SSE: the current snapshot at once, then on every change, and
                 a ": keepalive" comment every --heartbeat seconds (default 2)
GET /api/state   the current snapshot
Stop it with SIGTERM; start it again on the same --port to "restart the hub".
Python's standard library only.
"""
import argparse
import http.server
import os
import signal
import sys
import threading
import time

ap = argparse.ArgumentParser()
ap.add_argument("dir")
ap.add_argument("--port", type=int, default=0)
ap.add_argument("--heartbeat", type=float, default=2.0)
args = ap.parse_args()
SNAP = os.path.join(args.dir, "snapshot.json")
STALL = os.path.join(args.dir, "stall")
clients = 0
lock = threading.Lock()


def read_snapshot():
    try:
        with open(SNAP, "rb") as f:
            return f.read()
    except OSError:
        return None


def set_clients(delta):
    global clients
    with lock:
        clients += delta
        tmp = os.path.join(args.dir, "clients.tmp")
        with open(tmp, "w") as f:
            f.write("%d\n" % clients)
        os.replace(tmp, os.path.join(args.dir, "clients"))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        pass

    def do_GET(self):
        if self.path == "/api/state":
            body = read_snapshot() or b"{}"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if self.path != "/api/events":
            self.send_error(404)
            return
        while os.path.exists(STALL):  # a stalled hub: not even the headers
            time.sleep(0.1)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        set_clients(1)
        try:
            self.stream()
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        finally:
            set_clients(-1)

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def stream(self):
        sent, seq, beat = None, 0, time.monotonic()
        while True:
            if os.path.exists(STALL):
                time.sleep(0.1)
                continue
            snap = read_snapshot()
            if snap is not None and snap != sent:
                seq += 1
                lines = snap.decode("utf-8", "replace").strip("\n").split("\n")
                ev = "id: %d\nevent: state\n" % seq + "".join("data: %s\n" % l for l in lines) + "\n"
                self.chunk(ev.encode())
                sent = snap
                beat = time.monotonic()
            elif time.monotonic() - beat >= args.heartbeat:
                self.chunk(b": keepalive\n\n")
                beat = time.monotonic()
            time.sleep(0.1)


class Server(http.server.ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True


srv = Server(("127.0.0.1", args.port), Handler)
with open(os.path.join(args.dir, "port.tmp"), "w") as f:
    f.write("%d\n" % srv.server_address[1])
os.replace(os.path.join(args.dir, "port.tmp"), os.path.join(args.dir, "port"))
set_clients(0)
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
srv.serve_forever()
