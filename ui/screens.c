/* screens.c - the layout of every screen: a top bar (language, text size,
 * contrast, help) outside the menu corners, a title, the content, and a
 * bottom bar with "back" on the left and the forward action on the right.
 * Every size comes from the a11y table, every word from the translations. */
#include "ui/screens.h"

#include <stdio.h>
#include <string.h>

#include "domain/field.h"
#include "domain/hours.h"
#include "core/kiosk.h"
#include "ui/keyboard.h"
#include "flow/menu.h"
#include "ui/menus.h"
#include "ui/widgets.h"

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

/* text cut to at most `lines` lines of width w (an ellipsis where it was
 * cut): a planted 200-character name still leaves room for the screen. */
static void head_fit(lay_t *l, const char *t, int w, font_id_t f, int px, int lines, char *out,
		     size_t cap)
{
	int max_h = lines * a11y_line(px);
	snprintf(out, cap, "%s", t);
	if (ui_text_height(&l->u, w, out, f, px) <= max_h)
		return;
	size_t lo = 0, hi = strlen(t);
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		while (mid > lo && ((unsigned char)t[mid] & 0xC0) == 0x80)
			mid--;
		if (mid <= lo)
			break;
		snprintf(out, cap, "%.*s…", (int)mid, t);
		if (ui_text_height(&l->u, w, out, f, px) <= max_h)
			lo = mid;
		else
			hi = mid;
	}
	snprintf(out, cap, "%.*s…", (int)lo, t);
}

/* ---- frame: top bar, banner, bottom bar --------------------------------- */

/* Restyles the commands emitted from index first that draw the button of
 * target id (same size): its fill becomes bg, its label fg on bg. Returns
 * the button's box, or NULL when it is not there or is being pressed. */
static const ui_rect_t *restyle_button(lay_t *l, int first, const char *id, color_role_t bg,
				       color_role_t fg)
{
	drawlist_t *dl = l->u.dl;
	const dc_t *t = draw_find_target(dl, id);
	if (!t || (l->u.pressed && strcmp(l->u.pressed, t->text) == 0))
		return NULL;
	ui_rect_t r = t->r;
	for (int i = first; i < dl->n; i++) {
		dc_t *c = &dl->cmds[i];
		if (c->kind == DC_FILL && c->r.x == r.x && c->r.y == r.y && c->r.w == r.w && c->r.h == r.h)
			c->fg = bg;
		else if (c->kind == DC_TEXT && rect_inside(c->r, r)) {
			c->fg = fg;
			c->bg = bg;
		}
	}
	return &t->r;
}

/* The button of the language in use is drawn "on": filled like a primary
 * action, with a thick bar under its label (a shape, not colour alone). */
static void mark_language(lay_t *l, int first)
{
	const ui_rect_t *t = restyle_button(l, first, l->s->lang == LANG_EN ? "lang-en" : "lang-vi",
					    C_PRIMARY_BG, C_PRIMARY_TEXT);
	if (!t)
		return;
	ui_rect_t r = *t;
	int bar = l->a.gap / 2;
	int inset = l->a.gap;
	draw_fill(l->u.dl, (ui_rect_t){r.x + inset, r.y + r.h - inset / 2 - bar, r.w - 2 * inset, bar},
		  C_PRIMARY_TEXT);
}

/* How many of the n buttons fit in one row w wide, labels at px. */
static int buttons_fitting(lay_t *l, const ui_item_t *items, int n, int w, int px)
{
	int k = 0, sum = 0;
	for (; k < n; k++) {
		int bw = ui_button_width(&l->u, items[k].label, px);
		if (sum + (k ? l->a.gap : 0) + bw > w)
			break;
		sum += (k ? l->a.gap : 0) + bw;
	}
	return k;
}

/* The text of key with "{counter}" the counter whose officer is coming. */
static void coming_text(const lay_t *l, const char *key, char *buf, size_t cap)
{
	char no[8];
	snprintf(no, sizeof no, "%d", l->s->help_counter);
	i18n_format(buf, cap, T(l, key), "counter", no, NULL);
}

static void top_bar(lay_t *l)
{
	const session_t *s = l->s;
	/* Once staff are called, the help button says so ("Đã gọi cán bộ",
	 * then "Quầy 3 sắp đến") in the banner's colours for the rest of the
	 * session: where the citizen asked, and without taking height from a
	 * full form. A call nobody could receive leaves the button as it was. */
	bool called = (s->help == SESSION_HELP_SENT || s->help == SESSION_HELP_COMING) &&
		      s->screen != SCR_HELP;
	char coming[96];
	const char *help_label = called ? T(l, "ui.help_called") : T(l, "ui.help");
	if (called && s->help == SESSION_HELP_COMING) {
		coming_text(l, "ui.help_coming", coming, sizeof coming);
		help_label = coming;
	}
	ui_item_t items[6] = {
		{"lang-vi", T(l, "ui.lang_vi"), 0},
		{"lang-en", T(l, "ui.lang_en"), 0},
		{"text-size", T(l, s->large_text ? "ui.text_normal" : "ui.text_large"), 0},
		{"theme", T(l, s->high_contrast ? "ui.theme_default" : "ui.theme_hc"), 0},
		{"listen", T(l, "ui.listen"), 0},
		{"help", help_label, 0},
	};
	/* "Nghe" reads the screen aloud (app/app_read.c); not on a kiosk
	 * without sound by choice. */
	int nitems = 6;
	if (strcmp(l->c->cfg->voice_device, "none") == 0) {
		items[4] = items[5];
		nitems = 5;
	}
	int x0 = l->a.corner + l->a.gap;
	int bar_first = l->u.dl->n;
	ui_rect_t area = {x0, l->a.margin, l->c->w - 2 * x0, l->c->h};
	/* The tool buttons keep their 100% labels in large-text mode (they are
	 * already 45 px bold), so the bar stays one row and leaves room. */
	a11y_t base = l->a;
	base.button_px = base.button_px * 100 / base.scale_pct;
	ui_t u = l->u;
	l->u.a = &base;
	/* The first row sits between the menu corners; rows below the corner
	 * zones may use the full width. A row a few pixels too wide (a long
	 * "Quầy 12 sắp đến") takes labels up to 20% smaller before it wraps:
	 * a second row would take a full form's height. */
	int full_px = base.button_px, first = 0;
	for (int px = full_px; px >= full_px * 8 / 10 && first < nitems; px -= 2) {
		base.button_px = px;
		first = buttons_fitting(l, items, nitems, area.w, px);
	}
	if (first < nitems) { /* wraps: at the full size */
		base.button_px = full_px;
		first = buttons_fitting(l, items, nitems, area.w, full_px);
	}
	int h = ui_button_row(&l->u, area, items, first, ALIGN_CENTER, l->a.target_px);
	if (first < nitems) {
		ui_rect_t rest = {l->left, area.y + h + l->a.gap, content_w(l), l->c->h};
		h += l->a.gap + ui_button_row(&l->u, rest, items + first, nitems - first, ALIGN_CENTER, l->a.target_px);
	}
	l->u = u;
	mark_language(l, bar_first);
	if (called)
		(void)restyle_button(l, bar_first, "help", C_BANNER_BG, C_BANNER_TEXT);
	l->y = l->a.margin + h + 2 * l->a.gap;
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
	const char *plain;   /* everyday words under the label; may be NULL */
	unsigned icon;       /* pictogram code point; 0 = none */
} choice_t;

/* A choice card: a large pictogram on the left (when the item has one and
 * the icon font is there), the name in bold and the everyday words below. */
static int card_pad(const lay_t *l) { return l->a.gap * 3 / 2; }
static int icon_px(const lay_t *l) { return l->a.title_px * 3 / 2; }
static bool card_has_icon(const lay_t *l, const choice_t *c)
{
	return c->icon && fonts_have_icons(l->u.fonts);
}

static int icon_h(lay_t *l)
{
	TTF_Font *f = fonts_get(l->u.fonts, FONT_ICON, icon_px(l));
	return f ? TTF_FontHeight(f) : icon_px(l);
}

static int card_text_w(const lay_t *l, const choice_t *c, int w)
{
	int tw = w - 2 * card_pad(l);
	if (card_has_icon(l, c))
		tw -= icon_px(l) + card_pad(l);
	return tw;
}

static int card_height(lay_t *l, const choice_t *c, int w)
{
	int tw = card_text_w(l, c, w);
	int h = ui_text_height(&l->u, tw, c->label, FONT_BOLD, l->a.button_px) + 2 * l->a.gap;
	if (c->plain)
		h += ui_text_height(&l->u, tw, c->plain, FONT_REGULAR, l->a.body_px);
	if (card_has_icon(l, c) && h < icon_h(l) + 2 * l->a.gap)
		h = icon_h(l) + 2 * l->a.gap;
	return h < l->a.target_px ? l->a.target_px : h;
}

static void utf8_of(unsigned cp, char out[5])
{
	if (cp < 0x80) {
		out[0] = (char)cp, out[1] = 0;
	} else if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6), out[1] = (char)(0x80 | (cp & 0x3F)), out[2] = 0;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12), out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F)), out[3] = 0;
	} else {
		out[0] = (char)(0xF0 | cp >> 18), out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), out[3] = (char)(0x80 | (cp & 0x3F));
		out[4] = 0;
	}
}

static void card(lay_t *l, ui_rect_t r, const choice_t *c)
{
	drawlist_t *dl = l->u.dl;
	bool pressed = l->u.pressed && strcmp(l->u.pressed, c->id) == 0;
	color_role_t bg = pressed ? C_PRESSED_BG : C_BTN_BG;
	color_role_t fg = pressed ? C_PRESSED_TEXT : C_BTN_TEXT;
	draw_fill(dl, r, bg);
	draw_border(dl, r, C_BTN_BORDER, l->a.gap / 4 + 1);
	int p = card_pad(l), x = r.x + p;
	if (card_has_icon(l, c)) {
		char g[5];
		utf8_of(c->icon, g);
		int px = icon_px(l), ih = icon_h(l);
		int iw = fonts_width(l->u.fonts, FONT_ICON, px, g);
		if (iw > px)
			iw = px;
		draw_text_line(dl, (ui_rect_t){x + (px - iw) / 2, r.y + (r.h - ih) / 2, iw, ih}, r, g,
			       FONT_ICON, px, fg, bg);
		x += px + p;
	}
	int tw = card_text_w(l, c, r.w);
	int nh = ui_text_height(&l->u, tw, c->label, FONT_BOLD, l->a.button_px);
	int ph = c->plain ? ui_text_height(&l->u, tw, c->plain, FONT_REGULAR, l->a.body_px) : 0;
	int y = r.y + (r.h - nh - ph) / 2;
	int first = dl->n;
	ui_text(&l->u, (ui_rect_t){x, y, tw, nh}, c->label, FONT_BOLD, l->a.button_px, fg, bg,
		ALIGN_LEFT);
	if (c->plain)
		ui_text(&l->u, (ui_rect_t){x, y + nh, tw, ph}, c->plain, FONT_REGULAR, l->a.body_px, fg,
			bg, ALIGN_LEFT);
	for (int i = first; i < dl->n; i++)
		dl->cmds[i].clip = r; /* the words stay inside the card */
	draw_target(dl, r, c->id, c->label, TGT_CHOICE);
}

/* Cards in one column (two side by side on a wide screen), paged with
 * "Trang trước / Trang sau"; at most 6 on a page. */
static void choice_list(lay_t *l, const choice_t *items, int n)
{
	int page = l->s->page;
	const char *prev = T(l, "ui.page_prev"), *next = T(l, "ui.page_next");
	int pager_h = ui_button_height(&l->u, ui_button_width(&l->u, next, l->a.button_px), next,
				       l->a.button_px, l->a.target_px);
	int w = content_w(l);
	int cols = w >= 1400 ? 2 : 1;
	int colgap = 2 * l->a.gap;
	int cw = cols > 1 ? (w - colgap) / 2 : w;
	/* The pager goes into the bottom bar, right of "back", when it fits
	 * there (these screens have no forward action); else on its own row. */
	const dc_t *back = draw_find_target(l->u.dl, "back");
	int bar_y = back ? back->r.y : l->bottom;
	int bar_h = back ? back->r.h : pager_h;
	int bar_x0 = back ? back->r.x + back->r.w + l->a.back_gap : l->left;
	int bar_x1 = l->c->w - l->a.corner - l->a.gap;
	char widest[64];
	i18n_format(widest, sizeof widest, T(l, "ui.page_info"), "page", "99", "pages", "99", NULL);
	int info_w = fonts_width(l->u.fonts, FONT_REGULAR, l->a.body_px, widest);
	int pg_w = ui_button_width(&l->u, prev, l->a.button_px) + l->a.gap +
		   ui_button_width(&l->u, next, l->a.button_px);
	bool in_bar = back && bar_x1 - bar_x0 >= info_w + 2 * l->a.gap + pg_w;
	/* How many fit a page: whole rows, at most 6, never fewer than 1. */
	int space = l->bottom - l->y;
	if (in_bar)
		pager_h = -l->a.gap; /* no row to keep free */
	int per = 0, used = 0;
	while (per < n && per + 1 <= 6) {
		int k = n - per < cols ? n - per : cols;
		if (per + k > 6)
			k = 6 - per;
		int rh = 0;
		for (int j = 0; j < k; j++) {
			int h = card_height(l, &items[per + j], cw);
			rh = h > rh ? h : rh;
		}
		int need = used + rh + (per + k < n ? l->a.gap + pager_h : 0);
		if (per > 0 && need > space)
			break;
		used += rh + l->a.gap;
		per += k;
	}
	if (per < 1)
		per = 1;
	l->c->page_size = per;
	int pages = (n + per - 1) / per;
	if (page >= pages)
		page = pages ? pages - 1 : 0;
	int first = page * per;
	int last = first + per < n ? first + per : n;
	for (int i = first; i < last; i += cols) {
		int k = last - i < cols ? last - i : cols;
		int rh = 0;
		for (int j = 0; j < k; j++) {
			int h = card_height(l, &items[i + j], cw);
			rh = h > rh ? h : rh;
		}
		for (int j = 0; j < k; j++)
			card(l, (ui_rect_t){l->left + j * (cw + colgap), l->y, cw, rh}, &items[i + j]);
		l->y += rh + l->a.gap;
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
		if (in_bar) {
			ui_rect_t area = {bar_x0, bar_y, bar_x1 - bar_x0, bar_h};
			ui_button_row(&l->u, area, pg, k, ALIGN_RIGHT, bar_h);
			ui_rect_t ib = {bar_x0, bar_y + (bar_h - a11y_line(l->a.body_px)) / 2,
					bar_x1 - bar_x0 - pg_w - 2 * l->a.gap, a11y_line(l->a.body_px)};
			ui_text(&l->u, ib, info, FONT_REGULAR, l->a.body_px, C_TEXT, C_BG, ALIGN_LEFT);
			return;
		}
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

static const char *const day_keys[7] = {"ui.day_sun", "ui.day_mon", "ui.day_tue", "ui.day_wed",
					"ui.day_thu", "ui.day_fri", "ui.day_sat"};

/* Today's opening hours from the office hours ("Hôm nay, Thứ Hai, làm việc:
 * 07:30–11:30, 13:30–17:00"), or that today is a day off. */
static void today_hours(lay_t *l, char *buf, size_t cap)
{
	kclock_local_t t;
	kclock_to_local(kclock_now(l->s->clock), &t);
	int d = t.wday >= 0 && t.wday < 7 ? t.wday : 0;
	const config_t *cfg = l->c->cfg;
	if (!cfg->office_hours_count[d]) {
		i18n_format(buf, cap, T(l, "ui.today_closed"), "day", T(l, day_keys[d]), NULL);
		return;
	}
	char h[256] = "";
	for (int p = 0; p < cfg->office_hours_count[d]; p++) {
		const config_period_t *pr = &cfg->office_hours[d][p];
		size_t len = strlen(h);
		snprintf(h + len, sizeof h - len, "%s%02d:%02d–%02d:%02d", p ? ", " : "",
			 pr->start_min / 60, pr->start_min % 60, pr->end_min / 60, pr->end_min % 60);
	}
	i18n_format(buf, cap, T(l, "ui.today_hours"), "day", T(l, day_keys[d]), "hours", h, NULL);
}

/* The steps ahead, numbered: 1 choose, 2 papers, 3 a few questions, 4 the
 * number. Plain text (no boxes), so nothing looks like a button. px: the
 * size of the steps (body text, or larger where the screen has room). */
static void welcome_steps(lay_t *l, int px)
{
	text(l, T(l, "ui.steps_title"), FONT_BOLD, l->a.body_px, C_TEXT);
	int lh = a11y_line(px);
	int numw = fonts_width(l->u.fonts, FONT_BOLD, px, "4") + 2 * l->a.gap;
	for (int k = 0; k < 4; k++) {
		char key[32], num[16];
		snprintf(key, sizeof key, "ui.step_%d", k + 1);
		snprintf(num, sizeof num, "%d", k + 1);
		int nw = fonts_width(l->u.fonts, FONT_BOLD, px, num);
		ui_rect_t col = {l->left, l->y, numw, lh};
		draw_text_line(l->u.dl, (ui_rect_t){l->left + l->a.gap, l->y, nw, lh}, col, num, FONT_BOLD,
			       px, C_TEXT, C_BG);
		ui_rect_t tb = {l->left + numw, l->y, content_w(l) - numw, l->bottom - l->y};
		int h = ui_text(&l->u, tb, T(l, key), FONT_REGULAR, px, C_TEXT, C_BG, ALIGN_LEFT);
		l->y += (h > lh ? h : lh) + l->a.gap / 2;
	}
	l->y += l->a.gap;
}

/* One layout pass of Welcome; returns the lowest y used. step_px: the
 * steps' size; spread: extra space after each block (portrait, where the
 * words would otherwise leave the lower part of the screen empty). */
/* "Đang phục vụ: A012, B003": the numbers at the counters now (from the
 * office queue, through the session); nothing when there are none or no
 * room is left. */
static void serving_line(lay_t *l)
{
	const session_t *s = l->s;
	if (s->serving_count <= 0)
		return;
	char list[6 * 10] = "";
	size_t used = 0;
	for (int i = 0; i < s->serving_count && i < 6; i++) {
		int n = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", s->serving[i]);
		if (n < 0 || (size_t)n >= sizeof list - used)
			break;
		used += (size_t)n;
	}
	char line[256];
	i18n_format(line, sizeof line, T(l, "ui.serving"), "numbers", list, NULL);
	/* Last on Welcome, and only where it fits: large text takes the
	 * smaller size, then leaves it out. */
	int px = l->a.body_px;
	if (l->y + ui_text_height(&l->u, content_w(l), line, FONT_BOLD, px) > l->bottom)
		px = l->a.small_px;
	if (l->y + ui_text_height(&l->u, content_w(l), line, FONT_BOLD, px) > l->bottom)
		return;
	text(l, line, FONT_BOLD, px, C_TEXT);
}

static int welcome_pass(lay_t *l, int step_px, int spread)
{
	bool land = l->c->w > l->c->h;
	int top = l->y;
	char hours[512];
	today_hours(l, hours, sizeof hours);
	if (l->s->lunch_numbers && l->s->hours_deadline) {
		/* Lunch break with numbers for the afternoon: say when it starts. */
		kclock_local_t t;
		kclock_to_local(l->s->hours_deadline, &t);
		char hm[16];
		snprintf(hm, sizeof hm, "%02d:%02d", t.hour, t.min);
		i18n_format(hours, sizeof hours, T(l, "ui.lunch_numbers"), "time", hm, NULL);
	}
	const char *label = T(l, "ui.start");
	/* Portrait: one column. Landscape: the office and the steps on the
	 * left, the button, today's hours and the privacy note on the right. */
	int keep_left = l->left, keep_right = l->right;
	if (land)
		l->right = l->left + (content_w(l) - 4 * l->a.gap) / 2;
	title(l, l->c->cfg->office_name[0] ? l->c->cfg->office_name : T(l, "ui.welcome_title"));
	l->y += spread;
	welcome_steps(l, step_px);
	l->y += spread;
	int low = l->y;
	if (land) {
		l->left = l->right + 4 * l->a.gap;
		l->right = keep_right;
		l->y = top;
	} else {
		text(l, hours, FONT_BOLD, l->a.body_px, C_TEXT);
		l->y += spread;
	}
	int w = land ? content_w(l) : content_w(l) * 2 / 3;
	if (w < l->a.primary_w)
		w = l->a.primary_w;
	int h = ui_button_height(&l->u, w, label, l->a.title_px,
				 l->a.scale_pct > 100 ? l->a.primary_h : l->a.primary_h * 3 / 2);
	int y = l->y + (land ? 0 : l->a.gap);
	ui_rect_t r = {l->left + (content_w(l) - w) / 2, y, w, h};
	ui_button(&l->u, r, "start", label, TGT_PRIMARY);
	l->y = y + h + l->a.gap * 2 + spread;
	if (land)
		text(l, hours, FONT_BOLD, l->a.body_px, C_TEXT);
	/* The privacy note gives way to a smaller (still >= 36 px) size when
	 * large text leaves no room for it. */
	const char *priv = T(l, "ui.welcome_privacy");
	int ppx = l->a.body_px;
	if (l->y + ui_text_height(&l->u, content_w(l), priv, FONT_REGULAR, ppx) > l->bottom)
		ppx = l->a.small_px;
	text(l, priv, FONT_REGULAR, ppx, C_TEXT_MUTED);
	serving_line(l);
	if (l->y > low)
		low = l->y;
	l->left = keep_left;
	l->right = keep_right;
	return low;
}

static void scr_welcome(lay_t *l)
{
	bottom_bar(l, NULL, NULL, NULL);
	l->bottom = l->c->h - l->a.corner - l->a.gap;
	/* Larger steps where they fit, then the free space shared
	 * out between the blocks: no empty half screen. The draw list is
	 * rolled back between passes. */
	drawlist_t *dl = l->u.dl;
	int n0 = dl->n, top = l->y;
	size_t used0 = dl->used;
	int step_px = l->a.title_px;
	int low = welcome_pass(l, step_px, 0);
	if (low > l->bottom) {
		dl->n = n0, dl->used = used0, l->y = top;
		step_px = l->a.body_px;
		low = welcome_pass(l, step_px, 0);
	}
	int spare = l->bottom - low;
	if (spare > 4 * l->a.gap) {
		int spread = spare / 4;
		if (spread > 4 * l->a.gap)
			spread = 4 * l->a.gap;
		dl->n = n0, dl->used = used0, l->y = top;
		welcome_pass(l, step_px, spread);
	}
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
		out[n].plain = g->plain[l->s->lang];
		out[n].icon = g->icon_cp;
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
		items[n].plain = p->plain[l->s->lang];
		items[n].icon = p->icon_cp;
		n++;
	}
	choice_list(l, items, n);
}

static void scr_documents(lay_t *l)
{
	bottom_bar(l, T(l, "ui.back"), "next", T(l, "ui.continue"));
	const catalog_proc_t *p = l->s->proc;
	const char *intro = T(l, "ui.documents_intro");
	const char *none = p->nfields == 0 ? T(l, "ui.no_form") : NULL;
	int w = content_w(l), g = l->a.gap;
	bool land = l->c->w > l->c->h;
	/* A long name gives way first (smaller, then cut), then the list
	 * goes smaller and, in landscape, into two columns. */
	static const struct { int tpx, tlines, intro, dpx, cols; } opts[] = {
		{2, 3, 1, 2, 1}, {1, 3, 1, 2, 1}, {1, 2, 1, 1, 1}, {1, 2, 0, 1, 1},
		{1, 2, 0, 1, 2}, {1, 1, 0, 1, 2},
	};
	int n = (int)(sizeof opts / sizeof opts[0]);
	char name[1024];
	int space = l->bottom - l->y;
	for (int o = 0; o < n; o++) {
		if (opts[o].cols == 2 && !land)
			continue;
		int tpx = opts[o].tpx == 2 ? l->a.title_px : l->a.body_px;
		int dpx = opts[o].dpx == 2 ? l->a.body_px : l->a.small_px;
		int box = dpx * 2 / 3;
		int colw = opts[o].cols == 2 ? (w - 2 * g) / 2 : w;
		head_fit(l, p->name[l->s->lang], w, FONT_BOLD, tpx, opts[o].tlines, name, sizeof name);
		int need = ui_text_height(&l->u, w, name, FONT_BOLD, tpx) + g;
		if (opts[o].intro)
			need += ui_text_height(&l->u, w, intro, FONT_REGULAR, l->a.body_px) + g;
		int col[2] = {0, 0};
		int half = ((int)p->ndocs + 1) / 2;
		for (size_t i = 0; i < p->ndocs; i++)
			col[opts[o].cols == 2 && (int)i >= half] +=
				ui_text_height(&l->u, colw - box - 2 * g, p->docs[l->s->lang][i], FONT_REGULAR, dpx) + g;
		need += col[0] > col[1] ? col[0] : col[1];
		if (none)
			need += ui_text_height(&l->u, w, none, FONT_REGULAR, dpx) + g;
		if (need > space && o + 1 < n)
			continue;
		text(l, name, FONT_BOLD, tpx, C_TEXT);
		if (opts[o].intro)
			text(l, intro, FONT_REGULAR, l->a.body_px, C_TEXT);
		int y0 = l->y, ys[2] = {y0, y0};
		for (size_t i = 0; i < p->ndocs; i++) {
			int c = opts[o].cols == 2 && (int)i >= half;
			int x = l->left + c * (colw + 2 * g);
			int lh = a11y_line(dpx);
			ui_rect_t cb = {x, ys[c] + (lh - box) / 2, box, box};
			draw_border(l->u.dl, cb, C_TEXT, 3);
			ui_rect_t tb = {x + box + 2 * g, ys[c], colw - box - 2 * g, l->bottom - ys[c]};
			ys[c] += ui_text(&l->u, tb, p->docs[l->s->lang][i], FONT_REGULAR, dpx, C_TEXT,
					 C_BG, ALIGN_LEFT) + g;
		}
		l->y = ys[0] > ys[1] ? ys[0] : ys[1];
		if (none)
			text(l, none, FONT_REGULAR, dpx, C_TEXT_MUTED);
		return;
	}
}

/* The end of text that fits `lines` lines of width w at px, after an
 * ellipsis: a long answer keeps its end, where the citizen types, in view. */
static void tail_fit(lay_t *l, const char *t, int w, int px, int lines, char *out, size_t cap)
{
	int max_h = lines * a11y_line(px);
	if (ui_text_height(&l->u, w, t, FONT_REGULAR, px) <= max_h) {
		snprintf(out, cap, "%s", t);
		return;
	}
	size_t lo = 0, hi = strlen(t);
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		while (mid < hi && ((unsigned char)t[mid] & 0xC0) == 0x80)
			mid++;
		if (mid >= hi)
			break;
		snprintf(out, cap, "…%s", t + mid);
		if (ui_text_height(&l->u, w, out, FONT_REGULAR, px) <= max_h)
			hi = mid;
		else
			lo = mid;
	}
	snprintf(out, cap, "…%s", t + hi);
}

/* A choice as a big card: the whole card is the target, its label large. */
static void choice_card(lay_t *l, ui_rect_t r, const char *id, const char *label)
{
	bool pressed = l->u.pressed && strcmp(l->u.pressed, id) == 0;
	color_role_t bg = pressed ? C_PRESSED_BG : C_BTN_BG;
	color_role_t fg = pressed ? C_PRESSED_TEXT : C_BTN_TEXT;
	draw_fill(l->u.dl, r, bg);
	draw_border(l->u.dl, r, C_BTN_BORDER, l->a.gap / 2);
	int px = l->a.title_px;
	int iw = r.w - 2 * l->a.gap;
	int th = ui_text_height(&l->u, iw, label, FONT_BOLD, px);
	if (th > r.h - 2 * l->a.gap) {
		px = l->a.button_px;
		th = ui_text_height(&l->u, iw, label, FONT_BOLD, px);
	}
	int first = l->u.dl->n;
	ui_text(&l->u, (ui_rect_t){r.x + l->a.gap, r.y + (r.h - th) / 2, iw, th}, label, FONT_BOLD, px,
		fg, bg, ALIGN_CENTER);
	for (int i = first; i < l->u.dl->n; i++)
		l->u.dl->cmds[i].clip = r;
	draw_target(l->u.dl, r, id, label, TGT_CHOICE);
}

/* The error box under the field: bold text on the error colour. */
static int error_box(lay_t *l, ui_rect_t at, const char *msg, int px)
{
	int pad = l->a.gap;
	int eh = ui_text_height(&l->u, at.w - 2 * pad, msg, FONT_BOLD, px);
	ui_rect_t eb = {at.x, at.y, at.w, eh + 2 * pad};
	draw_fill(l->u.dl, eb, C_ERROR_BG);
	ui_text(&l->u, (ui_rect_t){eb.x + pad, eb.y + pad, eb.w - 2 * pad, eh}, msg, FONT_BOLD, px,
		C_ERROR_TEXT, C_ERROR_BG, ALIGN_LEFT);
	return eb.h;
}

/* The ID-card offer: what would be filled, and the citizen decides. The
 * values go in two columns when one does not fit. */
static void form_scan_offer(lay_t *l, const char *q)
{
	const session_t *s = l->s;
	static const char *const keys[5] = {"ui.scan_name", "ui.scan_dob", "ui.scan_sex",
					    "ui.scan_id", "ui.scan_address"};
	char lines[5][SESSION_VALUE_MAX + 128];
	int n = 0;
	for (int k = 0; k < 5; k++) {
		if (!s->scan_values[k][0])
			continue;
		const char *v = s->scan_values[k];
		if (k == 2)
			v = T(l, strcmp(v, "nam") == 0 ? "ui.sex_male" : "ui.sex_female");
		snprintf(lines[n++], sizeof lines[0], "%s: %s", T(l, keys[k]), v);
	}
	ui_item_t it[2] = {{"scan-reject", T(l, "ui.scan_reject"), 0},
			   {"scan-accept", T(l, "ui.scan_accept"), TGT_PRIMARY}};
	int g = l->a.gap, w = content_w(l);
	int bh = 0;
	for (int k = 0; k < 2; k++) {
		int t = ui_button_height(&l->u, ui_button_width(&l->u, it[k].label, l->a.button_px),
					 it[k].label, l->a.button_px, l->a.primary_h);
		if (t > bh)
			bh = t;
	}
	const char *offer = T(l, "ui.scan_offer");
	int space = l->bottom - l->y;
	/* Try: with the question; without it; values in two columns; smaller. */
	for (int opt = 0; opt < 5; opt++) {
		bool with_q = opt == 0, two = opt >= 2 && opt != 3;
		int px = opt >= 3 ? l->a.small_px : l->a.body_px;
		int colw = two ? (w - 2 * g) / 2 : w;
		int need = ui_text_height(&l->u, w, offer, FONT_BOLD, l->a.body_px) + g + bh + g;
		if (with_q)
			need += ui_text_height(&l->u, w, q, FONT_BOLD, l->a.title_px) + g;
		int col[2] = {0, 0};
		for (int k = 0; k < n; k++)
			col[two && k >= (n + 1) / 2] += ui_text_height(&l->u, colw, lines[k], FONT_REGULAR, px) + g / 2;
		need += (col[0] > col[1] ? col[0] : col[1]) + g;
		if (need > space && opt < 4)
			continue;
		if (with_q)
			title(l, q);
		text(l, offer, FONT_BOLD, l->a.body_px, C_TEXT);
		int y0 = l->y, ys[2] = {y0, y0};
		for (int k = 0; k < n; k++) {
			int c = two && k >= (n + 1) / 2;
			ui_rect_t box = {l->left + c * (colw + 2 * g), ys[c], colw, l->bottom - ys[c]};
			ys[c] += ui_text(&l->u, box, lines[k], FONT_REGULAR, px, C_TEXT, C_BG, ALIGN_LEFT) + g / 2;
		}
		l->y = (ys[0] > ys[1] ? ys[0] : ys[1]) + g / 2;
		ui_rect_t area = {l->left, l->y, w, bh};
		l->y += ui_button_row(&l->u, area, it, 2, ALIGN_RIGHT, l->a.primary_h) + g;
		return;
	}
}

static void scr_form(lay_t *l)
{
	const session_t *s = l->s;
	const catalog_proc_t *p = s->proc;
	const catalog_field_t *f = &p->fields[s->field];
	const char *back = T(l, "ui.back");
	const char *fwd = T(l, session_form_next_key(s)); /* the errors name it too */
	bool land = l->c->w > l->c->h;
	bool choice = f->type == FIELD_SEX;
	bool keypad = !choice && textfield_mode(&s->tf) == KB_NUMERIC;
	bool offer = s->scan_offer;
	/* Landscape with the letter keyboard: Back and Continue sit on either
	 * side of the field, so the keyboard can use the full height below it.
	 * Otherwise the usual bottom bar. */
	bool side = land && !keypad && !choice && !offer;
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
	if (offer) {
		form_scan_offer(l, q);
		return;
	}
	int g = l->a.gap, pad = l->a.gap;
	/* The keyboard first, at the bottom: its keys never shrink, the
	 * words above it give way. Landscape puts the keypad beside them. */
	keyboard_ctx_t kc = {.u = &l->u, .tr = l->c->tr, .lang = s->lang, .mode = textfield_mode(&s->tf),
			     .phys = s->phys_method, .numeric_only = session_field_numeric(f->type)};
	ui_rect_t kb = {l->left, l->y, content_w(l), 0};
	int top = l->y;
	if (keypad && land) {
		int kw = 0;
		int kh = keyboard_measure(&kc, (ui_rect_t){0, 0, l->a.numkey_px * 3 + 2 * g,
							   l->bottom - l->y}, &kw);
		(void)kh;
		kb = (ui_rect_t){l->right - kw, l->y, kw, l->bottom - l->y};
		l->right = kb.x - 4 * g;
	} else if (!choice) {
		/* Room kept for the question, the field and a three-line error,
		 * so an error never moves a key. */
		int min_text = a11y_line(l->a.title_px) + a11y_line(l->a.composed_px) + 2 * pad +
			       3 * a11y_line(l->a.small_px) + 2 * pad + 3 * g;
		ui_rect_t area = {l->left, 0, content_w(l), l->bottom - l->y - min_text};
		int kh = keyboard_measure(&kc, area, NULL);
		kb = (ui_rect_t){l->left, l->bottom - kh, content_w(l), kh};
	}
	int text_bottom = choice ? l->bottom : (keypad && land ? l->bottom : kb.y - g);
	/* The field: committed text and the word being composed, large. */
	char raw[SESSION_VALUE_MAX + 64];
	session_field_display(s, raw, sizeof raw);
	int cw = content_w(l);
	int fx = l->left, fw = cw, bw = 0, nw = 0, bh = 0, nh = 0;
	if (side) {
		bw = ui_button_width(&l->u, back, l->a.button_px);
		nw = ui_button_width(&l->u, fwd, l->a.button_px);
		if (nw < l->a.primary_w)
			nw = l->a.primary_w;
		fx = l->a.corner + g + bw + l->a.back_gap;
		fw = l->c->w - (l->a.corner + g) - nw - l->a.back_gap - fx;
		bh = ui_button_height(&l->u, bw, back, l->a.button_px, l->a.primary_h);
		nh = ui_button_height(&l->u, nw, fwd, l->a.button_px, l->a.primary_h);
	}
	const char *err = s->error_key ? s->error_key : s->scan_error_key;
	char msg[512] = "";
	if (err) {
		session_form_error_text(s, l->c->tr, msg, sizeof msg);
	}
	const char *hint = f->hint[s->lang];
	/* Fit the words between the top bar and the keyboard: first as they
	 * are, then a one-line field, a smaller error, a smaller question, and
	 * last the error in the question's place until the citizen types. */
	static const struct { int title, lines, err, comp; } opts[] = {
		{2, 2, 2, 2}, {2, 1, 2, 2}, {2, 1, 1, 2}, {1, 1, 1, 2}, {0, 1, 2, 2}, {0, 1, 1, 2},
		{0, 1, 1, 1},
	};
	int nopts = (int)(sizeof opts / sizeof opts[0]);
	int space = text_bottom - top;
	int o = 0, tpx = 0, epx = 0, cpx = 0, lines = 1, th = 0, eh = 0, fh = 0;
	for (o = 0; o < nopts; o++) {
		tpx = opts[o].title == 2 ? l->a.title_px : opts[o].title == 1 ? l->a.body_px : 0;
		epx = opts[o].err == 2 ? l->a.body_px : l->a.small_px;
		cpx = opts[o].comp == 2 ? l->a.composed_px : l->a.composed_px * 100 / l->a.scale_pct;
		lines = choice ? 0 : opts[o].lines;
		if (!err && opts[o].title == 0)
			continue;
		if (lines) { /* a short answer needs one line */
			int nl = ui_text_height(&l->u, fw - 2 * pad, raw[0] ? raw : " ", FONT_REGULAR, cpx) /
				 a11y_line(cpx);
			if (lines > (nl < 1 ? 1 : nl))
				lines = nl < 1 ? 1 : nl;
		}
		th = tpx ? ui_text_height(&l->u, cw, q, FONT_BOLD, tpx) + g : 0;
		eh = err ? ui_text_height(&l->u, cw - 2 * pad, msg, FONT_BOLD, epx) + 2 * pad + g : 0;
		fh = lines ? lines * a11y_line(cpx) + 2 * pad : 0;
		if (side && fh && fh < (bh > nh ? bh : nh))
			fh = bh > nh ? bh : nh;
		int need = th + (fh ? fh + g : 0) + eh + (choice ? 2 * l->a.primary_h : 0);
		if (need <= space)
			break;
	}
	if (o >= nopts) /* nothing fits: the smallest that keeps the question */
		o = err ? nopts - 1 : 3;
	if (o == 3 && !err) {
		tpx = l->a.body_px;
		th = ui_text_height(&l->u, cw, q, FONT_BOLD, tpx) + g;
	}
	if (tpx)
		text(l, q, FONT_BOLD, tpx, C_TEXT);
	int used = th + (fh ? fh + g : 0) + eh;
	int hint_h = hint ? ui_text_height(&l->u, cw, hint, FONT_REGULAR, l->a.body_px) + g : 0;
	if (hint && opts[o].title == 2 && used + hint_h + (choice ? 2 * l->a.primary_h : 0) <= space)
		text(l, hint, FONT_REGULAR, l->a.body_px, C_TEXT_MUTED);
	if (!choice) {
		char shown[SESSION_VALUE_MAX + 80];
		int tw = fw - 2 * pad;
		int need_lines = ui_text_height(&l->u, tw, raw[0] ? raw : " ", FONT_REGULAR, cpx) / a11y_line(cpx);
		int fl = need_lines < lines ? (need_lines < 1 ? 1 : need_lines) : lines;
		tail_fit(l, raw, tw, cpx, fl, shown, sizeof shown);
		ui_rect_t fb = {fx, l->y, fw, fl * a11y_line(cpx) + 2 * pad};
		if (side) {
			ui_button(&l->u, (ui_rect_t){l->a.corner + g, fb.y, bw, bh}, "back", back, TGT_BACK);
			ui_button(&l->u, (ui_rect_t){l->c->w - (l->a.corner + g) - nw, fb.y, nw, nh}, "next",
				  fwd, TGT_PRIMARY);
			int m = bh > nh ? bh : nh;
			if (fb.h < m)
				fb.h = m;
		}
		draw_fill(l->u.dl, fb, C_FIELD_BG);
		draw_border(l->u.dl, fb, C_FIELD_BORDER, 4);
		ui_rect_t tb = {fb.x + pad, fb.y + pad, tw, fl * a11y_line(cpx)};
		ui_text(&l->u, tb, shown, FONT_REGULAR, cpx, C_FIELD_TEXT, C_FIELD_BG, ALIGN_LEFT);
		/* Underline the word being composed while it fits on one line. */
		const char *pre = textfield_preedit(&s->tf);
		int whole = fonts_width(l->u.fonts, FONT_REGULAR, cpx, shown);
		if (pre[0] && whole <= tb.w) {
			int wpre = fonts_width(l->u.fonts, FONT_REGULAR, cpx, pre);
			draw_fill(l->u.dl, (ui_rect_t){tb.x + whole - wpre, tb.y + tb.h - pad, wpre, 5},
				  C_FIELD_BORDER);
		}
		l->y = fb.y + fb.h + g;
	}
	if (err)
		l->y += error_box(l, (ui_rect_t){l->left, l->y, cw, 0}, msg, epx) + g;
	if (choice) {
		/* Two big cards filling the row, no text box: one tap answers. */
		int ch = l->bottom - l->y - g;
		if (ch > 3 * l->a.primary_h)
			ch = 3 * l->a.primary_h;
		int w2 = (cw - 2 * g) / 2;
		choice_card(l, (ui_rect_t){l->left, l->y + g, w2, ch}, "choice-nam", T(l, "ui.sex_male"));
		choice_card(l, (ui_rect_t){l->left + w2 + 2 * g, l->y + g, w2, ch}, "choice-nu",
			    T(l, "ui.sex_female"));
		return;
	}
	keyboard_build(&kc, kb);
}

static void scr_review(lay_t *l)
{
	const session_t *s = l->s;
	const catalog_proc_t *p = s->proc;
	bool prio = strcmp(l->c->cfg->queue_priority, "none") != 0;
	bottom_bar(l, T(l, "ui.back"), "next", T(l, prio ? "ui.continue" : "ui.print"));
	title(l, T(l, "ui.review_title"));
	const char *edit = T(l, "ui.edit");
	int ew = ui_button_width(&l->u, edit, l->a.button_px);
	int tw = content_w(l) - ew - 2 * l->a.gap;
	int bh = ui_button_height(&l->u, ew, edit, l->a.button_px, l->a.target_px);
	/* Answers page when large text makes them too tall for one screen. */
	const char *prev = T(l, "ui.page_prev"), *next = T(l, "ui.page_next");
	int pager_h = ui_button_height(&l->u, ui_button_width(&l->u, next, l->a.button_px), next,
				       l->a.button_px, l->a.target_px);
	/* The procedure's name in two lines at most, one when two would leave
	 * no room for an answer and the page buttons (landscape, large text). */
	char name[1024];
	head_fit(l, p->name[s->lang], content_w(l), FONT_BOLD, l->a.body_px, 2, name, sizeof name);
	int need = bh + pager_h + 3 * l->a.gap;
	if (l->bottom - l->y - ui_text_height(&l->u, content_w(l), name, FONT_BOLD, l->a.body_px) -
	    l->a.gap < need)
		head_fit(l, p->name[s->lang], content_w(l), FONT_BOLD, l->a.body_px, 1, name, sizeof name);
	text(l, name, FONT_BOLD, l->a.body_px, C_TEXT);
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
		/* An answer taller than a page is cut (its Edit shows it all). */
		int max_lines = (l->bottom - l->y - pager_h - 2 * l->a.gap) / a11y_line(l->a.body_px);
		if (max_lines < 1)
			max_lines = 1;
		char cut[sizeof lines[i]];
		head_fit(l, lines[i], tw, FONT_REGULAR, l->a.body_px, max_lines, cut, sizeof cut);
		snprintf(lines[i], sizeof lines[i], "%s", cut);
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
	bool land = l->c->w > l->c->h;
	ui_item_t it[2] = {{"priority-yes", T(l, "ui.priority_yes"), TGT_CHOICE},
			   {"priority-no", T(l, "ui.priority_no"), TGT_CHOICE}};
	/* Landscape: the words on the left, the two buttons stacked on the
	 * right. Portrait: the buttons under the words. */
	int top = l->y, keep_right = l->right;
	/* Landscape: the column ends clear of the bottom-right menu corner. */
	int col_right = l->c->w - l->a.corner - l->a.gap;
	int bw = land ? col_right - l->left - (content_w(l) + 4 * l->a.gap) / 2 : content_w(l);
	int bh[2], sum = 0;
	for (int k = 0; k < 2; k++) {
		bh[k] = ui_button_height(&l->u, bw, it[k].label, l->a.button_px, l->a.primary_h);
		sum += bh[k] + 2 * l->a.gap;
	}
	if (land)
		l->right = col_right - bw - 4 * l->a.gap;
	const char *why = T(l, "ui.priority_reasons"), *prints = T(l, "ui.priority_prints");
	int room = l->bottom - l->y - (land ? 0 : sum);
	int rpx = l->a.body_px;
	int ph = land ? 0 : ui_text_height(&l->u, content_w(l), prints, FONT_BOLD, rpx) + l->a.gap;
	if (ui_text_height(&l->u, content_w(l), why, FONT_REGULAR, rpx) + ph + l->a.gap > room)
		rpx = l->a.small_px; /* large text: the list of reasons gives way first */
	text(l, why, FONT_REGULAR, rpx, C_TEXT);
	if (land) {
		/* The right-hand column: the note, then the buttons. */
		l->left = l->right + 4 * l->a.gap;
		l->right = col_right;
		l->y = top;
	}
	/* Both buttons print at once: said before the tap, and by each label. */
	text(l, prints, FONT_BOLD, l->a.body_px, C_TEXT);
	int x = l->left, y = l->y + l->a.gap;
	for (int k = 0; k < 2; k++) {
		ui_button(&l->u, (ui_rect_t){x, y, bw, bh[k]}, it[k].id, it[k].label, it[k].flags);
		y += bh[k] + 2 * l->a.gap;
	}
	l->right = keep_right;
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
	/* Large text with the queue's lines reaches the bottom: "Done" then
	 * goes to the right edge, clear of the column (it stays above the
	 * corner zone). */
	bool done_right = landscape && s->wait_ahead >= 0 && l->a.scale_pct > 100;
	int keep_right = l->right;
	l->right = l->left + colw;
	/* The office queue's lines: people ahead, and the wait once there is
	 * data (the session has them only when the queue could say). */
	char ahead[256] = "", wait[256] = "";
	if (s->wait_ahead >= 0) {
		char n[16];
		snprintf(n, sizeof n, "%d", s->wait_ahead);
		const char *key = s->wait_ahead == 0 ? "ui.ticket_ahead_none"
				  : s->wait_ahead == 1 ? "ui.ticket_ahead_one" : "ui.ticket_ahead";
		i18n_format(ahead, sizeof ahead, T(l, key), "n", n, NULL);
		if (s->wait_min > 0) {
			snprintf(n, sizeof n, "%d", s->wait_min);
			i18n_format(wait, sizeof wait, T(l, "ui.ticket_wait"), "m", n, NULL);
		}
	}
	/* One line of capitals and digits: no stacked marks, so the line box
	 * only needs the font's height (1.4 em), not 1.5 em. Large text makes
	 * the number larger too, back to its normal size when the lines
	 * below (the queue's, a one-line name, the words) would not fit. */
	int npx = l->a.number_px;
	if (ahead[0] && l->a.scale_pct > 100) {
		int below = ui_text_height(&l->u, content_w(l), ahead, FONT_BOLD, l->a.small_px) + l->a.gap;
		if (wait[0])
			below += ui_text_height(&l->u, content_w(l), wait, FONT_BOLD, l->a.small_px) + l->a.gap;
		if (s->priority)
			below += ui_text_height(&l->u, content_w(l), T(l, "ui.ticket_priority"), FONT_BOLD,
						l->a.title_px) + l->a.gap;
		below += ui_text_height(&l->u, content_w(l), T(l, "ui.ticket_next"), FONT_REGULAR, l->a.body_px) +
			 l->a.gap;
		if (s->proc)
			below += a11y_line(l->a.body_px) + l->a.gap;
		if (l->y + npx * 7 / 5 + below > l->bottom || l->c->h > l->c->w)
			npx = npx * 100 / l->a.scale_pct; /* portrait: the QR comes below too */
	}
	/* Large text: the queue's lines in the smaller size when the wait is
	 * there too (still >= 36 px). */
	int qpx = l->a.scale_pct > 100 && wait[0] ? l->a.small_px : l->a.body_px;
	int nh = npx * 7 / 5;
	int nw = fonts_width(l->u.fonts, FONT_BOLD, npx, s->result.number);
	ui_rect_t nb = {l->left, l->y, colw, nh};
	draw_text_line(l->u.dl, (ui_rect_t){l->left + (colw - nw) / 2, l->y, nw, nh}, nb,
		       s->result.number, FONT_BOLD, npx, C_TEXT, C_BG);
	l->y += nh;
	if (s->priority)
		text(l, T(l, "ui.ticket_priority"), FONT_BOLD, l->a.title_px, C_TEXT);
	if (ahead[0])
		text(l, ahead, FONT_BOLD, qpx, C_TEXT);
	if (wait[0])
		text(l, wait, FONT_BOLD, qpx, C_TEXT);
	/* A long procedure name takes two lines, or one when the words below
	 * would not fit. */
	const char *next = T(l, "ui.ticket_next");
	/* Large text with the queue's lines: the advice in the smaller size. */
	int next_px = qpx < l->a.body_px ? l->a.small_px : l->a.body_px;
	int next_h = ui_text_height(&l->u, content_w(l), next, FONT_REGULAR, next_px) + l->a.gap;
	if (s->proc) {
		char name[1024];
		int lines = next_px < l->a.body_px ? 1 : 2; /* large text with the queue's lines: one */
		head_fit(l, s->proc->name[s->lang], content_w(l), FONT_BOLD, l->a.body_px, lines, name,
			 sizeof name);
		if (l->y + ui_text_height(&l->u, content_w(l), name, FONT_BOLD, l->a.body_px) + l->a.gap +
		    next_h > l->bottom)
			head_fit(l, s->proc->name[s->lang], content_w(l), FONT_BOLD, l->a.body_px, 1, name,
				 sizeof name);
		text(l, name, FONT_BOLD, l->a.body_px, C_TEXT);
	}
	text(l, next, FONT_REGULAR, next_px, C_TEXT);
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
		int dx = done_right ? l->right - dw : l->c->w - l->a.corner - l->a.gap - dw;
		ui_button(&l->u, (ui_rect_t){dx, dy, dw, dh}, "done", done,
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

/* Help: what happened to the call. Sent to the counters, taken by one
 * ("Cán bộ Quầy 3 đang đến"), or nobody to send it to (ask at the nearest
 * counter). */
static void scr_help(lay_t *l)
{
	const session_t *s = l->s;
	bottom_bar(l, NULL, "next", T(l, "ui.continue"));
	char head[160];
	const char *body;
	if (s->help == SESSION_HELP_COMING) {
		coming_text(l, "ui.help_coming_title", head, sizeof head);
		body = T(l, "ui.help_coming_text");
	} else if (s->help == SESSION_HELP_ASK) {
		snprintf(head, sizeof head, "%s", T(l, "ui.help_ask_title"));
		body = T(l, "ui.help_ask_text");
	} else {
		snprintf(head, sizeof head, "%s", T(l, "ui.help_title"));
		body = T(l, "ui.help_text");
	}
	title(l, head);
	text(l, body, FONT_REGULAR, l->a.body_px, C_TEXT);
}

/* Rating at the kiosk: three faces; on "Không hài lòng" the reasons (any
 * number, optional) and "Gửi đánh giá"; thanks; or why the scanned ticket
 * cannot be rated. */
/* n cards all on one screen, never paged: cols to a row (1 on a narrow
 * screen), rows sharing the height left; the words wrap, then shrink with
 * the card (the faces must all be seen at once). */
static void card_grid(lay_t *l, const choice_t *items, int n, int cols)
{
	int w = content_w(l), gap = 2 * l->a.gap;
	if (w < 1200)
		cols = 1;
	int rows = (n + cols - 1) / cols;
	int cw = (w - (cols - 1) * gap) / cols;
	int h = 0;
	for (int i = 0; i < n; i++) {
		int ch = card_height(l, &items[i], cw);
		if (ch > h)
			h = ch;
	}
	int room = (l->bottom - l->y - (rows - 1) * gap) / rows;
	if (h > room)
		h = room > l->a.target_px ? room : l->a.target_px;
	for (int i = 0; i < n; i++) {
		ui_rect_t r = {l->left + (i % cols) * (cw + gap), l->y + (i / cols) * (h + gap), cw, h};
		card(l, r, &items[i]);
	}
	l->y += rows * (h + gap);
}

static void scr_rate(lay_t *l)
{
	const session_t *s = l->s;
	char line[200];
	i18n_format(line, sizeof line, T(l, "ui.rate_number"), "number", s->rate_number, NULL);
	switch (s->rate_step) {
	case SESSION_RATE_FACES: {
		bottom_bar(l, T(l, "ui.back"), NULL, NULL);
		title(l, T(l, "ui.rate_title"));
		text(l, line, FONT_REGULAR, l->a.body_px, C_TEXT);
		choice_t it[3] = {{"rate-3", T(l, "ui.rate_3"), NULL, 0xE815u},
				  {"rate-2", T(l, "ui.rate_2"), NULL, 0xE813u},
				  {"rate-1", T(l, "ui.rate_1"), NULL, 0xE814u}};
		card_grid(l, it, 3, 3);
		break;
	}
	case SESSION_RATE_REASONS: {
		bottom_bar(l, T(l, "ui.back"), "next", T(l, "ui.rate_send"));
		title(l, T(l, "ui.rate_reasons_title"));
		static const char *const keys[4] = {"ui.rate_reason_1", "ui.rate_reason_2", "ui.rate_reason_4",
						    "ui.rate_reason_8"};
		static const char *const ids[4] = {"reason-1", "reason-2", "reason-4", "reason-8"};
		choice_t it[4];
		for (int k = 0; k < 4; k++) {
			bool on = s->rate_reasons & (1u << k);
			it[k] = (choice_t){ids[k], T(l, keys[k]), NULL, on ? 0xE834u : 0xE835u};
		}
		card_grid(l, it, 4, 2);
		break;
	}
	case SESSION_RATE_THANKS:
		bottom_bar(l, NULL, "done", T(l, "ui.done"));
		title(l, T(l, "ui.rate_thanks"));
		text(l, T(l, "ui.rate_thanks_text"), FONT_REGULAR, l->a.body_px, C_TEXT);
		break;
	case SESSION_RATE_REFUSED:
		bottom_bar(l, NULL, "done", T(l, "ui.done"));
		i18n_format(line, sizeof line, T(l, s->rate_refused ? s->rate_refused : "ui.rate_unavailable"),
			    "number", s->rate_number, NULL);
		title(l, line);
		text(l, T(l, "ui.rate_refused_text"), FONT_REGULAR, l->a.body_px, C_TEXT);
		break;
	}
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
	case SCR_RATE: scr_rate(&l); break;
	case SCR_CLOSED: scr_closed(&l, false); break;
	case SCR_LUNCH: scr_closed(&l, true); break;
	case SCR_SOLD_OUT: scr_sold_out(&l); break;
	case SCR_OUT_OF_SERVICE: scr_out_of_service(&l); break;
	case SCR_FIRST_BOOT: case SCR_PIN: case SCR_STAFF_MENU: case SCR_TECH_MENU:
	case SCR_UPDATING: menus_build(dl, c, l.y); break; /* ui/menus.c */
	default: title(&l, screen_id(s->screen)); break;
	}
}
