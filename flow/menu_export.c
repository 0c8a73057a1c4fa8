/* menu_export.c - the technician's export to a stick: daily statistics as
 * CSV (UTF-8 with a BOM, so spreadsheet programs read it right; counts per
 * day and series only, no personal data), a copy of the event log (which
 * holds none either) and the office key (office.key, mode 0600) that the
 * counter software needs to verify the tickets' QR records; and the office
 * queue's figures per day, group and counter (queue-statistics.csv: called,
 * served, no-shows, transfers, waiting and service times as median and p90,
 * ratings). Every file and the folder are synced; the caller then
 * unmounts before saying "safe to remove". */
#include "flow/menu.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kiosk.h"
#include "domain/ledger_stats.h"
#include "domain/queue.h"
#include "core/log.h"
#include "core/mfile.h"

typedef struct {
	char *buf;
	size_t len, cap;
	int rows;
	bool oom;
} sbuf_t;

static void add(sbuf_t *b, const char *s)
{
	size_t n = strlen(s);
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->cap + n + 1) * 2;
		char *p = realloc(b->buf, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->buf = p;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, s, n + 1);
	b->len += n;
}

static void on_day(void *user, const ledger_day_t *d)
{
	sbuf_t *b = user;
	char line[128];
	if (d->day_key)
		snprintf(line, sizeof line, "%04d-%02d-%02d,%c,%ld,%ld,%ld\r\n", d->day_key / 10000,
			 d->day_key / 100 % 100, d->day_key % 100, d->series, d->printed, d->voided,
			 d->reprints);
	else
		snprintf(line, sizeof line, ",%c,%ld,%ld,%ld\r\n", d->series, d->printed, d->voided,
			 d->reprints);
	add(b, line);
	b->rows++;
}

/* Copy a file to the stick folder (synced); a missing source is skipped. */
static int copy_file_mode(const char *src, const char *dst, mode_t mode, int *files)
{
	char *data = NULL;
	size_t len = 0;
	int rc = mfile_read(src, 64u << 20, &data, &len);
	if (rc == KIOSK_ENOENT)
		return KIOSK_OK;
	if (rc != KIOSK_OK)
		return rc;
	rc = mfile_write_atomic(dst, data, len, mode);
	explicit_bzero(data, len);
	free(data);
	if (rc == KIOSK_OK)
		(*files)++;
	return rc;
}

static int copy_file(const char *src, const char *dst, int *files)
{
	return copy_file_mode(src, dst, 0644, files);
}

/* Minutes with one decimal, "" when nothing was measured. */
static void minutes(char *buf, size_t cap, int64_t ms)
{
	if (ms < 0)
		buf[0] = 0;
	else
		snprintf(buf, cap, "%lld.%lld", (long long)(ms / 60000), (long long)(ms % 60000 / 6000));
}

static void on_queue_day(void *user, const queue_stat_t *q)
{
	sbuf_t *b = user;
	char wm[24], wp[24], sm[24], sp[24], who[16], line[400];
	minutes(wm, sizeof wm, q->wait_median_ms);
	minutes(wp, sizeof wp, q->wait_p90_ms);
	minutes(sm, sizeof sm, q->service_median_ms);
	minutes(sp, sizeof sp, q->service_p90_ms);
	if (q->counter)
		snprintf(who, sizeof who, "%d", q->counter);
	else
		snprintf(who, sizeof who, "all");
	snprintf(line, sizeof line,
		 "%04d-%02d-%02d,%s,%s,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%s,%s,%s,%s,%ld,%ld,%ld\r\n", q->day_key / 10000,
		 q->day_key / 100 % 100, q->day_key % 100, q->group, who, q->issued, q->called, q->served,
		 q->noshow, q->closed, q->transferred, q->transfer_in, wm, wp, sm, sp, q->ratings[3], q->ratings[2],
		 q->ratings[1]);
	add(b, line);
	b->rows++;
}

/* The office queue's figures per day, group and counter (no personal data
 * exists in them): queue-statistics.csv. */
static int queue_csv(const menu_env_t *e, const char *dir, int *files)
{
	sbuf_t b = {0};
	add(&b, "\xEF\xBB\xBF" "date,group,counter,issued,called,served,no_show,closed_unserved,"
		"transferred_out,transferred_in,wait_median_min,wait_p90_min,service_median_min,service_p90_min,"
		"rated_very_satisfied,rated_satisfied,rated_not_satisfied\r\n");
	char path[1300];
	snprintf(path, sizeof path, "%s/ledger.db", e->data_dir);
	int rc = queue_stats_daily(path, on_queue_day, &b);
	if (rc == KIOSK_ENOENT)
		rc = KIOSK_OK;
	if (rc == KIOSK_OK && b.oom)
		rc = KIOSK_ENOMEM;
	if (rc == KIOSK_OK) {
		snprintf(path, sizeof path, "%s/queue-statistics.csv", dir);
		rc = mfile_write_atomic(path, b.buf, b.len, 0644);
		if (rc == KIOSK_OK)
			(*files)++;
	}
	free(b.buf);
	return rc;
}

int menu_export(const menu_env_t *e, int *files, char *err, size_t errlen)
{
	*files = 0;
	err[0] = '\0';
	struct stat sb;
	if (!e->export_dir || stat(e->export_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		return kiosk_err(err, errlen, KIOSK_ENODEV, "no stick mounted for the export");
	}
	kclock_local_t now;
	kclock_to_local(kclock_now(e->clock), &now);
	char dir[1200];
	snprintf(dir, sizeof dir, "%s/kiosk-export-%08d", e->export_dir, now.yday_key);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		return kiosk_err(err, errlen, KIOSK_EIO, "cannot create a folder on the stick");
	}
	sbuf_t b = {0};
	add(&b, "\xEF\xBB\xBF" "date,series,printed,voided,reprints\r\n");
	char path[1300];
	snprintf(path, sizeof path, "%s/ledger.db", e->data_dir);
	int rc = ledger_stats_daily(path, on_day, &b);
	if (rc == KIOSK_ENOENT)
		rc = KIOSK_OK; /* no ticket yet: the header alone */
	if (rc == KIOSK_OK && b.oom)
		rc = KIOSK_ENOMEM;
	if (rc == KIOSK_OK) {
		snprintf(path, sizeof path, "%s/daily-statistics.csv", dir);
		rc = mfile_write_atomic(path, b.buf, b.len, 0644);
		if (rc == KIOSK_OK)
			(*files)++;
	}
	free(b.buf);
	if (rc == KIOSK_OK)
		rc = queue_csv(e, dir, files);
	if (rc != KIOSK_OK) {
		return kiosk_err(err, errlen, rc, "cannot write the statistics (%s)",
				 kiosk_strerror(rc));
	}
	static const char *const logs[] = {"kiosk.log", "kiosk.log.1"};
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(logs) && rc == KIOSK_OK; i++) {
		char src[1300], dst[1300];
		snprintf(src, sizeof src, "%s/logs/%s", e->data_dir, logs[i]);
		snprintf(dst, sizeof dst, "%s/%s", dir, logs[i]);
		rc = copy_file(src, dst, files);
	}
	if (rc == KIOSK_OK) {
		char src[1300], dst[1300];
		snprintf(src, sizeof src, "%s/office.key", e->data_dir);
		snprintf(dst, sizeof dst, "%s/office.key", dir);
		rc = copy_file_mode(src, dst, 0600, files);
	}
	if (rc == KIOSK_OK)
		rc = mfile_sync_dir(dir, 1);
	if (rc == KIOSK_OK)
		rc = mfile_sync_dir(e->export_dir, 1);
	if (rc == KIOSK_OK) {
		/* Flush the whole stick's file system before it is unmounted. */
		int fd = open(e->export_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			if (syncfs(fd) != 0)
				rc = KIOSK_EIO;
			close(fd);
		}
	}
	if (rc != KIOSK_OK)
		snprintf(err, errlen, "cannot write the logs to the stick (%s)", kiosk_strerror(rc));
	else
		log_info("export: %d files written to the stick", *files);
	return rc;
}
