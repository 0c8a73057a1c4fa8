/* ledger.c - SQLite ticket ledger: numbering, daily reset, void rules and
 * events. Each public call is one IMMEDIATE transaction with synchronous=FULL
 * so it is durable when it returns. */
#include "domain/ledger.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "core/kiosk.h"

static void seterr_plain(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
}

#define SCHEMA_VERSION "1"
#define LEDGER_APP_ID 0x4B4C4447   /* PRAGMA application_id of a kiosk ledger, "KLDG" */
#define SLOT_SIZE 128              /* one confirm record, padded */
#define SLOT_MAGIC "KLC1"

struct ledger {
	sqlite3 *db;
	const kclock_t *clock;
	char prefix[16];           /* random per-ledger part of ticket ids */
	bool warning;
	bool rewound;              /* a trusted clock brought a future business day back */
	int rewound_from;          /* the business day it replaced */
	int64_t pending;           /* printed row whose "printed" write failed, 0: none */
	int slot_fd;               /* <path>-confirm, pre-allocated; -1 when unusable */
	char slot_path[4200];
	char path[4096];
	int last_rc;               /* last failure, KIOSK_* */
	char last_err[320];        /* its precise reason, for staff and logs */
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

/* ---- errors: what kind of storage problem, in words for staff ---- */

int ledger_sqlite_code(int rc, int sys)
{
	int prim = rc & 0xff;
	switch (prim) {
	case SQLITE_OK: case SQLITE_DONE: case SQLITE_ROW: return KIOSK_OK;
	case SQLITE_FULL: return KIOSK_ENOSPC;
	case SQLITE_READONLY: return KIOSK_EROFS;
	case SQLITE_PERM: case SQLITE_AUTH: return KIOSK_EROFS;
	case SQLITE_CORRUPT: case SQLITE_NOTADB: return KIOSK_ECORRUPT;
	case SQLITE_BUSY: case SQLITE_LOCKED: return KIOSK_EBUSY;
	case SQLITE_NOMEM: return KIOSK_ENOMEM;
	case SQLITE_CONSTRAINT: return KIOSK_ERR;
	case SQLITE_IOERR: case SQLITE_CANTOPEN:
		if (sys == ENOSPC || sys == EDQUOT)
			return KIOSK_ENOSPC;
		if (sys == EROFS || sys == EACCES || sys == EPERM)
			return KIOSK_EROFS;
		return KIOSK_EIO;
	default: return KIOSK_EIO;
	}
}

static const char *kind_words(int k)
{
	switch (k) {
	case KIOSK_ENOSPC: return "storage full";
	case KIOSK_EROFS: return "storage read-only or not writable";
	case KIOSK_ECORRUPT: return "ledger damaged";
	case KIOSK_EBUSY: return "ledger locked by another process";
	case KIOSK_ENOMEM: return "out of memory";
	default: return "storage error";
	}
}

/* Describe rc (as returned, never sqlite3_errmsg after the fact). */
static void describe(char *buf, size_t cap, int k, int rc, int sys)
{
	int prim = rc & 0xff;
	if (sys && (prim == SQLITE_IOERR || prim == SQLITE_CANTOPEN || prim == SQLITE_FULL))
		snprintf(buf, cap, "%s: %s (SQLite %d, %s)", kind_words(k), sqlite3_errstr(rc), rc, strerror(sys));
	else
		snprintf(buf, cap, "%s: %s (SQLite %d)", kind_words(k), sqlite3_errstr(rc), rc);
}

/* When SQLite's answer is vague (cannot open, I/O error, "malformed" from
 * a read that failed), ask the storage itself: a read-only file system, no
 * space left, or a file that cannot be read at all. KIOSK_OK: no finding. */
static int probe_storage(const char *path, char *buf, size_t cap)
{
	char dir[4200];
	snprintf(dir, sizeof dir, "%s", path);
	char *sl = strrchr(dir, '/');
	if (sl)
		*(sl == dir ? sl + 1 : sl) = 0;
	else
		snprintf(dir, sizeof dir, ".");
	struct statvfs vs;
	if (statvfs(dir, &vs) == 0 && (vs.f_flag & ST_RDONLY)) {
		snprintf(buf, cap, "storage read-only or not writable: the file system holding the ledger is "
			 "mounted read-only");
		return KIOSK_EROFS;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == EIO) {
		snprintf(buf, cap, "storage error: the ledger file cannot be opened (%s)", strerror(errno));
		return KIOSK_EIO;
	}
	char b[100];
	if (fd >= 0 && pread(fd, b, sizeof b, 0) < 0) {
		int e = errno;
		close(fd);
		snprintf(buf, cap, "storage error: the ledger file cannot be read (%s)", strerror(e));
		return KIOSK_EIO;
	}
	if (fd >= 0)
		close(fd);
	if (access(dir, W_OK) != 0 && (errno == EROFS || errno == EACCES || errno == EPERM)) {
		snprintf(buf, cap, "storage read-only or not writable: the ledger's folder cannot be written (%s)",
			 strerror(errno));
		return KIOSK_EROFS;
	}
	return KIOSK_OK;
}

/* Note a failed SQLite call on l and return its KIOSK_* kind. */
static int fail_rc(ledger_t *l, int rc)
{
	int ext = sqlite3_extended_errcode(l->db);
	if ((ext & 0xff) == (rc & 0xff))
		rc = ext; /* the extended code of this very failure */
	int sys = sqlite3_system_errno(l->db);
	int k = ledger_sqlite_code(rc, sys);
	if (k == KIOSK_OK)
		return KIOSK_OK;
	l->last_rc = k;
	describe(l->last_err, sizeof l->last_err, k, rc, sys);
	if ((k == KIOSK_EIO || k == KIOSK_ECORRUPT) && l->path[0]) {
		char why[256];
		int p = probe_storage(l->path, why, sizeof why);
		if (p) {
			l->last_rc = k = p;
			snprintf(l->last_err, sizeof l->last_err, "%s (SQLite said: %s, %d)", why, sqlite3_errstr(rc), rc);
		}
	}
	return k;
}

static int exec(ledger_t *l, const char *sql)
{
	int rc = sqlite3_exec(l->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? KIOSK_OK : fail_rc(l, rc);
}

static int begin(ledger_t *l) { return exec(l, "BEGIN IMMEDIATE"); }
static int commit(ledger_t *l)
{
	int rc = exec(l, "COMMIT");
	if (rc == KIOSK_OK) { /* the storage works (again) */
		l->last_rc = KIOSK_OK;
		l->last_err[0] = 0;
	}
	return rc;
}
static void rollback(ledger_t *l)
{
	if (!sqlite3_get_autocommit(l->db))
		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
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
		return fail_rc(l, rc);
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
	int out = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? KIOSK_OK : fail_rc(l, rc);
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

/* ---- the confirm slot: "this row's ticket was sent whole and confirmed" ----
 * A small file next to the ledger, allocated before any byte is sent and
 * then only overwritten in place, so recording the fact needs no new space
 * on the storage. At open, a "sent" row named there is repaired to printed. */

static int slot_ready(ledger_t *l)
{
	if (l->slot_fd >= 0)
		return KIOSK_OK;
	int fd = open(l->slot_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		int e = errno;
		l->last_rc = e == ENOSPC || e == EDQUOT ? KIOSK_ENOSPC
			     : e == EROFS || e == EACCES || e == EPERM ? KIOSK_EROFS : KIOSK_EIO;
		snprintf(l->last_err, sizeof l->last_err, "%s: cannot create %.160s (%s)", kind_words(l->last_rc),
			 l->slot_path, strerror(e));
		return l->last_rc;
	}
	struct stat sb;
	if (fstat(fd, &sb) == 0 && sb.st_size >= SLOT_SIZE) {
		l->slot_fd = fd;
		return KIOSK_OK;
	}
	char zero[SLOT_SIZE] = {0};
	int e = 0;
	if (pwrite(fd, zero, sizeof zero, 0) != (ssize_t)sizeof zero || fsync(fd) != 0)
		e = errno ? errno : EIO;
	if (e) {
		close(fd);
		unlink(l->slot_path); /* a short slot would need space later */
		l->last_rc = e == ENOSPC || e == EDQUOT ? KIOSK_ENOSPC : e == EROFS ? KIOSK_EROFS : KIOSK_EIO;
		snprintf(l->last_err, sizeof l->last_err, "%s: cannot allocate %.160s (%s)", kind_words(l->last_rc),
			 l->slot_path, strerror(e));
		return l->last_rc;
	}
	l->slot_fd = fd;
	return KIOSK_OK;
}

static int slot_write(ledger_t *l, int64_t row, const char *ticket_id)
{
	if (slot_ready(l))
		return l->last_rc;
	char rec[SLOT_SIZE] = {0};
	if (row)
		snprintf(rec, sizeof rec, SLOT_MAGIC " %lld %s\n", (long long)row, ticket_id);
	if (pwrite(l->slot_fd, rec, sizeof rec, 0) != (ssize_t)sizeof rec || fdatasync(l->slot_fd) != 0) {
		int e = errno ? errno : EIO;
		l->last_rc = e == ENOSPC ? KIOSK_ENOSPC : KIOSK_EIO;
		snprintf(l->last_err, sizeof l->last_err, "%s: cannot write %.160s (%s)", kind_words(l->last_rc),
			 l->slot_path, strerror(e));
		return l->last_rc;
	}
	return KIOSK_OK;
}

/* The row named in the slot (0 when empty or unreadable). */
static int64_t slot_read(ledger_t *l, char *ticket_id, size_t cap)
{
	ticket_id[0] = 0;
	if (l->slot_fd < 0)
		return 0;
	char rec[SLOT_SIZE + 1] = {0};
	if (pread(l->slot_fd, rec, SLOT_SIZE, 0) != SLOT_SIZE)
		return 0;
	long long row = 0;
	char id[48];
	if (sscanf(rec, SLOT_MAGIC " %lld %47s", &row, id) != 2 || row <= 0)
		return 0;
	snprintf(ticket_id, cap, "%s", id);
	return row;
}

/* ---- opening: look read-only first, create only a missing ledger ---- */

static int load_meta(ledger_t *l)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(l->db, "SELECT value FROM meta WHERE key='prefix'", -1, &st, NULL))
		return fail_rc(l, sqlite3_errcode(l->db));
	int rc = KIOSK_ECORRUPT;
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
 * paper, so it is never reissued (a reprint in flight just fails). A "sent"
 * row named in the confirm slot was sent whole and confirmed by the printer:
 * it is printed. */
static int recover(ledger_t *l, bool *slot_used)
{
	*slot_used = false;
	char id[48];
	int64_t srow = slot_read(l, id, sizeof id);
	int rc = KIOSK_OK;
	if (srow) {
		int64_t n = 0, rep = 0;
		rc = run(l, "SELECT count(*) FROM tickets WHERE row=? AND ticket_id=? AND state='sent'", &n, "it",
			 srow, id);
		if (!rc && n == 1) {
			rc = run(l, "SELECT coalesce(reprint_of,0) FROM tickets WHERE row=?", &rep, "i", srow);
			if (!rc)
				rc = run(l, "UPDATE tickets SET state='printed' WHERE row=?", NULL, "i", srow);
			if (!rc)
				rc = event(l, srow, rep ? "reprinted" : "printed",
					   "sent whole and confirmed before a restart; recorded at start");
		}
		*slot_used = true;
	}
	if (!rc)
		rc = run(l, "INSERT INTO events(ticket_row,kind,at_ms,detail) SELECT row, "
			 "CASE WHEN reprint_of IS NULL THEN 'voided' ELSE 'failed' END, ?, "
			 "'recovered after restart' FROM tickets WHERE state IN ('reserved','sent')",
			 NULL, "i", (int64_t)kclock_now(l->clock));
	if (!rc)
		rc = run(l, "UPDATE tickets SET state = CASE WHEN reprint_of IS NULL THEN 'void' "
			    "ELSE 'failed' END WHERE state IN ('reserved','sent')", NULL, NULL);
	return rc;
}

/* Why a file is not a usable ledger, looked at read-only (nothing written,
 * no journal-mode switch). KIOSK_OK when it is one. */
static int inspect(const char *path, char *why, size_t cap)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	int out = KIOSK_OK;
	sqlite3_stmt *st = NULL;
	if (rc != SQLITE_OK)
		goto sqlfail;
	sqlite3_busy_timeout(db, 2000);
	rc = sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		goto sqlfail;
	if (strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0) {
		snprintf(why, cap, "ledger damaged: SQLite's integrity check reports \"%.120s\"",
			 (const char *)sqlite3_column_text(st, 0));
		out = KIOSK_ECORRUPT;
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	/* Identity: our application id (or none, as older ledgers have), our
	 * four tables, and the meta rows that name this ledger. */
	rc = sqlite3_prepare_v2(db, "SELECT (SELECT application_id FROM pragma_application_id),"
				" (SELECT count(*) FROM sqlite_master WHERE type='table' AND"
				"  name IN ('meta','series','tickets','events')),"
				" (SELECT count(*) FROM sqlite_master WHERE type='table')", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		goto sqlfail;
	int64_t app = sqlite3_column_int64(st, 0), ours = sqlite3_column_int64(st, 1);
	int64_t tables = sqlite3_column_int64(st, 2);
	sqlite3_finalize(st);
	st = NULL;
	if ((app != 0 && app != LEDGER_APP_ID) || ours != 4) {
		snprintf(why, cap, "not a kiosk ledger: another program's SQLite file (application id %lld, "
			 "%lld of the ledger's 4 tables, %lld tables in all)", (long long)app, (long long)ours,
			 (long long)tables);
		out = KIOSK_ECORRUPT;
		goto done;
	}
	rc = sqlite3_prepare_v2(db, "SELECT (SELECT value FROM meta WHERE key='schema'),"
				" (SELECT length(value) FROM meta WHERE key='prefix'),"
				" (SELECT count(*) FROM meta WHERE key IN ('business_day','untrusted_run'))",
				-1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		goto sqlfail;
	const char *schema = (const char *)sqlite3_column_text(st, 0);
	if (!schema || sqlite3_column_int(st, 1) != 8 || sqlite3_column_int(st, 2) != 2) {
		snprintf(why, cap, "ledger damaged: its identity rows (table meta: schema, prefix, business_day, "
			 "untrusted_run) are missing or wrong");
		out = KIOSK_ECORRUPT;
	} else if (strcmp(schema, SCHEMA_VERSION) != 0) {
		snprintf(why, cap, "not a ledger this version can use (schema %.20s, this firmware reads %s)",
			 schema, SCHEMA_VERSION);
		out = KIOSK_ECORRUPT;
	}
	goto done;
sqlfail: {
		int ext = db ? sqlite3_extended_errcode(db) : rc;
		if ((ext & 0xff) == (rc & 0xff))
			rc = ext;
		int sys = db ? sqlite3_system_errno(db) : 0;
		out = ledger_sqlite_code(rc, sys);
		if (out == KIOSK_OK)
			out = KIOSK_EIO;
		char pw[256];
		int p = out == KIOSK_EIO || out == KIOSK_ECORRUPT ? probe_storage(path, pw, sizeof pw) : KIOSK_OK;
		if (p) {
			out = p;
			snprintf(why, cap, "%s (SQLite said: %s, %d)", pw, sqlite3_errstr(rc), rc);
		} else if (out == KIOSK_ECORRUPT)
			snprintf(why, cap, "ledger damaged or not a SQLite file: %s (SQLite %d)", sqlite3_errstr(rc), rc);
		else
			describe(why, cap, out, rc, sys);
	}
done:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

static int errno_kind(int e)
{
	return e == ENOSPC || e == EDQUOT ? KIOSK_ENOSPC : e == EROFS || e == EACCES || e == EPERM ? KIOSK_EROFS
										    : KIOSK_EIO;
}

static int sync_parent(const char *path)
{
	char dir[4200];
	snprintf(dir, sizeof dir, "%s", path);
	char *s = strrchr(dir, '/');
	if (s == dir)
		s[1] = 0;
	else if (s)
		*s = 0;
	else
		snprintf(dir, sizeof dir, ".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	int e = fsync(fd) == 0 ? 0 : errno;
	close(fd);
	return e;
}

static void unlink_tmp(const char *tmp)
{
	char p[4300];
	unlink(tmp);
	static const char *const sfx[] = {"-journal", "-wal", "-shm"};
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(sfx); i++) {
		snprintf(p, sizeof p, "%s%s", tmp, sfx[i]);
		unlink(p);
	}
}

/* A new ledger, made whole in <path>.new and renamed into place, so a crash
 * during creation never leaves a half-made (or empty) ledger.db. */
static int create_ledger(const char *path, char *why, size_t cap)
{
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.new", path);
	unlink_tmp(tmp); /* what a crash during an earlier creation left */
	ledger_t t = {.slot_fd = -1};
	int rc = sqlite3_open_v2(tmp, &t.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	int k = rc == SQLITE_OK ? KIOSK_OK : ledger_sqlite_code(rc, t.db ? sqlite3_system_errno(t.db) : 0);
	if (k) {
		describe(why, cap, k, rc, t.db ? sqlite3_system_errno(t.db) : 0);
		sqlite3_close(t.db);
		unlink_tmp(tmp);
		return k;
	}
	unsigned char r[4];
	char prefix[16];
	if (kiosk_random(r, sizeof r) != KIOSK_OK) {
		snprintf(why, cap, "no random bytes for the ledger's id");
		sqlite3_close(t.db);
		unlink_tmp(tmp);
		return KIOSK_ERR;
	}
	snprintf(prefix, sizeof prefix, "%02x%02x%02x%02x", r[0], r[1], r[2], r[3]);
	char appid[64];
	snprintf(appid, sizeof appid, "PRAGMA application_id=%d", LEDGER_APP_ID);
	k = exec(&t, appid);
	if (!k)
		k = exec(&t, "PRAGMA user_version=1");
	if (!k)
		k = exec(&t, "PRAGMA journal_mode=WAL");
	if (!k)
		k = exec(&t, "PRAGMA synchronous=FULL");
	if (!k)
		k = begin(&t);
	if (!k)
		k = exec(&t, schema_sql);
	if (!k)
		k = run(&t, "INSERT INTO meta(key,value) VALUES('schema'," SCHEMA_VERSION "),"
			    "('prefix',?),('business_day','0'),('untrusted_run','0')", NULL, "t", prefix);
	if (!k)
		k = commit(&t);
	if (k)
		snprintf(why, cap, "%s", t.last_err);
	/* Closing the last connection checkpoints the WAL into the file. */
	if (sqlite3_close(t.db) != SQLITE_OK && !k) {
		k = KIOSK_EIO;
		snprintf(why, cap, "storage error: cannot close the new ledger");
	}
	int fd = k ? -1 : open(tmp, O_RDONLY | O_CLOEXEC);
	if (!k && (fd < 0 || fsync(fd) != 0)) {
		k = errno_kind(errno);
		snprintf(why, cap, "%s: cannot sync the new ledger (%s)", kind_words(k), strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	if (!k && rename(tmp, path) != 0) {
		k = errno_kind(errno);
		snprintf(why, cap, "%s: cannot put the new ledger in place (%s)", kind_words(k), strerror(errno));
	}
	if (k) {
		unlink_tmp(tmp);
		return k;
	}
	int e = sync_parent(path);
	if (e) {
		snprintf(why, cap, "%s: cannot sync the ledger's folder (%s)", kind_words(errno_kind(e)), strerror(e));
		return errno_kind(e);
	}
	return KIOSK_OK;
}

/* The staff's sentence for a ledger that cannot be opened. */
static void open_error(char *err, size_t errlen, int k, const char *path, const char *why)
{
	if (!err || !errlen)
		return;
	switch (k) {
	case KIOSK_ENOSPC:
		snprintf(err, errlen, "ledger: the storage holding %s is full (%s); free space on the data "
			 "partition. The ledger itself is not damaged and was not changed", path, why);
		break;
	case KIOSK_EROFS:
		snprintf(err, errlen, "ledger: the storage holding %s cannot be written (%s); check that the data "
			 "partition is mounted read-write and its card is healthy. The ledger was not changed",
			 path, why);
		break;
	case KIOSK_ECORRUPT:
		snprintf(err, errlen, "ledger: %s is corrupt or not a kiosk ledger: %s. It was left untouched; keep it for a "
			 "technician (restore a backup, or move it away to start a new ledger whose numbers "
			 "restart at 001)", path, why);
		break;
	default:
		snprintf(err, errlen, "ledger: cannot use %s: %s. The ledger was not changed", path, why);
		break;
	}
}

int ledger_open(const char *path, const kclock_t *clock, ledger_t **out, char *err, size_t errlen)
{
	*out = NULL;
	if (err && errlen)
		err[0] = 0;
	if (!path || !clock) {
		seterr_plain(err, errlen, "ledger: bad arguments");
		return KIOSK_EINVAL;
	}
	char why[400] = "";
	struct stat sb;
	int k = KIOSK_OK;
	if (stat(path, &sb) != 0) {
		if (errno != ENOENT) {
			k = errno_kind(errno);
			snprintf(why, sizeof why, "%s: %s", kind_words(k), strerror(errno));
		} else {
			char wal[4200];
			snprintf(wal, sizeof wal, "%s-wal", path);
			struct stat ws;
			if (stat(wal, &ws) == 0 && ws.st_size > 0) {
				k = KIOSK_ECORRUPT;
				snprintf(why, sizeof why, "the ledger file is missing but its journal %.200s is there "
					 "(the ledger was moved or deleted)", wal);
			} else {
				k = create_ledger(path, why, sizeof why);
			}
		}
	} else if (!S_ISREG(sb.st_mode)) {
		k = KIOSK_ECORRUPT;
		snprintf(why, sizeof why, "not a regular file");
	} else if (sb.st_size == 0) {
		/* Creation is atomic, so an empty ledger.db is never one of ours. */
		k = KIOSK_ECORRUPT;
		snprintf(why, sizeof why, "the file is empty (0 bytes), so the numbers issued so far are unknown");
	} else {
		k = inspect(path, why, sizeof why);
	}
	if (k) {
		open_error(err, errlen, k, path, why);
		return k;
	}
	ledger_t *l = calloc(1, sizeof *l);
	if (!l)
		return KIOSK_ENOMEM;
	l->clock = clock;
	l->slot_fd = -1;
	snprintf(l->slot_path, sizeof l->slot_path, "%s-confirm", path);
	snprintf(l->path, sizeof l->path, "%s", path);
	int rc = sqlite3_open_v2(path, &l->db, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK) {
		k = l->db ? fail_rc(l, rc) : KIOSK_ENOMEM;
		if (!l->db)
			snprintf(l->last_err, sizeof l->last_err, "out of memory");
	} else {
		sqlite3_busy_timeout(l->db, 2000);
		/* Checked above to be a kiosk ledger, so the switch is ours to make. */
		k = exec(l, "PRAGMA journal_mode=WAL");
		if (!k)
			k = exec(l, "PRAGMA synchronous=FULL");
	}
	slot_ready(l); /* a missing slot is made before the next ticket is sent */
	bool slot_used = false;
	if (!k)
		k = begin(l);
	if (!k) {
		k = load_meta(l);
		if (k == KIOSK_ECORRUPT)
			snprintf(l->last_err, sizeof l->last_err, "ledger damaged: its prefix row is missing");
		if (!k)
			k = recover(l, &slot_used);
		if (!k)
			k = commit(l);
		else
			rollback(l);
	}
	if (k) {
		open_error(err, errlen, k, path, l->last_err);
		ledger_close(l);
		return k;
	}
	if (slot_used)
		slot_write(l, 0, NULL); /* the row is printed now; a stale record is harmless */
	l->last_rc = KIOSK_OK;
	l->last_err[0] = 0;
	*out = l;
	return KIOSK_OK;
}

void ledger_close(ledger_t *l)
{
	if (!l)
		return;
	sqlite3_close(l->db);
	if (l->slot_fd >= 0)
		close(l->slot_fd);
	free(l);
}

static int eff_cap(int cap)
{
	return (cap <= 0 || cap > LEDGER_MAX_SEQ) ? LEDGER_MAX_SEQ : cap;
}

/* Day decision inside a transaction. *reset: a reset is due now (trusted
 * clock, later date, no untrusted tickets since the business day began).
 * *adopt: later trusted date but untrusted tickets exist, so the business
 * day moves without resetting counters (they may be today's). *rewind: the
 * stored business day is more than a day ahead of a trusted clock (a wrong
 * clock reading once moved it there): today becomes the business day again,
 * numbering goes on after the numbers already used today (so none repeats
 * within a day), counters restart when no untrusted tickets were numbered
 * since, and staff are told. */
typedef struct {
	int today, business;
	bool trusted_ok, reset, adopt, rewind;
} daycheck_t;

#define DAY_MS (24LL * 3600 * 1000)

static int day_check(ledger_t *l, daycheck_t *d)
{
	memset(d, 0, sizeof *d);
	int64_t bd = 0, untrusted = 0;
	int rc = meta_get_int(l, "business_day", &bd);
	if (!rc)
		rc = meta_get_int(l, "untrusted_run", &untrusted);
	if (rc)
		return rc;
	int64_t now = kclock_now(l->clock);
	kclock_local_t lt, tomorrow;
	kclock_to_local(now, &lt);
	kclock_to_local(now + DAY_MS, &tomorrow);
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
	} else if (trusted && d->business > tomorrow.yday_key) {
		d->trusted_ok = true;
		d->rewind = true;
		d->adopt = untrusted != 0; /* counters kept: those tickets may be today's */
	}
	return KIOSK_OK;
}

/* The series counters after a rewind: at least the highest number already
 * used today of each series (kept counters when adopting). */
static int rewind_series(ledger_t *l, const daycheck_t *d)
{
	int rc = KIOSK_OK;
	if (!d->adopt)
		rc = run(l, "DELETE FROM series", NULL, NULL);
	if (!rc)
		rc = run(l, "INSERT INTO series(letter,seq) SELECT series, max(seq) FROM tickets "
			    "WHERE day_key=? AND reprint_of IS NULL AND state <> 'released' GROUP BY series "
			    "ON CONFLICT(letter) DO UPDATE SET seq=max(seq, excluded.seq)", NULL, "i",
			 (int64_t)d->today);
	return rc;
}

static int apply_day(ledger_t *l, const daycheck_t *d)
{
	int rc = KIOSK_OK;
	if (d->rewind) {
		char detail[160];
		snprintf(detail, sizeof detail, "business day %d was ahead of a trusted clock (%d); %s", d->business,
			 d->today, d->adopt ? "counters kept" : "numbering restarted");
		rc = rewind_series(l, d);
		if (!rc)
			rc = event(l, 0, "rewound", detail);
	} else if (d->reset) {
		rc = run(l, "DELETE FROM series", NULL, NULL);
		if (!rc)
			rc = event(l, 0, "reset", NULL);
	}
	if (!rc && (d->reset || d->adopt || d->rewind)) {
		rc = meta_set_int(l, "business_day", d->today);
		if (!rc && d->adopt && !d->rewind)
			rc = event(l, 0, "adopted", "tickets of an untrusted clock kept their numbers");
	}
	if (!rc)
		rc = meta_set_int(l, "untrusted_run", d->trusted_ok ? 0 : 1);
	return rc;
}

static int flush_pending(ledger_t *l);
static void make_id(ledger_t *l, int64_t row, char *buf, size_t cap);

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
	int rc = flush_pending(l);
	if (!rc)
		rc = exec(l, "BEGIN");
	if (rc)
		return rc;
	rc = day_check(l, &d);
	if (!rc && d.rewind) {
		rc = rewind_series(l, &d); /* rolled back below: only to count */
		if (!rc)
			rc = series_seq(l, series, &seq);
	} else if (!rc && !d.reset) {
		rc = series_seq(l, series, &seq);
	}
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
	int rc = flush_pending(l);
	if (!rc)
		rc = begin(l);
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
	int day = d.reset || d.adopt || d.rewind ? d.today : d.business;
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
	if (d.rewind) {
		l->rewound = true;
		l->rewound_from = d.business;
	}
	out->row = row;
	out->rewound = d.rewind;
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
		return fail_rc(l, rc);
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
		out = fail_rc(l, rc);
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
	/* The confirm slot is allocated before any byte leaves, so recording a
	 * whole ticket later never needs space the storage may not have. */
	int rc = slot_ready(l);
	if (rc)
		return rc;
	return transition(l, row, "reserved", NULL, "sent", "sent", NULL);
}

int ledger_confirm(ledger_t *l, int64_t row)
{
	if (!l || row <= 0)
		return KIOSK_EINVAL;
	char id[40];
	make_id(l, row, id, sizeof id);
	return slot_write(l, row, id);
}

static int mark_printed_tx(ledger_t *l, int64_t row, const char *detail)
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
		rc = event(l, row, rep ? "reprinted" : "printed", detail);
	if (!rc)
		rc = commit(l);
	if (rc)
		rollback(l);
	return rc;
}

/* Clear the slot when it names row (it is recorded in the ledger now). */
static void slot_clear(ledger_t *l, int64_t row)
{
	char id[48];
	if (slot_read(l, id, sizeof id) == row)
		slot_write(l, 0, NULL);
}

int ledger_mark_printed(ledger_t *l, int64_t row)
{
	if (!l)
		return KIOSK_EINVAL;
	int rc = mark_printed_tx(l, row, NULL);
	if (rc == KIOSK_OK) {
		slot_clear(l, row);
	} else if (rc != KIOSK_EINVAL && rc != KIOSK_ENOENT) {
		/* Written by the next call that can write (and at restart from
		 * the slot); until then nothing else is reserved. */
		l->pending = row;
	}
	return rc;
}

static int flush_pending(ledger_t *l)
{
	if (!l->pending)
		return KIOSK_OK;
	int rc = mark_printed_tx(l, l->pending, "recorded late: the storage failed when it printed");
	if (rc == KIOSK_OK || rc == KIOSK_EINVAL || rc == KIOSK_ENOENT) {
		slot_clear(l, l->pending);
		l->pending = 0;
		return KIOSK_OK;
	}
	return rc;
}

int ledger_fail(ledger_t *l, int64_t row, bool bytes_sent, const char *reason)
{
	/* Never repair a ticket that failed: forget its confirm record first. */
	slot_clear(l, row);
	if (l->pending == row)
		l->pending = 0;
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
	int rc = flush_pending(l);
	if (!rc)
		rc = begin(l);
	if (rc)
		return rc;
	daycheck_t d;
	rc = day_check(l, &d);
	sqlite3_stmt *st = NULL;
	int64_t orig = 0;
	if (!rc && (d.reset || d.adopt || d.rewind))
		rc = KIOSK_ENOENT; /* a new day: yesterday's numbers are gone */
	if (!rc && sqlite3_prepare_v2(l->db, "SELECT row, series, seq, procedure, priority FROM tickets "
				      "WHERE day_key=? AND number=? AND reprint_of IS NULL AND state='printed'",
				      -1, &st, NULL) != SQLITE_OK)
		rc = fail_rc(l, sqlite3_errcode(l->db));
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
			rc = s == SQLITE_DONE ? KIOSK_ENOENT : fail_rc(l, s);
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

bool ledger_day_rewound(const ledger_t *l, int *from_day)
{
	if (from_day)
		*from_day = l ? l->rewound_from : 0;
	return l && l->rewound;
}

bool ledger_storage_pending(const ledger_t *l)
{
	return l && l->pending != 0;
}

int ledger_last_error(const ledger_t *l, char *buf, size_t cap)
{
	if (cap)
		buf[0] = 0;
	if (!l)
		return KIOSK_EINVAL;
	if (cap)
		snprintf(buf, cap, "%s", l->last_err);
	return l->last_rc;
}
