/* ledger_storage.c - drives tickets_issue over the file printer on a real
 * data folder (a small tmpfs, a loop-mounted ext4), for the storage-fault
 * tests (tests/cli/ledger_storage.sh), and checks the result against the
 * paper (the spool files).
 *
 *   ledger_storage issue DATA SPOOL N [--shutdown-after-paper K]
 *       Issue up to N tickets (stops at the first failure); one line each:
 *       "ticket K rc=<code> number=<n> warning=0|1 storage=0|1 voided=0|1
 *       paper=<spool tickets>". --shutdown-after-paper K: once ticket K's
 *       paper is out, shut the data file system down (EXT4_IOC_SHUTDOWN, as
 *       a dying card: every later I/O fails). A ledger that does not open:
 *       "open rc=<code> err=<reason>" and exit 3.
 *   ledger_storage check DATA SPOOL
 *       Open the ledger (crash recovery, as at start), then: every spool
 *       ticket is "printed" in the ledger, no number twice in a day, no
 *       number skipped without a void record. Exit 0 ok, 1 not.
 * Assets come from KIOSK_ASSETS. Exit 2: usage or set-up error. */
#include <dirent.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "domain/catalog.h"
#include "core/clock.h"
#include "core/kiosk.h"
#include "domain/ledger.h"
#include "drivers/printer/printer.h"
#include "print/tickets.h"

#ifndef EXT4_IOC_SHUTDOWN
#define EXT4_IOC_SHUTDOWN _IOR('X', 125, unsigned int)
#endif

static const char *code(int rc)
{
	switch (rc) {
	case KIOSK_OK: return "ok";
	case KIOSK_ENOSPC: return "enospc";
	case KIOSK_EROFS: return "erofs";
	case KIOSK_ECORRUPT: return "ecorrupt";
	case KIOSK_EIO: return "eio";
	default: return kiosk_strerror(rc);
	}
}

static int count_paper(const char *spool)
{
	DIR *d = opendir(spool);
	int n = 0;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (e->d_name[0] != '.' && l > 7 && strcmp(e->d_name + l - 7, ".escpos") == 0)
			n++;
	}
	if (d)
		closedir(d);
	return n;
}

/* The file printer, shutting the data file system down after ticket K. */
static printer_t file;
static const char *g_data;
static int shut_after = -1, jobs;
static int w_write(void *c, const uint8_t *b, size_t n, size_t *tr, int to) { return file.ops->write(file.ctx, b, n, tr, to); }
static int w_read(void *c, uint8_t *b, size_t n, size_t *g, int to) { return file.ops->read(file.ctx, b, n, g, to); }
static int w_status(void *c, printer_state_t *st) { return file.ops->status(file.ctx, st); }
static int w_begin(void *c, const char *name) { return file.ops->job_begin(file.ctx, name); }
static int w_end(void *c, bool printed)
{
	int rc = file.ops->job_end(file.ctx, printed);
	if (printed && ++jobs == shut_after) {
		int fd = open(g_data, O_RDONLY | O_DIRECTORY);
		unsigned int flags = 2; /* EXT4_GOING_FLAGS_NOLOGFLUSH */
		if (fd < 0 || ioctl(fd, EXT4_IOC_SHUTDOWN, &flags) != 0)
			perror("ledger_storage: shutdown");
		if (fd >= 0)
			close(fd);
	}
	return rc;
}
static void w_close(void *c) { file.ops->close(file.ctx); }
static const printer_ops_t wrap = {.name = "file", .write = w_write, .read = w_read, .status = w_status,
				   .job_begin = w_begin, .job_end = w_end, .close = w_close};

static int issue(const char *data, const char *spool, int n)
{
	const char *assets = getenv("KIOSK_ASSETS");
	char path[1200], err[1024] = "";
	snprintf(path, sizeof path, "%s/catalog.json", assets ? assets : "build/share/kiosk");
	catalog_t *cat;
	if (catalog_load(path, &cat, err, sizeof err)) {
		fprintf(stderr, "ledger_storage: %s\n", err);
		return 2;
	}
	kclock_virtual_t vc = {0, 1000, true};
	kclock_parse_iso("2026-04-01T08:00:00+07:00", &vc.now_ms);
	kclock_t clock;
	kclock_virtual(&clock, &vc);
	tickets_config_t cfg = {
		.data_dir = data, .spool_dir = spool, .assets_dir = assets ? assets : "build/share/kiosk",
		.transport = "file", .profile = "58mm", .office_name = "UBND xã Thử", .clock = &clock,
	};
	if (printer_file_open(spool, &file, err, sizeof err)) {
		fprintf(stderr, "ledger_storage: %s\n", err);
		return 2;
	}
	g_data = data;
	tickets_t *t = NULL;
	int rc = tickets_open_io(&cfg, &wrap, NULL, &t, err, sizeof err);
	if (rc) {
		printf("open rc=%s err=%s\n", code(rc), err);
		catalog_free(cat);
		return 3;
	}
	const catalog_proc_t *p = catalog_proc_at(cat, 0);
	for (int i = 1; i <= n; i++) {
		tickets_result_t r;
		vc.now_ms += 60000;
		rc = tickets_issue(t, cat, p, false, NULL, 0, LANG_VI, &r);
		char why[320] = "";
		if (rc || r.storage_warning)
			tickets_storage_error(t, why, sizeof why);
		printf("ticket %d rc=%s number=%s warning=%d storage=%d voided=%d paper=%d%s%s\n", i, code(rc),
		       r.number[0] ? r.number : "-", r.storage_warning, r.storage_fault, r.voided, count_paper(spool),
		       why[0] ? " reason=" : "", why);
		if (rc)
			break;
	}
	fflush(stdout);
	tickets_close(t);
	catalog_free(cat);
	return 0;
}

static int check(const char *data, const char *spool)
{
	kclock_virtual_t vc = {0, 0, true};
	kclock_t clock;
	kclock_virtual(&clock, &vc);
	char path[1200], err[1024];
	snprintf(path, sizeof path, "%s/ledger.db", data);
	ledger_t *l;
	if (ledger_open(path, &clock, &l, err, sizeof err)) {
		printf("FAIL: the ledger does not open: %s\n", err);
		return 1;
	}
	ledger_close(l);
	sqlite3 *db;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return 2;
	int bad = 0, paper = 0;
	DIR *d = opendir(spool);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 8 || strcmp(e->d_name + len - 7, ".escpos") != 0)
			continue;
		paper++;
		char id[128], num[16];
		const char *dash = strrchr(e->d_name, '-');
		if (!dash || (size_t)(dash - e->d_name) >= sizeof id) {
			bad++;
			continue;
		}
		snprintf(id, sizeof id, "%.*s", (int)(dash - e->d_name), e->d_name);
		snprintf(num, sizeof num, "%.*s", (int)(e->d_name + len - 7 - dash - 1), dash + 1);
		sqlite3_stmt *s;
		sqlite3_prepare_v2(db, "SELECT state, number FROM tickets WHERE ticket_id=?", -1, &s, NULL);
		sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(s) != SQLITE_ROW) {
			printf("FAIL: paper %s is not in the ledger\n", e->d_name);
			bad++;
		} else if (strcmp((const char *)sqlite3_column_text(s, 0), "printed") != 0 ||
			   strcmp((const char *)sqlite3_column_text(s, 1), num) != 0) {
			printf("FAIL: paper %s is %s in the ledger (a citizen holds a void number)\n", e->d_name,
			       sqlite3_column_text(s, 0));
			bad++;
		}
		sqlite3_finalize(s);
	}
	if (d)
		closedir(d);
	static const char *const rules[][2] = {
		{"SELECT count(*) FROM (SELECT 1 FROM tickets WHERE reprint_of IS NULL AND state <> 'released' "
		 "GROUP BY day_key, number HAVING count(*) > 1)", "numbers issued twice in a day"},
		{"SELECT count(*) FROM (SELECT day_key, series FROM tickets WHERE reprint_of IS NULL AND "
		 "state <> 'released' GROUP BY day_key, series HAVING count(DISTINCT seq) <> max(seq))",
		 "series with a number skipped without a record"},
		{"SELECT count(*) FROM tickets t WHERE state='void' AND NOT EXISTS (SELECT 1 FROM events e "
		 "WHERE e.ticket_row=t.row AND e.kind='voided')", "void numbers without a void record"},
		{"SELECT count(*) FROM tickets WHERE state IN ('reserved','sent')", "reservations left in flight"},
	};
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		sqlite3_stmt *s;
		sqlite3_prepare_v2(db, rules[i][0], -1, &s, NULL);
		if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) != 0) {
			printf("FAIL: %d %s\n", sqlite3_column_int(s, 0), rules[i][1]);
			bad++;
		}
		sqlite3_finalize(s);
	}
	sqlite3_stmt *s;
	sqlite3_prepare_v2(db, "SELECT sum(state='printed'), sum(state='void') FROM tickets", -1, &s, NULL);
	if (sqlite3_step(s) == SQLITE_ROW)
		printf("check paper=%d printed=%d void=%d bad=%d\n", paper, sqlite3_column_int(s, 0),
		       sqlite3_column_int(s, 1), bad);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && strcmp(argv[1], "issue") == 0) {
		if (argc == 7 && strcmp(argv[5], "--shutdown-after-paper") == 0)
			shut_after = atoi(argv[6]);
		else if (argc != 5)
			return 2;
		return issue(argv[2], argv[3], atoi(argv[4]));
	}
	if (argc == 4 && strcmp(argv[1], "check") == 0)
		return check(argv[2], argv[3]);
	fprintf(stderr, "usage: ledger_storage issue DATA SPOOL N [--shutdown-after-paper K] | check DATA SPOOL\n");
	return 2;
}
