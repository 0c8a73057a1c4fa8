/* ledger_stats.c - daily counts per series from the ledger database,
 * opened read-only beside the ledger's own connection (ledger_stats.h). */
#include "domain/ledger_stats.h"

#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "core/kiosk.h"

int ledger_stats_daily(const char *path, void (*fn)(void *user, const ledger_day_t *d),
		       void *user)
{
	if (access(path, F_OK) != 0)
		return KIOSK_ENOENT;
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return KIOSK_EIO;
	}
	sqlite3_busy_timeout(db, 2000);
	static const char *sql =
		"SELECT day_key, series,"
		" sum(reprint_of IS NULL AND state = 'printed'),"
		" sum(reprint_of IS NULL AND state = 'void'),"
		" sum(reprint_of IS NOT NULL AND state = 'printed')"
		" FROM tickets GROUP BY day_key, series ORDER BY day_key, series";
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK ? KIOSK_OK : KIOSK_EIO;
	while (rc == KIOSK_OK) {
		int r = sqlite3_step(st);
		if (r == SQLITE_DONE)
			break;
		if (r != SQLITE_ROW) {
			rc = KIOSK_EIO;
			break;
		}
		ledger_day_t d;
		memset(&d, 0, sizeof d);
		d.day_key = sqlite3_column_int(st, 0);
		const unsigned char *s = sqlite3_column_text(st, 1);
		d.series = s && s[0] >= 'A' && s[0] <= 'Z' ? (char)s[0] : '?';
		d.printed = (long)sqlite3_column_int64(st, 2);
		d.voided = (long)sqlite3_column_int64(st, 3);
		d.reprints = (long)sqlite3_column_int64(st, 4);
		fn(user, &d);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}
