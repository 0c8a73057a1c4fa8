/* app.h - the kiosk program: options, start-up, the main loop and the
 * scenario runner. main.c only parses options and calls app_run. */
#ifndef APP_H
#define APP_H

#include <stdbool.h>

typedef enum { MODE_FULLSCREEN, MODE_WINDOW, MODE_HEADLESS } app_mode_t;

typedef struct {
	app_mode_t mode;
	int width, height;          /* output size (window or headless) */
	const char *data_dir;       /* ledger, logs, local.json */
	const char *spool_dir;      /* simulated printer output */
	const char *config_file;    /* replaces the site layer */
	const char *assets_dir;
	const char *script;         /* scenario file (headless) */
	const char *screenshots;    /* screenshot folder */
	const char *report;         /* FIRST_FRAME/SCREEN lines: path or "-" */
	const char *gallery;        /* render every screen state into this folder */
	const char *board_url;      /* wall board: the hub's URL (--board) */
	const char *board_feed;     /* wall board: snapshots from a file */
	const char *board_gallery;  /* wall board: render its sample states here */
	const char *theme;          /* wall board: "default" or "hc" */
	const char *lang;           /* wall board: "vi" or "en" (default: ui_lang) */
	const char *audio_out;      /* wall board: each call's audio also as DIR/call-NNN.wav */
	bool first_boot;
	bool stats;                 /* print wakeups and frames at exit */
	bool self_test;             /* start, draw, health check, exit 0 or 3 */
	bool targets;               /* each screenshot also gets <name>.targets: one JSON
				     * line per touch target (rect, id, label) */
} app_options_t;

/* Run the kiosk; returns the process exit status. */
int app_run(const app_options_t *opt);

#endif
