// mock-hub.js - A TEST FAKE of kiosk-hub's HTTP API (docs/office-queue.md),
// plain node:http with an in-memory queue, for developing and checking the
// counter page while the real hub is not built. It is never shipped and never
// used when build/bin/kiosk-hub exists (tests/cli/counter_page.sh prefers the
// real hub). Usage: node mock-hub.js PORT ASSETS_DIR
// Extra test-only routes: POST /__test/help {"kiosk":"…"} adds a help call;
// POST /__test/issue {"group":"ho-tich","priority":false} issues a ticket.
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const port = parseInt(process.argv[2] || '8099', 10);
const assets = process.argv[3] || path.join(__dirname, '..', '..', 'assets');

const groups = [
	{ id: 'ho-tich', letter: 'A', name: { vi: 'Hộ tịch', en: 'Civil status' } },
	{ id: 'chung-thuc', letter: 'B', name: { vi: 'Chứng thực', en: 'Certification' } },
];
const counters = [
	{ id: 1, name: { vi: 'Quầy 1', en: 'Counter 1' }, groups: ['ho-tich', 'chung-thuc'], pin: '1234', fails: 0, lockedUntil: 0 },
	{ id: 2, name: { vi: 'Quầy 2', en: 'Counter 2' }, groups: ['chung-thuc'], pin: '5678', fails: 0, lockedUntil: 0 },
];
const tickets = []; // {number, group, priority, state, counter, issued, recall, servedAt, rated}
const calls = [];
const help = [];
let seq = 1;
const sessions = new Map(); // token -> {counter, csrf, rids: Map}
const serial = {};
const clients = new Set();

function issue(group, priority) {
	const g = groups.find((x) => x.id === group);
	serial[g.letter] = (serial[g.letter] || 0) + 1;
	const number = g.letter + String(serial[g.letter]).padStart(3, '0');
	tickets.push({ number, group, priority: !!priority, state: 'waiting', counter: 0, issued: Date.now() + tickets.length, recall: 0 });
	return number;
}
for (let i = 0; i < 6; i++) issue('ho-tich', i === 3);
for (let i = 0; i < 3; i++) issue('chung-thuc', false);

function snapshot(sess) {
	const s = {
		v: 1, seq, office: 'UBND phường Ba Đình (thử)', day: 20261202, now_ms: Date.now(),
		calls: calls.slice(0, 6),
		counters: counters.map((c) => {
			const cur = tickets.find((t) => t.state === 'called' && t.counter === c.id);
			return { id: c.id, name: c.name, groups: c.groups, current: cur ? cur.number : null, online: true };
		}),
		groups: groups.map((g) => {
			const w = tickets.filter((t) => t.group === g.id && t.state === 'waiting');
			return { id: g.id, letter: g.letter, name: g.name, waiting: w.length,
				 priority_waiting: w.filter((t) => t.priority).length,
				 estimate_min: g.id === 'ho-tich' ? 20 : null,
				 absent: tickets.filter((t) => t.group === g.id && t.state === 'absent').map((t) => t.number) };
		}),
		help: help.slice(-8),
	};
	if (sess) s.me = { counter: sess.counter };
	return s;
}
function changed() {
	seq++;
	const data = JSON.stringify(snapshot(null));
	for (const res of clients) res.write(`id: ${seq}\nevent: state\ndata: ${data}\n\n`);
}
function send(res, code, obj, extra) {
	res.writeHead(code, Object.assign({ 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }, extra || {}));
	res.end(JSON.stringify(obj));
}
function cookieOf(req) {
	const m = /(?:^|;\s*)kh_session=([0-9a-f]+)/.exec(req.headers.cookie || '');
	return m ? m[1] : null;
}
function call(c, t, recall) {
	t.state = 'called'; t.counter = c.id;
	const i = calls.findIndex((x) => x.number === t.number);
	if (i >= 0) calls.splice(i, 1);
	calls.unshift({ number: t.number, counter: c.id, counter_name: c.name, priority: t.priority, group: t.group, at_ms: Date.now(), recall });
}
function tk(t) { return { number: t.number, group: t.group, priority: t.priority, state: t.state, counter: t.counter }; }
function finishCurrent(c) {
	const cur = tickets.find((t) => t.state === 'called' && t.counter === c.id);
	if (cur) { cur.state = 'served'; cur.servedAt = Date.now(); }
}

function api(req, res, body, sess) {
	const p = req.url;
	if (p === '/api/login') {
		const c = counters.find((x) => x.id === body.counter);
		if (!c) return send(res, 404, { error: 'no_counter' });
		if (c.lockedUntil > Date.now()) return send(res, 423, { error: 'locked', wait_ms: c.lockedUntil - Date.now() });
		if (String(body.pin) !== c.pin) {
			if (++c.fails >= 5) { c.lockedUntil = Date.now() + 5 * 60000; c.fails = 0; return send(res, 423, { error: 'locked', wait_ms: 5 * 60000 }); }
			return send(res, 401, { error: 'wrong_pin' });
		}
		c.fails = 0;
		const token = crypto.randomBytes(16).toString('hex');
		const s = { counter: c.id, csrf: crypto.randomBytes(16).toString('hex'), rids: new Map() };
		sessions.set(token, s);
		return send(res, 200, { counter: c.id, name: c.name, groups: c.groups, csrf: s.csrf },
			{ 'Set-Cookie': `kh_session=${token}; HttpOnly; SameSite=Strict; Path=/` });
	}
	if (!sess) return send(res, 401, { error: 'session_expired' });
	if (req.headers['x-csrf-token'] !== sess.csrf) return send(res, 403, { error: 'csrf' });
	if (body.rid && sess.rids.has(body.rid)) { const a = sess.rids.get(body.rid); return send(res, a[0], a[1]); }
	const c = counters.find((x) => x.id === sess.counter);
	const cur = tickets.find((t) => t.state === 'called' && t.counter === c.id);
	const answer = (code, obj) => { if (body.rid) sess.rids.set(body.rid, [code, obj]); if (code === 200) changed(); send(res, code, obj); };
	const needCur = () => {
		if (!cur) { answer(404, { error: 'no_current' }); return false; }
		if (body.expect !== cur.number) { answer(409, { error: 'stale', state: snapshot(sess) }); return false; }
		return true;
	};
	switch (p) {
	case '/api/logout': for (const [k, v] of sessions) if (v === sess) sessions.delete(k); return send(res, 200, {});
	case '/api/call-next': {
		const w = tickets.filter((t) => t.state === 'waiting' && c.groups.includes(t.group)).sort((a, b) => a.issued - b.issued);
		if (!w.length) return answer(404, { error: 'none_waiting' });
		finishCurrent(c); call(c, w[0], 0); return answer(200, { ticket: tk(w[0]) });
	}
	case '/api/recall': if (!needCur()) return; {
		const i = calls.findIndex((x) => x.number === cur.number); const r = i >= 0 ? calls[i].recall + 1 : 1;
		call(c, cur, r); return answer(200, { ticket: tk(cur)}); }
	case '/api/absent': if (!needCur()) return; cur.state = 'absent'; cur.counter = 0; return answer(200, { ticket: tk(cur) });
	case '/api/done': if (!needCur()) return; cur.state = 'served'; cur.servedAt = Date.now(); return answer(200, { ticket: tk(cur) });
	case '/api/transfer': if (!needCur()) return;
		if (!groups.find((g) => g.id === body.group)) return answer(400, { error: 'bad_request' });
		cur.state = 'waiting'; cur.group = body.group; cur.counter = 0; return answer(200, { ticket: tk(cur) });
	case '/api/call': {
		const t = tickets.find((x) => x.number === body.number);
		if (!t) return answer(404, { error: 'no_ticket' });
		if (t.state !== 'waiting' && t.state !== 'absent') return answer(409, { error: 'not_waiting' });
		if (!c.groups.includes(t.group)) return answer(403, { error: 'not_your_group' });
		finishCurrent(c); call(c, t, 0); return answer(200, { ticket: tk(t) });
	}
	case '/api/rate': {
		const t = tickets.find((x) => x.number === body.number);
		if (!t || t.state !== 'served') return answer(409, { error: 'not_served' });
		if (t.rated) return answer(409, { error: 'already_rated' });
		t.rated = body.level; return answer(200, {});
	}
	case '/api/help/take': {
		const h = help.find((x) => x.id === body.id);
		if (!h) return answer(404, { error: 'bad_request' });
		if (h.taken_by) return answer(409, { error: 'taken' });
		h.taken_by = c.id; return answer(200, {});
	}
	case '/api/handoff': {
		// The fake decodes the K1/K2 layout without checking a signature.
		const f = String(body.qr || '').split(';');
		if (f.length < 6 || !/^K[12]$/.test(f[1])) return send(res, 422, { error: 'bad_record' }, { 'Cache-Control': 'no-store' });
		const answers = f.slice(6).filter((x) => x.includes('=')).map((x) => {
			const [k, v] = x.split('=');
			return { label: { vi: k, en: k }, value: decodeURIComponent(v.replace(/\+/g, ' ')) };
		});
		return send(res, 200, { number: f[0], procedure: { id: f[3], name: { vi: 'Thủ tục ' + f[3], en: 'Procedure ' + f[3] } }, answers, verified: f[1] === 'K2' });
	}
	}
	return send(res, 404, { error: 'bad_request' });
}

const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };
const server = http.createServer((req, res) => {
	const sec = { 'Content-Security-Policy': "default-src 'self'", 'X-Content-Type-Options': 'nosniff' };
	const sess = sessions.get(cookieOf(req) || '') || null;
	if (req.method === 'GET') {
		let f = null;
		if (req.url === '/' || req.url === '/counter') f = path.join(assets, 'web', 'counter.html');
		else if (/^\/static\/[a-z0-9_.-]+$/.test(req.url)) f = path.join(assets, 'web', req.url.slice(8));
		else if (/^\/i18n\/(vi|en)\.json$/.test(req.url)) f = path.join(assets, 'i18n', req.url.slice(6, 8), 'counter.json');
		if (f) {
			fs.readFile(f, (err, data) => {
				if (err) { res.writeHead(404, sec); return res.end(); }
				res.writeHead(200, Object.assign({ 'Content-Type': types[path.extname(f)] || 'application/json; charset=utf-8' }, sec));
				res.end(data);
			});
			return;
		}
		if (req.url === '/api/state') return send(res, 200, snapshot(sess));
		if (req.url === '/api/events') {
			res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
			res.write(`id: ${seq}\nevent: state\ndata: ${JSON.stringify(snapshot(null))}\n\n`);
			clients.add(res);
			req.on('close', () => clients.delete(res));
			return;
		}
		res.writeHead(404, sec); return res.end();
	}
	if (req.method !== 'POST') { res.writeHead(405); return res.end(); }
	let raw = '';
	req.on('data', (d) => { raw += d; });
	req.on('end', () => {
		let body;
		try { body = JSON.parse(raw || '{}'); } catch (e) { return send(res, 400, { error: 'bad_request' }); }
		if (req.url === '/__test/help') { help.push({ id: help.length + 1, kiosk: body.kiosk || 'Ki-ốt 1', at_ms: Date.now(), taken_by: null }); changed(); return send(res, 200, {}); }
		if (req.url === '/__test/issue') { const n = issue(body.group || 'ho-tich', body.priority); changed(); return send(res, 200, { number: n }); }
		api(req, res, body, sess);
	});
});
setInterval(() => { const d = JSON.stringify(snapshot(null)); for (const r of clients) r.write(`id: ${seq}\nevent: state\ndata: ${d}\n\n`); }, 15000);
server.listen(port, '127.0.0.1', () => process.stdout.write(`mock-hub listening on 127.0.0.1:${port}\n`));
