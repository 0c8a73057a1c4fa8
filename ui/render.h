/* render.h - executes a draw list with an SDL renderer. Text and QR codes
 * are rendered once into textures and kept in a cache keyed by content, so
 * redrawing a steady screen costs only texture copies. */
#ifndef RENDER_H
#define RENDER_H

#include <stdbool.h>
#include <SDL.h>

#include "draw.h"
#include "font.h"
#include "theme.h"

typedef struct renderer renderer_t;

/* sdl and fonts are borrowed and must outlive the renderer. */
renderer_t *render_create(SDL_Renderer *sdl, fonts_t *fonts);
void render_destroy(renderer_t *r);

/* Draw every command of dl in the theme. With use_cache false every text is
 * rendered afresh (for the benchmark). */
void render_draw(renderer_t *r, const drawlist_t *dl, theme_id_t theme, bool use_cache);

/* Drop every cached texture (e.g. after the renderer lost its textures). */
void render_flush(renderer_t *r);

typedef struct { unsigned hits, misses; } render_stats_t;
render_stats_t render_stats(const renderer_t *r);

#endif
