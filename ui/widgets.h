/* widgets.h - layout helpers that emit draw commands: wrapped text, buttons,
 * rows of buttons that flow onto more lines when text is large. All sizes
 * come from the a11y table; all colours from theme roles. */
#ifndef WIDGETS_H
#define WIDGETS_H

#include <stdbool.h>

#include "ui/a11y.h"
#include "ui/draw.h"
#include "ui/font.h"

typedef struct {
	drawlist_t *dl;
	fonts_t *fonts;
	const a11y_t *a;
	const char *pressed;   /* id of the target under a finger, or NULL */
} ui_t;

typedef enum { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT } ui_align_t;

/* Height that text needs when wrapped into width w. */
int ui_text_height(ui_t *u, int w, const char *text, font_id_t f, int px);

/* Draw wrapped text into box (top-aligned); returns the height used. Lines
 * that do not fit the box are still emitted (the layout checks report them). */
int ui_text(ui_t *u, ui_rect_t box, const char *text, font_id_t f, int px, color_role_t fg,
	    color_role_t bg, ui_align_t align);

/* Natural width of a button for a label (text + padding), at least the
 * minimum target size. */
int ui_button_width(ui_t *u, const char *label, int px);

/* Height a button of width w needs for its (wrapped) label. */
int ui_button_height(ui_t *u, int w, const char *label, int px, int min_h);

/* Label size of a button: keys with one character use the title size. */
int ui_label_px(const ui_t *u, const char *label, int flags);

/* A button: background, border, centred wrapped label, and its target. */
void ui_button(ui_t *u, ui_rect_t r, const char *id, const char *label, int flags);

/* The bottom bar of a w x h screen: "back" (back_label, may be NULL) on the
 * left and the forward action (fwd_id/fwd_label, may be NULL) on the right,
 * outside the menu corners and far apart. Returns the bar's top y. */
int ui_bottom_bar(ui_t *u, int w, int h, const char *back_label, const char *fwd_id,
		  const char *fwd_label);

typedef struct {
	const char *id;
	const char *label;
	int flags;
} ui_item_t;

/* Lay buttons left to right in area (wrapping to more rows as needed),
 * right-aligned when align is ALIGN_RIGHT. Returns the height used. */
int ui_button_row(ui_t *u, ui_rect_t area, const ui_item_t *items, int n, ui_align_t align,
		  int min_h);

#endif
