/* draw.h - the draw list: what a screen builder produces and the renderer
 * executes, command by command. Layout checks run on this same list, so
 * what is checked is what is drawn. Hit areas are commands too.
 *
 * Strings are copied into the list's arena; a list is reset per frame and
 * never allocates after creation. */
#ifndef DRAW_H
#define DRAW_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/theme.h"

#define DRAW_MAX_CMDS 768
#define DRAW_ARENA 65536

typedef struct { int x, y, w, h; } ui_rect_t;

typedef enum {
	DC_FILL,    /* filled rectangle: fg */
	DC_BORDER,  /* rectangle outline: fg, border_w */
	DC_TEXT,    /* one line of text: text, font, px, fg on bg; r = line box */
	DC_QR,      /* QR code of text with quiet zone, in r (square) */
	DC_TARGET,  /* touch target: text = id, label = visible label */
} dc_kind_t;

typedef enum {
	FONT_REGULAR, FONT_BOLD,
	FONT_COUNT,             /* the text fonts above; FONT_ICON has no letters */
	FONT_ICON = FONT_COUNT, /* pictograms (Material Icons), one glyph per DC_TEXT */
} font_id_t;

enum {
	TGT_PRIMARY = 1 << 0,  /* forward action (>= primary height) */
	TGT_BACK = 1 << 1,     /* back / cancel */
	TGT_KEY = 1 << 2,      /* keyboard key (own repeat window) */
	TGT_NUMKEY = 1 << 3,   /* numeric keypad key */
	TGT_DISABLED = 1 << 4, /* drawn, not active */
	TGT_CHOICE = 1 << 5,   /* a content choice (counts against <= 6) */
};

typedef struct {
	dc_kind_t kind;
	ui_rect_t r;
	ui_rect_t clip;        /* DC_TEXT: the box the text must stay inside */
	color_role_t fg, bg;
	font_id_t font;
	int px;                /* font size in pixels */
	int border_w;
	int flags;             /* DC_TARGET: TGT_* */
	const char *text;
	const char *label;
} dc_t;

typedef struct {
	int w, h;              /* logical screen size */
	dc_t cmds[DRAW_MAX_CMDS];
	int n;
	char arena[DRAW_ARENA];
	size_t used;
	bool overflow;         /* a command or string did not fit (a bug) */
} drawlist_t;

void draw_reset(drawlist_t *dl, int w, int h);
/* Copy a string into the arena; returns "" on overflow (and flags it). */
const char *draw_str(drawlist_t *dl, const char *s);
dc_t *draw_push(drawlist_t *dl, dc_kind_t kind, ui_rect_t r);

void draw_fill(drawlist_t *dl, ui_rect_t r, color_role_t c);
void draw_border(drawlist_t *dl, ui_rect_t r, color_role_t c, int width);
void draw_text_line(drawlist_t *dl, ui_rect_t box, ui_rect_t clip, const char *text,
		    font_id_t font, int px, color_role_t fg, color_role_t bg);
void draw_qr(drawlist_t *dl, ui_rect_t r, const char *payload);
void draw_target(drawlist_t *dl, ui_rect_t r, const char *id, const char *label, int flags);

/* The topmost enabled target containing (x, y), or NULL. */
const dc_t *draw_hit(const drawlist_t *dl, int x, int y);
/* Target by id, or NULL. */
const dc_t *draw_find_target(const drawlist_t *dl, const char *id);

static inline bool rect_contains(ui_rect_t r, int x, int y)
{
	return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}
static inline bool rect_inside(ui_rect_t in, ui_rect_t out)
{
	return in.x >= out.x && in.y >= out.y && in.x + in.w <= out.x + out.w &&
	       in.y + in.h <= out.y + out.h;
}
static inline bool rect_overlap(ui_rect_t a, ui_rect_t b)
{
	return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

#endif
