/* ledger_stats.h - read-only daily counts from the ledger for the export:
 * per business day and series, tickets printed, voided and reprinted. No
 * personal data exists in the ledger; none is read. */
#ifndef LEDGER_STATS_H
#define LEDGER_STATS_H

typedef struct {
	int day_key;      /* yyyymmdd (0: issued on an untrusted clock) */
	char series;
	long printed, voided, reprints;
} ledger_day_t;

/* Calls fn for each (day, series) in order, from the ledger file at path,
 * opened read-only. KIOSK_OK, KIOSK_ENOENT (no ledger yet) or KIOSK_EIO. */
int ledger_stats_daily(const char *path, void (*fn)(void *user, const ledger_day_t *d),
		       void *user);

#endif
