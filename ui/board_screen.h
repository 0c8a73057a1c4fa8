/* board_screen.h - draws the wall board (kiosk --board URL) from the board
 * state of flow/board: office and clock, the newest call very large, the
 * last calls, waiting per group, and the "lost" mark. Sizes are fixed in
 * pixels for a 43" 1080p TV seen from 8 m (docs/office-queue.md, "Board");
 * the layout test checks them in millimetres. */
#ifndef BOARD_SCREEN_H
#define BOARD_SCREEN_H

#include <stdint.h>

#include "core/i18n.h"
#include "core/lang.h"
#include "flow/board.h"
#include "ui/draw.h"
#include "ui/font.h"
#include "ui/theme.h"

/* Font sizes (px) on a 43" 1920x1080 panel (0.496 mm a pixel). */
#define BOARD_NUMBER_PX 260     /* the called number: cap height ~93 mm */
#define BOARD_NUMBER_MIN_PX 200 /* a long number may shrink to this (~71 mm) */
#define BOARD_COUNTER_PX 120    /* "→ Quầy 3" in the call card */
#define BOARD_INVITE_PX 96      /* "Mời số" */
#define BOARD_LIST_PX 68        /* every other text: cap height ~24 mm */
#define BOARD_ROW_H 96          /* a list row (the font's ascent+descent fits) */

typedef struct {
	const board_t *b;
	const i18n_t *tr;
	fonts_t *fonts;
	lang_t lang;
	theme_id_t theme;
	int64_t now;            /* mono ms, for lost and highlight */
	int64_t local_ms;       /* the board's own wall clock (UTC ms), 0 = untrusted */
	int w, h;               /* logical (upright) size */
} board_screen_t;

void board_screen_build(drawlist_t *dl, const board_screen_t *c);

#endif
