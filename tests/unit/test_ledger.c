/* test_ledger.c - ledger rules: daily reset on a trusted clock only, once a
 * day; untrusted and backwards clocks keep counting undated with a warning;
 * the untrusted-then-trusted day adopts instead of resetting; cap and the
 * 999 limit; release vs void; crash recovery; reprint; corrupt files;
 * restart continuity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "clock.h"
#include "kiosk.h"
#include "ledger.h"

typedef struct {
	char dir[512], path[600];
	kclock_virtual_t vc;
	kclock_t clock;
	ledger_t *l;
} fx_t;

static int setup(void **state)
{
	fx_t *f = calloc(1, sizeof *f);
	const char *tmp = getenv("TESTS_TMP");
	snprintf(f->dir, sizeof f->dir, "%s/ledger-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/ledger.db", f->dir);
	kclock_parse_iso("2026-01-05T08:00:00+07:00", &f->vc.now_ms);
	f->vc.trusted = true;
	kclock_virtual(&f->clock, &f->vc);
	char err[256];
	if (ledger_open(f->path, &f->clock, &f->l, err, sizeof err))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx_t *f = *state;
	ledger_close(f->l);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Reserve and print one ticket; returns its number in num. */
static void issue(fx_t *f, char series, int cap, ledger_ticket_t *t)
{
	assert_int_equal(ledger_reserve(f->l, series, cap, "khai-sinh", false, t), KIOSK_OK);
	assert_int_equal(ledger_mark_sent(f->l, t->row), KIOSK_OK);
	assert_int_equal(ledger_mark_printed(f->l, t->row), KIOSK_OK);
}

static void reopen(fx_t *f)
{
	ledger_close(f->l);
	char err[256];
	assert_int_equal(ledger_open(f->path, &f->clock, &f->l, err, sizeof err), KIOSK_OK);
}

#define DAY (24LL * 3600 * 1000)

static void test_daily_reset(void **state)
{
	fx_t *f = *state;
	ledger_ticket_t t;
	issue(f, 'A', 0, &t);
	assert_string_equal(t.number, "A001");
	assert_true(t.dated);
	assert_int_equal(t.day_key, 20260105);
	issue(f, 'A', 0, &t);
	issue(f, 'B', 0, &t);
	assert_string_equal(t.number, "B001");
	/* Ticket ids are unique and separate from numbers. */
	ledger_ticket_t u;
	issue(f, 'A', 0, &u);
	assert_string_equal(u.number, "A003");
	assert_string_not_equal(u.ticket_id, t.ticket_id);
	/* 23:59 same day, then 00:00 next day (Vietnam time). */
	kclock_parse_iso("2026-01-05T23:59:00+07:00", &f->vc.now_ms);
	issue(f, 'A', 0, &t);
	assert_string_equal(t.number, "A004");
	kclock_parse_iso("2026-01-06T00:00:30+07:00", &f->vc.now_ms);
	issue(f, 'A', 0, &t);
	assert_string_equal(t.number, "A001");
	assert_int_equal(t.day_key, 20260106);
	assert_int_equal(ledger_event_count(f->l, "reset"), 2);
	/* Never a second reset that day, also after a restart. */
	reopen(f);
	kclock_parse_iso("2026-01-06T15:00:00+07:00", &f->vc.now_ms);
	issue(f, 'A', 0, &t);
	assert_string_equal(t.number, "A002");
	issue(f, 'B', 0, &t);
	assert_string_equal(t.number, "B001");
	assert_int_equal(ledger_event_count(f->l, "reset"), 2);
	assert_int_equal(ledger_business_day(f->l), 20260106);
}

static void test_untrusted_and_backwards(void **state)
{
	fx_t *f = *state;
	ledger_ticket_t t;
	issue(f, 'A', 0, &t);
	issue(f, 'A', 0, &t);
	/* Next morning, clock untrusted: keep counting, no date, warning. */
	f->vc.now_ms += DAY;
	f->vc.trusted = false;
	issue(f, 'A', 0, &t);
	assert_string_equal(t.number, "A003");
	assert_false(t.dated);
	assert_true(t.clock_warning);
	assert_true(ledger_clock_warning(f->l));
	/* The clock becomes trusted the same day: A001 may be in the queue
	 * already under another number? No: A003 is; a reset now could give
	 * a second A001..A003 today. The day is adopted instead. */
	f->vc.trusted = true;
	issue(f, 'A', 0, &t);
	assert_string_equal(t.number, "A004");
	assert_true(t.dated);
	assert_false(ledger_clock_warning(f->l));
	assert_int_equal(ledger_business_day(f->l), 20260106);
	assert_int_equal(ledger_event_count(f->l, "adopted"), 1);
	/* The day after: a normal reset. */
	f->vc.now_ms += DAY;
	issue(f, 'A', 0, &t);
	assert_string_equal(t.number, "A001");
	/* Clock jumps back one day although "trusted": no reset, no date. */
	f->vc.now_ms -= DAY;
	issue(f, 'A', 0, &t);
	assert_string_equal(t.number, "A002");
	assert_false(t.dated);
	assert_true(t.clock_warning);
	assert_int_equal(ledger_business_day(f->l), 20260107);
	assert_int_equal(ledger_event_count(f->l, "rewound"), 0);
}

static void test_fresh_untrusted(void **state)
{
	fx_t *f = *state;
	/* A new ledger on a board without RTC: counts from 001, undated. */
	ledger_close(f->l);
	unlink(f->path);
	f->vc.trusted = false;
	f->vc.now_ms = 0;
	char err[256];
	assert_int_equal(ledger_open(f->path, &f->clock, &f->l, err, sizeof err), KIOSK_OK);
	ledger_ticket_t t;
	issue(f, 'C', 0, &t);
	assert_string_equal(t.number, "C001");
	assert_false(t.dated);
	assert_int_equal(ledger_event_count(f->l, "reset"), 0);
}

static void test_cap_and_999(void **state)
{
	fx_t *f = *state;
	ledger_ticket_t t;
	int left = -1;
	assert_int_equal(ledger_available(f->l, 'A', 3, &left), KIOSK_OK);
	assert_int_equal(left, 3);
	for (int i = 0; i < 3; i++)
		issue(f, 'A', 3, &t);
	assert_int_equal(ledger_available(f->l, 'A', 3, &left), KIOSK_ESOLDOUT);
	assert_int_equal(left, 0);
	assert_int_equal(ledger_reserve(f->l, 'A', 3, "x", false, &t), KIOSK_ESOLDOUT);
	assert_string_equal(t.number, "");
	/* A higher cap lets the series go on. */
	issue(f, 'A', 5, &t);
	assert_string_equal(t.number, "A004");
	/* 999 is the last number of a day, whatever the cap. */
	for (int i = 5; i <= 999; i++)
		assert_int_equal(ledger_reserve(f->l, 'A', 1500, "x", false, &t), KIOSK_OK);
	assert_string_equal(t.number, "A999");
	assert_int_equal(ledger_reserve(f->l, 'A', 1500, "x", false, &t), KIOSK_ESOLDOUT);
	assert_int_equal(ledger_reserve(f->l, 'A', 0, "x", false, &t), KIOSK_ESOLDOUT);
	assert_int_equal(ledger_available(f->l, 'A', 0, NULL), KIOSK_ESOLDOUT);
	/* The next day: available again (pending reset), and A001. */
	f->vc.now_ms += DAY;
	assert_int_equal(ledger_available(f->l, 'A', 0, &left), KIOSK_OK);
	assert_int_equal(left, 999);
	issue(f, 'A', 0, &t);
	assert_string_equal(t.number, "A001");
	assert_int_equal(ledger_reserve(f->l, '1', 0, "x", false, &t), KIOSK_EINVAL);
}

static void test_release_void_recover(void **state)
{
	fx_t *f = *state;
	ledger_ticket_t t;
	char st[16];
	/* Failure before any byte: released, the number comes again. */
	assert_int_equal(ledger_reserve(f->l, 'A', 0, "p", true, &t), KIOSK_OK);
	assert_true(t.priority);
	assert_int_equal(ledger_fail(f->l, t.row, false, "paper-out"), KIOSK_OK);
	assert_int_equal(ledger_state(f->l, t.row, st, sizeof st), KIOSK_OK);
	assert_string_equal(st, "released");
	issue(f, 'A', 0, &t);
	assert_string_equal(t.number, "A001");
	/* Failure after bytes: void, never reissued. */
	assert_int_equal(ledger_reserve(f->l, 'A', 0, "p", false, &t), KIOSK_OK);
	assert_int_equal(ledger_mark_sent(f->l, t.row), KIOSK_OK);
	assert_int_equal(ledger_fail(f->l, t.row, true, "paper-out"), KIOSK_OK);
	assert_int_equal(ledger_state(f->l, t.row, st, sizeof st), KIOSK_OK);
	assert_string_equal(st, "void");
	/* A void number cannot be printed or failed again. */
	assert_int_equal(ledger_mark_printed(f->l, t.row), KIOSK_EINVAL);
	assert_int_equal(ledger_fail(f->l, t.row, false, "x"), KIOSK_EINVAL);
	issue(f, 'A', 0, &t);
	assert_string_equal(t.number, "A003");
	/* Crash with a reservation in flight ("sent" and "reserved"). */
	ledger_ticket_t a, b;
	assert_int_equal(ledger_reserve(f->l, 'A', 0, "p", false, &a), KIOSK_OK);
	assert_int_equal(ledger_mark_sent(f->l, a.row), KIOSK_OK);
	assert_int_equal(ledger_reserve(f->l, 'B', 0, "p", false, &b), KIOSK_OK);
	reopen(f);
	assert_int_equal(ledger_state(f->l, a.row, st, sizeof st), KIOSK_OK);
	assert_string_equal(st, "void");
	assert_int_equal(ledger_state(f->l, b.row, st, sizeof st), KIOSK_OK);
	assert_string_equal(st, "void");
	issue(f, 'A', 0, &t);
	assert_string_equal(t.number, "A005");
	issue(f, 'B', 0, &t);
	assert_string_equal(t.number, "B002");
	assert_int_equal(ledger_event_count(f->l, "voided"), 3);
	assert_int_equal(ledger_event_count(f->l, "released"), 1);
	assert_int_equal(ledger_event_count(f->l, "printed"), 4);
	assert_int_equal(ledger_event_count(f->l, "sent"), 6);
	assert_int_equal(ledger_event_count(f->l, "failed"), 2);
}

static void test_reprint(void **state)
{
	fx_t *f = *state;
	ledger_ticket_t t, r;
	issue(f, 'A', 0, &t);
	assert_int_equal(ledger_reprint(f->l, "A001", &r), KIOSK_OK);
	assert_string_equal(r.number, "A001");
	assert_true(r.reprint);
	assert_string_not_equal(r.ticket_id, t.ticket_id);
	assert_string_equal(r.procedure, "khai-sinh");
	assert_int_equal(ledger_mark_sent(f->l, r.row), KIOSK_OK);
	assert_int_equal(ledger_mark_printed(f->l, r.row), KIOSK_OK);
	assert_int_equal(ledger_event_count(f->l, "reprinted"), 1);
	/* A failed reprint: the number stays valid, the next is A002. */
	assert_int_equal(ledger_reprint(f->l, "A001", &r), KIOSK_OK);
	assert_int_equal(ledger_mark_sent(f->l, r.row), KIOSK_OK);
	assert_int_equal(ledger_fail(f->l, r.row, true, "paper-out"), KIOSK_OK);
	assert_int_equal(ledger_reprint(f->l, "A001", &r), KIOSK_OK);
	assert_int_equal(ledger_fail(f->l, r.row, false, "x"), KIOSK_OK);
	issue(f, 'A', 0, &t);
	assert_string_equal(t.number, "A002");
	/* Unknown, void or yesterday's numbers cannot be reprinted. */
	assert_int_equal(ledger_reprint(f->l, "A009", &r), KIOSK_ENOENT);
	f->vc.now_ms += DAY;
	assert_int_equal(ledger_reprint(f->l, "A001", &r), KIOSK_ENOENT);
}

static void test_corrupt(void **state)
{
	fx_t *f = *state;
	char path[700];
	snprintf(path, sizeof path, "%s/bad.db", f->dir);
	FILE *fp = fopen(path, "wb");
	char junk[4096];
	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (char)(i * 31 + 7);
	fwrite(junk, 1, sizeof junk, fp);
	fclose(fp);
	ledger_t *l = NULL;
	char err[256] = "";
	assert_int_equal(ledger_open(path, &f->clock, &l, err, sizeof err), KIOSK_ECORRUPT);
	assert_null(l);
	assert_non_null(strstr(err, "corrupt"));
	/* Left untouched. */
	fp = fopen(path, "rb");
	char back[4096];
	assert_int_equal(fread(back, 1, sizeof back, fp), sizeof back);
	fclose(fp);
	assert_memory_equal(back, junk, sizeof junk);
	/* A SQLite file that is not a ledger. */
	snprintf(path, sizeof path, "%s/other.db", f->dir);
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "sqlite3 '%s' 'CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);"
		 "INSERT INTO meta VALUES(\"schema\",\"7\");' 2>/dev/null", path);
	if (system(cmd) == 0) {
		assert_int_equal(ledger_open(path, &f->clock, &l, err, sizeof err), KIOSK_ECORRUPT);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_daily_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_untrusted_and_backwards, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fresh_untrusted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap_and_999, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_void_recover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reprint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
