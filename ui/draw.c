/* draw.c - building the per-frame draw list (no allocation, fixed pools). */
#include "ui/draw.h"

#include <string.h>

void draw_reset(drawlist_t *dl, int w, int h)
{
	dl->w = w;
	dl->h = h;
	dl->n = 0;
	dl->used = 0;
	dl->overflow = false;
}

const char *draw_str(drawlist_t *dl, const char *s)
{
	if (!s)
		return NULL;
	size_t len = strlen(s) + 1;
	if (dl->used + len > DRAW_ARENA) {
		dl->overflow = true;
		return "";
	}
	char *p = dl->arena + dl->used;
	memcpy(p, s, len);
	dl->used += len;
	return p;
}

dc_t *draw_push(drawlist_t *dl, dc_kind_t kind, ui_rect_t r)
{
	static dc_t sink;
	if (dl->n >= DRAW_MAX_CMDS) {
		dl->overflow = true;
		memset(&sink, 0, sizeof sink);
		return &sink;
	}
	dc_t *c = &dl->cmds[dl->n++];
	memset(c, 0, sizeof *c);
	c->kind = kind;
	c->r = r;
	return c;
}

void draw_fill(drawlist_t *dl, ui_rect_t r, color_role_t c)
{
	draw_push(dl, DC_FILL, r)->fg = c;
}

void draw_border(drawlist_t *dl, ui_rect_t r, color_role_t c, int width)
{
	dc_t *d = draw_push(dl, DC_BORDER, r);
	d->fg = c;
	d->border_w = width;
}

void draw_text_line(drawlist_t *dl, ui_rect_t box, ui_rect_t clip, const char *text,
		    font_id_t font, int px, color_role_t fg, color_role_t bg)
{
	dc_t *d = draw_push(dl, DC_TEXT, box);
	d->clip = clip;
	d->text = draw_str(dl, text);
	d->font = font;
	d->px = px;
	d->fg = fg;
	d->bg = bg;
}

void draw_qr(drawlist_t *dl, ui_rect_t r, const char *payload)
{
	dc_t *d = draw_push(dl, DC_QR, r);
	d->text = draw_str(dl, payload);
	d->fg = C_QR_DARK;
	d->bg = C_QR_LIGHT;
}

void draw_target(drawlist_t *dl, ui_rect_t r, const char *id, const char *label, int flags)
{
	dc_t *d = draw_push(dl, DC_TARGET, r);
	d->text = draw_str(dl, id);
	d->label = draw_str(dl, label ? label : "");
	d->flags = flags;
}

const dc_t *draw_hit(const drawlist_t *dl, int x, int y)
{
	for (int i = dl->n - 1; i >= 0; i--) {
		const dc_t *c = &dl->cmds[i];
		if (c->kind == DC_TARGET && !(c->flags & TGT_DISABLED) && rect_contains(c->r, x, y))
			return c;
	}
	return NULL;
}

const dc_t *draw_find_target(const drawlist_t *dl, const char *id)
{
	for (int i = 0; i < dl->n; i++) {
		const dc_t *c = &dl->cmds[i];
		if (c->kind == DC_TARGET && strcmp(c->text, id) == 0)
			return c;
	}
	return NULL;
}
