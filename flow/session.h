/* session.h - the citizen's session: which screen is shown, what was typed,
 * the idle timers, help, language and text settings. Pure logic: no SDL, no
 * printer, no SQL; time comes from the injected clock and printing is done
 * by the app: it sees print_pending, prints session_answers() and reports
 * back through session_print_done.
 *
 * Personal data (answers) lives only here, in fixed buffers that are wiped
 * (explicit_bzero) whenever the session ends. */
#ifndef SESSION_H
#define SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/catalog.h"
#include "core/clock.h"
#include "domain/config.h"
#include "core/i18n.h"
#include "domain/ime.h"
#include "core/lang.h"
#include "flow/screen.h"
#include "flow/textfield.h"
#include "print/tickets.h"

#define SESSION_MAX_FIELDS 16
#define SESSION_VALUE_MAX 512

/* A field typed on the keypad only (ID number, phone, dates). */
bool session_field_numeric(field_type_t t);

/* Hooks into the rest of the kiosk, so the session stays testable. */
typedef struct {
	/* Can a ticket of this group be issued (cap, printer)? KIOSK_OK or a
	 * KIOSK_E* code with *state set for printer problems. */
	int (*check)(void *ctx, const catalog_group_t *g, bool priority, printer_state_t *state);
	/* A citizen asked for staff: play the chime and send the call to the
	 * counters. True when the office queue took the call (the counter
	 * pages show it); false when there is none to take it (no counters
	 * configured, the ledger cannot be written): the screen then says to
	 * ask at the nearest counter. */
	bool (*help)(void *ctx);
	/* Rating at the kiosk. level 0: record is a scanned ticket QR; asks
	 * whether it can be rated now, and number gets the ticket's number
	 * when the record was read. level 1..3 (reasons, a bit set, on 1):
	 * record is NULL and number the one checked; stores the rating. KIOSK_OK; KIOSK_EINVAL not a ticket of this office
	 * (unreadable, forged); KIOSK_ENOENT not today's; KIOSK_EBUSY not
	 * served yet; KIOSK_EPERM rated already; KIOSK_ETIMEOUT too late;
	 * another code: no rating here (no queue, storage). May be NULL. */
	int (*rate)(void *ctx, const char *record, int level, unsigned reasons, char number[8]);
	void *ctx;
} session_hooks_t;

/* Special keys from a physical keyboard. */
typedef enum { SKEY_BACKSPACE, SKEY_RETURN, SKEY_ESCAPE, SKEY_TAB } session_skey_t;

struct session;
/* A plug-in that owns some screens (the staff menus, flow/menu.c; app/
 * plugs it in): the session hands it the taps and keys on the screens it
 * owns and tells it when a session ends, without knowing what it is. */
typedef struct {
	bool (*owns)(screen_t scr);
	/* A tap on one of its screens (or any screen no row of the session
	 * took): true when it was handled. */
	bool (*tap)(void *ctx, struct session *s, const char *target);
	void (*key_char)(void *ctx, struct session *s, char c);
	void (*key_special)(void *ctx, struct session *s, session_skey_t k);
	/* The session ended: forget what was typed. */
	void (*wipe)(void *ctx);
	void *ctx;
} session_plugin_t;

/* The steps of SCR_RATE. */
typedef enum {
	SESSION_RATE_FACES,    /* three faces */
	SESSION_RATE_REASONS,  /* "Không hài lòng": what was wrong (optional), then send */
	SESSION_RATE_THANKS,   /* stored; back to Welcome by itself */
	SESSION_RATE_REFUSED,  /* the scanned ticket cannot be rated: rate_refused says why */
} session_rate_step_t;

/* Where a help call stands; for the rest of the session. */
typedef enum {
	SESSION_HELP_NONE,
	SESSION_HELP_ASK,     /* nobody can be called: ask at the nearest counter */
	SESSION_HELP_SENT,    /* on the counter pages, nobody has taken it yet */
	SESSION_HELP_COMING,  /* a counter pressed "Tôi đến": help_counter is coming */
} session_help_t;

typedef struct session {
	const catalog_t *cat;
	const config_t *cfg;
	const kclock_t *clock;
	session_hooks_t hooks;

	screen_t screen;          /* the screen under any overlay */
	screen_t help_return;     /* where "continue" leads from help */
	bool warning;             /* timeout warning shown over the screen */
	int64_t idle_deadline;    /* mono ms; 0 = none */
	int64_t warn_deadline;    /* mono ms while warning */
	int64_t hours_deadline;   /* UTC ms of the next open/lunch/closed change */
	bool lunch_numbers;       /* lunch break, numbers taken for the afternoon */
	session_help_t help;      /* the help call of this session (the help button says it) */
	int help_counter;         /* SESSION_HELP_COMING: the counter whose officer is coming */

	lang_t lang;
	bool high_contrast;
	bool large_text;

	int page;                 /* list page on groups/procedures */
	const catalog_group_t *group;
	const catalog_proc_t *proc;
	int field;                /* index of the question on the form screen */
	bool from_review;         /* editing a single answer from review */
	char values[SESSION_MAX_FIELDS][SESSION_VALUE_MAX];
	bool answered[SESSION_MAX_FIELDS];
	const char *error_key;    /* message key of the last validation error */
	textfield_t tf;           /* the answer being typed: values[field], its word and keyboard */
	ime_method_t phys_method; /* physical keyboard method (staff toggle) */
	bool priority;
	bool print_pending;       /* the app must print now */
	tickets_result_t result;  /* the last print's result */
	int wait_ahead;           /* the office queue: people ahead of that ticket; -1: unknown (no lines) */
	int wait_min;             /* its estimated wait, rounded minutes; -1: no estimate yet */
	char serving[6][8];       /* numbers being served at counters now (Welcome); from the queue */
	int serving_count;
	printer_state_t printer_state;
	int check_rc;             /* why the printer-error / sold-out screen shows */
	bool out_of_service;      /* no tickets: the home screen says so */
	const char *oos_key;      /* i18n key of the reason for staff */
	char oos_file[64];        /* the file the reason names */
	bool precheck_failed;     /* printer error found before the form */
	bool scan_offer;          /* an ID card was scanned: offer to fill */
	char scan_values[5][SESSION_VALUE_MAX];
	const char *scan_error_key;
	/* SCR_RATE (no personal data: the number and the choices only) */
	session_rate_step_t rate_step;
	char rate_number[8];      /* "" when the record could not be read */
	unsigned rate_reasons;    /* bits of the reasons chosen */
	const char *rate_refused; /* i18n key of why (SESSION_RATE_REFUSED) */
	int page_size;            /* list items a page (set by the UI, <= 6) */
	uint32_t generation;      /* bumps on every visible change */
	uint32_t wipes;           /* bumps whenever the answers are wiped (a session ended) */
	session_plugin_t plugin;  /* session_plug: the staff menus; all NULL = none */
} session_t;

/* Create a session at Welcome (or closed/lunch by the office hours).
 * Returns NULL when out of memory. */
session_t *session_create(const catalog_t *cat, const config_t *cfg, const kclock_t *clock,
			  const session_hooks_t *hooks);
void session_destroy(session_t *s);

/* A tap on a target (by id). Returns true when it was handled. */
bool session_tap(session_t *s, const char *target);
/* Any touch or key: resets the idle timer. */
void session_activity(session_t *s);
/* A printable ASCII key from a physical keyboard (goes through the IME). */
void session_key_char(session_t *s, char c);
void session_key_special(session_t *s, session_skey_t k);
/* A complete scanner read: an ID card QR on a form; at Welcome a ticket's
 * QR opens the rating. The text is wiped by the caller. */
void session_scan(session_t *s, const char *text);

/* Timers: run what is due; the next deadline (mono ms) or -1. */
void session_tick(session_t *s);
int64_t session_next_deadline(const session_t *s);

/* Printing: after the app sees print_pending it calls tickets_issue with
 * session_answers() and reports back. */
size_t session_answers(const session_t *s, tickets_answer_t *out, size_t max);
void session_print_done(session_t *s, const tickets_result_t *r);
/* The office queue's figures for the ticket just issued (after
 * session_print_done): ahead < 0 shows nothing, wait_min < 0 no estimate. */
void session_set_wait(session_t *s, int ahead, int wait_min);
/* The numbers being served now (Welcome's "Đang phục vụ"), at most 6 kept;
 * a change bumps the generation. */
void session_set_serving(session_t *s, const char (*numbers)[8], int n);
/* The help call of this session was taken at counter (1..99): the help
 * button and the help screen say that counter's officer is coming. Ignored
 * unless the call was sent (SESSION_HELP_SENT or already COMING). */
void session_help_taken(session_t *s, int counter);

/* End the session: wipe answers and settings, back to Welcome. */
void session_reset(session_t *s);

/* Put the kiosk out of service (a failed health check): the home screen
 * becomes SCR_OUT_OF_SERVICE, which tells the citizen to ask at the counter
 * and staff the reason (i18n key, with {file}). No ticket can be asked for. */
void session_out_of_service(session_t *s, const char *reason_key, const char *file);

/* The text of the current field: committed value + word being composed; a
 * date field shows its digits in the dd/mm/yyyy mask ("31/0_/____"). */
void session_field_display(const session_t *s, char *buf, size_t cap);

/* The i18n key of the form's forward button ("ui.continue", or
 * "ui.to_review" on the last question): the screen draws it and the error
 * messages name it, so both say the same word. */
const char *session_form_next_key(const session_t *s);
/* The form's error message (the validation error, else the scan error) in
 * the session's language with its placeholders filled: {label} (the
 * question), {next} {back} {help} (the buttons' labels as on the screen),
 * {max}, {day} {month} {year} {days} (from what was typed), {male}
 * {female}. "" when there is none. (flow/session_form.c) */
void session_form_error_text(const session_t *s, const i18n_t *tr, char *buf, size_t cap);

/* Plug in what owns the screens the session does not (the staff menus);
 * p is copied; NULL unplugs. */
void session_plug(session_t *s, const session_plugin_t *p);

/* What happened, told by the plug-in or the app (neither writes the
 * session's fields; the sample states of flow/session_pose.c are the
 * session's own):
 * session_show - show a screen (one of the plug-in's);
 * session_changed - something on the screen changed: draw again;
 * session_recheck_hours - the clock or the office hours changed: the
 *   office-hours screens are checked again once the clock reaches utc_ms;
 * session_set_page_size - the screen fits n list items a page. */
void session_show(session_t *s, screen_t scr);
void session_changed(session_t *s);
void session_recheck_hours(session_t *s, int64_t utc_ms);
void session_set_page_size(session_t *s, int n);

/* Staff: switch the physical keyboard method (telex -> vni -> plain). */
void session_cycle_phys_method(session_t *s);

#endif
