/* screens.h - builds the draw list of the current screen from the session.
 * One function per screen; the same code serves the renderer, hit testing
 * and the layout checks. */
#ifndef SCREENS_H
#define SCREENS_H

#include "domain/catalog.h"
#include "domain/config.h"
#include "ui/draw.h"
#include "ui/font.h"
#include "core/i18n.h"
#include "flow/session.h"

typedef struct {
	const session_t *s;
	const struct menu *menu; /* the staff menus (flow/menu.h) drawn on their screens, or NULL */
	const catalog_t *cat;
	const config_t *cfg;
	const i18n_t *tr;
	fonts_t *fonts;
	const char *pressed;     /* target under a finger, or NULL */
	int w, h;                /* logical (upright) size */
	int page_size;           /* OUT: list items that fit a page */
} screen_ctx_t;

void screens_build(drawlist_t *dl, screen_ctx_t *c);

/* The theme a session asks for. */
theme_id_t screens_theme(const session_t *s);

#endif
