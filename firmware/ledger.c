/* ledger.c - SQLite ticket ledger: numbering, daily reset, void rules and
 * events. Each public call is one IMMEDIATE transaction with synchronous=FULL
 * so it is durable when it returns. */
#include "ledger.h"

#include <openssl/rand.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk.h"

#define SCHEMA_VERSION "1"

struct ledger {
	sqlite3 *db;
	const kclock_t *clock;
	char prefix[16];           /* random per-ledger part of ticket ids */
	bool warning;
};

static const char *schema_sql =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS series(letter TEXT PRIMARY KEY, seq INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS tickets("
	" row INTEGER PRIMARY KEY AUTOINCREMENT,"
	" ticket_id TEXT NOT NULL UNIQUE,"
	" day_key INTEGER NOT NULL,"
	" series TEXT NOT NULL,"
	" seq INTEGER NOT NULL,"
	" number TEXT NOT NULL,"
	" procedure TEXT NOT NULL,"
	" priority INTEGER NOT NULL,"
	" dated INTEGER NOT NULL,"
	" reprint_of INTEGER,"
	" state TEXT NOT NULL,"
	" created_ms INTEGER NOT NULL);"
	"CREATE UNIQUE INDEX IF NOT EXISTS tickets_day_number ON tickets(day_key, number)"
	" WHERE reprint_of IS NULL AND state <> 'released';"
	"CREATE TABLE IF NOT EXISTS events("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" ticket_row INTEGER,"
	" kind TEXT NOT NULL,"
	" at_ms INTEGER NOT NULL,"
	" detail TEXT);";

static void seterr(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
	if (err && errlen)
		snprintf(err, errlen, fmt, a ? a : "", b ? b : "");
}

static int exec(ledger_t *l, const char *sql)
{
	return sqlite3_exec(l->db, sql, NULL, NULL, NULL) == SQLITE_OK ? KIOSK_OK : KIOSK_EIO;
}

static int begin(ledger_t *l) { return exec(l, "BEGIN IMMEDIATE"); }
static int commit(ledger_t *l) { return exec(l, "COMMIT"); }
static void rollback(ledger_t *l) { sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL); }

static int map_rc(int rc)
{
	switch (rc) {
	case SQLITE_OK: case SQLITE_DONE: case SQLITE_ROW: return KIOSK_OK;
	case SQLITE_CORRUPT: case SQLITE_NOTADB: return KIOSK_ECORRUPT;
	case SQLITE_BUSY: case SQLITE_LOCKED: return KIOSK_EBUSY;
	case SQLITE_NOMEM: return KIOSK_ENOMEM;
	case SQLITE_CONSTRAINT: return KIOSK_ERR;
	default: return KIOSK_EIO;
	}
}

/* Run one statement with integer/text binds given as a format: 'i' int64,
 * 't' text. Returns the first column of the first row as int64 in *res when
 * res is not NULL (0 when no row). */
static int run(ledger_t *l, const char *sql, int64_t *res, const char *fmt, ...)
{
	sqlite3_stmt *st = NULL;
	if (res)
		*res = 0;
	int rc = sqlite3_prepare_v2(l->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_rc(rc);
	va_list ap;
	va_start(ap, fmt);
	for (int i = 0; fmt && fmt[i]; i++) {
		if (fmt[i] == 'i')
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
		else
			sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
	}
	va_end(ap);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && res)
		*res = sqlite3_column_int64(st, 0);
	int out = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? KIOSK_OK : map_rc(rc);
	sqlite3_finalize(st);
	return out;
}

static int meta_get_int(ledger_t *l, const char *key, int64_t *v)
{
	return run(l, "SELECT CAST(value AS INTEGER) FROM meta WHERE key=?", v, "t", key);
}

static int meta_set_int(ledger_t *l, const char *key, int64_t v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", (long long)v);
	return run(l, "INSERT INTO meta(key,value) VALUES(?,?) "
		      "ON CONFLICT(key) DO UPDATE SET value=excluded.value", NULL, "tt", key, buf);
}

static int event(ledger_t *l, int64_t row, const char *kind, const char *detail)
{
	return run(l, "INSERT INTO events(ticket_row,kind,at_ms,detail) VALUES(?,?,?,?)", NULL,
		   "itit", row, kind, (int64_t)kclock_now(l->clock), detail ? detail : "");
}

static int check_integrity(ledger_t *l)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(l->db, "PRAGMA quick_check", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_rc(rc) == KIOSK_EIO ? KIOSK_ECORRUPT : map_rc(rc);
	rc = sqlite3_step(st);
	int out = KIOSK_OK;
	if (rc != SQLITE_ROW)
		out = map_rc(rc) == KIOSK_EIO ? KIOSK_ECORRUPT : map_rc(rc);
	else if (strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0)
		out = KIOSK_ECORRUPT;
	sqlite3_finalize(st);
	return out;
}

static int load_or_create_meta(ledger_t *l)
{
	int64_t have = 0;
	int rc = run(l, "SELECT count(*) FROM meta", &have, NULL);
	if (rc)
		return rc;
	sqlite3_stmt *st = NULL;
	if (have == 0) {
		unsigned char r[4];
		if (RAND_bytes(r, sizeof r) != 1)
			return KIOSK_ERR;
		snprintf(l->prefix, sizeof l->prefix, "%02x%02x%02x%02x", r[0], r[1], r[2], r[3]);
		rc = run(l, "INSERT INTO meta(key,value) VALUES('schema'," SCHEMA_VERSION "),"
			    "('prefix',?),('business_day','0'),('untrusted_run','0')", NULL, "t", l->prefix);
		return rc;
	}
	int64_t ver = 0;
	if (meta_get_int(l, "schema", &ver) || ver != 1)
		return KIOSK_ECORRUPT;
	if (sqlite3_prepare_v2(l->db, "SELECT value FROM meta WHERE key='prefix'", -1, &st, NULL))
		return KIOSK_ECORRUPT;
	rc = KIOSK_ECORRUPT;
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(st, 0);
		if (p && strlen(p) == 8) {
			snprintf(l->prefix, sizeof l->prefix, "%s", p);
			rc = KIOSK_OK;
		}
	}
	sqlite3_finalize(st);
	return rc;
}

/* Void every reservation a crash left in flight: its bytes may have reached
 * paper, so it is never reissued (a reprint in flight just fails). */
static int recover(ledger_t *l)
{
	int rc = run(l, "INSERT INTO events(ticket_row,kind,at_ms,detail) SELECT row, "
		     "CASE WHEN reprint_of IS NULL THEN 'voided' ELSE 'failed' END, ?, "
		     "'recovered after restart' FROM tickets WHERE state IN ('reserved','sent')",
		     NULL, "i", (int64_t)kclock_now(l->clock));
	if (!rc)
		rc = run(l, "UPDATE tickets SET state = CASE WHEN reprint_of IS NULL THEN 'void' "
			    "ELSE 'failed' END WHERE state IN ('reserved','sent')", NULL, NULL);
	return rc;
}

int ledger_open(const char *path, const kclock_t *clock, ledger_t **out, char *err, size_t errlen)
{
	*out = NULL;
	if (!path || !clock) {
		seterr(err, errlen, "ledger: bad arguments%s%s", NULL, NULL);
		return KIOSK_EINVAL;
	}
	ledger_t *l = calloc(1, sizeof *l);
	if (!l)
		return KIOSK_ENOMEM;
	l->clock = clock;
	int rc = sqlite3_open_v2(path, &l->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		seterr(err, errlen, "ledger: cannot open %s: %s", path, l->db ? sqlite3_errmsg(l->db) : "");
		sqlite3_close(l->db);
		free(l);
		return KIOSK_EIO;
	}
	sqlite3_busy_timeout(l->db, 2000);
	int k = check_integrity(l);
	if (!k && exec(l, "PRAGMA journal_mode=WAL"))
		k = KIOSK_EIO;
	if (!k)
		k = exec(l, "PRAGMA synchronous=FULL");
	if (!k)
		k = begin(l);
	if (!k) {
		if (sqlite3_exec(l->db, schema_sql, NULL, NULL, NULL) != SQLITE_OK)
			k = map_rc(sqlite3_errcode(l->db));
		if (!k)
			k = load_or_create_meta(l);
		if (!k)
			k = recover(l);
		if (!k)
			k = commit(l);
		else
			rollback(l);
	}
	if (k) {
		if (k == KIOSK_EIO && (sqlite3_errcode(l->db) == SQLITE_NOTADB ||
				       sqlite3_errcode(l->db) == SQLITE_CORRUPT))
			k = KIOSK_ECORRUPT;
		seterr(err, errlen, k == KIOSK_ECORRUPT ? "ledger: %s is corrupt or not a ledger (%s); "
			"it was left untouched" : "ledger: cannot use %s: %s", path, sqlite3_errmsg(l->db));
		sqlite3_close(l->db);
		free(l);
		return k;
	}
	*out = l;
	return KIOSK_OK;
}

void ledger_close(ledger_t *l)
{
	if (!l)
		return;
	sqlite3_close(l->db);
	free(l);
}

static int eff_cap(int cap)
{
	return (cap <= 0 || cap > LEDGER_MAX_SEQ) ? LEDGER_MAX_SEQ : cap;
}

/* Day decision inside a transaction. *reset: a reset is due now (trusted
 * clock, later date, no untrusted tickets since the business day began).
 * *adopt: later trusted date but untrusted tickets exist, so the business
 * day moves without resetting counters (they may be today's). */
typedef struct {
	int today, business;
	bool trusted_ok, reset, adopt;
} daycheck_t;

static int day_check(ledger_t *l, daycheck_t *d)
{
	memset(d, 0, sizeof *d);
	int64_t bd = 0, untrusted = 0;
	int rc = meta_get_int(l, "business_day", &bd);
	if (!rc)
		rc = meta_get_int(l, "untrusted_run", &untrusted);
	if (rc)
		return rc;
	kclock_local_t lt;
	kclock_to_local(kclock_now(l->clock), &lt);
	d->today = lt.yday_key;
	d->business = (int)bd;
	bool trusted = kclock_trusted(l->clock);
	if (trusted && d->today > d->business) {
		d->trusted_ok = true;
		if (untrusted)
			d->adopt = true;
		else
			d->reset = true;
	} else if (trusted && d->today == d->business) {
		d->trusted_ok = true;
	}
	return KIOSK_OK;
}

static int apply_day(ledger_t *l, const daycheck_t *d)
{
	int rc = KIOSK_OK;
	if (d->reset) {
		rc = run(l, "DELETE FROM series", NULL, NULL);
		if (!rc)
			rc = event(l, 0, "reset", NULL);
	}
	if (!rc && (d->reset || d->adopt)) {
		rc = meta_set_int(l, "business_day", d->today);
		if (!rc && d->adopt)
			rc = event(l, 0, "adopted", "tickets of an untrusted clock kept their numbers");
	}
	if (!rc)
		rc = meta_set_int(l, "untrusted_run", d->trusted_ok ? 0 : 1);
	return rc;
}

static int series_seq(ledger_t *l, char series, int64_t *seq)
{
	char s[2] = {series, 0};
	return run(l, "SELECT seq FROM series WHERE letter=?", seq, "t", s);
}

int ledger_available(ledger_t *l, char series, int cap, int *remaining)
{
	if (remaining)
		*remaining = 0;
	if (!l || series < 'A' || series > 'Z')
		return KIOSK_EINVAL;
	daycheck_t d;
	int64_t seq = 0;
	int rc = exec(l, "BEGIN");
	if (rc)
		return rc;
	rc = day_check(l, &d);
	if (!rc && !d.reset)
		rc = series_seq(l, series, &seq);
	rollback(l);
	if (rc)
		return rc;
	int left = eff_cap(cap) - (int)seq;
	if (left < 0)
		left = 0;
	if (remaining)
		*remaining = left;
	return left > 0 ? KIOSK_OK : KIOSK_ESOLDOUT;
}

static void make_id(ledger_t *l, int64_t row, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s-%lld", l->prefix, (long long)row);
}

int ledger_reserve(ledger_t *l, char series, int cap, const char *procedure_id, bool priority,
		   ledger_ticket_t *out)
{
	memset(out, 0, sizeof *out);
	if (!l || series < 'A' || series > 'Z' || !procedure_id || strlen(procedure_id) >= sizeof out->procedure)
		return KIOSK_EINVAL;
	int rc = begin(l);
	if (rc)
		return rc;
	daycheck_t d;
	int64_t seq = 0, row = 0;
	rc = day_check(l, &d);
	if (!rc)
		rc = apply_day(l, &d);
	if (!rc)
		rc = series_seq(l, series, &seq);
	if (!rc && seq >= eff_cap(cap))
		rc = KIOSK_ESOLDOUT;
	int64_t now = kclock_now(l->clock);
	char s[2] = {series, 0}, number[8];
	if (!rc) {
		seq++;
		snprintf(number, sizeof number, "%c%03d", series, (int)seq);
		rc = run(l, "INSERT INTO series(letter,seq) VALUES(?,?) "
			    "ON CONFLICT(letter) DO UPDATE SET seq=excluded.seq", NULL, "ti", s, seq);
	}
	int day = d.reset || d.adopt ? d.today : d.business;
	if (!rc)
		rc = run(l, "INSERT INTO tickets(ticket_id,day_key,series,seq,number,procedure,priority,"
			    "dated,reprint_of,state,created_ms) VALUES(hex(randomblob(8)),?,?,?,?,?,?,?,NULL,"
			    "'reserved',?)", NULL, "itittiii", (int64_t)day, s, seq, number, procedure_id,
			 (int64_t)priority, (int64_t)d.trusted_ok, now);
	if (!rc) {
		row = sqlite3_last_insert_rowid(l->db);
		make_id(l, row, out->ticket_id, sizeof out->ticket_id);
		rc = run(l, "UPDATE tickets SET ticket_id=? WHERE row=?", NULL, "ti", out->ticket_id, row);
	}
	if (!rc)
		rc = event(l, row, "reserved", d.trusted_ok ? NULL : "clock not trusted");
	if (!rc)
		rc = commit(l);
	if (rc) {
		rollback(l);
		memset(out, 0, sizeof *out);
		return rc;
	}
	l->warning = !d.trusted_ok;
	out->row = row;
	snprintf(out->number, sizeof out->number, "%s", number);
	out->series = series;
	out->seq = (int)seq;
	out->day_key = day;
	out->priority = priority;
	out->dated = d.trusted_ok;
	out->clock_warning = !d.trusted_ok;
	out->time_ms = now;
	snprintf(out->procedure, sizeof out->procedure, "%s", procedure_id);
	return KIOSK_OK;
}

static int get_state(ledger_t *l, int64_t row, char *state, size_t cap, int64_t *reprint_of,
		     int64_t *seq, char *series)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(l->db, "SELECT state, coalesce(reprint_of,0), seq, series FROM tickets "
				    "WHERE row=?", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_rc(rc);
	sqlite3_bind_int64(st, 1, row);
	rc = sqlite3_step(st);
	int out = KIOSK_ENOENT;
	if (rc == SQLITE_ROW) {
		snprintf(state, cap, "%s", (const char *)sqlite3_column_text(st, 0));
		if (reprint_of)
			*reprint_of = sqlite3_column_int64(st, 1);
		if (seq)
			*seq = sqlite3_column_int64(st, 2);
		if (series)
			*series = ((const char *)sqlite3_column_text(st, 3))[0];
		out = KIOSK_OK;
	} else if (rc != SQLITE_DONE) {
		out = map_rc(rc);
	}
	sqlite3_finalize(st);
	return out;
}

static int transition(ledger_t *l, int64_t row, const char *from1, const char *from2,
		      const char *to, const char *ev, const char *detail)
{
	int rc = begin(l);
	if (rc)
		return rc;
	char st[16];
	rc = get_state(l, row, st, sizeof st, NULL, NULL, NULL);
	if (!rc && strcmp(st, from1) != 0 && (!from2 || strcmp(st, from2) != 0))
		rc = KIOSK_EINVAL;
	if (!rc)
		rc = run(l, "UPDATE tickets SET state=? WHERE row=?", NULL, "ti", to, row);
	if (!rc)
		rc = event(l, row, ev, detail);
	if (!rc)
		rc = commit(l);
	if (rc)
		rollback(l);
	return rc;
}

int ledger_mark_sent(ledger_t *l, int64_t row)
{
	return transition(l, row, "reserved", NULL, "sent", "sent", NULL);
}

int ledger_mark_printed(ledger_t *l, int64_t row)
{
	int rc = begin(l);
	if (rc)
		return rc;
	char st[16];
	int64_t rep = 0;
	rc = get_state(l, row, st, sizeof st, &rep, NULL, NULL);
	if (!rc && strcmp(st, "sent") != 0)
		rc = KIOSK_EINVAL;
	if (!rc)
		rc = run(l, "UPDATE tickets SET state='printed' WHERE row=?", NULL, "i", row);
	if (!rc)
		rc = event(l, row, rep ? "reprinted" : "printed", NULL);
	if (!rc)
		rc = commit(l);
	if (rc)
		rollback(l);
	return rc;
}

int ledger_fail(ledger_t *l, int64_t row, bool bytes_sent, const char *reason)
{
	int rc = begin(l);
	if (rc)
		return rc;
	char st[16], series = 0;
	int64_t rep = 0, seq = 0, cur = 0;
	rc = get_state(l, row, st, sizeof st, &rep, &seq, &series);
	if (!rc && strcmp(st, "reserved") != 0 && strcmp(st, "sent") != 0)
		rc = KIOSK_EINVAL;
	/* The caller counts the bytes the transport accepted (libusb reports
	 * "transferred" exactly, also on timeouts); after a crash, when the
	 * count is unknown, recover() voids instead. */
	if (!rc)
		rc = event(l, row, "failed", reason);
	if (!rc && rep) {
		rc = run(l, "UPDATE tickets SET state='failed' WHERE row=?", NULL, "i", row);
	} else if (!rc && bytes_sent) {
		rc = run(l, "UPDATE tickets SET state='void' WHERE row=?", NULL, "i", row);
		if (!rc)
			rc = event(l, row, "voided", reason);
	} else if (!rc) {
		rc = run(l, "UPDATE tickets SET state='released' WHERE row=?", NULL, "i", row);
		if (!rc)
			rc = series_seq(l, series, &cur);
		/* Only the latest number of its series can go back. */
		if (!rc && cur == seq) {
			char s[2] = {series, 0};
			rc = run(l, "UPDATE series SET seq=? WHERE letter=?", NULL, "it", seq - 1, s);
		}
		if (!rc)
			rc = event(l, row, "released", reason);
	}
	if (!rc)
		rc = commit(l);
	if (rc)
		rollback(l);
	return rc;
}

int ledger_reprint(ledger_t *l, const char *number, ledger_ticket_t *out)
{
	memset(out, 0, sizeof *out);
	if (!l || !number || strlen(number) != 4)
		return KIOSK_EINVAL;
	int rc = begin(l);
	if (rc)
		return rc;
	daycheck_t d;
	rc = day_check(l, &d);
	sqlite3_stmt *st = NULL;
	int64_t orig = 0;
	if (!rc && (d.reset || d.adopt))
		rc = KIOSK_ENOENT; /* a new day: yesterday's numbers are gone */
	if (!rc && sqlite3_prepare_v2(l->db, "SELECT row, series, seq, procedure, priority FROM tickets "
				      "WHERE day_key=? AND number=? AND reprint_of IS NULL AND state='printed'",
				      -1, &st, NULL) != SQLITE_OK)
		rc = KIOSK_EIO;
	if (!rc) {
		sqlite3_bind_int64(st, 1, d.business);
		sqlite3_bind_text(st, 2, number, -1, SQLITE_TRANSIENT);
		int s = sqlite3_step(st);
		if (s == SQLITE_ROW) {
			orig = sqlite3_column_int64(st, 0);
			out->series = ((const char *)sqlite3_column_text(st, 1))[0];
			out->seq = sqlite3_column_int(st, 2);
			snprintf(out->procedure, sizeof out->procedure, "%s",
				 (const char *)sqlite3_column_text(st, 3));
			out->priority = sqlite3_column_int(st, 4) != 0;
		} else {
			rc = s == SQLITE_DONE ? KIOSK_ENOENT : map_rc(s);
		}
		sqlite3_finalize(st);
	}
	int64_t now = kclock_now(l->clock), row = 0;
	char s[2] = {out->series, 0};
	if (!rc)
		rc = run(l, "INSERT INTO tickets(ticket_id,day_key,series,seq,number,procedure,priority,"
			    "dated,reprint_of,state,created_ms) VALUES(hex(randomblob(8)),?,?,?,?,?,?,?,?,"
			    "'reserved',?)", NULL, "itittiiii", (int64_t)d.business, s, (int64_t)out->seq, number,
			 out->procedure, (int64_t)out->priority, (int64_t)d.trusted_ok, orig, now);
	if (!rc) {
		row = sqlite3_last_insert_rowid(l->db);
		make_id(l, row, out->ticket_id, sizeof out->ticket_id);
		rc = run(l, "UPDATE tickets SET ticket_id=? WHERE row=?", NULL, "ti", out->ticket_id, row);
	}
	if (!rc)
		rc = event(l, row, "reserved", "reprint");
	if (!rc)
		rc = commit(l);
	if (rc) {
		rollback(l);
		memset(out, 0, sizeof *out);
		return rc;
	}
	l->warning = !d.trusted_ok;
	out->row = row;
	snprintf(out->number, sizeof out->number, "%s", number);
	out->day_key = d.business;
	out->dated = d.trusted_ok;
	out->clock_warning = !d.trusted_ok;
	out->reprint = true;
	out->time_ms = now;
	return KIOSK_OK;
}

bool ledger_clock_warning(const ledger_t *l)
{
	return l && l->warning;
}

int ledger_state(ledger_t *l, int64_t row, char *state, size_t cap)
{
	if (cap)
		state[0] = 0;
	return get_state(l, row, state, cap, NULL, NULL, NULL);
}

long ledger_event_count(ledger_t *l, const char *kind)
{
	int64_t n = 0;
	if (run(l, "SELECT count(*) FROM events WHERE kind=?", &n, "t", kind))
		return -1;
	return (long)n;
}

int ledger_business_day(ledger_t *l)
{
	int64_t v = 0;
	meta_get_int(l, "business_day", &v);
	return (int)v;
}

int ledger_last_seq(ledger_t *l, char series)
{
	int64_t v = 0;
	series_seq(l, series, &v);
	return (int)v;
}
