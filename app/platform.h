/* platform.h - the display the kiosk and the wall board draw on: SDL's
 * start, the window (full screen on KMSDRM, a desktop window, or nothing
 * headless), the upright logical frame and the panel's rotation, the
 * mapping between output and logical coordinates, presenting a frame and
 * saving it as PNG (platform.c).
 *
 * One platform_t per process, used by the main thread. A frame is drawn by
 * platform_draw, which calls back the drawer with the renderer of
 * platform_renderer. */
#ifndef PLATFORM_H
#define PLATFORM_H

#include <SDL.h>

#include "app/app.h"
#include "domain/config.h"
#include "ui/theme.h"

typedef struct platform platform_t;

typedef struct {
	app_mode_t mode;        /* full screen, window, headless */
	int width, height;      /* window (or headless output) size */
	int panel_w, panel_h;   /* the panel's mode, for a window's logical frame */
	int rotation;           /* 0, 90, 180, 270: how the panel is mounted */
} platform_setup_t;

/* Start SDL's video (and audio, optional) and open the display. On failure
 * the reason is printed on stderr (the citizen sees nothing yet) and *out
 * is NULL. KIOSK_OK, KIOSK_ENODEV (no display) or KIOSK_ENOMEM. */
int platform_open(const platform_setup_t *s, platform_t **out);
/* platform_open as the kiosk's options (--width, --height, the mode) and
 * its configuration (panel.*) say. */
int platform_open_for(const app_options_t *o, const config_t *cfg, platform_t **out);
/* Close the display and SDL (NULL: nothing). */
void platform_close(platform_t *p);

SDL_Renderer *platform_renderer(const platform_t *p);
/* The logical (upright) frame's size. */
void platform_size(const platform_t *p, int *w, int *h);

/* Output <-> logical coordinates (rotation, scale, letterbox). */
void platform_to_logical(const platform_t *p, double ox, double oy, int *lx, int *ly);
void platform_to_output(const platform_t *p, int lx, int ly, int *ox, int *oy);
/* A finger's normalised 0..1 output coordinates, as SDL reports them. */
void platform_finger_to_logical(const platform_t *p, float nx, float ny, int *lx, int *ly);
/* The output point (ox, oy) as SDL's normalised finger coordinates. */
void platform_output_to_finger(const platform_t *p, int ox, int oy, float *nx, float *ny);
/* The window was exposed or resized: read the output size again. */
void platform_resized(platform_t *p);

/* Issues one frame's drawing on platform_renderer, in logical coordinates;
 * must draw the same each time it is called for one frame. */
typedef void (*platform_paint_fn)(void *ctx);

/* Draw a frame: paint(ctx) draws the logical frame, which is then copied to
 * the output (scaled, rotated, letterboxed in the theme's background) and
 * presented. Headless, the frame is drawn a band of rows at a time, so paint
 * is called once per band (each time on the band's rows: everything else is
 * clipped), and again by platform_screenshot. paint and ctx are kept until
 * the next platform_draw. */
void platform_draw(platform_t *p, theme_id_t theme, platform_paint_fn paint, void *ctx);
/* The frame last drawn as a PNG file (headless: painted again, band by
 * band, as the rows are written). KIOSK_OK or KIOSK_EIO. */
int platform_screenshot(platform_t *p, const char *path);

#endif
