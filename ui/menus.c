/* menus.c - layout of the PIN screen, the staff and technician menus, the
 * first-boot set-up and the update progress (menus.h). Landscape panels put
 * the numeric keypad on the right of the text; portrait panels below it. */
#include "ui/menus.h"

#include <stdio.h>
#include <string.h>

#include "ui/keyboard.h"
#include "core/kiosk.h"
#include "core/text.h"
#include "flow/menu.h"
#include "ui/widgets.h"

typedef struct {
	ui_t u;
	a11y_t a;
	screen_ctx_t *c;
	const session_t *s;
	const menu_t *m;
	int left, right, y, bottom;
	int pad_x;              /* keypad column x (landscape), 0 = stacked */
} ml_t;

static const char *T(const ml_t *l, const char *key)
{
	return i18n_get(l->c->tr, l->s->lang, key);
}

static int width(const ml_t *l) { return l->right - l->left; }

/* A bundle pair ("app", "data") in the screen's words. */
static const char *pair_word(const ml_t *l, const char *type)
{
	return T(l, !strcmp(type, "app") ? "menu.pair_app"
		    : !strcmp(type, "data") ? "menu.pair_data" : "menu.pair_unknown");
}

static int text(ml_t *l, const char *t, font_id_t f, int px, color_role_t fg)
{
	ui_rect_t box = {l->left, l->y, width(l), l->bottom - l->y};
	int h = ui_text(&l->u, box, t, f, px, fg, C_BG, ALIGN_LEFT);
	l->y += h + l->a.gap;
	return h;
}

static void body(ml_t *l, const char *t) { text(l, t, FONT_REGULAR, l->a.body_px, C_TEXT); }

static void title(ml_t *l, const char *t) { text(l, t, FONT_BOLD, l->a.title_px, C_TEXT); }

/* A boxed field showing shown at size px. */
static void field_px(ml_t *l, const char *shown, int px)
{
	int pad = l->a.gap;
	int fh = ui_text_height(&l->u, width(l) - 2 * pad, shown[0] ? shown : " ", FONT_REGULAR, px);
	if (fh < a11y_line(px))
		fh = a11y_line(px);
	ui_rect_t fb = {l->left, l->y, width(l), fh + 2 * pad};
	draw_fill(l->u.dl, fb, C_FIELD_BG);
	draw_border(l->u.dl, fb, C_FIELD_BORDER, 4);
	ui_text(&l->u, (ui_rect_t){fb.x + pad, fb.y + pad, fb.w - 2 * pad, fh}, shown, FONT_REGULAR,
		px, C_FIELD_TEXT, C_FIELD_BG, ALIGN_LEFT);
	l->y = fb.y + fb.h + l->a.gap;
}

/* Digits and short entries: large. */
static void field(ml_t *l, const char *shown) { field_px(l, shown, l->a.composed_px); }

/* The last result or error, in a coloured box (compact: half the padding,
 * where a keyboard needs the room). */
static void message_box(ml_t *l, bool compact)
{
	const menu_t *m = l->m;
	if (!m->msg_key)
		return;
	char msg[600];
	i18n_format(msg, sizeof msg, T(l, m->msg_key), "detail",
		    m->msg_arg_key ? T(l, m->msg_arg_key) : m->msg_arg, NULL);
	int pad = compact ? l->a.gap / 2 : l->a.gap;
	color_role_t bg = m->msg_error ? C_ERROR_BG : C_BANNER_BG;
	color_role_t fg = m->msg_error ? C_ERROR_TEXT : C_BANNER_TEXT;
	int h = ui_text_height(&l->u, width(l) - 2 * pad, msg, FONT_BOLD, l->a.body_px);
	ui_rect_t b = {l->left, l->y, width(l), h + 2 * pad};
	draw_fill(l->u.dl, b, bg);
	ui_text(&l->u, (ui_rect_t){b.x + pad, b.y + pad, b.w - 2 * pad, h}, msg, FONT_BOLD,
		l->a.body_px, fg, bg, ALIGN_LEFT);
	l->y = b.y + b.h + l->a.gap;
}

static void message(ml_t *l) { message_box(l, false); }

static void bottom_bar(ml_t *l, const char *back_label, const char *fwd_label)
{
	int y = ui_bottom_bar(&l->u, l->c->w, l->c->h, back_label, "next", fwd_label);
	l->bottom = y - 2 * l->a.gap;
}

/* Digits keypad (1-9, backspace, 0): on the right in landscape, else below.
 * In landscape the text column is narrowed to leave room for it. */
static int keypad_width(const ml_t *l) { return 3 * l->a.numkey_px + 2 * l->a.gap; }

static void keypad_column(ml_t *l)
{
	if (l->c->w > l->c->h) {
		l->pad_x = l->right - keypad_width(l);
		l->right = l->pad_x - 3 * l->a.gap;
	}
}

static void keypad(ml_t *l, int top)
{
	int k = l->a.numkey_px, g = l->a.gap;
	int x0 = l->pad_x ? l->pad_x : l->left + (width(l) - keypad_width(l)) / 2;
	int y0 = l->pad_x ? top : l->y;
	/* The last row: 0, then the delete key two keys wide (its word,
	 * "Delete" in English, does not fit one key). */
	static const char *const ids[12] = {"key-1", "key-2", "key-3", "key-4", "key-5", "key-6",
					    "key-7", "key-8", "key-9", "key-0", "key-backspace",
					    NULL};
	static const char *const labels[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "0",
					       NULL, NULL};
	for (int i = 0; i < 12; i++) {
		if (!ids[i])
			continue;
		ui_rect_t r = {x0 + (i % 3) * (k + g), y0 + (i / 3) * (k + g), i == 10 ? 2 * k + g : k,
			       k};
		ui_button(&l->u, r, ids[i], labels[i] ? labels[i] : T(l, "kb.backspace"),
			  TGT_NUMKEY);
	}
	if (!l->pad_x)
		l->y = y0 + 4 * (k + g);
}

/* Full-width buttons, two columns when wide. */
static void button_grid(ml_t *l, const ui_item_t *items, int n)
{
	int cols = width(l) > 1600 ? 3 : width(l) > 900 ? 2 : 1;
	int g = l->a.gap;
	int cw = (width(l) - (cols - 1) * 2 * g) / cols;
	for (int i = 0; i < n; i += cols) {
		int h = l->a.target_px;
		for (int j = i; j < n && j < i + cols; j++) {
			int bh = ui_button_height(&l->u, cw, items[j].label, l->a.button_px,
						  l->a.target_px);
			h = bh > h ? bh : h;
		}
		for (int j = i; j < n && j < i + cols; j++)
			ui_button(&l->u, (ui_rect_t){l->left + (j - i) * (cw + 2 * g), l->y, cw, h},
				  items[j].id, items[j].label, items[j].flags);
		l->y += h + g;
	}
}

static void dots(ml_t *l)
{
	char shown[64] = "";
	size_t n = strlen(l->m->entry);
	for (size_t i = 0; i < n && i < 16; i++)
		strcat(shown, i ? " *" : "*");
	field(l, shown);
}

static void now_text(ml_t *l, const char *key)
{
	char shown[32], msg[256];
	menu_format_time(kclock_now(l->s->clock), shown, sizeof shown);
	i18n_format(msg, sizeof msg, T(l, key), "time", shown, NULL);
	body(l, msg);
}

/* "05/01/2___ __:__" from the digits typed so far, day first. */
static void date_entry(ml_t *l)
{
	char shown[32];
	text_fill_mask("__/__/____ __:__", l->m->entry, shown, sizeof shown);
	field(l, shown);
}

/* ---- screens -------------------------------------------------------------- */

static void scr_pin(ml_t *l)
{
	bottom_bar(l, T(l, "menu.cancel"), T(l, "menu.ok"));
	keypad_column(l);
	int top = l->y;
	title(l, T(l, "menu.pin_title"));
	dots(l);
	message(l);
	keypad(l, top);
}

static void digits_view(ml_t *l, const char *ttl, const char *help, bool date)
{
	keypad_column(l);
	int top = l->y;
	title(l, ttl);
	if (help)
		body(l, help);
	if (date) {
		now_text(l, "menu.clock_now");
		date_entry(l);
	} else {
		dots(l);
	}
	message(l);
	keypad(l, top);
}

static void view_home(ml_t *l, bool tech)
{
	bottom_bar(l, T(l, "menu.exit"), NULL);
	title(l, T(l, tech ? "menu.tech_title" : "menu.staff_title"));
	ui_item_t items[16];
	int n = 0;
	items[n++] = (ui_item_t){"menu-reprint", T(l, "menu.item_reprint"), 0};
	items[n++] = (ui_item_t){"menu-paper", T(l, "menu.item_paper"), 0};
	items[n++] = (ui_item_t){"menu-clock", T(l, "menu.item_clock"), 0};
	if (tech) {
		items[n++] = (ui_item_t){"menu-update", T(l, "menu.item_update"), 0};
		items[n++] = (ui_item_t){"menu-versions", T(l, "menu.item_versions"), 0};
		items[n++] = (ui_item_t){"menu-export", T(l, "menu.item_export"), 0};
		items[n++] = (ui_item_t){"menu-office", T(l, "menu.item_office"), 0};
		items[n++] = (ui_item_t){"menu-hours", T(l, "menu.item_hours"), 0};
		items[n++] = (ui_item_t){"menu-procs", T(l, "menu.item_procs"), 0};
		items[n++] = (ui_item_t){"menu-queue", T(l, "menu.item_queue"), 0};
		items[n++] = (ui_item_t){"menu-calibrate", T(l, "menu.item_calibrate"), 0};
		items[n++] = (ui_item_t){"menu-reset", T(l, "menu.item_reset"), 0};
	}
	button_grid(l, items, n);
}

static void view_reprint(ml_t *l)
{
	const menu_t *m = l->m;
	bottom_bar(l, T(l, "menu.back"), T(l, "menu.reprint_print"));
	keypad_column(l);
	int top = l->y;
	title(l, T(l, "menu.reprint_title"));
	/* One button per series letter of the catalogue. */
	ui_item_t items[26];
	static char ids[26][10], labels[26][4];
	int n = 0;
	for (size_t i = 0; i < catalog_group_count(l->c->cat) && n < 26; i++) {
		char c = catalog_group_at(l->c->cat, i)->letter;
		bool dup = false;
		for (int j = 0; j < n; j++)
			dup = dup || labels[j][0] == c;
		if (dup)
			continue;
		snprintf(ids[n], sizeof ids[n], "series-%c", c);
		snprintf(labels[n], sizeof labels[n], "%c", c);
		items[n] = (ui_item_t){ids[n], labels[n], c == m->series ? TGT_PRIMARY : 0};
		n++;
	}
	ui_rect_t area = {l->left, l->y, width(l), l->bottom - l->y};
	l->y += ui_button_row(&l->u, area, items, n, ALIGN_LEFT, l->a.target_px) + l->a.gap;
	char shown[32];
	snprintf(shown, sizeof shown, "%c%s", m->series ? m->series : '_',
		 m->entry[0] ? m->entry : "___");
	field(l, shown);
	message(l);
	keypad(l, top);
}

static void view_paper(ml_t *l)
{
	bottom_bar(l, T(l, "menu.back"), T(l, "menu.refresh"));
	title(l, T(l, "menu.paper_title"));
	menu_paper_facts_t pf;
	menu_paper_facts(l->m, &pf);
	if (!pf.printer) {
		body(l, T(l, "menu.printer_none"));
	} else {
		printer_state_t st = l->m->paper;
		text(l, T(l, menu_printer_key(st)), FONT_BOLD, l->a.body_px, C_TEXT);
		if (st == PRINTER_NEAR_END || st == PRINTER_PAPER_OUT)
			body(l, T(l, "menu.paper_advice"));
		if (pf.clock_warning)
			body(l, T(l, "menu.clock_warning"));
		if (pf.day_rewound)
			body(l, T(l, "menu.clock_rewound"));
		if (pf.storage_warning)
			body(l, T(l, "menu.storage_warning"));
		int sk = pf.storage_error;
		if (sk != KIOSK_OK)
			body(l, T(l, sk == KIOSK_ENOSPC ? "menu.storage_full" : sk == KIOSK_EROFS ? "menu.storage_readonly"
				     : sk == KIOSK_ECORRUPT ? "menu.storage_damaged" : "menu.storage_error"));
	}
	if (l->m->no_audio)
		body(l, T(l, "menu.audio_none"));
	if (l->m->role == STAFF_TECH) {
		message(l);
		ui_item_t it[2] = {{"test-page", T(l, "menu.test_page"), 0}, {"sound-test", T(l, "menu.sound_test"), 0}};
		int n = 0;
		if (pf.printer)
			it[n++] = it[0];
		if (l->m->env.sound_test)
			it[n++] = it[1];
		ui_rect_t area = {l->left, l->y, width(l), l->bottom - l->y};
		if (n)
			l->y += ui_button_row(&l->u, area, it, n, ALIGN_LEFT, l->a.target_px) + l->a.gap;
	}
}

static void view_update(ml_t *l)
{
	const menu_t *m = l->m;
	bottom_bar(l, T(l, "menu.back"), T(l, "menu.update_install"));
	title(l, T(l, "menu.update_title"));
	char line[600];
	for (int i = 0; i < m->ncands; i++) {
		const menu_cand_t *c = &m->cands[i];
		const char *k = c->newer ? "menu.cand_newer" : c->candidate ? "menu.cand_not_newer"
					     : c->unsafe ? "menu.cand_unsafe" : "menu.cand_refused";
		i18n_format(line, sizeof line, T(l, k), "name", c->name, "type", pair_word(l, c->type), "version",
			    c->version, "reason", c->reason, NULL);
		text(l, line, FONT_REGULAR, l->a.body_px, c->newer ? C_TEXT : C_TEXT_MUTED);
	}
	message(l);
	ui_item_t it[2] = {{"update-scan", T(l, "menu.update_rescan"), 0},
			   {"update-reinstall", T(l, "menu.update_reinstall"), 0}};
	ui_rect_t area = {l->left, l->y, width(l), l->bottom - l->y};
	l->y += ui_button_row(&l->u, area, it, 2, ALIGN_LEFT, l->a.target_px) + l->a.gap;
}

static void view_versions(ml_t *l)
{
	const menu_t *m = l->m;
	bottom_bar(l, T(l, "menu.back"), NULL);
	title(l, T(l, "menu.versions_title"));
	char line[600], slot[4];
	for (int i = 0; i < m->nslots; i++) {
		const menu_slot_t *s = &m->slots[i];
		char state_key[40];
		snprintf(state_key, sizeof state_key, "menu.slot_%s", s->state);
		snprintf(slot, sizeof slot, "%c", s->slot - 'a' + 'A');
		i18n_format(line, sizeof line,
			    T(l, s->current ? "menu.slot_line_current" : "menu.slot_line"), "type",
			    pair_word(l, s->type), "slot", slot, "version", s->version[0] ? s->version : "-",
			    "state", T(l, state_key), NULL);
		text(l, line, s->current ? FONT_BOLD : FONT_REGULAR, l->a.body_px, C_TEXT);
	}
	if (m->failure_key) {
		char what[400];
		i18n_format(what, sizeof what, T(l, m->failure_key), "type",
			    pair_word(l, m->failure_type), "version",
			    m->failure_version[0] ? m->failure_version : "-", NULL);
		i18n_format(line, sizeof line, T(l, "menu.last_failure"), "detail", what, NULL);
		body(l, line);
	}
	message(l);
	ui_item_t it[1] = {{"rollback", T(l, m->confirm ? "menu.rollback_confirm"
							: "menu.rollback"), 0}};
	ui_rect_t area = {l->left, l->y, width(l), l->bottom - l->y};
	l->y += ui_button_row(&l->u, area, it, 1, ALIGN_LEFT, l->a.target_px) + l->a.gap;
}

static void view_export(ml_t *l)
{
	bottom_bar(l, T(l, "menu.back"), T(l, "menu.export_go"));
	title(l, T(l, "menu.export_title"));
	body(l, T(l, "menu.export_help"));
	message(l);
}

/* Text entry with the letters keyboard, which needs most of the screen:
 * the label (or the last message, in its colours) sits left of the field
 * on one row. */
static void text_view(ml_t *l, const char *label)
{
	const menu_t *m = l->m;
	int g = l->a.gap, pad = g;
	int lw = width(l) * 2 / 5;
	char msg[600];
	const char *t = label;
	color_role_t fg = C_TEXT, bg = C_BG;
	if (m->msg_key) {
		i18n_format(msg, sizeof msg, T(l, m->msg_key), "detail",
			    m->msg_arg_key ? T(l, m->msg_arg_key) : m->msg_arg, NULL);
		t = msg;
		lw = width(l) / 2;
		fg = m->msg_error ? C_ERROR_TEXT : C_BANNER_TEXT;
		bg = m->msg_error ? C_ERROR_BG : C_BANNER_BG;
	}
	int th = ui_text_height(&l->u, lw - 2 * pad, t, FONT_BOLD, l->a.body_px) + 2 * pad;
	char shown[300];
	menu_text_display(m, shown, sizeof shown);
	int fx = l->left + lw + g, fw = width(l) - lw - g;
	int fh = ui_text_height(&l->u, fw - 2 * pad, shown[0] ? shown : " ", FONT_REGULAR,
				l->a.body_px);
	if (fh < a11y_line(l->a.body_px))
		fh = a11y_line(l->a.body_px);
	fh += 2 * pad;
	int h = th > fh ? th : fh;
	if (bg != C_BG)
		draw_fill(l->u.dl, (ui_rect_t){l->left, l->y, lw, h}, bg);
	ui_text(&l->u, (ui_rect_t){l->left + pad, l->y + pad, lw - 2 * pad, h - 2 * pad}, t,
		FONT_BOLD, l->a.body_px, fg, bg, ALIGN_LEFT);
	ui_rect_t fb = {fx, l->y, fw, h};
	draw_fill(l->u.dl, fb, C_FIELD_BG);
	draw_border(l->u.dl, fb, C_FIELD_BORDER, 4);
	ui_text(&l->u, (ui_rect_t){fb.x + pad, fb.y + pad, fb.w - 2 * pad, h - 2 * pad}, shown,
		FONT_REGULAR, l->a.body_px, C_FIELD_TEXT, C_FIELD_BG, ALIGN_LEFT);
	l->y += h + g;
	keyboard_ctx_t kc = {.u = &l->u, .tr = l->c->tr, .lang = l->s->lang, .mode = textfield_mode(&m->tf),
			     .phys = IME_TELEX};
	keyboard_build(&kc, (ui_rect_t){l->left, l->y, width(l), l->bottom - l->y});
}

/* Procedures offered at this office: one toggle each, a page at a time. */
static void view_procs(ml_t *l)
{
	const menu_t *m = l->m;
	const catalog_t *cat = l->c->cat;
	bottom_bar(l, T(l, "menu.back"), NULL);
	if (m->msg_key)
		message(l);
	else
		title(l, T(l, "menu.procs_title"));
	int n = (int)catalog_proc_count(cat);
	int pages = (n + MENU_PROCS_PAGE - 1) / MENU_PROCS_PAGE;
	int first = m->page * MENU_PROCS_PAGE;
	static char ids[MENU_PROCS_PAGE][48], labels[MENU_PROCS_PAGE][300];
	ui_item_t items[MENU_PROCS_PAGE];
	int k = 0;
	for (int i = first; i < n && k < MENU_PROCS_PAGE; i++, k++) {
		const catalog_proc_t *p = catalog_proc_at(cat, (size_t)i);
		bool on = config_offers(l->c->cfg, p->id);
		snprintf(ids[k], sizeof ids[k], "offer-%s", p->id);
		snprintf(labels[k], sizeof labels[k], "%s: %s", p->name[l->s->lang],
			 T(l, on ? "menu.offered" : "menu.not_offered"));
		items[k] = (ui_item_t){ids[k], labels[k], on ? TGT_PRIMARY : 0};
	}
	int g = l->a.gap;
	for (int i = 0; i < k; i++) {
		int h = ui_button_height(&l->u, width(l), items[i].label, l->a.button_px,
					 l->a.target_px);
		ui_button(&l->u, (ui_rect_t){l->left, l->y, width(l), h}, items[i].id, items[i].label,
			  items[i].flags);
		l->y += h + g;
	}
	if (pages > 1) {
		ui_item_t pg[2];
		int np = 0;
		if (m->page > 0)
			pg[np++] = (ui_item_t){"page-prev", T(l, "menu.page_prev"), 0};
		if (m->page + 1 < pages)
			pg[np++] = (ui_item_t){"page-next", T(l, "menu.page_next"), 0};
		ui_rect_t area = {l->left, l->y, width(l), l->bottom - l->y};
		l->y += ui_button_row(&l->u, area, pg, np, ALIGN_RIGHT, l->a.target_px) + g;
	}
}

/* Office hours: the week as it is, and a digits entry for Monday-Friday
 * or Saturday. */
static void view_hours(ml_t *l)
{
	const menu_t *m = l->m;
	const config_t *cfg = l->c->cfg;
	bottom_bar(l, T(l, "menu.back"), T(l, "menu.save"));
	keypad_column(l);
	int top = l->y;
	title(l, T(l, "menu.hours_title"));
	static const char *const days[7] = {"menu.day_sun", "menu.day_mon", "menu.day_tue",
					    "menu.day_wed", "menu.day_thu", "menu.day_fri",
					    "menu.day_sat"};
	char week[700];
	size_t k = 0;
	week[0] = '\0';
	for (int d = 1; d <= 7 && k < sizeof week; d++) {
		int day = d % 7;
		k += (size_t)snprintf(week + k, sizeof week - k, "%s%s: ", d > 1 ? "; " : "",
				      T(l, days[day]));
		if (cfg->office_hours_count[day] == 0 && k < sizeof week)
			k += (size_t)snprintf(week + k, sizeof week - k, "%s", T(l, "menu.closed"));
		for (int i = 0; i < cfg->office_hours_count[day] && k < sizeof week; i++) {
			const config_period_t *p = &cfg->office_hours[day][i];
			k += (size_t)snprintf(week + k, sizeof week - k, "%s%02d:%02d-%02d:%02d",
					      i ? ", " : "", p->start_min / 60, p->start_min % 60,
					      p->end_min / 60, p->end_min % 60);
		}
	}
	body(l, week);
	ui_item_t it[2] = {{"hours-weekdays", T(l, "menu.hours_weekdays"), m->hours_sat ? 0 : TGT_PRIMARY},
			   {"hours-saturday", T(l, "menu.hours_saturday"), m->hours_sat ? TGT_PRIMARY : 0}};
	ui_rect_t area = {l->left, l->y, width(l), l->bottom - l->y};
	l->y += ui_button_row(&l->u, area, it, 2, ALIGN_LEFT, l->a.target_px) + l->a.gap;
	char shown[32];
	text_fill_mask("__:__-__:__ __:__-__:__", m->entry, shown, sizeof shown);
	field(l, shown);
	message(l);
	keypad(l, top);
}

/* The 4-point touch check: one cross at a time, then the result. */
static void view_calibrate(ml_t *l)
{
	const menu_t *m = l->m;
	bottom_bar(l, T(l, "menu.back"), NULL);
	if (m->cal_step < 4) {
		char n[16], t[300];
		snprintf(n, sizeof n, "%d", m->cal_step + 1);
		i18n_format(t, sizeof t, T(l, "menu.cal_touch"), "n", n, NULL);
		title(l, t);
		int x, y;
		touchcal_point(l->c->w, l->c->h, m->cal_step, &x, &y);
		int arm = l->a.target_px / 2, th = 6;
		draw_fill(l->u.dl, (ui_rect_t){x - arm, y - th / 2, 2 * arm, th}, C_TEXT);
		draw_fill(l->u.dl, (ui_rect_t){x - th / 2, y - arm, th, 2 * arm}, C_TEXT);
		draw_border(l->u.dl, (ui_rect_t){x - arm / 2, y - arm / 2, arm, arm}, C_TEXT, 3);
		return;
	}
	title(l, T(l, "menu.cal_title"));
	message(l);
	ui_item_t it[2] = {{"cal-again", T(l, "menu.cal_again"), 0},
			   {"cal-clear", T(l, "menu.cal_clear"), 0}};
	ui_rect_t area = {l->left, l->y, width(l), l->bottom - l->y};
	l->y += ui_button_row(&l->u, area, it, 2, ALIGN_LEFT, l->a.target_px) + l->a.gap;
}

/* Factory reset: what goes and what stays, then the technician PIN again
 * and the button that erases. */
static void view_reset(ml_t *l)
{
	bottom_bar(l, T(l, "menu.back"), T(l, "menu.reset_confirm"));
	keypad_column(l);
	int top = l->y;
	title(l, T(l, "menu.reset_title"));
	body(l, T(l, "menu.reset_text"));
	if (!l->m->msg_key) /* a message says what to type instead */
		body(l, T(l, "menu.reset_pin"));
	dots(l);
	message(l);
	keypad(l, top);
}

/* ---- the office queue ---- */

/* A counter's name as the boards and pages show it. */
static const char *counter_label(const ml_t *l, const config_counter_t *c, char *buf, size_t cap)
{
	const char *n = c->name[l->s->lang == LANG_EN][0] ? c->name[l->s->lang == LANG_EN] : c->name[0][0] ? c->name[0]
			: c->name[1];
	if (n[0])
		return n;
	char num[8];
	snprintf(num, sizeof num, "%d", c->id);
	i18n_format(buf, cap, T(l, "board.counter_n"), "n", num, NULL);
	return buf;
}

static const char *group_label(const ml_t *l, const char *id)
{
	for (size_t i = 0; i < catalog_group_count(l->c->cat); i++) {
		const catalog_group_t *g = catalog_group_at(l->c->cat, i);
		if (strcmp(g->id, id) == 0)
			return g->name[l->s->lang] ? g->name[l->s->lang] : g->id;
	}
	return id;
}

static char group_letter(const ml_t *l, const char *id)
{
	for (size_t i = 0; i < catalog_group_count(l->c->cat); i++)
		if (strcmp(catalog_group_at(l->c->cat, i)->id, id) == 0)
			return catalog_group_at(l->c->cat, i)->letter;
	return '?';
}

static void view_queue(ml_t *l)
{
	bottom_bar(l, T(l, "menu.back"), NULL);
	title(l, T(l, "menu.queue_title"));
	message(l);
	ui_item_t items[3] = {{"menu-counters", T(l, "menu.item_counters"), 0},
			      {"menu-policy", T(l, "menu.item_policy"), 0},
			      {"menu-board", T(l, "menu.item_board"), 0}};
	button_grid(l, items, 3);
}

static void view_counters(ml_t *l)
{
	const menu_t *m = l->m;
	const config_t *cfg = l->c->cfg;
	bottom_bar(l, T(l, "menu.back"), NULL);
	if (m->msg_key) { /* the result in the title's place */
		message(l);
	} else {
		title(l, T(l, "menu.counters_title"));
		if (!cfg->counters_count) /* with counters their buttons say what to do */
			body(l, T(l, "menu.counters_none"));
	}
	static char ids[MENU_COUNTERS_PAGE][16], labels[MENU_COUNTERS_PAGE][600];
	ui_item_t items[MENU_COUNTERS_PAGE];
	int first = m->page * MENU_COUNTERS_PAGE, k = 0;
	for (int i = first; i < cfg->counters_count && k < MENU_COUNTERS_PAGE; i++, k++) {
		const config_counter_t *c = &cfg->counters[i];
		/* The groups by their series letters (A, B, C): what the tickets carry. */
		char nb[96], groups[64] = "";
		size_t o = 0;
		for (int g = 0; g < c->group_count && o < sizeof groups; g++)
			o += (size_t)snprintf(groups + o, sizeof groups - o, "%s%c", g ? ", " : "",
					      group_letter(l, c->groups[g]));
		snprintf(ids[k], sizeof ids[k], "counter-%d", c->id);
		i18n_format(labels[k], sizeof labels[k], T(l, "menu.counter_line"), "name",
			    counter_label(l, c, nb, sizeof nb), "groups",
			    c->group_count ? groups : T(l, "menu.counter_no_group"), "pin",
			    T(l, m->counter_pin[c->id] ? "menu.counter_pin_set" : "menu.counter_pin_none"), NULL);
		items[k] = (ui_item_t){ids[k], labels[k], 0};
	}
	button_grid(l, items, k);
	ui_item_t row[3];
	int n = 0;
	int pages = (cfg->counters_count + MENU_COUNTERS_PAGE - 1) / MENU_COUNTERS_PAGE;
	if (cfg->counters_count < CONFIG_MAX_COUNTERS)
		row[n++] = (ui_item_t){"counter-add", T(l, "menu.counter_add"), TGT_PRIMARY};
	if (m->page > 0)
		row[n++] = (ui_item_t){"page-prev", T(l, "menu.page_prev"), 0};
	if (m->page + 1 < pages)
		row[n++] = (ui_item_t){"page-next", T(l, "menu.page_next"), 0};
	ui_rect_t area = {l->left, l->y, width(l), l->bottom - l->y};
	l->y += ui_button_row(&l->u, area, row, n, ALIGN_RIGHT, l->a.target_px) + l->a.gap;
}

static void view_counter(ml_t *l)
{
	const menu_t *m = l->m;
	const config_counter_t *c = config_counter(l->c->cfg, m->counter);
	bottom_bar(l, T(l, "menu.back"), NULL);
	if (!c) { /* removed meanwhile: the list says so */
		title(l, T(l, "menu.counters_title"));
		message(l);
		return;
	}
	char nb[96], ttl[300];
	i18n_format(ttl, sizeof ttl, T(l, "menu.counter_title"), "name", counter_label(l, c, nb, sizeof nb), NULL);
	title(l, ttl);
	if (m->msg_key)
		message_box(l, true);
	else
		body(l, T(l, m->counter_pin[c->id] ? "menu.counter_pin_state_set" : "menu.counter_pin_state_none"));
	size_t ng = catalog_group_count(l->c->cat);
	static char ids[32][48], labels[32][300];
	ui_item_t items[32];
	int k = 0;
	for (size_t i = 0; i < ng && k < 32; i++, k++) {
		const catalog_group_t *g = catalog_group_at(l->c->cat, i);
		bool on = false;
		for (int j = 0; j < c->group_count; j++)
			on = on || strcmp(c->groups[j], g->id) == 0;
		snprintf(ids[k], sizeof ids[k], "group-%s", g->id);
		snprintf(labels[k], sizeof labels[k], "%s: %s", group_label(l, g->id),
			 T(l, on ? "menu.counter_serves" : "menu.counter_not_serves"));
		items[k] = (ui_item_t){ids[k], labels[k], on ? TGT_PRIMARY : 0};
	}
	button_grid(l, items, k);
	ui_item_t row[2] = {{"counter-pin", T(l, "menu.counter_set_pin"), 0},
			    {"counter-remove", T(l, m->confirm ? "menu.counter_remove_really" : "menu.counter_remove"), 0}};
	ui_rect_t area = {l->left, l->y, width(l), l->bottom - l->y};
	/* right-aligned: clear of "Back" below on the left */
	l->y += ui_button_row(&l->u, area, row, 2, ALIGN_RIGHT, l->a.target_px) + l->a.gap;
}

static void view_counter_pin(ml_t *l)
{
	const menu_t *m = l->m;
	const config_counter_t *c = config_counter(l->c->cfg, m->counter);
	config_counter_t none = {.id = m->counter};
	char nb[96], ttl[300], help[700];
	bottom_bar(l, T(l, "menu.back"), T(l, "menu.continue"));
	i18n_format(ttl, sizeof ttl, T(l, "menu.counter_pin_title"), "name", counter_label(l, c ? c : &none, nb, sizeof nb),
		    NULL);
	snprintf(help, sizeof help, "%s %s",
		 T(l, m->view == MV_COUNTER_PIN ? "menu.counter_pin_help" : "menu.fb_confirm_pin"),
		 T(l, "menu.pin_rules"));
	digits_view(l, ttl, help, false);
}

/* A setting's sentence with its two steps at the right (below it when the
 * line would be too narrow). */
static void stepper(ml_t *l, const char *sentence, const char *less_id, const char *more_id)
{
	ui_item_t row[2] = {{less_id, T(l, "menu.step_less"), 0}, {more_id, T(l, "menu.step_more"), 0}};
	int px = l->a.button_px, g = l->a.gap;
	int bw = ui_button_width(&l->u, row[0].label, px) + g + ui_button_width(&l->u, row[1].label, px);
	int tw = width(l) - bw - 2 * g;
	if (tw < width(l) / 3) {
		text(l, sentence, FONT_BOLD, l->a.body_px, C_TEXT);
		ui_rect_t area = {l->left, l->y, width(l), l->bottom - l->y};
		l->y += ui_button_row(&l->u, area, row, 2, ALIGN_LEFT, l->a.target_px) + g;
		return;
	}
	int th = ui_text_height(&l->u, tw, sentence, FONT_BOLD, l->a.body_px);
	ui_rect_t area = {l->right - bw, l->y, bw, l->bottom - l->y};
	int bh = ui_button_row(&l->u, area, row, 2, ALIGN_RIGHT, l->a.target_px);
	ui_rect_t box = {l->left, l->y + (bh > th ? (bh - th) / 2 : 0), tw, l->bottom - l->y};
	ui_text(&l->u, box, sentence, FONT_BOLD, l->a.body_px, C_TEXT, C_BG, ALIGN_LEFT);
	l->y += (bh > th ? bh : th) + g;
}

/* A setting's value in its sentence (zero_key, when given, says what 0 means)
 * with its two steps. */
static void setting(ml_t *l, int v, const char *key, const char *zero_key, const char *less_id,
		    const char *more_id)
{
	char n[12], sentence[400];
	snprintf(n, sizeof n, "%d", v);
	i18n_format(sentence, sizeof sentence, T(l, v == 0 && zero_key ? zero_key : key), "n", n, NULL);
	stepper(l, sentence, less_id, more_id);
}

/* The head of a settings view: its title, then the last result or the help. */
static void settings_head(ml_t *l, const char *title_key, const char *help_key)
{
	bottom_bar(l, T(l, "menu.back"), NULL);
	title(l, T(l, title_key));
	if (l->m->msg_key)
		message(l);
	else
		body(l, T(l, help_key));
}

static void view_policy(ml_t *l)
{
	const config_t *cfg = l->c->cfg;
	settings_head(l, "menu.policy_title", "menu.policy_help");
	setting(l, cfg->queue_regular_per_priority, "menu.policy_rpp", "menu.policy_rpp_zero", "rpp-less", "rpp-more");
	setting(l, cfg->queue_absent_window, "menu.policy_absent", "menu.policy_absent_zero", "absent-less",
		"absent-more");
}

static void view_board(ml_t *l)
{
	const config_t *cfg = l->c->cfg;
	char q[300], span[32] = "";
	settings_head(l, "menu.board_title", "menu.board_help");
	setting(l, cfg->voice_volume, "menu.board_volume", "menu.board_volume_zero", "volume-less", "volume-more");
	setting(l, cfg->voice_repeat, "menu.board_repeat", "menu.board_repeat_zero", "repeat-less", "repeat-more");
	setting(l, cfg->voice_rate, "menu.board_rate", NULL, "rate-less", "rate-more");
	if (cfg->voice_quiet.start_min >= 0)
		snprintf(span, sizeof span, "%02d:%02d - %02d:%02d", cfg->voice_quiet.start_min / 60,
			 cfg->voice_quiet.start_min % 60, cfg->voice_quiet.end_min / 60, cfg->voice_quiet.end_min % 60);
	i18n_format(q, sizeof q, T(l, cfg->voice_quiet.start_min >= 0 ? "menu.board_quiet" : "menu.board_quiet_none"),
		    "span", span, NULL);
	body(l, q);
}

static void scr_menu(ml_t *l, bool tech)
{
	switch (l->m->view) {
	case MV_REPRINT: view_reprint(l); break;
	case MV_PAPER: view_paper(l); break;
	case MV_CLOCK:
		bottom_bar(l, T(l, "menu.back"), T(l, "menu.clock_set"));
		digits_view(l, T(l, "menu.clock_title"), T(l, "menu.clock_help"), true);
		break;
	case MV_UPDATE: view_update(l); break;
	case MV_VERSIONS: view_versions(l); break;
	case MV_EXPORT: view_export(l); break;
	case MV_OFFICE:
		bottom_bar(l, T(l, "menu.back"), T(l, "menu.save"));
		text_view(l, T(l, "menu.office_title"));
		break;
	case MV_PROCS: view_procs(l); break;
	case MV_HOURS: view_hours(l); break;
	case MV_CALIBRATE: view_calibrate(l); break;
	case MV_RESET: view_reset(l); break;
	case MV_QUEUE: view_queue(l); break;
	case MV_COUNTERS: view_counters(l); break;
	case MV_COUNTER: view_counter(l); break;
	case MV_COUNTER_PIN: case MV_COUNTER_PIN2: view_counter_pin(l); break;
	case MV_POLICY: view_policy(l); break;
	case MV_BOARD: view_board(l); break;
	default: view_home(l, tech); break;
	}
}

static void scr_first_boot(ml_t *l)
{
	const menu_t *m = l->m;
	char step[64], n[8];
	snprintf(n, sizeof n, "%d",
		 m->view == FB_NAME ? 1 : m->view <= FB_STAFF_PIN2 ? 2 : m->view <= FB_TECH_PIN2 ? 3
		 : m->view <= FB_CLOCK_SET ? 4 : 5);
	i18n_format(step, sizeof step, T(l, "menu.fb_step"), "step", n, "steps", "5", NULL);
	char ttl[256];
	snprintf(ttl, sizeof ttl, "%s - %s", T(l, "menu.fb_title"), step);
	switch (m->view) {
	case FB_NAME:
		bottom_bar(l, NULL, T(l, "menu.continue"));
		snprintf(ttl, sizeof ttl, "%s - %s: %s", T(l, "menu.fb_title"), step,
			 T(l, "menu.fb_name"));
		text_view(l, ttl);
		break;
	case FB_STAFF_PIN: case FB_STAFF_PIN2: case FB_TECH_PIN: case FB_TECH_PIN2: {
		bottom_bar(l, T(l, "menu.back"), T(l, "menu.continue"));
		const char *k = m->view == FB_STAFF_PIN ? "menu.fb_staff_pin"
				: m->view == FB_TECH_PIN ? "menu.fb_tech_pin" : "menu.fb_confirm_pin";
		char help[600];
		snprintf(help, sizeof help, "%s %s", T(l, k), T(l, "menu.pin_rules"));
		digits_view(l, ttl, help, false);
		break;
	}
	case FB_CLOCK: {
		bottom_bar(l, NULL, NULL);
		title(l, ttl);
		now_text(l, "menu.fb_clock");
		message(l);
		ui_item_t it[2] = {{"clock-ok", T(l, "menu.fb_clock_ok"), TGT_PRIMARY},
				   {"clock-set", T(l, "menu.fb_clock_set"), 0}};
		ui_rect_t area = {l->left, l->y, width(l), l->bottom - l->y};
		l->y += ui_button_row(&l->u, area, it, 2, ALIGN_LEFT, l->a.primary_h) + l->a.gap;
		break;
	}
	case FB_CLOCK_SET:
		bottom_bar(l, T(l, "menu.back"), T(l, "menu.clock_set"));
		digits_view(l, ttl, T(l, "menu.clock_help"), true);
		break;
	case FB_PRINTER: {
		bottom_bar(l, T(l, "menu.back"), T(l, "menu.finish"));
		title(l, ttl);
		body(l, T(l, "menu.fb_printer"));
		bool p80 = strcmp(m->printer_profile, "58mm") != 0;
		char a[128], b[128];
		snprintf(a, sizeof a, "%s%s", T(l, "menu.profile_80"), p80 ? T(l, "menu.chosen") : "");
		snprintf(b, sizeof b, "%s%s", T(l, "menu.profile_58"), p80 ? "" : T(l, "menu.chosen"));
		ui_item_t it[2] = {{"profile-80mm", a, p80 ? TGT_PRIMARY : 0},
				   {"profile-58mm", b, p80 ? 0 : TGT_PRIMARY}};
		ui_rect_t area = {l->left, l->y, width(l), l->bottom - l->y};
		l->y += ui_button_row(&l->u, area, it, 2, ALIGN_LEFT, l->a.target_px) + l->a.gap;
		message(l);
		break;
	}
	default:
		break;
	}
}

static void scr_updating(ml_t *l)
{
	const menu_t *m = l->m;
	title(l, T(l, "menu.updating_title"));
	body(l, T(l, "menu.updating_text"));
	int h = l->a.target_px;
	ui_rect_t bar = {l->left, l->y, width(l), h};
	draw_fill(l->u.dl, bar, C_FIELD_BG);
	draw_border(l->u.dl, bar, C_FIELD_BORDER, 4);
	draw_fill(l->u.dl, (ui_rect_t){bar.x + 4, bar.y + 4, (bar.w - 8) * m->percent / 100, h - 8},
		  C_PRIMARY_BG);
	l->y += h + l->a.gap;
	char pct[16], line[256];
	snprintf(pct, sizeof pct, "%d", m->percent);
	if (m->eta_ms >= 0) {
		char mins[24], secs[24];
		snprintf(mins, sizeof mins, "%lld", (long long)(m->eta_ms / 60000));
		snprintf(secs, sizeof secs, "%02lld", (long long)(m->eta_ms / 1000 % 60));
		i18n_format(line, sizeof line, T(l, "menu.progress_eta"), "percent", pct, "min", mins,
			    "sec", secs, NULL);
	} else {
		i18n_format(line, sizeof line, T(l, "menu.progress"), "percent", pct, NULL);
	}
	text(l, line, FONT_BOLD, l->a.body_px, C_TEXT);
}

void menus_build(drawlist_t *dl, screen_ctx_t *c, int top)
{
	const session_t *s = c->s;
	if (!c->menu)
		return;
	ml_t l;
	memset(&l, 0, sizeof l);
	l.c = c;
	l.s = s;
	l.m = c->menu;
	const config_t *cfg = c->cfg;
	/* Staff screens stay at the normal text size: the large-text switch is
	 * for citizens, and at 150 % the keypads and keyboard would not fit
	 * beside their texts (tests/tools/menus_layout checks both). */
	a11y_compute(&l.a, cfg->panel_diagonal_in, cfg->panel_width, cfg->panel_height, 100);
	l.u = (ui_t){.dl = dl, .fonts = c->fonts, .a = &l.a, .pressed = c->pressed};
	l.left = l.a.margin;
	l.right = c->w - l.a.margin;
	l.y = top;
	l.bottom = c->h - l.a.margin;
	switch (s->screen) {
	case SCR_PIN: scr_pin(&l); break;
	case SCR_STAFF_MENU: scr_menu(&l, false); break;
	case SCR_TECH_MENU: scr_menu(&l, true); break;
	case SCR_FIRST_BOOT: scr_first_boot(&l); break;
	case SCR_UPDATING: scr_updating(&l); break;
	default: break;
	}
}
