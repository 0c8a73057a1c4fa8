/* test_queue.c - the office queue in the ledger (domain/queue.h, rules in
 * docs/office-queue.md): tickets join when printed (not reserved, voided or
 * reprinted; today only); the call policy (priority after N regular calls,
 * 0 = priority first); call next finishing the current ticket; absent
 * parking and its window; call by number; transfer keeping the first issue
 * time; rating once within 10 minutes; help calls; ahead and estimate;
 * the view and queue_changed across two connections; the ledger still
 * opening, resetting and repairing with the queue's tables in its file;
 * storage faults changing nothing; several processes calling at once
 * (every ticket exactly once); a child killed with SIGKILL in the middle of
 * changes; and an office day of 1,500 tickets at 15 counters whose final
 * states and statistics add up. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "core/clock.h"
#include "core/kiosk.h"
#include "domain/ledger.h"
#include "domain/queue.h"
#include "tests/unit/faultvfs.h"

static const queue_group_t groups[] = {{"ho-tich", 'A'}, {"chung-thuc", 'B'}, {"dat-dai", 'C'}};
static const queue_proc_t procs[] = {
	{"khai-sinh", "ho-tich"}, {"sao-y", "chung-thuc"}, {"chuyen-nhuong", "dat-dai"}};
static const queue_counter_t counters3[] = {
	{1, {"ho-tich"}, 1}, {2, {"ho-tich", "chung-thuc"}, 2}, {3, {"chung-thuc"}, 1}, {4, {"dat-dai"}, 1}};

typedef struct {
	char dir[512], path[600];
	kclock_virtual_t vc;
	kclock_t clock;
	ledger_t *l;
	queue_t *q;
	queue_setup_t setup;
} fx_t;

#define MIN_MS (60LL * 1000)
#define DAY_MS (24LL * 3600 * 1000)

static void default_setup(queue_setup_t *s)
{
	memset(s, 0, sizeof *s);
	s->groups = groups;
	s->group_count = 3;
	s->procs = procs;
	s->proc_count = 3;
	s->counters = counters3;
	s->counter_count = 4;
	s->regular_per_priority = 2;
	s->absent_window = 5;
}

static int setup(void **state)
{
	fx_t *f = calloc(1, sizeof *f);
	const char *tmp = getenv("TESTS_TMP");
	snprintf(f->dir, sizeof f->dir, "%s/queue-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/ledger.db", f->dir);
	kclock_parse_iso("2026-01-05T08:00:00+07:00", &f->vc.now_ms);
	f->vc.trusted = true;
	kclock_virtual(&f->clock, &f->vc);
	char err[256];
	if (ledger_open(f->path, &f->clock, &f->l, err, sizeof err))
		return -1;
	default_setup(&f->setup);
	if (queue_open(f->path, &f->clock, &f->setup, &f->q, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx_t *f = *state;
	queue_close(f->q);
	ledger_close(f->l);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void reopen_queue(fx_t *f)
{
	queue_close(f->q);
	char err[256];
	assert_int_equal(queue_open(f->path, &f->clock, &f->setup, &f->q, err, sizeof err), KIOSK_OK);
}

/* Reserve and print one ticket a minute after the last. */
static void issue(fx_t *f, char series, const char *proc, bool priority, ledger_ticket_t *t)
{
	ledger_ticket_t tmp;
	if (!t)
		t = &tmp;
	kclock_virtual_advance(&f->vc, 1000);
	assert_int_equal(ledger_reserve(f->l, series, 0, proc, priority, t), KIOSK_OK);
	assert_int_equal(ledger_mark_sent(f->l, t->row), KIOSK_OK);
	assert_int_equal(ledger_mark_printed(f->l, t->row), KIOSK_OK);
}

static void call_expect(fx_t *f, int counter, const char *number)
{
	queue_ticket_t t;
	int rc = queue_call_next(f->q, counter, &t);
	if (!number) {
		assert_int_equal(rc, KIOSK_ENOENT);
		return;
	}
	assert_int_equal(rc, KIOSK_OK);
	assert_string_equal(t.number, number);
	assert_int_equal(t.state, QUEUE_CALLED);
	assert_int_equal(t.counter, counter);
}

static int64_t sql_int(fx_t *f, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void test_join_rules(void **state)
{
	fx_t *f = *state;
	ledger_ticket_t t, r;
	issue(f, 'A', "khai-sinh", false, &t);          /* A001 printed */
	ledger_ticket_t res;                           /* A002 reserved, not printed */
	assert_int_equal(ledger_reserve(f->l, 'A', 0, "khai-sinh", false, &res), KIOSK_OK);
	queue_view_t v;
	assert_int_equal(queue_view(f->q, &v), KIOSK_OK);
	assert_int_equal(v.groups[0].waiting, 1);
	assert_int_equal(ledger_mark_sent(f->l, res.row), KIOSK_OK);
	assert_int_equal(ledger_fail(f->l, res.row, true, "paper"), KIOSK_OK); /* A002 void */
	issue(f, 'A', "khai-sinh", false, NULL);       /* A003 */
	issue(f, 'Z', "no-such-procedure", false, NULL); /* no group: never joins */
	/* A reprint of A001 is not a second ticket. */
	assert_int_equal(ledger_reprint(f->l, "A001", &r), KIOSK_OK);
	assert_int_equal(ledger_mark_sent(f->l, r.row), KIOSK_OK);
	assert_int_equal(ledger_mark_printed(f->l, r.row), KIOSK_OK);
	assert_int_equal(queue_view(f->q, &v), KIOSK_OK);
	assert_int_equal(v.groups[0].waiting, 2);
	assert_int_equal(v.day_key, 20260105);
	call_expect(f, 1, "A001");
	call_expect(f, 1, "A003");
	call_expect(f, 1, NULL);
	/* Each call finished the counter's current ticket as served. */
	assert_int_equal(sql_int(f, "SELECT count(*) FROM q_tickets WHERE state='served'"), 2);
	/* Yesterday's line is closed at a new day, before the first ticket. */
	issue(f, 'A', "khai-sinh", false, NULL); /* A004 waits */
	f->vc.now_ms += DAY_MS;
	assert_int_equal(queue_view(f->q, &v), KIOSK_OK);
	assert_int_equal(v.day_key, 20260106);
	assert_int_equal(v.groups[0].waiting, 0);
	assert_int_equal(v.counters[0].current[0], 0);
	call_expect(f, 1, NULL);
	issue(f, 'A', "khai-sinh", false, &t);
	assert_string_equal(t.number, "A001");
	call_expect(f, 1, "A001");
	assert_int_equal(sql_int(f, "SELECT count(*) FROM q_tickets WHERE state='closed'"), 1); /* A004 */
	/* No personal data: the events hold numbers, groups and counters. */
	assert_int_equal(sql_int(f, "SELECT count(*) FROM q_events WHERE ticket_row NOT IN "
				   "(SELECT ticket_row FROM q_tickets) AND kind NOT LIKE 'help%'"), 0);
}

static void test_policy(void **state)
{
	fx_t *f = *state;
	/* r1 r2 r3 r4 regular, p1 p2 priority (series P, group ho-tich). */
	issue(f, 'A', "khai-sinh", false, NULL);
	issue(f, 'P', "khai-sinh", true, NULL);
	issue(f, 'A', "khai-sinh", false, NULL);
	issue(f, 'P', "khai-sinh", true, NULL);
	issue(f, 'A', "khai-sinh", false, NULL);
	issue(f, 'A', "khai-sinh", false, NULL);
	const char *order[] = {"A001", "A002", "P001", "A003", "A004", "P002"};
	for (int i = 0; i < 6; i++)
		call_expect(f, 1, order[i]);
	call_expect(f, 1, NULL);
	/* N = 0: priority first. */
	f->setup.regular_per_priority = 0;
	reopen_queue(f);
	issue(f, 'A', "khai-sinh", false, NULL);
	issue(f, 'A', "khai-sinh", false, NULL);
	issue(f, 'P', "khai-sinh", true, NULL);
	call_expect(f, 1, "P003");
	call_expect(f, 1, "A005");
	/* A counter only calls its groups. */
	issue(f, 'B', "sao-y", false, NULL);
	call_expect(f, 1, "A006");
	call_expect(f, 1, NULL);
	call_expect(f, 3, "B001");
	assert_int_equal(queue_call_next(f->q, 42, NULL), KIOSK_EPERM);
}

static void test_current_recall_done(void **state)
{
	fx_t *f = *state;
	queue_ticket_t t;
	assert_int_equal(queue_done(f->q, 1, &t), KIOSK_ENOENT);
	assert_int_equal(queue_recall(f->q, 1, &t), KIOSK_ENOENT);
	issue(f, 'A', "khai-sinh", false, NULL);
	issue(f, 'A', "khai-sinh", false, NULL);
	call_expect(f, 1, "A001");
	f->vc.now_ms += 3000;
	call_expect(f, 2, "A002");
	f->vc.now_ms += 3000;
	assert_int_equal(queue_recall(f->q, 1, &t), KIOSK_OK);
	assert_int_equal(t.recalls, 1);
	queue_view_t v;
	assert_int_equal(queue_view(f->q, &v), KIOSK_OK);
	assert_int_equal(v.call_count, 2);
	assert_string_equal(v.calls[0].number, "A001"); /* the recall moved it to the front */
	assert_int_equal(v.calls[0].recalls, 1);
	assert_int_equal(v.calls[0].counter, 1);
	assert_string_equal(v.calls[1].number, "A002");
	assert_string_equal(v.counters[0].current, "A001");
	assert_string_equal(v.counters[1].current, "A002");
	assert_int_equal(queue_current(f->q, 2, &t), KIOSK_OK);
	assert_string_equal(t.number, "A002");
	f->vc.now_ms += 4 * MIN_MS;
	assert_int_equal(queue_done(f->q, 1, &t), KIOSK_OK);
	assert_int_equal(t.state, QUEUE_SERVED);
	assert_true(t.served_ms - t.called_ms >= 4 * MIN_MS);
	assert_int_equal(queue_current(f->q, 1, &t), KIOSK_ENOENT);
	assert_int_equal(queue_done(f->q, 1, &t), KIOSK_ENOENT);
	/* The board still shows the served call among the last ones. */
	assert_int_equal(queue_view(f->q, &v), KIOSK_OK);
	assert_int_equal(v.call_count, 2);
	assert_int_equal(v.counters[0].current[0], 0);
}

static void test_absent_window(void **state)
{
	fx_t *f = *state;
	f->setup.absent_window = 2;
	reopen_queue(f);
	for (int i = 0; i < 6; i++)
		issue(f, 'A', "khai-sinh", false, NULL);
	queue_ticket_t t;
	call_expect(f, 1, "A001");
	assert_int_equal(queue_absent(f->q, 1, &t), KIOSK_OK);
	assert_int_equal(t.state, QUEUE_ABSENT);
	queue_view_t v;
	assert_int_equal(queue_view(f->q, &v), KIOSK_OK);
	assert_int_equal(v.groups[0].absent_count, 1);
	assert_string_equal(v.groups[0].absent[0], "A001");
	assert_int_equal(v.groups[0].waiting, 5);
	call_expect(f, 1, "A002"); /* never the parked one by itself */
	/* Called back by number, at another counter of its group. */
	assert_int_equal(queue_call_number(f->q, 2, "A001", &t), KIOSK_OK);
	assert_int_equal(t.counter, 2);
	assert_int_equal(queue_absent(f->q, 2, &t), KIOSK_OK); /* parked again */
	call_expect(f, 1, "A003");                             /* 1 later call: still callable */
	assert_int_equal(queue_view(f->q, &v), KIOSK_OK);
	assert_int_equal(v.groups[0].absent_count, 1);
	call_expect(f, 1, "A004");                             /* 2: closed as no-show */
	assert_int_equal(queue_view(f->q, &v), KIOSK_OK);
	assert_int_equal(v.groups[0].absent_count, 0);
	assert_int_equal(queue_call_number(f->q, 2, "A001", &t), KIOSK_EBUSY);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM q_tickets WHERE state='noshow'"), 1);
	/* Window 0: absent closes at once. */
	f->setup.absent_window = 0;
	reopen_queue(f);
	call_expect(f, 1, "A005");
	assert_int_equal(queue_absent(f->q, 1, &t), KIOSK_OK);
	assert_int_equal(t.state, QUEUE_NOSHOW);
}

static void test_call_number(void **state)
{
	fx_t *f = *state;
	issue(f, 'A', "khai-sinh", false, NULL);
	issue(f, 'A', "khai-sinh", false, NULL);
	issue(f, 'B', "sao-y", false, NULL);
	queue_ticket_t t;
	assert_int_equal(queue_call_number(f->q, 1, "A002", &t), KIOSK_OK);
	assert_string_equal(t.number, "A002");
	assert_int_equal(queue_call_number(f->q, 2, "A002", &t), KIOSK_EBUSY); /* called at 1 */
	assert_int_equal(queue_call_number(f->q, 1, "B001", &t), KIOSK_EPERM); /* not its group */
	assert_int_equal(queue_call_number(f->q, 1, "A009", &t), KIOSK_ENOENT);
	assert_int_equal(queue_call_number(f->q, 1, "", &t), KIOSK_EINVAL);
	/* A number called over a current one finishes that one. */
	assert_int_equal(queue_call_number(f->q, 1, "A001", &t), KIOSK_OK);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM q_tickets WHERE state='served' AND number='A002'"), 1);
	assert_int_equal(queue_call_number(f->q, 2, "B001", &t), KIOSK_OK);
}

static void test_transfer(void **state)
{
	fx_t *f = *state;
	issue(f, 'A', "khai-sinh", false, NULL); /* A001 first */
	issue(f, 'B', "sao-y", false, NULL);     /* B001 later */
	issue(f, 'B', "sao-y", false, NULL);
	queue_ticket_t t;
	call_expect(f, 1, "A001");
	assert_int_equal(queue_transfer(f->q, 1, "no-such-group", &t), KIOSK_EINVAL);
	assert_int_equal(queue_transfer(f->q, 1, "ho-tich", &t), KIOSK_EINVAL); /* its own */
	assert_int_equal(queue_transfer(f->q, 3, "ho-tich", &t), KIOSK_ENOENT); /* nothing current */
	assert_int_equal(queue_transfer(f->q, 1, "chung-thuc", &t), KIOSK_OK);
	assert_int_equal(t.state, QUEUE_WAITING);
	assert_string_equal(t.group, "chung-thuc");
	assert_int_equal(queue_current(f->q, 1, &t), KIOSK_ENOENT);
	/* It keeps its first issue time: ahead of the later B tickets. */
	call_expect(f, 3, "A001");
	call_expect(f, 3, "B001");
	int64_t ev = sql_int(f, "SELECT count(*) FROM q_events WHERE kind='transferred' AND grp='ho-tich' AND counter=1");
	assert_int_equal(ev, 1);
}

static void test_rating(void **state)
{
	fx_t *f = *state;
	issue(f, 'A', "khai-sinh", false, NULL);
	issue(f, 'A', "khai-sinh", false, NULL);
	assert_int_equal(queue_rate(f->q, "A001", 3, 0), KIOSK_EBUSY); /* not served */
	assert_int_equal(queue_rate_open(f->q, "A001"), KIOSK_EBUSY);
	call_expect(f, 1, "A001");
	assert_int_equal(queue_rate(f->q, "A001", 3, 0), KIOSK_EBUSY); /* still called */
	assert_int_equal(queue_rate_open(f->q, "A001"), KIOSK_EBUSY);
	assert_int_equal(queue_done(f->q, 1, NULL), KIOSK_OK);
	assert_int_equal(queue_rate_open(f->q, "A001"), KIOSK_OK);
	assert_int_equal(queue_rate_open(f->q, ""), KIOSK_EINVAL);
	assert_int_equal(queue_rate(f->q, "A001", 4, 0), KIOSK_EINVAL);
	assert_int_equal(queue_rate(f->q, "A001", 0, 0), KIOSK_EINVAL);
	assert_int_equal(queue_rate(f->q, "A001", 1, 5), KIOSK_OK);
	assert_int_equal(queue_rate(f->q, "A001", 3, 0), KIOSK_EBUSY); /* once */
	assert_int_equal(queue_rate_open(f->q, "A001"), KIOSK_EPERM);
	call_expect(f, 1, "A002");
	assert_int_equal(queue_done(f->q, 1, NULL), KIOSK_OK);
	f->vc.now_ms += 10 * MIN_MS + 1000;
	assert_int_equal(queue_rate(f->q, "A002", 2, 0), KIOSK_ETIMEOUT);
	assert_int_equal(queue_rate_open(f->q, "A002"), KIOSK_ETIMEOUT);
	assert_int_equal(queue_rate(f->q, "A777", 2, 0), KIOSK_ENOENT);
	assert_int_equal(queue_rate_open(f->q, "A777"), KIOSK_ENOENT);
	assert_int_equal(sql_int(f, "SELECT val2 FROM q_events WHERE kind='rated'"), 5);
}

static void test_help(void **state)
{
	fx_t *f = *state;
	int64_t id = 0, id2 = 0;
	assert_int_equal(queue_help_request(f->q, "Ki-ốt 1", &id), KIOSK_OK);
	assert_true(id > 0);
	assert_int_equal(queue_help_request(f->q, "Ki-ốt 2", &id2), KIOSK_OK);
	queue_help_t h;
	assert_int_equal(queue_help_get(f->q, id, &h), KIOSK_OK);
	assert_string_equal(h.kiosk, "Ki-ốt 1");
	assert_int_equal(h.taken_by, 0);
	queue_view_t v;
	assert_int_equal(queue_view(f->q, &v), KIOSK_OK);
	assert_int_equal(v.help_count, 2);
	assert_int_equal(queue_help_take(f->q, id, 3), KIOSK_OK);
	assert_int_equal(queue_help_take(f->q, id, 2), KIOSK_EBUSY);
	assert_int_equal(queue_help_take(f->q, 999, 2), KIOSK_ENOENT);
	assert_int_equal(queue_help_get(f->q, id, &h), KIOSK_OK);
	assert_int_equal(h.taken_by, 3);
	assert_int_equal(queue_view(f->q, &v), KIOSK_OK);
	assert_int_equal(v.help_count, 2);
	assert_int_equal(v.help[0].taken_by, 0); /* open ones first */
	f->vc.now_ms += 11 * MIN_MS;
	assert_int_equal(queue_view(f->q, &v), KIOSK_OK);
	assert_int_equal(v.help_count, 1);
	assert_int_equal(v.help[0].id, id2);
}

static void test_ahead_estimate(void **state)
{
	fx_t *f = *state;
	for (int i = 0; i < 10; i++)
		issue(f, 'A', "khai-sinh", false, NULL);
	issue(f, 'P', "khai-sinh", true, NULL);
	int ahead, est;
	assert_int_equal(queue_ahead(f->q, "A004", &ahead, &est), KIOSK_OK);
	assert_int_equal(ahead, 3 + 1); /* A001-A003 and the priority ticket (after 2 regular calls) */
	assert_int_equal(est, -1);      /* no services yet */
	assert_int_equal(queue_ahead(f->q, "A001", &ahead, &est), KIOSK_OK);
	assert_int_equal(ahead, 0);
	assert_int_equal(queue_ahead(f->q, "P001", &ahead, &est), KIOSK_OK);
	assert_int_equal(ahead, 2);
	/* Three services of 4 minutes at counter 1 (the only active one). */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(queue_call_next(f->q, 1, NULL), KIOSK_OK);
		f->vc.now_ms += 4 * MIN_MS;
		assert_int_equal(queue_done(f->q, 1, NULL), KIOSK_OK);
	}
	/* Called so far: A001 A002 P001; waiting A003..A010. */
	assert_int_equal(queue_ahead(f->q, "A008", &ahead, &est), KIOSK_OK);
	assert_int_equal(ahead, 5);
	assert_int_equal(est, 20);
	assert_int_equal(queue_ahead(f->q, "A003", &ahead, &est), KIOSK_OK);
	assert_int_equal(ahead, 0);
	assert_int_equal(est, 0);
	assert_int_equal(queue_ahead(f->q, "A001", &ahead, &est), KIOSK_EBUSY); /* served */
	queue_view_t v;
	assert_int_equal(queue_view(f->q, &v), KIOSK_OK);
	assert_int_equal(v.groups[0].waiting, 8);
	assert_int_equal(v.groups[0].estimate_min, 30); /* 8 x 4 min, rounded to 5 */
	assert_int_equal(v.groups[1].estimate_min, -1);
	/* Two counters active: half the wait. */
	assert_int_equal(queue_call_next(f->q, 2, NULL), KIOSK_OK); /* A003 */
	assert_int_equal(queue_ahead(f->q, "A009", &ahead, &est), KIOSK_OK);
	assert_int_equal(ahead, 5);
	assert_int_equal(est, 10);
}

/* The kiosk's view (a queue opened without counters): a ticket joining now
 * has every waiting one ahead; the estimate counts the counters that
 * called in the group in the last hour; the called tickets are listed by
 * counter. */
static void test_kiosk_join(void **state)
{
	fx_t *f = *state;
	queue_setup_t ks = f->setup;
	ks.counters = NULL;
	ks.counter_count = 0;
	queue_t *k = NULL;
	char err[256];
	assert_int_equal(queue_open(f->path, &f->clock, &ks, &k, err, sizeof err), KIOSK_OK);
	int ahead = -1, est = 0;
	assert_int_equal(queue_ahead_join(k, groups[0].id, false, &ahead, &est), KIOSK_OK);
	assert_int_equal(ahead, 0);
	assert_int_equal(est, -1);
	assert_int_equal(queue_ahead_join(k, "no-such-group", false, &ahead, &est), KIOSK_EINVAL);
	for (int i = 0; i < 8; i++)
		issue(f, 'A', "khai-sinh", false, NULL);
	assert_int_equal(queue_ahead_join(k, groups[0].id, false, &ahead, &est), KIOSK_OK);
	assert_int_equal(ahead, 8);
	assert_int_equal(est, -1); /* no services yet */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(queue_call_next(f->q, 1 + i % 2, NULL), KIOSK_OK);
		f->vc.now_ms += 6 * MIN_MS;
		assert_int_equal(queue_done(f->q, 1 + i % 2, NULL), KIOSK_OK);
	}
	assert_int_equal(queue_call_next(f->q, 2, NULL), KIOSK_OK); /* A004 at counter 2 */
	/* A005..A008 ahead, median 6 min, 2 counters called: 12 -> 10. */
	assert_int_equal(queue_ahead_join(k, groups[0].id, false, &ahead, &est), KIOSK_OK);
	assert_int_equal(ahead, 4);
	assert_int_equal(est, 10);
	assert_int_equal(queue_ahead(k, "A008", &ahead, &est), KIOSK_OK);
	assert_int_equal(ahead, 3);
	assert_int_equal(est, 10);
	assert_true(queue_changed(k));
	static queue_view_t v;
	assert_int_equal(queue_view(k, &v), KIOSK_OK);
	assert_int_equal(v.counter_count, 1);
	assert_int_equal(v.counters[0].id, 2);
	assert_string_equal(v.counters[0].current, "A004");
	assert_false(queue_changed(k));
	assert_int_equal(queue_done(f->q, 2, NULL), KIOSK_OK);
	assert_true(queue_changed(k));
	assert_int_equal(queue_view(k, &v), KIOSK_OK);
	assert_int_equal(v.counter_count, 0);
	/* Over an hour later nobody called: no estimate. */
	f->vc.now_ms += 61 * MIN_MS;
	assert_int_equal(queue_ahead_join(k, groups[0].id, false, &ahead, &est), KIOSK_OK);
	assert_int_equal(est, -1);
	queue_close(k);
}

static void test_changed_two_connections(void **state)
{
	fx_t *f = *state;
	queue_t *other;
	char err[256];
	assert_int_equal(queue_open(f->path, &f->clock, &f->setup, &other, err, sizeof err), KIOSK_OK);
	queue_view_t v, w;
	assert_int_equal(queue_view(f->q, &v), KIOSK_OK);
	assert_false(queue_changed(f->q));
	issue(f, 'A', "khai-sinh", false, NULL); /* the kiosk prints */
	assert_true(queue_changed(f->q));
	assert_int_equal(queue_view(f->q, &v), KIOSK_OK);
	assert_false(queue_changed(f->q));
	assert_int_equal(v.groups[0].waiting, 1);
	/* The other process calls it: seen here, and never called twice. */
	queue_ticket_t t;
	assert_int_equal(queue_call_next(other, 1, &t), KIOSK_OK);
	assert_true(queue_changed(f->q));
	assert_int_equal(queue_view(f->q, &w), KIOSK_OK);
	assert_true(w.seq > v.seq);
	assert_string_equal(w.counters[0].current, "A001");
	assert_int_equal(queue_call_next(f->q, 2, &t), KIOSK_ENOENT);
	/* Own changes count too. */
	assert_int_equal(queue_view(f->q, &v), KIOSK_OK);
	assert_int_equal(queue_recall(f->q, 1, NULL), KIOSK_OK);
	assert_true(queue_changed(f->q));
	queue_close(other);
}

static void test_ledger_keeps_working(void **state)
{
	fx_t *f = *state;
	issue(f, 'A', "khai-sinh", false, NULL);
	call_expect(f, 1, "A001");
	ledger_ticket_t t;
	/* A reservation in flight at a "crash": the ledger voids it at open. */
	assert_int_equal(ledger_reserve(f->l, 'A', 0, "khai-sinh", false, &t), KIOSK_OK);
	assert_int_equal(ledger_mark_sent(f->l, t.row), KIOSK_OK);
	ledger_close(f->l);
	char err[256];
	assert_int_equal(ledger_open(f->path, &f->clock, &f->l, err, sizeof err), KIOSK_OK);
	char st[16];
	assert_int_equal(ledger_state(f->l, t.row, st, sizeof st), KIOSK_OK);
	assert_string_equal(st, "void");
	/* The daily reset still works with the queue's tables in the file. */
	f->vc.now_ms += DAY_MS;
	issue(f, 'A', "khai-sinh", false, &t);
	assert_string_equal(t.number, "A001");
	assert_int_equal(ledger_event_count(f->l, "reset"), 2);
	call_expect(f, 1, "A001");
	/* And the queue refuses a file that is not a ledger. */
	char other[700];
	snprintf(other, sizeof other, "%s/other.db", f->dir);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE x(a)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	queue_t *q2;
	assert_int_equal(queue_open(other, &f->clock, &f->setup, &q2, err, sizeof err), KIOSK_ECORRUPT);
	assert_null(q2);
	snprintf(other, sizeof other, "%s/missing.db", f->dir);
	assert_int_equal(queue_open(other, &f->clock, &f->setup, &q2, err, sizeof err), KIOSK_ENOENT);
}

static void test_untrusted_adopted(void **state)
{
	fx_t *f = *state;
	/* Tickets of an untrusted clock stay in line when the clock becomes
	 * trusted on a later date (the ledger adopts them). */
	f->vc.trusted = false;
	f->vc.now_ms += DAY_MS;
	issue(f, 'A', "khai-sinh", false, NULL);
	issue(f, 'A', "khai-sinh", false, NULL);
	queue_view_t v;
	assert_int_equal(queue_view(f->q, &v), KIOSK_OK);
	assert_int_equal(v.groups[0].waiting, 2);
	f->vc.trusted = true;
	assert_int_equal(queue_view(f->q, &v), KIOSK_OK);
	assert_int_equal(v.day_key, 20260106);
	assert_int_equal(v.groups[0].waiting, 2);
	issue(f, 'A', "khai-sinh", false, NULL);
	call_expect(f, 1, "A001");
	call_expect(f, 1, "A002");
	call_expect(f, 1, "A003");
}

static void test_storage_faults(void **state)
{
	fx_t *f = *state;
	faultvfs_install();
	reopen_queue(f); /* on the fault VFS now */
	issue(f, 'A', "khai-sinh", false, NULL);
	issue(f, 'A', "khai-sinh", false, NULL);
	call_expect(f, 1, "A001");
	queue_view_t before, after;
	assert_int_equal(queue_view(f->q, &before), KIOSK_OK);
	static const struct { int sql, kiosk; } codes[] = {
		{SQLITE_FULL, KIOSK_ENOSPC}, {SQLITE_IOERR_WRITE, KIOSK_EIO}, {SQLITE_READONLY, KIOSK_EROFS}};
	for (size_t c = 0; c < KIOSK_ARRAY_LEN(codes); c++) {
		queue_ticket_t t;
		faultvfs_fail_after(0, codes[c].sql);
		assert_int_equal(queue_call_next(f->q, 1, &t), codes[c].kiosk);
		assert_int_equal(t.row, 0);
		assert_int_equal(queue_done(f->q, 1, &t), codes[c].kiosk);
		assert_int_equal(queue_absent(f->q, 1, &t), codes[c].kiosk);
		assert_int_equal(queue_transfer(f->q, 1, "chung-thuc", &t), codes[c].kiosk);
		int64_t id;
		assert_int_equal(queue_help_request(f->q, "Ki-ốt 1", &id), codes[c].kiosk);
		assert_true(faultvfs_failed() > 0);
		faultvfs_clear();
		assert_int_equal(queue_view(f->q, &after), KIOSK_OK);
		assert_int_equal(after.seq, before.seq); /* nothing changed */
		assert_string_equal(after.counters[0].current, "A001");
		assert_int_equal(after.groups[0].waiting, 1);
		assert_int_equal(after.help_count, 0);
	}
	call_expect(f, 1, "A002"); /* works again */
	assert_int_equal(sql_int(f, "SELECT count(*) FROM q_events WHERE kind='called'"), 2);
}

/* ---- processes ---- */

static void make_tickets(fx_t *f, int n)
{
	for (int i = 0; i < n; i++)
		issue(f, i % 3 == 2 ? 'B' : 'A', i % 3 == 2 ? "sao-y" : "khai-sinh", i % 7 == 0, NULL);
}

/* A child: open its own queue and call at counter until nothing waits. */
static void caller_child(fx_t *f, int counter, int out_fd)
{
	queue_t *q;
	char err[256];
	kclock_t clk;
	kclock_real(&clk, NULL);
	if (queue_open(f->path, &clk, &f->setup, &q, err, sizeof err))
		_exit(2);
	for (;;) {
		queue_ticket_t t;
		int rc = queue_call_next(q, counter, &t);
		if (rc == KIOSK_ENOENT)
			break;
		if (rc == KIOSK_EBUSY)
			continue;
		if (rc)
			_exit(3);
		char line[32];
		int n = snprintf(line, sizeof line, "%lld\n", (long long)t.row);
		if (write(out_fd, line, (size_t)n) != n)
			_exit(4);
	}
	queue_close(q);
	_exit(0);
}

static void test_concurrent_calls(void **state)
{
	fx_t *f = *state;
	enum { N = 120, KIDS = 4 };
	make_tickets(f, N);
	queue_close(f->q);
	f->q = NULL;
	char out[700];
	snprintf(out, sizeof out, "%s/called.txt", f->dir);
	FILE *fp = fopen(out, "w");
	assert_non_null(fp);
	int fd = fileno(fp);
	pid_t kids[KIDS];
	static const int ctr[KIDS] = {1, 2, 3, 2}; /* counter 2 twice: two tabs */
	for (int k = 0; k < KIDS; k++) {
		fflush(NULL);
		kids[k] = fork();
		assert_true(kids[k] >= 0);
		if (kids[k] == 0)
			caller_child(f, ctr[k], fd);
	}
	for (int k = 0; k < KIDS; k++) {
		int st;
		assert_int_equal(waitpid(kids[k], &st, 0), kids[k]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	fclose(fp);
	fp = fopen(out, "r");
	static int seen[2000];
	memset(seen, 0, sizeof seen);
	long long row;
	int total = 0;
	while (fscanf(fp, "%lld", &row) == 1) {
		assert_true(row > 0 && row < 2000);
		seen[row]++;
		total++;
	}
	fclose(fp);
	assert_int_equal(total, N);
	for (int i = 0; i < 2000; i++)
		assert_true(seen[i] <= 1);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM q_events WHERE kind='called'"), N);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM q_tickets WHERE state='waiting'"), 0);
	reopen_queue(f);
}

/* Invariants after any crash: each ticket of the ledger that was printed
 * joined once; each was called at most once (this loop never parks);
 * a called ticket has one counter; no counter holds two. */
static void check_consistent(fx_t *f, int n)
{
	assert_int_equal(sql_int(f, "SELECT count(*) FROM q_tickets"), n);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM q_events WHERE kind='joined'"), n);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM (SELECT ticket_row FROM q_events WHERE kind='called' "
				   "GROUP BY ticket_row HAVING count(*)>1)"), 0);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM q_tickets WHERE called_ms>0"),
			 sql_int(f, "SELECT count(*) FROM q_events WHERE kind='called'"));
	assert_int_equal(sql_int(f, "SELECT count(*) FROM q_tickets WHERE state='served'"),
			 sql_int(f, "SELECT count(*) FROM q_events WHERE kind='served'"));
	assert_int_equal(sql_int(f, "SELECT count(*) FROM (SELECT counter FROM q_tickets WHERE state='called' "
				   "GROUP BY counter HAVING count(*)>1)"), 0);
	assert_int_equal(sql_int(f, "SELECT (SELECT quick_check FROM pragma_quick_check)='ok'"), 1);
}

static void test_crash(void **state)
{
	fx_t *f = *state;
	enum { N = 60 };
	make_tickets(f, N);
	assert_int_equal(queue_sync(f->q), KIOSK_OK);
	queue_close(f->q);
	f->q = NULL;
	srand(14);
	for (int round = 0; round < 8; round++) {
		fflush(NULL);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			queue_t *q;
			char err[256];
			kclock_t clk;
			kclock_real(&clk, NULL);
			if (queue_open(f->path, &clk, &f->setup, &q, err, sizeof err))
				_exit(2);
			for (unsigned i = 0;; i++) {
				int c = 1 + (int)(i % 3);
				queue_call_next(q, c, NULL);
				queue_recall(q, c, NULL);
				if (i % 4 == 0)
					queue_done(q, c, NULL);
			}
		}
		struct timespec ts = {0, (5 + rand() % 40) * 1000000L};
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		int st;
		waitpid(pid, &st, 0);
		check_consistent(f, N);
	}
	reopen_queue(f);
	/* Whatever was left is still callable, each once. */
	while (queue_call_next(f->q, 2, NULL) == KIOSK_OK)
		;
	assert_int_equal(queue_call_next(f->q, 1, NULL), KIOSK_ENOENT);
	check_consistent(f, N);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM q_tickets WHERE state='waiting'"), 0);
}

/* ---- an office day ---- */

typedef struct {
	long issued, called, served, noshow, closed, transferred, transfer_in, ratings;
	long rows;
	bool bad;
	int last_hour;            /* hourly rows: the hour before, -1 at a new group */
	char group[32];
} sum_t;

/* Hourly rows: the day's counts spread over the hours, hours in order. */
static void on_hour(void *user, const queue_stat_t *s)
{
	sum_t *m = user;
	if (!s->hourly || s->hour < 0 || s->hour > 23 || s->counter != 0)
		m->bad = true;
	if (strcmp(s->group, m->group) != 0) {
		snprintf(m->group, sizeof m->group, "%s", s->group);
		m->last_hour = -1;
	}
	if (s->hour <= m->last_hour)
		m->bad = true;
	m->last_hour = s->hour;
	m->rows++;
	m->issued += s->issued;
	m->called += s->called;
	m->served += s->served;
	m->noshow += s->noshow;
	m->closed += s->closed;
	m->ratings += s->ratings[1] + s->ratings[2] + s->ratings[3];
}

static void on_stat(void *user, const queue_stat_t *s)
{
	sum_t *m = user;
	if (s->counter != 0)
		return;
	m->rows++;
	m->issued += s->issued;
	m->called += s->called;
	m->served += s->served;
	m->noshow += s->noshow;
	m->closed += s->closed;
	m->transferred += s->transferred;
	m->transfer_in += s->transfer_in;
	m->ratings += s->ratings[1] + s->ratings[2] + s->ratings[3];
	/* Per group: what came in went out (or is closed at the day's end). */
	if (s->issued + s->transfer_in != s->served + s->noshow + s->closed + s->transferred)
		m->bad = true;
	if (s->served && (s->service_median_ms < 0 || s->service_p90_ms < s->service_median_ms))
		m->bad = true;
	if (s->waits && (s->wait_median_ms < 0 || s->wait_p90_ms < s->wait_median_ms))
		m->bad = true;
}

static void test_office_day(void **state)
{
	fx_t *f = *state;
	static queue_counter_t cs[15];
	for (int i = 0; i < 15; i++) {
		cs[i].id = i + 1;
		cs[i].group_count = 0;
		snprintf(cs[i].groups[cs[i].group_count++], 32, "%s", groups[i % 3].id);
		if (i % 4 == 0)
			snprintf(cs[i].groups[cs[i].group_count++], 32, "%s", groups[(i + 1) % 3].id);
	}
	f->setup.counters = cs;
	f->setup.counter_count = 15;
	reopen_queue(f);
	srand(1500);
	int issued = 0, rated_ok = 0;
	static const char *pr[] = {"khai-sinh", "sao-y", "chuyen-nhuong"};
	static const char letters[] = {'A', 'B', 'C'};
	for (;;) {
		if (issued < 1500) {
			int g = rand() % 3;
			bool prio = rand() % 10 == 0;
			issue(f, prio ? 'P' : letters[g], pr[g], prio, NULL);
			issued++;
		}
		for (int k = 0; k < 2; k++) {
			int c = 1 + rand() % 15;
			queue_ticket_t t;
			int a = rand() % 20;
			f->vc.now_ms += rand() % 20000;
			if (a < 10) {
				int rc = queue_call_next(f->q, c, &t);
				assert_true(rc == KIOSK_OK || rc == KIOSK_ENOENT);
			} else if (a < 13) {
				queue_ticket_t d;
				if (queue_done(f->q, c, &d) == KIOSK_OK && rand() % 2 &&
				    queue_rate(f->q, d.number, 1 + rand() % 3, 0) == KIOSK_OK)
					rated_ok++;
			} else if (a < 14) {
				queue_absent(f->q, c, &t);
			} else if (a < 15) {
				queue_transfer(f->q, c, groups[rand() % 3].id, &t);
			} else if (a < 16) {
				queue_view_t v;
				assert_int_equal(queue_view(f->q, &v), KIOSK_OK);
				for (int g = 0; g < v.group_count; g++)
					if (v.groups[g].absent_count) {
						int rc = queue_call_number(f->q, c, v.groups[g].absent[0], &t);
						assert_true(rc == KIOSK_OK || rc == KIOSK_EPERM);
						break;
					}
			} else {
				queue_recall(f->q, c, &t);
			}
		}
		if (issued >= 1500) {
			int64_t open = sql_int(f, "SELECT count(*) FROM q_tickets WHERE state IN ('waiting','called')");
			if (open < 30)
				break;
		}
	}
	/* The day ends: everything left is closed. */
	f->vc.now_ms += DAY_MS;
	assert_int_equal(queue_sync(f->q), KIOSK_OK);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM q_tickets"), 1500);
	assert_int_equal(sql_int(f, "SELECT count(*) FROM q_tickets WHERE state NOT IN ('served','noshow','closed')"), 0);
	sum_t m = {0};
	assert_int_equal(queue_stats_daily(f->path, on_stat, &m), KIOSK_OK);
	assert_false(m.bad);
	assert_int_equal(m.rows, 3);
	assert_int_equal(m.issued, 1500);
	assert_int_equal(m.served + m.noshow + m.closed, 1500);
	assert_int_equal(m.transferred, m.transfer_in);
	assert_int_equal(m.served, sql_int(f, "SELECT count(*) FROM q_tickets WHERE state='served'"));
	assert_int_equal(m.noshow, sql_int(f, "SELECT count(*) FROM q_tickets WHERE state='noshow'"));
	assert_int_equal(m.ratings, rated_ok);
	assert_true(m.served > 500);
	assert_true(m.transferred > 0 && m.noshow > 0 && rated_ok > 0);
	/* The same day by the hour adds up to the day. */
	sum_t h = {.last_hour = -1};
	int day = (int)sql_int(f, "SELECT min(day) FROM q_events");
	assert_int_equal(queue_stats_hourly(f->path, day, on_hour, &h), KIOSK_OK);
	assert_false(h.bad);
	assert_true(h.rows > 3);
	assert_int_equal(h.issued, m.issued);
	assert_int_equal(h.called, m.called);
	assert_int_equal(h.served, m.served);
	assert_int_equal(h.noshow, m.noshow);
	assert_int_equal(h.closed, m.closed);
	assert_int_equal(h.ratings, m.ratings);
	sum_t none = {.last_hour = -1};
	assert_int_equal(queue_stats_hourly(f->path, day + 1, on_hour, &none), KIOSK_OK);
	assert_int_equal(none.rows, 0);
	print_message("office day: %ld served, %ld no-show, %ld closed, %ld transfers, %d ratings\n", m.served,
		      m.noshow, m.closed, m.transferred, rated_ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_join_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_current_recall_done, setup, teardown),
		cmocka_unit_test_setup_teardown(test_absent_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_call_number, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transfer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rating, setup, teardown),
		cmocka_unit_test_setup_teardown(test_help, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ahead_estimate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kiosk_join, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_two_connections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ledger_keeps_working, setup, teardown),
		cmocka_unit_test_setup_teardown(test_untrusted_adopted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_calls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_office_day, setup, teardown),
		cmocka_unit_test_setup_teardown(test_storage_faults, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
