/* board.c - the wall board's state (board.h): parses the hub's snapshot
 * JSON with cJSON into a fixed struct, strictly (a wrong type, a text too
 * long, invalid UTF-8 or a control character refuses the whole snapshot, so
 * a damaged one never reaches the screen half-read), keeps the last good
 * one, and tracks whether the hub is heard and when a new call came. */
#include "flow/board.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/kiosk.h"
#include "core/text.h"

static int why(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int why(char *err, size_t cap, const char *fmt, ...)
{
	if (err && cap) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, cap, fmt, ap);
		va_end(ap);
	}
	return KIOSK_EINVAL;
}

/* A text field: a string of valid UTF-8 without control characters that
 * fits cap (with its NUL). Missing is allowed when !required (""). */
static int get_text(const cJSON *o, const char *key, bool required, char *out, size_t cap)
{
	out[0] = 0;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v)
		return required ? KIOSK_EINVAL : KIOSK_OK;
	if (!cJSON_IsString(v) || !v->valuestring)
		return KIOSK_EINVAL;
	size_t n = strlen(v->valuestring);
	if (n >= cap || !text_utf8_valid(v->valuestring, n))
		return KIOSK_EINVAL;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v->valuestring[i] < 0x20 || v->valuestring[i] == 0x7f)
			return KIOSK_EINVAL;
	memcpy(out, v->valuestring, n + 1);
	return KIOSK_OK;
}

/* An integer in [lo, hi]; missing gives def unless required. */
static int get_int(const cJSON *o, const char *key, bool required, int64_t lo, int64_t hi, int64_t def,
		   int64_t *out)
{
	*out = def;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v)
		return required ? KIOSK_EINVAL : KIOSK_OK;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble != floor(v->valuedouble) ||
	    v->valuedouble < (double)lo || v->valuedouble > (double)hi)
		return KIOSK_EINVAL;
	*out = (int64_t)v->valuedouble;
	return KIOSK_OK;
}

/* {"vi": "...", "en": "..."}: a missing language takes the other's text. */
static int get_names(const cJSON *o, const char *key, char out[LANG_COUNT][BOARD_NAME_MAX])
{
	out[LANG_VI][0] = out[LANG_EN][0] = 0;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v || cJSON_IsNull(v))
		return KIOSK_OK;
	if (!cJSON_IsObject(v))
		return KIOSK_EINVAL;
	if (get_text(v, "vi", false, out[LANG_VI], BOARD_NAME_MAX) ||
	    get_text(v, "en", false, out[LANG_EN], BOARD_NAME_MAX))
		return KIOSK_EINVAL;
	if (!out[LANG_VI][0])
		memcpy(out[LANG_VI], out[LANG_EN], BOARD_NAME_MAX);
	if (!out[LANG_EN][0])
		memcpy(out[LANG_EN], out[LANG_VI], BOARD_NAME_MAX);
	return KIOSK_OK;
}

static int parse_call(const cJSON *c, board_call_t *k, int i, char *err, size_t errlen)
{
	int64_t v;
	if (!cJSON_IsObject(c))
		return why(err, errlen, "calls[%d] is not an object", i);
	if (get_text(c, "number", true, k->number, sizeof k->number) || !k->number[0])
		return why(err, errlen, "calls[%d].number missing or bad", i);
	if (get_int(c, "counter", true, 1, 99, 0, &v))
		return why(err, errlen, "calls[%d].counter missing or bad", i);
	k->counter = (int)v;
	if (get_names(c, "counter_name", k->counter_name))
		return why(err, errlen, "calls[%d].counter_name bad", i);
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(c, "priority");
	if (p && !cJSON_IsBool(p))
		return why(err, errlen, "calls[%d].priority bad", i);
	k->priority = p && cJSON_IsTrue(p);
	if (get_text(c, "group", false, k->group, sizeof k->group))
		return why(err, errlen, "calls[%d].group bad", i);
	if (get_int(c, "at_ms", false, 0, INT64_C(1) << 52, 0, &k->at_ms))
		return why(err, errlen, "calls[%d].at_ms bad", i);
	if (get_int(c, "recall", false, 0, 1000000, 0, &v))
		return why(err, errlen, "calls[%d].recall bad", i);
	k->recall = (int)v;
	return KIOSK_OK;
}

static int parse_group(const cJSON *g, board_group_t *k, int i, char *err, size_t errlen)
{
	int64_t v;
	if (!cJSON_IsObject(g))
		return why(err, errlen, "groups[%d] is not an object", i);
	if (get_text(g, "id", true, k->id, sizeof k->id))
		return why(err, errlen, "groups[%d].id missing or bad", i);
	if (get_text(g, "letter", false, k->letter, sizeof k->letter))
		return why(err, errlen, "groups[%d].letter bad", i);
	if (get_names(g, "name", k->name))
		return why(err, errlen, "groups[%d].name bad", i);
	if (get_int(g, "waiting", true, 0, 1000000, 0, &v))
		return why(err, errlen, "groups[%d].waiting missing or bad", i);
	k->waiting = (int)v;
	if (get_int(g, "priority_waiting", false, 0, 1000000, 0, &v))
		return why(err, errlen, "groups[%d].priority_waiting bad", i);
	k->priority_waiting = (int)v;
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(g, "estimate_min");
	if (!e || cJSON_IsNull(e)) {
		k->estimate_min = -1;
	} else if (get_int(g, "estimate_min", true, 0, 100000, -1, &v)) {
		return why(err, errlen, "groups[%d].estimate_min bad", i);
	} else {
		k->estimate_min = (int)v;
	}
	return KIOSK_OK;
}

/* One entry of "help": taken ones (taken_by a number) are not kept. */
static int parse_help(const cJSON *h, board_snapshot_t *out, int i, char *err, size_t errlen)
{
	board_help_t k = {0};
	int64_t v;
	if (!cJSON_IsObject(h))
		return why(err, errlen, "help[%d] is not an object", i);
	if (get_int(h, "id", true, 1, INT64_C(1) << 52, 0, &k.id))
		return why(err, errlen, "help[%d].id missing or bad", i);
	if (get_text(h, "kiosk", true, k.kiosk, sizeof k.kiosk) || !k.kiosk[0])
		return why(err, errlen, "help[%d].kiosk missing or bad", i);
	if (get_int(h, "at_ms", false, 0, INT64_C(1) << 52, 0, &k.at_ms))
		return why(err, errlen, "help[%d].at_ms bad", i);
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(h, "taken_by");
	if (t && !cJSON_IsNull(t) && get_int(h, "taken_by", true, 1, 99, 0, &v))
		return why(err, errlen, "help[%d].taken_by bad", i);
	if ((t && !cJSON_IsNull(t)) || out->nhelp >= BOARD_MAX_HELP)
		return KIOSK_OK;
	out->help[out->nhelp++] = k;
	return KIOSK_OK;
}

/* "HH:MM" into minutes, -1 when it is not one. */
static int hhmm(const char *s)
{
	if (strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	return h < 24 && m < 60 ? h * 60 + m : -1;
}

/* "board": {"volume", "repeat", "rate", "quiet": "" | "HH:MM-HH:MM"}. */
static int parse_voice(const cJSON *o, board_snapshot_t *out, char *err, size_t errlen)
{
	int64_t vol, rep, rate;
	char quiet[16];
	if (!cJSON_IsObject(o))
		return why(err, errlen, "board is not an object");
	if (get_int(o, "volume", true, 0, 200, 0, &vol) || get_int(o, "repeat", true, 0, 5, 0, &rep) ||
	    get_int(o, "rate", true, 80, 450, 0, &rate))
		return why(err, errlen, "board.volume, repeat or rate bad");
	if (get_text(o, "quiet", false, quiet, sizeof quiet))
		return why(err, errlen, "board.quiet bad");
	out->quiet_start = out->quiet_end = -1;
	if (quiet[0]) {
		char a[6];
		snprintf(a, sizeof a, "%.5s", quiet);
		int s0 = strlen(quiet) == 11 && quiet[5] == '-' ? hhmm(a) : -1, e0 = s0 >= 0 ? hhmm(quiet + 6) : -1;
		if (s0 < 0 || e0 < 0 || s0 == e0)
			return why(err, errlen, "board.quiet bad");
		out->quiet_start = s0;
		out->quiet_end = e0;
	}
	out->has_voice = true;
	out->volume = (int)vol;
	out->repeat = (int)rep;
	out->rate = (int)rate;
	return KIOSK_OK;
}

int board_parse(const char *json, size_t len, board_snapshot_t *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (err && errlen)
		err[0] = 0;
	if (!json || len == 0 || len > BOARD_SNAPSHOT_MAX)
		return why(err, errlen, "empty or too long");
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, 0);
	if (!root)
		return why(err, errlen, "not JSON");
	int rc = KIOSK_OK;
	int64_t v;
	const cJSON *calls = cJSON_GetObjectItemCaseSensitive(root, "calls");
	const cJSON *groups = cJSON_GetObjectItemCaseSensitive(root, "groups");
	const cJSON *help = cJSON_GetObjectItemCaseSensitive(root, "help");
	const cJSON *voice = cJSON_GetObjectItemCaseSensitive(root, "board");
	if (!cJSON_IsObject(root)) {
		rc = why(err, errlen, "not an object");
	} else if (get_int(root, "v", true, 1, 1, 0, &v)) {
		rc = why(err, errlen, "v is not 1");
	} else if (get_int(root, "seq", true, 0, INT64_C(1) << 52, 0, &out->seq)) {
		rc = why(err, errlen, "seq missing or bad");
	} else if (get_text(root, "office", false, out->office, sizeof out->office)) {
		rc = why(err, errlen, "office bad");
	} else if (get_int(root, "now_ms", false, 0, INT64_C(1) << 52, 0, &out->now_ms)) {
		rc = why(err, errlen, "now_ms bad");
	} else if (!cJSON_IsArray(calls)) {
		rc = why(err, errlen, "calls missing");
	} else if (!cJSON_IsArray(groups)) {
		rc = why(err, errlen, "groups missing");
	} else if (help && !cJSON_IsArray(help)) {
		rc = why(err, errlen, "help is not a list");
	} else if (voice && (rc = parse_voice(voice, out, err, errlen)) != KIOSK_OK) {
		/* err says what */
	} else {
		int i = 0;
		const cJSON *c;
		cJSON_ArrayForEach(c, calls)
		{
			if (i >= BOARD_MAX_CALLS)
				break; /* the contract sends 6; more are older ones */
			if ((rc = parse_call(c, &out->calls[i], i, err, errlen)) != KIOSK_OK)
				break;
			i++;
		}
		out->ncalls = i;
		i = 0;
		if (rc == KIOSK_OK)
			cJSON_ArrayForEach(c, groups)
			{
				if (i >= BOARD_MAX_GROUPS) {
					out->more_groups++;
					continue;
				}
				if ((rc = parse_group(c, &out->groups[i], i, err, errlen)) != KIOSK_OK)
					break;
				i++;
			}
		out->ngroups = i;
		i = 0;
		if (rc == KIOSK_OK && help)
			cJSON_ArrayForEach(c, help)
			{
				if ((rc = parse_help(c, out, i, err, errlen)) != KIOSK_OK)
					break;
				i++;
			}
	}
	cJSON_Delete(root);
	if (rc != KIOSK_OK)
		memset(out, 0, sizeof *out);
	return rc;
}

void board_init(board_t *b)
{
	memset(b, 0, sizeof *b);
	b->shown_minute = -1;
}

static bool same_call(const board_call_t *a, const board_call_t *b)
{
	return strcmp(a->number, b->number) == 0 && a->counter == b->counter && a->at_ms == b->at_ms &&
	       a->recall == b->recall;
}

int board_feed(board_t *b, const char *json, size_t len, int64_t now)
{
	static board_snapshot_t next; /* 40 KB: kept off the stack; main thread only */
	char err[128];
	b->nfresh = 0;
	b->nfresh_help = 0;
	int rc = board_parse(json, len, &next, err, sizeof err);
	if (rc != KIOSK_OK) {
		b->bad++;
		return rc;
	}
	for (int i = b->have ? next.ncalls - 1 : -1; i >= 0; i--) {
		const board_call_t *c = &next.calls[i];
		bool known = false;
		for (int j = 0; j < b->snap.ncalls && !known; j++)
			known = same_call(c, &b->snap.calls[j]);
		if (known || (c->at_ms && next.now_ms && next.now_ms - c->at_ms > BOARD_ANNOUNCE_MAX_AGE_MS))
			continue;
		b->fresh[b->nfresh++] = *c;
	}
	for (int i = 0; b->have && i < next.nhelp; i++) {
		const board_help_t *h = &next.help[i];
		bool known = false;
		for (int j = 0; j < b->snap.nhelp && !known; j++)
			known = b->snap.help[j].id == h->id;
		if (!known && !(h->at_ms && next.now_ms && next.now_ms - h->at_ms > BOARD_ANNOUNCE_MAX_AGE_MS))
			b->nfresh_help++;
	}
	bool fresh_call = next.ncalls > 0 &&
			  (b->have ? b->snap.ncalls == 0 || !same_call(&next.calls[0], &b->snap.calls[0])
				   : false);
	b->snap = next;
	b->have = true;
	b->snap_mono = now;
	if (fresh_call)
		b->highlight_until = now + BOARD_HIGHLIGHT_MS;
	b->generation++;
	return KIOSK_OK;
}

void board_heard(board_t *b, int64_t now)
{
	b->ever_heard = true;
	b->heard_mono = now;
}

void board_link(board_t *b, bool up, int64_t now)
{
	if (b->connected == up)
		return;
	b->connected = up;
	if (!up && !b->lost_since)
		b->lost_since = now;
	b->generation++;
}

bool board_lost(const board_t *b, int64_t now)
{
	return !b->connected || !b->ever_heard || now - b->heard_mono >= BOARD_SILENCE_MS;
}

bool board_highlight(const board_t *b, int64_t now)
{
	return b->highlight_until && now < b->highlight_until;
}

int64_t board_hub_time(const board_t *b, int64_t now)
{
	if (!b->have || !b->snap.now_ms)
		return 0;
	return b->snap.now_ms + (now - b->snap_mono);
}

bool board_tick(board_t *b, int64_t now)
{
	uint32_t before = b->generation;
	bool lost = board_lost(b, now);
	if (lost && !b->lost_since)
		b->lost_since = !b->connected || !b->ever_heard ? now : b->heard_mono + BOARD_SILENCE_MS;
	if (!lost)
		b->lost_since = 0;
	if (lost != b->was_lost) {
		b->was_lost = lost;
		b->generation++;
	}
	bool hl = board_highlight(b, now);
	if (hl != b->was_highlight) {
		b->was_highlight = hl;
		b->generation++;
	}
	int64_t t = board_hub_time(b, now);
	int minute = t ? (int)((t / 60000) % (24 * 60)) : -1;
	if (minute != b->shown_minute) {
		b->shown_minute = minute;
		b->generation++;
	}
	return b->generation != before;
}

int64_t board_next_deadline(const board_t *b, int64_t now)
{
	int64_t d = -1;
#define EARLIER(x) do { int64_t x_ = (x); if (x_ > now && (d < 0 || x_ < d)) d = x_; } while (0)
	if (b->connected && b->ever_heard && !board_lost(b, now))
		EARLIER(b->heard_mono + BOARD_SILENCE_MS);
	if (board_highlight(b, now))
		EARLIER(b->highlight_until);
	int64_t t = board_hub_time(b, now);
	if (t)
		EARLIER(now + (60000 - t % 60000));
#undef EARLIER
	return d;
}
