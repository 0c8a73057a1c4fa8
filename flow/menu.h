/* menu.h - the staff and technician menus behind PINs, the PIN screen and
 * the first-boot set-up. Plugged into the session (menu_plug), they get the
 * taps and keys on the screens SCR_PIN, SCR_STAFF_MENU, SCR_TECH_MENU,
 * SCR_FIRST_BOOT and SCR_UPDATING (menu_tap / menu_key_*); ui/menus.c draws
 * them from this state.
 *
 * A citizen who finds the PIN screen learns nothing and changes nothing:
 * the screen is neutral, any wrong PIN only says "wrong PIN" (with no PIN
 * set at all the gesture opens the first-boot set-up instead), typed digits are wiped on every answer and whenever the
 * session ends, and the menus time out back to Welcome with the session's
 * idle limit. Everything the menus change goes through the PIN store, the
 * local configuration layer, the ledger (reprints) or the updater. */
#ifndef MENU_H
#define MENU_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/catalog.h"
#include "core/clock.h"
#include "domain/config.h"
#include "flow/corners.h"
#include "domain/ime.h"
#include "flow/session.h"
#include "flow/textfield.h"
#include "domain/staff.h"
#include "print/tickets.h"
#include "domain/touchcal.h"

/* What the menus need from the kiosk. Strings and objects are borrowed. */
typedef struct {
	const char *data_dir;        /* staff.json, local.json, the clock marker, logs/ */
	const catalog_t *cat;
	const config_t *cfg;
	tickets_t *tickets;          /* may be NULL (no reprints then) */
	staff_t *staff;
	const kclock_t *clock;
	/* The updater (update/): root of the slots, key folder,
	 * compatible file; the stick's mount point and the export mount. */
	const char *update_root, *update_keys, *compatible_file;
	const char *stick_dir, *export_dir;
	/* Optional root helper run as HELPER unmount DIR after an export
	 * (on the board; NULL in tests: the export folder is plain). */
	const char *mount_helper;
	/* The board's stick service (run folder, e.g. /run/kiosk) when the
	 * kiosk runs unprivileged: scan, install and export go through it
	 * (flow/menu_stick.c) and export_dir is a staging folder it copies
	 * from. NULL: the menu uses the stick and the slots itself. */
	const char *stick_service;
	/* Set the system clock (UTC ms): KIOSK_OK or an error. */
	int (*set_clock)(void *ctx, int64_t utc_ms);
	/* Reload the configuration layers after a local change and apply them
	 * everywhere at once: KIOSK_OK, or an error when only a restart can
	 * apply them (the kiosk then restarts by itself; the menu says so). */
	int (*reload_config)(void *ctx);
	/* Draw the current frame now (progress during a blocking install). */
	void (*redraw)(void *ctx);
	/* Sound (may be NULL: the menus then say nothing of it): whether an
	 * audio device opens; the technician's test (the chime and a spoken
	 * sentence): KIOSK_OK, KIOSK_ENODEV (no device) or an error. */
	bool (*sound_ready)(void *ctx);
	int (*sound_test)(void *ctx);
	void *ctx;
} menu_env_t;

typedef enum {
	MV_HOME,          /* the list of menu items */
	MV_REPRINT, MV_PAPER, MV_CLOCK,                      /* staff */
	MV_UPDATE, MV_VERSIONS, MV_EXPORT, MV_OFFICE, MV_HOURS, MV_PROCS, MV_CALIBRATE, MV_RESET, /* technician */
	MV_QUEUE, MV_COUNTERS, MV_COUNTER, MV_COUNTER_PIN, MV_COUNTER_PIN2, MV_POLICY, MV_BOARD, /* the office queue */
	/* first boot steps */
	FB_NAME, FB_STAFF_PIN, FB_STAFF_PIN2, FB_TECH_PIN, FB_TECH_PIN2, FB_CLOCK, FB_CLOCK_SET,
	FB_PRINTER,
	MV_COUNT
} menu_view_t;

#define MENU_MAX_CANDS 8
#define MENU_ENTRY_MAX 16 /* also HHMMHHMM HHMMHHMM for office hours */

typedef struct {
	char name[256];
	char type[8];         /* "app" | "data" */
	char version[40];
	bool candidate, newer;
	bool unsafe;          /* not a plain file or an odd name: skipped */
	char reason[256];     /* updater's own words (technician detail) */
} menu_cand_t;

typedef struct {
	char type[8];         /* "app" | "data" */
	char slot;            /* 'a' | 'b' */
	bool current;
	char version[40];
	char state[16];       /* good, pending, incomplete, bad, empty */
} menu_slot_t;

typedef struct menu {
	menu_env_t env;
	staff_role_t role;        /* who opened the menu (STAFF_NONE on the PIN screen) */
	menu_view_t view;
	char entry[MENU_ENTRY_MAX + 1]; /* digits typed: PIN, ticket number, date (DDMMYYYYHHMM) */
	char pin1[MENU_ENTRY_MAX + 1];  /* first-boot: the PIN typed first */
	char text[128];           /* office name being typed (NFC UTF-8) */
	textfield_t tf;           /* types into text */
	char series;              /* reprint: chosen series letter */
	const char *msg_key;      /* result or error message (i18n key), NULL = none */
	char msg_arg[300];        /* {detail} of the message: data only (numbers, a file name) */
	const char *msg_arg_key;  /* or an i18n key whose text is the {detail}, NULL = none */
	bool msg_error;
	bool confirm;             /* a second tap confirms (rollback, reset) */
	int page;                 /* procedures list page */
	int hours_sat;            /* hours: 0 editing Monday-Friday, 1 Saturday */
	/* stick scan and install */
	menu_cand_t cands[MENU_MAX_CANDS];
	int ncands;
	bool scanned;
	int percent;              /* install progress 0..100 */
	int64_t started_mono;
	int64_t eta_ms;           /* -1 unknown */
	char phase[16];
	/* versions */
	menu_slot_t slots[4];
	int nslots;
	char last_failure[256];   /* the updater's own words (English, for kiosk.log) */
	const char *failure_key;  /* what the screen says of it (menu_failure_key) */
	char failure_type[8], failure_version[40];
	int tries_left;
	bool first_boot;          /* set-up runs; afterwards the session resets */
	char printer_profile[16];
	corners_t corners;
	/* touch calibration: the one in use, and the check in progress */
	touchcal_t cal;
	int cal_step;             /* crosses touched so far, 0..4 */
	int cal_rx[4], cal_ry[4]; /* raw presses */
	printer_state_t paper;    /* printer state shown by the paper view */
	bool no_audio;            /* the paper view found no audio device */
	int counter;              /* the counter being set (MV_COUNTER, its PIN) */
	bool counter_pin[CONFIG_COUNTER_ID_MAX + 1]; /* which counters have a PIN, read when the list opens */
} menu_t;

/* Create the menus; env is copied. NULL when out of memory. */
menu_t *menu_create(const menu_env_t *env);
void menu_destroy(menu_t *m);

/* Show the updating screen with progress from the board's stick updater
 * (a root service, followed through /run/kiosk/ans/update.status). */
void menu_show_progress(menu_t *m, session_t *s, int percent, const char *phase);

/* The screen is one of the five the menus own. */
bool menu_owns(screen_t scr);

/* Raw press at logical (x, y) on a w x h screen, before hit testing. True
 * when it completed the corner sequence and the PIN screen opened. */
bool menu_press(menu_t *m, session_t *s, int x, int y, int w, int h, int zone);
/* Touch calibration applied to a touch (not during the calibration check
 * itself, which needs raw positions). */
void menu_correct(const menu_t *m, const session_t *s, int *x, int *y);
/* Ctrl+Alt+M, or the corner sequence: wipe any citizen session and show the
 * PIN screen (not while printing, updating or in set-up); the first-boot
 * set-up instead when no PINs are set yet. */
void menu_open_pin(menu_t *m, session_t *s);
/* Start the first-boot set-up. */
void menu_first_boot(menu_t *m, session_t *s);
/* Show a message (i18n key, {detail} = arg) on the menu's current screen,
 * e.g. why the first-boot screen came back. */
void menu_notice(menu_t *m, const char *key, const char *arg);

/* Vietnam time as staff write it: "dd/mm/yyyy hh:mm". */
void menu_format_time(int64_t utc_ms, char *buf, size_t cap);

/* The i18n key of a printer state's sentence ("menu.printer_*"). */
const char *menu_printer_key(printer_state_t st);

/* What the paper view says besides m->paper, read when it is drawn (the
 * ledger's flags, no device I/O), so the screens call no print service. */
typedef struct {
	bool printer;              /* false: no printer is set up (nothing else is read) */
	bool clock_warning;        /* the clock looks wrong to the ledger */
	bool day_rewound;          /* the clock went back past midnight */
	bool storage_warning;      /* a ledger write is pending */
	int storage_error;         /* KIOSK_OK or the ledger's last error code */
} menu_paper_facts_t;
void menu_paper_facts(const menu_t *m, menu_paper_facts_t *out);

/* Plug the menus into the session (session_plug): it hands them the taps
 * and keys on their screens and the end of every session. m outlives the
 * plug; session_plug(s, NULL) unplugs. */
void menu_plug(menu_t *m, session_t *s);

/* Taps and keys on the menus' screens. True when handled. */
bool menu_tap(menu_t *m, session_t *s, const char *target);
void menu_key_char(menu_t *m, session_t *s, char c);
void menu_key_special(menu_t *m, session_t *s, session_skey_t k);

/* The session ended (timeout, exit): wipe typed digits and text. */
void menu_wipe(menu_t *m);

/* The app reopened its tickets module (factory reset): t from now on
 * (borrowed, may be NULL). */
void menu_set_tickets(menu_t *m, tickets_t *t);

/* ---- pieces exposed for tests and the UI ---- */

#define MENU_PROCS_PAGE 4

/* Offer or withdraw one procedure (office.procedures in the local layer).
 * KIOSK_EINVAL for an unknown id or when it would leave nothing offered;
 * KIOSK_EBUSY when it was saved and only a restart applies it. */
int menu_toggle_proc(menu_t *m, const char *proc_id);

/* Set the opening hours of Monday-Friday (saturday false) or Saturday from
 * digits "HHMMHHMM" (one period) or "HHMMHHMMHHMMHHMM" (two); "" closes
 * Saturday. Other days keep their hours. KIOSK_EINVAL for bad times;
 * KIOSK_EBUSY when saved and only a restart applies them. */
int menu_set_hours(menu_t *m, bool saturday, const char *digits);

/* The office queue's settings (flow/menu_queue.c), each written to the
 * local layer from e->cfg; the caller reloads. Add: the lowest free id,
 * serving every group (KIOSK_ERANGE when no more fit). Remove: also forgets
 * its PIN. Group: serve it or not (KIOSK_EINVAL for a counter's last group,
 * KIOSK_ERANGE past CONFIG_COUNTER_GROUPS, KIOSK_ENOENT for an unknown
 * counter or group). Step: one step up (dir > 0) or down of
 * queue.regular_per_priority, queue.absent_window, voice.volume,
 * voice.repeat or voice.rate (KIOSK_ERANGE at the end of its range). */
#define MENU_COUNTERS_PAGE 6
int menu_q_counter_add(const menu_env_t *e, int *id);
int menu_q_counter_remove(const menu_env_t *e, int id);
int menu_q_counter_group(const menu_env_t *e, int id, const char *group);
int menu_q_step(const menu_env_t *e, const char *key, int dir);

/* The office name being typed plus the word in composition. */
void menu_text_display(const menu_t *m, char *buf, size_t cap);

/* Daily statistics export: <dir>/kiosk-stats-<yyyymmdd>.csv (UTF-8 with a
 * BOM, one row per day and series, no personal data) and a copy of the
 * logs; files and folder synced. *files gets how many were written. */
int menu_export(const menu_env_t *e, int *files, char *err, size_t errlen);

/* Updater access (flow/menu_update.c); KIOSK_ENOENT with a reason when
 * this build has no updater library (menu_upd_available false). */
bool menu_upd_available(void);
int menu_upd_scan(const menu_env_t *e, menu_cand_t *out, int max, int *n, char *err,
		  size_t errlen);
typedef void (*menu_progress_fn)(void *user, int percent, const char *phase);
int menu_upd_install(const menu_env_t *e, bool reinstall, menu_progress_fn fn, void *user,
		     char *msg, size_t msglen, char *err, size_t errlen);
int menu_upd_status(const menu_env_t *e, menu_slot_t *out, int max, int *n, int *tries_left,
		    char *last_failure, size_t lflen, char *err, size_t errlen);
int menu_upd_rollback(const menu_env_t *e, char *err, size_t errlen);

/* The updater records its last failure in English for the logs ("app 1.2.0
 * did not pass its health check after 3 starts; rolled back to 1.1.0"). A
 * staff screen says it in the translation files' words: the kind of failure
 * as an i18n key ("menu.fail_*"), with the pair ("app"/"data", else "") and
 * the version read off the record (else ""). NULL when raw is empty. */
const char *menu_failure_key(const char *raw, char *type, size_t tlen, char *version,
			     size_t vlen);

/* The same through the board's stick service (env.stick_service set;
 * flow/menu_stick.c). menu_svc_export asks the service to copy what
 * menu_export staged in export_dir to the stick, calls alive(ctx) every
 * second while it waits, and clears the staging folder. */
int menu_svc_scan(const menu_env_t *e, menu_cand_t *out, int max, int *n, char *err, size_t errlen);
int menu_svc_install(const menu_env_t *e, bool reinstall, menu_progress_fn fn, void *user,
		     char *msg, size_t msglen, char *err, size_t errlen);
int menu_svc_export(const menu_env_t *e, void (*alive)(void *), void *ctx, char *err, size_t errlen);

#endif
