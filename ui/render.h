/* render.h - executes a draw list with an SDL renderer. Text and QR codes
 * are rendered once into textures and kept in a cache keyed by content, so
 * redrawing a steady screen costs only texture copies. The cache is bounded
 * in bytes (RENDER_CACHE_BUDGET), least recently used entries dropped first. */
#ifndef RENDER_H
#define RENDER_H

#include <stdbool.h>
#include <SDL.h>

#include "ui/draw.h"
#include "ui/font.h"
#include "ui/theme.h"

typedef struct renderer renderer_t;

/* sdl and fonts are borrowed and must outlive the renderer. */
renderer_t *render_create(SDL_Renderer *sdl, fonts_t *fonts);
void render_destroy(renderer_t *r);

/* Draw every command of dl in the theme. With use_cache false every text is
 * rendered afresh (for the benchmark). */
void render_draw(renderer_t *r, const drawlist_t *dl, theme_id_t theme, bool use_cache);

/* Drop every cached texture (e.g. after the renderer lost its textures);
 * the cached strings are wiped. */
void render_flush(renderer_t *r);

/* A session ended: forget every string drawn during it (names, ID numbers,
 * addresses typed or scanned). Drops the whole cache, wiping its keys; the
 * next frame renders its texts afresh. Called by the app, which sees the
 * session end (the UI does not). */
void render_forget_session(renderer_t *r);

/* Tests: whether any cached key contains needle[0..len). */
bool render_cache_holds(const renderer_t *r, const char *needle, size_t len);

/* The text/QR texture cache is bounded in bytes (texture pixels w * h * 4
 * plus key and bookkeeping), least recently used entries dropped first. */
#define RENDER_CACHE_BUDGET (8u << 20)
/* Tests and benchmarks: change the budget (evicts down to it at once), and
 * what the cache holds now. */
void render_set_cache_budget(renderer_t *r, size_t bytes);
size_t render_cache_bytes(const renderer_t *r);
size_t render_cache_count(const renderer_t *r);

typedef struct { unsigned hits, misses, evictions; } render_stats_t;
render_stats_t render_stats(const renderer_t *r);

#endif
