/* config.c - run-time configuration: compiled defaults, then the site layer,
 * then the local layer, each a JSON document whose object nesting gives the
 * dotted key paths of config.h. Every key is described once in a table
 * (type, range, where it lives in config_t); the overlay walks the JSON,
 * checks each value against the table and applies it to a copy, so a bad
 * layer leaves the configuration untouched. */
#include "domain/config.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/kiosk.h"
#include "core/text.h"
#include "domain/outbox.h"

#define CONFIG_MAX_FILE (1024 * 1024)

typedef enum {
	K_INT,      /* integer in [min, max] */
	K_INTSET,   /* integer from a list (choices as text) */
	K_NUM,      /* number in [min, max] */
	K_ENUM,     /* string from a list */
	K_STR,      /* free UTF-8 text (NFC-normalised), at most size-1 bytes */
	K_PATH,     /* "" or an absolute path */
	K_USBID,    /* "" or "VVVV:PPPP" */
	K_USBLIST,  /* array of "VVVV:PPPP" */
	K_LETTER,   /* one letter A-Z */
	K_PROCS,    /* array of procedure ids */
	K_HOURS,    /* the week's opening periods */
	K_BOOL,     /* true | false */
	K_SPAN,     /* "" or "HH:MM-HH:MM" (may run over midnight) */
	K_HOSTPORT, /* "" or "host:port" (host of A-Z a-z 0-9 . -, port 1-65535) */
	K_IDENT,    /* "" or 1-63 of A-Z a-z 0-9 _ - . (an MQTT topic level) */
	K_LISTEN,   /* array of "addr:port" */
	K_COUNTERS, /* the counters: [{id, name: {vi, en}, groups: [...]}] */
} kind_t;

typedef struct {
	const char *key;
	kind_t kind;
	double min, max;
	const char *choices; /* K_ENUM / K_INTSET: "a|b|c" */
	size_t off;          /* offset in config_t */
	size_t size;         /* size of a char field */
} ckey_t;

#define F(field) offsetof(config_t, field), sizeof(((config_t *)0)->field)
#define FI(field) offsetof(config_t, field), 0

static const ckey_t KEYS[] = {
	{"printer.transport", K_ENUM, 0, 0, "auto|usb|file", F(printer_transport)},
	{"printer.profile", K_ENUM, 0, 0, "80mm|58mm", F(printer_profile)},
	{"printer.usb_allow", K_USBLIST, 0, CONFIG_MAX_USB, NULL, FI(printer_usb_allow)},
	{"panel.diagonal_in", K_NUM, 7, 100, NULL, FI(panel_diagonal_in)},
	{"panel.width", K_INT, 240, 8192, NULL, FI(panel_width)},
	{"panel.height", K_INT, 240, 8192, NULL, FI(panel_height)},
	{"panel.rotation", K_INTSET, 0, 0, "0|90|180|270", FI(panel_rotation)},
	{"session.idle_s", K_INT, 60, 1200, NULL, FI(session_idle_s)},
	{"session.help_idle_s", K_INT, 60, 3600, NULL, FI(session_help_idle_s)},
	{"session.warning_s", K_INT, 30, 120, NULL, FI(session_warning_s)},
	{"session.ticket_s", K_INT, 10, 600, NULL, FI(session_ticket_s)},
	{"touch.repeat_ms", K_INT, 0, 2000, NULL, FI(touch_repeat_ms)},
	{"touch.key_repeat_ms", K_INT, 0, 2000, NULL, FI(touch_key_repeat_ms)},
	{"ime.tone_style", K_ENUM, 0, 0, "old|new", F(ime_tone_style)},
	{"ime.method", K_ENUM, 0, 0, "telex|vni|plain", F(ime_method)},
	{"office.name", K_STR, 0, 0, NULL, F(office_name)},
	{"office.kiosk_name", K_STR, 0, 0, NULL, F(office_kiosk_name)},
	{"office.hours", K_HOURS, 0, 0, NULL, FI(office_hours)},
	{"office.lunch_tickets", K_BOOL, 0, 0, NULL, FI(office_lunch_tickets)},
	{"office.procedures", K_PROCS, 0, CONFIG_MAX_PROCS, NULL, FI(office_procedures)},
	{"hub.enabled", K_BOOL, 0, 0, NULL, FI(hub_enabled)},
	{"hub.listen", K_LISTEN, 1, CONFIG_MAX_LISTEN, NULL, FI(hub_listen)},
	{"hub.session_idle_minutes", K_INT, 1, 24 * 60, NULL, FI(hub_session_idle_min)},
	{"counters", K_COUNTERS, 0, CONFIG_MAX_COUNTERS, NULL, FI(counters)},
	{"queue.daily_cap", K_INT, 0, 999, NULL, FI(queue_daily_cap)},
	{"queue.regular_per_priority", K_INT, 0, 99, NULL, FI(queue_regular_per_priority)},
	{"queue.absent_window", K_INT, 0, 99, NULL, FI(queue_absent_window)},
	{"queue.priority", K_ENUM, 0, 0, "none|series|mark", F(queue_priority)},
	{"queue.priority_letter", K_LETTER, 0, 0, NULL, FI(queue_priority_letter)},
	{"ui.lang", K_ENUM, 0, 0, "vi|en", F(ui_lang)},
	{"scanner.device", K_PATH, 0, 0, NULL, F(scanner_device)},
	{"scanner.usb", K_USBID, 0, 0, NULL, F(scanner_usb)},
	{"log.max_kb", K_INT, 16, 10240, NULL, FI(log_max_kb)},
	{"voice.device", K_STR, 0, 0, NULL, F(voice_device)},
	{"voice.volume", K_INT, 0, 200, NULL, FI(voice_volume)},
	{"voice.repeat", K_INT, 0, 5, NULL, FI(voice_repeat)},
	{"voice.rate", K_INT, 80, 450, NULL, FI(voice_rate)},
	{"voice.quiet", K_SPAN, 0, 0, NULL, FI(voice_quiet)},
	{"voice.read_screens", K_BOOL, 0, 0, NULL, FI(voice_read_screens)},
	{"fleet.broker", K_HOSTPORT, 0, 0, NULL, F(fleet_broker)},
	{"fleet.id", K_IDENT, 0, 0, NULL, F(fleet_id)},
	{"fleet.group", K_IDENT, 0, 0, NULL, F(fleet_group)},
	{"fleet.ca", K_PATH, 0, 0, NULL, F(fleet_ca)},
	{"fleet.cert", K_PATH, 0, 0, NULL, F(fleet_cert)},
	{"fleet.key", K_PATH, 0, 0, NULL, F(fleet_key)},
	{"fleet.tls", K_BOOL, 0, 0, NULL, FI(fleet_tls)},
	{"fleet.heartbeat_min", K_INT, 1, 1440, NULL, FI(fleet_heartbeat_min)},
};

static const char *const DAY_KEYS[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

const char *config_key(size_t i)
{
	return i < KIOSK_ARRAY_LEN(KEYS) ? KEYS[i].key : NULL;
}

/* ---- defaults ---------------------------------------------------------- */

void config_defaults(config_t *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	snprintf(cfg->printer_transport, sizeof cfg->printer_transport, "auto");
	snprintf(cfg->printer_profile, sizeof cfg->printer_profile, "80mm");
	cfg->panel_diagonal_in = 21.5;
	cfg->panel_width = 1920;
	cfg->panel_height = 1080;
	cfg->panel_rotation = 0;
	cfg->session_idle_s = 120;
	cfg->session_help_idle_s = 600;
	cfg->session_warning_s = 30;
	cfg->session_ticket_s = 60;
	cfg->touch_repeat_ms = 500;
	cfg->touch_key_repeat_ms = 250;
	snprintf(cfg->ime_tone_style, sizeof cfg->ime_tone_style, "old");
	snprintf(cfg->ime_method, sizeof cfg->ime_method, "telex");
	/* Monday to Friday 07:30-11:30 and 13:30-17:00, Saturday morning. */
	for (int d = 1; d <= 5; d++) {
		cfg->office_hours[d][0] = (config_period_t){7 * 60 + 30, 11 * 60 + 30};
		cfg->office_hours[d][1] = (config_period_t){13 * 60 + 30, 17 * 60};
		cfg->office_hours_count[d] = 2;
	}
	cfg->office_hours[6][0] = (config_period_t){7 * 60 + 30, 11 * 60 + 30};
	cfg->office_hours_count[6] = 1;
	cfg->office_lunch_tickets = true;
	cfg->queue_daily_cap = 500;
	cfg->queue_regular_per_priority = 2;
	cfg->queue_absent_window = 5;
	snprintf(cfg->hub_listen[0], sizeof cfg->hub_listen[0], "127.0.0.1:8080");
	cfg->hub_listen_count = 1;
	cfg->hub_session_idle_min = 240;
	snprintf(cfg->queue_priority, sizeof cfg->queue_priority, "mark");
	cfg->queue_priority_letter = 'U';
	snprintf(cfg->ui_lang, sizeof cfg->ui_lang, "vi");
	cfg->log_max_kb = 512;
	cfg->voice_volume = 100;
	cfg->voice_repeat = 2;
	cfg->voice_rate = 150;
	cfg->voice_quiet = (config_period_t){-1, -1};
	cfg->fleet_tls = true;
	cfg->fleet_heartbeat_min = 15;
}

/* ---- errors ------------------------------------------------------------ */

typedef struct {
	const char *name; /* file name for messages */
	char *err;
	size_t errlen;
} ctx_t;

__attribute__((format(printf, 3, 4))) static int fail(ctx_t *c, const char *path, const char *fmt,
						       ...)
{
	if (c->err && c->errlen) {
		int n = snprintf(c->err, c->errlen, "%s: %s%s", c->name, path ? path : "",
				 path ? ": " : "");
		if (n >= 0 && (size_t)n < c->errlen) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return KIOSK_EINVAL;
}

static int choice_index(const char *choices, const char *s)
{
	size_t len = strlen(s);
	int i = 0;
	for (const char *p = choices; *p; i++) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		if (n == len && memcmp(p, s, n) == 0)
			return i;
		if (!bar)
			break;
		p = bar + 1;
	}
	return -1;
}

/* "a|b|c" -> "a, b or c" (quoted: "\"a\", \"b\" or \"c\"") */
static const char *choices_text(const char *choices, bool quoted, char *buf, size_t cap)
{
	size_t o = 0;
	const char *last = strrchr(choices, '|');
	if (quoted)
		buf[o++] = '"';
	for (const char *p = choices; *p && o + 10 < cap; p++) {
		if (*p == '|') {
			const char *sep = quoted ? (p == last ? "\" or \"" : "\", \"")
						 : (p == last ? " or " : ", ");
			size_t n = strlen(sep);
			memcpy(buf + o, sep, n);
			o += n;
		} else {
			buf[o++] = *p;
		}
	}
	if (quoted)
		buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

/* ---- value checks ------------------------------------------------------- */

static bool is_int(const cJSON *v, double min, double max, int *out)
{
	if (!cJSON_IsNumber(v))
		return false;
	double d = v->valuedouble;
	if (!(d >= min && d <= max) || d != floor(d))
		return false;
	*out = (int)d;
	return true;
}

static bool parse_usbid(const char *s, char out[10])
{
	if (strlen(s) != 9 || s[4] != ':')
		return false;
	for (int i = 0; i < 9; i++) {
		if (i == 4)
			continue;
		char ch = s[i];
		bool hex = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
			   (ch >= 'A' && ch <= 'F');
		if (!hex)
			return false;
		out[i] = (ch >= 'A' && ch <= 'F') ? (char)(ch - 'A' + 'a') : ch;
	}
	out[4] = ':';
	out[9] = '\0';
	return true;
}

/* "HH:MM" -> minutes; "24:00" only when allow_24. */
static int parse_hhmm(const char *s, bool allow_24)
{
	if (strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0');
	int m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59)
		return -1;
	if (h == 24 && m == 0 && allow_24)
		return 24 * 60;
	if (h > 23)
		return -1;
	return h * 60 + m;
}

static bool proc_id_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= sizeof(((config_t *)0)->office_procedures[0]))
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.'))
			return false;
	}
	return true;
}

static int apply_hours(ctx_t *c, config_t *cfg, const cJSON *v, const char *path)
{
	if (!cJSON_IsObject(v))
		return fail(c, path, "must be an object with keys mon, tue, wed, thu, fri, sat, sun");
	config_period_t hours[7][CONFIG_MAX_PERIODS];
	int count[7] = {0};
	memset(hours, 0, sizeof hours);
	bool seen[7] = {false};
	char p[96];
	const cJSON *day;
	cJSON_ArrayForEach(day, v)
	{
		int d = -1;
		for (int i = 0; i < 7; i++)
			if (strcmp(day->string, DAY_KEYS[i]) == 0)
				d = i;
		snprintf(p, sizeof p, "%s.%s", path, day->string);
		if (d < 0)
			return fail(c, p, "unknown day (use mon, tue, wed, thu, fri, sat, sun)");
		if (seen[d])
			return fail(c, p, "duplicate key");
		seen[d] = true;
		if (!cJSON_IsArray(day))
			return fail(c, p, "must be an array of [\"HH:MM\", \"HH:MM\"] periods");
		int n = cJSON_GetArraySize(day);
		if (n > CONFIG_MAX_PERIODS)
			return fail(c, p, "at most %d periods a day", CONFIG_MAX_PERIODS);
		for (int i = 0; i < n; i++) {
			const cJSON *per = cJSON_GetArrayItem(day, i);
			snprintf(p, sizeof p, "%s.%s[%d]", path, day->string, i);
			const cJSON *a = cJSON_GetArrayItem(per, 0), *b = cJSON_GetArrayItem(per, 1);
			if (!cJSON_IsArray(per) || cJSON_GetArraySize(per) != 2 || !cJSON_IsString(a) ||
			    !cJSON_IsString(b))
				return fail(c, p, "must be a pair [\"HH:MM\", \"HH:MM\"]");
			int s = parse_hhmm(a->valuestring, false);
			int e = parse_hhmm(b->valuestring, true);
			if (s < 0 || e < 0)
				return fail(c, p, "times must be HH:MM (00:00 to 23:59, or 24:00 as an end)");
			if (s >= e)
				return fail(c, p, "the start must be before the end");
			if (i > 0 && s < hours[d][i - 1].end_min)
				return fail(c, p, "periods must be in order and must not overlap");
			hours[d][i] = (config_period_t){s, e};
		}
		count[d] = n;
	}
	/* The layer gives the whole week: a day it leaves out is closed. */
	memcpy(cfg->office_hours, hours, sizeof hours);
	memcpy(cfg->office_hours_count, count, sizeof count);
	return KIOSK_OK;
}

/* "" or host:port: a host of A-Z a-z 0-9 . - and a port 1-65535. */
static bool hostport_ok(const char *s, size_t cap)
{
	if (!*s)
		return true;
	if (strlen(s) >= cap)
		return false;
	const char *colon = strrchr(s, ':');
	if (!colon || colon == s)
		return false;
	for (const char *p = s; p < colon; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '.' || *p == '-'))
			return false;
	char *end;
	errno = 0;
	long port = strtol(colon + 1, &end, 10);
	return colon[1] >= '0' && colon[1] <= '9' && !*end && !errno && port >= 1 && port <= 65535;
}

/* A UTF-8 text value (NFC-normalised, no control characters) into
 * out[cap]. */
static int text_value(ctx_t *c, const char *path, const cJSON *v, char *out, size_t cap)
{
	if (!cJSON_IsString(v))
		return fail(c, path, "must be a string");
	char *n = text_nfc(v->valuestring);
	if (!n)
		return fail(c, path, "must be valid UTF-8 text");
	if (strlen(n) >= cap) {
		free(n);
		return fail(c, path, "must be at most %zu bytes of UTF-8", cap - 1);
	}
	for (const char *q = n; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f) {
			free(n);
			return fail(c, path, "must not contain control characters");
		}
	snprintf(out, cap, "%s", n);
	free(n);
	return KIOSK_OK;
}

/* One entry of counters[] (at path "counters[i]") into *out; seen holds the
 * ids of the entries before it. */
static int counter_value(ctx_t *c, const char *path, const cJSON *e, const config_counter_t *before,
			 int nbefore, config_counter_t *out)
{
	if (!cJSON_IsObject(e))
		return fail(c, path, "must be an object {\"id\", \"name\", \"groups\"}");
	memset(out, 0, sizeof *out);
	char sub[96];
	const cJSON *it;
	bool have_id = false;
	cJSON_ArrayForEach(it, e) {
		snprintf(sub, sizeof sub, "%s.%s", path, it->string);
		for (const cJSON *o = e->child; o != it; o = o->next)
			if (strcmp(o->string, it->string) == 0)
				return fail(c, sub, "duplicate key");
		if (!strcmp(it->string, "id")) {
			if (!is_int(it, 1, CONFIG_COUNTER_ID_MAX, &out->id))
				return fail(c, sub, "must be an integer from 1 to %d", CONFIG_COUNTER_ID_MAX);
			for (int i = 0; i < nbefore; i++)
				if (before[i].id == out->id)
					return fail(c, sub, "counter %d is listed twice", out->id);
			have_id = true;
		} else if (!strcmp(it->string, "name")) {
			if (!cJSON_IsObject(it))
				return fail(c, sub, "must be an object {\"vi\": \"...\", \"en\": \"...\"}");
			const cJSON *l;
			cJSON_ArrayForEach(l, it) {
				int lang = !strcmp(l->string, "vi") ? 0 : !strcmp(l->string, "en") ? 1 : -1;
				char lp[112];
				snprintf(lp, sizeof lp, "%s.%s", sub, l->string);
				if (lang < 0)
					return fail(c, lp, "unknown language (vi or en)");
				int rc = text_value(c, lp, l, out->name[lang], sizeof out->name[lang]);
				if (rc != KIOSK_OK)
					return rc;
			}
		} else if (!strcmp(it->string, "groups")) {
			if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) > CONFIG_COUNTER_GROUPS)
				return fail(c, sub, "must be an array of at most %d group ids",
					    CONFIG_COUNTER_GROUPS);
			const cJSON *g;
			cJSON_ArrayForEach(g, it) {
				const char *id = cJSON_GetStringValue(g);
				if (!id || !id[0] || strlen(id) >= sizeof out->groups[0] ||
				    !text_utf8_valid(id, strlen(id)))
					return fail(c, sub, "must hold group ids of 1 to %zu bytes",
						    sizeof out->groups[0] - 1);
				for (int i = 0; i < out->group_count; i++)
					if (!strcmp(out->groups[i], id))
						return fail(c, sub, "group %s is listed twice", id);
				snprintf(out->groups[out->group_count++], sizeof out->groups[0], "%s", id);
			}
		} else {
			return fail(c, sub, "unknown key");
		}
	}
	if (!have_id)
		return fail(c, path, "needs an \"id\" (1 to %d)", CONFIG_COUNTER_ID_MAX);
	return KIOSK_OK;
}

static int apply(ctx_t *c, config_t *cfg, const ckey_t *k, const cJSON *v)
{
	char *base = (char *)cfg + k->off;
	const char *path = k->key;
	char buf[96];
	int iv;
	switch (k->kind) {
	case K_INT:
		if (!is_int(v, k->min, k->max, &iv))
			return fail(c, path, "must be an integer from %.0f to %.0f", k->min, k->max);
		*(int *)base = iv;
		return KIOSK_OK;
	case K_INTSET:
		if (!is_int(v, INT_MIN, INT_MAX, &iv))
			return fail(c, path, "must be %s",
				    choices_text(k->choices, false, buf, sizeof buf));
		snprintf(buf, sizeof buf, "%d", iv);
		if (choice_index(k->choices, buf) < 0)
			return fail(c, path, "must be %s",
				    choices_text(k->choices, false, buf, sizeof buf));
		*(int *)base = iv;
		return KIOSK_OK;
	case K_NUM:
		if (!cJSON_IsNumber(v) || !(v->valuedouble >= k->min && v->valuedouble <= k->max))
			return fail(c, path, "must be a number from %g to %g", k->min, k->max);
		*(double *)base = v->valuedouble;
		return KIOSK_OK;
	case K_ENUM:
		if (!cJSON_IsString(v) || choice_index(k->choices, v->valuestring) < 0)
			return fail(c, path, "must be %s",
				    choices_text(k->choices, true, buf, sizeof buf));
		snprintf(base, k->size, "%s", v->valuestring);
		return KIOSK_OK;
	case K_STR:
		return text_value(c, path, v, base, k->size);
	case K_PATH: {
		if (!cJSON_IsString(v))
			return fail(c, path, "must be a string");
		const char *s = v->valuestring;
		size_t n = strlen(s);
		if (n >= k->size || (n > 0 && s[0] != '/') || !text_utf8_valid(s, n))
			return fail(c, path, "must be \"\" or an absolute path of at most %zu bytes",
				    k->size - 1);
		snprintf(base, k->size, "%s", s);
		return KIOSK_OK;
	}
	case K_USBID: {
		char id[10];
		if (!cJSON_IsString(v))
			return fail(c, path, "must be a string \"VVVV:PPPP\" (hex) or \"\"");
		if (v->valuestring[0] == '\0') {
			base[0] = '\0';
			return KIOSK_OK;
		}
		if (!parse_usbid(v->valuestring, id))
			return fail(c, path, "must be a string \"VVVV:PPPP\" (hex) or \"\"");
		snprintf(base, k->size, "%s", id);
		return KIOSK_OK;
	}
	case K_USBLIST: {
		if (!cJSON_IsArray(v))
			return fail(c, path, "must be an array of \"VVVV:PPPP\" (hex) strings");
		int n = cJSON_GetArraySize(v);
		if (n > CONFIG_MAX_USB)
			return fail(c, path, "at most %d entries", CONFIG_MAX_USB);
		char ids[CONFIG_MAX_USB][10];
		for (int i = 0; i < n; i++) {
			const cJSON *e = cJSON_GetArrayItem(v, i);
			if (!cJSON_IsString(e) || !parse_usbid(e->valuestring, ids[i])) {
				snprintf(buf, sizeof buf, "%s[%d]", path, i);
				return fail(c, buf, "must be a string \"VVVV:PPPP\" (hex)");
			}
		}
		memcpy(cfg->printer_usb_allow, ids, sizeof ids[0] * (size_t)n);
		cfg->printer_usb_allow_count = n;
		return KIOSK_OK;
	}
	case K_LETTER: {
		const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
		if (!s || strlen(s) != 1 || s[0] < 'A' || s[0] > 'Z')
			return fail(c, path, "must be one capital letter \"A\" to \"Z\"");
		*base = s[0];
		return KIOSK_OK;
	}
	case K_PROCS: {
		if (!cJSON_IsArray(v))
			return fail(c, path, "must be an array of procedure ids");
		int n = cJSON_GetArraySize(v);
		if (n > CONFIG_MAX_PROCS)
			return fail(c, path, "at most %d procedures", CONFIG_MAX_PROCS);
		for (int i = 0; i < n; i++) {
			const cJSON *e = cJSON_GetArrayItem(v, i);
			snprintf(buf, sizeof buf, "%s[%d]", path, i);
			if (!cJSON_IsString(e) || !proc_id_ok(e->valuestring))
				return fail(c, buf,
					    "must be a procedure id (1 to 31 of A-Z a-z 0-9 _ - .)");
			for (int j = 0; j < i; j++)
				if (strcmp(cJSON_GetArrayItem(v, j)->valuestring, e->valuestring) == 0)
					return fail(c, buf, "\"%s\" is listed twice", e->valuestring);
		}
		for (int i = 0; i < n; i++)
			snprintf(cfg->office_procedures[i], sizeof cfg->office_procedures[i], "%s",
				 cJSON_GetArrayItem(v, i)->valuestring);
		cfg->office_procedures_count = n;
		return KIOSK_OK;
	}
	case K_HOURS:
		return apply_hours(c, cfg, v, path);
	case K_BOOL:
		if (!cJSON_IsBool(v))
			return fail(c, path, "must be true or false");
		*(bool *)base = cJSON_IsTrue(v);
		return KIOSK_OK;
	case K_SPAN: {
		const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
		config_period_t span = {-1, -1};
		if (s && *s) {
			char a[8], b[8];
			if (strlen(s) != 11 || s[5] != '-')
				s = NULL;
			else {
				snprintf(a, sizeof a, "%.5s", s);
				snprintf(b, sizeof b, "%.5s", s + 6);
				span = (config_period_t){parse_hhmm(a, false), parse_hhmm(b, true)};
				if (span.start_min < 0 || span.end_min < 0 || span.start_min == span.end_min)
					s = NULL;
			}
		}
		if (!s)
			return fail(c, path, "must be \"\" (none) or \"HH:MM-HH:MM\" (two different times)");
		*(config_period_t *)base = span;
		return KIOSK_OK;
	}
	case K_HOSTPORT: {
		if (!cJSON_IsString(v) || !hostport_ok(v->valuestring, k->size))
			return fail(c, path, "must be \"\" or \"host:port\" (a name or IPv4 address, port 1 to 65535)");
		snprintf(base, k->size, "%s", v->valuestring);
		return KIOSK_OK;
	}
	case K_IDENT:
		if (!cJSON_IsString(v) || (v->valuestring[0] && !outbox_id_valid(v->valuestring)))
			return fail(c, path, "must be \"\" or 1 to %d of A-Z a-z 0-9 _ - .", OUTBOX_ID_MAX);
		snprintf(base, k->size, "%s", v->valuestring);
		return KIOSK_OK;
	case K_LISTEN: {
		int n = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : -1;
		if (n < (int)k->min || n > (int)k->max)
			return fail(c, path, "must be an array of %.0f to %.0f \"address:port\"", k->min, k->max);
		int i = 0;
		const cJSON *e;
		cJSON_ArrayForEach(e, v) {
			const char *a = cJSON_GetStringValue(e);
			if (!a || !a[0] || !hostport_ok(a, sizeof cfg->hub_listen[0]))
				return fail(c, path, "must hold \"address:port\" (an IPv4 address or a name, port "
					    "1 to 65535)");
			snprintf(cfg->hub_listen[i++], sizeof cfg->hub_listen[0], "%s", a);
		}
		cfg->hub_listen_count = n;
		return KIOSK_OK;
	}
	case K_COUNTERS: {
		int n = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : -1;
		if (n < 0 || n > (int)k->max)
			return fail(c, path, "must be an array of at most %.0f counters", k->max);
		config_counter_t *cs = malloc(sizeof *cs * CONFIG_MAX_COUNTERS); /* checked, then copied */
		if (!cs)
			return fail(c, path, "out of memory");
		int i = 0;
		const cJSON *e;
		cJSON_ArrayForEach(e, v) {
			char p[32];
			snprintf(p, sizeof p, "counters[%d]", i);
			int rc = counter_value(c, p, e, cs, i, &cs[i]);
			if (rc != KIOSK_OK) {
				free(cs);
				return rc;
			}
			i++;
		}
		memcpy(cfg->counters, cs, sizeof cs[0] * (size_t)n);
		free(cs);
		cfg->counters_count = n;
		return KIOSK_OK;
	}
	}
	return fail(c, path, "internal error");
}

static const ckey_t *find_key(const char *path)
{
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(KEYS); i++)
		if (strcmp(KEYS[i].key, path) == 0)
			return &KEYS[i];
	return NULL;
}

/* True when path is a group (an object holding keys), e.g. "printer". */
static bool is_group(const char *path)
{
	size_t n = strlen(path);
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(KEYS); i++)
		if (strncmp(KEYS[i].key, path, n) == 0 && KEYS[i].key[n] == '.')
			return true;
	return false;
}

static int walk(ctx_t *c, config_t *cfg, const cJSON *obj, const char *prefix)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, obj)
	{
		char path[128];
		if (snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", it->string) >=
		    (int)sizeof path)
			return fail(c, NULL, "key path too long");
		for (const cJSON *o = obj->child; o != it; o = o->next)
			if (strcmp(o->string, it->string) == 0)
				return fail(c, path, "duplicate key");
		const ckey_t *k = find_key(path);
		int rc;
		if (k)
			rc = apply(c, cfg, k, it);
		else if (is_group(path))
			rc = cJSON_IsObject(it) ? walk(c, cfg, it, path)
						: fail(c, path, "must be an object");
		else
			rc = fail(c, path, "unknown key");
		if (rc != KIOSK_OK)
			return rc;
	}
	return KIOSK_OK;
}

/* Parse text into a JSON object, with a line number on syntax errors. */
static cJSON *parse_doc(ctx_t *c, const char *json, size_t len, int *rc)
{
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
	if (!root) {
		int line = 1;
		for (const char *p = json; end && p < end && p < json + len; p++)
			line += *p == '\n';
		*rc = fail(c, NULL, "not valid JSON (near line %d)", line);
		return NULL;
	}
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		*rc = fail(c, NULL, "must be a JSON object");
		return NULL;
	}
	*rc = KIOSK_OK;
	return root;
}

static int overlay_len(config_t *cfg, const char *name, const char *json, size_t len, char *err,
		       size_t errlen)
{
	ctx_t c = {name ? name : "config", err, errlen};
	if (err && errlen)
		err[0] = '\0';
	if (!json)
		return fail(&c, NULL, "no text");
	int rc;
	cJSON *root = parse_doc(&c, json, len, &rc);
	if (!root)
		return rc;
	config_t *tmp = malloc(sizeof *tmp);
	if (!tmp) {
		cJSON_Delete(root);
		fail(&c, NULL, "out of memory");
		return KIOSK_ENOMEM;
	}
	*tmp = *cfg;
	rc = walk(&c, tmp, root, "");
	if (rc == KIOSK_OK)
		*cfg = *tmp;
	free(tmp);
	cJSON_Delete(root);
	return rc;
}

int config_overlay_text(config_t *cfg, const char *name, const char *json, char *err, size_t errlen)
{
	return overlay_len(cfg, name, json, json ? strlen(json) : 0, err, errlen);
}

/* Read a whole file (at most CONFIG_MAX_FILE bytes) into a NUL-terminated
 * buffer. KIOSK_ENOENT when it does not exist. */
static int read_file(ctx_t *c, const char *path, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		fail(c, NULL, "cannot open (%s)", strerror(e));
		return e == ENOENT ? KIOSK_ENOENT : KIOSK_EIO;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		fail(c, NULL, "not a regular file");
		return KIOSK_EIO;
	}
	if (st.st_size > CONFIG_MAX_FILE) {
		close(fd);
		fail(c, NULL, "larger than %d bytes", CONFIG_MAX_FILE);
		return KIOSK_ERANGE;
	}
	char *buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return KIOSK_ENOMEM;
	}
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return KIOSK_OK;
}

int config_overlay_file(config_t *cfg, const char *path, char *err, size_t errlen)
{
	ctx_t c = {path, err, errlen};
	if (err && errlen)
		err[0] = '\0';
	char *buf;
	size_t len;
	int rc = read_file(&c, path, &buf, &len);
	if (rc != KIOSK_OK)
		return rc;
	rc = overlay_len(cfg, path, buf, len, err, errlen);
	free(buf);
	return rc;
}

int config_load(config_t *cfg, const char *site_path, const char *local_path, char *err,
		size_t errlen)
{
	config_defaults(cfg);
	if (err && errlen)
		err[0] = '\0';
	if (site_path) {
		int rc = config_overlay_file(cfg, site_path, err, errlen);
		if (rc != KIOSK_OK)
			return rc;
	}
	if (local_path) {
		int rc = config_overlay_file(cfg, local_path, err, errlen);
		if (rc == KIOSK_ENOENT) {
			if (err && errlen)
				err[0] = '\0';
			return KIOSK_OK;
		}
		return rc;
	}
	return KIOSK_OK;
}

/* ---- local layer ------------------------------------------------------- */

/* Write text to path atomically: a temporary file in the same folder,
 * fsync, rename over path, fsync the folder. */
static int write_atomic(ctx_t *c, const char *path, const char *text)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 16);
	char *dir = strdup(path);
	if (!tmp || !dir) {
		free(tmp);
		free(dir);
		return KIOSK_ENOMEM;
	}
	snprintf(tmp, plen + 16, "%s.tmp.XXXXXX", path);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		dir[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		snprintf(dir, plen + 1, ".");
	int rc = KIOSK_OK;
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		fail(c, NULL, "cannot create a temporary file (%s)", strerror(errno));
		rc = KIOSK_EIO;
		goto out;
	}
	size_t len = strlen(text), done = 0;
	bool ok = fchmod(fd, 0644) == 0;
	while (ok && done < len) {
		ssize_t n = write(fd, text + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			ok = false;
		else
			done += (size_t)n;
	}
	int e = errno;
	if (ok && fsync(fd) != 0) {
		ok = false;
		e = errno;
	}
	if (close(fd) != 0 && ok) {
		ok = false;
		e = errno;
	}
	if (ok && rename(tmp, path) != 0) {
		ok = false;
		e = errno;
	}
	if (!ok) {
		unlink(tmp);
		fail(c, NULL, "cannot write (%s)", strerror(e));
		rc = KIOSK_EIO;
		goto out;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
out:
	free(tmp);
	free(dir);
	return rc;
}

int config_set_local(const char *local_path, const char *key, const char *json_value, char *err,
		     size_t errlen)
{
	ctx_t c = {local_path, err, errlen};
	if (err && errlen)
		err[0] = '\0';
	if (!local_path || !key)
		return fail(&c, NULL, "no file or key");
	if (!find_key(key))
		return fail(&c, key, "unknown key");

	/* The value, checked on its own first so the message is about it. */
	cJSON *val = NULL;
	if (json_value) {
		const char *end = NULL;
		val = cJSON_ParseWithOpts(json_value, &end, 1);
		if (!val)
			return fail(&c, key, "the value is not valid JSON");
	}

	/* The existing local layer (missing = empty); a broken one is not
	 * overwritten, so nothing is lost. */
	char *buf = NULL;
	size_t len = 0;
	cJSON *root = NULL;
	int rc = read_file(&c, local_path, &buf, &len);
	if (rc == KIOSK_ENOENT) {
		root = cJSON_CreateObject();
	} else if (rc == KIOSK_OK) {
		root = parse_doc(&c, buf, len, &rc);
	}
	free(buf);
	if (!root) {
		cJSON_Delete(val);
		return rc != KIOSK_OK ? rc : KIOSK_ENOMEM;
	}

	/* Walk or create the groups of key, then set or remove the leaf. */
	char path[128];
	snprintf(path, sizeof path, "%s", key);
	cJSON *obj = root;
	char *seg = path;
	rc = KIOSK_OK;
	bool absent = false;
	for (char *dot; (dot = strchr(seg, '.')) != NULL; seg = dot + 1) {
		*dot = '\0';
		cJSON *child = cJSON_GetObjectItemCaseSensitive(obj, seg);
		if (!child && !val) {
			absent = true; /* nothing to remove */
			break;
		}
		if (!child)
			child = cJSON_AddObjectToObject(obj, seg);
		if (!cJSON_IsObject(child)) {
			rc = fail(&c, path, "must be an object");
			break;
		}
		obj = child;
	}
	if (rc == KIOSK_OK) {
		if (val) {
			if (cJSON_GetObjectItemCaseSensitive(obj, seg))
				cJSON_ReplaceItemInObjectCaseSensitive(obj, seg, val);
			else
				cJSON_AddItemToObject(obj, seg, val);
			val = NULL;
		} else if (!absent) {
			cJSON_DeleteItemFromObjectCaseSensitive(obj, seg);
		}
	}
	cJSON_Delete(val);

	char *text = rc == KIOSK_OK ? cJSON_Print(root) : NULL;
	cJSON_Delete(root);
	if (rc != KIOSK_OK)
		return rc;
	if (!text)
		return KIOSK_ENOMEM;

	/* Validate the whole new layer exactly as a load would. */
	config_t *check = malloc(sizeof *check);
	if (!check) {
		free(text);
		return KIOSK_ENOMEM;
	}
	config_defaults(check);
	rc = config_overlay_text(check, local_path, text, err, errlen);
	free(check);
	if (rc == KIOSK_OK) {
		size_t tl = strlen(text);
		char *nl = malloc(tl + 2);
		if (!nl) {
			rc = KIOSK_ENOMEM;
		} else {
			memcpy(nl, text, tl);
			nl[tl] = '\n';
			nl[tl + 1] = '\0';
			rc = write_atomic(&c, local_path, nl);
			free(nl);
		}
	}
	free(text);
	return rc;
}

const config_counter_t *config_counter(const config_t *cfg, int id)
{
	for (int i = 0; i < cfg->counters_count; i++)
		if (cfg->counters[i].id == id)
			return &cfg->counters[i];
	return NULL;
}

char *config_counters_json(const config_counter_t *cs, int n)
{
	cJSON *arr = cJSON_CreateArray();
	for (int i = 0; arr && i < n; i++) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(arr, o);
		cJSON_AddNumberToObject(o, "id", cs[i].id);
		if (cs[i].name[0][0] || cs[i].name[1][0]) {
			cJSON *nm = cJSON_AddObjectToObject(o, "name");
			if (cs[i].name[0][0])
				cJSON_AddStringToObject(nm, "vi", cs[i].name[0]);
			if (cs[i].name[1][0])
				cJSON_AddStringToObject(nm, "en", cs[i].name[1]);
		}
		cJSON *gs = cJSON_AddArrayToObject(o, "groups");
		for (int g = 0; g < cs[i].group_count; g++)
			cJSON_AddItemToArray(gs, cJSON_CreateString(cs[i].groups[g]));
	}
	char *t = arr ? cJSON_PrintUnformatted(arr) : NULL;
	cJSON_Delete(arr);
	return t;
}

bool config_offers(const config_t *cfg, const char *proc_id)
{
	if (!proc_id)
		return false;
	if (cfg->office_procedures_count == 0)
		return true;
	for (int i = 0; i < cfg->office_procedures_count; i++)
		if (strcmp(cfg->office_procedures[i], proc_id) == 0)
			return true;
	return false;
}

int config_local_path(const char *data_dir, char *buf, size_t len)
{
	if (!data_dir || !buf || !len)
		return KIOSK_EINVAL;
	int n = snprintf(buf, len, "%s/local.json", data_dir);
	if (n < 0 || (size_t)n >= len) {
		buf[0] = 0;
		return KIOSK_ERANGE;
	}
	return KIOSK_OK;
}
