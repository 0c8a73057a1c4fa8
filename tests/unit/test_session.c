/* test_session.c - the session state machine on a fake clock: idle warning,
 * eleven extensions, expiry wiping everything typed, no timeout while
 * printing, the longer limit of help and error screens, the ticket screen
 * ending without a warning, language switch keeping answers, printer and
 * sold-out pre-checks, and settings returning to defaults. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include "domain/catalog.h"
#include "domain/config.h"
#include "core/kiosk.h"
#include "core/i18n.h"
#include "flow/session.h"

typedef struct {
	catalog_t *cat;
	config_t cfg;
	kclock_virtual_t v;
	kclock_t clock;
	int check_rc;
	printer_state_t check_state;
	int chimes;
	bool help_unreachable; /* the help hook finds nobody to call */
	int rate_check_rc;     /* what the rate hook answers a scan */
	int rate_level;        /* the last rating stored, 0 none */
	unsigned rate_reasons;
	char rate_number[8];
} fx_t;

static int fake_rate(void *ctx, const char *record, int level, unsigned reasons, char number[8])
{
	fx_t *f = ctx;
	if (level == 0) {
		assert_non_null(record);
		snprintf(number, 8, "%.4s", record);
		return f->rate_check_rc;
	}
	assert_null(record);
	f->rate_level = level;
	f->rate_reasons = reasons;
	snprintf(f->rate_number, sizeof f->rate_number, "%s", number);
	return KIOSK_OK;
}

static int fake_check(void *ctx, const catalog_group_t *g, bool prio, printer_state_t *st)
{
	fx_t *f = ctx;
	(void)g;
	(void)prio;
	*st = f->check_state;
	return f->check_rc;
}

static bool fake_help(void *ctx)
{
	fx_t *f = ctx;
	f->chimes++;
	return !f->help_unreachable;
}

static int setup(void **state)
{
	fx_t *f = calloc(1, sizeof *f);
	char path[1024], err[512];
	const char *assets = getenv("KIOSK_ASSETS") ? getenv("KIOSK_ASSETS") : "build/share/kiosk";
	snprintf(path, sizeof path, "%s/catalog.json", assets);
	assert_int_equal(catalog_load(path, &f->cat, err, sizeof err), KIOSK_OK);
	snprintf(path, sizeof path, "%s/site.json", assets);
	assert_int_equal(config_load(&f->cfg, path, NULL, err, sizeof err), KIOSK_OK);
	kclock_parse_iso("2026-01-05T09:00:00+07:00", &f->v.now_ms);
	f->v.mono_ms = 5000;
	f->v.trusted = true;
	kclock_virtual(&f->clock, &f->v);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx_t *f = *state;
	catalog_free(f->cat);
	free(f);
	return 0;
}

static session_t *start(fx_t *f)
{
	session_hooks_t h = {.check = fake_check, .help = fake_help, .rate = fake_rate, .ctx = f};
	f->check_rc = KIOSK_OK;
	session_t *s = session_create(f->cat, &f->cfg, &f->clock, &h);
	assert_non_null(s);
	assert_int_equal(s->screen, SCR_WELCOME);
	return s;
}

static void advance(fx_t *f, session_t *s, int64_t ms)
{
	/* Step in one-second ticks, like the main loop waking at deadlines. */
	while (ms > 0) {
		int64_t step = ms > 1000 ? 1000 : ms;
		kclock_virtual_advance(&f->v, step);
		session_tick(s);
		ms -= step;
	}
}

/* To the first question of the marriage form, with a name typed. */
static void to_form(session_t *s)
{
	assert_true(session_tap(s, "start"));
	assert_true(session_tap(s, "group-ho-tich"));
	assert_true(session_tap(s, "proc-ket-hon"));
	assert_int_equal(s->screen, SCR_DOCUMENTS);
	assert_true(session_tap(s, "next"));
	assert_int_equal(s->screen, SCR_FORM);
	for (const char *c = "Lan"; *c; c++)
		session_key_char(s, *c);
}

static void test_warning_extend_expire(void **state)
{
	fx_t *f = *state;
	session_t *s = start(f);
	to_form(s);
	char shown[128];
	session_field_display(s, shown, sizeof shown);
	assert_string_equal(shown, "Lan");
	/* 119 s: nothing yet; 120 s: the warning. */
	advance(f, s, 119000);
	assert_false(s->warning);
	advance(f, s, 1000);
	assert_true(s->warning);
	/* Eleven extensions, each just before expiry. */
	for (int i = 0; i < 11; i++) {
		advance(f, s, 29000);
		assert_true(s->warning);
		assert_int_equal(s->screen, SCR_FORM);
		assert_true(session_tap(s, "more-time"));
		assert_false(s->warning);
		advance(f, s, 120000);
		assert_true(s->warning);
	}
	session_field_display(s, shown, sizeof shown);
	assert_string_equal(shown, "Lan");
	/* Other taps do nothing under the warning. */
	assert_false(session_tap(s, "next"));
	/* No tap for the countdown: wiped, back at Welcome. */
	advance(f, s, 30000);
	assert_false(s->warning);
	assert_int_equal(s->screen, SCR_WELCOME);
	for (int i = 0; i < SESSION_MAX_FIELDS; i++)
		for (int k = 0; k < SESSION_VALUE_MAX; k++)
			assert_int_equal(s->values[i][k], 0);
	session_destroy(s);
}

static void test_no_timeout_while_printing(void **state)
{
	fx_t *f = *state;
	session_t *s = start(f);
	to_form(s);
	session_key_special(s, SKEY_RETURN);         /* name */
	for (const char *c = "001152000123"; *c; c++)
		session_key_char(s, *c);
	session_key_special(s, SKEY_RETURN);         /* id */
	session_key_special(s, SKEY_RETURN);         /* phone (optional) */
	assert_int_equal(s->screen, SCR_REVIEW);
	assert_true(session_tap(s, "next"));
	assert_int_equal(s->screen, SCR_PRIORITY);
	assert_true(session_tap(s, "priority-yes"));
	assert_int_equal(s->screen, SCR_PRINTING);
	assert_true(s->print_pending);
	assert_true(s->priority);
	advance(f, s, 3600 * 1000);
	assert_int_equal(s->screen, SCR_PRINTING);
	assert_false(s->warning);
	tickets_answer_t ans[SESSION_MAX_FIELDS];
	assert_int_equal(session_answers(s, ans, SESSION_MAX_FIELDS), 2);
	tickets_result_t r = {.rc = KIOSK_OK, .number = "A001"};
	session_print_done(s, &r);
	assert_int_equal(s->screen, SCR_TICKET);
	/* The ticket screen ends after 60 s, without a warning. */
	advance(f, s, 59000);
	assert_int_equal(s->screen, SCR_TICKET);
	advance(f, s, 1000);
	assert_int_equal(s->screen, SCR_WELCOME);
	assert_false(s->warning);
	session_destroy(s);
}

static void test_help_limit_and_banner(void **state)
{
	fx_t *f = *state;
	session_t *s = start(f);
	to_form(s);
	assert_true(session_tap(s, "help"));
	assert_int_equal(f->chimes, 1);
	assert_int_equal(s->screen, SCR_HELP);
	assert_int_equal(s->help, SESSION_HELP_SENT);
	advance(f, s, 599000);
	assert_false(s->warning);
	advance(f, s, 1000);
	assert_true(s->warning);
	assert_true(session_tap(s, "more-time"));
	assert_true(session_tap(s, "next"));
	assert_int_equal(s->screen, SCR_FORM);
	char shown[64];
	session_field_display(s, shown, sizeof shown);
	assert_string_equal(shown, "Lan");
	session_destroy(s);
}

/* The help call's states: sent once a session, taken by a counter,
 * nobody to call (and a retry), all forgotten when the session ends. */
static void test_help_states(void **state)
{
	fx_t *f = *state;
	session_t *s = start(f);
	int chimes = f->chimes;
	to_form(s);
	session_help_taken(s, 3); /* nothing was sent: ignored */
	assert_int_equal(s->help, SESSION_HELP_NONE);
	assert_true(session_tap(s, "help"));
	assert_int_equal(s->help, SESSION_HELP_SENT);
	assert_true(session_tap(s, "next"));
	assert_true(session_tap(s, "help")); /* asking again: no second call */
	assert_int_equal(f->chimes, chimes + 1);
	uint32_t g = s->generation;
	session_help_taken(s, 0);
	session_help_taken(s, 100);
	assert_int_equal(s->help, SESSION_HELP_SENT);
	session_help_taken(s, 3);
	assert_int_equal(s->help, SESSION_HELP_COMING);
	assert_int_equal(s->help_counter, 3);
	assert_true(s->generation != g);
	g = s->generation;
	session_help_taken(s, 3); /* the same news again: no redraw */
	assert_int_equal(s->generation, g);
	session_reset(s);
	assert_int_equal(s->help, SESSION_HELP_NONE);
	assert_int_equal(s->help_counter, 0);

	f->help_unreachable = true;
	to_form(s);
	assert_true(session_tap(s, "help"));
	assert_int_equal(s->help, SESSION_HELP_ASK);
	session_help_taken(s, 2); /* never sent: nobody can take it */
	assert_int_equal(s->help, SESSION_HELP_ASK);
	f->help_unreachable = false;
	assert_true(session_tap(s, "next"));
	assert_true(session_tap(s, "help")); /* tried again, and sent */
	assert_int_equal(s->help, SESSION_HELP_SENT);
	assert_int_equal(f->chimes, chimes + 3);
	session_destroy(s);
}

/* Rating at the kiosk: a scan at Welcome opens the faces; reasons toggle;
 * a positive face stores at once; a refusal says why; 30 s untouched ends
 * it with nothing stored; a scan on a form is an ID card, never a rating. */
static void test_rating(void **state)
{
	fx_t *f = *state;
	session_t *s = start(f);
	f->rate_check_rc = KIOSK_OK;
	session_scan(s, "B001;K2;record");
	assert_int_equal(s->screen, SCR_RATE);
	assert_int_equal(s->rate_step, SESSION_RATE_FACES);
	assert_string_equal(s->rate_number, "B001");
	assert_false(session_tap(s, "reason-1")); /* not on the faces */
	assert_false(session_tap(s, "rate-33"));
	assert_false(session_tap(s, "rate-0"));
	assert_true(session_tap(s, "rate-1"));
	assert_int_equal(s->rate_step, SESSION_RATE_REASONS);
	assert_true(session_tap(s, "reason-1"));
	assert_true(session_tap(s, "reason-8"));
	assert_true(session_tap(s, "reason-1"));
	assert_false(session_tap(s, "reason-3"));
	assert_true(session_tap(s, "back")); /* back to the faces forgets the reasons */
	assert_int_equal(s->rate_step, SESSION_RATE_FACES);
	assert_true(session_tap(s, "rate-1"));
	assert_true(session_tap(s, "reason-2"));
	assert_true(session_tap(s, "reason-4"));
	assert_int_equal(f->rate_level, 0);
	assert_true(session_tap(s, "next"));
	assert_int_equal(f->rate_level, 1);
	assert_int_equal(f->rate_reasons, 6);
	assert_string_equal(f->rate_number, "B001");
	assert_int_equal(s->rate_step, SESSION_RATE_THANKS);
	advance(f, s, 9000);
	assert_int_equal(s->screen, SCR_WELCOME);
	assert_string_equal(s->rate_number, "");

	/* A positive face: stored at once, no reasons. */
	f->rate_level = 0;
	session_scan(s, "B002;K2;record");
	assert_true(session_tap(s, "rate-3"));
	assert_int_equal(f->rate_level, 3);
	assert_int_equal(f->rate_reasons, 0);
	assert_true(session_tap(s, "done"));
	assert_int_equal(s->screen, SCR_WELCOME);

	/* Refusals name the reason; nothing stored. */
	const struct { int rc; const char *key; } no[] = {
		{KIOSK_EINVAL, "ui.rate_not_ticket"}, {KIOSK_ENOENT, "ui.rate_unknown"},
		{KIOSK_EBUSY, "ui.rate_not_served"}, {KIOSK_EPERM, "ui.rate_rated"},
		{KIOSK_ETIMEOUT, "ui.rate_too_late"}, {KIOSK_ENODEV, "ui.rate_unavailable"},
		{KIOSK_EIO, "ui.rate_failed"}};
	for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
		f->rate_level = 0;
		f->rate_check_rc = no[i].rc;
		session_scan(s, "B003;K2;record");
		assert_int_equal(s->screen, SCR_RATE);
		assert_int_equal(s->rate_step, SESSION_RATE_REFUSED);
		assert_string_equal(s->rate_refused, no[i].key);
		assert_false(session_tap(s, "rate-3"));
		assert_int_equal(f->rate_level, 0);
		assert_true(session_tap(s, "done"));
	}

	/* Left alone for 30 s: Welcome, nothing stored, no warning first. */
	f->rate_check_rc = KIOSK_OK;
	session_scan(s, "B004;K2;record");
	advance(f, s, 29000);
	assert_int_equal(s->screen, SCR_RATE);
	advance(f, s, 2000);
	assert_int_equal(s->screen, SCR_WELCOME);
	assert_false(s->warning);
	assert_int_equal(f->rate_level, 0);

	/* On a form a scan is an ID card. */
	to_form(s);
	session_scan(s, "B005;K2;record");
	assert_int_equal(s->screen, SCR_FORM);
	session_destroy(s);
}

static void test_language_and_settings(void **state)
{
	fx_t *f = *state;
	session_t *s = start(f);
	to_form(s);
	assert_true(session_tap(s, "lang-en"));
	assert_true(session_tap(s, "text-size"));
	assert_true(session_tap(s, "theme"));
	assert_int_equal(s->lang, LANG_EN);
	char shown[64];
	session_field_display(s, shown, sizeof shown);
	assert_string_equal(shown, "Lan");
	assert_true(session_tap(s, "back"));
	assert_true(session_tap(s, "back"));
	assert_true(session_tap(s, "back"));
	assert_true(session_tap(s, "back"));
	assert_int_equal(s->screen, SCR_WELCOME);
	assert_int_equal(s->lang, LANG_VI);
	assert_false(s->large_text);
	assert_false(s->high_contrast);
	session_destroy(s);
}

static void test_prechecks(void **state)
{
	fx_t *f = *state;
	session_t *s = start(f);
	f->check_rc = KIOSK_EPAPER;
	f->check_state = PRINTER_PAPER_OUT;
	assert_true(session_tap(s, "start"));
	assert_true(session_tap(s, "group-ho-tich"));
	assert_true(session_tap(s, "proc-ket-hon"));
	assert_int_equal(s->screen, SCR_PRINTER_ERROR);
	assert_int_equal(s->result.printer, PRINTER_PAPER_OUT);
	assert_false(s->result.storage_fault);
	/* The printer is fine but the ledger's storage is full: a storage
	 * fault, which the screen names as such (test_layout). */
	f->check_rc = KIOSK_ENOSPC;
	f->check_state = PRINTER_OK;
	assert_true(session_tap(s, "retry"));
	assert_int_equal(s->screen, SCR_PRINTER_ERROR);
	assert_int_equal(s->result.rc, KIOSK_ENOSPC);
	assert_true(s->result.storage_fault);
	f->check_rc = KIOSK_OK;
	assert_true(session_tap(s, "retry"));
	assert_int_equal(s->screen, SCR_DOCUMENTS);
	assert_true(session_tap(s, "back"));
	f->check_rc = KIOSK_ESOLDOUT;
	assert_true(session_tap(s, "proc-ket-hon"));
	assert_int_equal(s->screen, SCR_SOLD_OUT);
	session_destroy(s);
}

static void test_validation_and_no_form(void **state)
{
	fx_t *f = *state;
	session_t *s = start(f);
	assert_true(session_tap(s, "start"));
	assert_true(session_tap(s, "group-ho-tich"));
	assert_true(session_tap(s, "proc-ket-hon"));
	assert_true(session_tap(s, "next"));
	/* Empty required name: a message, no progress. */
	assert_true(session_tap(s, "next"));
	assert_int_equal(s->screen, SCR_FORM);
	assert_non_null(s->error_key);
	assert_int_equal(s->field, 0);
	session_reset(s);
	/* A procedure without fields goes from documents to review. */
	assert_true(session_tap(s, "start"));
	assert_true(session_tap(s, "group-chung-thuc"));
	assert_true(session_tap(s, "proc-chung-thuc-ban-sao"));
	assert_true(session_tap(s, "next"));
	assert_int_equal(s->screen, SCR_REVIEW);
	session_destroy(s);
}

static void test_office_hours(void **state)
{
	fx_t *f = *state;
	session_hooks_t h = {.check = fake_check, .ctx = f};
	/* Monday 12:00 is lunch. With office.lunch_tickets off, the lunch
	 * screen, and at 13:30 Welcome returns by itself. */
	kclock_parse_iso("2026-01-05T12:00:00+07:00", &f->v.now_ms);
	assert_true(f->cfg.office_lunch_tickets); /* the default */
	f->cfg.office_lunch_tickets = false;
	session_t *s = session_create(f->cat, &f->cfg, &f->clock, &h);
	assert_int_equal(s->screen, SCR_LUNCH);
	assert_false(session_tap(s, "start"));
	int64_t d = session_next_deadline(s);
	assert_int_equal(d - f->v.mono_ms, 90 * 60 * 1000);
	kclock_virtual_advance(&f->v, 90 * 60 * 1000);
	session_tick(s);
	assert_int_equal(s->screen, SCR_WELCOME);
	session_destroy(s);
	/* On (the default): Welcome through lunch, numbers for the afternoon;
	 * a session that ends at lunch comes back to Welcome. */
	f->cfg.office_lunch_tickets = true;
	kclock_parse_iso("2026-01-05T11:00:00+07:00", &f->v.now_ms);
	s = session_create(f->cat, &f->cfg, &f->clock, &h);
	assert_int_equal(s->screen, SCR_WELCOME);
	assert_false(s->lunch_numbers);
	kclock_virtual_advance(&f->v, 30 * 60 * 1000);
	session_tick(s);
	assert_int_equal(s->screen, SCR_WELCOME);
	/* Welcome says the numbers are for the afternoon, from 13:30. */
	assert_true(s->lunch_numbers);
	int64_t pm;
	kclock_parse_iso("2026-01-05T13:30:00+07:00", &pm);
	assert_true(s->hours_deadline == pm);
	assert_true(session_tap(s, "start"));
	assert_true(session_tap(s, "group-chung-thuc"));
	assert_true(session_tap(s, "proc-chung-thuc-ban-sao"));
	assert_true(session_tap(s, "next"));
	assert_int_equal(s->screen, SCR_REVIEW);
	session_reset(s);
	assert_int_equal(s->screen, SCR_WELCOME);
	session_destroy(s);
	/* Saturday afternoon is closed, not lunch: closed either way. */
	kclock_parse_iso("2026-01-10T12:00:00+07:00", &f->v.now_ms);
	s = session_create(f->cat, &f->cfg, &f->clock, &h);
	assert_int_equal(s->screen, SCR_CLOSED);
	session_destroy(s);
	/* Sunday: closed. */
	kclock_parse_iso("2026-01-04T10:00:00+07:00", &f->v.now_ms);
	s = session_create(f->cat, &f->cfg, &f->clock, &h);
	assert_int_equal(s->screen, SCR_CLOSED);
	assert_false(session_tap(s, "start"));
	session_destroy(s);
	kclock_parse_iso("2026-01-05T09:00:00+07:00", &f->v.now_ms);
}

static i18n_t *load_tr(void)
{
	char path[1024], err[512];
	const char *assets = getenv("KIOSK_ASSETS") ? getenv("KIOSK_ASSETS") : "build/share/kiosk";
	snprintf(path, sizeof path, "%s/i18n", assets);
	i18n_t *tr = NULL;
	assert_int_equal(i18n_load(path, &tr, err, sizeof err), KIOSK_OK);
	return tr;
}

static void tap_digits(session_t *s, const char *d)
{
	for (; *d; d++) {
		char id[8] = "key-";
		id[4] = *d;
		assert_true(session_tap(s, id));
	}
}

static void shows(const session_t *s, const char *want)
{
	char shown[128];
	session_field_display(s, shown, sizeof shown);
	assert_string_equal(shown, want);
}

/* To the baby's date of birth (birth registration, second question). */
static void to_dob(session_t *s)
{
	assert_true(session_tap(s, "start"));
	assert_true(session_tap(s, "group-ho-tich"));
	assert_true(session_tap(s, "proc-khai-sinh"));
	assert_true(session_tap(s, "next"));
	for (const char *c = "An"; *c; c++)
		session_key_char(s, *c);
	assert_true(session_tap(s, "next"));
	assert_int_equal(s->field, 1);
	assert_int_equal(s->proc->fields[1].type, FIELD_BIRTHDATE);
}

static void test_date_mask(void **state)
{
	fx_t *f = *state;
	i18n_t *tr = load_tr();
	session_t *s = start(f);
	to_dob(s);
	char msg[512];
	/* Digits only, into the mask; the slashes are the mask's. */
	shows(s, "__/__/____");
	tap_digits(s, "310");
	shows(s, "31/0_/____");
	assert_true(session_tap(s, "key-slash"));
	session_key_char(s, '/');
	session_key_char(s, 'a');
	assert_true(session_tap(s, "key-space"));
	assert_true(session_tap(s, "tone-acute"));
	shows(s, "31/0_/____");
	tap_digits(s, "22025");
	shows(s, "31/02/2025");
	session_key_char(s, '7'); /* the mask is full */
	shows(s, "31/02/2025");
	/* A real date is checked; the message says what is wrong. */
	assert_true(session_tap(s, "next"));
	assert_int_equal(s->field, 1);
	assert_string_equal(s->error_key, "field.date.no_day");
	session_form_error_text(s, tr, msg, sizeof msg);
	assert_non_null(strstr(msg, "Tháng 2 không có ngày 31"));
	assert_non_null(strstr(msg, "28 ngày"));
	assert_null(strstr(msg, "Chưa đúng"));
	s->lang = LANG_EN;
	session_form_error_text(s, tr, msg, sizeof msg);
	assert_non_null(strstr(msg, "Month 2 has no day 31"));
	s->lang = LANG_VI;
	/* Backspace takes one digit off. */
	session_key_special(s, SKEY_BACKSPACE);
	shows(s, "31/02/202_");
	assert_null(s->error_key);
	for (int i = 0; i < 7; i++)
		assert_true(session_tap(s, "key-backspace"));
	shows(s, "__/__/____");
	tap_digits(s, "01132020");
	assert_true(session_tap(s, "next"));
	assert_string_equal(s->error_key, "field.date.month");
	session_form_error_text(s, tr, msg, sizeof msg);
	assert_non_null(strstr(msg, "Tháng 13 không có"));
	for (int i = 0; i < 8; i++)
		session_key_special(s, SKEY_BACKSPACE);
	tap_digits(s, "29022025");
	assert_true(session_tap(s, "next"));
	assert_string_equal(s->error_key, "field.date.not_leap");
	session_form_error_text(s, tr, msg, sizeof msg);
	assert_non_null(strstr(msg, "Năm 2025 không phải năm nhuận"));
	for (int i = 0; i < 8; i++)
		session_key_special(s, SKEY_BACKSPACE);
	tap_digits(s, "0503");
	assert_true(session_tap(s, "next"));
	assert_string_equal(s->error_key, "field.date.incomplete");
	for (int i = 0; i < 4; i++)
		session_key_special(s, SKEY_BACKSPACE);
	tap_digits(s, "06012026"); /* tomorrow: not born yet */
	assert_true(session_tap(s, "next"));
	assert_string_equal(s->error_key, "field.date.future");
	for (int i = 0; i < 8; i++)
		session_key_special(s, SKEY_BACKSPACE);
	tap_digits(s, "01011899");
	assert_true(session_tap(s, "next"));
	assert_string_equal(s->error_key, "field.date.too_old");
	session_form_error_text(s, tr, msg, sizeof msg);
	assert_non_null(strstr(msg, "1899"));
	for (int i = 0; i < 8; i++)
		session_key_special(s, SKEY_BACKSPACE);
	/* Typed on a physical keyboard the same way; a leap day is fine. */
	for (const char *c = "29/02/2024"; *c; c++)
		session_key_char(s, *c);
	shows(s, "29/02/2024");
	assert_true(session_tap(s, "next"));
	assert_null(s->error_key);
	assert_int_equal(s->field, 2);
	assert_string_equal(s->values[1], "29/02/2024");
	/* Back to the date: the mask holds its digits again, still editable. */
	assert_true(session_tap(s, "back"));
	assert_int_equal(s->field, 1);
	shows(s, "29/02/2024");
	assert_string_equal(s->values[1], "29022024");
	session_key_special(s, SKEY_BACKSPACE);
	shows(s, "29/02/202_");
	session_destroy(s);
	i18n_free(tr);
}

/* Messages name the question and the button exactly as the screen shows
 * them (the same i18n key), and an old 9-digit ID has its own message. */
static void test_error_words(void **state)
{
	fx_t *f = *state;
	i18n_t *tr = load_tr();
	session_t *s = start(f);
	char msg[512], want[512];
	assert_true(session_tap(s, "start"));
	assert_true(session_tap(s, "group-ho-tich"));
	assert_true(session_tap(s, "proc-khai-sinh"));
	assert_true(session_tap(s, "next"));
	session_form_error_text(s, tr, msg, sizeof msg);
	assert_string_equal(msg, "");
	assert_true(session_tap(s, "next")); /* empty and required */
	assert_string_equal(s->error_key, "field.required");
	assert_string_equal(session_form_next_key(s), "ui.continue");
	session_form_error_text(s, tr, msg, sizeof msg);
	snprintf(want, sizeof want, "Xin điền \"%s\" rồi bấm \"%s\".", s->proc->fields[0].label[LANG_VI],
		 i18n_get(tr, LANG_VI, "ui.continue"));
	assert_string_equal(msg, want);
	s->lang = LANG_EN;
	session_form_error_text(s, tr, msg, sizeof msg);
	assert_non_null(strstr(msg, "\"The baby's full name\""));
	assert_non_null(strstr(msg, i18n_get(tr, LANG_EN, "ui.continue")));
	s->lang = LANG_VI;
	/* The last question's button is "Xem lại": the message says so. */
	s->field = (int)s->proc->nfields - 1;
	assert_string_equal(session_form_next_key(s), "ui.to_review");
	session_form_error_text(s, tr, msg, sizeof msg);
	assert_non_null(strstr(msg, i18n_get(tr, LANG_VI, "ui.to_review")));
	/* {max} is the field's limit, not a literal placeholder. */
	s->field = 0;
	s->error_key = "field.too_long";
	session_form_error_text(s, tr, msg, sizeof msg);
	assert_non_null(strstr(msg, "60"));
	session_reset(s);
	/* An old 9-digit ID number: its own message. */
	to_form(s); /* marriage: a name, then the ID number */
	assert_true(session_tap(s, "next"));
	assert_int_equal(s->proc->fields[s->field].type, FIELD_CCCD);
	tap_digits(s, "012345678");
	assert_true(session_tap(s, "next"));
	assert_string_equal(s->error_key, "field.cccd.old_cmnd");
	session_form_error_text(s, tr, msg, sizeof msg);
	assert_non_null(strstr(msg, "9 số"));
	for (int i = 0; i < 9; i++)
		session_key_special(s, SKEY_BACKSPACE);
	tap_digits(s, "003152000123"); /* 003: no province has it */
	assert_true(session_tap(s, "next"));
	assert_string_equal(s->error_key, "field.cccd.province");
	session_destroy(s);
	i18n_free(tr);
}

/* Every message a form can show fills all its placeholders, and a message
 * that names a button takes its label from the screen's key (a quoted
 * placeholder after "bấm"/"press"), never a word typed into the text. */
static void test_messages_filled(void **state)
{
	fx_t *f = *state;
	i18n_t *tr = load_tr();
	session_t *s = start(f);
	to_dob(s);
	tap_digits(s, "31022025");
	static const char *const files[] = {"field.json", "cccd.json"};
	const char *assets = getenv("KIOSK_ASSETS") ? getenv("KIOSK_ASSETS") : "build/share/kiosk";
	int n = 0;
	for (int lang = 0; lang < LANG_COUNT; lang++)
		for (size_t k = 0; k < 2; k++) {
			char path[1024];
			snprintf(path, sizeof path, "%s/i18n/%s/%s", assets, lang_code((lang_t)lang),
				 files[k]);
			FILE *fp = fopen(path, "rb");
			assert_non_null(fp);
			static char buf[65536];
			size_t len = fread(buf, 1, sizeof buf - 1, fp);
			fclose(fp);
			buf[len] = '\0';
			cJSON *j = cJSON_Parse(buf);
			assert_non_null(j);
			for (const cJSON *m = j->child; m; m = m->next) {
				const char *t = m->valuestring;
				for (const char *p = t; (p = strstr(p, lang ? "press \"" : "bấm \"")); p++) {
					const char *q = strchr(p, '"');
					if (q[1] != '{')
						fail_msg("%s: %s names a button by a typed word: %s", path,
							 m->string, t);
				}
				s->lang = (lang_t)lang;
				s->error_key = k == 0 ? m->string : NULL;
				s->scan_error_key = k == 1 ? m->string : NULL;
				char msg[1024];
				session_form_error_text(s, tr, msg, sizeof msg);
				if (strchr(msg, '{') || !msg[0])
					fail_msg("%s: %s is shown as \"%s\"", path, m->string, msg);
				n++;
			}
			cJSON_Delete(j);
		}
	assert_true(n > 40);
	s->error_key = s->scan_error_key = NULL;
	session_destroy(s);
	i18n_free(tr);
}

/* The mode key toggles letters and keypad; the typing-style key cycles
 * mark buttons, Telex, VNI; a number field never leaves the keypad. */
static void test_keyboard_modes(void **state)
{
	fx_t *f = *state;
	session_t *s = start(f);
	to_form(s);
	assert_int_equal(textfield_mode(&s->tf), KB_LETTERS);
	assert_true(session_tap(s, "key-5")); /* digits on the letter keyboard */
	char shown[128];
	session_field_display(s, shown, sizeof shown);
	assert_string_equal(shown, "Lan5");
	assert_true(session_tap(s, "kb-mode"));
	assert_int_equal(textfield_mode(&s->tf), KB_NUMERIC);
	assert_true(session_tap(s, "kb-mode"));
	assert_int_equal(textfield_mode(&s->tf), KB_LETTERS);
	assert_true(session_tap(s, "kb-method"));
	assert_int_equal(textfield_mode(&s->tf), KB_TELEX);
	assert_true(session_tap(s, "kb-method"));
	assert_int_equal(textfield_mode(&s->tf), KB_VNI);
	assert_true(session_tap(s, "kb-method"));
	assert_int_equal(textfield_mode(&s->tf), KB_LETTERS);
	assert_true(session_tap(s, "key-backspace"));
	assert_true(session_tap(s, "next"));
	assert_int_equal(s->field, 1); /* the ID number */
	assert_int_equal(textfield_mode(&s->tf), KB_NUMERIC);
	assert_true(session_tap(s, "kb-mode"));
	assert_int_equal(textfield_mode(&s->tf), KB_NUMERIC);
	assert_true(session_tap(s, "kb-method"));
	assert_int_equal(textfield_mode(&s->tf), KB_NUMERIC);
	session_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_warning_extend_expire),
		cmocka_unit_test(test_keyboard_modes),
		cmocka_unit_test(test_no_timeout_while_printing),
		cmocka_unit_test(test_help_limit_and_banner),
		cmocka_unit_test(test_help_states),
		cmocka_unit_test(test_rating),
		cmocka_unit_test(test_language_and_settings),
		cmocka_unit_test(test_prechecks),
		cmocka_unit_test(test_validation_and_no_form),
		cmocka_unit_test(test_office_hours),
		cmocka_unit_test(test_date_mask),
		cmocka_unit_test(test_error_words),
		cmocka_unit_test(test_messages_filled),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
