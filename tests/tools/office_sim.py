#!/usr/bin/env python3
"""office_sim.py - test tool: a compressed office day against a running
kiosk-hub on loopback, for tests/bench/office_hub.sh.

Every virtual counter is a thread with its own loopback source address
(127.0.0.<2+i>, as every counter PC has its own address and the hub limits
connections per address), logs in with its PIN, keeps the counter page's
event stream open (read and thrown away) and, as fast as the hub answers,
calls the next ticket, then marks it absent (4%), transfers it to another
group (5%) or serves it, and has the citizen rate 70% of the served ones
(1-3, a reason on a 1). Half of the absent tickets come back and are called
by number two calls later. The day ends when no counter finds anything to
call and nothing is parked that is coming back.

    office_sim.py URL COUNTERS_JSON PINS_FILE SEED OUT_JSON [HUB_PID]

COUNTERS_JSON: the local.json the hub reads ("counters": id, groups);
PINS_FILE: "id pin" lines. Writes what it did (counts, every call's click
time by the wall clock, request latencies) to OUT_JSON; exits 1 on a
request the hub answered with something no counter page should see.
"""
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse
import uuid

url = urllib.parse.urlparse(sys.argv[1])
HOST, PORT = url.hostname, url.port
cfg = json.load(open(sys.argv[2], encoding='utf-8'))
pins = dict(line.split() for line in open(sys.argv[3]) if line.strip())
rnd_seed = int(sys.argv[4])
out_path = sys.argv[5]
hub_pid = int(sys.argv[6]) if len(sys.argv) > 6 else 0

counters = cfg['counters']
groups = sorted({g for c in counters for g in c['groups']})
lock = threading.Lock()
clicks = []          # (number, click wall ms)
latency = []         # ms of every counter request
counts = {'calls': 0, 'served': 0, 'absent': 0, 'back': 0, 'back_too_late': 0, 'transferred': 0, 'rated': 0,
          'ratings': [0, 0, 0, 0], 'none_waiting': 0}
problems = []
coming_back = []     # (number, group, not before this many more calls of mine)
stop = threading.Event()
idle = set()
start = threading.Barrier(len(counters) + 1)


def hub_figures():
    """The hub's CPU ms so far, its RSS and peak RSS in KiB, its threads."""
    if not hub_pid:
        return {}
    st = open('/proc/%d/stat' % hub_pid).read().rsplit(')', 1)[1].split()
    hz = os.sysconf('SC_CLK_TCK')
    f = {'cpu_ms': (int(st[11]) + int(st[12])) * 1000 // hz}
    for line in open('/proc/%d/status' % hub_pid):
        k, _, v = line.partition(':')
        if k in ('VmRSS', 'VmHWM', 'Threads'):
            f[k] = int(v.split()[0])
    return f


def now_ms():
    return time.time() * 1000.0


class Counter:
    def __init__(self, i, c):
        self.i, self.id, self.groups = i, c['id'], c['groups']
        self.src = '127.0.0.%d' % (2 + i)
        self.rnd = random.Random(rnd_seed * 1000 + self.id)
        self.conn = None
        self.cookie = self.csrf = None
        self.calls = 0

    def connect(self):
        self.conn = http.client.HTTPConnection(HOST, PORT, timeout=60, source_address=(self.src, 0))

    def post(self, path, body, record=True):
        data = json.dumps(body).encode()
        hdr = {'Content-Type': 'application/json'}
        if self.cookie:
            hdr['Cookie'] = self.cookie
            hdr['X-CSRF-Token'] = self.csrf
        for attempt in range(3):
            t0 = now_ms()
            try:
                self.conn.request('POST', path, data, hdr)
                r = self.conn.getresponse()
                raw = r.read()
                t1 = now_ms()
                break
            except (ConnectionError, http.client.HTTPException, OSError):
                self.conn.close()
                self.connect()
                if attempt == 2:
                    raise
        if record:
            with lock:
                latency.append(t1 - t0)
        if path == '/api/login':
            sc = r.getheader('Set-Cookie') or ''
            self.cookie = sc.split(';', 1)[0]
        try:
            doc = json.loads(raw) if raw else {}
        except ValueError:
            doc = {'error': 'not json'}
        return r.status, doc, t0

    def rid(self):
        return uuid.uuid4().hex

    def events(self):
        """The page's event stream, read and thrown away."""
        while not stop.is_set():
            try:
                c = http.client.HTTPConnection(HOST, PORT, timeout=5, source_address=(self.src, 0))
                c.request('GET', '/api/events')
                r = c.getresponse()
                while not stop.is_set():
                    try:
                        if not r.fp.readline():
                            break
                    except TimeoutError:
                        continue
                c.close()
            except (OSError, http.client.HTTPException):
                time.sleep(0.2)

    def act(self, path, body, want=200):
        st, doc, t0 = self.post(path, body)
        if st != want:
            with lock:
                problems.append('counter %d %s -> %d %s' % (self.id, path, st, doc.get('error')))
        return st, doc, t0

    def serve(self, number, group):
        """What the counter does with the ticket it just called."""
        r = self.rnd.random()
        if r < 0.04:
            self.act('/api/absent', {'rid': self.rid(), 'expect': number})
            with lock:
                counts['absent'] += 1
                if self.rnd.random() < 0.5:
                    coming_back.append([number, group, 2])
            return
        if r < 0.09 and len(groups) > 1:
            to = self.rnd.choice([g for g in groups if g != group])
            self.act('/api/transfer', {'rid': self.rid(), 'expect': number, 'group': to})
            with lock:
                counts['transferred'] += 1
            return
        self.act('/api/done', {'rid': self.rid(), 'expect': number})
        with lock:
            counts['served'] += 1
        if self.rnd.random() < 0.7:
            level = self.rnd.choice([1, 2, 3])
            self.act('/api/rate', {'rid': self.rid(), 'number': number, 'level': level,
                                   'reasons': 1 if level == 1 else 0})
            with lock:
                counts['rated'] += 1
                counts['ratings'][level] += 1

    def back_one(self):
        """A parked ticket of my groups whose citizen came back, when due."""
        with lock:
            for e in coming_back:
                if e[1] in self.groups:
                    e[2] -= 1
                    if e[2] <= 0:
                        coming_back.remove(e)
                        return e[0]
        return None

    def run(self):
        self.connect()
        st, doc, _ = self.post('/api/login', {'counter': self.id, 'pin': pins[str(self.id)]}, record=False)
        if st != 200:
            with lock:
                problems.append('counter %d: login %d %s' % (self.id, st, doc))
            start.abort()
            return
        self.csrf = doc['csrf']
        threading.Thread(target=self.events, daemon=True).start()
        start.wait()
        misses = 0
        while not stop.is_set():
            back = self.back_one()
            if back:
                st, doc, t0 = self.post('/api/call', {'rid': self.rid(), 'number': back})
                with lock:
                    counts['back' if st == 200 else 'back_too_late'] += 1
            else:
                st, doc, t0 = self.post('/api/call-next', {'rid': self.rid()})
            if st == 404 and doc.get('error') == 'none_waiting':
                with lock:
                    counts['none_waiting'] += 1
                    idle.add(self.id)
                    done = len(idle) == len(counters) and not coming_back
                misses += 1
                if done and misses > 3:
                    stop.set()
                time.sleep(0.05)
                continue
            with lock:
                idle.discard(self.id)
            misses = 0
            if st != 200:
                if not back:
                    with lock:
                        problems.append('counter %d call-next -> %d %s' % (self.id, st, doc.get('error')))
                continue
            t = doc['ticket']
            with lock:
                counts['calls'] += 1
                clicks.append((t['number'], t0))
            self.calls += 1
            self.serve(t['number'], t['group'])


def main():
    cs = [Counter(i, c) for i, c in enumerate(counters)]
    th = [threading.Thread(target=c.run) for c in cs]
    t0 = time.time()
    for t in th:
        t.start()
    try:
        start.wait(timeout=600)
    except threading.BrokenBarrierError:
        stop.set()
    time.sleep(0.5)  # the event streams' first snapshots
    t0 = time.time()
    before = hub_figures()
    for t in th:
        t.join(timeout=3600)
    stop.set()
    counts['seconds'] = time.time() - t0
    after = hub_figures()
    json.dump({'counts': counts, 'clicks': clicks, 'latency': latency, 'problems': problems,
               'hub_before': before, 'hub_after': after}, open(out_path, 'w'))
    for p in problems[:10]:
        print('office_sim: ' + p, file=sys.stderr)
    return 1 if problems else 0


sys.exit(main())
