/* font.h - the UI fonts (Noto Sans Regular/Bold, DejaVu Sans as fallback),
 * opened once per size and kept. Measuring is what layout needs; the
 * renderer draws with the same TTF_Font objects. */
#ifndef FONT_H
#define FONT_H

#include <stdbool.h>
#include <stddef.h>
#include <SDL_ttf.h>

#include "ui/draw.h"

typedef struct fonts fonts_t;

/* The queue number's size on the ticket (dots, 80 mm paper). */
#define FONTS_NUMBER_PX 160

/* Verify <assets>/fonts/<name>: its SHA-256 is the one listed in
 * fonts/SHA256SUMS, and it draws (digits and series letters at the ticket's
 * number sizes with ink and a sane width; Vietnamese letters). TTF_Init must
 * have been called. err says what is wrong ("fonts/NAME: damaged ..."). */
int fonts_verify(const char *assets_dir, const char *name, char *err, size_t errlen);

/* The pictogram font (Material Icons, fonts-material-design-icons-iconfont). */
#define FONTS_ICON_FILE "MaterialIcons-Regular.ttf"

/* Verify the pictogram font: listed in fonts/SHA256SUMS with its sum, and
 * every icon the catalog may name (catalog_icon_name) draws. */
int fonts_verify_icons(const char *assets_dir, char *err, size_t errlen);

/* Open the font files under <assets>/fonts. TTF_Init must have been called.
 * Each primary font is verified (fonts_verify); one that fails is replaced by
 * its DejaVu fallback and the problem is kept (fonts_problem); a pictogram font
 * that fails is kept as a problem too and the icons are left out. Fails, with
 * err naming the file, only when a text font and its fallback both fail. */
int fonts_open(const char *assets_dir, fonts_t **out, char *err, size_t errlen);
/* fonts_open, remembering in the file verified (a data folder's
 * "fonts.verified"; NULL: none) the sums of the fonts whose glyph checks
 * passed with these libraries, so that the next start only compares their
 * sums with SHA256SUMS (font.c says why that suffices). A cache that cannot
 * be read or written costs only the checks. */
int fonts_open_cached(const char *assets_dir, const char *verified, fonts_t **out, char *err,
		      size_t errlen);

/* Whether pictograms can be drawn (the icon font verified). Screens leave
 * the icons out otherwise; the layout is the same as without an icon. */
bool fonts_have_icons(const fonts_t *f);

/* The first font problem found by fonts_open ("" when every primary font
 * verified); *file (if not NULL) gets the font's file name. Owned by f. */
const char *fonts_problem(const fonts_t *f, const char **file);
void fonts_close(fonts_t *f);

/* The font at a pixel size (opened on first use); NULL if the size could
 * not be set. Owned by fonts_t, and at that size until the next fonts_get
 * of the same id: use it at once, do not keep it. */
TTF_Font *fonts_get(fonts_t *f, font_id_t id, int px);

/* Width in pixels of text at that font and size (0 on error). */
int fonts_width(fonts_t *f, font_id_t id, int px, const char *text);

/* Path of the file used for a font id. */
const char *fonts_path(const fonts_t *f, font_id_t id);

#endif
