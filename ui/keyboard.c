/* keyboard.c - lays out the on-screen keyboards. Letters are alphabetical
 * (easier to find for people who never used a keyboard) below a row of
 * digits, so "Tổ 5" needs no mode switch; the mark and tone buttons sit in
 * their own row; space and backspace are wide. A number field gets only the
 * keypad, with no key to letters. */
#include "ui/keyboard.h"

#include <stdio.h>
#include <string.h>

typedef struct {
	const char *id;
	const char *label;
	int span;              /* width in key units */
	int flags;
} key_t_;

static const char *T(const keyboard_ctx_t *k, const char *key)
{
	return i18n_get(k->tr, k->lang, key);
}

/* Lay out keys in rows of at most per_row units; returns the height. */
static int rows(keyboard_ctx_t *k, ui_rect_t area, const key_t_ *keys, int n, int per_row,
		int size)
{
	const a11y_t *a = k->u->a;
	int unit = size + a->gap;
	if (per_row * unit - a->gap > area.w)
		per_row = (area.w + a->gap) / unit;
	int y = area.y, i = 0;
	while (i < n) {
		int units = 0, j = i;
		while (j < n && keys[j].id && units + keys[j].span <= per_row)
			units += keys[j++].span;
		if (j == i && keys[j].id)
			j = i + 1;
		int row_w = units * unit - a->gap;
		int x = area.x + (area.w - row_w) / 2;
		int h = size;
		for (int m = i; m < j; m++) {
			int w = keys[m].span * unit - a->gap;
			int px = ui_label_px(k->u, keys[m].label, keys[m].flags | TGT_KEY);
			int bh = ui_text_height(k->u, w - a->gap, keys[m].label, FONT_BOLD, px) + a->gap;
			if (bh > h)
				h = bh;
		}
		for (int m = i; m < j; m++) {
			int w = keys[m].span * unit - a->gap;
			ui_button(k->u, (ui_rect_t){x, y, w, h}, keys[m].id, keys[m].label, keys[m].flags);
			x += w + a->gap;
		}
		if (j > i)
			y += h + a->gap;
		i = j;
		while (i < n && !keys[i].id)
			i++; /* a row break */
	}
	return y - area.y;
}

static int keyboard_layout(keyboard_ctx_t *k, ui_rect_t area);

/* The typing-style key shows the style in use (like the physical keyboard's
 * key); the keyboard-mode key says what a tap does. */
static const char *const method_keys[] = {"kb.mode_letters", "kb.mode_telex", "kb.mode_vni",
					  "kb.mode_letters"};
static const char *const phys_keys[] = {"kb.phys_plain", "kb.phys_telex", "kb.phys_vni"};

int keyboard_build(keyboard_ctx_t *k, ui_rect_t area)
{
	/* Keys are fixed-size targets: their labels stay at the 100% text size
	 * (a single letter is already drawn at title size), so the keyboard
	 * fits the same space in large-text mode. */
	a11y_t a100 = *k->u->a;
	if (a100.scale_pct != 100) {
		a11y_t t = a100;
		t.body_px = a100.body_px * 100 / a100.scale_pct;
		t.small_px = a100.small_px * 100 / a100.scale_pct;
		t.title_px = a100.title_px * 100 / a100.scale_pct;
		t.button_px = a100.button_px * 100 / a100.scale_pct;
		t.scale_pct = 100;
		a100 = t;
	}
	ui_t u100 = *k->u;
	u100.a = &a100;
	ui_t *saved = k->u;
	k->u = &u100;
	int used = keyboard_layout(k, area);
	k->u = saved;
	return used;
}

int keyboard_measure(keyboard_ctx_t *k, ui_rect_t area, int *width)
{
	static drawlist_t scratch;
	draw_reset(&scratch, area.x + area.w, area.y + area.h);
	ui_t u = *k->u;
	u.dl = &scratch;
	u.pressed = NULL;
	ui_t *saved = k->u;
	k->u = &u;
	int h = keyboard_build(k, area);
	k->u = saved;
	int x0 = area.x + area.w, x1 = area.x;
	for (int i = 0; i < scratch.n; i++)
		if (scratch.cmds[i].kind == DC_TARGET) {
			const ui_rect_t *r = &scratch.cmds[i].r;
			if (r->x < x0)
				x0 = r->x;
			if (r->x + r->w > x1)
				x1 = r->x + r->w;
		}
	if (width)
		*width = x1 > x0 ? x1 - x0 : 0;
	return h;
}

static int keyboard_layout(keyboard_ctx_t *k, ui_rect_t area)
{
	const a11y_t *a = k->u->a;
	bool portrait = area.w < 1400;
	key_t_ keys[72];
	int n = 0;
	static char ids[40][8], labels[40][4];
	key_t_ digit[10];
	for (int i = 0; i < 10; i++) {
		char c = (char)('0' + (i + 1) % 10); /* 1 ... 9, 0 */
		snprintf(ids[26 + i], sizeof ids[0], "key-%c", c);
		snprintf(labels[26 + i], sizeof labels[0], "%c", c);
		digit[i] = (key_t_){ids[26 + i], labels[26 + i], 1, TGT_KEY};
	}
	if (k->mode == KB_NUMERIC) {
		for (int i = 0; i < 9; i++)
			keys[n++] = (key_t_){digit[i].id, digit[i].label, 1, TGT_NUMKEY};
		/* A date, ID or phone field takes digits only (a date's slashes
		 * come with its mask): 0 and a wide delete key. A letter field on
		 * the keypad keeps "/" for house numbers ("12/5"). */
		if (!k->numeric_only)
			keys[n++] = (key_t_){"key-slash", "/", 1, TGT_NUMKEY};
		keys[n++] = (key_t_){digit[9].id, digit[9].label, 1, TGT_NUMKEY};
		keys[n++] = (key_t_){"key-backspace", T(k, "kb.backspace"), k->numeric_only ? 2 : 1,
				     TGT_NUMKEY};
		int size = a->numkey_px;
		int h = rows(k, (ui_rect_t){area.x, area.y, area.w, area.h}, keys, n, 3, size);
		if (k->numeric_only)
			return h; /* a number field: no way to letters */
		key_t_ mode = {"kb-mode", T(k, "kb.to_letters"), 1, 0};
		int mw = ui_button_width(k->u, mode.label, a->button_px);
		ui_rect_t mr = {area.x + area.w - mw, area.y, mw, a->target_px};
		if (!portrait && area.w - 3 * (size + a->gap) > 2 * mw)
			ui_button(k->u, mr, mode.id, mode.label, 0);
		else {
			mr.y = area.y + h;
			mr.x = area.x + (area.w - mw) / 2;
			ui_button(k->u, mr, mode.id, mode.label, 0);
			h += a->target_px + a->gap;
		}
		return h;
	}
	int size = a->key_px;
	static const char *const marks[][2] = {
		{"mark-circumflex", "kb.circumflex"}, {"mark-breve", "kb.breve"},
		{"mark-horn", "kb.horn"}, {"mark-dbar", "kb.dbar"},
		{"tone-grave", "kb.grave"}, {"tone-acute", "kb.acute"},
		{"tone-hook", "kb.hook"}, {"tone-tilde", "kb.tilde"},
		{"tone-dot", "kb.dot"},
	};
	key_t_ letter[26];
	for (int i = 0; i < 26; i++) {
		snprintf(ids[i], sizeof ids[i], "key-%c", 'a' + i);
		snprintf(labels[i], sizeof labels[i], "%c", 'a' + i);
		letter[i] = (key_t_){ids[i], labels[i], 1, TGT_KEY};
	}
	key_t_ mark[9];
	for (int i = 0; i < 9; i++)
		mark[i] = (key_t_){marks[i][0], T(k, marks[i][1]), i == 0 ? 2 : 1, TGT_KEY};
	key_t_ remove = {"mark-remove", T(k, "kb.remove_mark"), 2, TGT_KEY};
	key_t_ apos = {"key-apostrophe", "'", 1, TGT_KEY};
	key_t_ hyph = {"key-hyphen", "-", 1, TGT_KEY};
	key_t_ bksp = {"key-backspace", T(k, "kb.backspace"), 3, TGT_KEY};
	key_t_ space = {"key-space", T(k, "kb.space"), 3, TGT_KEY};
	key_t_ mode = {"kb-mode", T(k, "kb.to_numeric"), 3, TGT_KEY};
	key_t_ method = {"kb-method", T(k, method_keys[k->mode]), 3, TGT_KEY};
	key_t_ phys = {"kb-phys", T(k, phys_keys[k->phys]), 4, TGT_KEY};
	const key_t_ brk = {NULL, NULL, 0, 0};
	int per_row;
	if (portrait) {
		/* Eight units a row: the digits (9 and 0 with delete), a-x in
		 * three rows, y z with space and the mode key, the marks, the
		 * tones with the typing style, the physical keyboard's key when
		 * there is room. */
		per_row = 8;
		for (int i = 0; i < 10; i++)
			keys[n++] = digit[i];
		keys[n++] = apos;
		keys[n++] = hyph;
		bksp.span = 4;
		keys[n++] = bksp;
		for (int i = 0; i < 26; i++)
			keys[n++] = letter[i];
		keys[n++] = space;
		keys[n++] = mode;
		for (int i = 0; i < 4; i++)
			keys[n++] = mark[i];
		remove.span = 3;
		keys[n++] = remove;
		for (int i = 4; i < 9; i++)
			keys[n++] = mark[i];
		keys[n++] = method;
		keys[n++] = brk;
		if (area.h >= 9 * (size + a->gap))
			keys[n++] = phys;
	} else {
		/* Sixteen units a row: the digits with delete, a-m with space,
		 * n-z with the mode key, the marks and tones with the typing
		 * style; the physical keyboard's key when there is room. */
		per_row = 16;
		for (int i = 0; i < 10; i++)
			keys[n++] = digit[i];
		keys[n++] = apos;
		keys[n++] = hyph;
		keys[n++] = bksp;
		keys[n++] = brk;
		for (int i = 0; i < 13; i++)
			keys[n++] = letter[i];
		keys[n++] = space;
		for (int i = 13; i < 26; i++)
			keys[n++] = letter[i];
		keys[n++] = mode;
		for (int i = 0; i < 9; i++)
			keys[n++] = mark[i];
		keys[n++] = remove;
		keys[n++] = method;
		keys[n++] = brk;
		if (area.h >= 5 * (size + a->gap))
			keys[n++] = phys;
	}
	return rows(k, (ui_rect_t){area.x, area.y, area.w, area.h}, keys, n, per_row, size);
}
