/* hub_req.c - the hub's request checks (hub_req.h): routes from method and
 * path, the POST bodies' JSON read strictly with cJSON (known keys once
 * each, types, character sets and ranges), the session cookie and the
 * Origin rule. Nothing here acts; the hub answers 400 for anything refused. */
#include "hub/hub_req.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#include "core/kiosk.h"

static const struct {
	const char *path;
	hub_route_t route;
} posts[] = {
	{"/api/login", HUB_LOGIN},         {"/api/logout", HUB_LOGOUT},
	{"/api/call-next", HUB_CALL_NEXT}, {"/api/recall", HUB_RECALL},
	{"/api/absent", HUB_ABSENT},       {"/api/done", HUB_DONE},
	{"/api/transfer", HUB_TRANSFER},   {"/api/call", HUB_CALL},
	{"/api/rate", HUB_RATE},           {"/api/help/take", HUB_HELP_TAKE},
	{"/api/handoff", HUB_HANDOFF},
};

static const struct {
	const char *ext, *type;
} types[] = {
	{"html", "text/html; charset=utf-8"},
	{"css", "text/css; charset=utf-8"},
	{"js", "text/javascript; charset=utf-8"},
	{"json", "application/json; charset=utf-8"},
	{"svg", "image/svg+xml"},
	{"png", "image/png"},
	{"woff2", "font/woff2"},
	{"ttf", "font/ttf"},
	{"ico", "image/x-icon"},
	{"txt", "text/plain; charset=utf-8"},
};

/* A file name under the web folder: segments of [A-Za-z0-9_-] joined by
 * "/", the last one with exactly one dot and a known extension. */
static const char *file_type(const char *name, size_t n)
{
	if (n == 0 || n >= sizeof ((hub_target_t *)0)->file)
		return NULL;
	size_t seg = 0;
	const char *dot = NULL;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (c == '/') {
			if (seg == 0 || dot)
				return NULL; /* empty segment, or a dot in a folder name */
			seg = 0;
			continue;
		}
		if (c == '.') {
			if (seg == 0 || dot)
				return NULL; /* hidden file, "..", two dots */
			dot = name + i;
			seg++;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return NULL;
		seg++;
	}
	if (!dot || seg == 0)
		return NULL;
	size_t el = (size_t)(name + n - dot - 1);
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strlen(types[i].ext) == el && memcmp(dot + 1, types[i].ext, el) == 0)
			return types[i].type;
	return NULL;
}

int hub_req_target(const char *method, const char *url, hub_target_t *out)
{
	memset(out, 0, sizeof *out);
	if (!method || !url || url[0] != '/')
		return KIOSK_ENOENT;
	size_t n = strcspn(url, "?#");
	bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	bool post = strcmp(method, "POST") == 0;
#define IS(p) (n == strlen(p) && memcmp(url, p, n) == 0)
	hub_route_t r = HUB_NONE;
	if (IS("/") || IS("/counter")) {
		r = HUB_PAGE;
		strcpy(out->file, "counter.html");
		out->type = types[0].type;
	} else if (IS("/api/state")) {
		r = HUB_STATE;
	} else if (IS("/api/events")) {
		r = HUB_EVENTS;
	} else if (IS("/i18n/vi.json") || IS("/i18n/en.json")) {
		r = HUB_I18N;
		memcpy(out->lang, url + 6, 2);
		out->lang[2] = '\0';
	} else if (n > 8 && memcmp(url, "/static/", 8) == 0) {
		const char *t = file_type(url + 8, n - 8);
		if (!t)
			return KIOSK_ENOENT;
		memcpy(out->file, url + 8, n - 8);
		out->file[n - 8] = '\0';
		out->type = t;
		r = HUB_STATIC;
	} else {
		for (size_t i = 0; i < sizeof posts / sizeof posts[0]; i++)
			if (IS(posts[i].path)) {
				out->route = posts[i].route;
				return post ? KIOSK_OK : KIOSK_EPERM;
			}
		return KIOSK_ENOENT;
	}
#undef IS
	out->route = r;
	return get ? KIOSK_OK : KIOSK_EPERM;
}

bool hub_req_needs_session(hub_route_t r) { return r > HUB_LOGIN && r < HUB_ROUTE_COUNT; }

/* ---- bodies ---------------------------------------------------------------- */

enum {
	K_COUNTER = 1 << 0, K_PIN = 1 << 1, K_RID = 1 << 2, K_EXPECT = 1 << 3, K_GROUP = 1 << 4,
	K_NUMBER = 1 << 5, K_LEVEL = 1 << 6, K_REASONS = 1 << 7, K_ID = 1 << 8, K_QR = 1 << 9,
};

static const char *const key_names[] = {"counter", "pin", "rid", "expect", "group",
					"number", "level", "reasons", "id", "qr"};

/* Keys each route may carry, and those it must. */
static void route_keys(hub_route_t r, unsigned *may, unsigned *must)
{
	*may = K_RID | K_EXPECT; /* every counter action may carry both */
	*must = K_RID;
	switch (r) {
	case HUB_LOGIN: *may = K_COUNTER | K_PIN; *must = K_COUNTER | K_PIN; break;
	case HUB_LOGOUT: *must = 0; break;
	case HUB_CALL_NEXT: break;
	case HUB_RECALL: case HUB_ABSENT: case HUB_DONE: *must |= K_EXPECT; break;
	case HUB_TRANSFER: *may |= K_GROUP; *must |= K_EXPECT | K_GROUP; break;
	case HUB_CALL: *may |= K_NUMBER; *must |= K_NUMBER; break;
	case HUB_RATE: *may |= K_NUMBER | K_LEVEL | K_REASONS; *must |= K_NUMBER | K_LEVEL; break;
	case HUB_HELP_TAKE: *may |= K_ID; *must |= K_ID; break;
	case HUB_HANDOFF: *may = K_QR | K_RID; *must = K_QR; break;
	default: *may = 0; *must = 0; break;
	}
}

static bool int_in(const cJSON *v, double lo, double hi, double *out)
{
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < lo ||
	    v->valuedouble > hi || v->valuedouble != floor(v->valuedouble))
		return false;
	*out = v->valuedouble;
	return true;
}

/* s matches [set]{lo,hi} where set is a class test. */
static bool str_of(const cJSON *v, size_t lo, size_t hi, int (*ok)(int, size_t), char *dst,
		   size_t cap)
{
	if (!cJSON_IsString(v) || !v->valuestring)
		return false;
	size_t n = strlen(v->valuestring);
	if (n < lo || n > hi || n >= cap)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!ok((unsigned char)v->valuestring[i], i))
			return false;
	memcpy(dst, v->valuestring, n + 1);
	return true;
}

static int c_digit(int c, size_t i) { (void)i; return c >= '0' && c <= '9'; }
static int c_rid(int c, size_t i)
{
	(void)i;
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-';
}
static int c_group(int c, size_t i) { (void)i; return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }
static int c_number(int c, size_t i) { return i == 0 ? (c >= 'A' && c <= 'Z') : (c >= '0' && c <= '9'); }
static int c_qr(int c, size_t i) { (void)i; return c >= 0x20 && c < 0x7f; }

int hub_req_body(hub_route_t r, const char *body, size_t len, hub_body_t *out, const char **why)
{
	const char *w = NULL;
	memset(out, 0, sizeof *out);
	if (why)
		*why = NULL;
	if (len > HUB_BODY_MAX) {
		if (why)
			*why = "body too large";
		return KIOSK_ERANGE;
	}
	unsigned may, must;
	route_keys(r, &may, &must);
	if (!may && !must && r != HUB_LOGOUT) {
		if (why)
			*why = "not a POST route";
		return KIOSK_EINVAL;
	}
	/* An empty body is an empty object (logout, a bare call-next is still
	 * refused for its missing rid). */
	cJSON *root = NULL;
	if (!len) {
		root = cJSON_CreateObject();
	} else if (!memchr(body, '\0', len)) {
		/* A NUL-terminated copy: nothing may follow the value but white space. */
		char text[HUB_BODY_MAX + 1];
		memcpy(text, body, len);
		text[len] = '\0';
		root = cJSON_ParseWithOpts(text, NULL, 1);
		explicit_bzero(text, len);
	}
	if (!root) {
		if (why)
			*why = "not JSON";
		return KIOSK_EINVAL;
	}
	unsigned seen = 0;
	if (!cJSON_IsObject(root))
		w = "not an object";
	const cJSON *obj = w ? NULL : root, *it;
	cJSON_ArrayForEach(it, obj) {
		unsigned k = 0;
		for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
			if (it->string && strcmp(it->string, key_names[i]) == 0)
				k = 1u << i;
		if (!k || !(may & k)) {
			w = "unknown key";
			break;
		}
		if (seen & k) {
			w = "key twice";
			break;
		}
		seen |= k;
		double d = 0;
		bool ok = false;
		switch (k) {
		case K_COUNTER: ok = int_in(it, 1, 99, &d); out->counter = (int)d; break;
		case K_PIN: ok = str_of(it, 1, 12, c_digit, out->pin, sizeof out->pin); break;
		case K_RID: ok = str_of(it, 1, 64, c_rid, out->rid, sizeof out->rid); out->has_rid = ok; break;
		case K_EXPECT:
			/* null or "": the page shows no current ticket */
			ok = cJSON_IsNull(it) ||
			     (cJSON_IsString(it) && it->valuestring && !it->valuestring[0]) ||
			     str_of(it, 2, 5, c_number, out->expect, sizeof out->expect);
			break;
		case K_GROUP: ok = str_of(it, 1, 31, c_group, out->group, sizeof out->group); break;
		case K_NUMBER: ok = str_of(it, 2, 5, c_number, out->number, sizeof out->number); break;
		case K_LEVEL: ok = int_in(it, 1, 3, &d); out->level = (int)d; break;
		case K_REASONS: ok = int_in(it, 0, 255, &d); out->reasons = (unsigned)d; break;
		case K_ID: ok = int_in(it, 1, 9007199254740991.0, &d); out->id = (int64_t)d; break;
		case K_QR:
			ok = str_of(it, 1, HANDOFF_MAX_K2, c_qr, out->qr, sizeof out->qr);
			out->qr_len = ok ? strlen(out->qr) : 0;
			break;
		}
		if (!ok) {
			w = "bad value";
			break;
		}
	}
	if (!w && (seen & must) != must)
		w = "missing key";
	/* cJSON's copies of the PIN and the record: wiped before they are freed. */
	cJSON *e;
	cJSON_ArrayForEach(e, obj) {
		if (cJSON_IsString(e) && e->valuestring)
			explicit_bzero(e->valuestring, strlen(e->valuestring));
	}
	cJSON_Delete(root);
	if (w) {
		explicit_bzero(out, sizeof *out);
		if (why)
			*why = w;
		return KIOSK_EINVAL;
	}
	return KIOSK_OK;
}

/* ---- headers --------------------------------------------------------------- */

bool hub_req_cookie(const char *cookie, char token[HUB_TOKEN_HEX + 1])
{
	token[0] = '\0';
	if (!cookie)
		return false;
	const char *p = cookie;
	while (*p) {
		while (*p == ' ' || *p == ';' || *p == '\t')
			p++;
		size_t n = strcspn(p, ";");
		if (n > 11 && memcmp(p, "kh_session=", 11) == 0) {
			const char *v = p + 11;
			size_t vn = n - 11;
			while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
				vn--;
			if (vn != HUB_TOKEN_HEX)
				return false;
			for (size_t i = 0; i < vn; i++)
				if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f')))
					return false;
			memcpy(token, v, vn);
			token[vn] = '\0';
			return true;
		}
		p += n;
	}
	return false;
}

bool hub_req_origin_ok(const char *origin, const char *host)
{
	if (!origin)
		return true;
	if (!host || !host[0])
		return false;
	const char *rest = NULL;
	if (strncmp(origin, "http://", 7) == 0)
		rest = origin + 7;
	else if (strncmp(origin, "https://", 8) == 0)
		rest = origin + 8;
	return rest && strcmp(rest, host) == 0;
}
