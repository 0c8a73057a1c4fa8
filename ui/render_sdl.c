/* render_sdl.c - the SDL side of drawing: rectangles, cached text textures
 * (anti-aliased, TTF_RenderUTF8_Blended) and QR codes from libqrencode with
 * a four-module quiet zone. Cache keys are the drawn strings, so they are
 * wiped (explicit_bzero) whenever they are dropped, and the whole cache is
 * dropped when a session ends (render_forget_session): a citizen's name
 * drawn on a screen does not outlive the session. */
#include "render.h"

#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SLOTS 512

typedef struct {
	uint64_t hash;
	char *key;              /* owned copy of the text */
	int kind, font, px;
	rgb_t fg;
	SDL_Texture *tex;
	int w, h;
	unsigned last_use;
} slot_t;

struct renderer {
	SDL_Renderer *sdl;
	fonts_t *fonts;
	slot_t slots[CACHE_SLOTS];
	unsigned frame;
	render_stats_t stats;
};

renderer_t *render_create(SDL_Renderer *sdl, fonts_t *fonts)
{
	renderer_t *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->sdl = sdl;
	r->fonts = fonts;
	return r;
}

/* Free a cache key: it may be a citizen's answer. */
static void free_key(char *key)
{
	if (key) {
		explicit_bzero(key, strlen(key));
		free(key);
	}
}

void render_flush(renderer_t *r)
{
	for (int i = 0; i < CACHE_SLOTS; i++) {
		if (r->slots[i].tex)
			SDL_DestroyTexture(r->slots[i].tex);
		free_key(r->slots[i].key);
		memset(&r->slots[i], 0, sizeof r->slots[i]);
	}
}

void render_forget_session(renderer_t *r)
{
	if (r)
		render_flush(r);
}

bool render_cache_holds(const renderer_t *r, const char *needle, size_t len)
{
	for (int i = 0; r && len && i < CACHE_SLOTS; i++) {
		const char *k = r->slots[i].key;
		if (k && memmem(k, strlen(k), needle, len))
			return true;
	}
	return false;
}

void render_destroy(renderer_t *r)
{
	if (!r)
		return;
	render_flush(r);
	free(r);
}

render_stats_t render_stats(const renderer_t *r) { return r->stats; }

static uint64_t fnv(const char *s, int kind, int font, int px, rgb_t c)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	uint64_t extra = ((uint64_t)kind << 56) ^ ((uint64_t)font << 48) ^ ((uint64_t)px << 32) ^
			 ((uint64_t)c.r << 16) ^ ((uint64_t)c.g << 8) ^ c.b;
	return (h ^ extra) * 1099511628211ULL;
}

static SDL_Texture *make_text(renderer_t *r, const char *text, int font, int px, rgb_t fg,
			      int *w, int *h)
{
	TTF_Font *f = fonts_get(r->fonts, (font_id_t)font, px);
	if (!f)
		return NULL;
	SDL_Color c = {fg.r, fg.g, fg.b, 255};
	SDL_Surface *s = TTF_RenderUTF8_Blended(f, text, c);
	if (!s)
		return NULL;
	SDL_Texture *t = SDL_CreateTextureFromSurface(r->sdl, s);
	*w = s->w;
	*h = s->h;
	SDL_FreeSurface(s);
	return t;
}

static SDL_Texture *make_qr(renderer_t *r, const char *payload, rgb_t dark, rgb_t light, int *w,
			    int *h)
{
	QRcode *q = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return NULL;
	int n = q->width + 8; /* 4-module quiet zone on each side */
	SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, n, n, 32, SDL_PIXELFORMAT_ARGB8888);
	if (!s) {
		QRcode_free(q);
		return NULL;
	}
	uint32_t d = SDL_MapRGB(s->format, dark.r, dark.g, dark.b);
	uint32_t l = SDL_MapRGB(s->format, light.r, light.g, light.b);
	for (int y = 0; y < n; y++) {
		uint32_t *px = (uint32_t *)((uint8_t *)s->pixels + y * s->pitch);
		for (int x = 0; x < n; x++) {
			int mx = x - 4, my = y - 4;
			bool on = mx >= 0 && my >= 0 && mx < q->width && my < q->width &&
				  (q->data[my * q->width + mx] & 1);
			px[x] = on ? d : l;
		}
	}
	QRcode_free(q);
	SDL_Texture *t = SDL_CreateTextureFromSurface(r->sdl, s);
	SDL_FreeSurface(s);
	*w = *h = n;
	return t;
}

/* Find or create the texture for one text or QR command. */
static slot_t *lookup(renderer_t *r, const dc_t *c, theme_id_t theme, bool use_cache,
		      slot_t *scratch)
{
	rgb_t fg = theme_color(theme, c->fg);
	int kind = c->kind;
	int font = kind == DC_QR ? 0 : (int)c->font;
	int px = kind == DC_QR ? 0 : c->px;
	if (kind == DC_QR)
		fg = theme_color(theme, C_QR_DARK);
	uint64_t h = fnv(c->text, kind, font, px, fg);
	if (use_cache) {
		int victim = 0;
		for (int i = 0; i < CACHE_SLOTS; i++) {
			slot_t *s = &r->slots[(h + (uint64_t)i) % CACHE_SLOTS];
			if (s->tex && s->hash == h && s->kind == kind && s->font == font &&
			    s->px == px && s->fg.r == fg.r && s->fg.g == fg.g && s->fg.b == fg.b &&
			    strcmp(s->key, c->text) == 0) {
				s->last_use = r->frame;
				r->stats.hits++;
				return s;
			}
			if (i < 8 && (!s->tex || s->last_use < r->slots[victim].last_use ||
				      !r->slots[victim].tex))
				victim = (int)((h + (uint64_t)i) % CACHE_SLOTS);
		}
		scratch = &r->slots[victim];
		if (scratch->tex)
			SDL_DestroyTexture(scratch->tex);
		free_key(scratch->key);
	}
	r->stats.misses++;
	memset(scratch, 0, sizeof *scratch);
	scratch->hash = h;
	scratch->kind = kind;
	scratch->font = font;
	scratch->px = px;
	scratch->fg = fg;
	scratch->last_use = r->frame;
	scratch->key = strdup(c->text);
	if (kind == DC_QR)
		scratch->tex = make_qr(r, c->text, fg, theme_color(theme, C_QR_LIGHT), &scratch->w,
				       &scratch->h);
	else
		scratch->tex = make_text(r, c->text, font, px, fg, &scratch->w, &scratch->h);
	return scratch;
}

static void set_color(SDL_Renderer *s, rgb_t c)
{
	SDL_SetRenderDrawColor(s, c.r, c.g, c.b, 255);
}

void render_draw(renderer_t *r, const drawlist_t *dl, theme_id_t theme, bool use_cache)
{
	r->frame++;
	for (int i = 0; i < dl->n; i++) {
		const dc_t *c = &dl->cmds[i];
		SDL_Rect rect = {c->r.x, c->r.y, c->r.w, c->r.h};
		switch (c->kind) {
		case DC_FILL:
			set_color(r->sdl, theme_color(theme, c->fg));
			SDL_RenderFillRect(r->sdl, &rect);
			break;
		case DC_BORDER:
			set_color(r->sdl, theme_color(theme, c->fg));
			for (int k = 0; k < c->border_w; k++) {
				SDL_Rect b = {rect.x + k, rect.y + k, rect.w - 2 * k, rect.h - 2 * k};
				SDL_RenderDrawRect(r->sdl, &b);
			}
			break;
		case DC_TEXT:
		case DC_QR: {
			if (!c->text || !*c->text)
				break;
			slot_t scratch;
			slot_t *s = lookup(r, c, theme, use_cache, &scratch);
			if (!s->tex)
				break;
			SDL_Rect dst;
			if (c->kind == DC_QR) {
				dst = rect; /* scaled with nearest-neighbour sampling */
				SDL_SetTextureScaleMode(s->tex, SDL_ScaleModeNearest);
			} else {
				/* Centre the glyph box vertically in the line box. */
				dst = (SDL_Rect){rect.x, rect.y + (rect.h - s->h) / 2, s->w, s->h};
			}
			SDL_RenderCopy(r->sdl, s->tex, NULL, &dst);
			if (!use_cache) {
				SDL_DestroyTexture(scratch.tex);
				free_key(scratch.key);
			}
			break;
		}
		case DC_TARGET:
			break;
		}
	}
}
