/* test_outbox.c - the fleet outbox (domain/outbox.h): the envelope of every
 * payload (v, kiosk, seq, ts first); a sequence that only grows, also
 * across reopening and an empty table; peek in order after a seq, ack
 * deleting one message; bad bodies and ids refused with nothing stored;
 * another program's SQLite file left untouched; the drop policy (oldest
 * heartbeats first, then hourly figures merged per day and group, then
 * figures, events last, each drop counted); storage faults (full,
 * failing, read-only) storing nothing and not advancing the sequence; and
 * a child killed with SIGKILL while enqueueing, after which every message
 * it was told is stored is there, once. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "core/clock.h"
#include "core/kiosk.h"
#include "domain/outbox.h"
#include "tests/unit/faultvfs.h"

typedef struct {
	char dir[256], path[320];
	kclock_virtual_t vc;
	kclock_t clock;
	outbox_t *o;
} fx_t;

static int setup(void **state)
{
	fx_t *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/test_outbox.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/fleet-outbox.db", f->dir);
	f->vc = (kclock_virtual_t){.now_ms = 1764633600000LL, .mono_ms = 1000, .trusted = true};
	kclock_virtual(&f->clock, &f->vc);
	char err[256];
	assert_int_equal(outbox_open(f->path, "xa-an-phu", &f->clock, NULL, &f->o, err, sizeof err), KIOSK_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx_t *f = *state;
	outbox_close(f->o);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void reopen(fx_t *f, const outbox_limits_t *lim)
{
	outbox_close(f->o);
	char err[256];
	assert_int_equal(outbox_open(f->path, "xa-an-phu", &f->clock, lim, &f->o, err, sizeof err), KIOSK_OK);
}

/* All waiting messages (at most 4096). */
static int all(fx_t *f, outbox_msg_t *m, int max)
{
	int n = 0;
	assert_int_equal(outbox_peek(f->o, 0, max, m, &n), KIOSK_OK);
	return n;
}

static void test_envelope_and_order(void **state)
{
	fx_t *f = *state;
	int64_t s1, s2, s3;
	assert_int_equal(outbox_enqueue(f->o, OUTBOX_HEARTBEAT, "{\"uptime_s\":5}", &s1), KIOSK_OK);
	kclock_virtual_advance(&f->vc, 1000);
	assert_int_equal(outbox_enqueue(f->o, OUTBOX_EVENT, "{\"event\":\"printer\",\"state\":\"paper_out\"}", &s2),
			 KIOSK_OK);
	assert_int_equal(outbox_enqueue(f->o, OUTBOX_STATS, "{\"period\":\"hour\",\"day\":20261202}", &s3), KIOSK_OK);
	assert_int_equal(s1, 1);
	assert_int_equal(s2, 2);
	assert_int_equal(s3, 3);
	outbox_msg_t m[8];
	int n = all(f, m, 8);
	assert_int_equal(n, 3);
	assert_string_equal(m[0].topic, "kiosk/xa-an-phu/heartbeat");
	assert_string_equal(m[1].topic, "kiosk/xa-an-phu/event");
	assert_string_equal(m[2].topic, "kiosk/xa-an-phu/stats");
	assert_string_equal(m[0].payload, "{\"v\":1,\"kiosk\":\"xa-an-phu\",\"seq\":1,\"ts\":1764633600000,\"uptime_s\":5}");
	assert_string_equal(m[1].payload, "{\"v\":1,\"kiosk\":\"xa-an-phu\",\"seq\":2,\"ts\":1764633601000,"
					  "\"event\":\"printer\",\"state\":\"paper_out\"}");
	assert_int_equal(m[1].len, strlen(m[1].payload));
	outbox_msgs_free(m, n);
	/* After a seq, and limited. */
	assert_int_equal(outbox_peek(f->o, 1, 1, m, &n), KIOSK_OK);
	assert_int_equal(n, 1);
	assert_int_equal(m[0].seq, 2);
	outbox_msgs_free(m, n);
	/* Ack deletes exactly one; acking again is fine. */
	assert_int_equal(outbox_ack(f->o, 2), KIOSK_OK);
	assert_int_equal(outbox_ack(f->o, 2), KIOSK_OK);
	n = all(f, m, 8);
	assert_int_equal(n, 2);
	assert_int_equal(m[0].seq, 1);
	assert_int_equal(m[1].seq, 3);
	outbox_msgs_free(m, n);
	/* Empty the table and reopen: the sequence goes on. */
	outbox_ack(f->o, 1);
	outbox_ack(f->o, 3);
	reopen(f, NULL);
	int64_t s4;
	assert_int_equal(outbox_enqueue(f->o, OUTBOX_EVENT, "{}", &s4), KIOSK_OK);
	assert_int_equal(s4, 4);
	outbox_info_t info;
	assert_int_equal(outbox_info(f->o, &info), KIOSK_OK);
	assert_int_equal(info.rows, 1);
	assert_int_equal(info.next_seq, 5);
}

static void test_bad_input(void **state)
{
	fx_t *f = *state;
	int64_t s = 99;
	assert_int_equal(outbox_enqueue(f->o, OUTBOX_EVENT, "[1,2]", &s), KIOSK_EINVAL);
	assert_int_equal(s, 0);
	assert_int_equal(outbox_enqueue(f->o, OUTBOX_EVENT, "{\"seq\":7}", &s), KIOSK_EINVAL);
	assert_int_equal(outbox_enqueue(f->o, OUTBOX_EVENT, "{\"kiosk\":\"other\"}", &s), KIOSK_EINVAL);
	assert_int_equal(outbox_enqueue(f->o, OUTBOX_EVENT, "{not json", &s), KIOSK_EINVAL);
	assert_int_equal(outbox_enqueue(f->o, (outbox_class_t)7, "{}", &s), KIOSK_EINVAL);
	assert_string_not_equal(outbox_error(f->o), "");
	/* A payload too large for one message. */
	char *big = malloc(OUTBOX_PAYLOAD_MAX + 64);
	snprintf(big, OUTBOX_PAYLOAD_MAX + 64, "{\"x\":\"%0*d\"}", OUTBOX_PAYLOAD_MAX, 0);
	assert_int_equal(outbox_enqueue(f->o, OUTBOX_EVENT, big, &s), KIOSK_ERANGE);
	free(big);
	outbox_info_t info;
	assert_int_equal(outbox_info(f->o, &info), KIOSK_OK);
	assert_int_equal(info.rows, 0);
	assert_int_equal(info.next_seq, 1);
	/* Ids that cannot be a topic level. */
	assert_false(outbox_id_valid("a/b"));
	assert_false(outbox_id_valid("a+"));
	assert_false(outbox_id_valid("#"));
	assert_false(outbox_id_valid(""));
	assert_true(outbox_id_valid("UBND.xa-1_A"));
	outbox_t *o2;
	char err[256];
	assert_int_equal(outbox_open(f->path, "x/y", &f->clock, NULL, &o2, err, sizeof err), KIOSK_EINVAL);
	assert_null(o2);
	assert_non_null(strstr(err, "kiosk id"));
}

static void test_foreign_file(void **state)
{
	fx_t *f = *state;
	char other[400];
	snprintf(other, sizeof other, "%s/other.db", f->dir);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(other, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t VALUES(42)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	FILE *fp = fopen(other, "rb");
	fseek(fp, 0, SEEK_END);
	long before = ftell(fp);
	fclose(fp);
	outbox_t *o2;
	char err[256];
	assert_int_equal(outbox_open(other, "k1", &f->clock, NULL, &o2, err, sizeof err), KIOSK_ECORRUPT);
	assert_non_null(strstr(err, "not a fleet outbox"));
	fp = fopen(other, "rb");
	fseek(fp, 0, SEEK_END);
	assert_int_equal(ftell(fp), before);
	fclose(fp);
	/* A folder that is not there: a clear error, no crash. */
	snprintf(other, sizeof other, "%s/none/x.db", f->dir);
	assert_int_not_equal(outbox_open(other, "k1", &f->clock, NULL, &o2, err, sizeof err), KIOSK_OK);
	assert_non_null(strstr(err, "cannot open"));
}

static int64_t field(const char *payload, const char *name)
{
	cJSON *j = cJSON_Parse(payload);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
	int64_t r = cJSON_IsNumber(v) ? (int64_t)v->valuedouble : -1;
	cJSON_Delete(j);
	return r;
}

static void test_drop_policy(void **state)
{
	fx_t *f = *state;
	outbox_limits_t lim = {.max_rows = 10};
	reopen(f, &lim);
	/* 2 events, 4 heartbeats, 6 hourly figures of one day and group. */
	char body[200];
	assert_int_equal(outbox_enqueue(f->o, OUTBOX_EVENT, "{\"event\":\"boot\"}", NULL), KIOSK_OK);
	for (int i = 0; i < 4; i++)
		assert_int_equal(outbox_enqueue(f->o, OUTBOX_HEARTBEAT, "{\"uptime_s\":1}", NULL), KIOSK_OK);
	assert_int_equal(outbox_enqueue(f->o, OUTBOX_EVENT, "{\"event\":\"printer\"}", NULL), KIOSK_OK);
	for (int h = 8; h < 14; h++) {
		snprintf(body, sizeof body,
			 "{\"period\":\"hour\",\"day\":20261202,\"hour\":%d,\"group\":\"ho-tich\",\"issued\":%d,"
			 "\"served\":%d,\"waiting_max\":%d,\"wait_median_s\":300}", h, h, h - 1, h % 3 + 4);
		assert_int_equal(outbox_enqueue(f->o, OUTBOX_STATS, body, NULL), KIOSK_OK);
	}
	/* 12 messages for 10 rows: the two oldest heartbeats went. */
	outbox_info_t info;
	assert_int_equal(outbox_info(f->o, &info), KIOSK_OK);
	assert_int_equal(info.rows, 10);
	assert_int_equal(info.dropped[OUTBOX_HEARTBEAT], 2);
	outbox_msg_t m[32];
	int n = all(f, m, 32);
	assert_int_equal(m[0].seq, 1);
	assert_int_equal(m[1].seq, 4); /* heartbeats 2 and 3 dropped */
	outbox_msgs_free(m, n);
	/* Two more heartbeats: the remaining old ones go, never the new one. */
	assert_int_equal(outbox_enqueue(f->o, OUTBOX_HEARTBEAT, "{\"uptime_s\":2}", NULL), KIOSK_OK);
	assert_int_equal(outbox_enqueue(f->o, OUTBOX_HEARTBEAT, "{\"uptime_s\":3}", NULL), KIOSK_OK);
	assert_int_equal(outbox_info(f->o, &info), KIOSK_OK);
	assert_int_equal(info.dropped[OUTBOX_HEARTBEAT], 4);
	/* Two events take the last two heartbeats; the next one makes the
	 * hourly figures merge into one daily message. */
	assert_int_equal(outbox_enqueue(f->o, OUTBOX_EVENT, "{\"event\":\"paper_low\"}", NULL), KIOSK_OK);
	assert_int_equal(outbox_enqueue(f->o, OUTBOX_EVENT, "{\"event\":\"paper_low\"}", NULL), KIOSK_OK);
	assert_int_equal(outbox_info(f->o, &info), KIOSK_OK);
	assert_int_equal(info.dropped[OUTBOX_HEARTBEAT], 6);
	assert_int_equal(info.merged, 0);
	assert_int_equal(outbox_enqueue(f->o, OUTBOX_EVENT, "{\"event\":\"paper_out\"}", NULL), KIOSK_OK);
	assert_int_equal(outbox_info(f->o, &info), KIOSK_OK);
	assert_int_equal(info.merged, 6);
	assert_int_equal(info.dropped[OUTBOX_STATS], 0);
	assert_true(info.rows <= 10);
	n = all(f, m, 32);
	int daily = -1;
	for (int i = 0; i < n; i++)
		if (strstr(m[i].payload, "\"period\":\"day\""))
			daily = i;
	assert_true(daily >= 0);
	const char *d = m[daily].payload;
	assert_int_equal(field(d, "issued"), 8 + 9 + 10 + 11 + 12 + 13);
	assert_int_equal(field(d, "served"), 7 + 8 + 9 + 10 + 11 + 12);
	assert_int_equal(field(d, "waiting_max"), 6);
	assert_int_equal(field(d, "hours"), 6);
	assert_int_equal(field(d, "day"), 20261202);
	assert_int_equal(field(d, "wait_median_s"), -1); /* a median cannot be summed */
	assert_non_null(strstr(d, "\"group\":\"ho-tich\""));
	assert_non_null(strstr(d, "\"replaces\":[7,8,9,10,11,12]"));
	outbox_msgs_free(m, n);
	/* Keep adding events: the figures go next, then the oldest events. */
	for (int i = 0; i < 12; i++)
		assert_int_equal(outbox_enqueue(f->o, OUTBOX_EVENT, "{\"event\":\"x\"}", NULL), KIOSK_OK);
	assert_int_equal(outbox_info(f->o, &info), KIOSK_OK);
	assert_int_equal(info.rows, 10);
	assert_int_equal(info.dropped[OUTBOX_STATS], 1);
	assert_true(info.dropped[OUTBOX_EVENT] > 0);
	n = all(f, m, 32);
	for (int i = 0; i < n; i++)
		assert_int_equal(m[i].cls, OUTBOX_EVENT);
	for (int i = 1; i < n; i++)
		assert_true(m[i].seq > m[i - 1].seq);
	outbox_msgs_free(m, n);
	/* Every message is accounted for: waiting + dropped + merged-away + acked (none). */
	assert_int_equal(info.rows + info.dropped[0] + info.dropped[1] + info.dropped[2] + info.merged,
			 info.next_seq - 1);
	/* A byte bound smaller than one message: refused, nothing lost. */
	outbox_limits_t tiny = {.max_rows = 100, .max_bytes = 40};
	reopen(f, &tiny);
	assert_int_equal(outbox_enqueue(f->o, OUTBOX_EVENT, "{\"event\":\"x\"}", NULL), KIOSK_ERANGE);
	outbox_info_t after;
	assert_int_equal(outbox_info(f->o, &after), KIOSK_OK);
	assert_int_equal(after.rows, info.rows);
	assert_int_equal(after.next_seq, info.next_seq);
}

static void test_storage_faults(void **state)
{
	fx_t *f = *state;
	faultvfs_install();
	reopen(f, NULL);
	assert_int_equal(outbox_enqueue(f->o, OUTBOX_EVENT, "{\"event\":\"a\"}", NULL), KIOSK_OK);
	static const struct { int sql, kiosk; } codes[] = {
		{SQLITE_FULL, KIOSK_ENOSPC}, {SQLITE_IOERR_WRITE, KIOSK_EIO}, {SQLITE_READONLY, KIOSK_EROFS}};
	for (size_t c = 0; c < KIOSK_ARRAY_LEN(codes); c++) {
		for (long after = 0; after < 4; after++) {
			int64_t s = 99;
			faultvfs_fail_after(after, codes[c].sql);
			int rc = outbox_enqueue(f->o, OUTBOX_EVENT, "{\"event\":\"b\"}", &s);
			long failed = faultvfs_failed();
			faultvfs_clear();
			if (failed == 0) {
				/* Enough writes to finish before the fault: stored. */
				assert_int_equal(rc, KIOSK_OK);
				outbox_ack(f->o, s);
				continue;
			}
			assert_int_equal(rc, codes[c].kiosk);
			assert_int_equal(s, 0);
			assert_non_null(strstr(outbox_error(f->o), kiosk_strerror(codes[c].kiosk)));
			outbox_info_t info;
			assert_int_equal(outbox_info(f->o, &info), KIOSK_OK);
			assert_int_equal(info.rows, 1);
		}
	}
	/* Works again, the sequence without a hole for the failures. */
	outbox_info_t info;
	assert_int_equal(outbox_info(f->o, &info), KIOSK_OK);
	int64_t s;
	assert_int_equal(outbox_enqueue(f->o, OUTBOX_EVENT, "{\"event\":\"c\"}", &s), KIOSK_OK);
	assert_int_equal(s, info.next_seq);
	/* An ack that cannot be written keeps the message. */
	faultvfs_fail_after(0, SQLITE_FULL);
	assert_int_equal(outbox_ack(f->o, s), KIOSK_ENOSPC);
	faultvfs_clear();
	outbox_msg_t m[4];
	int n = all(f, m, 4);
	assert_int_equal(n, 2);
	assert_int_equal(m[1].seq, s);
	outbox_msgs_free(m, n);
}

static void test_crash(void **state)
{
	fx_t *f = *state;
	outbox_close(f->o);
	f->o = NULL;
	srand(16);
	int64_t stored_total = 0;
	for (int round = 0; round < 6; round++) {
		int fd[2];
		assert_int_equal(pipe(fd), 0);
		fflush(NULL);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fd[0]);
			kclock_t clk;
			kclock_real(&clk, NULL);
			outbox_t *o;
			char err[256];
			if (outbox_open(f->path, "xa-an-phu", &clk, NULL, &o, err, sizeof err))
				_exit(2);
			for (;;) {
				int64_t s;
				if (outbox_enqueue(o, OUTBOX_EVENT, "{\"event\":\"crash-test\"}", &s) == KIOSK_OK)
					if (write(fd[1], &s, sizeof s) != (ssize_t)sizeof s)
						_exit(3);
			}
		}
		close(fd[1]);
		struct timespec ts = {0, (20 + rand() % 60) * 1000000L};
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		int st;
		waitpid(pid, &st, 0);
		assert_true(WIFSIGNALED(st));
		/* Every seq the child was told is stored. */
		int64_t told[8192];
		size_t nt = 0;
		ssize_t r;
		while (nt < 8192 && (r = read(fd[0], &told[nt], sizeof told[0])) == (ssize_t)sizeof told[0])
			nt++;
		close(fd[0]);
		reopen(f, NULL);
		static outbox_msg_t m[16384];
		int n = all(f, m, 16384);
		for (int i = 1; i < n; i++)
			assert_true(m[i].seq > m[i - 1].seq);
		size_t j = 0;
		for (size_t i = 0; i < nt; i++) {
			while (j < (size_t)n && m[j].seq < told[i])
				j++;
			if (j >= (size_t)n || m[j].seq != told[i])
				fail_msg("round %d: seq %lld was stored, then lost", round, (long long)told[i]);
		}
		/* At most one more (stored, killed before it said so). */
		assert_true((size_t)n >= stored_total + nt && (size_t)n <= stored_total + nt + 1);
		stored_total = n;
		outbox_msgs_free(m, n);
		outbox_close(f->o);
		f->o = NULL;
	}
	assert_true(stored_total > 0);
	reopen(f, NULL);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_envelope_and_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_foreign_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_storage_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
