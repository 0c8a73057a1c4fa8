/* queue_stats.c - the queue's daily statistics for the export, per group
 * and counter (queue.h: queue_stats_daily), from the queue's event rows in
 * the ledger file, opened read-only beside the kiosk's and the hub's own
 * connections. Medians and p90 are nearest-rank values of the day's
 * measured times. No personal data exists in these rows; none is read. */
#include "domain/queue.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/kiosk.h"

typedef struct {
	int64_t *v;
	size_t n, cap;
} vals_t;

typedef struct {
	queue_stat_t s;
	vals_t wait, service;
	bool used;
} acc_t;

static bool push(vals_t *a, int64_t x)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		int64_t *p = realloc(a->v, cap * sizeof *p);
		if (!p)
			return false;
		a->v = p;
		a->cap = cap;
	}
	a->v[a->n++] = x;
	return true;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest value with at least p% of the values at or
 * below it. */
static int64_t rank(vals_t *a, int pct)
{
	if (!a->n)
		return -1;
	size_t k = (a->n * (size_t)pct + 99) / 100;
	return a->v[k ? k - 1 : 0];
}

static void finish(acc_t *a)
{
	/* qsort must not see the NULL of an empty list. */
	if (a->wait.n)
		qsort(a->wait.v, a->wait.n, sizeof(int64_t), cmp64);
	if (a->service.n)
		qsort(a->service.v, a->service.n, sizeof(int64_t), cmp64);
	a->s.waits = (long)a->wait.n;
	a->s.services = (long)a->service.n;
	a->s.wait_median_ms = rank(&a->wait, 50);
	a->s.wait_p90_ms = rank(&a->wait, 90);
	a->s.service_median_ms = rank(&a->service, 50);
	a->s.service_p90_ms = rank(&a->service, 90);
}

static void reset(acc_t *a, int day, const char *grp, int counter)
{
	vals_t w = a->wait, s = a->service;
	memset(a, 0, sizeof *a);
	w.n = s.n = 0;
	a->wait = w;
	a->service = s;
	a->s.day_key = day;
	snprintf(a->s.group, sizeof a->s.group, "%s", grp);
	a->s.counter = counter;
}

/* Emit the group's rows: the whole group, then each counter. */
static void flush(acc_t *accs, void (*fn)(void *, const queue_stat_t *), void *user)
{
	if (!accs[0].used)
		return;
	for (int c = 0; c <= QUEUE_MAX_COUNTERS; c++) {
		if (!accs[c].used)
			continue;
		finish(&accs[c]);
		fn(user, &accs[c].s);
		accs[c].used = false;
	}
}

static bool count(acc_t *a, const char *kind, bool has_val, int64_t val)
{
	a->used = true;
	queue_stat_t *s = &a->s;
	if (!strcmp(kind, "joined"))
		s->issued++;
	else if (!strcmp(kind, "called")) {
		s->called++;
		if (has_val && !push(&a->wait, val))
			return false;
	} else if (!strcmp(kind, "served")) {
		s->served++;
		if (has_val && !push(&a->service, val))
			return false;
	} else if (!strcmp(kind, "noshow"))
		s->noshow++;
	else if (!strcmp(kind, "closed"))
		s->closed++;
	else if (!strcmp(kind, "transferred"))
		s->transferred++;
	else if (!strcmp(kind, "transfer_in"))
		s->transfer_in++;
	else if (!strcmp(kind, "rated") && has_val && val >= 1 && val <= 3)
		s->ratings[val]++;
	return true;
}

/* The ledger read-only and sql prepared on it. KIOSK_OK with *st NULL when
 * the ledger has no queue tables yet (no figures); KIOSK_ENOENT: no file. */
static int open_events(const char *path, const char *sql, sqlite3 **db, sqlite3_stmt **st)
{
	*db = NULL;
	*st = NULL;
	if (access(path, F_OK) != 0)
		return KIOSK_ENOENT;
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(*db);
		*db = NULL;
		return KIOSK_EIO;
	}
	sqlite3_busy_timeout(*db, 5000);
	if (sqlite3_prepare_v2(*db, sql, -1, st, NULL) == SQLITE_OK)
		return KIOSK_OK;
	sqlite3_stmt *q = NULL;
	bool none = sqlite3_prepare_v2(*db, "SELECT 1 FROM sqlite_master WHERE name='q_events'", -1, &q, NULL) ==
			    SQLITE_OK && sqlite3_step(q) == SQLITE_DONE;
	sqlite3_finalize(q);
	sqlite3_close(*db);
	*db = NULL;
	*st = NULL;
	return none ? KIOSK_OK : KIOSK_EIO;
}

int queue_stats_daily(const char *path, void (*fn)(void *user, const queue_stat_t *s), void *user)
{
	if (!path || !fn)
		return KIOSK_EINVAL;
	sqlite3 *db;
	sqlite3_stmt *st;
	int rc = open_events(path, "SELECT day, grp, counter, kind, val FROM q_events WHERE grp<>'' "
				   "ORDER BY day, grp, counter", &db, &st);
	if (rc != KIOSK_OK || !st)
		return rc; /* no queue tables yet: no figures */
	acc_t *accs = calloc(QUEUE_MAX_COUNTERS + 1, sizeof *accs);
	if (!accs) {
		sqlite3_finalize(st);
		sqlite3_close(db);
		return KIOSK_ENOMEM;
	}
	int day = -1;
	char grp[32] = "";
	for (;;) {
		int r = sqlite3_step(st);
		if (r == SQLITE_DONE)
			break;
		if (r != SQLITE_ROW) {
			rc = KIOSK_EIO;
			break;
		}
		int d = sqlite3_column_int(st, 0);
		const char *g = (const char *)sqlite3_column_text(st, 1);
		int c = sqlite3_column_int(st, 2);
		const char *kind = (const char *)sqlite3_column_text(st, 3);
		bool has_val = sqlite3_column_type(st, 4) != SQLITE_NULL;
		int64_t val = sqlite3_column_int64(st, 4);
		if (d != day || strncmp(g, grp, sizeof grp) != 0) {
			flush(accs, fn, user);
			day = d;
			snprintf(grp, sizeof grp, "%s", g);
			for (int i = 0; i <= QUEUE_MAX_COUNTERS; i++)
				reset(&accs[i], d, grp, i);
		}
		if (c < 0 || c > QUEUE_MAX_COUNTERS)
			c = 0;
		bool ok = count(&accs[0], kind, has_val, val);
		/* A counter's row: what it did; the end of the day is nobody's. */
		if (ok && c > 0 && strcmp(kind, "closed") != 0 && strcmp(kind, "joined") != 0)
			ok = count(&accs[c], kind, has_val, val);
		if (!ok) {
			rc = KIOSK_ENOMEM;
			break;
		}
	}
	if (rc == KIOSK_OK)
		flush(accs, fn, user);
	for (int i = 0; i <= QUEUE_MAX_COUNTERS; i++) {
		free(accs[i].wait.v);
		free(accs[i].service.v);
	}
	free(accs);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

/* A group's hours that had anything, in order. */
static void emit_hours(acc_t *accs, void (*fn)(void *, const queue_stat_t *), void *user)
{
	for (int i = 0; i < 24; i++)
		if (accs[i].used) {
			finish(&accs[i]);
			fn(user, &accs[i].s);
		}
}

int queue_stats_hourly(const char *path, int day, void (*fn)(void *user, const queue_stat_t *s), void *user)
{
	if (!path || !fn)
		return KIOSK_EINVAL;
	sqlite3 *db;
	sqlite3_stmt *st;
	/* at_ms is UTC: Vietnam is UTC+7 all year. */
	int rc = open_events(path, "SELECT grp, ((at_ms / 1000 + 25200) % 86400) / 3600, kind, val FROM q_events "
				   "WHERE day=? AND grp<>'' ORDER BY grp, 2", &db, &st);
	if (rc != KIOSK_OK || !st)
		return rc;
	sqlite3_bind_int(st, 1, day);
	acc_t *accs = calloc(24, sizeof *accs);
	if (!accs) {
		sqlite3_finalize(st);
		sqlite3_close(db);
		return KIOSK_ENOMEM;
	}
	char grp[32] = "";
	bool any = false;
	for (;;) {
		int r = sqlite3_step(st);
		if (r == SQLITE_DONE)
			break;
		if (r != SQLITE_ROW) {
			rc = KIOSK_EIO;
			break;
		}
		const char *g = (const char *)sqlite3_column_text(st, 0);
		int h = sqlite3_column_int(st, 1);
		const char *kind = (const char *)sqlite3_column_text(st, 2);
		bool has_val = sqlite3_column_type(st, 3) != SQLITE_NULL;
		int64_t val = sqlite3_column_int64(st, 3);
		if (!any || strncmp(g, grp, sizeof grp) != 0) {
			if (any)
				emit_hours(accs, fn, user);
			any = true;
			snprintf(grp, sizeof grp, "%s", g);
			for (int i = 0; i < 24; i++) {
				reset(&accs[i], day, grp, 0);
				accs[i].s.hourly = true;
				accs[i].s.hour = i;
			}
		}
		if (h < 0 || h > 23 || !count(&accs[h], kind, has_val, val)) {
			rc = h < 0 || h > 23 ? KIOSK_EIO : KIOSK_ENOMEM;
			break;
		}
	}
	if (rc == KIOSK_OK && any)
		emit_hours(accs, fn, user);
	for (int i = 0; i < 24; i++) {
		free(accs[i].wait.v);
		free(accs[i].service.v);
	}
	free(accs);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}
