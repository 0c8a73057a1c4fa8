/* keyboard.h - the on-screen keyboards: Vietnamese letters with mark and
 * tone buttons and a row of digits (the default), the same keys typed as
 * Telex or VNI, and a 12-key numeric keypad. Keys are targets "key-<c>",
 * "mark-*", "tone-*". */
#ifndef KEYBOARD_H
#define KEYBOARD_H

#include <stdbool.h>

#include "core/i18n.h"
#include "domain/ime.h"
#include "flow/session.h"
#include "ui/widgets.h"

typedef struct {
	ui_t *u;
	const i18n_t *tr;
	lang_t lang;
	kb_mode_t mode;
	ime_method_t phys;     /* physical keyboard method, shown on its toggle */
	bool numeric_only;     /* a number field: the keypad without "kb-mode" */
} keyboard_ctx_t;

/* Lay the keyboard out in area (keys never shrink below the a11y sizes;
 * rows hold at most 8 keys in portrait). Returns the height used. Targets:
 * "key-<c>" (a-z, 0-9), "kb-mode" (letters <-> keypad), "kb-method"
 * (on-screen typing style), "kb-phys" (physical keyboard method). */
int keyboard_build(keyboard_ctx_t *k, ui_rect_t area);

/* The height (and, if width is not NULL, the width of the keys) the
 * keyboard would take in area, drawing nothing. */
int keyboard_measure(keyboard_ctx_t *k, ui_rect_t area, int *width);

#endif
