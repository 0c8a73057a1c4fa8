/* render_sdl.c - the SDL side of drawing: rectangles, cached text textures
 * (anti-aliased, TTF_RenderUTF8_Blended) and QR codes (core/qr) with
 * a four-module quiet zone. The cache is bounded in bytes (least recently
 * used out first), not in entries. Cache keys are the drawn strings, so they are
 * wiped (explicit_bzero) whenever they are dropped, and the whole cache is
 * dropped when a session ends (render_forget_session): a citizen's name
 * drawn on a screen does not outlive the session. */
#include "ui/render.h"

#include <stdlib.h>
#include <string.h>

#include "core/qr.h"

/* The text/QR texture cache: bounded in bytes, least recently used first
 * out. An entry costs its texture's pixels (w * h * 4, what the software
 * renderer keeps per texture) plus its key and bookkeeping. The budget holds
 * the busiest screen several times over (tests/tools/bench_render prints
 * both), so a steady screen redraws from the cache; what does not fit (a
 * text bigger than the whole budget) is drawn uncached. */
#define CACHE_BUCKETS 1024 /* power of two */

typedef struct entry entry_t;
struct entry {
	uint64_t hash;
	char *key;              /* owned copy of the text */
	int kind, font, px;
	rgb_t fg;
	SDL_Texture *tex;
	int w, h;
	size_t bytes;           /* what this entry costs the budget */
	entry_t *chain;         /* next in the hash bucket */
	entry_t *newer, *older; /* recency list */
};

struct renderer {
	SDL_Renderer *sdl;
	fonts_t *fonts;
	entry_t *bucket[CACHE_BUCKETS];
	entry_t *newest, *oldest;
	size_t bytes, budget, count;
	render_stats_t stats;
};

renderer_t *render_create(SDL_Renderer *sdl, fonts_t *fonts)
{
	renderer_t *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->sdl = sdl;
	r->fonts = fonts;
	r->budget = RENDER_CACHE_BUDGET;
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

static void entry_free(entry_t *e)
{
	if (e->tex)
		SDL_DestroyTexture(e->tex);
	free_key(e->key);
	explicit_bzero(e, sizeof *e);
	free(e);
}

static void unlink_recency(renderer_t *r, entry_t *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		r->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		r->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void push_newest(renderer_t *r, entry_t *e)
{
	e->older = r->newest;
	e->newer = NULL;
	if (r->newest)
		r->newest->newer = e;
	r->newest = e;
	if (!r->oldest)
		r->oldest = e;
}

/* Drop one cached entry (its key wiped). */
static void evict(renderer_t *r, entry_t *e)
{
	entry_t **pp = &r->bucket[e->hash & (CACHE_BUCKETS - 1)];
	while (*pp && *pp != e)
		pp = &(*pp)->chain;
	if (*pp)
		*pp = e->chain;
	unlink_recency(r, e);
	r->bytes -= e->bytes;
	r->count--;
	r->stats.evictions++;
	entry_free(e);
}

void render_flush(renderer_t *r)
{
	while (r->oldest)
		evict(r, r->oldest);
	memset(r->bucket, 0, sizeof r->bucket);
}

void render_forget_session(renderer_t *r)
{
	if (r)
		render_flush(r);
}

bool render_cache_holds(const renderer_t *r, const char *needle, size_t len)
{
	for (const entry_t *e = r && len ? r->newest : NULL; e; e = e->older)
		if (e->key && memmem(e->key, strlen(e->key), needle, len))
			return true;
	return false;
}

void render_set_cache_budget(renderer_t *r, size_t bytes)
{
	r->budget = bytes;
	while (r->bytes > r->budget && r->oldest)
		evict(r, r->oldest);
}

size_t render_cache_bytes(const renderer_t *r)
{
	return r->bytes;
}

size_t render_cache_count(const renderer_t *r)
{
	return r->count;
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
	qr_t q;
	if (qr_make(&q, payload, QR_ECC_M) != 0)
		return NULL;
	int quiet = QR_QUIET_MODULES, n = q.width + 2 * quiet;
	SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, n, n, 32, SDL_PIXELFORMAT_ARGB8888);
	if (!s) {
		qr_free(&q);
		return NULL;
	}
	uint32_t d = SDL_MapRGB(s->format, dark.r, dark.g, dark.b);
	uint32_t l = SDL_MapRGB(s->format, light.r, light.g, light.b);
	for (int y = 0; y < n; y++) {
		uint32_t *px = (uint32_t *)((uint8_t *)s->pixels + y * s->pitch);
		for (int x = 0; x < n; x++)
			px[x] = qr_dark(&q, x - quiet, y - quiet) ? d : l;
	}
	qr_free(&q);
	SDL_Texture *t = SDL_CreateTextureFromSurface(r->sdl, s);
	memset(s->pixels, 0, (size_t)s->pitch * (size_t)s->h);
	SDL_FreeSurface(s);
	*w = *h = n;
	return t;
}

static SDL_Texture *make_texture(renderer_t *r, const dc_t *c, theme_id_t theme, int font, int px,
				 rgb_t fg, int *w, int *h)
{
	if (c->kind == DC_QR)
		return make_qr(r, c->text, fg, theme_color(theme, C_QR_LIGHT), w, h);
	return make_text(r, c->text, font, px, fg, w, h);
}

/* Find or create the texture for one text or QR command. Returns NULL when
 * it cannot be made; *owned is set when the caller must free the entry after
 * drawing it (not cached: use_cache false, or bigger than the budget). */
static entry_t *lookup(renderer_t *r, const dc_t *c, theme_id_t theme, bool use_cache,
		       bool *owned)
{
	*owned = false;
	rgb_t fg = theme_color(theme, c->fg);
	int kind = c->kind;
	int font = kind == DC_QR ? 0 : (int)c->font;
	int px = kind == DC_QR ? 0 : c->px;
	if (kind == DC_QR)
		fg = theme_color(theme, C_QR_DARK);
	uint64_t h = fnv(c->text, kind, font, px, fg);
	entry_t **head = &r->bucket[h & (CACHE_BUCKETS - 1)];
	if (use_cache) {
		for (entry_t *e = *head; e; e = e->chain) {
			if (e->hash == h && e->kind == kind && e->font == font && e->px == px &&
			    e->fg.r == fg.r && e->fg.g == fg.g && e->fg.b == fg.b &&
			    strcmp(e->key, c->text) == 0) {
				if (r->newest != e) {
					unlink_recency(r, e);
					push_newest(r, e);
				}
				r->stats.hits++;
				return e;
			}
		}
	}
	r->stats.misses++;
	entry_t *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->hash = h;
	e->kind = kind;
	e->font = font;
	e->px = px;
	e->fg = fg;
	e->key = strdup(c->text);
	e->tex = e->key ? make_texture(r, c, theme, font, px, fg, &e->w, &e->h) : NULL;
	if (!e->tex) {
		entry_free(e);
		return NULL;
	}
	e->bytes = (size_t)e->w * (size_t)e->h * 4 + strlen(e->key) + 1 + sizeof *e;
	if (!use_cache || e->bytes > r->budget) {
		*owned = true;
		return e;
	}
	while (r->bytes + e->bytes > r->budget && r->oldest)
		evict(r, r->oldest);
	e->chain = *head;
	*head = e;
	push_newest(r, e);
	r->bytes += e->bytes;
	r->count++;
	return e;
}

static void set_color(SDL_Renderer *s, rgb_t c)
{
	SDL_SetRenderDrawColor(s, c.r, c.g, c.b, 255);
}

void render_draw(renderer_t *r, const drawlist_t *dl, theme_id_t theme, bool use_cache)
{
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
			bool owned;
			entry_t *s = lookup(r, c, theme, use_cache, &owned);
			if (!s)
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
			if (owned)
				entry_free(s);
			break;
		}
		case DC_TARGET:
			break;
		}
	}
}
