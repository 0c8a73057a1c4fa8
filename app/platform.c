/* platform.c - the display: SDL's start, the window or the headless frame,
 * the panel's rotation and the coordinate mapping, presenting and saving
 * the logical frame (platform.h). The kiosk (app.c) and the wall board
 * (board_app.c) both draw through it. */
#include "app/platform.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kiosk.h"
#include "core/log.h"
#include "core/pngout.h"

struct platform {
	SDL_Window *win;
	SDL_Renderer *sdl;
	SDL_Texture *target;       /* upright logical frame (NULL headless) */
	SDL_Surface *band;         /* headless: BAND_ROWS rows of the logical
				    * frame, which the software renderer draws
				    * on, one band after the other; no window
				    * framebuffer, no whole frame (docs/profile.md) */
	int band_y;                /* the frame row the band holds first (-1: none) */
	theme_id_t theme;          /* the last frame's */
	platform_paint_fn paint;   /* the last frame's drawer, and its context */
	void *paint_ctx;
	int out_w, out_h;          /* output (window) size */
	int log_w, log_h;          /* logical, upright size */
	int rotation;              /* 0, 90, 180, 270 */
};

/* Rows of the headless band: 240 KiB at 1920 wide instead of an 8 MiB frame
 * (34 bands at 1080 rows; no CPU time measured on top of one frame: each
 * band's copies are clipped to it). A multiple of the PNG writer's 8-row
 * reads, so a read never straddles two bands. */
#define BAND_ROWS 32

static int open_display(platform_t *p, const platform_setup_t *s)
{
	if (s->mode == MODE_HEADLESS) {
		/* SDL's "dummy" backend: a software framebuffer and nothing else
		 * ("offscreen" would load Mesa's EGL, which headless never uses). */
		SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
		setenv("SDL_VIDEODRIVER", "dummy", 1);
		if (!getenv("SDL_AUDIODRIVER"))
			setenv("SDL_AUDIODRIVER", "dummy", 1);
	}
	SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
	/* KMSDRM triple-buffers by default: a frame shows only at the next flip,
	 * and an idle kiosk never flips again. Double buffering shows it now. */
	SDL_SetHint(SDL_HINT_VIDEO_DOUBLE_BUFFER, "1");
	SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "0");
	SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "1");
	if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
		fprintf(stderr, "kiosk: cannot start the display: %s\n", SDL_GetError());
		return KIOSK_ENODEV;
	}
	SDL_InitSubSystem(SDL_INIT_AUDIO); /* optional: chimes and speech */
	p->rotation = s->rotation;
	Uint32 flags = SDL_WINDOW_SHOWN;
	int w = s->width, h = s->height;
	if (s->mode == MODE_FULLSCREEN) {
		flags |= SDL_WINDOW_FULLSCREEN_DESKTOP;
		SDL_ShowCursor(SDL_DISABLE);
	} else if (s->mode == MODE_WINDOW) {
		flags |= SDL_WINDOW_RESIZABLE;
	}
	p->win = SDL_CreateWindow("kiosk", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h, flags);
	if (!p->win) {
		fprintf(stderr, "kiosk: cannot open the screen: %s\n", SDL_GetError());
		return KIOSK_ENODEV;
	}
	bool quarter = p->rotation == 90 || p->rotation == 270;
	if (s->mode == MODE_HEADLESS) {
		/* Nothing looks at a headless window: the software renderer draws
		 * the upright logical frame on a surface of BAND_ROWS rows, band
		 * after band, which the screenshots read. Neither the window's
		 * 1080p framebuffer nor a whole frame is held (8 MB each;
		 * docs/profile.md). The output stays the window's size, rotated,
		 * for touch and the report. */
		p->out_w = w;
		p->out_h = h;
		p->log_w = quarter ? h : w;
		p->log_h = quarter ? w : h;
		p->band_y = -1;
		p->band = SDL_CreateRGBSurfaceWithFormat(0, p->log_w, BAND_ROWS, 32, SDL_PIXELFORMAT_ARGB8888);
		p->sdl = p->band ? SDL_CreateSoftwareRenderer(p->band) : NULL;
		if (!p->sdl) {
			fprintf(stderr, "kiosk: no renderer: %s\n", SDL_GetError());
			return KIOSK_ENOMEM;
		}
	} else {
		p->sdl = SDL_CreateRenderer(p->win, -1, SDL_RENDERER_TARGETTEXTURE);
		if (!p->sdl)
			p->sdl = SDL_CreateRenderer(p->win, -1, SDL_RENDERER_SOFTWARE);
		if (!p->sdl) {
			fprintf(stderr, "kiosk: no renderer: %s\n", SDL_GetError());
			return KIOSK_ENODEV;
		}
		SDL_GetRendererOutputSize(p->sdl, &p->out_w, &p->out_h);
		/* The logical frame: the panel's mode, turned upright for a
		 * panel mounted at 90 or 270 degrees. */
		int lw = s->mode == MODE_WINDOW ? s->panel_w : p->out_w;
		int lh = s->mode == MODE_WINDOW ? s->panel_h : p->out_h;
		p->log_w = quarter ? lh : lw;
		p->log_h = quarter ? lw : lh;
		p->target = SDL_CreateTexture(p->sdl, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_TARGET, p->log_w,
					      p->log_h);
		if (!p->target) {
			fprintf(stderr, "kiosk: out of video memory: %s\n", SDL_GetError());
			return KIOSK_ENOMEM;
		}
	}
	SDL_StartTextInput();
	log_info("display %s, output %dx%d, logical %dx%d, rotation %d", SDL_GetCurrentVideoDriver(), p->out_w,
		 p->out_h, p->log_w, p->log_h, p->rotation);
	return KIOSK_OK;
}

int platform_open(const platform_setup_t *s, platform_t **out)
{
	*out = NULL;
	platform_t *p = calloc(1, sizeof *p);
	if (!p) {
		fprintf(stderr, "kiosk: out of memory\n");
		return KIOSK_ENOMEM;
	}
	int rc = open_display(p, s);
	if (rc != KIOSK_OK) {
		platform_close(p);
		return rc;
	}
	*out = p;
	return KIOSK_OK;
}

int platform_open_for(const app_options_t *o, const config_t *cfg, platform_t **out)
{
	platform_setup_t s = {.mode = o->mode, .width = o->width ? o->width : cfg->panel_width,
			      .height = o->height ? o->height : cfg->panel_height,
			      .panel_w = cfg->panel_width, .panel_h = cfg->panel_height,
			      .rotation = cfg->panel_rotation};
	return platform_open(&s, out);
}

void platform_close(platform_t *p)
{
	if (p) {
		if (p->target)
			SDL_DestroyTexture(p->target);
		if (p->sdl)
			SDL_DestroyRenderer(p->sdl);
		if (p->band)
			SDL_FreeSurface(p->band);
		if (p->win)
			SDL_DestroyWindow(p->win);
		free(p);
	}
	SDL_Quit();
}

SDL_Renderer *platform_renderer(const platform_t *p)
{
	return p->sdl;
}

void platform_size(const platform_t *p, int *w, int *h)
{
	*w = p->log_w;
	*h = p->log_h;
}

/* ---- geometry ---- */

/* Output size of the rotated logical frame, and its scale and offset. */
static void placement(const platform_t *p, double *scale, int *offx, int *offy, int *rw, int *rh)
{
	bool quarter = p->rotation == 90 || p->rotation == 270;
	*rw = quarter ? p->log_h : p->log_w;
	*rh = quarter ? p->log_w : p->log_h;
	double sx = (double)p->out_w / *rw, sy = (double)p->out_h / *rh;
	*scale = sx < sy ? sx : sy;
	*offx = (int)((p->out_w - *rw * *scale) / 2);
	*offy = (int)((p->out_h - *rh * *scale) / 2);
}

void platform_to_logical(const platform_t *p, double ox, double oy, int *lx, int *ly)
{
	double s;
	int offx, offy, rw, rh;
	placement(p, &s, &offx, &offy, &rw, &rh);
	double rx = (ox - offx) / s, ry = (oy - offy) / s;
	double x, y;
	switch (p->rotation) {
	case 90: x = ry; y = rw - rx; break;
	case 180: x = rw - rx; y = rh - ry; break;
	case 270: x = rh - ry; y = rx; break;
	default: x = rx; y = ry; break;
	}
	*lx = (int)x;
	*ly = (int)y;
}

void platform_to_output(const platform_t *p, int lx, int ly, int *ox, int *oy)
{
	double s;
	int offx, offy, rw, rh;
	placement(p, &s, &offx, &offy, &rw, &rh);
	double rx, ry;
	switch (p->rotation) {
	case 90: rx = rw - ly; ry = lx; break;
	case 180: rx = rw - lx; ry = rh - ly; break;
	case 270: rx = ly; ry = rh - lx; break;
	default: rx = lx; ry = ly; break;
	}
	*ox = (int)(rx * s + offx);
	*oy = (int)(ry * s + offy);
}

void platform_finger_to_logical(const platform_t *p, float nx, float ny, int *lx, int *ly)
{
	platform_to_logical(p, nx * p->out_w, ny * p->out_h, lx, ly);
}

void platform_output_to_finger(const platform_t *p, int ox, int oy, float *nx, float *ny)
{
	*nx = (float)(ox + 0.5) / (float)p->out_w;
	*ny = (float)(oy + 0.5) / (float)p->out_h;
}

void platform_resized(platform_t *p)
{
	if (!p->band) /* headless: the output keeps its size */
		SDL_GetRendererOutputSize(p->sdl, &p->out_w, &p->out_h);
}

/* ---- frames ---- */

/* Headless: paint the frame's rows y0 .. y0 + BAND_ROWS on the band. The
 * viewport moves the frame up by y0; the renderer clips to the band, so
 * every row is drawn as on a whole frame (a scaled copy that crosses the
 * band's edge is scaled whole first, then clipped: SDL's software
 * renderer). */
static void paint_band(platform_t *p, int y0)
{
	rgb_t bg = theme_color(p->theme, C_BG);
	SDL_RenderSetViewport(p->sdl, NULL);
	SDL_SetRenderDrawColor(p->sdl, bg.r, bg.g, bg.b, 255);
	SDL_RenderClear(p->sdl);
	SDL_Rect vp = {0, -y0, p->log_w, p->log_h};
	SDL_RenderSetViewport(p->sdl, &vp);
	if (p->paint)
		p->paint(p->paint_ctx);
	SDL_RenderFlush(p->sdl);
	p->band_y = y0;
}

void platform_draw(platform_t *p, theme_id_t theme, platform_paint_fn paint, void *ctx)
{
	p->theme = theme;
	p->paint = paint;
	p->paint_ctx = ctx;
	if (p->band) { /* headless: the frame drawn is all there is */
		for (int y = 0; y < p->log_h; y += BAND_ROWS)
			paint_band(p, y);
		return;
	}
	SDL_SetRenderTarget(p->sdl, p->target);
	if (paint)
		paint(ctx);
	SDL_SetRenderTarget(p->sdl, NULL);
	rgb_t bg = theme_color(theme, C_BG);
	SDL_SetRenderDrawColor(p->sdl, bg.r, bg.g, bg.b, 255);
	SDL_RenderClear(p->sdl); /* letterbox around a scaled window */
	double s;
	int offx, offy, rw, rh;
	placement(p, &s, &offx, &offy, &rw, &rh);
	/* The destination is the unrotated rectangle centred where the rotated
	 * frame must land; SDL rotates it about its centre. */
	int dw = (int)(p->log_w * s), dh = (int)(p->log_h * s);
	int cx = offx + (int)(rw * s / 2), cy = offy + (int)(rh * s / 2);
	SDL_Rect dst = {cx - dw / 2, cy - dh / 2, dw, dh};
	SDL_RenderCopyEx(p->sdl, p->target, NULL, &dst, p->rotation, NULL, SDL_FLIP_NONE);
	SDL_RenderPresent(p->sdl);
}

/* Screenshot rows, a band at a time, from the logical frame: no whole-frame
 * copy (6 MB at 1080p). Headless, the band holding the rows is painted
 * first (the PNG writer asks for the rows in order: each band once). */
static int read_band(void *ctx, int y, int n, uint8_t *buf, int stride)
{
	platform_t *p = ctx;
	if (p->band) {
		if (p->band_y < 0 || y < p->band_y || y + n > p->band_y + BAND_ROWS)
			paint_band(p, y);
		const uint8_t *src = (const uint8_t *)p->band->pixels + (size_t)(y - p->band_y) * (size_t)p->band->pitch;
		return SDL_ConvertPixels(p->log_w, n, p->band->format->format, src, p->band->pitch,
					 SDL_PIXELFORMAT_RGB24, buf, stride) == 0 ? 0 : -1;
	}
	SDL_Rect r = {0, y, p->log_w, n};
	return SDL_RenderReadPixels(p->sdl, &r, SDL_PIXELFORMAT_RGB24, buf, stride) == 0 ? 0 : -1;
}

int platform_screenshot(platform_t *p, const char *path)
{
	SDL_SetRenderTarget(p->sdl, p->target);
	int rc = pngout_write_rgb_rows(path, p->log_w, p->log_h, read_band, p);
	SDL_SetRenderTarget(p->sdl, NULL);
	return rc;
}
