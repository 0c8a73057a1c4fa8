/* platform.c - the display: SDL's start, the window or the headless frame,
 * the panel's rotation and the coordinate mapping, presenting and saving
 * the logical frame (platform.h). The kiosk (app.c) and the wall board
 * (board_app.c) both draw through it. */
#include "app/platform.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/kiosk.h"
#include "core/log.h"
#include "core/pngout.h"

struct platform {
	SDL_Window *win;
	SDL_Renderer *sdl;
	SDL_Texture *target;       /* upright logical frame (NULL headless) */
	SDL_Surface *frame;        /* headless: the logical frame itself, which
				    * the software renderer draws on; no window
				    * framebuffer (docs/profile.md) */
	void *frame_px;            /* its pixels (owned) */
	int out_w, out_h;          /* output (window) size */
	int log_w, log_h;          /* logical, upright size */
	int rotation;              /* 0, 90, 180, 270 */
};

/* The headless frame's pixels: zeroed, on 2 MiB pages where the kernel
 * offers them (transparent huge pages on request), so the first frame takes
 * 4 page faults instead of 2,000 (a quarter of a start's CPU in a VM;
 * docs/profile.md). Freed with free(). */
static void *frame_pixels(size_t size)
{
	const size_t huge = 2u << 20;
	size_t len = (size + huge - 1) / huge * huge;
	void *p = aligned_alloc(huge, len);
	if (!p)
		return NULL;
#ifdef MADV_HUGEPAGE
	(void)madvise(p, len, MADV_HUGEPAGE);
#endif
	memset(p, 0, len);
	return p;
}

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
		 * the upright logical frame straight on a surface, which the
		 * screenshots read. The window's 1080p framebuffer and the copy
		 * into it each frame are saved (8 MB; docs/profile.md). The output
		 * stays the window's size, rotated, for touch and the report. */
		p->out_w = w;
		p->out_h = h;
		p->log_w = quarter ? h : w;
		p->log_h = quarter ? w : h;
		int pitch = p->log_w * 4;
		p->frame_px = frame_pixels((size_t)pitch * (size_t)p->log_h);
		p->frame = p->frame_px ? SDL_CreateRGBSurfaceWithFormatFrom(p->frame_px, p->log_w, p->log_h, 32,
									   pitch, SDL_PIXELFORMAT_ARGB8888)
				       : NULL;
		p->sdl = p->frame ? SDL_CreateSoftwareRenderer(p->frame) : NULL;
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
		if (p->frame)
			SDL_FreeSurface(p->frame);
		free(p->frame_px);
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
	if (!p->frame) /* headless: the output keeps its size */
		SDL_GetRendererOutputSize(p->sdl, &p->out_w, &p->out_h);
}

/* ---- frames ---- */

void platform_begin(platform_t *p)
{
	SDL_SetRenderTarget(p->sdl, p->target);
}

void platform_present(platform_t *p, theme_id_t theme)
{
	SDL_SetRenderTarget(p->sdl, NULL);
	if (p->target) { /* (headless, the frame drawn is all there is) */
		rgb_t bg = theme_color(theme, C_BG);
		SDL_SetRenderDrawColor(p->sdl, bg.r, bg.g, bg.b, 255);
		SDL_RenderClear(p->sdl); /* letterbox around a scaled window */
		double s;
		int offx, offy, rw, rh;
		placement(p, &s, &offx, &offy, &rw, &rh);
		/* The destination is the unrotated rectangle centred where the
		 * rotated frame must land; SDL rotates it about its centre. */
		int dw = (int)(p->log_w * s), dh = (int)(p->log_h * s);
		int cx = offx + (int)(rw * s / 2), cy = offy + (int)(rh * s / 2);
		SDL_Rect dst = {cx - dw / 2, cy - dh / 2, dw, dh};
		SDL_RenderCopyEx(p->sdl, p->target, NULL, &dst, p->rotation, NULL, SDL_FLIP_NONE);
	}
	SDL_RenderPresent(p->sdl);
}

/* Screenshot rows, a band at a time, from the logical frame: no whole-frame
 * copy (6 MB at 1080p). */
static int read_band(void *ctx, int y, int n, uint8_t *buf, int stride)
{
	platform_t *p = ctx;
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
