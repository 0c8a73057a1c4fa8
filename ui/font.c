/* font.c - opens the shipped fonts at the sizes the layout asks for and
 * caches them (a handful of sizes per screen, so a small table suffices). */
#include "font.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kiosk.h"

#define FONT_CACHE 48

struct fonts {
	char path[FONT_COUNT][512];
	struct {
		font_id_t id;
		int px;
		TTF_Font *font;
	} cache[FONT_CACHE];
	int n;
};

static const char *const primary[FONT_COUNT] = {"NotoSans-Regular.ttf", "NotoSans-Bold.ttf"};
static const char *const fallback[FONT_COUNT] = {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf"};

int fonts_open(const char *assets_dir, fonts_t **out, char *err, size_t errlen)
{
	*out = NULL;
	fonts_t *f = calloc(1, sizeof *f);
	if (!f)
		return KIOSK_ENOMEM;
	for (int i = 0; i < FONT_COUNT; i++) {
		snprintf(f->path[i], sizeof f->path[i], "%s/fonts/%s", assets_dir, primary[i]);
		if (access(f->path[i], R_OK) != 0)
			snprintf(f->path[i], sizeof f->path[i], "%s/fonts/%s", assets_dir, fallback[i]);
		TTF_Font *probe = TTF_OpenFont(f->path[i], 40);
		if (!probe) {
			snprintf(err, errlen, "%s/fonts/%s: cannot open font (%s)", assets_dir,
				 primary[i], TTF_GetError());
			free(f);
			return KIOSK_ENOENT;
		}
		TTF_CloseFont(probe);
	}
	*out = f;
	return KIOSK_OK;
}

void fonts_close(fonts_t *f)
{
	if (!f)
		return;
	for (int i = 0; i < f->n; i++)
		TTF_CloseFont(f->cache[i].font);
	free(f);
}

TTF_Font *fonts_get(fonts_t *f, font_id_t id, int px)
{
	for (int i = 0; i < f->n; i++)
		if (f->cache[i].id == id && f->cache[i].px == px)
			return f->cache[i].font;
	TTF_Font *font = TTF_OpenFont(f->path[id], px);
	if (!font)
		return NULL;
	TTF_SetFontHinting(font, TTF_HINTING_LIGHT);
	if (f->n == FONT_CACHE) {
		/* Drop the oldest size; sizes are few, so this is rare. */
		TTF_CloseFont(f->cache[0].font);
		memmove(&f->cache[0], &f->cache[1], sizeof f->cache[0] * (FONT_CACHE - 1));
		f->n--;
	}
	f->cache[f->n].id = id;
	f->cache[f->n].px = px;
	f->cache[f->n].font = font;
	f->n++;
	return font;
}

int fonts_width(fonts_t *f, font_id_t id, int px, const char *text)
{
	TTF_Font *font = fonts_get(f, id, px);
	int w = 0, h = 0;
	if (!font || !text || !*text)
		return 0;
	if (TTF_SizeUTF8(font, text, &w, &h) != 0)
		return 0;
	return w;
}

const char *fonts_path(const fonts_t *f, font_id_t id)
{
	return f->path[id];
}
