/* ledger.h - the durable ticket ledger (SQLite): per-series daily numbering,
 * unique ticket ids, the void/release rules, daily reset on a trusted clock
 * and an event log without personal data. Rules: docs/printing.md.
 *
 * Every call is one SQLite transaction (WAL, synchronous=FULL), so a crash
 * at any moment leaves either the state before or after the call. */
#ifndef LEDGER_H
#define LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"

#define LEDGER_MAX_SEQ 999     /* three digits; never wraps within a day */

typedef struct ledger ledger_t;

typedef struct {
	int64_t row;               /* ledger row of this ticket (or reprint) */
	char number[8];            /* "A012" */
	char ticket_id[40];        /* unique, never reused, survives resets */
	char series;
	int seq;                   /* 1..999 */
	int day_key;               /* business day yyyymmdd (0: never dated) */
	bool priority;
	bool dated;                /* the clock is trusted and not behind the ledger */
	bool clock_warning;        /* untrusted or backwards clock: warn staff */
	bool reprint;
	bool rewound;              /* this reservation brought a future business day back to today */
	int64_t time_ms;           /* wall clock at reservation, UTC ms */
	char procedure[64];        /* procedure id */
} ledger_ticket_t;

/* Open the ledger at path. A missing file (and only that) becomes a new
 * ledger, made whole in <path>.new and renamed into place. An existing file
 * is first looked at read-only (integrity, our tables, the meta rows that
 * name it); an empty file, another program's SQLite file or a damaged
 * ledger gives KIOSK_ECORRUPT and is left byte for byte untouched. Storage
 * problems give KIOSK_ENOSPC (full), KIOSK_EROFS (read-only or not
 * writable) or KIOSK_EIO; err says which, precisely, for staff. Any
 * reservation left in flight by a crash is voided (never reissued), except
 * a "sent" one named in the confirm slot (ledger_confirm), which is
 * printed. clock is borrowed. *out is NULL on failure. */
int ledger_open(const char *path, const kclock_t *clock, ledger_t **out, char *err, size_t errlen);
void ledger_close(ledger_t *l);

/* KIOSK_OK when series can take one more number today under cap (0 = no
 * cap; caps above 999 act as 999), KIOSK_ESOLDOUT when not. *remaining (may
 * be NULL) gets the count left. Takes a pending daily reset into account
 * without performing it. */
int ledger_available(ledger_t *l, char series, int cap, int *remaining);

/* Reserve the next number of series durably (state "reserved"). Performs
 * the daily reset when due. KIOSK_ESOLDOUT when the cap is reached. */
int ledger_reserve(ledger_t *l, char series, int cap, const char *procedure_id, bool priority,
		   ledger_ticket_t *out);

/* Record that bytes are about to reach the transport (state "sent"); must
 * succeed before the first byte is written. */
int ledger_mark_sent(ledger_t *l, int64_t row);
/* Record durably, without needing new space on the storage, that row's
 * ticket was sent whole and the printer confirmed it (a pre-allocated slot
 * in <path>-confirm, overwritten in place). Call after the last byte and
 * the confirming status, before the print is final; at the next open a
 * "sent" row named there is repaired to printed instead of voided. */
int ledger_confirm(ledger_t *l, int64_t row);
/* Record a confirmed print (event "printed", or "reprinted" for a reprint).
 * On a storage failure the row stays pending: the next reserve, reprint or
 * availability check writes it first (and fails while it cannot), and the
 * confirm slot repairs it at the next open. */
int ledger_mark_printed(ledger_t *l, int64_t row);
/* Record a failure ("failed" event with the reason, e.g. a printer state
 * name). When bytes_sent the number is voided for good; otherwise the
 * reservation is released and the number may be reserved again. A failed
 * reprint never voids the original number. */
int ledger_fail(ledger_t *l, int64_t row, bool bytes_sent, const char *reason);

/* Start a reprint of a printed number of the current business day: a new
 * row with a new ticket id, same number and procedure, state "reserved".
 * KIOSK_ENOENT when no printed ticket with that number exists today. */
int ledger_reprint(ledger_t *l, const char *number, ledger_ticket_t *out);

/* Whether a printed ticket still waits for its "printed" write (storage
 * fault; staff warning). */
bool ledger_storage_pending(const ledger_t *l);
/* The last storage failure: its KIOSK_* kind (KIOSK_OK when none since the
 * open) and a precise reason for staff and logs in buf. */
int ledger_last_error(const ledger_t *l, char *buf, size_t cap);
/* Whether a business day ahead of a trusted clock was brought back to today
 * since the open (event "rewound"); *from_day gets the day it replaced. */
bool ledger_day_rewound(const ledger_t *l, int *from_day);

/* Whether the last reservation ran on an untrusted or backwards clock. */
bool ledger_clock_warning(const ledger_t *l);

/* State of a row: "reserved", "sent", "printed", "void", "released",
 * "failed"; KIOSK_ENOENT when absent. */
int ledger_state(ledger_t *l, int64_t row, char *state, size_t cap);
/* Number of events of a kind ("reserved", "sent", "printed", "failed",
 * "voided", "reprinted", "reset", "adopted", "rewound", "released"); -1 on
 * error. */
long ledger_event_count(ledger_t *l, const char *kind);
/* Current business day (0 when none yet) and last seq of a series today. */
int ledger_business_day(ledger_t *l);
int ledger_last_seq(ledger_t *l, char series);

/* The kiosk error code (core/kiosk.h) of a SQLite result (an extended code
 * is fine) and the errno the VFS saw (sqlite3_system_errno): storage full,
 * read-only, corrupt, busy, ... The one mapping for every SQLite file of the
 * kiosk (the ledger, the queue's tables in it, the fleet's outbox). */
int ledger_sqlite_code(int rc, int sys);

#endif
