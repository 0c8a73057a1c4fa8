/* config.h - run-time configuration in three layers: compiled defaults, the
 * site's JSON (assets/site.json, or --config FILE), and local changes made
 * from the technician menu (<data>/local.json, never touched by updates).
 * Schema: assets/config.schema.json and README.md. */
#ifndef CONFIG_H
#define CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define CONFIG_MAX_PERIODS 4
#define CONFIG_MAX_PROCS 64
#define CONFIG_MAX_USB 8
#define CONFIG_MAX_COUNTERS 64   /* entries of counters[]; their ids are 1..CONFIG_COUNTER_ID_MAX */
#define CONFIG_COUNTER_ID_MAX 99
#define CONFIG_COUNTER_GROUPS 8
#define CONFIG_MAX_LISTEN 4

typedef struct {
	int start_min, end_min;   /* minutes since local midnight, start < end */
} config_period_t;

/* One counter of the office queue (counters[]). */
typedef struct {
	int id;                      /* 1..CONFIG_COUNTER_ID_MAX, unique */
	char name[2][64];            /* [LANG_VI], [LANG_EN]; "" = not given */
	char groups[CONFIG_COUNTER_GROUPS][32]; /* catalog group ids it serves */
	int group_count;
} config_counter_t;

typedef struct {
	/* printer */
	char printer_transport[8];   /* auto | usb | file */
	char printer_profile[16];    /* 80mm | 58mm */
	char printer_usb_allow[CONFIG_MAX_USB][10]; /* "0416:5011" */
	int printer_usb_allow_count;
	/* panel */
	double panel_diagonal_in;    /* default 21.5 */
	int panel_width, panel_height; /* native mode, default 1920x1080 */
	int panel_rotation;          /* 0, 90, 180, 270 */
	/* session */
	int session_idle_s;          /* 60..1200, default 120 */
	int session_help_idle_s;     /* help and error screens, default 600 */
	int session_warning_s;       /* >= 30, default 30 */
	int session_ticket_s;        /* ticket screen, default 60 */
	/* touch */
	int touch_repeat_ms;         /* buttons, default 500 */
	int touch_key_repeat_ms;     /* keyboard keys, default 250 */
	/* input method */
	char ime_tone_style[4];      /* old | new */
	char ime_method[8];          /* physical keyboard default: telex | vni | plain */
	/* office */
	char office_name[128];
	char office_kiosk_name[64];  /* this kiosk's name on the counter pages' help calls; "" = "Ki-ốt" */
	config_period_t office_hours[7][CONFIG_MAX_PERIODS]; /* [0] = Sunday */
	int office_hours_count[7];
	bool office_lunch_tickets;   /* numbers for the afternoon during lunch, default true */
	char office_procedures[CONFIG_MAX_PROCS][32]; /* offered ids; none = all */
	int office_procedures_count;
	/* queue */
	int queue_daily_cap;         /* per series; 0 = none */
	int queue_regular_per_priority; /* office queue: a priority call after this many regular ones */
	int queue_absent_window;     /* office queue: later calls an absent ticket stays callable */
	/* the office queue's counters (help calls go to them when there are some) */
	config_counter_t counters[CONFIG_MAX_COUNTERS];
	int counters_count;
	/* the office hub (kiosk-hub) */
	bool hub_enabled;            /* documentation of intent: systemd's unit is what starts it */
	char hub_listen[CONFIG_MAX_LISTEN][64]; /* "addr:port" */
	int hub_listen_count;
	int hub_session_idle_min;    /* a counter's session ends after this long unused, default 240 */
	char queue_priority[8];      /* none | series | mark */
	char queue_priority_letter;  /* with series */
	/* ui */
	char ui_lang[4];             /* default language: vi | en */
	/* scanner */
	char scanner_device[128];    /* serial device path, "" = none */
	char scanner_usb[10];        /* "VID:PID" of a HID-mode scanner, "" = none */
	/* logs */
	int log_max_kb;              /* per file, two files kept */
	/* voice (the wall board's spoken calls, docs/voice.md) */
	char voice_device[64];       /* SDL audio device name; "" = the default one, "none" = silent */
	int voice_volume;            /* 0..200, 100 normal */
	int voice_repeat;            /* times a call is said after its chime, 0..5, default 2 */
	int voice_rate;              /* words per minute, 80..450, default 150 */
	config_period_t voice_quiet; /* quiet hours: chime only; {-1,-1} = none; start > end runs over midnight */
	bool voice_read_screens;     /* the kiosk reads each new citizen screen aloud by itself */
	/* fleet agent (docs/fleet.md): off while broker or id is "" */
	char fleet_broker[128];      /* "host:port" */
	char fleet_id[64];           /* the kiosk's name at the broker, a topic level */
	char fleet_group[64];        /* the push group of data bundles ("" = only "all") */
	char fleet_ca[128];          /* CA file that signed the broker's certificate */
	char fleet_cert[128];        /* this kiosk's client certificate (PEM) */
	char fleet_key[128];         /* its private key (PEM) */
	bool fleet_tls;              /* default true; false = plain TCP, for tests only */
	int fleet_heartbeat_min;     /* minutes between heartbeats, default 15 */
} config_t;

/* Fill cfg with the compiled defaults. */
void config_defaults(config_t *cfg);

/* Overlay one JSON layer (a file) onto cfg. A missing file is KIOSK_ENOENT
 * (callers decide whether that matters); any unknown key or wrong type is
 * KIOSK_EINVAL with "FILE: key.path: problem" in err. cfg is unchanged on
 * failure. */
int config_overlay_file(config_t *cfg, const char *path, char *err, size_t errlen);

/* The same for JSON text held in memory; name is used in messages. */
int config_overlay_text(config_t *cfg, const char *name, const char *json, char *err, size_t errlen);

/* Load all layers: defaults, site (must exist), local (optional). On
 * failure cfg holds the layers that loaded before the failing one. */
int config_load(config_t *cfg, const char *site_path, const char *local_path, char *err,
		size_t errlen);

/* Set one key in the local layer file (atomic write: temp, fsync, rename),
 * e.g. config_set_local(path, "office.name", "\"UBND xã A\""). value is JSON.
 * The key and value are validated like any layer; the other keys of the
 * file are kept. json_value NULL removes the key (back to the site value).
 * A local file that does not parse is reported and left as it is. */
int config_set_local(const char *local_path, const char *key, const char *json_value, char *err,
		     size_t errlen);

/* The local layer's path, <data_dir>/local.json, into buf (the one place
 * that names the file). KIOSK_ERANGE when it does not fit (buf holds "" then). */
int config_local_path(const char *data_dir, char *buf, size_t len);

/* The i-th known key path ("session.idle_s"), NULL past the last one. */
const char *config_key(size_t i);

/* The counter with this id, NULL when none. */
const config_counter_t *config_counter(const config_t *cfg, int id);

/* counters[] as the JSON value of the local layer's "counters" (malloc'd,
 * NULL when out of memory): what the menu writes after changing a copy. */
char *config_counters_json(const config_counter_t *cs, int n);

/* True when the procedure id is offered at this office. */
bool config_offers(const config_t *cfg, const char *proc_id);

#endif
