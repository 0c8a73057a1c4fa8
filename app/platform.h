/* platform.h - the display the kiosk and the wall board draw on: SDL's
 * start, the window (full screen on KMSDRM, a desktop window, or nothing
 * headless), the upright logical frame and the panel's rotation, the
 * mapping between output and logical coordinates, presenting a frame and
 * saving it as PNG (platform.c).
 *
 * One platform_t per process, used by the main thread. Drawing goes to the
 * logical frame between platform_begin and platform_present, with the
 * renderer of platform_renderer. */
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

/* Draw on the logical frame from now on. */
void platform_begin(platform_t *p);
/* Copy the logical frame to the output (scaled, rotated, letterboxed in
 * the theme's background) and present it. */
void platform_present(platform_t *p, theme_id_t theme);
/* The logical frame as a PNG file. KIOSK_OK or KIOSK_EIO. */
int platform_screenshot(platform_t *p, const char *path);

#endif
