/* hub_api.c - the hub's routes (hub_api.h): checks in the order of the
 * contract (route, size, Origin, session, CSRF token, body), then one queue
 * call under the API's lock with the rid memory looked at and filled under
 * the same lock (a double click never acts twice), the JSON answers, the
 * snapshot cache (the last good one is kept when the ledger cannot be read),
 * the counter page's files opened without following links, and the
 * hand-off record decoded, checked and forgotten. */
#include "hub/hub_api.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kiosk.h"
#include "core/log.h"
#include "domain/handoff.h"
#include "hub/hub_req.h"
#include "hub/hub_sess.h"

#define FILE_MAX (4 * 1024 * 1024)
#define JSON_TYPE "application/json; charset=utf-8"

struct hub_api {
	hub_api_setup_t s;
	hub_sess_t *sess;
	pthread_mutex_t mu;        /* the queue, the snapshot */
	pthread_mutex_t staff_mu;  /* the PIN store */
	char *snap;                /* the last good snapshot, without "me" */
	uint64_t version;
	int64_t seq;
	bool have_snap;
	bool dirty;                /* the counters changed: the watcher rebuilds and wakes the streams */
};

/* ---- answers ------------------------------------------------------------- */

static void set_body(hub_answer_t *out, int status, char *text)
{
	out->status = status;
	out->body = text ? text : strdup("{\"error\":\"unavailable\"}");
	out->len = out->body ? strlen(out->body) : 0;
	out->type = JSON_TYPE;
	if (!text)
		out->status = 503;
}

static char *print(cJSON *o)
{
	char *t = o ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	return t;
}

static cJSON *err_obj(const char *code)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "error", code);
	return o;
}

static void fail(hub_answer_t *out, int status, const char *code)
{
	set_body(out, status, print(err_obj(code)));
}

void hub_answer_free(hub_answer_t *ans)
{
	if (!ans)
		return;
	if (ans->body && ans->no_store)
		explicit_bzero(ans->body, ans->len);
	free(ans->body);
	ans->body = NULL;
}

/* ---- the snapshot -------------------------------------------------------- */

static const hub_counter_t *counter_of(const hub_api_t *a, int id)
{
	for (int i = 0; i < a->s.counter_count; i++)
		if (a->s.counters[i].id == id)
			return &a->s.counters[i];
	return NULL;
}

static const hub_group_t *group_of(const hub_api_t *a, const char *id)
{
	for (int i = 0; i < a->s.group_count; i++)
		if (strcmp(a->s.groups[i].id, id) == 0)
			return &a->s.groups[i];
	return NULL;
}

static cJSON *counter_name(const hub_api_t *a, int id)
{
	const hub_counter_t *c = counter_of(a, id);
	cJSON *o = cJSON_CreateObject();
	char vi[80], en[80];
	snprintf(vi, sizeof vi, "%s", c ? c->name[0] : "");
	snprintf(en, sizeof en, "%s", c ? c->name[1] : "");
	if (!c) {
		snprintf(vi, sizeof vi, "%d", id); /* no UI text in C: the page words it */
		snprintf(en, sizeof en, "%d", id);
	}
	cJSON_AddStringToObject(o, "vi", vi);
	cJSON_AddStringToObject(o, "en", en);
	return o;
}

static cJSON *group_list(const char g[][32], int n)
{
	cJSON *arr = cJSON_CreateArray();
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(g[i]));
	return arr;
}

static const char *state_name(queue_state_t s)
{
	switch (s) {
	case QUEUE_WAITING: return "waiting";
	case QUEUE_CALLED: return "called";
	case QUEUE_SERVED: return "served";
	case QUEUE_ABSENT: return "absent";
	case QUEUE_NOSHOW: return "noshow";
	case QUEUE_CLOSED: return "closed";
	}
	return "unknown";
}

static cJSON *ticket_obj(const queue_ticket_t *t)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "number", t->number);
	cJSON_AddStringToObject(o, "group", t->group);
	cJSON_AddBoolToObject(o, "priority", t->priority);
	cJSON_AddStringToObject(o, "state", state_name(t->state));
	cJSON_AddNumberToObject(o, "counter", t->counter);
	cJSON_AddNumberToObject(o, "recall", t->recalls);
	cJSON_AddNumberToObject(o, "issued_ms", (double)t->issued_ms);
	cJSON_AddNumberToObject(o, "called_ms", (double)t->called_ms);
	cJSON_AddNumberToObject(o, "served_ms", (double)t->served_ms);
	return o;
}

/* Build the snapshot from the queue; call with a->mu held. False (and the
 * last good snapshot kept) when the ledger cannot be read. */
static bool rebuild(hub_api_t *a)
{
	static queue_view_t v; /* under a->mu */
	memset(&v, 0, sizeof v);
	int rc = queue_view(a->s.queue, &v);
	if (rc != KIOSK_OK) {
		log_warn("hub: queue view failed (%s); the last snapshot stays", kiosk_strerror(rc));
		return false;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "v", 1);
	cJSON_AddNumberToObject(o, "seq", (double)v.seq);
	cJSON_AddStringToObject(o, "office", a->s.office);
	cJSON_AddNumberToObject(o, "day", v.day_key);
	cJSON_AddNumberToObject(o, "now_ms", (double)kclock_now(a->s.clock));
	cJSON *calls = cJSON_AddArrayToObject(o, "calls");
	for (int i = 0; i < v.call_count; i++) {
		const queue_call_t *c = &v.calls[i];
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "number", c->number);
		cJSON_AddNumberToObject(e, "counter", c->counter);
		cJSON_AddItemToObject(e, "counter_name", counter_name(a, c->counter));
		cJSON_AddBoolToObject(e, "priority", c->priority);
		cJSON_AddStringToObject(e, "group", c->group);
		cJSON_AddNumberToObject(e, "at_ms", (double)c->at_ms);
		cJSON_AddNumberToObject(e, "recall", c->recalls);
		cJSON_AddItemToArray(calls, e);
	}
	cJSON *cs = cJSON_AddArrayToObject(o, "counters");
	for (int i = 0; i < a->s.counter_count; i++) {
		const hub_counter_t *c = &a->s.counters[i];
		cJSON *e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "id", c->id);
		cJSON_AddItemToObject(e, "name", counter_name(a, c->id));
		cJSON_AddItemToObject(e, "groups", group_list(c->groups, c->group_count));
		const char *cur = NULL;
		for (int j = 0; j < v.counter_count; j++)
			if (v.counters[j].id == c->id && v.counters[j].current[0])
				cur = v.counters[j].current;
		if (cur)
			cJSON_AddStringToObject(e, "current", cur);
		else
			cJSON_AddNullToObject(e, "current");
		cJSON_AddBoolToObject(e, "online", hub_sess_online(a->sess, c->id));
		cJSON_AddItemToArray(cs, e);
	}
	cJSON *gs = cJSON_AddArrayToObject(o, "groups");
	for (int i = 0; i < v.group_count; i++) {
		const hub_group_t *hg = group_of(a, v.groups[i].id);
		cJSON *e = cJSON_CreateObject();
		char letter[2] = {v.groups[i].letter, '\0'};
		cJSON_AddStringToObject(e, "id", v.groups[i].id);
		cJSON_AddStringToObject(e, "letter", letter);
		cJSON *n = cJSON_CreateObject();
		cJSON_AddStringToObject(n, "vi", hg ? hg->name[0] : v.groups[i].id);
		cJSON_AddStringToObject(n, "en", hg ? hg->name[1] : v.groups[i].id);
		cJSON_AddItemToObject(e, "name", n);
		cJSON_AddNumberToObject(e, "waiting", v.groups[i].waiting);
		cJSON_AddNumberToObject(e, "priority_waiting", v.groups[i].priority_waiting);
		if (v.groups[i].estimate_min >= 0)
			cJSON_AddNumberToObject(e, "estimate_min", v.groups[i].estimate_min);
		else
			cJSON_AddNullToObject(e, "estimate_min");
		cJSON *ab = cJSON_AddArrayToObject(e, "absent");
		for (int j = 0; j < v.groups[i].absent_count && j < 16; j++)
			cJSON_AddItemToArray(ab, cJSON_CreateString(v.groups[i].absent[j]));
		cJSON_AddItemToArray(gs, e);
	}
	cJSON *bv = cJSON_AddObjectToObject(o, "board");
	cJSON_AddNumberToObject(bv, "volume", a->s.voice.volume);
	cJSON_AddNumberToObject(bv, "repeat", a->s.voice.repeat);
	cJSON_AddNumberToObject(bv, "rate", a->s.voice.rate);
	cJSON_AddStringToObject(bv, "quiet", a->s.voice.quiet);
	cJSON *hs = cJSON_AddArrayToObject(o, "help");
	for (int i = 0; i < v.help_count; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "id", (double)v.help[i].id);
		cJSON_AddStringToObject(e, "kiosk", v.help[i].kiosk);
		cJSON_AddNumberToObject(e, "at_ms", (double)v.help[i].at_ms);
		if (v.help[i].taken_by)
			cJSON_AddNumberToObject(e, "taken_by", v.help[i].taken_by);
		else
			cJSON_AddNullToObject(e, "taken_by");
		cJSON_AddItemToArray(hs, e);
	}
	char *text = print(o);
	if (!text)
		return false;
	/* now_ms alone differs between two builds: a new version for a new seq
	 * or other content from "calls" on (online counters). */
	bool changed = !a->snap || a->seq != v.seq;
	if (!changed) {
		const char *p1 = strstr(a->snap, "\"calls\""), *p2 = strstr(text, "\"calls\"");
		changed = !p1 || !p2 || strcmp(p1, p2) != 0;
	}
	free(a->snap);
	a->snap = text;
	a->seq = v.seq;
	a->have_snap = true;
	if (changed)
		a->version++;
	return changed;
}

/* The snapshot with "me" for counter (0: none); a->mu held. */
static char *snapshot_for(hub_api_t *a, int counter)
{
	if (!a->snap)
		return NULL;
	if (!counter)
		return strdup(a->snap);
	size_t n = strlen(a->snap);
	char *t = malloc(n + 32);
	if (!t)
		return NULL;
	memcpy(t, a->snap, n - 1); /* without the closing brace */
	snprintf(t + n - 1, 33, ",\"me\":{\"counter\":%d}}", counter);
	return t;
}

bool hub_api_poll(hub_api_t *a)
{
	pthread_mutex_lock(&a->mu);
	bool changed = false;
	if (!a->have_snap || a->dirty || queue_changed(a->s.queue)) {
		changed = rebuild(a);
		if (changed)
			a->dirty = false;
	}
	pthread_mutex_unlock(&a->mu);
	return changed;
}

char *hub_api_snapshot(hub_api_t *a, uint64_t *version)
{
	pthread_mutex_lock(&a->mu);
	if (!a->have_snap || a->dirty)
		rebuild(a); /* dirty stays: the watcher still wakes the streams */
	char *t = snapshot_for(a, 0);
	if (version)
		*version = a->version;
	pthread_mutex_unlock(&a->mu);
	return t;
}

uint64_t hub_api_version(hub_api_t *a)
{
	pthread_mutex_lock(&a->mu);
	uint64_t v = a->version;
	pthread_mutex_unlock(&a->mu);
	return v;
}

/* ---- files --------------------------------------------------------------- */

/* Read rel (checked by hub_req_target: plain segments) under root, every
 * component opened with O_NOFOLLOW so that no link leads out; a regular
 * file of at most FILE_MAX bytes. */
static int read_under(const char *root, const char *rel, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	int dir = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return KIOSK_ENOENT;
	char part[256];
	const char *p = rel;
	int rc = KIOSK_ENOENT;
	for (;;) {
		size_t n = strcspn(p, "/");
		if (n == 0 || n >= sizeof part)
			break;
		memcpy(part, p, n);
		part[n] = '\0';
		if (p[n] == '/') {
			int d = openat(dir, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			close(dir);
			dir = d;
			if (dir < 0)
				return KIOSK_ENOENT;
			p += n + 1;
			continue;
		}
		int fd = openat(dir, part, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		struct stat st;
		if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= FILE_MAX) {
			char *buf = malloc((size_t)st.st_size + 1);
			size_t got = 0;
			while (buf && got < (size_t)st.st_size) {
				ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
				if (r < 0 && errno == EINTR)
					continue;
				if (r <= 0)
					break;
				got += (size_t)r;
			}
			if (buf && got == (size_t)st.st_size) {
				buf[got] = '\0';
				*out = buf;
				*len = got;
				rc = KIOSK_OK;
			} else {
				free(buf);
				rc = KIOSK_EIO;
			}
		}
		if (fd >= 0)
			close(fd);
		break;
	}
	close(dir);
	return rc;
}

static void serve_file(hub_api_t *a, const char *sub, const char *rel, const char *type,
		       hub_answer_t *out)
{
	char root[1100];
	snprintf(root, sizeof root, "%s/%s", a->s.assets, sub);
	char *buf;
	size_t len;
	if (read_under(root, rel, &buf, &len) != KIOSK_OK) {
		fail(out, 404, "not_found");
		return;
	}
	out->status = 200;
	out->body = buf;
	out->len = len;
	out->type = type;
}

/* ---- hand-off -------------------------------------------------------------- */

static const catalog_proc_t *proc_by_code(const catalog_t *cat, const char *code)
{
	for (size_t i = 0; cat && i < catalog_proc_count(cat); i++) {
		const catalog_proc_t *p = catalog_proc_at(cat, i);
		if (p->code && strcmp(p->code, code) == 0)
			return p;
	}
	return NULL;
}

static cJSON *texts(const char *const t[LANG_COUNT], const char *fallback)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "vi", t && t[LANG_VI] ? t[LANG_VI] : fallback);
	cJSON_AddStringToObject(o, "en", t && t[LANG_EN] ? t[LANG_EN] : t && t[LANG_VI] ? t[LANG_VI] : fallback);
	return o;
}

static void handoff(hub_api_t *a, const hub_body_t *b, hub_answer_t *out)
{
	out->no_store = true;
	handoff_record_t *r = calloc(1, sizeof *r);
	if (!r) {
		fail(out, 503, "unavailable");
		return;
	}
	char why[128];
	if (handoff_decode(b->qr, b->qr_len, r, why, sizeof why) != KIOSK_OK) {
		fail(out, 422, "bad_record");
	} else if (!a->s.have_key || !r->tagged ||
		   !handoff_verify(b->qr, b->qr_len, r, a->s.key, sizeof a->s.key)) {
		/* Only what the kiosk printed and signed: a K1 or hand-made record
		 * shows nothing. */
		fail(out, 422, "bad_signature");
	} else {
		const catalog_proc_t *p = proc_by_code(a->s.catalog, r->procedure);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "number", r->number);
		cJSON_AddStringToObject(o, "time", r->time);
		cJSON_AddBoolToObject(o, "reprint", r->reprint);
		cJSON *po = cJSON_AddObjectToObject(o, "procedure");
		cJSON_AddStringToObject(po, "code", r->procedure);
		cJSON_AddItemToObject(po, "name", texts(p ? p->name : NULL, r->procedure));
		cJSON *ans = cJSON_AddArrayToObject(o, "answers");
		for (size_t i = 0; i < r->nfields; i++) {
			const catalog_field_t *f = NULL;
			for (size_t j = 0; p && j < p->nfields; j++)
				if (strcmp(p->fields[j].id, r->field_id[i]) == 0)
					f = &p->fields[j];
			cJSON *e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "field", r->field_id[i]);
			cJSON_AddItemToObject(e, "label", texts(f ? f->label : NULL, r->field_id[i]));
			cJSON_AddStringToObject(e, "value", r->value[i]);
			cJSON_AddItemToArray(ans, e);
		}
		char *t = cJSON_PrintUnformatted(o);
		/* cJSON's copies of the answers: wiped before they are freed. */
		const cJSON *e;
		cJSON_ArrayForEach(e, ans) {
			cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "value");
			if (cJSON_IsString(v))
				explicit_bzero(v->valuestring, strlen(v->valuestring));
		}
		cJSON_Delete(o);
		set_body(out, 200, t);
	}
	explicit_bzero(r, sizeof *r);
	free(r);
}

/* ---- counter actions ------------------------------------------------------- */

/* The answer to a queue action; a->mu held. */
static void act(hub_api_t *a, hub_route_t route, int counter, const hub_body_t *b, hub_answer_t *out)
{
	queue_t *q = a->s.queue;
	queue_ticket_t t;
	memset(&t, 0, sizeof t);
	int rc;
	if (route == HUB_RECALL || route == HUB_ABSENT || route == HUB_DONE || route == HUB_TRANSFER) {
		queue_ticket_t cur;
		rc = queue_current(q, counter, &cur);
		if (rc == KIOSK_ENOENT) {
			fail(out, 404, "no_current");
			return;
		}
		if (rc != KIOSK_OK) {
			fail(out, 503, "unavailable");
			return;
		}
		if (strcmp(cur.number, b->expect) != 0) {
			/* A stale tab: say so, with the state it should show. */
			cJSON *o = err_obj("stale");
			char *snap = snapshot_for(a, counter);
			cJSON *s = snap ? cJSON_Parse(snap) : NULL;
			free(snap);
			if (s)
				cJSON_AddItemToObject(o, "state", s);
			set_body(out, 409, print(o));
			return;
		}
	}
	switch (route) {
	case HUB_CALL_NEXT: rc = queue_call_next(q, counter, &t); break;
	case HUB_RECALL: rc = queue_recall(q, counter, &t); break;
	case HUB_ABSENT: rc = queue_absent(q, counter, &t); break;
	case HUB_DONE: rc = queue_done(q, counter, &t); break;
	case HUB_TRANSFER:
		if (!group_of(a, b->group)) {
			fail(out, 404, "no_group");
			return;
		}
		rc = queue_transfer(q, counter, b->group, &t);
		break;
	case HUB_CALL: rc = queue_call_number(q, counter, b->number, &t); break;
	case HUB_RATE: rc = queue_rate(q, b->number, b->level, b->level == 1 ? b->reasons : 0); break;
	case HUB_HELP_TAKE: rc = queue_help_take(q, b->id, counter); break;
	default: rc = KIOSK_EINVAL; break;
	}
	if (rc == KIOSK_OK) {
		rebuild(a);
		if (route == HUB_RATE || route == HUB_HELP_TAKE) {
			set_body(out, 200, strdup("{}"));
		} else {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddItemToObject(o, "ticket", ticket_obj(&t));
			set_body(out, 200, print(o));
		}
		return;
	}
	const char *code = "unavailable";
	int st = 503;
	switch (route) {
	case HUB_CALL_NEXT:
		if (rc == KIOSK_ENOENT) { st = 404; code = "none_waiting"; }
		break;
	case HUB_RECALL: case HUB_ABSENT: case HUB_DONE:
		if (rc == KIOSK_ENOENT) { st = 404; code = "no_current"; }
		if (rc == KIOSK_EBUSY) { st = 409; code = "stale"; }
		break;
	case HUB_TRANSFER:
		if (rc == KIOSK_ENOENT) { st = 404; code = "no_current"; }
		if (rc == KIOSK_EINVAL || rc == KIOSK_EPERM) { st = 409; code = "same_group"; }
		break;
	case HUB_CALL:
		if (rc == KIOSK_ENOENT) { st = 404; code = "no_ticket"; }
		if (rc == KIOSK_EBUSY) { st = 409; code = "not_waiting"; }
		if (rc == KIOSK_EPERM) { st = 403; code = "not_your_group"; }
		break;
	case HUB_RATE:
		if (rc == KIOSK_ENOENT) { st = 404; code = "no_ticket"; }
		if (rc == KIOSK_EBUSY) { st = 409; code = "already_rated"; }
		if (rc == KIOSK_EPERM) { st = 409; code = "not_served"; }
		if (rc == KIOSK_ETIMEOUT) { st = 409; code = "too_late"; }
		break;
	case HUB_HELP_TAKE:
		if (rc == KIOSK_ENOENT) { st = 404; code = "no_help"; }
		if (rc == KIOSK_EBUSY) { st = 409; code = "taken"; }
		break;
	default: break;
	}
	if (st == 503)
		log_warn("hub: queue action failed (%s)", kiosk_strerror(rc));
	fail(out, st, code);
}

/* ---- login ------------------------------------------------------------------ */

static void login(hub_api_t *a, const hub_body_t *b, hub_answer_t *out)
{
	/* The counter as it is configured now (hub_api_reconfigure changes it under mu). */
	hub_counter_t c;
	pthread_mutex_lock(&a->mu);
	const hub_counter_t *cp = counter_of(a, b->counter);
	if (cp)
		c = *cp;
	cJSON *name = cp ? counter_name(a, c.id) : NULL;
	pthread_mutex_unlock(&a->mu);
	if (!cp) {
		fail(out, 404, "no_counter");
		return;
	}
	int64_t wait = 0;
	pthread_mutex_lock(&a->staff_mu);
	int rc = staff_counter_check(a->s.staff, b->counter, b->pin, &wait);
	pthread_mutex_unlock(&a->staff_mu);
	if (rc == KIOSK_EPERM || rc == KIOSK_EBUSY) {
		cJSON *o = err_obj(rc == KIOSK_EPERM ? "wrong_pin" : "locked");
		if (wait > 0 || rc == KIOSK_EBUSY)
			cJSON_AddNumberToObject(o, "wait_ms", (double)wait);
		set_body(out, rc == KIOSK_EPERM ? 401 : 423, print(o));
		cJSON_Delete(name);
		return;
	}
	if (rc == KIOSK_ENOENT) {
		fail(out, 403, "no_pin");
		cJSON_Delete(name);
		return;
	}
	char token[HUB_TOKEN_HEX + 1], csrf[HUB_TOKEN_HEX + 1];
	if (rc != KIOSK_OK || hub_sess_create(a->sess, b->counter, token, csrf) != KIOSK_OK) {
		fail(out, 503, "unavailable");
		cJSON_Delete(name);
		return;
	}
	log_info("hub: counter %d logged in", b->counter);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "counter", c.id);
	cJSON_AddItemToObject(o, "name", name);
	cJSON_AddItemToObject(o, "groups", group_list(c.groups, c.group_count));
	cJSON_AddStringToObject(o, "csrf", csrf);
	set_body(out, 200, print(o));
	out->no_store = true;
	snprintf(out->cookie, sizeof out->cookie, "kh_session=%s; HttpOnly; SameSite=Strict; Path=/",
		 token);
	explicit_bzero(token, sizeof token);
	/* "online" changed */
	pthread_mutex_lock(&a->mu);
	rebuild(a);
	pthread_mutex_unlock(&a->mu);
}

/* ---- the entry ---------------------------------------------------------------- */

void hub_api_handle(hub_api_t *a, const hub_request_t *rq, hub_answer_t *out)
{
	memset(out, 0, sizeof *out);
	hub_target_t t;
	int rc = hub_req_target(rq->method, rq->url, &t);
	if (rc == KIOSK_EPERM) {
		fail(out, 405, "method");
		return;
	}
	if (rc != KIOSK_OK) {
		fail(out, 404, "not_found");
		return;
	}
	char token[HUB_TOKEN_HEX + 1];
	bool has_cookie = hub_req_cookie(rq->cookie, token);
	int counter = 0;
	switch (t.route) {
	case HUB_PAGE:
	case HUB_STATIC:
		serve_file(a, "web", t.file, t.type, out);
		return;
	case HUB_I18N: {
		char rel[64];
		snprintf(rel, sizeof rel, "%s/counter.json", t.lang);
		serve_file(a, "i18n", rel, JSON_TYPE, out);
		return;
	}
	case HUB_STATE:
		if (has_cookie)
			hub_sess_get(a->sess, token, &counter);
		pthread_mutex_lock(&a->mu);
		rebuild(a);
		set_body(out, a->snap ? 200 : 503, snapshot_for(a, counter));
		pthread_mutex_unlock(&a->mu);
		out->no_store = false;
		return;
	case HUB_EVENTS:
		out->events = true;
		out->status = 200;
		out->type = "text/event-stream";
		return;
	default:
		break;
	}
	/* POSTs */
	if (rq->too_big || rq->len > HUB_BODY_MAX) {
		fail(out, 413, "too_large");
		return;
	}
	if (!hub_req_origin_ok(rq->origin, rq->host)) {
		fail(out, 403, "csrf");
		return;
	}
	hub_body_t *b = calloc(1, sizeof *b);
	if (!b) {
		fail(out, 503, "unavailable");
		return;
	}
	const char *why = NULL;
	if (t.route == HUB_LOGIN) {
		if (hub_req_body(t.route, rq->body, rq->len, b, &why) != KIOSK_OK)
			fail(out, 400, "bad_request");
		else
			login(a, b, out);
		goto done;
	}
	if (!has_cookie) {
		fail(out, 401, "no_session");
		goto done;
	}
	if (hub_sess_get(a->sess, token, &counter) != KIOSK_OK) {
		fail(out, 401, "session_expired");
		goto done;
	}
	if (!hub_sess_csrf_ok(a->sess, token, rq->csrf)) {
		fail(out, 403, "csrf");
		goto done;
	}
	if (hub_req_body(t.route, rq->body, rq->len, b, &why) != KIOSK_OK) {
		fail(out, 400, "bad_request");
		goto done;
	}
	if (t.route == HUB_LOGOUT) {
		hub_sess_end(a->sess, token);
		log_info("hub: counter %d logged out", counter);
		set_body(out, 200, strdup("{}"));
		snprintf(out->cookie, sizeof out->cookie,
			 "kh_session=; Max-Age=0; HttpOnly; SameSite=Strict; Path=/");
		pthread_mutex_lock(&a->mu);
		rebuild(a);
		pthread_mutex_unlock(&a->mu);
		goto done;
	}
	if (t.route == HUB_HANDOFF) {
		handoff(a, b, out); /* never kept for a rid: it holds personal data */
		goto done;
	}
	pthread_mutex_lock(&a->mu);
	int st;
	char *prev;
	if ((t.route == HUB_CALL || t.route == HUB_CALL_NEXT) && !counter_of(a, counter))
		fail(out, 404, "no_counter"); /* gone from the configuration since the login */
	else if (hub_sess_rid_find(a->sess, token, b->rid, &st, &prev)) {
		set_body(out, st, prev);
		out->status = st;
	} else {
		act(a, t.route, counter, b, out);
		hub_sess_rid_keep(a->sess, token, b->rid, out->status, out->body);
	}
	pthread_mutex_unlock(&a->mu);
done:
	explicit_bzero(b, sizeof *b);
	free(b);
	if (!out->no_store && t.route >= HUB_LOGIN)
		out->no_store = true; /* API answers are never cached */
}

int hub_api_reconfigure(hub_api_t *a, const hub_counter_t *cs, int n, int regular_per_priority,
			int absent_window, const char *office, const hub_voice_t *voice, char *err,
			size_t errlen)
{
	if (n < 0 || n > HUB_MAX_COUNTERS)
		return KIOSK_EINVAL;
	static queue_counter_t qc[HUB_MAX_COUNTERS]; /* under a->mu */
	pthread_mutex_lock(&a->mu);
	for (int i = 0; i < n; i++) {
		memset(&qc[i], 0, sizeof qc[i]);
		qc[i].id = cs[i].id;
		qc[i].group_count = cs[i].group_count;
		memcpy(qc[i].groups, cs[i].groups, sizeof qc[i].groups);
	}
	int rc = queue_reconfigure(a->s.queue, qc, n, regular_per_priority, absent_window, err, errlen);
	if (rc == KIOSK_OK) {
		if (n)
			memcpy(a->s.counters, cs, sizeof cs[0] * (size_t)n);
		a->s.counter_count = n;
		if (office)
			snprintf(a->s.office, sizeof a->s.office, "%s", office);
		if (voice)
			a->s.voice = *voice;
		a->dirty = true;
	}
	pthread_mutex_unlock(&a->mu);
	return rc;
}

int hub_api_new(const hub_api_setup_t *setup, hub_api_t **out)
{
	*out = NULL;
	hub_api_t *a = calloc(1, sizeof *a);
	if (!a)
		return KIOSK_ENOMEM;
	a->s = *setup;
	a->sess = hub_sess_new(setup->clock, setup->session_idle_ms);
	if (!a->sess) {
		free(a);
		return KIOSK_ENOMEM;
	}
	pthread_mutex_init(&a->mu, NULL);
	pthread_mutex_init(&a->staff_mu, NULL);
	*out = a;
	return KIOSK_OK;
}

void hub_api_free(hub_api_t *a)
{
	if (!a)
		return;
	hub_sess_free(a->sess);
	pthread_mutex_destroy(&a->mu);
	pthread_mutex_destroy(&a->staff_mu);
	free(a->snap);
	explicit_bzero(a->s.key, sizeof a->s.key);
	free(a);
}
