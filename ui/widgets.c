/* widgets.c - word wrapping and buttons on top of the draw list. Text is
 * wrapped at spaces (Vietnamese is written with spaces between syllables);
 * a word wider than the box is broken between code points. */
#include "ui/widgets.h"

#include <string.h>

#include "core/text.h"

#define LINE_MAX_BYTES 512

/* Next wrapped line of s starting at *pos, fitting w: copied into line. */
static bool next_line(ui_t *u, const char *s, size_t *pos, int w, font_id_t f, int px,
		      char *line)
{
	size_t len = strlen(s);
	size_t i = *pos;
	while (i < len && s[i] == ' ')
		i++;
	if (i >= len)
		return false;
	size_t best = 0; /* bytes of the longest fitting prefix ending at a word end */
	size_t j = i;
	for (;;) {
		size_t k = j;
		while (k < len && s[k] != ' ' && s[k] != '\n')
			k++;
		size_t n = k - i;
		if (n >= LINE_MAX_BYTES)
			break;
		memcpy(line, s + i, n);
		line[n] = '\0';
		if (fonts_width(u->fonts, f, px, line) > w)
			break;
		best = n;
		if (k >= len || s[k] == '\n')
			break;
		j = k + 1;
	}
	if (best == 0) {
		/* One word wider than the box: cut it between code points. */
		size_t k = i, last = i;
		while (k < len && s[k] != ' ' && s[k] != '\n' && k - i < LINE_MAX_BYTES - 4) {
			size_t t = k;
			if (text_next(s, len, &t) < 0)
				t = k + 1;
			memcpy(line, s + i, t - i);
			line[t - i] = '\0';
			if (fonts_width(u->fonts, f, px, line) > w && last > i)
				break;
			last = t;
			k = t;
		}
		best = last - i;
		if (best == 0)
			best = 1;
	}
	memcpy(line, s + i, best);
	line[best] = '\0';
	i += best;
	if (i < len && s[i] == '\n')
		i++;
	*pos = i;
	return true;
}

int ui_text_height(ui_t *u, int w, const char *text, font_id_t f, int px)
{
	char line[LINE_MAX_BYTES];
	size_t pos = 0;
	int lines = 0;
	while (next_line(u, text, &pos, w, f, px, line))
		lines++;
	return lines * a11y_line(px);
}

int ui_text(ui_t *u, ui_rect_t box, const char *text, font_id_t f, int px, color_role_t fg,
	    color_role_t bg, ui_align_t align)
{
	char line[LINE_MAX_BYTES];
	size_t pos = 0;
	int y = box.y;
	int lh = a11y_line(px);
	while (next_line(u, text, &pos, box.w, f, px, line)) {
		int tw = fonts_width(u->fonts, f, px, line);
		int x = box.x;
		if (align == ALIGN_CENTER)
			x = box.x + (box.w - tw) / 2;
		else if (align == ALIGN_RIGHT)
			x = box.x + box.w - tw;
		ui_rect_t lb = {x, y, tw, lh};
		draw_text_line(u->dl, lb, box, line, f, px, fg, bg);
		y += lh;
	}
	return y - box.y;
}

static int pad(ui_t *u) { return u->a->gap * 3 / 2; }

int ui_label_px(const ui_t *u, const char *label, int flags)
{
	/* Single characters on keys are drawn at title size; words at button
	 * size (a code point of Vietnamese is at most 3 bytes). */
	bool one_char = label[0] && strlen(label) <= 3 && text_count(label) == 1;
	return (flags & (TGT_KEY | TGT_NUMKEY)) && one_char ? u->a->title_px : u->a->button_px;
}

int ui_button_width(ui_t *u, const char *label, int px)
{
	int w = fonts_width(u->fonts, FONT_BOLD, px, label) + 2 * pad(u);
	return w < u->a->target_px ? u->a->target_px : w;
}

int ui_button_height(ui_t *u, int w, const char *label, int px, int min_h)
{
	int h = ui_text_height(u, w - 2 * pad(u), label, FONT_BOLD, px) + pad(u);
	if (h < min_h)
		h = min_h;
	return h < u->a->target_px ? u->a->target_px : h;
}

void ui_button(ui_t *u, ui_rect_t r, const char *id, const char *label, int flags)
{
	bool pressed = u->pressed && strcmp(u->pressed, id) == 0;
	bool primary = flags & TGT_PRIMARY;
	color_role_t bg = pressed ? C_PRESSED_BG : primary ? C_PRIMARY_BG : C_BTN_BG;
	color_role_t fg = pressed ? C_PRESSED_TEXT : primary ? C_PRIMARY_TEXT : C_BTN_TEXT;
	draw_fill(u->dl, r, bg);
	draw_border(u->dl, r, C_BTN_BORDER, u->a->gap / 4 + 1);
	/* Single characters on keys are drawn at title size; words at button
	 * size (a code point of Vietnamese is at most 3 bytes). */
	int px = ui_label_px(u, label, flags);
	/* Keys are small fixed targets: a narrow inner margin. */
	int p = (flags & (TGT_KEY | TGT_NUMKEY)) ? u->a->gap / 2 : pad(u);
	int inner_w = r.w - 2 * p;
	if (inner_w < 8)
		inner_w = r.w;
	int th = ui_text_height(u, inner_w, label, FONT_BOLD, px);
	ui_rect_t tb = {r.x + (r.w - inner_w) / 2, r.y + (r.h - th) / 2, inner_w, th};
	if (tb.y < r.y)
		tb.y = r.y;
	/* The text must stay inside the button: clip box is the button. */
	int first = u->dl->n;
	ui_text(u, tb, label, FONT_BOLD, px, fg, bg, ALIGN_CENTER);
	for (int i = first; i < u->dl->n; i++)
		u->dl->cmds[i].clip = r;
	draw_target(u->dl, r, id, label, flags);
}

int ui_button_row(ui_t *u, ui_rect_t area, const ui_item_t *items, int n, ui_align_t align,
		  int min_h)
{
	int gap = u->a->gap;
	int px = u->a->button_px;
	int y = area.y;
	int i = 0;
	while (i < n) {
		/* Take as many items as fit on this row. */
		int row_w = 0, j = i;
		while (j < n) {
			int bw = ui_button_width(u, items[j].label, px);
			if (bw > area.w)
				bw = area.w;
			int add = (j > i ? gap : 0) + bw;
			if (j > i && row_w + add > area.w)
				break;
			row_w += add;
			j++;
		}
		int row_h = 0;
		for (int k = i; k < j; k++) {
			int bw = ui_button_width(u, items[k].label, px);
			if (bw > area.w)
				bw = area.w;
			int bh = ui_button_height(u, bw, items[k].label, px, min_h);
			if (bh > row_h)
				row_h = bh;
		}
		int x = align == ALIGN_RIGHT ? area.x + area.w - row_w
			: align == ALIGN_CENTER ? area.x + (area.w - row_w) / 2 : area.x;
		for (int k = i; k < j; k++) {
			int bw = ui_button_width(u, items[k].label, px);
			if (bw > area.w)
				bw = area.w;
			ui_button(u, (ui_rect_t){x, y, bw, row_h}, items[k].id, items[k].label,
				  items[k].flags);
			x += bw + gap;
		}
		y += row_h + gap;
		i = j;
	}
	return n ? y - area.y - gap : 0;
}

int ui_bottom_bar(ui_t *u, int w, int h, const char *back_label, const char *fwd_id,
		  const char *fwd_label)
{
	const a11y_t *a = u->a;
	int x0 = a->corner + a->gap;
	int half = (w - 2 * x0 - a->back_gap) / 2;
	int bw = back_label ? ui_button_width(u, back_label, a->button_px) : 0;
	int fw = fwd_label ? ui_button_width(u, fwd_label, a->button_px) : 0;
	if (fw < a->primary_w)
		fw = a->primary_w;
	if (bw > half)
		bw = half;
	if (fw > half)
		fw = half;
	int bh = a->primary_h;
	if (back_label) {
		int t = ui_button_height(u, bw, back_label, a->button_px, bh);
		bh = t > bh ? t : bh;
	}
	if (fwd_label) {
		int t = ui_button_height(u, fw, fwd_label, a->button_px, bh);
		bh = t > bh ? t : bh;
	}
	int y = h - a->margin - bh;
	if (back_label)
		ui_button(u, (ui_rect_t){x0, y, bw, bh}, "back", back_label, TGT_BACK);
	if (fwd_label)
		ui_button(u, (ui_rect_t){w - x0 - fw, y, fw, bh}, fwd_id, fwd_label, TGT_PRIMARY);
	return y;
}
