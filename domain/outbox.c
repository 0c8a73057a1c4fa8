/* outbox.c - the fleet agent's durable outbox: messages numbered by a
 * per-kiosk sequence, stored in SQLite (WAL, synchronous=FULL) before the
 * caller is told they are stored, peeked in order by the agent, deleted on
 * the broker's acknowledgment, and kept under a size bound by the drop
 * policy of outbox.h (heartbeats, then merging hourly figures, then figures,
 * then events), every drop counted. */
#include "domain/outbox.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kiosk.h"
#include "domain/ledger.h"

#define OUTBOX_APP_ID 0x4B464F42   /* PRAGMA application_id, "KFOB" */
#define OUTBOX_BUSY_MS 2000
#define OUTBOX_DEFAULT_ROWS 20000
#define OUTBOX_DEFAULT_BYTES (16LL * 1024 * 1024)

struct outbox {
	sqlite3 *db;
	const kclock_t *clock;
	char id[OUTBOX_ID_MAX + 1];
	int max_rows;
	int64_t max_bytes;
	char err[320];
};

static const char *const DROPPED_KEY[OUTBOX_CLASSES] = {"dropped0", "dropped1", "dropped2"};

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS ob_meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS ob_msgs("
	" seq INTEGER PRIMARY KEY,"
	" cls INTEGER NOT NULL,"
	" topic TEXT NOT NULL,"
	" payload TEXT NOT NULL,"
	" mkey TEXT);"
	"CREATE INDEX IF NOT EXISTS ob_msgs_cls ON ob_msgs(cls, seq);"
	"INSERT OR IGNORE INTO ob_meta(key,value) VALUES('schema',1),('next_seq',1),"
	"('dropped0',0),('dropped1',0),('dropped2',0),('merged',0);";

/* ---- SQLite plumbing ---- */

static int fail(outbox_t *o, int rc)
{
	int ext = sqlite3_extended_errcode(o->db);
	if ((ext & 0xff) == (rc & 0xff))
		rc = ext;
	int sys = sqlite3_system_errno(o->db);
	int k = ledger_sqlite_code(rc, sys);
	if (k == KIOSK_OK)
		k = KIOSK_EIO;
	snprintf(o->err, sizeof o->err, "outbox: %s: %s (SQLite %d%s%s)", kiosk_strerror(k),
		 sqlite3_errstr(rc), rc, sys ? ", " : "", sys ? strerror(sys) : "");
	return k;
}

static int exec(outbox_t *o, const char *sql)
{
	int rc = sqlite3_exec(o->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? KIOSK_OK : fail(o, rc);
}

static void rollback(outbox_t *o)
{
	if (!sqlite3_get_autocommit(o->db))
		sqlite3_exec(o->db, "ROLLBACK", NULL, NULL, NULL);
}

/* One statement with int64 parameters; *val (may be NULL) gets the first
 * column of the first row (0 when there is none). */
static int run(outbox_t *o, int64_t *val, const char *sql, int nparam, const int64_t *params)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(o->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(o, rc);
	for (int i = 0; i < nparam; i++)
		sqlite3_bind_int64(st, i + 1, params[i]);
	if (val)
		*val = 0;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && val)
		*val = sqlite3_column_int64(st, 0);
	int k = rc == SQLITE_ROW || rc == SQLITE_DONE ? KIOSK_OK : fail(o, rc);
	sqlite3_finalize(st);
	return k;
}

static int meta_get(outbox_t *o, const char *key, int64_t *v)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(o->db, "SELECT value FROM ob_meta WHERE key=?", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(o, rc);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	*v = 0;
	rc = sqlite3_step(st);
	int k = KIOSK_OK;
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		k = KIOSK_ECORRUPT;
	else
		k = fail(o, rc);
	sqlite3_finalize(st);
	return k;
}

static int meta_add(outbox_t *o, const char *key, int64_t d)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(o->db, "UPDATE ob_meta SET value=value+? WHERE key=?", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(o, rc);
	sqlite3_bind_int64(st, 1, d);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	int k = rc == SQLITE_DONE ? KIOSK_OK : fail(o, rc);
	sqlite3_finalize(st);
	return k;
}

/* ---- open ---- */

bool outbox_id_valid(const char *id)
{
	if (!id || !*id || strlen(id) > OUTBOX_ID_MAX)
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_' || *p == '-' || *p == '.'))
			return false;
	return true;
}

const char *outbox_class_name(outbox_class_t cls)
{
	switch (cls) {
	case OUTBOX_HEARTBEAT: return "heartbeat";
	case OUTBOX_STATS: return "stats";
	case OUTBOX_EVENT: return "event";
	default: return "?";
	}
}

const char *outbox_error(const outbox_t *o)
{
	return o ? o->err : "outbox: none";
}

/* What the file holds: its application id, how many tables, how many of
 * them are the outbox's. */
static int read_kind(outbox_t *o, int64_t *appid, int64_t *tables, int64_t *ours)
{
	int k = run(o, appid, "PRAGMA application_id", 0, NULL);
	if (!k)
		k = run(o, tables, "SELECT count(*) FROM sqlite_master", 0, NULL);
	if (!k)
		k = run(o, ours, "SELECT count(*) FROM sqlite_master WHERE type='table' AND "
				 "name IN ('ob_meta','ob_msgs')", 0, NULL);
	return k;
}

/* An outbox, or an empty file that may become one. */
static bool is_ours(int64_t appid, int64_t tables, int64_t ours)
{
	if (appid != 0 && appid != OUTBOX_APP_ID)
		return false;
	return tables == 0 || (appid == OUTBOX_APP_ID && ours == 2);
}

int outbox_open(const char *path, const char *kiosk_id, const kclock_t *clock,
		const outbox_limits_t *lim, outbox_t **out, char *err, size_t errlen)
{
	*out = NULL;
	if (err && errlen)
		err[0] = 0;
	if (!path || !clock)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "outbox: bad arguments");
	if (!outbox_id_valid(kiosk_id))
		return kiosk_err(err, errlen, KIOSK_EINVAL,
				 "outbox: the kiosk id must be 1-%d of A-Z a-z 0-9 _ - .", OUTBOX_ID_MAX);
	outbox_t *o = calloc(1, sizeof *o);
	if (!o)
		return KIOSK_ENOMEM;
	o->clock = clock;
	snprintf(o->id, sizeof o->id, "%s", kiosk_id);
	o->max_rows = lim && lim->max_rows > 0 ? lim->max_rows : OUTBOX_DEFAULT_ROWS;
	o->max_bytes = lim && lim->max_bytes > 0 ? lim->max_bytes : OUTBOX_DEFAULT_BYTES;
	int rc = sqlite3_open_v2(path, &o->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	int k = KIOSK_OK;
	if (rc != SQLITE_OK) {
		k = o->db ? fail(o, rc) : KIOSK_ENOMEM;
		kiosk_err(err, errlen, k, "outbox: cannot open %s: %s", path, o->err);
		goto bad;
	}
	sqlite3_busy_timeout(o->db, OUTBOX_BUSY_MS);
	/* Ours, or a new empty file: never take over another program's file.
	 * Read in one transaction, so that a kiosk-fleet-agent creating the
	 * outbox at the same moment is seen before or after, never half. */
	int64_t appid = 0, tables = 0, ours = 0;
	k = exec(o, "BEGIN");
	if (!k)
		k = read_kind(o, &appid, &tables, &ours);
	if (k) {
		rollback(o);
		kiosk_err(err, errlen, k, "outbox: cannot read %s: %s", path, o->err);
		goto bad;
	}
	exec(o, "COMMIT");
	if (!is_ours(appid, tables, ours)) {
		k = kiosk_err(err, errlen, KIOSK_ECORRUPT,
			      "outbox: %s is not a fleet outbox (left untouched)", path);
		goto bad;
	}
	/* Changing the journal mode does not wait on the busy handler: while
	 * another process opens the same new file it is retried here, for as
	 * long as the handler would wait. */
	for (int waited = 0; (k = exec(o, "PRAGMA journal_mode=WAL")) == KIOSK_EBUSY && waited < OUTBOX_BUSY_MS;
	     waited += 10)
		sqlite3_sleep(10);
	if (!k)
		k = exec(o, "PRAGMA synchronous=FULL");
	if (!k && tables == 0) {
		/* Empty when read: create it, unless another process did since
		 * (the write lock orders the two). */
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA application_id=%d", OUTBOX_APP_ID);
		k = exec(o, "BEGIN IMMEDIATE");
		if (!k)
			k = read_kind(o, &appid, &tables, &ours);
		if (!k && tables == 0) {
			k = exec(o, sql);
			if (!k)
				k = exec(o, schema_sql);
		} else if (!k && !is_ours(appid, tables, ours)) {
			rollback(o);
			k = kiosk_err(err, errlen, KIOSK_ECORRUPT,
				      "outbox: %s is not a fleet outbox (left untouched)", path);
			goto bad;
		}
		if (!k)
			k = exec(o, "COMMIT");
	}
	if (k) {
		rollback(o);
		kiosk_err(err, errlen, k, "outbox: cannot prepare %s: %s", path, o->err);
		goto bad;
	}
	*out = o;
	return KIOSK_OK;
bad:
	sqlite3_close(o->db);
	free(o);
	return k;
}

void outbox_close(outbox_t *o)
{
	if (!o)
		return;
	sqlite3_close(o->db);
	free(o);
}

/* ---- enqueue ---- */

static bool envelope_key(const char *k)
{
	return !strcmp(k, "v") || !strcmp(k, "kiosk") || !strcmp(k, "seq") || !strcmp(k, "ts");
}

/* The payload text: the envelope first, then body's members (moved out of
 * body, which is consumed). NULL when out of memory. */
static char *build_payload(const outbox_t *o, int64_t seq, cJSON *body)
{
	cJSON *m = cJSON_CreateObject();
	if (!m)
		return NULL;
	cJSON_AddNumberToObject(m, "v", 1);
	cJSON_AddStringToObject(m, "kiosk", o->id);
	cJSON_AddNumberToObject(m, "seq", (double)seq);
	cJSON_AddNumberToObject(m, "ts", (double)kclock_now(o->clock));
	while (body->child) {
		cJSON *it = cJSON_DetachItemViaPointer(body, body->child);
		cJSON_AddItemToObject(m, it->string, it);
	}
	char *s = cJSON_PrintUnformatted(m);
	cJSON_Delete(m);
	return s;
}

/* The merge key of hourly figures, "day|group"; "" for any other message. */
static void merge_key(outbox_class_t cls, const cJSON *body, char *key, size_t cap)
{
	key[0] = 0;
	if (cls != OUTBOX_STATS)
		return;
	const cJSON *per = cJSON_GetObjectItemCaseSensitive(body, "period");
	const cJSON *day = cJSON_GetObjectItemCaseSensitive(body, "day");
	const cJSON *grp = cJSON_GetObjectItemCaseSensitive(body, "group");
	if (!cJSON_IsString(per) || !cJSON_IsNumber(day) ||
	    (strcmp(per->valuestring, "hour") && strcmp(per->valuestring, "day")))
		return;
	snprintf(key, cap, "%d|%.60s", day->valueint, cJSON_IsString(grp) ? grp->valuestring : "");
}

static int insert(outbox_t *o, outbox_class_t cls, cJSON *body, int64_t *seq_out)
{
	char mkey[80];
	merge_key(cls, body, mkey, sizeof mkey);
	int64_t seq = 0;
	int k = meta_get(o, "next_seq", &seq);
	if (k)
		return k;
	char *payload = build_payload(o, seq, body);
	if (!payload)
		return KIOSK_ENOMEM;
	if (strlen(payload) > OUTBOX_PAYLOAD_MAX) {
		free(payload);
		snprintf(o->err, sizeof o->err, "outbox: a payload is larger than %d bytes", OUTBOX_PAYLOAD_MAX);
		return KIOSK_ERANGE;
	}
	char topic[OUTBOX_TOPIC_MAX];
	snprintf(topic, sizeof topic, "kiosk/%s/%s", o->id, outbox_class_name(cls));
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(o->db, "INSERT INTO ob_msgs(seq,cls,topic,payload,mkey) VALUES(?,?,?,?,?)",
				    -1, &st, NULL);
	if (rc != SQLITE_OK) {
		free(payload);
		return fail(o, rc);
	}
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_int(st, 2, (int)cls);
	sqlite3_bind_text(st, 3, topic, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, payload, -1, free);
	if (mkey[0])
		sqlite3_bind_text(st, 5, mkey, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 5);
	rc = sqlite3_step(st);
	k = rc == SQLITE_DONE ? KIOSK_OK : fail(o, rc);
	sqlite3_finalize(st);
	if (!k)
		k = meta_add(o, "next_seq", 1);
	if (!k && seq_out)
		*seq_out = seq;
	return k;
}

static int usage(outbox_t *o, int64_t *rows, int64_t *bytes)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(o->db, "SELECT count(*), coalesce(sum(length(topic)+length(payload)),0)"
					   " FROM ob_msgs", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(o, rc);
	rc = sqlite3_step(st);
	int k = rc == SQLITE_ROW ? KIOSK_OK : fail(o, rc);
	*rows = k ? 0 : sqlite3_column_int64(st, 0);
	*bytes = k ? 0 : sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	return k;
}

/* Delete the oldest message of cls other than keep. *done: one went. */
static int drop_oldest(outbox_t *o, outbox_class_t cls, int64_t keep, bool *done)
{
	int64_t seq = 0;
	int64_t p[2] = {cls, keep};
	int k = run(o, &seq, "SELECT seq FROM ob_msgs WHERE cls=? AND seq<>? ORDER BY seq LIMIT 1", 2, p);
	*done = false;
	if (k || seq == 0)
		return k;
	k = run(o, NULL, "DELETE FROM ob_msgs WHERE seq=?", 1, &seq);
	if (!k)
		k = meta_add(o, DROPPED_KEY[cls], 1);
	*done = !k;
	return k;
}

/* Fold src's figures into acc (see outbox.h). */
static void fold(cJSON *acc, const cJSON *src, cJSON *replaces)
{
	const cJSON *seq = cJSON_GetObjectItemCaseSensitive(src, "seq");
	const cJSON *rep = cJSON_GetObjectItemCaseSensitive(src, "replaces");
	if (cJSON_IsArray(rep)) {
		const cJSON *e;
		cJSON_ArrayForEach(e, rep)
			cJSON_AddItemToArray(replaces, cJSON_CreateNumber(e->valuedouble));
	} else if (cJSON_IsNumber(seq)) {
		cJSON_AddItemToArray(replaces, cJSON_CreateNumber(seq->valuedouble));
	}
	const cJSON *hrs = cJSON_GetObjectItemCaseSensitive(src, "hours");
	double h = cJSON_IsNumber(hrs) ? hrs->valuedouble : 1;
	cJSON *ah = cJSON_GetObjectItemCaseSensitive(acc, "hours");
	cJSON_SetNumberValue(ah, ah->valuedouble + h);
	const cJSON *it;
	cJSON_ArrayForEach(it, src) {
		const char *n = it->string;
		if (!cJSON_IsNumber(it) || envelope_key(n) || !strcmp(n, "day") || !strcmp(n, "hour") ||
		    !strcmp(n, "hours") || strstr(n, "median"))
			continue;
		size_t len = strlen(n);
		bool is_max = len > 4 && !strcmp(n + len - 4, "_max");
		cJSON *a = cJSON_GetObjectItemCaseSensitive(acc, n);
		if (!a)
			cJSON_AddNumberToObject(acc, n, it->valuedouble);
		else if (is_max)
			cJSON_SetNumberValue(a, a->valuedouble > it->valuedouble ? a->valuedouble : it->valuedouble);
		else
			cJSON_SetNumberValue(a, a->valuedouble + it->valuedouble);
	}
}

/* Merge the hourly figures of the oldest (day, group) that has at least
 * two messages into one daily message with a new seq. *done: merged. */
static int merge_oldest(outbox_t *o, int64_t keep, bool *done)
{
	*done = false;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(o->db, "SELECT mkey FROM ob_msgs WHERE mkey IS NOT NULL AND seq<>?"
					   " GROUP BY mkey HAVING count(*)>=2 ORDER BY min(seq) LIMIT 1",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(o, rc);
	sqlite3_bind_int64(st, 1, keep);
	rc = sqlite3_step(st);
	char mkey[80] = "";
	if (rc == SQLITE_ROW)
		snprintf(mkey, sizeof mkey, "%s", (const char *)sqlite3_column_text(st, 0));
	int k = rc == SQLITE_ROW || rc == SQLITE_DONE ? KIOSK_OK : fail(o, rc);
	sqlite3_finalize(st);
	if (k || !mkey[0])
		return k;

	cJSON *acc = cJSON_CreateObject();
	cJSON *replaces = cJSON_CreateArray();
	if (!acc || !replaces) {
		cJSON_Delete(acc);
		cJSON_Delete(replaces);
		return KIOSK_ENOMEM;
	}
	cJSON_AddStringToObject(acc, "period", "day");
	cJSON_AddNumberToObject(acc, "hours", 0);
	int64_t n = 0;
	rc = sqlite3_prepare_v2(o->db, "SELECT payload FROM ob_msgs WHERE mkey=? AND seq<>? ORDER BY seq", -1, &st,
				NULL);
	if (rc != SQLITE_OK) {
		k = fail(o, rc);
		goto out;
	}
	sqlite3_bind_text(st, 1, mkey, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, keep);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cJSON *src = cJSON_Parse((const char *)sqlite3_column_text(st, 0));
		if (!src)
			continue;
		if (n == 0) {
			const cJSON *day = cJSON_GetObjectItemCaseSensitive(src, "day");
			const cJSON *grp = cJSON_GetObjectItemCaseSensitive(src, "group");
			if (cJSON_IsNumber(day))
				cJSON_AddNumberToObject(acc, "day", day->valuedouble);
			if (cJSON_IsString(grp))
				cJSON_AddStringToObject(acc, "group", grp->valuestring);
		}
		fold(acc, src, replaces);
		cJSON_Delete(src);
		n++;
	}
	k = rc == SQLITE_DONE ? KIOSK_OK : fail(o, rc);
	sqlite3_finalize(st);
	if (k)
		goto out;
	sqlite3_stmt *del = NULL;
	rc = sqlite3_prepare_v2(o->db, "DELETE FROM ob_msgs WHERE mkey=? AND seq<>?", -1, &del, NULL);
	if (rc != SQLITE_OK) {
		k = fail(o, rc);
		goto out;
	}
	sqlite3_bind_text(del, 1, mkey, -1, SQLITE_STATIC);
	sqlite3_bind_int64(del, 2, keep);
	rc = sqlite3_step(del);
	k = rc == SQLITE_DONE ? KIOSK_OK : fail(o, rc);
	sqlite3_finalize(del);
	if (k)
		goto out;
	cJSON_AddItemToObject(acc, "replaces", replaces);
	replaces = NULL;
	k = insert(o, OUTBOX_STATS, acc, NULL);
	if (!k)
		k = meta_add(o, "merged", n);
	*done = !k;
out:
	cJSON_Delete(acc);
	cJSON_Delete(replaces);
	return k;
}

/* Make the outbox fit its bound again, never dropping keep. */
static int enforce(outbox_t *o, int64_t keep)
{
	for (;;) {
		int64_t rows, bytes;
		int k = usage(o, &rows, &bytes);
		if (k)
			return k;
		if (rows <= o->max_rows && bytes <= o->max_bytes)
			return KIOSK_OK;
		bool done = false;
		k = drop_oldest(o, OUTBOX_HEARTBEAT, keep, &done);
		if (!k && !done)
			k = merge_oldest(o, keep, &done);
		if (!k && !done)
			k = drop_oldest(o, OUTBOX_STATS, keep, &done);
		if (!k && !done)
			k = drop_oldest(o, OUTBOX_EVENT, keep, &done);
		if (k)
			return k;
		if (!done) {
			snprintf(o->err, sizeof o->err, "outbox: one message is larger than the bound");
			return KIOSK_ERANGE;
		}
	}
}

int outbox_enqueue(outbox_t *o, outbox_class_t cls, const char *body, int64_t *seq)
{
	if (seq)
		*seq = 0;
	if (!o || !body || (int)cls < 0 || cls >= OUTBOX_CLASSES)
		return KIOSK_EINVAL;
	cJSON *b = cJSON_Parse(body);
	if (!cJSON_IsObject(b)) {
		cJSON_Delete(b);
		snprintf(o->err, sizeof o->err, "outbox: the body is not a JSON object");
		return KIOSK_EINVAL;
	}
	const cJSON *it;
	cJSON_ArrayForEach(it, b) {
		if (!it->string || envelope_key(it->string)) {
			cJSON_Delete(b);
			snprintf(o->err, sizeof o->err, "outbox: the body may not set v, kiosk, seq or ts");
			return KIOSK_EINVAL;
		}
	}
	int64_t s = 0;
	int k = exec(o, "BEGIN IMMEDIATE");
	if (!k)
		k = insert(o, cls, b, &s);
	if (!k)
		k = enforce(o, s);
	if (!k)
		k = exec(o, "COMMIT");
	if (k)
		rollback(o);
	else if (seq)
		*seq = s;
	cJSON_Delete(b);
	return k;
}

/* ---- the agent's side ---- */

int outbox_peek(outbox_t *o, int64_t after, int max, outbox_msg_t *msgs, int *n)
{
	*n = 0;
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(o->db, "SELECT seq, cls, topic, payload FROM ob_msgs WHERE seq>?"
					   " ORDER BY seq LIMIT ?", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(o, rc);
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, max);
	int k = KIOSK_OK;
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		outbox_msg_t *m = &msgs[*n];
		m->seq = sqlite3_column_int64(st, 0);
		m->cls = (outbox_class_t)sqlite3_column_int(st, 1);
		snprintf(m->topic, sizeof m->topic, "%s", (const char *)sqlite3_column_text(st, 2));
		const char *p = (const char *)sqlite3_column_text(st, 3);
		m->len = (size_t)sqlite3_column_bytes(st, 3);
		m->payload = malloc(m->len + 1);
		if (!m->payload) {
			k = KIOSK_ENOMEM;
			break;
		}
		memcpy(m->payload, p, m->len + 1);
		(*n)++;
	}
	if (!k && rc != SQLITE_ROW && rc != SQLITE_DONE)
		k = fail(o, rc);
	sqlite3_finalize(st);
	/* Leave no read transaction open: the writer's checkpoints need that. */
	if (k) {
		outbox_msgs_free(msgs, *n);
		*n = 0;
	}
	return k;
}

void outbox_msgs_free(outbox_msg_t *msgs, int n)
{
	for (int i = 0; i < n; i++) {
		free(msgs[i].payload);
		msgs[i].payload = NULL;
	}
}

int outbox_ack(outbox_t *o, int64_t seq)
{
	return run(o, NULL, "DELETE FROM ob_msgs WHERE seq=?", 1, &seq);
}

int outbox_info(outbox_t *o, outbox_info_t *info)
{
	memset(info, 0, sizeof *info);
	int k = usage(o, &info->rows, &info->bytes);
	if (!k)
		k = meta_get(o, "next_seq", &info->next_seq);
	for (int c = 0; !k && c < OUTBOX_CLASSES; c++)
		k = meta_get(o, DROPPED_KEY[c], &info->dropped[c]);
	if (!k)
		k = meta_get(o, "merged", &info->merged);
	return k;
}
