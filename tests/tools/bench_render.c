/* bench_render.c - the cost of a full redraw of the busiest screen (the form
 * with the keyboard), with the text/QR texture cache and without it, on the
 * software renderer at 1920x1080. Prints figures; asserts nothing. */
#include <SDL.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "domain/catalog.h"
#include "domain/config.h"
#include "core/i18n.h"
#include "core/kiosk.h"
#include "ui/render.h"
#include "ui/screens.h"
#include "flow/session.h"
#include "flow/session_pose.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(void)
{
	const char *assets = getenv("KIOSK_ASSETS") ? getenv("KIOSK_ASSETS") : "build/share/kiosk";
	char path[1024], err[512];
	catalog_t *cat;
	i18n_t *tr;
	config_t cfg;
	snprintf(path, sizeof path, "%s/catalog.json", assets);
	if (catalog_load(path, &cat, err, sizeof err))
		return fprintf(stderr, "%s\n", err), 1;
	snprintf(path, sizeof path, "%s/i18n", assets);
	if (i18n_load(path, &tr, err, sizeof err))
		return fprintf(stderr, "%s\n", err), 1;
	snprintf(path, sizeof path, "%s/site.json", assets);
	if (config_load(&cfg, path, NULL, err, sizeof err))
		return fprintf(stderr, "%s\n", err), 1;
	setenv("SDL_VIDEODRIVER", "dummy", 1);
	if (SDL_Init(SDL_INIT_VIDEO) || TTF_Init())
		return fprintf(stderr, "SDL: %s\n", SDL_GetError()), 1;
	SDL_Window *w = SDL_CreateWindow("bench", 0, 0, 1920, 1080, 0);
	SDL_Renderer *r = SDL_CreateRenderer(w, -1, SDL_RENDERER_SOFTWARE);
	fonts_t *fonts;
	if (!w || !r || fonts_open(assets, &fonts, err, sizeof err))
		return fprintf(stderr, "setup failed\n"), 1;
	renderer_t *rd = render_create(r, fonts);
	kclock_virtual_t v = {.now_ms = 1767578400000, .mono_ms = 1, .trusted = true};
	kclock_t clock;
	kclock_virtual(&clock, &v);
	session_t *s = session_create(cat, &cfg, &clock, NULL);
	session_pose_screen(s, SCR_FORM);
	static drawlist_t dl;
	screen_ctx_t c = {.s = s, .cat = cat, .cfg = &cfg, .tr = tr, .fonts = fonts, .w = 1920,
			  .h = 1080};
	int n = 60;
	double t0 = now_ms();
	for (int i = 0; i < n; i++)
		screens_build(&dl, &c);
	double layout = (now_ms() - t0) / n;
	render_draw(rd, &dl, THEME_DEFAULT, true); /* warm the cache */
	t0 = now_ms();
	for (int i = 0; i < n; i++)
		render_draw(rd, &dl, THEME_DEFAULT, true);
	double cached = (now_ms() - t0) / n;
	t0 = now_ms();
	for (int i = 0; i < n; i++)
		render_draw(rd, &dl, THEME_DEFAULT, false);
	double uncached = (now_ms() - t0) / n;
	printf("busiest screen (form + keyboard, 1920x1080, %d commands):\n", dl.n);
	printf("  layout (draw list build): %.2f ms\n", layout);
	printf("  full redraw, cached text:   %.2f ms\n", cached);
	printf("  full redraw, uncached text: %.2f ms\n", uncached);
	printf("  uncached / cached: %.1fx\n", uncached / cached);
	printf("  text cache after it: %zu textures, %.2f MiB (budget %.0f MiB, bounded in bytes)\n",
	       render_cache_count(rd), render_cache_bytes(rd) / 1048576.0,
	       RENDER_CACHE_BUDGET / 1048576.0);
	session_destroy(s);
	render_destroy(rd);
	fonts_close(fonts);
	SDL_DestroyRenderer(r);
	SDL_DestroyWindow(w);
	TTF_Quit();
	SDL_Quit();
	i18n_free(tr);
	catalog_free(cat);
	return 0;
}
