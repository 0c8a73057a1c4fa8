/* app_internal.h - the kiosk's state shared by app.c (platform, main loop)
 * and script.c (scenario runner). Not used elsewhere. */
#ifndef APP_INTERNAL_H
#define APP_INTERNAL_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "domain/catalog.h"
#include "core/clock.h"
#include "domain/config.h"
#include "ui/draw.h"
#include "ui/font.h"
#include "core/i18n.h"
#include "ui/input.h"
#include "ui/render.h"
#include "ui/screens.h"
#include "flow/session.h"
#include "print/tickets.h"
#include "domain/queue.h"
#include "drivers/scanner/scanner.h"

typedef struct app {
	const app_options_t *opt;
	config_t cfg;
	catalog_t *cat;
	i18n_t *tr;
	tickets_t *tickets;
	struct queue *queue;       /* the office queue on the same ledger (app_queue.c); NULL: none */
	bool queue_warned;         /* its one warning in the log was written */
	int64_t queue_check_at;    /* mono ms of Welcome's next look at it; 0 = now */
	const char *tickets_oos;   /* i18n key: why the ledger did not open at start (the machine's storage, not the version) */
	session_t *session;
	scanner_t *scanner;        /* ID-card QR scanner, or NULL */
	struct runlink *runlink;   /* /run/kiosk link with the board's services */
	bool board_update;         /* showing the stick updater's progress */
	int64_t scanner_retry;     /* mono ms to reopen an unplugged scanner */
	struct menu *menu;         /* staff menus (app_menu.c) */
	struct staff *staff;       /* PIN store */
	struct outbox *fleet;      /* fleet outbox (docs/fleet.md), NULL when fleet.id is "" */
	int fleet_printer;         /* last printer state put there, -1 = none yet */
	fonts_t *fonts;
	kclock_t clock;
	kclock_virtual_t vclock;   /* scenario mode */
	bool virtual_time;
	char assets[1024], data[1024], spool[1100];
	char data_slot[1024];      /* active data bundle ("" = none): catalog,
				    * translations, site configuration */

	SDL_Window *win;
	SDL_Renderer *sdl;
	SDL_Texture *target;       /* upright logical frame (NULL headless) */
	SDL_Surface *frame;        /* headless: the logical frame itself, which
				    * the software renderer draws on; no window
				    * framebuffer (docs/profile.md) */
	void *frame_px;            /* its pixels (owned) */
	renderer_t *render;
	uint32_t seen_wipes;      /* session->wipes when the render cache was last forgotten */
	int out_w, out_h;          /* output (window) size */
	int log_w, log_h;          /* logical, upright size */
	int rotation;              /* 0, 90, 180, 270 */
	drawlist_t *dl;            /* the current frame's commands */
	uint32_t drawn_generation;
	bool dirty;
	int64_t redraw_at;         /* mono ms of a start-up redraw, 0 = none */
	int64_t restart_at;        /* mono ms of a clean exit that applies settings
				    * only a restart can (systemd starts us again) */
	int redraws;

	/* input */
	SDL_FingerID finger;       /* the one finger we follow */
	bool finger_down;
	bool mouse_down;
	char pressed[64];          /* target under the finger */
	char last_tap[64];
	int64_t last_tap_ms;

	/* figures */
	unsigned long wakeups, frames;
	int64_t start_mono;
	bool first_frame_done;
	FILE *report;
	screen_t reported_screen;
	bool reported_warning;
	uint64_t reported_targets; /* hash of the reported targets */
	int64_t wd_ms, wd_next;    /* service watchdog interval, next pet (mono) */
	volatile int quit;
} app_t;

/* Feed one input event to the UI (the script runner uses it too). */
void app_input(app_t *a, const input_t *in);

/* The path of asset `name` (e.g. "catalog.json", "i18n"): from the active
 * data bundle when it has it, else from the app's assets. */
void app_asset_path(const app_t *a, const char *name, char *out, size_t cap);
/* All configuration layers into *out: defaults, site.json (--config FILE
 * instead when given; from the data bundle when it has one), local.json of
 * the data folder. config_load's result and message. */
int app_config_read(const app_t *a, config_t *out, char *err, size_t errlen);

/* Pets the service watchdog when it is due (no-op without one). */
void app_watchdog(app_t *a);
/* Process SDL's queue (converting events), timers and printing; rebuild and
 * draw the frame if anything changed. */
void app_step(app_t *a);
/* Build the draw list now (for hit tests) without drawing. */
void app_layout(app_t *a);
/* Render the current frame into the target and present it. */
void app_draw(app_t *a);
/* Save the logical frame as PNG. */
int app_screenshot(app_t *a, const char *path);
/* Output <-> logical coordinates. */
void app_logical_to_output(const app_t *a, int lx, int ly, int *ox, int *oy);
/* The current screen id as scripts see it ("timeout-warning" over others). */
const char *app_screen_id(const app_t *a);

/* The signal (SIGTERM, SIGINT) that asked the kiosk to stop, 0 if none. */
int app_signalled(void);

/* Open the display as the options and a->cfg say (window, full screen or
 * headless; rotation; the logical frame and the renderer). 0 or 1. */
int app_setup_sdl(app_t *a);
/* Copy the logical frame to the window (scaled, rotated) and present it. */
void app_present(app_t *a, theme_id_t theme);

/* board_app.c: the wall board (kiosk --board URL). */
int board_run(const app_options_t *opt);

/* script.c */
int script_run(app_t *a, const char *path);

#endif
