/* font.h - the UI fonts (Noto Sans Regular/Bold, DejaVu Sans as fallback),
 * opened once per size and kept. Measuring is what layout needs; the
 * renderer draws with the same TTF_Font objects. */
#ifndef FONT_H
#define FONT_H

#include <stddef.h>
#include <SDL_ttf.h>

#include "draw.h"

typedef struct fonts fonts_t;

/* Open the font files under <assets>/fonts. TTF_Init must have been called.
 * On failure err names the missing or unreadable file. */
int fonts_open(const char *assets_dir, fonts_t **out, char *err, size_t errlen);
void fonts_close(fonts_t *f);

/* The font at a pixel size (opened on first use, then cached); NULL if the
 * size could not be opened. Owned by fonts_t. */
TTF_Font *fonts_get(fonts_t *f, font_id_t id, int px);

/* Width in pixels of text at that font and size (0 on error). */
int fonts_width(fonts_t *f, font_id_t id, int px, const char *text);

/* Path of the file used for a font id. */
const char *fonts_path(const fonts_t *f, font_id_t id);

#endif
