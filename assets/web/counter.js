/* counter.js - the counter page's logic (plain JS, no framework): login with
 * the counter's PIN, the live snapshot from GET /api/events (EventSource,
 * reconnects by itself, keeps the last state with a "connection lost" mark),
 * the counter's actions (a fresh rid per click, expect for current-ticket
 * actions, one request at a time), the hand-off scan box (answers shown,
 * never stored, cleared on done / next call / after 10 minutes) and the
 * citizen's rating view. Contract: docs/office-queue.md. */
'use strict';
(function () {
	var LANGS = ['vi', 'en'];
	var ANSWERS_MS = 10 * 60 * 1000;   /* hand-off answers leave the page after this */
	var RATE_MS = 30 * 1000;           /* the rating view goes back after this */
	var STALL_MS = 40 * 1000;          /* no event for this long: the stream is dead */

	var texts = {};                    /* lang -> {key: text} */
	var lang = 'vi';
	var snap = null;                   /* the last snapshot (kept while offline) */
	var me = null;                     /* {counter, csrf} once logged in */
	var busy = false;                  /* a counter action is in flight */
	var online = false;
	var es = null, esTimer = null, stallTimer = null;
	var answersTimer = null;
	var served = null;                 /* number just served, may be rated */
	var rate = null;                   /* {number, level, reasons, timer, tick} */
	var noticeState = null;            /* {key, args, kind} to re-translate */
	var loginState = null;

	function $(id) { return document.getElementById(id); }

	/* ---------- texts ---------- */
	function t(key, args) {
		var s = (texts[lang] && texts[lang][key]) || (texts.vi && texts.vi[key]) || '';
		if (args) {
			s = s.replace(/\{(\w+)\}/g, function (m, k) {
				return Object.prototype.hasOwnProperty.call(args, k) ? String(args[k]) : m;
			});
		}
		return s;
	}
	function nameOf(obj) {
		if (!obj) return '';
		if (typeof obj === 'string') return obj;
		return obj[lang] || obj.vi || obj.en || '';
	}
	function loadTexts(l) {
		if (texts[l]) return Promise.resolve();
		return fetch('/i18n/' + l + '.json', { credentials: 'same-origin' })
			.then(function (r) { if (!r.ok) throw new Error('i18n'); return r.json(); })
			.then(function (j) { texts[l] = j; });
	}
	function applyTexts() {
		document.documentElement.lang = lang;
		var els = document.querySelectorAll('[data-i18n]');
		for (var i = 0; i < els.length; i++) els[i].textContent = t(els[i].getAttribute('data-i18n'));
		document.title = t('counter.title');
		$('lang').setAttribute('lang', lang === 'vi' ? 'en' : 'vi');
		renderLoginMsg();
		renderNotice();
		render();
		renderAnswersLabels();
		if (rate) renderRate();
	}
	function setLang(l) {
		return loadTexts(l).then(function () {
			lang = l;
			try { localStorage.setItem('counter.lang', l); } catch (e) { /* private mode */ }
			applyTexts();
		});
	}

	/* ---------- requests ---------- */
	function rid() {
		var b = new Uint8Array(16);
		crypto.getRandomValues(b);
		var s = '';
		for (var i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
		return s;
	}
	/* POST JSON; resolves {status, body}; a network failure is status 0. */
	function post(path, body) {
		var h = { 'Content-Type': 'application/json' };
		if (me && me.csrf) h['X-CSRF-Token'] = me.csrf;
		return fetch(path, { method: 'POST', headers: h, body: JSON.stringify(body),
				     credentials: 'same-origin', cache: 'no-store' })
			.then(function (r) {
				return r.text().then(function (txt) {
					var j = {};
					try { j = txt ? JSON.parse(txt) : {}; } catch (e) { j = {}; }
					return { status: r.status, body: j };
				});
			}, function () { return { status: 0, body: { error: 'network' } }; });
	}
	function getState() {
		return fetch('/api/state', { credentials: 'same-origin', cache: 'no-store' })
			.then(function (r) { if (!r.ok) throw new Error('state'); return r.json(); });
	}
	function errKey(code) {
		var k = 'counter.err.' + code;
		return t(k) ? k : 'counter.err.other';
	}

	/* ---------- session ---------- */
	function saveSession() {
		try {
			if (me) localStorage.setItem('counter.session', JSON.stringify(me));
			else localStorage.removeItem('counter.session');
		} catch (e) { /* private mode: this tab only */ }
	}
	function storedSession() {
		try { return JSON.parse(localStorage.getItem('counter.session') || 'null'); } catch (e) { return null; }
	}
	function sessionEnded(code) {
		me = null;
		saveSession();
		clearAnswers();
		closeRate();
		served = null;
		loginState = { key: errKey(code || 'session_expired') };
		showView('login');
	}

	/* ---------- views ---------- */
	var view = null;
	function showView(v) {
		view = v;
		$('view-login').hidden = v !== 'login';
		$('view-main').hidden = v !== 'main';
		$('view-rate').hidden = v !== 'rate';
		$('logout').hidden = v !== 'main';
		document.body.className = 'v-' + v + (online ? '' : ' offline');
		if (v !== 'main') closeDialogs();
		render();
		if (v === 'login') {
			renderLoginMsg();
			var sel = $('login-counter');
			(sel.value ? $('login-pin') : sel).focus();
		} else if (v === 'main') {
			$('scan').focus();
		}
	}
	function setOnline(on) {
		online = on;
		var c = $('conn');
		c.textContent = on ? '' : t('counter.offline');
		c.className = on ? 'conn' : 'conn off';
		document.body.classList.toggle('offline', !on);
	}

	/* ---------- the live stream ---------- */
	function connect() {
		if (es) { es.close(); es = null; }
		clearTimeout(esTimer);
		es = new EventSource('/api/events');
		es.addEventListener('state', function (ev) {
			var s;
			try { s = JSON.parse(ev.data); } catch (e) { return; }
			armStall();
			var wasOffline = !online;
			setOnline(true);
			if (wasOffline) {
				/* Back after a break: the hub may have restarted, which ends
				 * every session; /api/state says whether ours still holds. */
				checkSession();
			}
			take(s);
		});
		es.onerror = function () {
			setOnline(false);
			if (es && es.readyState === EventSource.CLOSED) retry();
		};
		armStall();
	}
	function retry() {
		if (es) { es.close(); es = null; }
		clearTimeout(esTimer);
		esTimer = setTimeout(connect, 2000);
	}
	function armStall() {
		clearTimeout(stallTimer);
		stallTimer = setTimeout(function () { setOnline(false); retry(); }, STALL_MS);
	}
	function checkSession() {
		return getState().then(function (s) {
			take(s);
			if (me && (!s.me || s.me.counter !== me.counter)) sessionEnded('session_expired');
		}, function () { setOnline(false); });
	}
	function take(s) {
		if (!s || typeof s !== 'object') return;
		snap = s;
		render();
	}

	/* ---------- rendering ---------- */
	function myCounter() {
		if (!snap || !me) return null;
		var cs = snap.counters || [];
		for (var i = 0; i < cs.length; i++) if (cs[i].id === me.counter) return cs[i];
		return null;
	}
	function groupById(id) {
		var gs = (snap && snap.groups) || [];
		for (var i = 0; i < gs.length; i++) if (gs[i].id === id) return gs[i];
		return null;
	}
	function groupOfNumber(num) {
		if (!num) return null;
		var calls = (snap && snap.calls) || [];
		for (var i = 0; i < calls.length; i++) if (calls[i].number === num) return groupById(calls[i].group);
		var gs = (snap && snap.groups) || [];
		for (var j = 0; j < gs.length; j++) if (gs[j].letter === num.charAt(0)) return gs[j];
		return null;
	}
	function isPriority(num) {
		var calls = (snap && snap.calls) || [];
		for (var i = 0; i < calls.length; i++) if (calls[i].number === num) return !!calls[i].priority;
		return false;
	}
	function current() {
		var c = myCounter();
		return c && c.current ? c.current : null;
	}
	function servesGroup(gid) {
		var c = myCounter();
		return !!c && (c.groups || []).indexOf(gid) >= 0;
	}
	function clock(ms) {
		var d = new Date(ms);
		var h = d.getHours(), m = d.getMinutes();
		return (h < 10 ? '0' : '') + h + ':' + (m < 10 ? '0' : '') + m;
	}
	function el(tag, cls, text) {
		var e = document.createElement(tag);
		if (cls) e.className = cls;
		if (text !== undefined) e.textContent = text;
		return e;
	}
	function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

	function render() {
		if (!texts[lang]) return;
		$('office').textContent = (snap && snap.office) || '';
		renderLoginCounters();
		var c = myCounter();
		$('who').textContent = c ? nameOf(c.name) : '';
		if (view !== 'main' && view !== 'rate') return;
		var cur = current();
		var g = groupOfNumber(cur);
		$('cur-number').textContent = cur || t('counter.current_none');
		$('cur-number').classList.toggle('none', !cur);
		$('cur-group').textContent = cur ? (g ? nameOf(g.name) : '') +
			(isPriority(cur) ? ' · ' + t('counter.priority') : '') : '';
		var rb = $('btn-rate');
		rb.hidden = !served;
		if (served) rb.textContent = t('counter.btn.rate') + ' (' + served + ')';
		renderButtons();
		renderGroups();
		renderAbsent();
		renderCalls();
		renderHelp();
	}
	function renderButtons() {
		var cur = current();
		var ids = ['btn-next', 'btn-recall', 'btn-absent', 'btn-done', 'btn-transfer', 'btn-call', 'btn-rate'];
		var needCur = { 'btn-recall': 1, 'btn-absent': 1, 'btn-done': 1, 'btn-transfer': 1 };
		for (var i = 0; i < ids.length; i++) {
			var b = $(ids[i]);
			b.disabled = busy || !me || (needCur[ids[i]] && !cur);
			b.setAttribute('aria-busy', busy ? 'true' : 'false');
		}
		var more = document.querySelectorAll('.absent button, .help button');
		for (var j = 0; j < more.length; j++) more[j].disabled = busy;
	}
	function renderGroups() {
		var tb = $('groups');
		clear(tb);
		var gs = (snap && snap.groups) || [];
		for (var i = 0; i < gs.length; i++) {
			var g = gs[i];
			var tr = el('tr', servesGroup(g.id) ? 'mine' : '');
			var th = el('th', '', g.letter + ' · ' + nameOf(g.name));
			th.scope = 'row';
			tr.appendChild(th);
			tr.appendChild(el('td', 'n', String(g.waiting || 0)));
			tr.appendChild(el('td', 'n' + (g.priority_waiting ? ' prio' : ''), String(g.priority_waiting || 0)));
			tr.appendChild(el('td', '', g.estimate_min === null || g.estimate_min === undefined || g.estimate_min < 0
				? t('counter.groups.estimate_none') : t('counter.groups.estimate_min', { min: g.estimate_min })));
			tb.appendChild(tr);
		}
	}
	function renderAbsent() {
		var box = $('absent');
		clear(box);
		var gs = (snap && snap.groups) || [];
		var n = 0;
		for (var i = 0; i < gs.length; i++) {
			if (!servesGroup(gs[i].id)) continue;
			var a = gs[i].absent || [];
			for (var j = 0; j < a.length; j++) {
				var b = el('button', 'chip', a[j]);
				b.type = 'button';
				b.setAttribute('data-number', a[j]);
				b.disabled = busy;
				box.appendChild(b);
				n++;
			}
		}
		if (!n) box.appendChild(el('p', 'empty', t('counter.absent.none')));
	}
	function renderCalls() {
		var ol = $('calls');
		clear(ol);
		var calls = (snap && snap.calls) || [];
		for (var i = 0; i < calls.length; i++) {
			var c = calls[i];
			var li = el('li', c.priority ? 'prio' : '');
			li.appendChild(el('span', 'cnum', c.number));
			li.appendChild(el('span', 'cctr', '→ ' + nameOf(c.counter_name)));
			var extra = clock(c.at_ms);
			if (c.recall) extra += ' · ' + t('counter.calls.recall', { n: c.recall });
			if (c.priority) extra += ' · ' + t('counter.priority');
			li.appendChild(el('span', 'cat', extra));
			ol.appendChild(li);
		}
		if (!calls.length) ol.appendChild(el('li', 'empty', t('counter.calls.none')));
	}
	function counterName(id) {
		var cs = (snap && snap.counters) || [];
		for (var i = 0; i < cs.length; i++) if (cs[i].id === id) return nameOf(cs[i].name);
		return String(id);
	}
	function renderHelp() {
		var ul = $('help');
		clear(ul);
		var hs = (snap && snap.help) || [];
		var open = 0;
		for (var i = 0; i < hs.length; i++) {
			var h = hs[i];
			var li = el('li', h.taken_by ? 'taken' : 'open');
			if (h.taken_by) {
				li.appendChild(el('span', '', t('counter.help.taken', { kiosk: h.kiosk, counter: counterName(h.taken_by) })));
			} else {
				open++;
				li.appendChild(el('span', '', t('counter.help.open', { kiosk: h.kiosk, time: clock(h.at_ms) })));
				var b = el('button', 'take', t('counter.help.take'));
				b.type = 'button';
				b.setAttribute('data-help', String(h.id));
				b.disabled = busy;
				li.appendChild(b);
			}
			ul.appendChild(li);
		}
		if (!hs.length) ul.appendChild(el('li', 'empty', t('counter.help.none')));
		ul.parentNode.classList.toggle('alert', open > 0);
	}
	function renderLoginCounters() {
		var sel = $('login-counter');
		var cs = (snap && snap.counters) || [];
		var keep = sel.value;
		var sig = JSON.stringify(cs.map(function (c) { return [c.id, nameOf(c.name)]; })) + lang;
		if (sel.getAttribute('data-sig') === sig) return;
		sel.setAttribute('data-sig', sig);
		clear(sel);
		var o = el('option', '', t('counter.login.choose'));
		o.value = '';
		sel.appendChild(o);
		for (var i = 0; i < cs.length; i++) {
			var op = el('option', '', nameOf(cs[i].name));
			op.value = String(cs[i].id);
			sel.appendChild(op);
		}
		sel.value = keep;
		if (snap && !cs.length && view === 'login' && !loginState) loginState = { key: 'counter.login.no_counters' };
	}
	function renderLoginMsg() {
		$('login-msg').textContent = loginState ? t(loginState.key, loginState.args) : '';
	}
	function notice(key, args, kind) {
		noticeState = key ? { key: key, args: args, kind: kind || 'info' } : null;
		renderNotice();
	}
	function renderNotice() {
		var n = $('notice');
		n.textContent = noticeState ? t(noticeState.key, noticeState.args) : '';
		n.className = 'notice' + (noticeState ? ' ' + noticeState.kind : '');
	}

	/* ---------- login ---------- */
	function login(ev) {
		ev.preventDefault();
		var id = parseInt($('login-counter').value, 10);
		var pin = $('login-pin').value;
		if (!id) { $('login-counter').focus(); return; }
		if (!pin) { $('login-pin').focus(); return; }
		var b = $('login-submit');
		if (b.disabled) return;
		b.disabled = true;
		post('/api/login', { counter: id, pin: pin }).then(function (r) {
			b.disabled = false;
			$('login-pin').value = '';
			if (r.status === 200 && r.body.csrf) {
				me = { counter: r.body.counter || id, csrf: r.body.csrf };
				saveSession();
				loginState = null;
				served = null;
				notice(null);
				showView('main');
				checkSession();
				return;
			}
			var code = r.body.error || (r.status === 0 ? 'network' : 'other');
			var args = {};
			if (code === 'locked') args.min = Math.max(1, Math.ceil((r.body.wait_ms || 60000) / 60000));
			var key = errKey(code);
			if (code === 'locked' && args.min === 1) key = 'counter.err.locked_one';
			loginState = { key: key, args: args };
			renderLoginMsg();
			$('login-pin').focus();
		});
	}
	function logout() {
		post('/api/logout', {}).then(function () {
			me = null;
			saveSession();
			clearAnswers();
			served = null;
			loginState = null;
			showView('login');
		});
	}

	/* ---------- counter actions ---------- */
	/* One request at a time: buttons are disabled while one is in flight, and
	 * the rid makes a repeated request harmless anyway. */
	function act(path, body, okKey, after) {
		if (busy || !me) return Promise.resolve(null);
		busy = true;
		renderButtons();
		body.rid = rid();
		var sent = post(path, body);
		return sent.then(function (r) {
			busy = false;
			var tk = r.body && r.body.ticket;
			if (r.status === 200) {
				if (after) after(tk);
				if (okKey) notice(okKey, { number: (tk && tk.number) || body.expect || body.number || '',
							   group: body.group ? nameOf((groupById(body.group) || {}).name) || body.group : '' });
				refresh();
			} else {
				failed(r);
			}
			renderButtons();
			return r;
		});
	}
	function failed(r) {
		var code = (r.body && r.body.error) || (r.status === 0 ? 'network' : 'other');
		if (code === 'session_expired' || r.status === 401) { sessionEnded('session_expired'); return; }
		if (code === 'csrf') {
			/* another tab may have logged in again with a new token */
			var s = storedSession();
			if (s && me && s.csrf !== me.csrf && s.counter === me.counter) { me = s; notice('counter.err.stale', null, 'warn'); refresh(); return; }
			sessionEnded('csrf');
			return;
		}
		if (code === 'stale') {
			if (r.body.state || r.body.snapshot) take(r.body.state || r.body.snapshot);
			refresh();
			notice('counter.err.stale', null, 'warn');
			return;
		}
		if (r.status === 0) setOnline(false);
		notice(errKey(code), null, 'error');
	}
	function refresh() {
		return getState().then(function (s) {
			take(s);
			if (me && (!s.me || s.me.counter !== me.counter)) sessionEnded('session_expired');
		}, function () { /* offline: keep the last state */ });
	}
	function expectBody(extra) {
		var b = { expect: current() };
		if (extra) for (var k in extra) b[k] = extra[k];
		return b;
	}
	function newCall() { clearAnswers(); served = null; }
	function callNext() { return act('/api/call-next', {}, 'counter.notice.called', newCall); }
	function recall() { return act('/api/recall', expectBody(), 'counter.notice.recalled'); }
	function absent() { return act('/api/absent', expectBody(), 'counter.notice.absent', function () { clearAnswers(); }); }
	function done() {
		var num = current();
		return act('/api/done', expectBody(), 'counter.notice.done', function (tk) {
			clearAnswers();
			served = (tk && tk.number) || num;
		});
	}
	function transferTo(gid) {
		closeDialogs();
		return act('/api/transfer', expectBody({ group: gid }), 'counter.notice.transferred', function () { clearAnswers(); });
	}
	function callNumber(num) {
		return act('/api/call', { number: num }, 'counter.notice.called', newCall);
	}
	function takeHelp(id) {
		return act('/api/help/take', { id: id }, 'counter.notice.help_taken');
	}

	/* ---------- dialogs ---------- */
	function closeDialogs() {
		var ds = document.querySelectorAll('dialog');
		for (var i = 0; i < ds.length; i++) if (ds[i].open) ds[i].close();
	}
	function openTransfer() {
		var cur = current();
		if (!cur || busy) return;
		var mine = groupOfNumber(cur);
		$('dlg-transfer-h').textContent = t('counter.transfer.heading', { number: cur });
		var box = $('transfer-groups');
		clear(box);
		var gs = (snap && snap.groups) || [];
		for (var i = 0; i < gs.length; i++) {
			if (mine && gs[i].id === mine.id) continue;
			var b = el('button', 'big', gs[i].letter + ' · ' + nameOf(gs[i].name));
			b.type = 'button';
			b.setAttribute('data-group', gs[i].id);
			box.appendChild(b);
		}
		$('dlg-transfer').showModal();
		var first = box.querySelector('button');
		if (first) first.focus();
	}
	function openCall() {
		if (busy) return;
		$('call-number').value = '';
		$('call-msg').textContent = '';
		$('dlg-call').showModal();
		$('call-number').focus();
	}
	function submitCall(ev) {
		ev.preventDefault();
		var v = $('call-number').value.trim().toUpperCase();
		if (!/^[A-Z][0-9]{1,4}$/.test(v)) { $('call-msg').textContent = t('counter.call.bad'); return; }
		closeDialogs();
		callNumber(v);
	}

	/* ---------- hand-off scan box ---------- */
	/* The answers live only in the DOM of #answers and in `shown`; nothing is
	 * written to storage, and clearAnswers() drops both. */
	var shown = null;
	function clearAnswers() {
		clearTimeout(answersTimer);
		answersTimer = null;
		shown = null;
		clear($('answers'));
		$('scan').value = '';
	}
	function scan(ev) {
		ev.preventDefault();
		var qr = $('scan').value.replace(/[\r\n]+$/, '');
		$('scan').value = '';
		if (!qr || !me) return;
		clearAnswers();
		var box = $('answers');
		box.appendChild(el('p', 'hint', t('counter.scan.wait')));
		post('/api/handoff', { qr: qr }).then(function (r) {
			clear(box);
			if (r.status !== 200) {
				if (r.status === 401) { sessionEnded('session_expired'); return; }
				box.appendChild(el('p', 'msg error', t(errKey(r.body.error || (r.status === 0 ? 'network' : 'bad_record')))));
				return;
			}
			shown = r.body;
			drawAnswers();
			answersTimer = setTimeout(clearAnswers, ANSWERS_MS);
		});
	}
	function drawAnswers() {
		var box = $('answers');
		clear(box);
		if (!shown) return;
		var head = el('div', 'ans-head');
		var title = nameOf(shown.procedure && shown.procedure.name) || (shown.procedure && shown.procedure.id) || '';
		if (shown.number) title = t('counter.scan.number', { number: shown.number }) + (title ? ' · ' + title : '');
		head.appendChild(el('strong', '', title));
		var cb = el('button', 'small', t('counter.scan.clear'));
		cb.type = 'button';
		cb.id = 'answers-clear';
		head.appendChild(cb);
		box.appendChild(head);
		if (shown.verified === false) box.appendChild(el('p', 'msg warn', t('counter.scan.unverified')));
		var list = shown.answers || [];
		if (!list.length) box.appendChild(el('p', 'empty', t('counter.scan.empty')));
		var dl = el('dl', 'ans');
		for (var i = 0; i < list.length; i++) {
			var row = el('div', 'ans-row');
			var label = nameOf(list[i].label);
			row.appendChild(el('dt', '', label));
			var dd = el('dd', '');
			var v = el('output', 'ans-val', list[i].value);
			v.id = 'ans-' + i;
			dd.appendChild(v);
			var b = el('button', 'copy', t('counter.scan.copy'));
			b.type = 'button';
			b.setAttribute('data-ans', String(i));
			b.setAttribute('aria-label', t('counter.scan.copy_label', { label: label }));
			dd.appendChild(b);
			row.appendChild(dd);
			dl.appendChild(row);
		}
		box.appendChild(dl);
	}
	function renderAnswersLabels() { if (shown) drawAnswers(); }
	function copyAnswer(i, btn) {
		if (!shown || !shown.answers || !shown.answers[i]) return;
		var text = String(shown.answers[i].value);
		var ok = function () {
			btn.textContent = t('counter.scan.copied');
			setTimeout(function () { if (btn.isConnected) btn.textContent = t('counter.scan.copy'); }, 1500);
		};
		if (navigator.clipboard && window.isSecureContext) {
			navigator.clipboard.writeText(text).then(ok, function () { legacyCopy($('ans-' + i)) && ok(); });
		} else if (legacyCopy($('ans-' + i))) {
			ok();
		}
	}
	/* The office LAN is plain http (no secure context): select and copy. */
	function legacyCopy(node) {
		if (!node) return false;
		var r = document.createRange();
		r.selectNodeContents(node);
		var sel = window.getSelection();
		sel.removeAllRanges();
		sel.addRange(r);
		var ok = false;
		try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
		return ok;
	}

	/* ---------- rating view ---------- */
	function openRate() {
		if (!served) return;
		rate = { number: served, level: 0, reasons: 0, left: RATE_MS / 1000, tick: null };
		$('rate-faces').hidden = false;
		$('rate-reasons').hidden = true;
		$('rate-thanks').hidden = true;
		var rs = document.querySelectorAll('.reason');
		for (var i = 0; i < rs.length; i++) rs[i].setAttribute('aria-pressed', 'false');
		showView('rate');
		renderRate();
		armRate();
		$('rate-3').focus();
	}
	function armRate() {
		if (!rate) return;
		clearInterval(rate.tick);
		rate.left = RATE_MS / 1000;
		rate.tick = setInterval(function () {
			if (!rate) return;
			rate.left--;
			if (rate.left <= 0) { rateTimeout(); return; }
			renderRate();
		}, 1000);
		renderRate();
	}
	function renderRate() {
		if (!rate) return;
		$('rate-number').textContent = t('counter.rate.number', { number: rate.number });
		$('rate-timer').textContent = t('counter.rate.timeout', { s: rate.left });
	}
	function rateTimeout() {
		/* a citizen who chose "not satisfied" and then walked away: send it */
		if (rate && rate.level === 1 && !rate.sent) sendRate();
		else closeRate();
	}
	function closeRate() {
		if (!rate) return;
		clearInterval(rate.tick);
		rate = null;
		if (view === 'rate') showView(me ? 'main' : 'login');
	}
	function pickFace(level) {
		if (!rate || rate.sent) return;
		rate.level = level;
		if (level === 1) {
			$('rate-faces').hidden = true;
			$('rate-reasons').hidden = false;
			armRate();
			var first = document.querySelector('.reason');
			if (first) first.focus();
			return;
		}
		sendRate();
	}
	function toggleReason(btn) {
		if (!rate) return;
		var bit = parseInt(btn.getAttribute('data-bit'), 10);
		rate.reasons ^= bit;
		btn.setAttribute('aria-pressed', (rate.reasons & bit) ? 'true' : 'false');
		armRate();
	}
	function sendRate() {
		if (!rate || rate.sent) return;
		rate.sent = true;
		var r0 = rate;
		post('/api/rate', { rid: rid(), number: r0.number, level: r0.level,
				    reasons: r0.level === 1 ? r0.reasons : 0 }).then(function (r) {
			if (r.status === 401) { sessionEnded('session_expired'); return; }
			if (served === r0.number) served = null;
			if (r.status === 200) notice('counter.notice.rated', { number: r0.number });
			else notice(errKey(r.body.error || (r.status === 0 ? 'network' : 'other')), null, 'error');
			if (rate !== r0) return;
			$('rate-faces').hidden = true;
			$('rate-reasons').hidden = true;
			$('rate-thanks').hidden = false;
			clearInterval(r0.tick);
			r0.tick = setTimeout(closeRate, 3000);
			$('rate-timer').textContent = '';
		});
	}

	/* ---------- wiring ---------- */
	function onClick(ev) {
		var b = ev.target.closest ? ev.target.closest('button') : null;
		if (!b || b.disabled) return;
		switch (b.id) {
		case 'btn-next': callNext(); return;
		case 'btn-recall': recall(); return;
		case 'btn-absent': absent(); return;
		case 'btn-done': done(); return;
		case 'btn-transfer': openTransfer(); return;
		case 'btn-call': openCall(); return;
		case 'btn-rate': openRate(); return;
		case 'transfer-cancel': case 'call-cancel': closeDialogs(); return;
		case 'rate-send': sendRate(); return;
		case 'rate-back': closeRate(); return;
		case 'answers-clear': clearAnswers(); $('scan').focus(); return;
		case 'logout': logout(); return;
		case 'lang': setLang(lang === 'vi' ? 'en' : 'vi'); return;
		}
		if (b.hasAttribute('data-number')) callNumber(b.getAttribute('data-number'));
		else if (b.hasAttribute('data-group')) transferTo(b.getAttribute('data-group'));
		else if (b.hasAttribute('data-help')) takeHelp(parseInt(b.getAttribute('data-help'), 10));
		else if (b.hasAttribute('data-ans')) copyAnswer(parseInt(b.getAttribute('data-ans'), 10), b);
		else if (b.hasAttribute('data-level')) pickFace(parseInt(b.getAttribute('data-level'), 10));
		else if (b.hasAttribute('data-bit')) toggleReason(b);
	}

	function start() {
		document.addEventListener('click', onClick);
		$('login-form').addEventListener('submit', login);
		$('call-form').addEventListener('submit', submitCall);
		$('scan-form').addEventListener('submit', scan);
		window.addEventListener('storage', function (e) {
			/* another tab logged in or out */
			if (e.key !== 'counter.session') return;
			var s = storedSession();
			if (s && (!me || s.counter === me.counter)) { me = s; if (view === 'login') { showView('main'); refresh(); } }
			else if (!s && me) { me = null; clearAnswers(); loginState = null; showView('login'); }
		});
		var want = null;
		try { want = localStorage.getItem('counter.lang'); } catch (e) { want = null; }
		if (LANGS.indexOf(want) < 0) want = 'vi';
		var saved = storedSession();
		setOnline(true);
		Promise.all([loadTexts('vi'), want !== 'vi' ? loadTexts(want) : null]).then(function () {
			lang = want;
			return getState().then(function (s) {
				snap = s;
				if (saved && s.me && s.me.counter === saved.counter) me = saved;
				else if (saved) { saveSession(); }
			}, function () { setOnline(false); });
		}).then(function () {
			applyTexts();
			document.body.classList.remove('loading');
			showView(me ? 'main' : 'login');
			connect();
		});
	}
	if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
	else start();
})();
