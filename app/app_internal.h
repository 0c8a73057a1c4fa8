/* app_internal.h - the kiosk process's state, shared by the files of the
 * kiosk's app: app.c (start-up, main loop), script.c (scenario runner),
 * gallery.c, app_menu.c and app_queue.c. Its parts with their own modules:
 * the display (platform.h), the input filter (tapfilter.h), the layout
 * report (layoutrep.h) and the paths (paths.h). The wall board
 * (board_app.c) does not use it: it holds those parts itself. */
#ifndef APP_INTERNAL_H
#define APP_INTERNAL_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "app/layoutrep.h"
#include "app/paths.h"
#include "app/platform.h"
#include "app/tapfilter.h"
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
	int64_t help_id;           /* this session's help call in the queue; 0 = none */
	int64_t help_check_at;     /* mono ms of the next look whether a counter took it */
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
	app_paths_t paths;         /* assets, data folder, data bundle */
	char spool[1100];

	platform_t *plat;          /* the display (platform.h) */
	tapfilter_t *taps;         /* finger tracking, the tap filter (tapfilter.h) */
	layoutrep_t *report;       /* --report (layoutrep.h), NULL: none */
	renderer_t *render;
	uint32_t seen_wipes;      /* session->wipes when the render cache was last forgotten */
	drawlist_t *dl;            /* the current frame's commands */
	uint32_t drawn_generation;
	bool dirty;
	int64_t redraw_at;         /* mono ms of a start-up redraw, 0 = none */
	int64_t restart_at;        /* mono ms of a clean exit that applies settings
				    * only a restart can (systemd starts us again) */
	int redraws;

	/* figures */
	unsigned long wakeups, frames;
	int64_t start_mono;
	bool first_frame_done;
	bool read_stopped;         /* the last press stopped a reading (app_read.c) */
	int64_t wd_ms, wd_next;    /* service watchdog interval, next pet (mono) */
	volatile int quit;
} app_t;

/* Feed one input event to the UI (the script runner uses it too). */
void app_input(app_t *a, const input_t *in);

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
/* The current screen id as scripts see it ("timeout-warning" over others). */
const char *app_screen_id(const app_t *a);

/* The signal (SIGTERM, SIGINT) that asked the kiosk to stop, 0 if none. */
int app_signalled(void);

/* script.c */
int script_run(app_t *a, const char *path);

#endif
