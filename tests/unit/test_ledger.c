/* test_ledger.c - ledger rules: daily reset on a trusted clock only, once a
 * day; untrusted and backwards clocks keep counting undated with a warning;
 * the untrusted-then-trusted day adopts instead of resetting; cap and the
 * 999 limit; release vs void; crash recovery; reprint; corrupt files;
 * restart continuity; a future business day brought back by a trusted
 * clock; damaged, empty and foreign files refused byte for byte unchanged;
 * storage faults (fault-injecting VFS) classified and, after a whole print,
 * never turning a held ticket into a void number. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "core/clock.h"
#include "tests/unit/faultvfs.h"
#include "core/kiosk.h"
#include "domain/ledger.h"

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

/* One trusted reading in 2099 must not stop the daily reset for good. */
static void test_future_clock(void **state)
{
	fx_t *f = *state;
	ledger_ticket_t t;
	issue(f, 'A', 2, &t);
	issue(f, 'A', 2, &t);
	assert_string_equal(t.number, "A002");
	int64_t real = f->vc.now_ms;
	/* A wrong but "trusted" time: the business day jumps to 2099. */
	kclock_parse_iso("2099-12-31T09:00:00+07:00", &f->vc.now_ms);
	issue(f, 'A', 2, &t);
	assert_string_equal(t.number, "A001");
	assert_int_equal(ledger_business_day(f->l), 20991231);
	/* Back to the real date, still trusted: today is the business day
	 * again, dated, and numbering goes on after today's A001, A002 (a cap
	 * of 2 used up today: sold out, not a repeat of A001). */
	f->vc.now_ms = real + 3600 * 1000;
	int left = -1;
	assert_int_equal(ledger_available(f->l, 'A', 2, &left), KIOSK_ESOLDOUT);
	assert_int_equal(ledger_available(f->l, 'A', 0, &left), KIOSK_OK);
	assert_int_equal(left, 999 - 2);
	assert_int_equal(ledger_reserve(f->l, 'A', 2, "p", false, &t), KIOSK_ESOLDOUT);
	issue(f, 'A', 0, &t);
	assert_string_equal(t.number, "A003");
	assert_true(t.dated);
	assert_false(t.clock_warning);
	assert_true(t.rewound);
	assert_int_equal(ledger_business_day(f->l), 20260105);
	assert_int_equal(ledger_event_count(f->l, "rewound"), 1);
	int from = 0;
	assert_true(ledger_day_rewound(f->l, &from));
	assert_int_equal(from, 20991231);
	/* The next day resets as usual; ticket ids were never reused. */
	f->vc.now_ms += DAY;
	issue(f, 'B', 2, &t);
	issue(f, 'A', 2, &t);
	assert_string_equal(t.number, "A001");
	assert_int_equal(ledger_business_day(f->l), 20260106);
	/* Untrusted tickets numbered after the wrong day may be today's: the
	 * rewind keeps the counters (A002 after A001 of 2099's run). */
	kclock_parse_iso("2099-06-01T09:00:00+07:00", &f->vc.now_ms);
	issue(f, 'C', 0, &t);
	assert_string_equal(t.number, "C001");
	f->vc.now_ms = real + 2 * DAY;
	f->vc.trusted = false;
	issue(f, 'C', 0, &t);
	assert_string_equal(t.number, "C002");
	assert_false(t.dated);
	f->vc.trusted = true;
	issue(f, 'C', 0, &t);
	assert_string_equal(t.number, "C003");
	assert_true(t.dated);
	assert_int_equal(ledger_business_day(f->l), 20260107);
	assert_int_equal(ledger_event_count(f->l, "rewound"), 2);
	reopen(f);
	assert_int_equal(ledger_business_day(f->l), 20260107);
}

static long file_size(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 ? (long)sb.st_size : -1;
}

static unsigned char *slurp(const char *p, long *n)
{
	*n = file_size(p);
	unsigned char *b = malloc(*n > 0 ? (size_t)*n : 1);
	FILE *fp = fopen(p, "rb");
	assert_non_null(fp);
	assert_int_equal((long)fread(b, 1, (size_t)*n, fp), *n);
	fclose(fp);
	return b;
}

static void sql(const char *path, const char *q)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* open must refuse path, name the problem and leave the bytes as they were. */
static void refused_unchanged(fx_t *f, const char *path, const char *words)
{
	long n0, n1;
	unsigned char *before = slurp(path, &n0);
	ledger_t *l = (ledger_t *)1;
	char err[1024] = "";
	assert_int_equal(ledger_open(path, &f->clock, &l, err, sizeof err), KIOSK_ECORRUPT);
	assert_null(l);
	assert_non_null(strstr(err, words));
	assert_non_null(strstr(err, "untouched"));
	assert_null(strstr(err, "not an error"));
	unsigned char *after = slurp(path, &n1);
	assert_int_equal(n0, n1);
	if (n0)
		assert_memory_equal(before, after, (size_t)n0);
	free(before);
	free(after);
}

static void test_damaged(void **state)
{
	fx_t *f = *state;
	char path[700];
	/* An empty ledger.db is not a new ledger: numbers would restart. */
	snprintf(path, sizeof path, "%s/empty.db", f->dir);
	fclose(fopen(path, "wb"));
	refused_unchanged(f, path, "empty");
	/* Another program's SQLite file (rollback journal): no WAL switch. */
	snprintf(path, sizeof path, "%s/foreign.db", f->dir);
	sql(path, "CREATE TABLE photos(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos(name) VALUES('x');");
	refused_unchanged(f, path, "not a kiosk ledger");
	char side[720];
	snprintf(side, sizeof side, "%s-wal", path);
	assert_int_equal(file_size(side), -1);
	/* A ledger whose meta rows were deleted: refused at open, not a
	 * ledger that starts and then fails every ticket. */
	ledger_ticket_t t;
	issue(f, 'A', 0, &t);
	ledger_close(f->l);
	f->l = NULL;
	sql(f->path, "DELETE FROM meta;");
	refused_unchanged(f, f->path, "identity");
	/* A file of junk, and a ledger of a newer schema. */
	snprintf(path, sizeof path, "%s/junk.db", f->dir);
	FILE *fp = fopen(path, "wb");
	for (int i = 0; i < 8192; i++)
		fputc((i * 37 + 11) & 0xff, fp);
	fclose(fp);
	refused_unchanged(f, path, "corrupt");
	/* Only a missing file makes a new ledger, made whole and renamed. */
	snprintf(path, sizeof path, "%s/new.db", f->dir);
	ledger_t *l = NULL;
	char err[1024];
	assert_int_equal(ledger_open(path, &f->clock, &l, err, sizeof err), KIOSK_OK);
	assert_int_equal(ledger_reserve(l, 'A', 0, "p", false, &t), KIOSK_OK);
	assert_string_equal(t.number, "A001");
	ledger_close(l);
	snprintf(side, sizeof side, "%s.new", path);
	assert_int_equal(file_size(side), -1);
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA application_id", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0x4B4C4447);
	sqlite3_finalize(st);
	sqlite3_close(db);
	/* A journal without its ledger: the ledger was moved, not new. */
	snprintf(path, sizeof path, "%s/gone.db", f->dir);
	snprintf(side, sizeof side, "%s-wal", path);
	fp = fopen(side, "wb");
	fputs("wal frames of a ledger that is gone", fp);
	fclose(fp);
	assert_int_equal(ledger_open(path, &f->clock, &l, err, sizeof err), KIOSK_ECORRUPT);
	assert_int_equal(file_size(path), -1);
}

/* The "printed" write fails after the whole ticket went out (disk full,
 * failing card): the citizen keeps the number; it is printed after a
 * restart (confirm slot) or at the next write (pending), never voided. */
static void test_printed_write_fails(void **state)
{
	fx_t *f = *state;
	faultvfs_install();
	reopen(f); /* through the fault-injecting VFS */
	static const int codes[] = {SQLITE_FULL, SQLITE_IOERR_WRITE};
	static const int kinds[] = {KIOSK_ENOSPC, KIOSK_EIO};
	char st[16], why[320];
	for (int c = 0; c < 2; c++) {
		ledger_ticket_t t, u;
		assert_int_equal(ledger_reserve(f->l, 'A', 0, "p", false, &t), KIOSK_OK);
		assert_int_equal(ledger_mark_sent(f->l, t.row), KIOSK_OK);
		/* ... every byte sent, the printer confirms ... */
		assert_int_equal(ledger_confirm(f->l, t.row), KIOSK_OK);
		faultvfs_fail_after(0, codes[c]);
		assert_int_equal(ledger_mark_printed(f->l, t.row), kinds[c]);
		assert_true(faultvfs_failed() > 0);
		assert_true(ledger_storage_pending(f->l));
		assert_int_equal(ledger_last_error(f->l, why, sizeof why), kinds[c]);
		assert_non_null(strstr(why, c == 0 ? "storage full" : "storage error"));
		assert_null(strstr(why, "not an error"));
		/* Nothing more is reserved while the storage fails. */
		assert_int_equal(ledger_reserve(f->l, 'A', 0, "p", false, &u), kinds[c]);
		assert_int_equal(ledger_available(f->l, 'A', 0, NULL), kinds[c]);
		faultvfs_clear();
		if (c == 0) {
			/* The kiosk restarts (or is killed) before the storage
			 * recovers: the slot repairs the row. */
			reopen(f);
			assert_false(ledger_storage_pending(f->l));
		} else {
			/* The storage comes back: the next ticket writes it first. */
			issue(f, 'A', 0, &u);
			assert_false(ledger_storage_pending(f->l));
		}
		assert_int_equal(ledger_state(f->l, t.row, st, sizeof st), KIOSK_OK);
		assert_string_equal(st, "printed");
		reopen(f);
		assert_int_equal(ledger_state(f->l, t.row, st, sizeof st), KIOSK_OK);
		assert_string_equal(st, "printed");
	}
	assert_int_equal(ledger_event_count(f->l, "voided"), 0);
	assert_int_equal(ledger_event_count(f->l, "printed"), 3);
	/* A ticket that failed after its confirm record is not repaired. */
	ledger_ticket_t t;
	assert_int_equal(ledger_reserve(f->l, 'B', 0, "p", false, &t), KIOSK_OK);
	assert_int_equal(ledger_mark_sent(f->l, t.row), KIOSK_OK);
	assert_int_equal(ledger_confirm(f->l, t.row), KIOSK_OK);
	assert_int_equal(ledger_fail(f->l, t.row, true, "spool"), KIOSK_OK);
	reopen(f);
	assert_int_equal(ledger_state(f->l, t.row, st, sizeof st), KIOSK_OK);
	assert_string_equal(st, "void");
	/* A storage fault before any byte: reported as storage, nothing sent. */
	assert_int_equal(ledger_reserve(f->l, 'B', 0, "p", false, &t), KIOSK_OK);
	faultvfs_fail_after(0, SQLITE_FULL);
	assert_int_equal(ledger_mark_sent(f->l, t.row), KIOSK_ENOSPC);
	faultvfs_clear();
	assert_int_equal(ledger_fail(f->l, t.row, false, "storage"), KIOSK_OK);
	assert_int_equal(ledger_state(f->l, t.row, st, sizeof st), KIOSK_OK);
	assert_string_equal(st, "released");
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
		cmocka_unit_test_setup_teardown(test_future_clock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_printed_write_fails, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
