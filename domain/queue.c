/* queue.c - the office queue in the ledger's SQLite file (queue.h, rules in
 * docs/office-queue.md): tickets join their group's line when printed,
 * counters call them (priority policy, absent parking, call by number,
 * transfer, done, rating), help calls, the figures a citizen sees and the
 * view for the board and the pages. Each change is one BEGIN IMMEDIATE
 * transaction on the queue's own connection, so two processes share one
 * authority and a crash leaves the state before or after one change. The
 * queue's tables (q_*) sit beside the ledger's; the ledger's own tables are
 * only read. No personal data is read or written. */
#include "domain/queue.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/kiosk.h"
#include "domain/catalog.h"
#include "domain/ledger.h"

#define QUEUE_BUSY_MS 15000          /* two processes, fsync per commit, a loaded board */
#define RATE_WINDOW_MS (10LL * 60 * 1000)
#define HOUR_MS (3600LL * 1000)
#define HELP_SHOWN_MS (10LL * 60 * 1000) /* a taken help call stays in the view this long */

struct queue {
	sqlite3 *db;
	const kclock_t *clock;
	queue_group_t groups[QUEUE_MAX_GROUPS];
	int group_count;
	queue_counter_t counters[QUEUE_MAX_COUNTERS];
	int counter_count;
	int regular_per_priority, absent_window;
	int64_t view_seq;          /* seq of the last queue_view (-1: none yet) */
	int64_t data_version;      /* PRAGMA data_version at the last look */
	bool own_change;        /* this connection committed a change since the last view */
	int last_rc;
};

static const char *schema_sql =
	"CREATE TABLE IF NOT EXISTS q_meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS q_tickets("
	" ticket_row INTEGER PRIMARY KEY,"  /* the ledger's tickets.row */
	" day INTEGER NOT NULL,"            /* line day it joined */
	" number TEXT NOT NULL,"
	" first_grp TEXT NOT NULL,"
	" grp TEXT NOT NULL,"
	" priority INTEGER NOT NULL,"
	" state TEXT NOT NULL,"             /* waiting called served absent noshow closed */
	" counter INTEGER NOT NULL DEFAULT 0," /* the last calling counter */
	" recalls INTEGER NOT NULL DEFAULT 0,"
	" issued_ms INTEGER NOT NULL,"
	" called_ms INTEGER NOT NULL DEFAULT 0," /* the last call */
	" shown_ms INTEGER NOT NULL DEFAULT 0,"  /* the last call or recall, for the board */
	" served_ms INTEGER NOT NULL DEFAULT 0,"
	" parked_at INTEGER NOT NULL DEFAULT 0," /* the group's call count when parked */
	" rating INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX IF NOT EXISTS q_tickets_line ON q_tickets(state, grp, priority, issued_ms);"
	"CREATE INDEX IF NOT EXISTS q_tickets_number ON q_tickets(number, day);"
	"CREATE INDEX IF NOT EXISTS q_tickets_shown ON q_tickets(shown_ms);"
	"CREATE TABLE IF NOT EXISTS q_groups(grp TEXT PRIMARY KEY, calls INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS q_counters(counter INTEGER PRIMARY KEY, regular_run INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS q_events("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" day INTEGER NOT NULL,"
	" ticket_row INTEGER NOT NULL,"
	" kind TEXT NOT NULL,"
	" grp TEXT NOT NULL,"
	" counter INTEGER NOT NULL,"
	" at_ms INTEGER NOT NULL,"
	" val INTEGER,"                    /* wait ms (first call), service ms (served), level (rated) */
	" val2 INTEGER);"                  /* reasons (rated), target group index (transferred) */
	"CREATE INDEX IF NOT EXISTS q_events_day ON q_events(day, grp, counter);"
	/* For the estimate on every view: a group's service times of the day in
	 * order, and a counter's last call (without them each view scanned
	 * the day's events once per counter and group). */
	"CREATE INDEX IF NOT EXISTS q_events_kind ON q_events(day, grp, kind, val);"
	"CREATE INDEX IF NOT EXISTS q_events_counter ON q_events(counter, kind, at_ms);"
	"CREATE TABLE IF NOT EXISTS q_help("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" day INTEGER NOT NULL,"
	" kiosk TEXT NOT NULL,"
	" at_ms INTEGER NOT NULL,"
	" taken_by INTEGER NOT NULL DEFAULT 0,"
	" taken_ms INTEGER NOT NULL DEFAULT 0);"
	"INSERT OR IGNORE INTO q_meta(key,value) VALUES('schema',1),('seq',0),('day',0),('sync_low',0);";

/* ---- SQLite plumbing ---- */

static int fail(queue_t *q, int rc)
{
	int ext = sqlite3_extended_errcode(q->db);
	if ((ext & 0xff) == (rc & 0xff))
		rc = ext;
	int k = ledger_sqlite_code(rc, sqlite3_system_errno(q->db));
	if (k == KIOSK_OK)
		k = KIOSK_EIO;
	q->last_rc = k;
	return k;
}

static int exec(queue_t *q, const char *sql)
{
	int rc = sqlite3_exec(q->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? KIOSK_OK : fail(q, rc);
}

static void rollback(queue_t *q)
{
	if (!sqlite3_get_autocommit(q->db))
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Prepare sql and bind by a format: 'i' int64, 't' text. */
static int prep(queue_t *q, sqlite3_stmt **st, const char *sql, const char *fmt, va_list ap)
{
	int rc = sqlite3_prepare_v2(q->db, sql, -1, st, NULL);
	if (rc != SQLITE_OK)
		return fail(q, rc);
	for (int i = 0; fmt && fmt[i]; i++) {
		if (fmt[i] == 'i')
			sqlite3_bind_int64(*st, i + 1, va_arg(ap, int64_t));
		else
			sqlite3_bind_text(*st, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
	}
	return KIOSK_OK;
}

/* Run one statement; the first column of the first row goes to *res (0
 * when no row). */
static int run(queue_t *q, int64_t *res, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st = NULL;
	if (res)
		*res = 0;
	va_list ap;
	va_start(ap, fmt);
	int rc = prep(q, &st, sql, fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW && res)
		*res = sqlite3_column_int64(st, 0);
	rc = (s == SQLITE_ROW || s == SQLITE_DONE) ? KIOSK_OK : fail(q, s);
	sqlite3_finalize(st);
	return rc;
}

static int64_t now_ms(const queue_t *q) { return kclock_now(q->clock); }

static int meta_get(queue_t *q, const char *key, int64_t *v)
{
	return run(q, v, "SELECT value FROM q_meta WHERE key=?", "t", key);
}

static int meta_set(queue_t *q, const char *key, int64_t v)
{
	return run(q, NULL, "INSERT INTO q_meta(key,value) VALUES(?,?) "
			    "ON CONFLICT(key) DO UPDATE SET value=excluded.value", "ti", key, v);
}

static int bump_seq(queue_t *q)
{
	return run(q, NULL, "UPDATE q_meta SET value=value+1 WHERE key='seq'", NULL);
}

static int line_day(queue_t *q, int64_t *day)
{
	return meta_get(q, "day", day);
}

static int event(queue_t *q, int64_t row, const char *kind, const char *grp, int counter, bool has_val,
		 int64_t val, int64_t val2)
{
	int64_t day = 0;
	int rc = line_day(q, &day);
	if (rc)
		return rc;
	sqlite3_stmt *st = NULL;
	rc = sqlite3_prepare_v2(q->db, "INSERT INTO q_events(day,ticket_row,kind,grp,counter,at_ms,val,val2) "
				"VALUES(?,?,?,?,?,?,?,?)", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(q, rc);
	sqlite3_bind_int64(st, 1, day);
	sqlite3_bind_int64(st, 2, row);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, grp ? grp : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, counter);
	sqlite3_bind_int64(st, 6, now_ms(q));
	if (has_val)
		sqlite3_bind_int64(st, 7, val);
	if (has_val && val2 >= 0)
		sqlite3_bind_int64(st, 8, val2);
	int s = sqlite3_step(st);
	rc = s == SQLITE_DONE ? KIOSK_OK : fail(q, s);
	sqlite3_finalize(st);
	return rc;
}

/* ---- the setup ---- */

static const queue_counter_t *counter_find(const queue_t *q, int id)
{
	for (int i = 0; i < q->counter_count; i++)
		if (q->counters[i].id == id)
			return &q->counters[i];
	return NULL;
}

static bool counter_serves(const queue_counter_t *c, const char *grp)
{
	for (int i = 0; i < c->group_count; i++)
		if (strcmp(c->groups[i], grp) == 0)
			return true;
	return false;
}

static int group_index(const queue_t *q, const char *grp)
{
	for (int i = 0; i < q->group_count; i++)
		if (strcmp(q->groups[i].id, grp) == 0)
			return i;
	return -1;
}

static bool fits(const char *s, size_t cap)
{
	return s && s[0] && strlen(s) < cap;
}

/* Check the counters and the call policy, then take them (all or nothing). */
static int set_counters(queue_t *q, const queue_counter_t *cs, int n, int regular_per_priority,
			int absent_window, char *err, size_t errlen)
{
	if (n < 0 || n > QUEUE_MAX_COUNTERS || (n && !cs) || regular_per_priority < 0 || absent_window < 0)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "queue: setup out of range");
	for (int i = 0; i < n; i++) {
		const queue_counter_t *c = &cs[i];
		if (c->id < 1 || c->id > QUEUE_MAX_COUNTERS || c->group_count < 0 ||
		    c->group_count > (int)KIOSK_ARRAY_LEN(c->groups))
			return kiosk_err(err, errlen, KIOSK_EINVAL, "queue: counter %d out of range", c->id);
		for (int j = 0; j < i; j++)
			if (cs[j].id == c->id)
				return kiosk_err(err, errlen, KIOSK_EINVAL, "queue: counter %d twice", c->id);
		for (int g = 0; g < c->group_count; g++)
			if (group_index(q, c->groups[g]) < 0)
				return kiosk_err(err, errlen, KIOSK_EINVAL, "queue: counter %d serves unknown group %.32s",
						 c->id, c->groups[g]);
	}
	if (n)
		memcpy(q->counters, cs, sizeof cs[0] * (size_t)n);
	q->counter_count = n;
	q->regular_per_priority = regular_per_priority;
	q->absent_window = absent_window;
	return KIOSK_OK;
}

int queue_reconfigure(queue_t *q, const queue_counter_t *cs, int n, int regular_per_priority,
		      int absent_window, char *err, size_t errlen)
{
	if (!q)
		return KIOSK_EINVAL;
	int rc = set_counters(q, cs, n, regular_per_priority, absent_window, err, errlen);
	if (rc == KIOSK_OK)
		q->own_change = true; /* the next view is new: the counters are part of it */
	return rc;
}

/* Copy and check the setup; the procedures go into a temporary table of
 * this connection, for the join. */
static int load_setup(queue_t *q, const queue_setup_t *s, char *err, size_t errlen)
{
	if (s->group_count < 0 || s->group_count > QUEUE_MAX_GROUPS)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "queue: setup out of range");
	q->group_count = s->group_count;
	for (int i = 0; i < s->group_count; i++) {
		if (!fits(s->groups[i].id, sizeof q->groups[i].id))
			return kiosk_err(err, errlen, KIOSK_EINVAL, "queue: group %d has no id", i);
		q->groups[i] = s->groups[i];
	}
	if (s->proc_count < 0)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "queue: setup out of range");
	int rc = set_counters(q, s->counters, s->counter_count, s->regular_per_priority, s->absent_window,
			      err, errlen);
	if (rc)
		return rc;
	rc = exec(q, "CREATE TEMP TABLE IF NOT EXISTS q_procs(proc TEXT PRIMARY KEY, grp TEXT NOT NULL);"
			 "DELETE FROM temp.q_procs");
	for (int i = 0; !rc && i < s->proc_count; i++) {
		if (group_index(q, s->procs[i].group) < 0)
			return kiosk_err(err, errlen, KIOSK_EINVAL, "queue: procedure %.64s in unknown group %.32s",
					 s->procs[i].procedure, s->procs[i].group);
		rc = run(q, NULL, "INSERT OR REPLACE INTO temp.q_procs(proc,grp) VALUES(?,?)", "tt",
			 s->procs[i].procedure, s->procs[i].group);
	}
	if (rc)
		return kiosk_err(err, errlen, rc, "queue: cannot hold the setup (%s)", kiosk_strerror(rc));
	return KIOSK_OK;
}

void queue_office_from_catalog(const catalog_t *cat, queue_office_t *o)
{
	memset(o, 0, sizeof *o);
	for (size_t i = 0; cat && i < catalog_group_count(cat) && o->group_count < QUEUE_MAX_GROUPS; i++) {
		const catalog_group_t *g = catalog_group_at(cat, i);
		queue_group_t *qg = &o->groups[o->group_count++];
		snprintf(qg->id, sizeof qg->id, "%s", g->id);
		qg->letter = g->letter;
	}
	for (size_t i = 0; cat && i < catalog_proc_count(cat) && o->proc_count < QUEUE_MAX_PROCS; i++) {
		const catalog_proc_t *p = catalog_proc_at(cat, i);
		if (!p->group)
			continue;
		queue_proc_t *qp = &o->procs[o->proc_count++];
		snprintf(qp->procedure, sizeof qp->procedure, "%s", p->id);
		snprintf(qp->group, sizeof qp->group, "%s", p->group->id);
	}
}

/* ---- open ---- */

int queue_open(const char *path, const kclock_t *clock, const queue_setup_t *setup, queue_t **out,
	       char *err, size_t errlen)
{
	*out = NULL;
	if (err && errlen)
		err[0] = 0;
	if (!path || !clock || !setup)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "queue: bad arguments");
	struct stat sb;
	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size == 0)
		return kiosk_err(err, errlen, KIOSK_ENOENT, "queue: no ledger at %s yet (the kiosk creates it)", path);
	queue_t *q = calloc(1, sizeof *q);
	if (!q)
		return KIOSK_ENOMEM;
	q->clock = clock;
	q->view_seq = -1;
	q->data_version = -1;
	int rc = sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	int k = KIOSK_OK;
	if (rc != SQLITE_OK) {
		k = q->db ? fail(q, rc) : KIOSK_ENOMEM;
		kiosk_err(err, errlen, k, "queue: cannot open %s: %s", path, kiosk_strerror(k));
		goto bad;
	}
	sqlite3_busy_timeout(q->db, QUEUE_BUSY_MS);
	/* A kiosk ledger: its tables and identity rows are there. */
	int64_t n = 0;
	k = run(q, &n, "SELECT count(*) FROM sqlite_master WHERE type='table' AND "
		       "name IN ('meta','series','tickets','events')", NULL);
	if (!k && n != 4)
		k = KIOSK_ECORRUPT;
	if (!k)
		k = run(q, &n, "SELECT count(*) FROM meta WHERE key IN ('schema','prefix','business_day')", NULL);
	if (!k && n != 3)
		k = KIOSK_ECORRUPT;
	if (k) {
		kiosk_err(err, errlen, k, "queue: %s is not a usable kiosk ledger (%s)", path, kiosk_strerror(k));
		goto bad;
	}
	k = exec(q, "PRAGMA journal_mode=WAL");
	if (!k)
		k = exec(q, "PRAGMA synchronous=FULL");
	if (!k)
		k = exec(q, "BEGIN IMMEDIATE");
	if (!k)
		k = exec(q, schema_sql);
	if (!k)
		k = exec(q, "COMMIT");
	if (k) {
		rollback(q);
		kiosk_err(err, errlen, k, "queue: cannot add the queue's tables to %s: %s", path, kiosk_strerror(k));
		goto bad;
	}
	k = load_setup(q, setup, err, errlen);
	if (k)
		goto bad;
	*out = q;
	return KIOSK_OK;
bad:
	sqlite3_close(q->db);
	free(q);
	return k;
}

void queue_close(queue_t *q)
{
	if (!q)
		return;
	sqlite3_close(q->db);
	free(q);
}

/* ---- sync: the line's day and the tickets printed since the last look ---- */

/* The day the line should be on: the ledger's business day, or today on a
 * trusted clock when that is later (the first ticket of the day resets the
 * ledger only when it is issued). *keep: the open tickets stay in line
 * across the change (the ledger adopts the tickets of an untrusted clock,
 * or a business day ahead of the clock was brought back). */
static int wanted_day(queue_t *q, int64_t stored, int64_t *day, bool *keep)
{
	int64_t business = 0, untrusted = 0;
	int rc = run(q, &business, "SELECT CAST(value AS INTEGER) FROM meta WHERE key='business_day'", NULL);
	if (!rc)
		rc = run(q, &untrusted, "SELECT CAST(value AS INTEGER) FROM meta WHERE key='untrusted_run'", NULL);
	if (rc)
		return rc;
	*day = business;
	*keep = false;
	kclock_local_t lt;
	kclock_to_local(now_ms(q), &lt);
	bool override = kclock_trusted(q->clock) && lt.yday_key > business;
	if (override)
		*day = lt.yday_key;
	if (*day == stored)
		return KIOSK_OK;
	if (stored == 0 || *day < stored) {
		*keep = true; /* first look, or a day ahead of the clock brought back */
	} else if (override) {
		*keep = untrusted != 0; /* the ledger will adopt, not reset */
	} else {
		int64_t adopted = 0;
		rc = run(q, &adopted, "SELECT kind='adopted' FROM events WHERE kind IN ('reset','adopted','rewound') "
				      "ORDER BY id DESC LIMIT 1", NULL);
		*keep = adopted != 0;
	}
	return rc;
}

/* Whether a sync has work: a day change or ledger rows past the mark. */
static int sync_due(queue_t *q, bool *due)
{
	*due = false;
	int64_t stored = 0, low = 0, day = 0, n = 0;
	bool keep;
	int rc = line_day(q, &stored);
	if (!rc)
		rc = wanted_day(q, stored, &day, &keep);
	if (!rc && day != stored) {
		*due = true;
		return KIOSK_OK;
	}
	if (!rc)
		rc = meta_get(q, "sync_low", &low);
	if (!rc)
		rc = run(q, &n, "SELECT EXISTS(SELECT 1 FROM tickets WHERE row>? AND state NOT IN ('reserved','sent'))",
			 "i", low);
	*due = n != 0;
	return rc;
}

/* Close the open tickets of the line (end of its day). */
static int close_line(queue_t *q)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(q->db, "SELECT ticket_row, grp, state, counter FROM q_tickets "
				    "WHERE state IN ('waiting','called','absent')", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(q, rc);
	rc = KIOSK_OK;
	int s;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		bool absent = strcmp((const char *)sqlite3_column_text(st, 2), "absent") == 0;
		rc = event(q, sqlite3_column_int64(st, 0), absent ? "noshow" : "closed",
			   (const char *)sqlite3_column_text(st, 1), sqlite3_column_int(st, 3), false, 0, -1);
	}
	if (!rc && s != SQLITE_DONE)
		rc = fail(q, s);
	sqlite3_finalize(st);
	if (!rc)
		rc = run(q, NULL, "UPDATE q_tickets SET state=CASE state WHEN 'absent' THEN 'noshow' ELSE 'closed' END "
				  "WHERE state IN ('waiting','called','absent')", NULL);
	return rc;
}

/* Bring the printed tickets of day past ledger row low into the line. */
static int adopt(queue_t *q, int64_t low, int64_t day, bool *changed)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(q->db, "SELECT t.row, t.number, p.grp, t.priority, t.created_ms FROM tickets t "
				"JOIN temp.q_procs p ON p.proc=t.procedure WHERE t.row>? AND t.reprint_of IS NULL "
				"AND t.state='printed' AND t.day_key=? "
				"AND NOT EXISTS(SELECT 1 FROM q_tickets k WHERE k.ticket_row=t.row) ORDER BY t.row",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(q, rc);
	rc = KIOSK_OK;
	sqlite3_bind_int64(st, 1, low);
	sqlite3_bind_int64(st, 2, day);
	int s;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t row = sqlite3_column_int64(st, 0);
		const char *grp = (const char *)sqlite3_column_text(st, 2);
		rc = run(q, NULL, "INSERT INTO q_tickets(ticket_row,day,number,first_grp,grp,priority,state,issued_ms) "
				  "VALUES(?,?,?,?,?,?,'waiting',?)", "iitttii", row, day,
			 (const char *)sqlite3_column_text(st, 1), grp, grp, sqlite3_column_int64(st, 3),
			 sqlite3_column_int64(st, 4));
		if (!rc)
			rc = event(q, row, "joined", grp, 0, false, 0, -1);
		*changed = true;
	}
	if (!rc && s != SQLITE_DONE)
		rc = fail(q, s);
	sqlite3_finalize(st);
	return rc;
}

/* Inside a write transaction. */
static int sync_tx(queue_t *q, bool *changed)
{
	*changed = false;
	int64_t stored = 0, day = 0, low = 0;
	bool keep = false;
	int rc = line_day(q, &stored);
	if (!rc)
		rc = wanted_day(q, stored, &day, &keep);
	if (!rc && day != stored) {
		/* Tickets printed on the old day since the last look are in its
		 * line (and closed with it), so none goes unaccounted. */
		if (!keep && stored != 0) {
			int64_t old_low = 0;
			rc = meta_get(q, "sync_low", &old_low);
			if (!rc)
				rc = adopt(q, old_low, stored, changed);
		}
		if (!rc && !keep)
			rc = close_line(q);
		if (!rc)
			rc = meta_set(q, "day", day);
		*changed = true;
	}
	if (!rc)
		rc = meta_get(q, "sync_low", &low);
	if (rc)
		return rc;
	rc = adopt(q, low, day, changed);
	/* The mark: every ledger row up to it is final (printed, void...). */
	int64_t inflight = 0, top = 0;
	if (!rc)
		rc = run(q, &inflight, "SELECT coalesce(min(row),0) FROM tickets WHERE row>? AND state IN ('reserved','sent')",
			 "i", low);
	if (!rc)
		rc = run(q, &top, "SELECT coalesce(max(row),0) FROM tickets", NULL);
	int64_t mark = inflight ? inflight - 1 : top;
	if (!rc && mark > low)
		rc = meta_set(q, "sync_low", mark);
	return rc;
}

/* Begin a change: BEGIN IMMEDIATE and bring the line up to date. */
static int begin_change(queue_t *q, bool *synced)
{
	bool dummy;
	int rc = exec(q, "BEGIN IMMEDIATE");
	if (!rc)
		rc = sync_tx(q, synced ? synced : &dummy);
	if (rc)
		rollback(q);
	return rc;
}

/* Finish a change: seq grows, COMMIT; any failure rolls the whole change
 * back. rc is the action's result (KIOSK_OK to commit). */
static int end_change(queue_t *q, int rc, bool changed)
{
	if (!rc && changed)
		rc = bump_seq(q);
	if (!rc)
		rc = exec(q, "COMMIT");
	if (rc)
		rollback(q);
	else if (changed)
		q->own_change = true;
	return rc;
}

int queue_sync(queue_t *q)
{
	if (!q)
		return KIOSK_EINVAL;
	bool due = false;
	int rc = sync_due(q, &due); /* a read, so a quiet line takes no write lock */
	if (rc || !due)
		return rc;
	bool changed = false;
	rc = begin_change(q, &changed);
	if (rc)
		return rc;
	return end_change(q, KIOSK_OK, changed);
}

/* ---- tickets ---- */

static queue_state_t state_of(const char *s)
{
	static const char *const names[] = {"waiting", "called", "served", "absent", "noshow", "closed"};
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(names); i++)
		if (strcmp(s, names[i]) == 0)
			return (queue_state_t)i;
	return QUEUE_CLOSED;
}

#define TICKET_COLS "ticket_row, number, grp, priority, state, counter, recalls, issued_ms, called_ms, served_ms"

static void ticket_from(sqlite3_stmt *st, queue_ticket_t *t)
{
	memset(t, 0, sizeof *t);
	t->row = sqlite3_column_int64(st, 0);
	snprintf(t->number, sizeof t->number, "%s", (const char *)sqlite3_column_text(st, 1));
	snprintf(t->group, sizeof t->group, "%s", (const char *)sqlite3_column_text(st, 2));
	t->priority = sqlite3_column_int(st, 3) != 0;
	t->state = state_of((const char *)sqlite3_column_text(st, 4));
	t->counter = sqlite3_column_int(st, 5);
	t->recalls = sqlite3_column_int(st, 6);
	t->issued_ms = sqlite3_column_int64(st, 7);
	t->called_ms = sqlite3_column_int64(st, 8);
	t->served_ms = sqlite3_column_int64(st, 9);
}

/* One ticket by a query; KIOSK_ENOENT when no row. */
static int ticket_get(queue_t *q, queue_ticket_t *t, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st = NULL;
	va_list ap;
	va_start(ap, fmt);
	int rc = prep(q, &st, sql, fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		ticket_from(st, t);
		rc = KIOSK_OK;
	} else {
		rc = s == SQLITE_DONE ? KIOSK_ENOENT : fail(q, s);
	}
	sqlite3_finalize(st);
	return rc;
}

static int current_of(queue_t *q, int counter, queue_ticket_t *t)
{
	return ticket_get(q, t, "SELECT " TICKET_COLS " FROM q_tickets WHERE state='called' AND counter=? "
			  "ORDER BY called_ms DESC LIMIT 1", "i", (int64_t)counter);
}

/* Today's ticket with that number: an open one first, else the latest. */
static int by_number(queue_t *q, const char *number, queue_ticket_t *t)
{
	int64_t day = 0;
	int rc = line_day(q, &day);
	if (rc)
		return rc;
	return ticket_get(q, t, "SELECT " TICKET_COLS " FROM q_tickets WHERE number=? AND "
			  "(day=? OR state IN ('waiting','called','absent')) "
			  "ORDER BY state IN ('waiting','called','absent') DESC, ticket_row DESC LIMIT 1",
			  "ti", number, day);
}

static int reread(queue_t *q, int64_t row, queue_ticket_t *out)
{
	queue_ticket_t t;
	int rc = ticket_get(q, &t, "SELECT " TICKET_COLS " FROM q_tickets WHERE ticket_row=?", "i", row);
	if (!rc && out)
		*out = t;
	return rc;
}

/* Served: the counter's current ticket is finished. */
static int serve(queue_t *q, int counter, const queue_ticket_t *t)
{
	int64_t now = now_ms(q);
	int rc = run(q, NULL, "UPDATE q_tickets SET state='served', served_ms=? WHERE ticket_row=?", "ii", now, t->row);
	if (!rc)
		rc = event(q, t->row, "served", t->group, counter, true, now - t->called_ms, -1);
	return rc;
}

/* After a call in grp: the group's count grows and parked tickets whose
 * window has passed are closed as no-shows. */
static int after_group_call(queue_t *q, const char *grp)
{
	int64_t calls = 0;
	int rc = run(q, NULL, "INSERT INTO q_groups(grp,calls) VALUES(?,1) ON CONFLICT(grp) DO UPDATE SET calls=calls+1",
		     "t", grp);
	if (!rc)
		rc = run(q, &calls, "SELECT calls FROM q_groups WHERE grp=?", "t", grp);
	if (rc)
		return rc;
	sqlite3_stmt *st = NULL;
	rc = sqlite3_prepare_v2(q->db, "SELECT ticket_row, counter FROM q_tickets WHERE state='absent' AND grp=? "
				"AND ?-parked_at >= ?", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(q, rc);
	rc = KIOSK_OK;
	sqlite3_bind_text(st, 1, grp, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, calls);
	sqlite3_bind_int64(st, 3, q->absent_window);
	int s;
	while (!rc && (s = sqlite3_step(st)) == SQLITE_ROW)
		rc = event(q, sqlite3_column_int64(st, 0), "noshow", grp, sqlite3_column_int(st, 1), false, 0, -1);
	if (!rc && s != SQLITE_DONE)
		rc = fail(q, s);
	sqlite3_finalize(st);
	if (!rc)
		rc = run(q, NULL, "UPDATE q_tickets SET state='noshow' WHERE state='absent' AND grp=? AND ?-parked_at >= ?",
			 "tii", grp, calls, (int64_t)q->absent_window);
	return rc;
}

/* Call t (waiting or parked) to counter. */
static int call_ticket(queue_t *q, int counter, const queue_ticket_t *t)
{
	int64_t now = now_ms(q), first = 0;
	int rc = run(q, &first, "SELECT called_ms=0 FROM q_tickets WHERE ticket_row=?", "i", t->row);
	if (!rc)
		rc = run(q, NULL, "UPDATE q_tickets SET state='called', counter=?, called_ms=?, shown_ms=?, recalls=0 "
				  "WHERE ticket_row=?", "iiii", (int64_t)counter, now, now, t->row);
	if (!rc)
		rc = event(q, t->row, "called", t->group, counter, first != 0, now - t->issued_ms, -1);
	if (!rc)
		rc = after_group_call(q, t->group);
	return rc;
}

/* "grp IN (...)" for a counter's groups, as literals quoted by SQLite. */
static int groups_sql(const queue_counter_t *c, char *buf, size_t cap)
{
	size_t len = 0;
	buf[0] = 0;
	for (int i = 0; i < c->group_count; i++) {
		char *lit = sqlite3_mprintf("%s%Q", i ? "," : "", c->groups[i]);
		if (!lit)
			return KIOSK_ENOMEM;
		size_t n = strlen(lit);
		if (len + n + 1 > cap) {
			sqlite3_free(lit);
			return KIOSK_ERANGE;
		}
		memcpy(buf + len, lit, n + 1);
		len += n;
		sqlite3_free(lit);
	}
	return KIOSK_OK;
}

static int oldest(queue_t *q, const char *in, int priority, queue_ticket_t *t)
{
	char sql[1024];
	snprintf(sql, sizeof sql, "SELECT " TICKET_COLS " FROM q_tickets WHERE state='waiting' AND grp IN (%s) "
		 "AND priority=? ORDER BY issued_ms, ticket_row LIMIT 1", in);
	return ticket_get(q, t, sql, "i", (int64_t)priority);
}

/* The policy: one priority ticket after every N regular calls at this
 * counter (N = 0: priority first); either kind when the other has none. */
static int pick_next(queue_t *q, const queue_counter_t *c, queue_ticket_t *t)
{
	char in[8 * 80];
	int rc = groups_sql(c, in, sizeof in);
	if (rc)
		return rc;
	if (!c->group_count)
		return KIOSK_ENOENT;
	int64_t run_len = 0;
	rc = run(q, &run_len, "SELECT regular_run FROM q_counters WHERE counter=?", "i", (int64_t)c->id);
	if (rc)
		return rc;
	bool prio_turn = run_len >= q->regular_per_priority;
	rc = oldest(q, in, prio_turn ? 1 : 0, t);
	if (rc == KIOSK_ENOENT)
		rc = oldest(q, in, prio_turn ? 0 : 1, t);
	if (rc)
		return rc;
	int64_t next = t->priority ? 0 : run_len + 1;
	return run(q, NULL, "INSERT INTO q_counters(counter,regular_run) VALUES(?,?) "
			    "ON CONFLICT(counter) DO UPDATE SET regular_run=excluded.regular_run",
		   "ii", (int64_t)c->id, next);
}

int queue_call_next(queue_t *q, int counter, queue_ticket_t *out)
{
	if (out)
		memset(out, 0, sizeof *out);
	if (!q)
		return KIOSK_EINVAL;
	const queue_counter_t *c = counter_find(q, counter);
	if (!c)
		return KIOSK_EPERM;
	bool synced = false;
	int rc = begin_change(q, &synced);
	if (rc)
		return rc;
	queue_ticket_t cur, t;
	bool done_cur = false;
	int r = current_of(q, counter, &cur);
	if (r == KIOSK_OK) {
		r = serve(q, counter, &cur);
		done_cur = r == KIOSK_OK;
	} else if (r == KIOSK_ENOENT) {
		r = KIOSK_OK;
	}
	if (!r)
		r = pick_next(q, c, &t);
	if (!r)
		r = call_ticket(q, counter, &t);
	if (!r)
		r = reread(q, t.row, out);
	if (r == KIOSK_ENOENT && (done_cur || synced)) {
		/* Nothing waiting, but the current ticket was finished (or the
		 * line brought up to date): keep that, answer "none". */
		if (out)
			memset(out, 0, sizeof *out);
		rc = end_change(q, KIOSK_OK, true);
		return rc ? rc : KIOSK_ENOENT;
	}
	if (r) {
		rollback(q);
		if (out)
			memset(out, 0, sizeof *out);
		return r;
	}
	rc = end_change(q, KIOSK_OK, true);
	if (rc && out)
		memset(out, 0, sizeof *out);
	return rc;
}

/* Run a change: begin, act(q, counter, ctx, out), end. act's KIOSK_ENOENT,
 * EPERM, EBUSY... roll the change back (a sync alone is still kept). */
typedef int (*act_fn)(queue_t *q, int counter, const void *ctx, queue_ticket_t *out);

static int change(queue_t *q, int counter, act_fn act, const void *ctx, queue_ticket_t *out)
{
	if (out)
		memset(out, 0, sizeof *out);
	if (!q)
		return KIOSK_EINVAL;
	bool synced = false;
	int rc = begin_change(q, &synced);
	if (rc)
		return rc;
	queue_ticket_t t;
	memset(&t, 0, sizeof t);
	int r = act(q, counter, ctx, &t);
	if (r) {
		rollback(q);
		if (synced && (r == KIOSK_ENOENT || r == KIOSK_EPERM || r == KIOSK_EBUSY || r == KIOSK_EINVAL ||
			       r == KIOSK_ETIMEOUT))
			queue_sync(q); /* keep the line's news even when the action is refused */
		return r;
	}
	rc = end_change(q, KIOSK_OK, true);
	if (!rc && out)
		*out = t;
	return rc;
}

static int act_call_number(queue_t *q, int counter, const void *ctx, queue_ticket_t *out)
{
	const char *number = ctx;
	const queue_counter_t *c = counter_find(q, counter);
	if (!c)
		return KIOSK_EPERM;
	queue_ticket_t t;
	int rc = by_number(q, number, &t);
	if (rc)
		return rc;
	if (t.state != QUEUE_WAITING && t.state != QUEUE_ABSENT)
		return KIOSK_EBUSY;
	if (!counter_serves(c, t.group))
		return KIOSK_EPERM;
	queue_ticket_t cur;
	rc = current_of(q, counter, &cur);
	if (rc == KIOSK_OK)
		rc = serve(q, counter, &cur);
	else if (rc == KIOSK_ENOENT)
		rc = KIOSK_OK;
	if (!rc)
		rc = call_ticket(q, counter, &t);
	if (!rc)
		rc = reread(q, t.row, out);
	return rc;
}

int queue_call_number(queue_t *q, int counter, const char *number, queue_ticket_t *out)
{
	if (!number || !number[0] || strlen(number) >= sizeof out->number) {
		if (out)
			memset(out, 0, sizeof *out);
		return KIOSK_EINVAL;
	}
	return change(q, counter, act_call_number, number, out);
}

static int act_recall(queue_t *q, int counter, const void *ctx, queue_ticket_t *out)
{
	(void)ctx;
	queue_ticket_t t;
	int rc = current_of(q, counter, &t);
	int64_t now = now_ms(q);
	if (!rc)
		rc = run(q, NULL, "UPDATE q_tickets SET recalls=recalls+1, shown_ms=? WHERE ticket_row=?", "ii", now, t.row);
	if (!rc)
		rc = event(q, t.row, "recalled", t.group, counter, false, 0, -1);
	if (!rc)
		rc = reread(q, t.row, out);
	return rc;
}

int queue_recall(queue_t *q, int counter, queue_ticket_t *out)
{
	return change(q, counter, act_recall, NULL, out);
}

static int act_absent(queue_t *q, int counter, const void *ctx, queue_ticket_t *out)
{
	(void)ctx;
	queue_ticket_t t;
	int64_t calls = 0;
	int rc = current_of(q, counter, &t);
	if (!rc)
		rc = run(q, &calls, "SELECT coalesce((SELECT calls FROM q_groups WHERE grp=?),0)", "t", t.group);
	bool at_once = q->absent_window == 0;
	if (!rc)
		rc = run(q, NULL, "UPDATE q_tickets SET state=?, parked_at=? WHERE ticket_row=?", "tii",
			 at_once ? "noshow" : "absent", calls, t.row);
	if (!rc)
		rc = event(q, t.row, "absent", t.group, counter, false, 0, -1);
	if (!rc && at_once)
		rc = event(q, t.row, "noshow", t.group, counter, false, 0, -1);
	if (!rc)
		rc = reread(q, t.row, out);
	return rc;
}

int queue_absent(queue_t *q, int counter, queue_ticket_t *out)
{
	return change(q, counter, act_absent, NULL, out);
}

static int act_done(queue_t *q, int counter, const void *ctx, queue_ticket_t *out)
{
	(void)ctx;
	queue_ticket_t t;
	int rc = current_of(q, counter, &t);
	if (!rc)
		rc = serve(q, counter, &t);
	if (!rc)
		rc = reread(q, t.row, out);
	return rc;
}

int queue_done(queue_t *q, int counter, queue_ticket_t *out)
{
	return change(q, counter, act_done, NULL, out);
}

static int act_transfer(queue_t *q, int counter, const void *ctx, queue_ticket_t *out)
{
	const char *grp = ctx;
	int gi = group_index(q, grp);
	if (gi < 0)
		return KIOSK_EINVAL;
	queue_ticket_t t;
	int rc = current_of(q, counter, &t);
	if (rc)
		return rc;
	if (strcmp(t.group, grp) == 0)
		return KIOSK_EINVAL;
	rc = run(q, NULL, "UPDATE q_tickets SET state='waiting', grp=? WHERE ticket_row=?", "ti", grp, t.row);
	if (!rc)
		rc = event(q, t.row, "transferred", t.group, counter, false, 0, -1);
	if (!rc)
		rc = event(q, t.row, "transfer_in", grp, counter, false, 0, -1);
	if (!rc)
		rc = reread(q, t.row, out);
	return rc;
}

int queue_transfer(queue_t *q, int counter, const char *group, queue_ticket_t *out)
{
	if (!group) {
		if (out)
			memset(out, 0, sizeof *out);
		return KIOSK_EINVAL;
	}
	return change(q, counter, act_transfer, group, out);
}

int queue_current(queue_t *q, int counter, queue_ticket_t *out)
{
	queue_ticket_t t;
	if (out)
		memset(out, 0, sizeof *out);
	if (!q)
		return KIOSK_EINVAL;
	int rc = queue_sync(q);
	if (!rc)
		rc = current_of(q, counter, &t);
	if (!rc && out)
		*out = t;
	return rc;
}

typedef struct {
	const char *number;
	int level;
	unsigned reasons;
} rate_t;

static int act_rate(queue_t *q, int counter, const void *ctx, queue_ticket_t *out)
{
	(void)counter;
	const rate_t *r = ctx;
	queue_ticket_t t;
	int rc = by_number(q, r->number, &t);
	if (rc)
		return rc;
	int64_t rated = 0;
	rc = run(q, &rated, "SELECT rating FROM q_tickets WHERE ticket_row=?", "i", t.row);
	if (rc)
		return rc;
	if (t.state != QUEUE_SERVED || rated)
		return KIOSK_EBUSY;
	if (now_ms(q) - t.served_ms > RATE_WINDOW_MS)
		return KIOSK_ETIMEOUT;
	rc = run(q, NULL, "UPDATE q_tickets SET rating=? WHERE ticket_row=?", "ii", (int64_t)r->level, t.row);
	if (!rc)
		rc = event(q, t.row, "rated", t.group, t.counter, true, r->level, r->level == 1 ? (int64_t)r->reasons : 0);
	*out = t;
	return rc;
}

int queue_rate_open(queue_t *q, const char *number)
{
	if (!q || !number || !number[0] || strlen(number) >= 8)
		return KIOSK_EINVAL;
	queue_ticket_t t;
	int rc = by_number(q, number, &t);
	int64_t rated = 0;
	if (!rc)
		rc = run(q, &rated, "SELECT rating FROM q_tickets WHERE ticket_row=?", "i", t.row);
	if (rc)
		return rc;
	if (rated)
		return KIOSK_EPERM;
	if (t.state != QUEUE_SERVED)
		return KIOSK_EBUSY;
	return now_ms(q) - t.served_ms > RATE_WINDOW_MS ? KIOSK_ETIMEOUT : KIOSK_OK;
}

int queue_rate(queue_t *q, const char *number, int level, unsigned reasons)
{
	if (!q || !number || !number[0] || strlen(number) >= 8 || level < 1 || level > 3 || reasons > 0xffff)
		return KIOSK_EINVAL;
	rate_t r = {number, level, reasons};
	return change(q, 0, act_rate, &r, NULL);
}

/* ---- help calls ---- */

int queue_help_request(queue_t *q, const char *kiosk, int64_t *id)
{
	if (id)
		*id = 0;
	if (!q || !kiosk || !kiosk[0] || strlen(kiosk) >= sizeof((queue_help_t *)0)->kiosk)
		return KIOSK_EINVAL;
	int rc = begin_change(q, NULL);
	if (rc)
		return rc;
	int64_t day = 0;
	rc = line_day(q, &day);
	if (!rc)
		rc = run(q, NULL, "INSERT INTO q_help(day,kiosk,at_ms) VALUES(?,?,?)", "iti", day, kiosk, now_ms(q));
	int64_t hid = sqlite3_last_insert_rowid(q->db);
	if (!rc)
		rc = event(q, 0, "help", "", 0, true, hid, -1);
	rc = end_change(q, rc, true);
	if (!rc && id)
		*id = hid;
	return rc;
}

int queue_help_take(queue_t *q, int64_t id, int counter)
{
	if (!q || id <= 0 || counter < 1 || counter > QUEUE_MAX_COUNTERS)
		return KIOSK_EINVAL;
	int rc = begin_change(q, NULL);
	if (rc)
		return rc;
	int64_t taken = -1;
	rc = run(q, &taken, "SELECT coalesce((SELECT taken_by FROM q_help WHERE id=?),-1)", "i", id);
	if (!rc && taken < 0)
		rc = KIOSK_ENOENT;
	else if (!rc && taken > 0)
		rc = KIOSK_EBUSY;
	if (!rc)
		rc = run(q, NULL, "UPDATE q_help SET taken_by=?, taken_ms=? WHERE id=?", "iii", (int64_t)counter,
			 now_ms(q), id);
	if (!rc)
		rc = event(q, 0, "help_taken", "", counter, true, id, -1);
	if (rc) {
		rollback(q);
		return rc;
	}
	return end_change(q, KIOSK_OK, true);
}

int queue_help_get(queue_t *q, int64_t id, queue_help_t *out)
{
	memset(out, 0, sizeof *out);
	if (!q)
		return KIOSK_EINVAL;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(q->db, "SELECT id, kiosk, at_ms, taken_by FROM q_help WHERE id=?", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(q, rc);
	sqlite3_bind_int64(st, 1, id);
	int s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		snprintf(out->kiosk, sizeof out->kiosk, "%s", (const char *)sqlite3_column_text(st, 1));
		out->at_ms = sqlite3_column_int64(st, 2);
		out->taken_by = sqlite3_column_int(st, 3);
		rc = KIOSK_OK;
	} else {
		rc = s == SQLITE_DONE ? KIOSK_ENOENT : fail(q, s);
	}
	sqlite3_finalize(st);
	return rc;
}

/* ---- what a citizen sees ---- */

/* Median service time of grp today (ms), -1 before 3 services. */
static int service_median(queue_t *q, const char *grp, int64_t day, int64_t *med)
{
	int64_t n = 0;
	*med = -1;
	int rc = run(q, &n, "SELECT count(*) FROM q_events WHERE day=? AND grp=? AND kind='served'", "it", day, grp);
	if (rc || n < 3)
		return rc;
	return run(q, med, "SELECT val FROM q_events WHERE day=? AND grp=? AND kind='served' ORDER BY val "
			   "LIMIT 1 OFFSET ?", "iti", day, grp, n / 2);
}

/* Counters serving grp: those that called in the last hour, or (none yet)
 * all configured for it. */
static int serving_counters(queue_t *q, const char *grp, int *n)
{
	*n = 0;
	int configured = 0;
	for (int i = 0; i < q->counter_count; i++) {
		if (!counter_serves(&q->counters[i], grp))
			continue;
		configured++;
		int64_t active = 0;
		int rc = run(q, &active, "SELECT EXISTS(SELECT 1 FROM q_events WHERE kind='called' AND counter=? "
					 "AND at_ms>=?)", "ii", (int64_t)q->counters[i].id, now_ms(q) - HOUR_MS);
		if (rc)
			return rc;
		*n += active != 0;
	}
	if (!*n)
		*n = configured;
	if (!q->counter_count) {
		/* Opened without the counters (the kiosk): the counters that
		 * called in this group in the last hour. */
		int64_t active = 0;
		int64_t day = 0;
		int rc = line_day(q, &day);
		if (!rc)
			rc = run(q, &active, "SELECT count(DISTINCT counter) FROM q_events WHERE day=? AND grp=? "
						 "AND kind='called' AND counter>0 AND at_ms>=?", "iti", day, grp,
				 now_ms(q) - HOUR_MS);
		if (rc)
			return rc;
		*n = (int)active;
	}
	return KIOSK_OK;
}

/* Estimate in minutes, rounded to 5 (at least 5 when anyone is ahead);
 * -1 without data. */
static int estimate(queue_t *q, const char *grp, int ahead, int *minutes)
{
	*minutes = -1;
	int64_t day = 0, med = -1;
	int n = 0;
	int rc = line_day(q, &day);
	if (!rc)
		rc = service_median(q, grp, day, &med);
	if (!rc && med >= 0)
		rc = serving_counters(q, grp, &n);
	if (rc || med < 0 || n <= 0)
		return rc;
	if (ahead <= 0) {
		*minutes = 0;
		return KIOSK_OK;
	}
	double min = (double)ahead * (double)med / (double)n / 60000.0;
	int r = (int)((min + 2.5) / 5.0) * 5;
	*minutes = r < 5 ? 5 : r;
	return KIOSK_OK;
}

/* People ahead of t by the policy (docs/office-queue.md). */
static int ahead_of(queue_t *q, const queue_ticket_t *t, int *ahead)
{
	int64_t reg = 0, pri = 0;
	const char *sql_before = "SELECT count(*) FROM q_tickets WHERE state='waiting' AND grp=? AND priority=? "
				 "AND (issued_ms<? OR (issued_ms=? AND ticket_row<?))";
	const char *sql_all = "SELECT count(*) FROM q_tickets WHERE state='waiting' AND grp=? AND priority=?";
	int rc;
	int64_t n = q->regular_per_priority;
	if (!t->priority) {
		rc = run(q, &reg, sql_before, "tiiii", t->group, (int64_t)0, t->issued_ms, t->issued_ms, t->row);
		if (!rc)
			rc = run(q, &pri, sql_all, "ti", t->group, (int64_t)1);
		if (!rc && n > 0 && pri > reg / n)
			pri = reg / n;
	} else {
		rc = run(q, &pri, sql_before, "tiiii", t->group, (int64_t)1, t->issued_ms, t->issued_ms, t->row);
		if (!rc)
			rc = run(q, &reg, sql_all, "ti", t->group, (int64_t)0);
		if (!rc && reg > n * (pri + 1))
			reg = n * (pri + 1);
	}
	*ahead = (int)(reg + pri);
	return rc;
}

/* The people ahead of t and the estimate, read in one transaction.
 * number: look the ticket up (it must be waiting); NULL: t is a ticket
 * that would join the back of its line now. */
static int ahead_tx(queue_t *q, const char *number, queue_ticket_t *t, int *ahead, int *estimate_min)
{
	int rc = queue_sync(q);
	if (!rc)
		rc = exec(q, "BEGIN");
	if (rc)
		return rc;
	if (number) {
		rc = by_number(q, number, t);
		if (!rc && t->state != QUEUE_WAITING)
			rc = KIOSK_EBUSY;
	}
	if (!rc)
		rc = ahead_of(q, t, ahead);
	if (!rc)
		rc = estimate(q, t->group, *ahead, estimate_min);
	rollback(q);
	if (rc) {
		*ahead = 0;
		*estimate_min = -1;
	}
	return rc;
}

int queue_ahead(queue_t *q, const char *number, int *ahead, int *estimate_min)
{
	*ahead = 0;
	*estimate_min = -1;
	if (!q || !number)
		return KIOSK_EINVAL;
	queue_ticket_t t;
	return ahead_tx(q, number, &t, ahead, estimate_min);
}

int queue_ahead_join(queue_t *q, const char *group, bool priority, int *ahead, int *estimate_min)
{
	*ahead = 0;
	*estimate_min = -1;
	if (!q || !group || group_index(q, group) < 0)
		return KIOSK_EINVAL;
	/* A ticket at the back of the line: after every waiting one. */
	queue_ticket_t t = {.row = INT64_MAX, .priority = priority, .state = QUEUE_WAITING,
			    .issued_ms = INT64_MAX};
	snprintf(t.group, sizeof t.group, "%s", group);
	return ahead_tx(q, NULL, &t, ahead, estimate_min);
}

/* ---- the view ---- */

static int view_tx(queue_t *q, queue_view_t *v)
{
	int64_t seq = 0, day = 0;
	int rc = meta_get(q, "seq", &seq);
	if (!rc)
		rc = line_day(q, &day);
	if (rc)
		return rc;
	v->seq = seq;
	v->day_key = (int)day;
	sqlite3_stmt *st = NULL;
	rc = sqlite3_prepare_v2(q->db, "SELECT number, counter, priority, grp, shown_ms, recalls FROM q_tickets "
				"WHERE shown_ms>0 AND day=? ORDER BY shown_ms DESC, ticket_row DESC LIMIT ?",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(q, rc);
	sqlite3_bind_int64(st, 1, day);
	sqlite3_bind_int(st, 2, QUEUE_RECENT);
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW && v->call_count < QUEUE_RECENT) {
		queue_call_t *c = &v->calls[v->call_count++];
		snprintf(c->number, sizeof c->number, "%s", (const char *)sqlite3_column_text(st, 0));
		c->counter = sqlite3_column_int(st, 1);
		c->priority = sqlite3_column_int(st, 2) != 0;
		snprintf(c->group, sizeof c->group, "%s", (const char *)sqlite3_column_text(st, 3));
		c->at_ms = sqlite3_column_int64(st, 4);
		c->recalls = sqlite3_column_int(st, 5);
	}
	sqlite3_finalize(st);
	if (s != SQLITE_DONE && s != SQLITE_ROW)
		return fail(q, s);
	if (!q->counter_count) {
		/* Opened without the counters (the kiosk): every counter with a
		 * called ticket today, by counter. */
		rc = sqlite3_prepare_v2(q->db, "SELECT counter, number FROM q_tickets WHERE state='called' AND day=? "
					"AND counter>0 ORDER BY counter, called_ms DESC", -1, &st, NULL);
		if (rc != SQLITE_OK)
			return fail(q, rc);
		sqlite3_bind_int64(st, 1, day);
		while ((s = sqlite3_step(st)) == SQLITE_ROW && v->counter_count < QUEUE_MAX_COUNTERS) {
			int id = sqlite3_column_int(st, 0);
			if (v->counter_count && v->counters[v->counter_count - 1].id == id)
				continue;
			v->counters[v->counter_count].id = id;
			snprintf(v->counters[v->counter_count].current, sizeof v->counters[0].current, "%s",
				 (const char *)sqlite3_column_text(st, 1));
			v->counter_count++;
		}
		sqlite3_finalize(st);
		if (s != SQLITE_DONE && s != SQLITE_ROW)
			return fail(q, s);
	}
	for (int i = 0; i < q->counter_count; i++) {
		v->counters[i].id = q->counters[i].id;
		queue_ticket_t t;
		rc = current_of(q, q->counters[i].id, &t);
		if (rc == KIOSK_OK)
			snprintf(v->counters[i].current, sizeof v->counters[i].current, "%s", t.number);
		else if (rc != KIOSK_ENOENT)
			return rc;
		v->counter_count++;
	}
	for (int i = 0; i < q->group_count; i++) {
		__typeof__(v->groups[0]) *g = &v->groups[i];
		snprintf(g->id, sizeof g->id, "%s", q->groups[i].id);
		g->letter = q->groups[i].letter;
		int64_t w = 0, p = 0;
		rc = run(q, &w, "SELECT count(*) FROM q_tickets WHERE state='waiting' AND grp=?", "t", g->id);
		if (!rc)
			rc = run(q, &p, "SELECT count(*) FROM q_tickets WHERE state='waiting' AND grp=? AND priority=1", "t",
				 g->id);
		if (!rc)
			rc = estimate(q, g->id, (int)w, &g->estimate_min);
		if (rc)
			return rc;
		g->waiting = (int)w;
		g->priority_waiting = (int)p;
		rc = sqlite3_prepare_v2(q->db, "SELECT number FROM q_tickets WHERE state='absent' AND grp=? "
					"ORDER BY issued_ms LIMIT 16", -1, &st, NULL);
		if (rc != SQLITE_OK)
			return fail(q, rc);
		sqlite3_bind_text(st, 1, g->id, -1, SQLITE_TRANSIENT);
		while ((s = sqlite3_step(st)) == SQLITE_ROW && g->absent_count < 16)
			snprintf(g->absent[g->absent_count++], sizeof g->absent[0], "%s",
				 (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		if (s != SQLITE_DONE && s != SQLITE_ROW)
			return fail(q, s);
		v->group_count++;
	}
	rc = sqlite3_prepare_v2(q->db, "SELECT id, kiosk, at_ms, taken_by FROM q_help WHERE day=? AND "
				"(taken_by=0 OR taken_ms>=?) ORDER BY taken_by<>0, id DESC LIMIT 8", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(q, rc);
	/* Today's only: a call nobody took yesterday is not on today's pages. */
	sqlite3_bind_int64(st, 1, day);
	sqlite3_bind_int64(st, 2, now_ms(q) - HELP_SHOWN_MS);
	while ((s = sqlite3_step(st)) == SQLITE_ROW && v->help_count < 8) {
		queue_help_t *h = &v->help[v->help_count++];
		h->id = sqlite3_column_int64(st, 0);
		snprintf(h->kiosk, sizeof h->kiosk, "%s", (const char *)sqlite3_column_text(st, 1));
		h->at_ms = sqlite3_column_int64(st, 2);
		h->taken_by = sqlite3_column_int(st, 3);
	}
	sqlite3_finalize(st);
	if (s != SQLITE_DONE && s != SQLITE_ROW)
		return fail(q, s);
	return KIOSK_OK;
}

static int64_t data_version(queue_t *q)
{
	int64_t v = -1;
	if (run(q, &v, "PRAGMA data_version", NULL))
		return -1;
	return v;
}

int queue_view(queue_t *q, queue_view_t *out)
{
	memset(out, 0, sizeof *out);
	if (!q)
		return KIOSK_EINVAL;
	int rc = queue_sync(q);
	if (rc)
		return rc;
	rc = exec(q, "BEGIN"); /* one snapshot for the whole view */
	if (!rc)
		rc = view_tx(q, out);
	rollback(q);
	if (rc) {
		memset(out, 0, sizeof *out);
		return rc;
	}
	q->view_seq = out->seq;
	q->data_version = data_version(q);
	q->own_change = false;
	return KIOSK_OK;
}

bool queue_changed(queue_t *q)
{
	if (!q)
		return false;
	if (q->view_seq < 0)
		return true;
	int64_t dv = data_version(q);
	if (dv >= 0 && dv == q->data_version && !q->own_change)
		return false; /* nobody wrote since the view */
	q->data_version = dv;
	queue_sync(q);
	int64_t seq = 0;
	if (meta_get(q, "seq", &seq))
		return true; /* cannot tell: let the caller look */
	return seq != q->view_seq;
}
