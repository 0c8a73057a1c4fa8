/* screens.c - the layout of every screen: a top bar (language, text size,
 * contrast, help) outside the menu corners, a title, the content, and a
 * bottom bar with "back" on the left and the forward action on the right.
 * Every size comes from the a11y table, every word from the translations. */
#include "screens.h"

#include <stdio.h>
#include <string.h>

#include "hours.h"
#include "kiosk.h"
#include "keyboard.h"
#include "menu.h"
#include "menus.h"
#include "widgets.h"

typedef struct {
	ui_t u;
	a11y_t a;
	screen_ctx_t *c;
	const session_t *s;
	int left, right;         /* content x range */
	int y;                   /* next free y in the content */
	int bottom;              /* top of the bottom bar */
} lay_t;

static const char *T(const lay_t *l, const char *key)
{
	return i18n_get(l->c->tr, l->s->lang, key);
}

static int content_w(const lay_t *l) { return l->right - l->left; }

theme_id_t screens_theme(const session_t *s)
{
	return s->high_contrast ? THEME_HC : THEME_DEFAULT;
}

static int text(lay_t *l, const char *t, font_id_t f, int px, color_role_t fg)
{
	ui_rect_t box = {l->left, l->y, content_w(l), l->bottom - l->y};
	int h = ui_text(&l->u, box, t, f, px, fg, C_BG, ALIGN_LEFT);
	l->y += h + l->a.gap;
	return h;
}

static void title(lay_t *l, const char *t)
{
	text(l, t, FONT_BOLD, l->a.title_px, C_TEXT);
}

/* ---- frame: top bar, banner, bottom bar --------------------------------- */

static void top_bar(lay_t *l)
{
	const session_t *s = l->s;
	ui_item_t items[5] = {
		{"lang-vi", T(l, "ui.lang_vi"), 0},
		{"lang-en", T(l, "ui.lang_en"), 0},
		{"text-size", T(l, s->large_text ? "ui.text_normal" : "ui.text_large"), 0},
		{"theme", T(l, s->high_contrast ? "ui.theme_default" : "ui.theme_hc"), 0},
		{"help", T(l, "ui.help"), 0},
	};
	int x0 = l->a.corner + l->a.gap;
	ui_rect_t area = {x0, l->a.margin, l->c->w - 2 * x0, l->c->h};
	/* The tool buttons keep their 100% labels in large-text mode (they are
	 * already 45 px bold), so the bar stays one row and leaves room. */
	a11y_t base = l->a;
	base.button_px = base.button_px * 100 / base.scale_pct;
	ui_t u = l->u;
	l->u.a = &base;
	/* The first row sits between the menu corners; rows below the corner
	 * zones may use the full width. */
	int first = 0, wsum = 0;
	while (first < 5) {
		int bw = ui_button_width(&l->u, items[first].label, base.button_px);
		if (wsum + (first ? l->a.gap : 0) + bw > area.w)
			break;
		wsum += (first ? l->a.gap : 0) + bw;
		first++;
	}
	int h = ui_button_row(&l->u, area, items, first, ALIGN_CENTER, l->a.target_px);
	if (first < 5) {
		ui_rect_t rest = {l->left, area.y + h + l->a.gap, content_w(l), l->c->h};
		h += l->a.gap + ui_button_row(&l->u, rest, items + first, 5 - first, ALIGN_CENTER, l->a.target_px);
	}
	l->u = u;
	l->y = l->a.margin + h + 2 * l->a.gap;
	if (s->help_called && s->screen != SCR_HELP) {
		int bh = ui_text_height(&l->u, content_w(l) - 2 * l->a.gap, T(l, "ui.help_banner"),
					FONT_BOLD, l->a.body_px) + 2 * l->a.gap;
		ui_rect_t b = {l->left, l->y, content_w(l), bh};
		draw_fill(l->u.dl, b, C_BANNER_BG);
		ui_rect_t tb = {b.x + l->a.gap, b.y + l->a.gap, b.w - 2 * l->a.gap, bh};
		ui_text(&l->u, tb, T(l, "ui.help_banner"), FONT_BOLD, l->a.body_px, C_BANNER_TEXT,
			C_BANNER_BG, ALIGN_LEFT);
		l->y += bh + l->a.gap;
	}
}

/* Bottom bar: back on the left, forward on the right, far apart. Sets
 * l->bottom. Either label may be NULL. */
static void bottom_bar(lay_t *l, const char *back_label, const char *fwd_id,
		       const char *fwd_label)
{
	int y = ui_bottom_bar(&l->u, l->c->w, l->c->h, back_label, fwd_id, fwd_label);
	l->bottom = y - 2 * l->a.gap;
}

/* ---- lists with pages ----------------------------------------------------- */

typedef struct {
	const char *id;
	const char *label;
} choice_t;

static void choice_list(lay_t *l, const choice_t *items, int n)
{
	int page = l->s->page;
	const char *prev = T(l, "ui.page_prev"), *next = T(l, "ui.page_next");
	int pager_h = ui_button_height(&l->u, ui_button_width(&l->u, next, l->a.button_px), next,
				       l->a.button_px, l->a.target_px);
	int w = content_w(l);
	/* How many fit a page: at most 6, never fewer than 1. */
	int space = l->bottom - l->y;
	int per = 0, used = 0;
	for (int i = 0; i < n && per < 6; i++) {
		int h = ui_button_height(&l->u, w, items[i].label, l->a.button_px, l->a.target_px);
		int need = used + h + l->a.gap + (n > per + 1 ? pager_h + l->a.gap : 0);
		if (per > 0 && need > space)
			break;
		used += h + l->a.gap;
		per++;
	}
	if (per < 1)
		per = 1;
	l->c->page_size = per;
	int pages = (n + per - 1) / per;
	if (page >= pages)
		page = pages ? pages - 1 : 0;
	int first = page * per;
	for (int i = first; i < n && i < first + per; i++) {
		int h = ui_button_height(&l->u, w, items[i].label, l->a.button_px, l->a.target_px);
		ui_button(&l->u, (ui_rect_t){l->left, l->y, w, h}, items[i].id, items[i].label, TGT_CHOICE);
		l->y += h + l->a.gap;
	}
	if (pages > 1) {
		char info[64];
		char cur[16], tot[16];
		snprintf(cur, sizeof cur, "%d", page + 1);
		snprintf(tot, sizeof tot, "%d", pages);
		i18n_format(info, sizeof info, T(l, "ui.page_info"), "page", cur, "pages", tot, NULL);
		ui_item_t pg[3];
		int k = 0;
		if (page > 0)
			pg[k++] = (ui_item_t){"page-prev", prev, 0};
		if (page + 1 < pages)
			pg[k++] = (ui_item_t){"page-next", next, 0};
		int y = l->bottom - pager_h;
		if (y < l->y)
			y = l->y;
		ui_rect_t area = {l->left, y, w, pager_h};
		ui_button_row(&l->u, area, pg, k, ALIGN_RIGHT, l->a.target_px);
		ui_rect_t ib = {l->left, y + (pager_h - a11y_line(l->a.body_px)) / 2, w / 3,
				a11y_line(l->a.body_px)};
		ui_text(&l->u, ib, info, FONT_REGULAR, l->a.body_px, C_TEXT, C_BG, ALIGN_LEFT);
	}
}

/* ---- screens -------------------------------------------------------------- */

/* Rows of the on-screen keyboard in a mode (see keyboard.c). */
static int default_rows(kb_mode_t m, int width)
{
	bool portrait = width < 1400;
	switch (m) {
	case KB_NUMERIC: return 4;
	case KB_VNI: return portrait ? 9 : 4;
	default: return portrait ? 7 : 3;
	}
}

static void scr_welcome(lay_t *l)
{
	bottom_bar(l, NULL, NULL, NULL);
	l->bottom = l->c->h - l->a.corner - l->a.gap;
	title(l, l->c->cfg->office_name[0] ? l->c->cfg->office_name : T(l, "ui.welcome_title"));
	text(l, T(l, "ui.welcome_intro"), FONT_REGULAR, l->a.body_px, C_TEXT);
	const char *label = T(l, "ui.start");
	int w = content_w(l) * 2 / 3;
	if (w < l->a.primary_w)
		w = l->a.primary_w;
	int h = ui_button_height(&l->u, w, label, l->a.title_px,
				 l->a.scale_pct > 100 ? l->a.primary_h : l->a.primary_h * 3 / 2);
	int y = l->y + l->a.gap * 2;
	ui_rect_t r = {l->left + (content_w(l) - w) / 2, y, w, h};
	ui_button(&l->u, r, "start", label, TGT_PRIMARY);
	l->y = y + h + l->a.gap * 2;
	text(l, T(l, "ui.welcome_privacy"), FONT_REGULAR, l->a.body_px, C_TEXT_MUTED);
}

static size_t group_choices(lay_t *l, choice_t *out, size_t max)
{
	size_t n = 0;
	const catalog_t *cat = l->c->cat;
	for (size_t i = 0; i < catalog_group_count(cat) && n < max; i++) {
		const catalog_group_t *g = catalog_group_at(cat, i);
		bool offered = false;
		for (size_t j = 0; j < catalog_proc_count(cat) && !offered; j++) {
			const catalog_proc_t *p = catalog_proc_at(cat, j);
			offered = p->group == g && config_offers(l->c->cfg, p->id);
		}
		if (!offered)
			continue;
		static char ids[64][48];
		snprintf(ids[n], sizeof ids[n], "group-%s", g->id);
		out[n].id = ids[n];
		out[n].label = g->name[l->s->lang];
		n++;
	}
	return n;
}

static void scr_groups(lay_t *l)
{
	bottom_bar(l, T(l, "ui.back"), NULL, NULL);
	title(l, T(l, "ui.groups_title"));
	choice_t items[64];
	size_t n = group_choices(l, items, 64);
	choice_list(l, items, (int)n);
}

static void scr_procedures(lay_t *l)
{
	bottom_bar(l, T(l, "ui.back"), NULL, NULL);
	const catalog_group_t *g = l->s->group;
	title(l, g ? g->name[l->s->lang] : "");
	choice_t items[64];
	static char ids[64][48];
	int n = 0;
	for (size_t i = 0; g && i < catalog_proc_count(l->c->cat) && n < 64; i++) {
		const catalog_proc_t *p = catalog_proc_at(l->c->cat, i);
		if (p->group != g || !config_offers(l->c->cfg, p->id))
			continue;
		snprintf(ids[n], sizeof ids[n], "proc-%s", p->id);
		items[n].id = ids[n];
		items[n].label = p->name[l->s->lang];
		n++;
	}
	choice_list(l, items, n);
}

static void scr_documents(lay_t *l)
{
	bottom_bar(l, T(l, "ui.back"), "next", T(l, "ui.continue"));
	const catalog_proc_t *p = l->s->proc;
	title(l, p->name[l->s->lang]);
	text(l, T(l, "ui.documents_intro"), FONT_REGULAR, l->a.body_px, C_TEXT);
	int box = l->a.body_px * 2 / 3;
	for (size_t i = 0; i < p->ndocs; i++) {
		int lh = a11y_line(l->a.body_px);
		ui_rect_t cb = {l->left, l->y + (lh - box) / 2, box, box};
		draw_border(l->u.dl, cb, C_TEXT, 3);
		ui_rect_t tb = {l->left + box + 2 * l->a.gap, l->y,
				content_w(l) - box - 2 * l->a.gap, l->bottom - l->y};
		int h = ui_text(&l->u, tb, p->docs[l->s->lang][i], FONT_REGULAR, l->a.body_px, C_TEXT,
				C_BG, ALIGN_LEFT);
		l->y += h + l->a.gap;
	}
	if (p->nfields == 0)
		text(l, T(l, "ui.no_form"), FONT_REGULAR, l->a.body_px, C_TEXT_MUTED);
}

static void scr_form(lay_t *l)
{
	const session_t *s = l->s;
	const catalog_proc_t *p = s->proc;
	const catalog_field_t *f = &p->fields[s->field];
	const char *back = T(l, "ui.back");
	const char *fwd = T(l, session_form_next_key(s)); /* the errors name it too */
	/* Landscape: Back and Continue sit on either side of the field, so the
	 * keyboard can use the full height below it. Portrait: the usual bar. */
	bool side = l->c->w > l->c->h;
	if (!side)
		bottom_bar(l, back, "next", fwd);
	else
		l->bottom = l->c->h - l->a.margin;
	char prog[64], a[24], b[24];
	snprintf(a, sizeof a, "%d", s->field + 1);
	snprintf(b, sizeof b, "%zu", p->nfields);
	i18n_format(prog, sizeof prog, T(l, "ui.step"), "step", a, "steps", b, NULL);
	char q[512];
	snprintf(q, sizeof q, "%s: %s%s", prog, f->label[s->lang],
		 f->required ? "" : T(l, "ui.optional_suffix"));
	title(l, q);
	/* Room the keyboard needs (keys never shrink): the hint gives way. */
	int kb_rows = f->type == FIELD_SEX ? 1 : default_rows(s->kb, content_w(l));
	int kb_h = kb_rows * (s->kb == KB_NUMERIC ? l->a.numkey_px : l->a.key_px + l->a.gap);
	int field_h = a11y_line(l->a.composed_px) + 2 * l->a.gap;
	if (side && field_h < l->a.primary_h)
		field_h = l->a.primary_h;
	int hint_h = f->hint[s->lang] ? ui_text_height(&l->u, content_w(l), f->hint[s->lang],
						       FONT_REGULAR, l->a.body_px) + l->a.gap : 0;
	if (f->hint[s->lang] && l->y + hint_h + field_h + l->a.gap + kb_h <= l->bottom)
		text(l, f->hint[s->lang], FONT_REGULAR, l->a.body_px, C_TEXT_MUTED);
	/* The field: committed text and the word being composed, large. */
	char shown[SESSION_VALUE_MAX + 64];
	session_field_display(s, shown, sizeof shown);
	int pad = l->a.gap;
	int fx = l->left, fw = content_w(l);
	int bw = 0, nw = 0;
	if (side) {
		bw = ui_button_width(&l->u, back, l->a.button_px);
		nw = ui_button_width(&l->u, fwd, l->a.button_px);
		if (nw < l->a.primary_w)
			nw = l->a.primary_w;
		fx = l->a.corner + l->a.gap + bw + l->a.back_gap;
		fw = l->c->w - (l->a.corner + l->a.gap) - nw - l->a.back_gap - fx;
	}
	int fh = ui_text_height(&l->u, fw - 2 * pad, shown[0] ? shown : " ", FONT_REGULAR,
				l->a.composed_px);
	if (fh < a11y_line(l->a.composed_px))
		fh = a11y_line(l->a.composed_px);
	if (side && fh + 2 * pad < l->a.primary_h)
		fh = l->a.primary_h - 2 * pad;
	ui_rect_t fb = {fx, l->y, fw, fh + 2 * pad};
	if (side) {
		int bh = ui_button_height(&l->u, bw, back, l->a.button_px, l->a.primary_h);
		int nh = ui_button_height(&l->u, nw, fwd, l->a.button_px, l->a.primary_h);
		ui_button(&l->u, (ui_rect_t){l->a.corner + l->a.gap, fb.y, bw, bh}, "back", back, TGT_BACK);
		ui_button(&l->u, (ui_rect_t){l->c->w - (l->a.corner + l->a.gap) - nw, fb.y, nw, nh}, "next",
		       fwd, TGT_PRIMARY);
		int m = bh > nh ? bh : nh;
		if (fb.h < m)
			fb.h = m;
	}
	draw_fill(l->u.dl, fb, C_FIELD_BG);
	draw_border(l->u.dl, fb, C_FIELD_BORDER, 4);
	ui_rect_t tb = {fb.x + pad, fb.y + pad, fb.w - 2 * pad, fh};
	ui_text(&l->u, tb, shown, FONT_REGULAR, l->a.composed_px, C_FIELD_TEXT, C_FIELD_BG,
		ALIGN_LEFT);
	/* Underline the word being composed while it fits on one line. */
	const char *pre = ime_preedit(s->ime);
	int whole = fonts_width(l->u.fonts, FONT_REGULAR, l->a.composed_px, shown);
	if (pre[0] && whole <= tb.w) {
		int wpre = fonts_width(l->u.fonts, FONT_REGULAR, l->a.composed_px, pre);
		draw_fill(l->u.dl, (ui_rect_t){tb.x + whole - wpre, tb.y + fh - pad, wpre, 5},
			  C_FIELD_BORDER);
	}
	l->y = fb.y + fb.h + l->a.gap;
	const char *err = s->error_key ? s->error_key : s->scan_error_key;
	if (err) {
		char msg[512];
		session_form_error_text(s, l->c->tr, msg, sizeof msg);
		int eh = ui_text_height(&l->u, content_w(l) - 2 * pad, msg, FONT_BOLD, l->a.body_px);
		ui_rect_t eb = {l->left, l->y, content_w(l), eh + 2 * pad};
		draw_fill(l->u.dl, eb, C_ERROR_BG);
		ui_rect_t et = {eb.x + pad, eb.y + pad, eb.w - 2 * pad, eh};
		ui_text(&l->u, et, msg, FONT_BOLD, l->a.body_px, C_ERROR_TEXT, C_ERROR_BG, ALIGN_LEFT);
		l->y = eb.y + eb.h + l->a.gap;
	}
	if (s->scan_offer) {
		/* Show exactly what would be filled; the citizen decides. */
		static const char *const keys[5] = {"ui.scan_name", "ui.scan_dob", "ui.scan_sex",
						    "ui.scan_id", "ui.scan_address"};
		text(l, T(l, "ui.scan_offer"), FONT_BOLD, l->a.body_px, C_TEXT);
		for (int k = 0; k < 5; k++) {
			if (!s->scan_values[k][0])
				continue;
			char line[SESSION_VALUE_MAX + 128];
			const char *v = s->scan_values[k];
			if (k == 2)
				v = T(l, strcmp(v, "nam") == 0 ? "ui.sex_male" : "ui.sex_female");
			snprintf(line, sizeof line, "%s: %s", T(l, keys[k]), v);
			text(l, line, FONT_REGULAR, l->a.body_px, C_TEXT);
		}
		ui_item_t it[2] = {{"scan-reject", T(l, "ui.scan_reject"), 0},
				   {"scan-accept", T(l, "ui.scan_accept"), TGT_PRIMARY}};
		ui_rect_t area = {l->left, l->y, content_w(l), l->bottom - l->y};
		l->y += ui_button_row(&l->u, area, it, 2, ALIGN_RIGHT, l->a.primary_h) + l->a.gap;
		return;
	}
	if (f->type == FIELD_SEX) {
		ui_item_t it[2] = {{"choice-nam", T(l, "ui.sex_male"), TGT_CHOICE},
				   {"choice-nu", T(l, "ui.sex_female"), TGT_CHOICE}};
		ui_rect_t area = {l->left, l->y + l->a.gap, content_w(l), l->bottom - l->y};
		ui_button_row(&l->u, area, it, 2, ALIGN_CENTER, l->a.primary_h);
		return;
	}
	ui_rect_t kb = {l->left, l->y, content_w(l), l->bottom - l->y};
	keyboard_ctx_t kc = {.u = &l->u, .tr = l->c->tr, .lang = s->lang, .mode = s->kb,
			     .phys = s->phys_method};
	keyboard_build(&kc, kb);
}

static void scr_review(lay_t *l)
{
	const session_t *s = l->s;
	const catalog_proc_t *p = s->proc;
	bool prio = strcmp(l->c->cfg->queue_priority, "none") != 0;
	bottom_bar(l, T(l, "ui.back"), "next", T(l, prio ? "ui.continue" : "ui.print"));
	title(l, T(l, "ui.review_title"));
	text(l, p->name[s->lang], FONT_BOLD, l->a.body_px, C_TEXT);
	const char *edit = T(l, "ui.edit");
	int ew = ui_button_width(&l->u, edit, l->a.button_px);
	int tw = content_w(l) - ew - 2 * l->a.gap;
	int bh = ui_button_height(&l->u, ew, edit, l->a.button_px, l->a.target_px);
	/* Answers page when large text makes them too tall for one screen. */
	const char *prev = T(l, "ui.page_prev"), *next = T(l, "ui.page_next");
	int pager_h = ui_button_height(&l->u, ui_button_width(&l->u, next, l->a.button_px), next,
				       l->a.button_px, l->a.target_px);
	char lines[SESSION_MAX_FIELDS][SESSION_VALUE_MAX + 256];
	int heights[SESSION_MAX_FIELDS];
	int n = (int)p->nfields, total = 0;
	for (int i = 0; i < n; i++) {
		const catalog_field_t *f = &p->fields[i];
		const char *v = s->values[i][0] ? s->values[i] : T(l, "ui.empty_answer");
		if (f->type == FIELD_SEX && s->values[i][0])
			v = T(l, strcmp(s->values[i], "nam") == 0 ? "ui.sex_male" : "ui.sex_female");
		size_t ll = strlen(f->label[s->lang]);
		bool q = ll && f->label[s->lang][ll - 1] == '?';
		snprintf(lines[i], sizeof lines[i], "%s%s %s", f->label[s->lang], q ? "" : ":", v);
		int th = ui_text_height(&l->u, tw, lines[i], FONT_REGULAR, l->a.body_px);
		heights[i] = (th > bh ? th : bh) + l->a.gap;
		total += heights[i];
	}
	int space = l->bottom - l->y;
	int per = n;
	if (total > space) {
		per = 0;
		int used = pager_h + l->a.gap;
		while (per < n && used + heights[per] <= space)
			used += heights[per++];
		if (per < 1)
			per = 1;
	}
	l->c->page_size = per < 6 ? (per ? per : 1) : 6;
	int pages = n && per ? (n + per - 1) / per : 1;
	int page = s->page < pages ? s->page : pages - 1;
	for (int i = page * per; i < n && i < (page + 1) * per; i++) {
		const catalog_field_t *f = &p->fields[i];
		int h = heights[i] - l->a.gap;
		int th = ui_text_height(&l->u, tw, lines[i], FONT_REGULAR, l->a.body_px);
		ui_rect_t tb = {l->left, l->y + (h - th) / 2, tw, th};
		ui_text(&l->u, tb, lines[i], FONT_REGULAR, l->a.body_px, C_TEXT, C_BG, ALIGN_LEFT);
		char id[64];
		snprintf(id, sizeof id, "edit-%s", f->id);
		ui_button(&l->u, (ui_rect_t){l->right - ew, l->y + (h - bh) / 2, ew, bh}, id, edit, 0);
		l->y += heights[i];
	}
	if (pages > 1) {
		ui_item_t pg[2];
		int k = 0;
		if (page > 0)
			pg[k++] = (ui_item_t){"page-prev", prev, 0};
		if (page + 1 < pages)
			pg[k++] = (ui_item_t){"page-next", next, 0};
		ui_rect_t area = {l->left, l->bottom - pager_h, content_w(l), pager_h};
		ui_button_row(&l->u, area, pg, k, ALIGN_RIGHT, l->a.target_px);
	}
	if (p->nfields == 0)
		text(l, T(l, "ui.no_form"), FONT_REGULAR, l->a.body_px, C_TEXT_MUTED);
}

static void scr_priority(lay_t *l)
{
	bottom_bar(l, T(l, "ui.back"), NULL, NULL);
	title(l, T(l, "ui.priority_title"));
	text(l, T(l, "ui.priority_reasons"), FONT_REGULAR, l->a.body_px, C_TEXT);
	ui_item_t it[2] = {{"priority-yes", T(l, "ui.priority_yes"), TGT_CHOICE},
			   {"priority-no", T(l, "ui.priority_no"), TGT_CHOICE}};
	ui_rect_t area = {l->left, l->y + l->a.gap, content_w(l), l->bottom - l->y};
	ui_button_row(&l->u, area, it, 2, ALIGN_CENTER, l->a.primary_h);
}

static void scr_printing(lay_t *l)
{
	l->bottom = l->c->h - l->a.corner;
	title(l, T(l, "ui.printing_title"));
	text(l, T(l, "ui.printing_text"), FONT_REGULAR, l->a.body_px, C_TEXT);
}

static void scr_ticket(lay_t *l)
{
	const session_t *s = l->s;
	bool landscape = l->c->w > l->c->h;
	if (landscape) {
		/* "Done" goes under the QR column; the left column gets the height. */
		l->bottom = l->c->h - l->a.margin;
	} else {
		bottom_bar(l, NULL, "done", T(l, "ui.done"));
	}
	title(l, T(l, "ui.ticket_title"));
	int qr = l->a.qr_px;
	if (!landscape && content_w(l) * 2 / 5 > qr)
		qr = content_w(l) * 2 / 5; /* portrait has room: a bigger code scans easier */
	int qcol = content_w(l) / 4 > qr ? content_w(l) / 4 : qr;
	int colw = landscape ? content_w(l) - qcol - 4 * l->a.gap : content_w(l);
	int keep_right = l->right;
	l->right = l->left + colw;
	/* One line of capitals and digits: no stacked marks, so the line box
	 * only needs the font's height (1.4 em), not 1.5 em. */
	int nh = l->a.number_px * 7 / 5;
	int nw = fonts_width(l->u.fonts, FONT_BOLD, l->a.number_px, s->result.number);
	ui_rect_t nb = {l->left, l->y, colw, nh};
	draw_text_line(l->u.dl, (ui_rect_t){l->left + (colw - nw) / 2, l->y, nw, nh}, nb,
		       s->result.number, FONT_BOLD, l->a.number_px, C_TEXT, C_BG);
	l->y += nh;
	if (s->priority)
		text(l, T(l, "ui.ticket_priority"), FONT_BOLD, l->a.title_px, C_TEXT);
	if (s->proc)
		text(l, s->proc->name[s->lang], FONT_BOLD, l->a.body_px, C_TEXT);
	text(l, T(l, "ui.ticket_next"), FONT_REGULAR, l->a.body_px, C_TEXT);
	l->right = keep_right;
	/* The QR with its caption: the procedure's page online, a link only. */
	char link[512] = "";
	if (s->proc)
		catalog_link(l->c->cat, s->proc, link, sizeof link);
	int qx, qy;
	if (landscape) {
		qx = l->right - qcol + (qcol - qr) / 2;
		qy = l->a.margin + l->a.target_px + 3 * l->a.gap;
	} else {
		qx = l->left;
		qy = l->y + l->a.gap;
	}
	draw_qr(l->u.dl, (ui_rect_t){qx, qy, qr, qr}, link);
	int cw = landscape ? qcol : content_w(l) - qr - 2 * l->a.gap;
	int cx = landscape ? l->right - cw : l->left + qr + 2 * l->a.gap;
	int cy = landscape ? qy + qr + l->a.gap : qy;
	ui_rect_t cb = {cx, cy, cw, l->bottom - cy};
	int ch = ui_text(&l->u, cb, T(l, "ui.qr_caption"), FONT_REGULAR, l->a.small_px, C_TEXT, C_BG,
			 landscape ? ALIGN_CENTER : ALIGN_LEFT);
	if (landscape) {
		const char *done = T(l, "ui.done");
		int dw = qcol < l->a.primary_w ? l->a.primary_w : qcol;
		int dh = ui_button_height(&l->u, dw, done, l->a.button_px, l->a.primary_h);
		int dy = cy + ch + 2 * l->a.gap;
		int bottom = l->c->h - l->a.corner - l->a.gap - dh;
		if (dy < bottom)
			dy = bottom; /* low on the screen, clear of the corner zone */
		ui_button(&l->u, (ui_rect_t){l->c->w - l->a.corner - l->a.gap - dw, dy, dw, dh}, "done", done,
		       TGT_PRIMARY);
	}
}

static const char *printer_key(printer_state_t st, int rc, bool storage)
{
	if (rc == KIOSK_ESOLDOUT)
		return "ui.soldout_text";
	if (storage) /* the kiosk's own storage, not the printer */
		return rc == KIOSK_ENOSPC ? "ui.storage_full" : rc == KIOSK_EROFS ? "ui.storage_readonly"
			: rc == KIOSK_ECORRUPT ? "ui.storage_damaged" : "ui.storage_error";
	switch (st) {
	case PRINTER_PAPER_OUT: return "ui.printer_paper_out";
	case PRINTER_COVER_OPEN: return "ui.printer_cover_open";
	case PRINTER_NO_PRINTER: return "ui.printer_missing";
	case PRINTER_OFFLINE: return "ui.printer_offline";
	default: return "ui.printer_failed";
	}
}

static void scr_printer_error(lay_t *l)
{
	const session_t *s = l->s;
	bottom_bar(l, T(l, "ui.to_start"), "retry", T(l, "ui.retry"));
	/* "back" here ends the session: the session maps it to done. */
	title(l, T(l, "ui.printer_error_title"));
	int pad = l->a.gap;
	const char *msg = T(l, printer_key(s->result.printer, s->result.rc, s->result.storage_fault));
	int epx = l->a.scale_pct > 100 ? l->a.button_px : l->a.title_px;
	int eh = ui_text_height(&l->u, content_w(l) - 2 * pad, msg, FONT_BOLD, epx);
	ui_rect_t eb = {l->left, l->y, content_w(l), eh + 2 * pad};
	draw_fill(l->u.dl, eb, C_ERROR_BG);
	ui_rect_t et = {eb.x + pad, eb.y + pad, eb.w - 2 * pad, eh};
	ui_text(&l->u, et, msg, FONT_BOLD, epx, C_ERROR_TEXT, C_ERROR_BG, ALIGN_LEFT);
	l->y = eb.y + eb.h + l->a.gap;
	char v[256], both[640];
	if (s->result.voided && s->result.number[0])
		i18n_format(v, sizeof v, T(l, "ui.printer_voided"), "number", s->result.number, NULL);
	else
		snprintf(v, sizeof v, "%s", T(l, "ui.printer_no_number"));
	snprintf(both, sizeof both, "%s %s", v, T(l, "ui.printer_kept"));
	text(l, both, FONT_REGULAR, l->a.body_px, C_TEXT);
}

static void scr_help(lay_t *l)
{
	bottom_bar(l, NULL, "next", T(l, "ui.continue"));
	title(l, T(l, "ui.help_title"));
	text(l, T(l, "ui.help_text"), FONT_REGULAR, l->a.body_px, C_TEXT);
}

static bool same_hours(const config_t *c, int a, int b)
{
	if (c->office_hours_count[a] != c->office_hours_count[b])
		return false;
	for (int p = 0; p < c->office_hours_count[a]; p++)
		if (c->office_hours[a][p].start_min != c->office_hours[b][p].start_min ||
		    c->office_hours[a][p].end_min != c->office_hours[b][p].end_min)
			return false;
	return true;
}

/* The week's hours, consecutive days with the same hours on one line:
 * "Thứ Hai – Thứ Sáu: 07:30–11:30, 13:30–17:00". */
static void hours_text(lay_t *l, char *buf, size_t cap)
{
	static const char *const days[7] = {"ui.day_sun", "ui.day_mon", "ui.day_tue", "ui.day_wed",
					    "ui.day_thu", "ui.day_fri", "ui.day_sat"};
	const config_t *cfg = l->c->cfg;
	buf[0] = '\0';
	for (int k = 1; k <= 7;) {
		int d = k % 7;
		int e = k;
		while (e + 1 <= 7 && same_hours(cfg, d, (e + 1) % 7))
			e++;
		if (cfg->office_hours_count[d]) {
			size_t len = strlen(buf);
			if (e > k)
				snprintf(buf + len, cap - len, "%s%s – %s:", len ? "\n" : "",
					 T(l, days[d]), T(l, days[e % 7]));
			else
				snprintf(buf + len, cap - len, "%s%s:", len ? "\n" : "", T(l, days[d]));
			for (int p = 0; p < cfg->office_hours_count[d]; p++) {
				const config_period_t *pr = &cfg->office_hours[d][p];
				len = strlen(buf);
				snprintf(buf + len, cap - len, "%s %02d:%02d–%02d:%02d", p ? "," : "",
					 pr->start_min / 60, pr->start_min % 60, pr->end_min / 60,
					 pr->end_min % 60);
			}
		}
		k = e + 1;
	}
}

static void scr_closed(lay_t *l, bool lunch)
{
	l->bottom = l->c->h - l->a.corner - l->a.gap;
	title(l, T(l, lunch ? "ui.lunch_title" : "ui.closed_title"));
	char when[64] = "";
	if (l->s->hours_deadline) {
		kclock_local_t t;
		kclock_to_local(l->s->hours_deadline, &t);
		char hm[16];
		snprintf(hm, sizeof hm, "%02d:%02d", t.hour, t.min);
		char dm[16];
		snprintf(dm, sizeof dm, "%02d/%02d", t.day, t.month);
		i18n_format(when, sizeof when, T(l, "ui.reopens"), "time", hm, "date", dm, NULL);
		text(l, when, FONT_BOLD, l->a.body_px, C_TEXT);
	}
	if (l->c->w > l->c->h) {
		/* Landscape: the week's hours in a right-hand column. */
		int mid = l->left + content_w(l) / 2;
		l->left = mid + l->a.gap;
	}
	text(l, T(l, "ui.hours_title"), FONT_REGULAR, l->a.body_px, C_TEXT);
	char hours[512];
	hours_text(l, hours, sizeof hours);
	text(l, hours, FONT_REGULAR, l->a.body_px, C_TEXT);
}

static void scr_sold_out(lay_t *l)
{
	bottom_bar(l, T(l, "ui.back"), "done", T(l, "ui.to_start"));
	title(l, T(l, "ui.soldout_title"));
	char t[256];
	i18n_format(t, sizeof t, T(l, "ui.soldout_group"), "group",
		    l->s->group ? l->s->group->name[l->s->lang] : "", NULL);
	text(l, t, FONT_BOLD, l->a.body_px, C_TEXT);
	text(l, T(l, "ui.soldout_text"), FONT_REGULAR, l->a.body_px, C_TEXT);
}

/* The health check failed: the citizen is sent to the counter; the reason
 * for staff in smaller words below (the log has the precise message). */
static void scr_out_of_service(lay_t *l)
{
	l->bottom = l->c->h - l->a.corner - l->a.gap;
	title(l, T(l, "ui.oos_title"));
	text(l, T(l, "ui.oos_text"), FONT_BOLD, l->a.body_px, C_TEXT);
	char reason[1024], staff[1400]; /* a 400-character text in UTF-8 */
	i18n_format(reason, sizeof reason, T(l, l->s->oos_key ? l->s->oos_key : "ui.oos_unknown"),
		    "file", l->s->oos_file, NULL);
	i18n_format(staff, sizeof staff, T(l, "ui.oos_staff"), "reason", reason, NULL);
	text(l, staff, FONT_REGULAR, l->a.small_px, C_TEXT_MUTED);
}

/* The idle warning: a modal panel over the screen. */
static void overlay_warning(lay_t *l)
{
	const session_t *s = l->s;
	int64_t left_ms = s->warn_deadline - kclock_mono(s->clock);
	int secs = left_ms > 0 ? (int)((left_ms + 999) / 1000) : 0;
	int pad = 3 * l->a.gap;
	int w = l->c->w - 2 * (l->a.corner + l->a.gap);
	char n[16], msg[512];
	snprintf(n, sizeof n, "%d", secs);
	i18n_format(msg, sizeof msg, T(l, "ui.warning_text"), "seconds", n, NULL);
	const char *more = T(l, "ui.more_time");
	int bw = w - 2 * pad;
	int th = ui_text_height(&l->u, bw, T(l, "ui.warning_title"), FONT_BOLD, l->a.title_px);
	int mh = ui_text_height(&l->u, bw, msg, FONT_REGULAR, l->a.body_px);
	int bh = ui_button_height(&l->u, bw, more, l->a.button_px, l->a.primary_h);
	int h = pad + th + l->a.gap + mh + 2 * l->a.gap + bh + pad;
	ui_rect_t p = {(l->c->w - w) / 2, (l->c->h - h) / 2, w, h};
	draw_fill(l->u.dl, (ui_rect_t){0, 0, l->c->w, l->c->h}, C_BG);
	draw_fill(l->u.dl, p, C_OVERLAY_BG);
	draw_border(l->u.dl, p, C_BTN_BORDER, 6);
	int y = p.y + pad;
	ui_text(&l->u, (ui_rect_t){p.x + pad, y, bw, th}, T(l, "ui.warning_title"), FONT_BOLD,
		l->a.title_px, C_OVERLAY_TEXT, C_OVERLAY_BG, ALIGN_LEFT);
	y += th + l->a.gap;
	ui_text(&l->u, (ui_rect_t){p.x + pad, y, bw, mh}, msg, FONT_REGULAR, l->a.body_px,
		C_OVERLAY_TEXT, C_OVERLAY_BG, ALIGN_LEFT);
	y += mh + 2 * l->a.gap;
	ui_button(&l->u, (ui_rect_t){p.x + pad, y, bw, bh}, "more-time", more, TGT_PRIMARY);
}

void screens_build(drawlist_t *dl, screen_ctx_t *c)
{
	const session_t *s = c->s;
	lay_t l;
	memset(&l, 0, sizeof l);
	l.c = c;
	l.s = s;
	const config_t *cfg = c->cfg;
	a11y_compute(&l.a, cfg->panel_diagonal_in, cfg->panel_width, cfg->panel_height,
		     s->large_text && !menu_owns(s->screen) ? 150 : 100); /* menus: normal size */
	l.u = (ui_t){.dl = dl, .fonts = c->fonts, .a = &l.a, .pressed = c->pressed};
	l.left = l.a.margin;
	l.right = c->w - l.a.margin;
	c->page_size = s->page_size;
	draw_reset(dl, c->w, c->h);
	draw_fill(dl, (ui_rect_t){0, 0, c->w, c->h}, C_BG);
	if (s->warning) {
		overlay_warning(&l);
		return;
	}
	top_bar(&l);
	l.bottom = c->h - l.a.margin;
	switch (s->screen) {
	case SCR_WELCOME: scr_welcome(&l); break;
	case SCR_GROUPS: scr_groups(&l); break;
	case SCR_PROCEDURES: scr_procedures(&l); break;
	case SCR_DOCUMENTS: scr_documents(&l); break;
	case SCR_FORM: scr_form(&l); break;
	case SCR_REVIEW: scr_review(&l); break;
	case SCR_PRIORITY: scr_priority(&l); break;
	case SCR_PRINTING: scr_printing(&l); break;
	case SCR_TICKET: scr_ticket(&l); break;
	case SCR_PRINTER_ERROR: scr_printer_error(&l); break;
	case SCR_HELP: scr_help(&l); break;
	case SCR_CLOSED: scr_closed(&l, false); break;
	case SCR_LUNCH: scr_closed(&l, true); break;
	case SCR_SOLD_OUT: scr_sold_out(&l); break;
	case SCR_OUT_OF_SERVICE: scr_out_of_service(&l); break;
	case SCR_FIRST_BOOT: case SCR_PIN: case SCR_STAFF_MENU: case SCR_TECH_MENU:
	case SCR_UPDATING: menus_build(dl, c, l.y); break; /* ui/menus.c */
	default: title(&l, screen_id(s->screen)); break;
	}
}
