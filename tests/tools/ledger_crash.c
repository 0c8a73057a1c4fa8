/* ledger_crash.c - crash test of the ledger and the send path. A child
 * issues tickets the way tickets.c does (mark sent, send, confirm status,
 * confirm slot, finish the print, mark printed) through a slow,
 * fault-injecting transport (short writes, partial timeouts, paper out
 * before and during a ticket) in front of the file printer, whose finished
 * tickets are spool files (the paper a citizen holds); every byte that
 * reaches the transport also leaves a line in an append-only log. Storage
 * faults come from a fault-injecting SQLite VFS (tests/unit/faultvfs.c):
 * writes fail with SQLITE_FULL or SQLITE_IOERR at seeded moments. The
 * parent kills the child with SIGKILL at seeded random moments, aiming at
 * the reserve, send and confirm phases in turn, and restarts it. After
 * every kill it opens the ledger as the kiosk does at start (recovery) and
 * checks:
 *   - no number was given twice in a day (one non-released row per number,
 *     one ticket id per number on the byte log);
 *   - no number was skipped without a record (per day and series, numbers
 *     1..max all present; every void row has its "voided" event);
 *   - no reservation is left in flight;
 *   - every spool ticket (printed paper) is "printed" in the ledger with its
 *     number, and every ticket id whose bytes reached the transport is
 *     printed or void (never released, so never reissued);
 *   - every ticket the child showed as issued is "printed".
 * At the end: each phase was hit by at least MIN_HITS kills, and storage
 * faults happened.
 *
 *   ledger_crash DIR KILLS SEED
 * Exit 0 pass, 1 fail, 2 usage. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dirent.h>

#include "core/clock.h"
#include "drivers/printer/escpos.h"
#include "tests/unit/faultvfs.c" /* tests/unit: the fault-injecting SQLite VFS */
#include "core/kiosk.h"
#include "domain/ledger.h"
#include "drivers/printer/printer.h"

#define MIN_HITS 20
#define PER_DAY 60     /* generations per virtual day */

enum { PH_IDLE, PH_RESERVE, PH_SEND, PH_CONFIRM, PH_COUNT };
static const char *ph_name[] = {"idle", "reserve", "send", "confirm"};

typedef struct {
	volatile int phase;
	volatile int started;
	volatile long tickets;
	volatile long storage_faults;   /* ledger calls failed by the VFS, all children */
	volatile long late_records;     /* printed tickets whose "printed" write failed */
} shared_t;

static shared_t *sh;
static char dir[512];
static unsigned rng_state;

static unsigned rnd(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 8) & 0xFFFFFF;
}

static void sleep_us(long us)
{
	struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
	nanosleep(&ts, NULL);
}

/* ---- the child's transport: a paper log ---- */
typedef struct {
	int paper;                 /* fd of paper.log (O_APPEND) */
	char tag[64];              /* "<day> <number> <ticket id>" */
	int paper_out_before;      /* status says paper out */
	long paper_out_at;         /* -1, or job byte offset where paper ends */
	long job;
	printer_t *file;           /* the file printer behind: spool files */
} crashp_t;

static int c_write(void *ctx, const uint8_t *buf, size_t len, size_t *tr, int timeout_ms)
{
	crashp_t *c = ctx;
	*tr = 0;
	sleep_us(300 + rnd() % 700); /* slow printer */
	if (len == 0)
		return KIOSK_OK;
	size_t n = len;
	int rc = KIOSK_OK;
	unsigned r = rnd() % 10;
	if (r == 0) {
		n = len / 3;           /* partial timeout */
		rc = KIOSK_ETIMEOUT;
	} else if (r == 1) {
		n = len / 2 + 1;       /* short write */
	}
	if (c->paper_out_at >= 0 && c->job + (long)n >= c->paper_out_at) {
		n = (size_t)(c->paper_out_at - c->job);
		c->paper_out_before = 1;
		rc = KIOSK_ETIMEOUT;
	}
	/* Every byte that reaches the printer leaves a line naming its ticket,
	 * then goes into the file printer's job. */
	for (size_t i = 0; i < n; i++) {
		char line[96];
		int l = snprintf(line, sizeof line, "%s %u\n", c->tag, buf[i]);
		if (write(c->paper, line, (size_t)l) != l)
			return KIOSK_EIO;
		size_t one = 0;
		if (c->file->ops->write(c->file->ctx, buf + i, 1, &one, 1000) || one != 1)
			return KIOSK_EIO;
		c->job++;
		*tr = i + 1;
	}
	return rc;
}

static int c_begin(void *ctx, const char *name)
{
	crashp_t *c = ctx;
	return c->file->ops->job_begin(c->file->ctx, name);
}

static int c_end(void *ctx, bool printed)
{
	crashp_t *c = ctx;
	return c->file->ops->job_end(c->file->ctx, printed);
}

static int c_read(void *ctx, uint8_t *buf, size_t cap, size_t *got, int timeout_ms)
{
	*got = 0;
	return KIOSK_OK;
}

static int c_status(void *ctx, printer_state_t *st)
{
	crashp_t *c = ctx;
	sleep_us(200 + rnd() % 400);
	*st = c->paper_out_before ? PRINTER_PAPER_OUT : PRINTER_OK;
	return KIOSK_OK;
}

static const printer_ops_t crash_ops = {.name = "crash", .write = c_write, .read = c_read, .status = c_status,
				       .job_begin = c_begin, .job_end = c_end};

/* A storage fault now and then: the next few SQLite writes, a few writes
 * from now, fail as on a full disk or a failing card. */
static void maybe_storage_fault(void)
{
	if (rnd() % 5 == 0)
		faultvfs_fail_after((long)(rnd() % 8), rnd() % 2 ? SQLITE_FULL : SQLITE_IOERR_WRITE);
	else if (rnd() % 2)
		faultvfs_clear();
}

static void count_fault(void)
{
	__atomic_add_fetch(&sh->storage_faults, 1, __ATOMIC_RELAXED);
}

static int child(int gen)
{
	rng_state = (unsigned)gen * 2654435761u + 1;
	faultvfs_install();
	kclock_virtual_t vc = {0, 0, true};
	kclock_parse_iso("2026-04-01T08:00:00+07:00", &vc.now_ms);
	vc.now_ms += (int64_t)(gen / PER_DAY) * 24 * 3600 * 1000;
	kclock_t clock;
	kclock_virtual(&clock, &vc);
	char path[700];
	snprintf(path, sizeof path, "%s/ledger.db", dir);
	ledger_t *l;
	char err[512];
	if (ledger_open(path, &clock, &l, err, sizeof err)) {
		fprintf(stderr, "child: %s\n", err);
		return 1;
	}
	snprintf(path, sizeof path, "%s/paper.log", dir);
	int paper = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	snprintf(path, sizeof path, "%s/confirmed.log", dir);
	int conf = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (paper < 0 || conf < 0)
		return 1;
	printer_t file;
	snprintf(path, sizeof path, "%s/spool", dir);
	if (printer_file_open(path, &file, err, sizeof err)) {
		fprintf(stderr, "child: %s\n", err);
		return 1;
	}
	crashp_t c = {.paper = paper, .paper_out_at = -1, .file = &file};
	printer_t p = {&crash_ops, &c, escpos_profile_find("58mm")};
	/* Small chunks so a ticket takes many writes. */
	static escpos_profile_t prof;
	prof = *p.prof;
	prof.chunk_bytes = 8;
	p.prof = &prof;
	/* A ticket the file printer can print: ESC @, one 8x38-dot band. */
	uint8_t ticket[48] = {0x1B, 0x40, 0x1D, 0x76, 0x30, 0x00, 1, 0, 38, 0};
	sh->started = 1;
	for (long k = 0;; k++) {
		char series = (char)('A' + (gen + k) % 26);
		c.paper_out_before = rnd() % 12 == 0;
		c.paper_out_at = rnd() % 12 == 0 ? (long)(rnd() % sizeof ticket) : -1;
		c.job = 0;
		maybe_storage_fault();
		ledger_ticket_t t;
		sh->phase = PH_RESERVE;
		int rc = ledger_reserve(l, series, 0, "proc", false, &t);
		if (rc == KIOSK_ESOLDOUT)
			continue;
		if (rc) {
			count_fault(); /* storage: nothing reserved */
			sh->phase = PH_IDLE;
			continue;
		}
		sh->phase = PH_SEND;
		snprintf(c.tag, sizeof c.tag, "%d %s %s", t.day_key, t.number, t.ticket_id);
		for (size_t i = 10; i < sizeof ticket; i++)
			ticket[i] = (uint8_t)(t.seq + i);
		char name[64];
		snprintf(name, sizeof name, "%s-%s", t.ticket_id, t.number);
		printer_state_t st = printer_query(&p);
		size_t sent = 0;
		bool storage = false;
		if (st == PRINTER_OK && (rc = c_begin(&c, name)) == KIOSK_OK) {
			rc = ledger_mark_sent(l, t.row);
			if (rc)
				storage = true;
			else
				rc = printer_send(&p, ticket, sizeof ticket, &sent, &st);
			if (!rc) {
				sh->phase = PH_CONFIRM;
				st = printer_query(&p);
				rc = printer_state_rc(st);
			}
			if (!rc && ledger_confirm(l, t.row))
				return 1; /* the slot is plain file I/O: never faulted here */
			int e = c_end(&c, rc == KIOSK_OK);
			if (!rc && e)
				rc = e;
		} else if (!rc) {
			rc = printer_state_rc(st);
		}
		if (rc) {
			if (storage)
				count_fault();
			if (ledger_fail(l, t.row, sent > 0, storage ? "storage" : printer_state_name(st)))
				count_fault(); /* left in flight: voided at the next start */
			sh->phase = PH_IDLE;
			continue;
		}
		/* The paper is out: the citizen holds the number, whatever the
		 * storage says now (the ledger writes it later or at restart). */
		if (rnd() % 6 == 0) /* the disk fills or the card fails right now */
			faultvfs_fail_after((long)(rnd() % 3), rnd() % 2 ? SQLITE_FULL : SQLITE_IOERR_WRITE);
		if (ledger_mark_printed(l, t.row)) {
			count_fault();
			__atomic_add_fetch(&sh->late_records, 1, __ATOMIC_RELAXED);
		}
		char line[96];
		int n = snprintf(line, sizeof line, "%s\n", c.tag);
		if (write(conf, line, (size_t)n) != n)
			return 1;
		sh->phase = PH_IDLE;
		sh->tickets++;
	}
}

/* ---- verification ---- */
typedef struct {
	int day;
	char number[8], id[40];
} paper_t;

static int cmp_paper(const void *a, const void *b)
{
	const paper_t *x = a, *y = b;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	int c = strcmp(x->number, y->number);
	return c ? c : strcmp(x->id, y->id);
}

static int row_state(sqlite3 *db, const char *id, char *st, size_t cap)
{
	sqlite3_stmt *s;
	st[0] = 0;
	if (sqlite3_prepare_v2(db, "SELECT state FROM tickets WHERE ticket_id=?", -1, &s, NULL))
		return -1;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	int found = sqlite3_step(s) == SQLITE_ROW;
	if (found)
		snprintf(st, cap, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return found ? 0 : -1;
}

/* Every spool ticket (the paper a citizen holds) is printed in the ledger
 * under its number; the SQL rules hold. Returns the failures. */
static int verify_ledger(sqlite3 *db, long *npaper)
{
	int bad = 0;
	static const char *const rules[][2] = {
		{"SELECT count(*) FROM (SELECT 1 FROM tickets WHERE reprint_of IS NULL AND state <> 'released' "
		 "GROUP BY day_key, number HAVING count(*) > 1)", "numbers issued twice in a day"},
		{"SELECT count(*) FROM (SELECT day_key, series FROM tickets WHERE reprint_of IS NULL AND "
		 "state <> 'released' GROUP BY day_key, series HAVING count(DISTINCT seq) <> max(seq))",
		 "series with a number skipped without a record"},
		{"SELECT count(*) FROM tickets t WHERE state='void' AND NOT EXISTS (SELECT 1 FROM events e "
		 "WHERE e.ticket_row=t.row AND e.kind='voided')", "void numbers without a void record"},
		{"SELECT count(*) FROM tickets WHERE state IN ('reserved','sent')",
		 "reservations left in flight after recovery"},
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
	char path[700];
	snprintf(path, sizeof path, "%s/spool", dir);
	DIR *d = opendir(path);
	struct dirent *e;
	sqlite3_stmt *s;
	sqlite3_prepare_v2(db, "SELECT state, number FROM tickets WHERE ticket_id=?", -1, &s, NULL);
	*npaper = 0;
	while (d && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		const char *dash = strrchr(e->d_name, '-');
		if (e->d_name[0] == '.' || len < 8 || strcmp(e->d_name + len - 7, ".escpos") != 0 || !dash)
			continue;
		(*npaper)++;
		char id[64], num[16];
		snprintf(id, sizeof id, "%.*s", (int)(dash - e->d_name), e->d_name);
		snprintf(num, sizeof num, "%.*s", (int)(e->d_name + len - 7 - dash - 1), dash + 1);
		sqlite3_reset(s);
		sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(s) != SQLITE_ROW) {
			printf("FAIL: printed paper %s is not in the ledger\n", e->d_name);
			bad++;
		} else if (strcmp((const char *)sqlite3_column_text(s, 0), "printed") != 0 ||
			   strcmp((const char *)sqlite3_column_text(s, 1), num) != 0) {
			printf("FAIL: printed paper %s is \"%s\" in the ledger, not issued\n", e->d_name,
			       sqlite3_column_text(s, 0));
			bad++;
		}
	}
	sqlite3_finalize(s);
	if (d)
		closedir(d);
	return bad;
}

/* Recovery as at start, then the checks; full: also the byte log. */
static int verify(bool full)
{
	char path[700];
	/* Recovery first, as the kiosk would do at start. */
	kclock_virtual_t vc = {0, 0, true};
	kclock_t clock;
	kclock_virtual(&clock, &vc);
	snprintf(path, sizeof path, "%s/ledger.db", dir);
	ledger_t *l;
	char err[256];
	if (ledger_open(path, &clock, &l, err, sizeof err)) {
		printf("FAIL: ledger does not open after the kills: %s\n", err);
		return 1;
	}
	ledger_close(l);
	sqlite3 *db;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return 1;
	long npaper = 0;
	int bad = verify_ledger(db, &npaper);
	if (!full) {
		sqlite3_close(db);
		return bad;
	}
	sqlite3_stmt *s;
	sqlite3_prepare_v2(db, "SELECT day_key, number, count(*) FROM tickets WHERE state <> 'released' "
			   "AND reprint_of IS NULL GROUP BY day_key, number HAVING count(*) > 1", -1, &s, NULL);
	while (sqlite3_step(s) == SQLITE_ROW) {
		printf("FAIL: ledger holds %s twice on %d\n", sqlite3_column_text(s, 1), sqlite3_column_int(s, 0));
		bad++;
	}
	sqlite3_finalize(s);
	sqlite3_prepare_v2(db, "SELECT count(*) FROM tickets WHERE state IN ('reserved','sent')", -1, &s, NULL);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) != 0) {
		printf("FAIL: reservations left in flight after recovery\n");
		bad++;
	}
	sqlite3_finalize(s);
	/* Paper: distinct (day, number, id). */
	snprintf(path, sizeof path, "%s/paper.log", dir);
	FILE *f = fopen(path, "r");
	size_t np = 0, cap = 1024;
	paper_t *pp = malloc(cap * sizeof *pp);
	char line[256];
	while (f && fgets(line, sizeof line, f)) {
		paper_t p;
		unsigned byte;
		if (sscanf(line, "%d %7s %39s %u", &p.day, p.number, p.id, &byte) != 4)
			continue; /* a line torn by the kill */
		if (np && pp[np - 1].day == p.day && strcmp(pp[np - 1].id, p.id) == 0)
			continue;
		if (np == cap)
			pp = realloc(pp, (cap *= 2) * sizeof *pp);
		pp[np++] = p;
	}
	if (f)
		fclose(f);
	qsort(pp, np, sizeof *pp, cmp_paper);
	size_t distinct = 0;
	for (size_t i = 0; i < np; i++) {
		if (i && cmp_paper(&pp[i], &pp[i - 1]) == 0)
			continue;
		distinct++;
		if (i && pp[i].day == pp[i - 1].day && strcmp(pp[i].number, pp[i - 1].number) == 0) {
			printf("FAIL: %s given twice on %d (%s and %s)\n", pp[i].number, pp[i].day, pp[i - 1].id,
			       pp[i].id);
			bad++;
		}
		char st[16];
		if (row_state(db, pp[i].id, st, sizeof st) != 0) {
			printf("FAIL: ticket %s (%s) reached paper but is not in the ledger\n", pp[i].id, pp[i].number);
			bad++;
		} else if (strcmp(st, "printed") != 0 && strcmp(st, "void") != 0) {
			printf("FAIL: ticket %s reached paper but is %s\n", pp[i].id, st);
			bad++;
		}
	}
	free(pp);
	/* Confirmed tickets are printed. */
	snprintf(path, sizeof path, "%s/confirmed.log", dir);
	f = fopen(path, "r");
	long confirmed = 0;
	while (f && fgets(line, sizeof line, f)) {
		int day;
		char num[8], id[40], st[16];
		if (sscanf(line, "%d %7s %39s", &day, num, id) != 3 || !strchr(line, '\n'))
			continue;
		confirmed++;
		if (row_state(db, id, st, sizeof st) != 0 || strcmp(st, "printed") != 0) {
			printf("FAIL: confirmed ticket %s %s is %s in the ledger\n", num, id, st[0] ? st : "missing");
			bad++;
		}
	}
	if (f)
		fclose(f);
	sqlite3_prepare_v2(db, "SELECT sum(state='printed'), sum(state='void'), sum(state='released') FROM tickets",
			   -1, &s, NULL);
	if (sqlite3_step(s) == SQLITE_ROW)
		printf("ledger: printed=%d void=%d released=%d; tickets on the byte log=%zu; spool tickets=%ld; "
		       "confirmed=%ld\n", sqlite3_column_int(s, 0), sqlite3_column_int(s, 1),
		       sqlite3_column_int(s, 2), distinct, npaper, confirmed);
	sqlite3_finalize(s);
	sqlite3_close(db);

	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: ledger_crash DIR KILLS SEED\n");
		return 2;
	}
	snprintf(dir, sizeof dir, "%s", argv[1]);
	long kills = strtol(argv[2], NULL, 10);
	rng_state = (unsigned)strtoul(argv[3], NULL, 10);
	if (kills < 1 || mkdir(dir, 0755) != 0) {
		fprintf(stderr, "ledger_crash: need KILLS >= 1 and a new DIR (%s)\n", strerror(errno));
		return 2;
	}
	sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	long hits[PH_COUNT] = {0};
	for (long k = 0; k < kills; k++) {
		sh->phase = PH_IDLE;
		sh->started = 0;
		pid_t pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0)
			_exit(child((int)k));
		/* Aim at a phase, then wait a random moment inside it. */
		int target = 1 + (int)(rnd() % 3);
		long want = (long)(rnd() % 3); /* tickets finished before the kill */
		for (int w = 0; w < 20000; w++) { /* at most ~2 s */
			if (sh->started && sh->phase == target && sh->tickets >= want)
				break;
			int st;
			if (waitpid(pid, &st, WNOHANG) == pid) {
				printf("FAIL: child exited by itself (status %d)\n", st);
				return 1;
			}
			sleep_us(100);
		}
		/* The confirm phase includes the spool files' writes and syncs. */
		sleep_us((long)(rnd() % (target == PH_CONFIRM ? 5000 : 400)));
		kill(pid, SIGKILL);
		int st;
		waitpid(pid, &st, 0);
		hits[sh->phase]++;
		sh->tickets = 0;
		/* The restart: recovery, then every rule (the byte log every 10). */
		if (verify(k % 10 == 9)) {
			printf("FAIL: after kill %ld\n", k + 1);
			return 1;
		}
	}
	printf("kills=%ld", kills);
	for (int i = 0; i < PH_COUNT; i++)
		printf(" %s=%ld", ph_name[i], hits[i]);
	printf("\n");
	printf("storage faults=%ld (printed tickets recorded late=%ld)\n", sh->storage_faults, sh->late_records);
	int rc = verify(true);
	char cpath[700];
	snprintf(cpath, sizeof cpath, "%s/confirmed.log", dir);
	struct stat cs;
	if (stat(cpath, &cs) != 0 || cs.st_size == 0) {
		printf("FAIL: no ticket was ever confirmed\n");
		rc = 1;
	}
	long need = kills >= 300 ? MIN_HITS : 1;
	if (kills >= 300 && (sh->storage_faults < MIN_HITS || sh->late_records < 1)) {
		printf("FAIL: too few storage faults (%ld, %ld late records)\n", sh->storage_faults, sh->late_records);
		rc = 1;
	}
	for (int i = PH_RESERVE; i < PH_COUNT; i++)
		if (hits[i] < need) {
			printf("FAIL: phase %s hit by %ld kills (< %ld)\n", ph_name[i], hits[i], need);
			rc = 1;
		}
	return rc;
}
