/* tickets.h - issuing queue tickets: the ledger, the ticket picture, the
 * ESC/POS stream and the printer, tied together so that no ghost ticket can
 * happen (docs/printing.md). This is the only printing API the app uses.
 *
 * Threading: single-threaded; tickets_issue blocks while the ticket prints. */
#ifndef TICKETS_H
#define TICKETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/catalog.h"
#include "core/clock.h"
#include "domain/config.h"
#include "core/lang.h"
#include "core/printer_state.h"
#include "print/ticket.h"

typedef enum { PRIORITY_NONE, PRIORITY_SERIES, PRIORITY_MARK } priority_policy_t;

typedef struct {
	const char *data_dir;      /* ledger.db lives here; must exist */
	const char *spool_dir;     /* file transport output; created if missing */
	const char *assets_dir;    /* fonts/ */
	const char *i18n_dir;      /* the ticket's fixed words; NULL: <assets_dir>/i18n */
	const i18n_t *i18n;        /* those words already loaded, borrowed (must outlive the
				    * tickets), or NULL: loaded from i18n_dir */
	const char *transport;     /* "auto", "usb" or "file" */
	const char *profile;       /* printer profile, e.g. "80mm" or "58mm" */
	const char *office_name;   /* printed on top of the ticket */
	const char *usb_allow;     /* "VID:PID,VID:PID" extra printers, may be NULL */
	int daily_cap;             /* per series; 0 = no cap */
	priority_policy_t priority;
	char priority_letter;      /* series letter with PRIORITY_SERIES */
	const kclock_t *clock;
	const config_t *hours;     /* office hours (copied): a ticket issued during the lunch
				    * break says when the afternoon starts; NULL: never */
	bool rating_hint;          /* the office's counters rate at the kiosk: the ticket says to
				    * hold its QR to the kiosk after the service */
} tickets_config_t;

typedef struct {
	const char *field_id;
	const char *value;         /* NFC UTF-8; not copied beyond the call */
} tickets_answer_t;

typedef struct {
	int rc;                    /* KIOSK_OK: issued and printed */
	char number[8];            /* "A012" ("" when none was reserved) */
	char ticket_id[40];        /* unique id, separate from the number */
	printer_state_t printer;   /* why it failed, or NEAR_END as a warning */
	bool voided;               /* a number was reserved and then voided */
	bool storage_fault;        /* the failure came from the ledger's storage, not the printer */
	bool storage_warning;      /* printed and issued, but the ledger could not record it yet */
	bool dated;                /* the ticket carried a date (clock trusted) */
	int64_t time_ms;           /* issue time, UTC ms */
} tickets_result_t;

typedef struct tickets tickets_t;

/* Open the ledger and the printer. On failure *out is NULL and err says why
 * (a corrupt ledger is reported, never silently replaced). */
int tickets_open(const tickets_config_t *cfg, tickets_t **out, char *err, size_t errlen);
/* Close cleanly: the ledger is left consistent. NULL is allowed. */
void tickets_close(tickets_t *t);

/* Apply a reloaded configuration to an open tickets_t: the office name,
 * the printer profile (paper width), the daily cap and the priority policy
 * take effect from the next ticket or test page on. The ledger, the folders
 * and the transport (transport, usb_allow) stay as opened: when cfg asks
 * for another transport or printer list the rest is still applied and the
 * result is KIOSK_EBUSY (the caller restarts the kiosk). KIOSK_EINVAL (and
 * nothing changed) for an unknown profile or a bad priority or cap; strings
 * are copied. */
int tickets_set_config(tickets_t *t, const tickets_config_t *cfg, char *err, size_t errlen);

/* Whether a ticket of this group (priority or not) can be issued now:
 * KIOSK_OK, KIOSK_ESOLDOUT (daily cap reached), or a printer error code
 * (KIOSK_ENODEV, KIOSK_EPAPER, KIOSK_ECOVER, KIOSK_EOFFLINE, KIOSK_ETIMEOUT)
 * with *state set. */
int tickets_check(tickets_t *t, const catalog_group_t *g, bool priority, printer_state_t *state);

/* Reserve, render, print, confirm. answers go into the hand-off record on the
 * ticket and are not stored. lang chooses the ticket's fixed words. A
 * failure of the ledger's storage gives its code (KIOSK_ENOSPC, KIOSK_EROFS,
 * KIOSK_ECORRUPT, KIOSK_EIO) with out->storage_fault set, and the reason in
 * kiosk.log. A ticket sent whole and confirmed is issued (KIOSK_OK) even
 * when its "printed" write fails; out->storage_warning then tells staff. */
int tickets_issue(tickets_t *t, const catalog_t *cat, const catalog_proc_t *p, bool priority,
		  const tickets_answer_t *answers, size_t nanswers, lang_t lang,
		  tickets_result_t *out);
/* tickets_issue with the office queue's figures for the line under the
 * number (wait may be NULL: no line). */
int tickets_issue_wait(tickets_t *t, const catalog_t *cat, const catalog_proc_t *p, bool priority,
		       const tickets_answer_t *answers, size_t nanswers, lang_t lang, const ticket_wait_t *wait,
		       tickets_result_t *out);

/* Reprint an issued number of today: same number, new ticket id, marked as a
 * reprint, no answers. */
int tickets_reprint(tickets_t *t, const catalog_t *cat, const char *number, lang_t lang,
		    tickets_result_t *out);

/* Print a test page (technician menu): never touches the ledger. KIOSK_OK,
 * or a printer error code with *state set. */
int tickets_test_page(tickets_t *t, lang_t lang, printer_state_t *state);

/* Current printer state (queries the device). */
printer_state_t tickets_printer_state(tickets_t *t);

/* File descriptors to poll (hotplug) and the next time (mono ms) tickets_tick
 * wants to run, e.g. the 2 s search for an absent printer; -1 for none. */
int tickets_poll_fds(tickets_t *t, int *fds, int max);
int64_t tickets_next_deadline(tickets_t *t);
void tickets_tick(tickets_t *t);

/* Simulated printer (file transport only): the state the next operations see;
 * with after_bytes >= 0 the failure happens after that many bytes of the next
 * ticket. Returns KIOSK_EINVAL when the transport is not simulated. */
int tickets_sim_set(tickets_t *t, printer_state_t state, long after_bytes);

/* ---- additions for tools and tests (not used by the app) ---- */
struct printer_ops;
struct ticket_renderer;

/* Open with a caller-supplied transport instead of cfg->transport (tests:
 * the fault-injecting fake). ops/ctx are borrowed; ops->close is called by
 * tickets_close. */
int tickets_open_io(const tickets_config_t *cfg, const struct printer_ops *ops, void *ctx,
		    tickets_t **out, char *err, size_t errlen);

/* tickets_reprint with the number's procedure given instead of looked up in
 * a catalogue; KIOSK_EINVAL when the number was issued for another one. */
int tickets_reprint_proc(tickets_t *t, const catalog_proc_t *p, const char *number, lang_t lang,
			 tickets_result_t *out);

/* Whether the last reservation ran on an untrusted or backwards clock
 * (staff warning). */
bool tickets_clock_warning(const tickets_t *t);

/* Whether a printed ticket still waits to be recorded because the storage
 * failed (staff warning; nothing else is issued until it is written). */
bool tickets_storage_warning(const tickets_t *t);
/* The ledger's last storage failure: KIOSK_ENOSPC, KIOSK_EROFS,
 * KIOSK_ECORRUPT, KIOSK_EIO... (KIOSK_OK: none) and its precise reason. */
int tickets_storage_error(const tickets_t *t, char *buf, size_t cap);
/* Whether a business day ahead of a trusted clock was brought back to today
 * since the start (staff warning; ledger event "rewound"). */
bool tickets_day_rewound(const tickets_t *t);

/* What goes on one ticket, for tickets_compose. */
typedef struct {
	const catalog_proc_t *proc;
	const char *office;
	const char *number;        /* "A012" */
	const char *ticket_id;
	bool priority, reprint, dated;
	int64_t time_ms;
	lang_t lang;
	const tickets_answer_t *answers;
	size_t nanswers;
	const uint8_t *key;        /* office key (OFFICEKEY_LEN bytes): QR record K2; NULL: K1 */
	const char *link;          /* the procedure's page online (catalog_link), printed as a
				    * second QR; NULL: none */
	int afternoon_min;         /* > 0: issued at lunch, the afternoon starts at this local
				    * minute (printed); 0: no such line */
	const ticket_wait_t *wait; /* people ahead, estimated wait; NULL: no such line */
	bool rating_hint;          /* print the line about rating at the kiosk */
} tickets_job_t;

/* Render a ticket and encode it for a profile ("80mm", "58mm", ...): the
 * ESC/POS stream in *bytes / *nbytes (malloc'd, caller frees) and the
 * picture's height in *rows (may be NULL). Used by tickets_issue and by
 * kiosk-print; touches no ledger. KIOSK_EINVAL for bad answers or an
 * unknown profile. */
int tickets_compose(struct ticket_renderer *r, const char *profile, const tickets_job_t *job,
		    uint8_t **bytes, size_t *nbytes, int *rows);

#endif
