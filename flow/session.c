/* session.c - the citizen's session state machine: the guided flow
 * (welcome -> groups -> procedures -> documents -> form -> review ->
 * priority -> printing -> ticket), help, the forgiving idle timers and the
 * office-hours screens. Answers are wiped whenever a session ends. */
#include "flow/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/field.h"
#include "domain/hours.h"
#include "core/kiosk.h"
#include "flow/session_form.h"
#include "flow/tap.h"

static int64_t mono(const session_t *s) { return kclock_mono(s->clock); }

static void changed(session_t *s) { s->generation++; }

#define SESSION_RATE_IDLE_MS 30000   /* the faces and reasons wait this long */
#define SESSION_RATE_THANKS_MS 8000  /* the thanks or refusal, then Welcome */

/* Idle limit of a screen in ms; 0 = the screen never times out. */
static int64_t idle_limit(const session_t *s, screen_t scr)
{
	switch (scr) {
	case SCR_WELCOME: case SCR_CLOSED: case SCR_LUNCH: case SCR_PRINTING:
	case SCR_UPDATING: case SCR_FIRST_BOOT: case SCR_OUT_OF_SERVICE:
		return 0;
	case SCR_TICKET:
		return (int64_t)s->cfg->session_ticket_s * 1000;
	case SCR_RATE:
		return s->rate_step == SESSION_RATE_FACES || s->rate_step == SESSION_RATE_REASONS
			       ? SESSION_RATE_IDLE_MS : SESSION_RATE_THANKS_MS;
	case SCR_HELP: case SCR_PRINTER_ERROR:
		return (int64_t)s->cfg->session_help_idle_s * 1000;
	default:
		return (int64_t)s->cfg->session_idle_s * 1000;
	}
}

static void arm_idle(session_t *s)
{
	int64_t lim = idle_limit(s, s->screen);
	s->idle_deadline = lim ? mono(s) + lim : 0;
}

static void go(session_t *s, screen_t scr)
{
	s->screen = scr;
	s->warning = false;
	s->error_key = NULL;
	arm_idle(s);
	changed(s);
}

static void wipe_answers(session_t *s)
{
	explicit_bzero(s->values, sizeof s->values);
	explicit_bzero(s->scan_values, sizeof s->scan_values);
	memset(s->answered, 0, sizeof s->answered);
	if (s->tf.ime)
		textfield_reset(&s->tf);
	s->scan_offer = false;
	s->scan_error_key = NULL;
	s->wipes++; /* the app forgets what it drew of them (render cache) */
}

/* The screen a session starts on: Welcome, or closed/lunch by the hours. */
static screen_t home_screen(session_t *s)
{
	int64_t next = 0;
	hours_state_t h = hours_state(s->cfg, kclock_now(s->clock), &next);
	if (s->out_of_service)
		return SCR_OUT_OF_SERVICE;
	s->hours_deadline = next;
	s->lunch_numbers = h == HOURS_LUNCH && s->cfg->office_lunch_tickets;
	if (s->lunch_numbers)
		return SCR_WELCOME; /* numbers for the afternoon (office.lunch_tickets) */
	return h == HOURS_OPEN ? SCR_WELCOME : h == HOURS_LUNCH ? SCR_LUNCH : SCR_CLOSED;
}

void session_reset(session_t *s)
{
	wipe_answers(s);
	if (s->plugin.wipe) /* menus: typed PINs and text go too */
		s->plugin.wipe(s->plugin.ctx);
	lang_t def = LANG_VI;
	if (strcmp(s->cfg->ui_lang, "en") == 0)
		def = LANG_EN;
	s->lang = def;
	s->high_contrast = false;
	s->large_text = false;
	s->help = SESSION_HELP_NONE;
	s->help_counter = 0;
	s->page = 0;
	s->group = NULL;
	s->proc = NULL;
	s->field = 0;
	s->from_review = false;
	s->priority = false;
	s->print_pending = false;
	textfield_set_mode(&s->tf, KB_LETTERS);
	memset(&s->result, 0, sizeof s->result);
	s->wait_ahead = -1;
	s->wait_min = -1;
	s->rate_step = SESSION_RATE_FACES;
	memset(s->rate_number, 0, sizeof s->rate_number);
	s->rate_reasons = 0;
	s->rate_refused = NULL;
	go(s, home_screen(s));
}

void session_out_of_service(session_t *s, const char *reason_key, const char *file)
{
	s->out_of_service = true;
	s->oos_key = reason_key;
	snprintf(s->oos_file, sizeof s->oos_file, "%s", file ? file : "");
	session_reset(s);
}

session_t *session_create(const catalog_t *cat, const config_t *cfg, const kclock_t *clock,
			  const session_hooks_t *hooks)
{
	session_t *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->cat = cat;
	s->cfg = cfg;
	s->clock = clock;
	s->page_size = 6;
	s->wait_ahead = -1;
	s->wait_min = -1;
	if (hooks)
		s->hooks = *hooks;
	s->phys_method = strcmp(cfg->ime_method, "vni") == 0 ? IME_VNI
			 : strcmp(cfg->ime_method, "plain") == 0 ? IME_PLAIN : IME_TELEX;
	if (textfield_init(&s->tf, strcmp(cfg->ime_tone_style, "new") == 0 ? IME_TONE_NEW
					: IME_TONE_OLD, "'-/,") != KIOSK_OK) {
		free(s);
		return NULL;
	}
	session_reset(s);
	return s;
}

void session_destroy(session_t *s)
{
	if (!s)
		return;
	wipe_answers(s);
	textfield_fini(&s->tf);
	free(s);
}

void session_activity(session_t *s)
{
	if (!s->warning)
		arm_idle(s);
}

/* ---- lists -------------------------------------------------------------- */

static size_t offered_groups(const session_t *s, const catalog_group_t **out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < catalog_group_count(s->cat); i++) {
		const catalog_group_t *g = catalog_group_at(s->cat, i);
		for (size_t j = 0; j < catalog_proc_count(s->cat); j++) {
			const catalog_proc_t *p = catalog_proc_at(s->cat, j);
			if (p->group == g && config_offers(s->cfg, p->id)) {
				if (n < max)
					out[n] = g;
				n++;
				break;
			}
		}
	}
	return n;
}

static const catalog_proc_t *proc_for_target(const session_t *s, const char *id)
{
	const catalog_proc_t *p = catalog_proc_find(s->cat, id);
	return p && config_offers(s->cfg, p->id) ? p : NULL;
}

/* ---- the form ------------------------------------------------------------ */

/* The text field on the current answer (and whether it is a number). */
static textfield_t *field_tf(session_t *s)
{
	textfield_attach(&s->tf, s->values[s->field], SESSION_VALUE_MAX);
	textfield_set_numeric_only(&s->tf, s->proc && s->field >= 0 && s->field < (int)s->proc->nfields &&
					   session_field_numeric(s->proc->fields[s->field].type));
	return &s->tf;
}

static void commit_word(session_t *s)
{
	textfield_commit(field_tf(s));
}

/* A date field takes digits only, into the dd/mm/yyyy mask. */
static bool date_field(const session_t *s)
{
	if (!s->proc || s->field < 0 || s->field >= (int)s->proc->nfields)
		return false;
	field_type_t t = s->proc->fields[s->field].type;
	return t == FIELD_DATE || t == FIELD_BIRTHDATE;
}

/* A key typed into a date field: a digit goes in while the mask has room;
 * anything else (the slashes too: the mask draws them) is ignored. */
static void date_key(session_t *s, char c)
{
	char *v = s->values[s->field];
	size_t len = strlen(v);
	if (c >= '0' && c <= '9' && len < FIELD_DATE_DIGITS) {
		v[len] = c;
		v[len + 1] = '\0';
	}
	s->error_key = NULL;
	changed(s);
}

void session_field_display(const session_t *s, char *buf, size_t cap)
{
	if (s->screen != SCR_FORM || !s->proc || s->field >= (int)s->proc->nfields) {
		buf[0] = '\0';
		return;
	}
	if (date_field(s)) {
		field_date_mask(s->values[s->field], buf, cap);
		return;
	}
	snprintf(buf, cap, "%s%s", s->values[s->field], textfield_preedit(&s->tf));
}

bool session_field_numeric(field_type_t t)
{
	return t == FIELD_CCCD || t == FIELD_PHONE || t == FIELD_DATE || t == FIELD_BIRTHDATE;
}

static kb_mode_t default_kb(const catalog_field_t *f)
{
	return session_field_numeric(f->type) ? KB_NUMERIC : KB_LETTERS;
}

static void enter_field(session_t *s, int idx)
{
	textfield_reset(&s->tf);
	s->field = idx;
	textfield_set_mode(&s->tf, default_kb(&s->proc->fields[idx]));
	if (date_field(s)) {
		/* An accepted date is kept as dd/mm/yyyy; the mask edits its digits. */
		char d[FIELD_DATE_DIGITS + 1];
		field_date_digits(s->values[idx], d, sizeof d);
		snprintf(s->values[idx], SESSION_VALUE_MAX, "%s", d);
		explicit_bzero(d, sizeof d);
	}
	go(s, SCR_FORM);
}

static void start_form_or_review(session_t *s)
{
	if (s->proc->nfields == 0)
		go(s, SCR_REVIEW);
	else
		enter_field(s, 0);
}

/* Validate and store the current field; true when the flow may go on. */
static bool finish_field(session_t *s)
{
	commit_word(s);
	const catalog_field_t *f = &s->proc->fields[s->field];
	const char *err = session_form_check(s, f, s->values[s->field], sizeof s->values[s->field]);
	if (err) {
		s->error_key = err;
		changed(s);
		return false;
	}
	s->answered[s->field] = true;
	return true;
}

static void after_review(session_t *s)
{
	priority_policy_t pol = strcmp(s->cfg->queue_priority, "none") == 0 ? PRIORITY_NONE
				: PRIORITY_MARK;
	if (pol == PRIORITY_NONE) {
		s->priority = false;
		s->print_pending = true;
		go(s, SCR_PRINTING);
	} else {
		go(s, SCR_PRIORITY);
	}
}

static void form_next(session_t *s)
{
	if (!finish_field(s))
		return;
	if (s->from_review || s->field + 1 >= (int)s->proc->nfields) {
		s->from_review = false;
		s->page = 0;
		go(s, SCR_REVIEW);
	} else {
		enter_field(s, s->field + 1);
	}
}

static void form_back(session_t *s)
{
	commit_word(s);
	if (s->from_review) {
		s->from_review = false;
		go(s, SCR_REVIEW);
	} else if (s->field > 0) {
		enter_field(s, s->field - 1);
	} else {
		go(s, SCR_DOCUMENTS);
	}
}

/* A key of the on-screen keyboard: "key-<x>", "mark-<m>", "tone-<t>"; the
 * sex question's two buttons. */
static bool keyboard_tap(session_t *s, const char *t)
{
	if (date_field(s) && strcmp(t, "key-backspace") != 0 &&
	    (!strncmp(t, "key-", 4) || !strncmp(t, "mark-", 5) || !strncmp(t, "tone-", 5))) {
		date_key(s, !strncmp(t, "key-", 4) && t[4] && !t[5] ? t[4] : ' ');
		return true;
	}
	if (strcmp(t, "choice-nam") == 0 || strcmp(t, "choice-nu") == 0) {
		/* The sex question is two buttons, no typing. */
		textfield_reset(&s->tf);
		snprintf(s->values[s->field], SESSION_VALUE_MAX, "%s", t + 7);
		form_next(s);
		return true;
	}
	switch (textfield_tap(field_tf(s), t)) {
	case TEXTFIELD_NONE:
		return false;
	case TEXTFIELD_KEPT:
		return true;
	case TEXTFIELD_TYPED:
		s->error_key = NULL;
		/* fall through */
	case TEXTFIELD_CHANGED:
		changed(s);
		return true;
	}
	return false;
}

/* The screen shown is the plug-in's. */
static bool plugged(const session_t *s)
{
	return s->plugin.owns && s->plugin.owns(s->screen);
}

void session_key_char(session_t *s, char c)
{
	if (plugged(s) && !s->warning) { /* menus */
		s->plugin.key_char(s->plugin.ctx, s, c);
		return;
	}
	session_activity(s);
	if (s->screen != SCR_FORM || s->warning)
		return;
	if (date_field(s)) {
		date_key(s, c);
		return;
	}
	textfield_key(field_tf(s), c, s->phys_method);
	s->error_key = NULL;
	changed(s);
}

void session_key_special(session_t *s, session_skey_t k)
{
	if (plugged(s) && !s->warning) { /* menus */
		s->plugin.key_special(s->plugin.ctx, s, k);
		return;
	}
	session_activity(s);
	if (s->warning) {
		if (k == SKEY_RETURN)
			session_tap(s, "more-time");
		return;
	}
	if (s->screen != SCR_FORM) {
		if (k == SKEY_RETURN)
			session_tap(s, "next");
		return;
	}
	switch (k) {
	case SKEY_BACKSPACE:
		textfield_backspace(field_tf(s));
		s->error_key = NULL;
		changed(s);
		break;
	case SKEY_RETURN:
		form_next(s);
		break;
	case SKEY_ESCAPE:
		form_back(s);
		break;
	case SKEY_TAB:
		break;
	}
}

void session_cycle_phys_method(session_t *s)
{
	commit_word(s);
	s->phys_method = s->phys_method == IME_TELEX ? IME_VNI
			 : s->phys_method == IME_VNI ? IME_PLAIN : IME_TELEX;
	changed(s);
}

/* ---- taps ---------------------------------------------------------------- */

/* "page-next" / "page-prev" over a list of n items, page_size a page. */
static bool turn_page(session_t *s, const char *t, int n)
{
	if (strcmp(t, "page-next") == 0 && (s->page + 1) * s->page_size < n)
		s->page++;
	else if (strcmp(t, "page-prev") == 0 && s->page > 0)
		s->page--;
	else
		return false;
	changed(s);
	return true;
}

static void choose_proc(session_t *s, const catalog_proc_t *p)
{
	s->proc = p;
	s->group = p->group;
	printer_state_t st = PRINTER_OK;
	int rc = s->hooks.check ? s->hooks.check(s->hooks.ctx, p->group, false, &st) : KIOSK_OK;
	s->check_rc = rc;
	s->printer_state = st;
	s->precheck_failed = rc != KIOSK_OK && rc != KIOSK_ESOLDOUT;
	if (rc == KIOSK_ESOLDOUT) {
		go(s, SCR_SOLD_OUT);
		return;
	}
	if (rc != KIOSK_OK) {
		/* No one fills a form for a ticket that cannot print. */
		memset(&s->result, 0, sizeof s->result);
		s->result.rc = rc;
		s->result.printer = st;
		/* A printer that can print: the ledger's storage refused. */
		s->result.storage_fault = st == PRINTER_OK || st == PRINTER_NEAR_END;
		go(s, SCR_PRINTER_ERROR);
		return;
	}
	go(s, SCR_DOCUMENTS);
}

/* The handlers of the tap table below: arg is the target, or what follows
 * the prefix of a "prefix-*" row. True when the tap was taken. */

static bool tap_lang(session_t *s, const char *t)
{
	s->lang = t[5] == 'v' ? LANG_VI : LANG_EN;
	changed(s);
	return true;
}

static bool tap_text_size(session_t *s, const char *t)
{
	(void)t;
	s->large_text = !s->large_text;
	changed(s);
	return true;
}

static bool tap_theme(session_t *s, const char *t)
{
	(void)t;
	s->high_contrast = !s->high_contrast;
	changed(s);
	return true;
}

static bool tap_help(session_t *s, const char *t)
{
	(void)t;
	if (s->screen != SCR_HELP) {
		commit_word(s);
		s->help_return = s->screen;
	}
	/* One call a session: asking again shows where it stands. A kiosk
	 * that could not send it tries again. */
	if (s->help == SESSION_HELP_NONE || s->help == SESSION_HELP_ASK) {
		bool sent = s->hooks.help && s->hooks.help(s->hooks.ctx);
		s->help = sent ? SESSION_HELP_SENT : SESSION_HELP_ASK;
	}
	go(s, SCR_HELP);
	return true;
}

/* ---- rating at the kiosk ------------------------------------------------ */

static const char *rate_refusal(int rc)
{
	switch (rc) {
	case KIOSK_EINVAL: return "ui.rate_not_ticket";
	case KIOSK_ENOENT: return "ui.rate_unknown";
	case KIOSK_EBUSY: return "ui.rate_not_served";
	case KIOSK_EPERM: return "ui.rate_rated";
	case KIOSK_ETIMEOUT: return "ui.rate_too_late";
	case KIOSK_ENODEV: return "ui.rate_unavailable";
	default: return "ui.rate_failed"; /* storage: the log says why */
	}
}

static void rate_step(session_t *s, session_rate_step_t st)
{
	s->rate_step = st;
	s->page = 0;
	go(s, SCR_RATE);
}

/* A ticket's QR at Welcome: the faces, or why it cannot be rated. */
static void rate_scan(session_t *s, const char *text)
{
	char num[8] = "";
	int rc = s->hooks.rate(s->hooks.ctx, text, 0, 0, num);
	snprintf(s->rate_number, sizeof s->rate_number, "%s", num);
	s->rate_reasons = 0;
	s->rate_refused = rc == KIOSK_OK ? NULL : rate_refusal(rc);
	rate_step(s, rc == KIOSK_OK ? SESSION_RATE_FACES : SESSION_RATE_REFUSED);
}

static void rate_send(session_t *s, int level)
{
	/* Only the number was kept from the scanned record. */
	char num[8];
	snprintf(num, sizeof num, "%s", s->rate_number);
	int rc = s->hooks.rate ? s->hooks.rate(s->hooks.ctx, NULL, level, level == 1 ? s->rate_reasons : 0, num)
			       : KIOSK_ENODEV;
	s->rate_refused = rc == KIOSK_OK ? NULL : rate_refusal(rc);
	rate_step(s, rc == KIOSK_OK ? SESSION_RATE_THANKS : SESSION_RATE_REFUSED);
}

static bool tap_rate(session_t *s, const char *t)
{
	if (s->rate_step != SESSION_RATE_FACES || !t[0] || t[1])
		return false;
	int level = t[0] - '0';
	if (level == 1)
		rate_step(s, SESSION_RATE_REASONS);
	else if (level == 2 || level == 3)
		rate_send(s, level);
	else
		return false;
	return true;
}

static bool tap_reason(session_t *s, const char *t)
{
	unsigned bit = (unsigned)atoi(t);
	if (s->rate_step != SESSION_RATE_REASONS || (bit != 1 && bit != 2 && bit != 4 && bit != 8))
		return false;
	s->rate_reasons ^= bit;
	changed(s);
	return true;
}

static bool tap_rate_next(session_t *s, const char *t)
{
	(void)t;
	if (s->rate_step == SESSION_RATE_REASONS) {
		rate_send(s, 1);
		return true;
	}
	session_reset(s); /* thanks or refused: done */
	return true;
}

static bool tap_rate_back(session_t *s, const char *t)
{
	(void)t;
	if (s->rate_step == SESSION_RATE_REASONS) {
		s->rate_reasons = 0;
		rate_step(s, SESSION_RATE_FACES);
	} else {
		session_reset(s);
	}
	return true;
}

static bool tap_kb_phys(session_t *s, const char *t)
{
	(void)t;
	session_cycle_phys_method(s);
	return true;
}

static bool tap_more_time(session_t *s, const char *t)
{
	(void)t;
	s->warning = false;
	arm_idle(s);
	changed(s);
	return true;
}

static bool tap_restart(session_t *s, const char *t)
{
	(void)t;
	session_reset(s);
	return true;
}

static bool tap_to_groups(session_t *s, const char *t)
{
	(void)t;
	s->page = 0;
	go(s, SCR_GROUPS);
	return true;
}

static bool tap_groups_page(session_t *s, const char *t)
{
	const catalog_group_t *groups[64];
	size_t ng = offered_groups(s, groups, KIOSK_ARRAY_LEN(groups));
	return turn_page(s, t, (int)ng);
}

static bool tap_group(session_t *s, const char *id)
{
	const catalog_group_t *g = catalog_group_find(s->cat, id);
	if (!g)
		return false;
	s->group = g;
	s->page = 0;
	go(s, SCR_PROCEDURES);
	return true;
}

static bool tap_procs_page(session_t *s, const char *t)
{
	int n = 0;
	for (size_t i = 0; i < catalog_proc_count(s->cat); i++) {
		const catalog_proc_t *p = catalog_proc_at(s->cat, i);
		if (p->group == s->group && config_offers(s->cfg, p->id))
			n++;
	}
	return turn_page(s, t, n);
}

static bool tap_proc(session_t *s, const char *id)
{
	const catalog_proc_t *p = proc_for_target(s, id);
	if (!p)
		return false;
	choose_proc(s, p);
	return true;
}

static bool tap_to_procedures(session_t *s, const char *t)
{
	(void)t;
	go(s, SCR_PROCEDURES);
	return true;
}

static bool tap_start_form(session_t *s, const char *t)
{
	(void)t;
	start_form_or_review(s);
	return true;
}

static bool tap_form_next(session_t *s, const char *t)
{
	(void)t;
	form_next(s);
	return true;
}

static bool tap_form_back(session_t *s, const char *t)
{
	(void)t;
	form_back(s);
	return true;
}

static bool tap_scan_accept(session_t *s, const char *t)
{
	(void)t;
	if (!s->scan_offer)
		return false;
	session_form_apply_scan(s);
	/* Go on to the first question the card did not answer. */
	for (size_t i = 0; i < s->proc->nfields; i++)
		if (!s->answered[i]) {
			enter_field(s, (int)i);
			return true;
		}
	s->page = 0;
	go(s, SCR_REVIEW);
	return true;
}

static bool tap_scan_reject(session_t *s, const char *t)
{
	(void)t;
	if (!s->scan_offer)
		return false;
	explicit_bzero(s->scan_values, sizeof s->scan_values);
	s->scan_offer = false;
	changed(s);
	return true;
}

static bool tap_review_back(session_t *s, const char *t)
{
	(void)t;
	if (s->proc->nfields)
		enter_field(s, (int)s->proc->nfields - 1);
	else
		go(s, SCR_DOCUMENTS);
	return true;
}

static bool tap_review_next(session_t *s, const char *t)
{
	(void)t;
	after_review(s);
	return true;
}

static bool tap_review_page(session_t *s, const char *t)
{
	return turn_page(s, t, (int)s->proc->nfields);
}

static bool tap_edit(session_t *s, const char *id)
{
	for (size_t i = 0; i < s->proc->nfields; i++)
		if (strcmp(s->proc->fields[i].id, id) == 0) {
			enter_field(s, (int)i);
			s->from_review = true;
			return true;
		}
	return false;
}

static bool tap_priority(session_t *s, const char *t)
{
	s->priority = t[9] == 'y';
	s->print_pending = true;
	go(s, SCR_PRINTING);
	return true;
}

static bool tap_to_review(session_t *s, const char *t)
{
	(void)t;
	go(s, SCR_REVIEW);
	return true;
}

static bool tap_retry(session_t *s, const char *t)
{
	(void)t;
	if (!s->proc)
		return false;
	if (s->precheck_failed) {
		choose_proc(s, s->proc);
		return true;
	}
	s->print_pending = true;
	go(s, SCR_PRINTING);
	return true;
}

static bool tap_help_return(session_t *s, const char *t)
{
	(void)t;
	go(s, s->help_return);
	return true;
}

/* Every screen but the timeout warning (over which only "more-time" works). */
#define SCR_ANY SCR_COUNT

/* The citizen's taps, tried in order; the screens of the staff menus go on
 * to flow/menu.c. */
static const struct {
	screen_t screen;
	const char *target;
	bool (*fn)(session_t *s, const char *arg);
} taps[] = {
	/* screen             target          handler */
	{SCR_TIMEOUT_WARNING, "more-time",    tap_more_time},
	{SCR_ANY,             "lang-vi",      tap_lang},
	{SCR_ANY,             "lang-en",      tap_lang},
	{SCR_ANY,             "text-size",    tap_text_size},
	{SCR_ANY,             "theme",        tap_theme},
	{SCR_ANY,             "help",         tap_help},
	{SCR_ANY,             "kb-phys",      tap_kb_phys},
	{SCR_WELCOME,         "start",        tap_to_groups},
	{SCR_GROUPS,          "back",         tap_restart},
	{SCR_GROUPS,          "page-next",    tap_groups_page},
	{SCR_GROUPS,          "page-prev",    tap_groups_page},
	{SCR_GROUPS,          "group-*",      tap_group},
	{SCR_PROCEDURES,      "back",         tap_to_groups},
	{SCR_PROCEDURES,      "page-next",    tap_procs_page},
	{SCR_PROCEDURES,      "page-prev",    tap_procs_page},
	{SCR_PROCEDURES,      "proc-*",       tap_proc},
	{SCR_DOCUMENTS,       "back",         tap_to_procedures},
	{SCR_DOCUMENTS,       "next",         tap_start_form},
	{SCR_FORM,            "next",         tap_form_next},
	{SCR_FORM,            "back",         tap_form_back},
	{SCR_FORM,            "scan-accept",  tap_scan_accept},
	{SCR_FORM,            "scan-reject",  tap_scan_reject},
	{SCR_FORM,            "*",            keyboard_tap},
	{SCR_REVIEW,          "back",         tap_review_back},
	{SCR_REVIEW,          "next",         tap_review_next},
	{SCR_REVIEW,          "page-next",    tap_review_page},
	{SCR_REVIEW,          "page-prev",    tap_review_page},
	{SCR_REVIEW,          "edit-*",       tap_edit},
	{SCR_PRIORITY,        "priority-yes", tap_priority},
	{SCR_PRIORITY,        "priority-no",  tap_priority},
	{SCR_PRIORITY,        "back",         tap_to_review},
	{SCR_TICKET,          "done",         tap_restart},
	{SCR_PRINTER_ERROR,   "retry",        tap_retry},
	{SCR_PRINTER_ERROR,   "done",         tap_restart},
	{SCR_PRINTER_ERROR,   "back",         tap_restart},
	{SCR_SOLD_OUT,        "back",         tap_to_procedures},
	{SCR_SOLD_OUT,        "done",         tap_restart},
	{SCR_HELP,            "back",         tap_help_return},
	{SCR_HELP,            "next",         tap_help_return},
	{SCR_RATE,            "rate-*",       tap_rate},
	{SCR_RATE,            "reason-*",     tap_reason},
	{SCR_RATE,            "next",         tap_rate_next},
	{SCR_RATE,            "done",         tap_rate_next},
	{SCR_RATE,            "back",         tap_rate_back},
};

bool session_tap(session_t *s, const char *t)
{
	session_activity(s);
	screen_t scr = s->warning ? SCR_TIMEOUT_WARNING : s->screen;
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(taps); i++) {
		const char *arg;
		if ((taps[i].screen == scr || (taps[i].screen == SCR_ANY && !s->warning)) &&
		    tap_match(taps[i].target, t, &arg) && taps[i].fn(s, arg))
			return true;
	}
	/* PIN, staff/technician menus, first boot: the plug-in (flow/menu.c) */
	return !s->warning && s->plugin.tap && s->plugin.tap(s->plugin.ctx, s, t);
}

void session_show(session_t *s, screen_t scr)
{
	go(s, scr);
}

void session_plug(session_t *s, const session_plugin_t *p)
{
	if (p)
		s->plugin = *p;
	else
		memset(&s->plugin, 0, sizeof s->plugin);
}

void session_changed(session_t *s)
{
	changed(s);
}

void session_recheck_hours(session_t *s, int64_t utc_ms)
{
	s->hours_deadline = utc_ms;
}

void session_set_page_size(session_t *s, int n)
{
	s->page_size = n;
}

void session_scan(session_t *s, const char *text)
{
	session_activity(s);
	if (s->screen == SCR_WELCOME && !s->warning && s->hooks.rate) {
		rate_scan(s, text);
		return;
	}
	session_form_scan(s, text);
	changed(s);
}

/* ---- time ---------------------------------------------------------------- */

void session_tick(session_t *s)
{
	int64_t now = mono(s);
	if (s->warning && now >= s->warn_deadline) {
		session_reset(s); /* wipes everything typed */
		return;
	}
	if (!s->warning && s->idle_deadline && now >= s->idle_deadline) {
		if (s->screen == SCR_TICKET || s->screen == SCR_RATE) {
			session_reset(s); /* these end without a warning */
			return;
		}
		s->warning = true;
		s->warn_deadline = now + (int64_t)s->cfg->session_warning_s * 1000;
		changed(s);
	}
	if (s->hours_deadline && kclock_now(s->clock) >= s->hours_deadline) {
		if (s->screen == SCR_WELCOME || s->screen == SCR_CLOSED || s->screen == SCR_LUNCH)
			go(s, home_screen(s));
		else
			s->hours_deadline = 0; /* re-checked when the session ends */
	}
}

int64_t session_next_deadline(const session_t *s)
{
	int64_t d = -1;
	if (s->warning)
		d = s->warn_deadline;
	else if (s->idle_deadline)
		d = s->idle_deadline;
	if (s->hours_deadline) {
		int64_t in = s->hours_deadline - kclock_now(s->clock);
		int64_t h = mono(s) + (in > 0 ? in : 0);
		if (d < 0 || h < d)
			d = h;
	}
	return d;
}

/* ---- printing ------------------------------------------------------------ */

size_t session_answers(const session_t *s, tickets_answer_t *out, size_t max)
{
	size_t n = 0;
	if (!s->proc)
		return 0;
	for (size_t i = 0; i < s->proc->nfields && n < max; i++) {
		if (!s->values[i][0])
			continue;
		out[n].field_id = s->proc->fields[i].id;
		out[n].value = s->values[i];
		n++;
	}
	return n;
}

void session_print_done(session_t *s, const tickets_result_t *r)
{
	s->print_pending = false;
	s->result = *r;
	s->wait_ahead = -1;
	s->wait_min = -1;
	if (r->rc == KIOSK_OK) {
		/* The answers went onto the ticket; nothing of them stays here. */
		wipe_answers(s);
		go(s, SCR_TICKET);
	} else if (r->rc == KIOSK_ESOLDOUT) {
		go(s, SCR_SOLD_OUT);
	} else {
		go(s, SCR_PRINTER_ERROR);
	}
}

void session_set_wait(session_t *s, int ahead, int wait_min)
{
	s->wait_ahead = ahead < 0 ? -1 : ahead;
	s->wait_min = ahead < 0 || wait_min < 0 ? -1 : wait_min;
	changed(s);
}

void session_help_taken(session_t *s, int counter)
{
	if ((s->help != SESSION_HELP_SENT && s->help != SESSION_HELP_COMING) || counter < 1 || counter > 99 ||
	    (s->help == SESSION_HELP_COMING && s->help_counter == counter))
		return;
	s->help = SESSION_HELP_COMING;
	s->help_counter = counter;
	changed(s);
}

void session_set_serving(session_t *s, const char (*numbers)[8], int n)
{
	char next[6][8];
	memset(next, 0, sizeof next);
	if (n < 0 || !numbers)
		n = 0;
	if (n > 6)
		n = 6;
	for (int i = 0; i < n; i++)
		snprintf(next[i], sizeof next[i], "%.7s", numbers[i]);
	if (n == s->serving_count && memcmp(next, s->serving, sizeof next) == 0)
		return;
	memcpy(s->serving, next, sizeof next);
	s->serving_count = n;
	changed(s);
}
