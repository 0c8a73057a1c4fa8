/* board_screen.c - the wall board's draw list (board_screen.h). Layout:
 * a top bar (office name, the "lost" mark, the clock), the call card (the
 * newest call: "Mời số", the number, "→ counter"), the list of the calls
 * before it, and a grid of the groups with their waiting counts. Landscape
 * puts the card on the left and the lists on the right; portrait stacks
 * them. Texts that do not fit shrink to their floor and are then cut with
 * "…", never clipped. Priority is a star and the word, never colour alone.
 * With no snapshot yet the card says it is connecting (never blank). */
#include "ui/board_screen.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/text.h"
#include "ui/a11y.h"
#include "ui/widgets.h"

#define M 32        /* screen margin */
#define PAD 24      /* inside a card */
#define TOP_H 112   /* top bar */
#define ICON_STAR 0xE838u        /* Material Icons "star" */
#define ICON_ARROW 0xE5C8u       /* "arrow_forward" */
#define ICON_CLOUD_OFF 0xE2C1u   /* "cloud_off" */
#define ICON_NOTIFY 0xE7F7u      /* "notifications_active" */

typedef struct {
	drawlist_t *dl;
	const board_screen_t *c;
	ui_t u;
	a11y_t a;
} bl_t;

static const char *T(const bl_t *l, const char *key)
{
	return i18n_get(l->c->tr, l->c->lang, key);
}

/* Fit text into w: the largest size from px down to min that fits, else
 * min and cut with "…". out gets the text to draw; returns the size. */
static int fit(bl_t *l, const char *text, font_id_t f, int px, int min, int w, char *out, size_t cap)
{
	snprintf(out, cap, "%s", text);
	for (int p = px; p >= min; p -= 4)
		if (fonts_width(l->c->fonts, f, p, out) <= w)
			return p;
	size_t n = strlen(out);
	while (n > 0) {
		n -= text_last_len(out);
		out[n] = 0;
		while (n > 0 && out[n - 1] == ' ')
			out[--n] = 0;
		char t[512];
		size_t k = n < sizeof t - sizeof "…" ? n : sizeof t - sizeof "…";
		memcpy(t, out, k);
		memcpy(t + k, "…", sizeof "…");
		if (fonts_width(l->c->fonts, f, min, t) <= w) {
			snprintf(out, cap, "%s", t);
			return min;
		}
	}
	snprintf(out, cap, "…");
	return min;
}

/* One line of text at x, vertically centred in row, fitted into w; returns
 * the width drawn. align right: ends at x + w. */
static int line(bl_t *l, ui_rect_t row, int x, int w, const char *text, font_id_t f, int px, int min,
		color_role_t fg, color_role_t bg, bool right)
{
	char t[512];
	if (w <= 0 || !text[0])
		return 0;
	int p = fit(l, text, f, px, min, w, t, sizeof t);
	int tw = fonts_width(l->c->fonts, f, p, t);
	int h = a11y_line(p);
	if (h > row.h)
		h = row.h;
	ui_rect_t box = {right ? x + w - tw : x, row.y + (row.h - h) / 2, tw, h};
	draw_text_line(l->dl, box, row, t, f, p, fg, bg);
	return tw;
}

/* A pictogram (when the icon font has it); returns the width used. */
static int icon(bl_t *l, ui_rect_t row, int x, unsigned cp, int px, color_role_t fg, color_role_t bg)
{
	if (!fonts_have_icons(l->c->fonts))
		return 0;
	TTF_Font *font = fonts_get(l->c->fonts, FONT_ICON, px);
	if (!font || !TTF_GlyphIsProvided32(font, cp))
		return 0;
	char g[8] = "";
	text_append_cp(g, sizeof g, cp);
	int w = fonts_width(l->c->fonts, FONT_ICON, px, g);
	int h = px + px / 4;
	if (h > row.h)
		h = row.h;
	draw_text_line(l->dl, (ui_rect_t){x, row.y + (row.h - h) / 2, w, h}, row, g, FONT_ICON, px, fg, bg);
	return w;
}

static const char *counter_name(bl_t *l, const board_call_t *k, char *buf, size_t cap)
{
	const char *n = k->counter_name[l->c->lang];
	if (n[0])
		return n;
	char num[8];
	snprintf(num, sizeof num, "%d", k->counter);
	i18n_format(buf, cap, T(l, "board.counter_n"), "n", num, NULL);
	return buf;
}

/* A banner box in the top bar ending at right: a pictogram and the words,
 * leaving a tenth of the bar to the office name (which is shortened first;
 * past that the words are cut). Returns where the next thing to its left
 * ends. */
static int mark(bl_t *l, ui_rect_t row, int right, uint32_t glyph, const char *s)
{
	int tw = fonts_width(l->c->fonts, FONT_BOLD, BOARD_LIST_PX, s);
	int iw = fonts_have_icons(l->c->fonts) ? BOARD_LIST_PX + 12 : 0;
	int bw = tw + iw + 2 * 16, most = right - row.x - row.w / 10;
	if (bw > most)
		bw = most;
	ui_rect_t box = {right - bw, row.y, bw, row.h};
	draw_fill(l->dl, box, C_BANNER_BG);
	int x = box.x + 16;
	if (iw)
		x += icon(l, box, x, glyph, BOARD_LIST_PX, C_BANNER_TEXT, C_BANNER_BG) + 12;
	line(l, box, x, box.x + box.w - 16 - x, s, FONT_BOLD, BOARD_LIST_PX, BOARD_LIST_PX, C_BANNER_TEXT,
	     C_BANNER_BG, false);
	return box.x - M;
}

/* What the board says of kiosks asking for staff: the kiosk's name (the
 * first one), or how many; nothing while the hub is lost (a counter may
 * have taken the call since). */
static bool help_text(bl_t *l, bool lost, char *s, size_t cap)
{
	const board_t *b = l->c->b;
	if (!b->have || !b->snap.nhelp || lost)
		return false;
	if (b->snap.nhelp == 1) {
		i18n_format(s, cap, T(l, "board.help_one"), "kiosk", b->snap.help[0].kiosk, NULL);
	} else {
		char n[12];
		snprintf(n, sizeof n, "%d", b->snap.nhelp);
		i18n_format(s, cap, T(l, "board.help_many"), "n", n, NULL);
	}
	return true;
}

static void top_bar(bl_t *l, bool lost)
{
	const board_t *b = l->c->b;
	int w = l->c->w;
	ui_rect_t bar = {0, 0, w, TOP_H};
	draw_fill(l->dl, bar, C_PANEL);
	ui_rect_t row = {M, 8, w - 2 * M, TOP_H - 16};
	/* The clock: the hub's, else the board's own when it is trusted. */
	int64_t t = board_hub_time(b, l->c->now);
	if (!t)
		t = l->c->local_ms;
	int right = row.x + row.w;
	if (t) {
		kclock_local_t lt;
		kclock_to_local(t, &lt);
		char hm[8];
		snprintf(hm, sizeof hm, "%02d:%02d", lt.hour, lt.min);
		int cw = fonts_width(l->c->fonts, FONT_BOLD, BOARD_LIST_PX, hm);
		line(l, row, right - cw, cw, hm, FONT_BOLD, BOARD_LIST_PX, BOARD_LIST_PX, C_PANEL_TEXT, C_PANEL,
		     true);
		right -= cw + M;
	}
	if (lost && b->have)
		/* The mark (none before the first snapshot: the card says
		 * "connecting" then). */
		right = mark(l, row, right, ICON_CLOUD_OFF, T(l, "board.lost"));
	char help[160];
	if (help_text(l, lost, help, sizeof help) && l->c->w >= l->c->h)
		right = mark(l, row, right, ICON_NOTIFY, help);
	const char *office = b->have && b->snap.office[0] ? b->snap.office : T(l, "board.title");
	line(l, row, row.x, right - row.x, office, FONT_BOLD, BOARD_LIST_PX, BOARD_LIST_PX, C_PANEL_TEXT,
	     C_PANEL, false);
}

static void call_card(bl_t *l, ui_rect_t card, bool highlight)
{
	const board_t *b = l->c->b;
	color_role_t bg = highlight ? C_PRIMARY_BG : C_PANEL, fg = highlight ? C_PRIMARY_TEXT : C_PANEL_TEXT;
	draw_fill(l->dl, card, bg);
	/* A frame keeps the card a shape in the high-contrast theme too. */
	draw_border(l->dl, card, highlight ? C_FIELD_BORDER : C_BTN_BORDER, highlight ? 8 : 4);
	int x = card.x + PAD, w = card.w - 2 * PAD, y = card.y + PAD;
	if (!b->have || b->snap.ncalls == 0) {
		const char *s = T(l, b->have ? "board.no_calls" : "board.connecting");
		ui_text(&l->u, (ui_rect_t){x, y, w, card.h - 2 * PAD}, s, FONT_BOLD, BOARD_INVITE_PX, fg, bg,
			ALIGN_LEFT);
		return;
	}
	const board_call_t *k = &b->snap.calls[0];
	ui_rect_t r1 = {x, y, w, a11y_line(BOARD_INVITE_PX) - 12};
	line(l, r1, x, w, T(l, "board.invite"), FONT_BOLD, BOARD_INVITE_PX, BOARD_LIST_PX, fg, bg,
			false);
	y += r1.h;
	ui_rect_t r2 = {x, y, w, 356};
	line(l, r2, x, w, k->number, FONT_BOLD, BOARD_NUMBER_PX, BOARD_NUMBER_MIN_PX, fg, bg, false);
	y += r2.h;
	/* "→ Quầy 3": the arrow, then the counter's name (two lines at most). */
	char nb[BOARD_NAME_MAX + 32];
	const char *name = counter_name(l, k, nb, sizeof nb);
	const char *to = name;
	int avail_h = card.y + card.h - PAD - y;
	if (k->priority) {
		/* Star and word, at the bottom of the card. */
		const char *p = T(l, "board.priority");
		int pw = fonts_width(l->c->fonts, FONT_BOLD, BOARD_LIST_PX, p);
		int iw = fonts_have_icons(l->c->fonts) ? BOARD_LIST_PX + 8 : 0;
		int bw = pw + iw + 32;
		if (bw > w)
			bw = w;
		ui_rect_t tag = {x, card.y + card.h - PAD - BOARD_ROW_H, bw, BOARD_ROW_H};
		draw_fill(l->dl, tag, C_BANNER_BG);
		if (highlight)
			draw_border(l->dl, tag, C_BANNER_TEXT, 4);
		int tx = tag.x + 16;
		if (iw)
			tx += icon(l, tag, tx, ICON_STAR, BOARD_LIST_PX, C_BANNER_TEXT, C_BANNER_BG) + 8;
		line(l, tag, tx, tag.x + tag.w - 16 - tx, p, FONT_BOLD, BOARD_LIST_PX, BOARD_LIST_PX, C_BANNER_TEXT,
		     C_BANNER_BG, false);
		avail_h -= BOARD_ROW_H + 16;
	}
	bool icons = fonts_have_icons(l->c->fonts);
	int px = BOARD_COUNTER_PX;
	while (px > BOARD_LIST_PX &&
	       ui_text_height(&l->u, w - (icons ? px + 16 : 0), to, FONT_BOLD, px) > avail_h)
		px -= 4;
	int aw0 = icons ? px + 16 : 0;
	char cut[BOARD_NAME_MAX + 40];
	snprintf(cut, sizeof cut, "%s", to);
	if (ui_text_height(&l->u, w - aw0, cut, FONT_BOLD, px) > avail_h) {
		/* Too long even at the list size: cut with "…" until it fits. */
		size_t n = strlen(to);
		char head[BOARD_NAME_MAX + 32];
		snprintf(head, sizeof head, "%s", to);
		while (n > 0) {
			n -= text_last_len(head);
			head[n] = 0;
			snprintf(cut, sizeof cut, "%s…", head);
			if (ui_text_height(&l->u, w - aw0, cut, FONT_BOLD, px) <= avail_h)
				break;
		}
	}
	int aw = icon(l, (ui_rect_t){x, y, aw0, a11y_line(px)}, x, ICON_ARROW, px, fg, bg);
	if (aw)
		aw = aw0;
	ui_text(&l->u, (ui_rect_t){x + aw, y, w - aw, avail_h}, cut, FONT_BOLD, px, fg, bg, ALIGN_LEFT);
}

static void header(bl_t *l, ui_rect_t r, const char *key)
{
	line(l, r, r.x, r.w, T(l, key), FONT_REGULAR, BOARD_LIST_PX, BOARD_LIST_PX, C_TEXT_MUTED, C_BG, false);
}

static void recent(bl_t *l, ui_rect_t area)
{
	const board_t *b = l->c->b;
	ui_rect_t h = {area.x, area.y, area.w, BOARD_ROW_H};
	header(l, h, "board.recent");
	int y = area.y + BOARD_ROW_H;
	int numw = fonts_width(l->c->fonts, FONT_BOLD, BOARD_LIST_PX, "A000") + 24;
	int starw = fonts_have_icons(l->c->fonts) ? BOARD_LIST_PX + 8 : 0;
	for (int i = 1; b->have && i < b->snap.ncalls; i++) {
		if (y + BOARD_ROW_H > area.y + area.h)
			break;
		const board_call_t *k = &b->snap.calls[i];
		ui_rect_t row = {area.x, y, area.w, BOARD_ROW_H - 8};
		color_role_t bg = (i % 2) ? C_PANEL : C_BG, fg = (i % 2) ? C_PANEL_TEXT : C_TEXT;
		draw_fill(l->dl, row, bg);
		int x = row.x + 16, end = row.x + row.w - 16;
		x += line(l, row, x, numw, k->number, FONT_BOLD, BOARD_LIST_PX, BOARD_LIST_PX, fg, bg, false);
		x = row.x + 16 + numw;
		if (k->priority) {
			/* Star and word at the right end; the counter name before. */
			const char *p = T(l, "board.priority");
			int pw = fonts_width(l->c->fonts, FONT_BOLD, BOARD_LIST_PX, p);
			int tagw = pw + starw + 24;
			ui_rect_t tag = {end - tagw, row.y, tagw + 16, row.h};
			draw_fill(l->dl, tag, C_BANNER_BG);
			int tx = tag.x + 12;
			if (starw)
				tx += icon(l, tag, tx, ICON_STAR, BOARD_LIST_PX, C_BANNER_TEXT, C_BANNER_BG) + 8;
			line(l, tag, tx, tag.x + tag.w - 16 - tx, p, FONT_BOLD, BOARD_LIST_PX, BOARD_LIST_PX,
			     C_BANNER_TEXT, C_BANNER_BG, false);
			end = tag.x - 16;
		}
		char nb[BOARD_NAME_MAX + 32];
		line(l, row, x, end - x, counter_name(l, k, nb, sizeof nb), FONT_REGULAR, BOARD_LIST_PX,
		     BOARD_LIST_PX, fg, bg, false);
		y += BOARD_ROW_H;
	}
	if (!b->have || b->snap.ncalls <= 1) {
		ui_rect_t row = {area.x, y, area.w, BOARD_ROW_H};
		line(l, row, row.x, row.w, T(l, "board.no_recent"), FONT_REGULAR, BOARD_LIST_PX, BOARD_LIST_PX,
		     C_TEXT_MUTED, C_BG, false);
	}
}

static void group_cell(bl_t *l, ui_rect_t cell, const board_group_t *g)
{
	draw_fill(l->dl, cell, C_PANEL);
	int x = cell.x + 12, end = cell.x + cell.w - 16;
	/* The letter in a solid box, the name, the count at the right. */
	int lw = fonts_width(l->c->fonts, FONT_BOLD, BOARD_LIST_PX, g->letter[0] ? g->letter : "?") + 32;
	ui_rect_t lb = {x, cell.y + 8, lw, cell.h - 16};
	draw_fill(l->dl, lb, C_PRIMARY_BG);
	line(l, lb, lb.x + 16, lw - 32, g->letter[0] ? g->letter : "?", FONT_BOLD, BOARD_LIST_PX, BOARD_LIST_PX,
	     C_PRIMARY_TEXT, C_PRIMARY_BG, false);
	x += lw + 16;
	char n[16];
	snprintf(n, sizeof n, "%d", g->waiting);
	int nw = line(l, cell, x, end - x, n, FONT_BOLD, BOARD_LIST_PX, BOARD_LIST_PX, C_PANEL_TEXT, C_PANEL,
		      true);
	end -= nw + 16;
	line(l, cell, x, end - x, g->name[l->c->lang][0] ? g->name[l->c->lang] : g->id, FONT_REGULAR,
	     BOARD_LIST_PX, BOARD_LIST_PX, C_PANEL_TEXT, C_PANEL, false);
}

static void groups(bl_t *l, ui_rect_t area, int cols)
{
	const board_t *b = l->c->b;
	ui_rect_t h = {area.x, area.y, area.w, BOARD_ROW_H};
	header(l, h, "board.waiting");
	int rows = (area.h - BOARD_ROW_H) / BOARD_ROW_H;
	int n = b->have ? b->snap.ngroups : 0;
	if (n == 0) {
		ui_rect_t row = {area.x, area.y + BOARD_ROW_H, area.w, BOARD_ROW_H};
		if (rows > 0)
			line(l, row, row.x, row.w, T(l, "board.no_groups"), FONT_REGULAR, BOARD_LIST_PX, BOARD_LIST_PX,
			     C_TEXT_MUTED, C_BG, false);
		return;
	}
	int cap = rows * cols;
	int total = n + b->snap.more_groups;
	int shown = total > cap ? cap - 1 : n;
	int cw = (area.w - (cols - 1) * 16) / cols;
	for (int i = 0; i < shown + (total > cap ? 1 : 0) && i < cap; i++) {
		int r = i / cols, col = i % cols;
		ui_rect_t cell = {area.x + col * (cw + 16), area.y + BOARD_ROW_H * (r + 1), cw, BOARD_ROW_H - 8};
		if (i < shown) {
			group_cell(l, cell, &b->snap.groups[i]);
		} else {
			char m[16], s[128];
			snprintf(m, sizeof m, "%d", total - shown);
			i18n_format(s, sizeof s, T(l, "board.more_groups"), "n", m, NULL);
			line(l, cell, cell.x + 12, cell.w - 24, s, FONT_REGULAR, BOARD_LIST_PX, BOARD_LIST_PX,
			     C_TEXT_MUTED, C_BG, false);
		}
	}
}

void board_screen_build(drawlist_t *dl, const board_screen_t *c)
{
	bl_t l = {.dl = dl, .c = c};
	a11y_compute(&l.a, 43.0, 1920, 1080, 100);
	l.u = (ui_t){.dl = dl, .fonts = c->fonts, .a = &l.a};
	draw_reset(dl, c->w, c->h);
	draw_fill(dl, (ui_rect_t){0, 0, c->w, c->h}, C_BG);
	bool lost = board_lost(c->b, c->now);
	top_bar(&l, lost);
	int top = TOP_H + 16, bottom = c->h - 24;
	char help[160];
	int card_h = 864;
	if (c->w < c->h && help_text(&l, lost, help, sizeof help)) {
		/* Portrait: the top bar has no room; a strip of its own, taken
		 * from the call card's spare height. */
		ui_rect_t row = {M, top, c->w - 2 * M, TOP_H - 16};
		mark(&l, row, row.x + row.w, ICON_NOTIFY, help);
		top += TOP_H;
		card_h -= TOP_H;
	}
	ui_rect_t card, rec, grp;
	if (c->w >= c->h) {
		int cw = c->w * 40 / 100;
		card = (ui_rect_t){M, top, cw, bottom - top};
		int rx = M + cw + M, rw = c->w - rx - M;
		int rh = BOARD_ROW_H * 6;
		rec = (ui_rect_t){rx, top, rw, rh};
		grp = (ui_rect_t){rx, top + rh + 16, rw, bottom - (top + rh + 16)};
	} else {
		card = (ui_rect_t){M, top, c->w - 2 * M, card_h};
		int ry = top + card_h + 16;
		rec = (ui_rect_t){M, ry, c->w - 2 * M, BOARD_ROW_H * 6};
		int gy = ry + BOARD_ROW_H * 6 + 16;
		grp = (ui_rect_t){M, gy, c->w - 2 * M, bottom - gy};
	}
	call_card(&l, card, board_highlight(c->b, c->now));
	recent(&l, rec);
	groups(&l, grp, 2);
}
