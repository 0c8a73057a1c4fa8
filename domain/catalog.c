/* catalog.c - loads and strictly validates the procedure catalog
 * (assets/catalog.json, schema in docs/catalog.md) with cJSON.
 *
 * cJSON reports no line numbers, so after a successful parse a small
 * position pass walks the raw text alongside the cJSON tree (members and
 * elements come in the same order) and records the line of every node.
 * Semantic errors then name "FILE:LINE: key.path: problem". The pass only
 * skips over text cJSON has already accepted; it builds no values. */
#include "domain/catalog.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kiosk.h"
#include "core/text.h"

#define CATALOG_MAX_FILE (1024 * 1024)
#define CATALOG_MAX_DOCS 10
#define CATALOG_MAX_FIELDS 8
#define CATALOG_MAX_TEXT 400      /* characters in any catalog text */
#define CATALOG_MAX_SHORT 40      /* characters in a ticket short name */
#define CATALOG_MAX_PLAIN 60      /* characters in an everyday-words line */
#define CATALOG_MAX_FIELD_LEN 1000

struct block {
	struct block *next;
	max_align_t align[];
};

struct catalog {
	char *link_template;
	catalog_group_t *groups;
	size_t ngroups;
	catalog_proc_t *procs;
	size_t nprocs;
	struct block *blocks; /* every allocation, freed together */
};

static const char *const type_names[FIELD_TYPE_COUNT] = {
	"name", "cccd", "phone", "date", "birthdate", "sex", "address", "text",
};
static const char *const lang_keys[LANG_COUNT] = { "vi", "en" };

/* The pictograms a catalog may name: Material Icons (Apache-2.0, Debian's
 * fonts-material-design-icons-iconfont) names and their code points in
 * MaterialIcons-Regular.ttf. ui/font.c checks each one draws. */
static const struct { const char *name; unsigned cp; } icons[] = {
	{"approval", 0xE982}, {"assignment", 0xE85D}, {"badge", 0xEA67},
	{"check", 0xE5CA}, {"child_care", 0xEB41}, {"content_copy", 0xE14D},
	{"description", 0xE873}, {"draw", 0xE746}, {"elderly", 0xF21A},
	{"family_restroom", 0xF1A2}, {"favorite", 0xE87D}, {"health_and_safety", 0xE1D5},
	{"home", 0xE88A}, {"house", 0xEA44}, {"landscape", 0xE3F7},
	{"local_florist", 0xE545}, {"local_hospital", 0xE548}, {"location_on", 0xE0C8},
	{"receipt", 0xE8B0}, {"savings", 0xE2EB}, {"schedule", 0xE8B5},
	{"verified", 0xEF76}, {"volunteer_activism", 0xEA70},
};

unsigned catalog_icon_codepoint(const char *name)
{
	for (size_t i = 0; name && i < sizeof icons / sizeof icons[0]; i++)
		if (strcmp(icons[i].name, name) == 0)
			return icons[i].cp;
	return 0;
}

const char *catalog_icon_name(size_t i)
{
	return i < sizeof icons / sizeof icons[0] ? icons[i].name : NULL;
}

const char *catalog_field_type_name(field_type_t t)
{
	if ((int)t < 0 || t >= FIELD_TYPE_COUNT)
		return "?";
	return type_names[t];
}

int catalog_field_type_from_name(const char *name, field_type_t *out)
{
	for (int i = 0; i < FIELD_TYPE_COUNT; i++)
		if (name && strcmp(name, type_names[i]) == 0) {
			*out = (field_type_t)i;
			return KIOSK_OK;
		}
	*out = FIELD_TEXT;
	return KIOSK_EINVAL;
}

/* ---- loader context ---------------------------------------------------- */

struct line_entry {
	const cJSON *node;
	int line;
};

typedef struct {
	const char *file;
	const char *text;
	size_t len;
	char *err;
	size_t errlen;
	struct line_entry *lines;
	size_t nlines, caplines;
	catalog_t *cat;
	bool oom;
	size_t cur_pos; /* line counting cursor of the position pass */
	int cur_line;
	/* The first string or key whose source holds \u0000 (cJSON would cut
	 * it there): its node and key path, for the error. */
	const cJSON *nul_node;
	bool nul_in_key;
	char nul_path[256];
} ctx_t;

static int line_at(const char *text, size_t off)
{
	int line = 1;
	for (size_t i = 0; i < off && text[i]; i++)
		if (text[i] == '\n')
			line++;
	return line;
}

static int node_line(const ctx_t *c, const cJSON *n)
{
	for (size_t i = 0; i < c->nlines; i++)
		if (c->lines[i].node == n)
			return c->lines[i].line;
	return 1;
}

/* Always returns KIOSK_EINVAL, for "return fail(...)". */
static int fail(ctx_t *c, const cJSON *at, const char *path, const char *fmt, ...)
{
	if (c->err && c->errlen) {
		int n = snprintf(c->err, c->errlen, "%s:%d: %s: ", c->file, node_line(c, at), path);
		if (n >= 0 && (size_t)n < c->errlen) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return KIOSK_EINVAL;
}

static void *arena(ctx_t *c, size_t size)
{
	struct block *b = calloc(1, sizeof(*b) + size);
	if (!b) {
		c->oom = true;
		return NULL;
	}
	b->next = c->cat->blocks;
	c->cat->blocks = b;
	return b->align;
}

static char *arena_strdup(ctx_t *c, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = arena(c, n);
	if (d)
		memcpy(d, s, n);
	return d;
}

/* Build a key path; long paths are cut, never overflow. */
static void pathf(char *dst, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(dst, cap, fmt, ap);
	va_end(ap);
}

/* ---- position pass ----------------------------------------------------- */

static bool record(ctx_t *c, const cJSON *n, size_t pos)
{
	if (c->nlines == c->caplines) {
		size_t cap = c->caplines ? c->caplines * 2 : 256;
		struct line_entry *l = realloc(c->lines, cap * sizeof(*l));
		if (!l)
			return false;
		c->lines = l;
		c->caplines = cap;
	}
	/* positions only grow during the walk: count lines incrementally */
	if (pos < c->cur_pos) {
		c->cur_pos = 0;
		c->cur_line = 1;
	}
	for (; c->cur_pos < pos && c->cur_pos < c->len; c->cur_pos++)
		if (c->text[c->cur_pos] == '\n')
			c->cur_line++;
	c->lines[c->nlines].node = n;
	c->lines[c->nlines].line = c->cur_line;
	c->nlines++;
	return true;
}

static size_t skip_ws(const ctx_t *c, size_t p)
{
	while (p < c->len && (c->text[p] == ' ' || c->text[p] == '\t' ||
			      c->text[p] == '\n' || c->text[p] == '\r'))
		p++;
	return p;
}

static size_t skip_string(const ctx_t *c, size_t p)
{
	/* p at the opening quote */
	p++;
	while (p < c->len && c->text[p] != '"') {
		if (c->text[p] == '\\')
			p++;
		p++;
	}
	return p + 1;
}

/* Does the JSON string at p (its opening quote) hold the escape \u0000? */
static bool raw_has_nul(const ctx_t *c, size_t p)
{
	for (p++; p < c->len && c->text[p] != '"'; p++) {
		if (c->text[p] != '\\')
			continue;
		if (p + 5 < c->len && c->text[p + 1] == 'u' && c->text[p + 2] == '0' &&
		    c->text[p + 3] == '0' && c->text[p + 4] == '0' && c->text[p + 5] == '0')
			return true;
		p++;
	}
	return false;
}

static void note_nul(ctx_t *c, const cJSON *n, const char *path, bool key)
{
	if (c->nul_node)
		return;
	c->nul_node = n;
	c->nul_in_key = key;
	snprintf(c->nul_path, sizeof c->nul_path, "%s", path[0] ? path : "(top)");
}

/* Walk the value starting at p (after white space) that cJSON parsed into
 * n; record lines for n's children; return the position after the value.
 * at_line: the position whose line n gets (the key for object members).
 * path: n's key path ("procedures[2].id"), extended for the children. */
static size_t walk(ctx_t *c, const cJSON *n, size_t p, size_t at, int depth, char *path,
		   size_t pcap)
{
	if (!n || p >= c->len || depth > 64)
		return c->len;
	if (!record(c, n, at)) {
		c->oom = true;
		return c->len;
	}
	char ch = c->text[p];
	if (ch == '{' || ch == '[') {
		bool obj = ch == '{';
		p = skip_ws(c, p + 1);
		const cJSON *child = n->child;
		size_t plen = strlen(path);
		for (int idx = 0; p < c->len && c->text[p] != (obj ? '}' : ']') && child; idx++) {
			size_t start = p;
			if (obj)
				snprintf(path + plen, pcap - plen, "%s%s", plen ? "." : "",
					 child->string ? child->string : "");
			else
				snprintf(path + plen, pcap - plen, "[%d]", idx);
			if (obj) {
				if (raw_has_nul(c, p))
					note_nul(c, child, path, true);
				p = skip_string(c, p);
				p = skip_ws(c, p);
				p = skip_ws(c, p + 1); /* the colon */
			}
			p = walk(c, child, p, start, depth + 1, path, pcap);
			path[plen] = '\0';
			p = skip_ws(c, p);
			if (p < c->len && c->text[p] == ',')
				p = skip_ws(c, p + 1);
			child = child->next;
		}
		return p + 1;
	}
	if (ch == '"') {
		if (raw_has_nul(c, p))
			note_nul(c, n, path, false);
		return skip_string(c, p);
	}
	while (p < c->len && !strchr(",]} \t\r\n", c->text[p]))
		p++;
	return p;
}

/* ---- typed getters ----------------------------------------------------- */

/* Check obj has only the allowed keys, each once. */
static int check_keys(ctx_t *c, const cJSON *obj, const char *path,
		      const char *const *allowed)
{
	for (const cJSON *m = obj->child; m; m = m->next) {
		bool ok = false;
		for (size_t i = 0; allowed[i]; i++)
			if (strcmp(m->string, allowed[i]) == 0)
				ok = true;
		if (!ok)
			return fail(c, m, path, "unknown key \"%s\"", m->string);
		for (const cJSON *o = obj->child; o != m; o = o->next)
			if (strcmp(o->string, m->string) == 0)
				return fail(c, m, path, "key \"%s\" appears twice", m->string);
	}
	return KIOSK_OK;
}

static const char *type_word(const cJSON *v)
{
	if (cJSON_IsString(v)) return "a string";
	if (cJSON_IsNumber(v)) return "a number";
	if (cJSON_IsBool(v)) return "true/false";
	if (cJSON_IsNull(v)) return "null";
	if (cJSON_IsArray(v)) return "an array";
	if (cJSON_IsObject(v)) return "an object";
	return "invalid";
}

static int get_member(ctx_t *c, const cJSON *obj, const char *path, const char *key,
		      bool required, const cJSON **out)
{
	*out = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!*out && required)
		return fail(c, obj, path, "missing required key \"%s\"", key);
	return KIOSK_OK;
}

/* Validate one catalog text: UTF-8, NFC, no control characters,
 * non-empty, at most maxc characters. */
static int check_text(ctx_t *c, const cJSON *v, const char *path, size_t maxc)
{
	if (!cJSON_IsString(v))
		return fail(c, v, path, "must be a string, not %s", type_word(v));
	const char *s = v->valuestring;
	size_t len = strlen(s);
	if (!text_utf8_valid(s, len))
		return fail(c, v, path, "not valid UTF-8");
	if (!text_is_nfc(s, len))
		return fail(c, v, path, "text is not in Unicode NFC form (normalise it)");
	size_t i = 0;
	int32_t cp;
	while ((cp = text_next(s, len, &i)) >= 0)
		if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0x2028 || cp == 0x2029)
			return fail(c, v, path, "contains a control character");
	bool blank = true;
	for (const char *q = s; *q; q++)
		if (*q != ' ')
			blank = false;
	if (blank)
		return fail(c, v, path, "must not be empty");
	if (text_count(s) > maxc)
		return fail(c, v, path, "longer than %zu characters", maxc);
	return KIOSK_OK;
}

/* {"vi": "...", "en": "..."} -> out[LANG_COUNT] */
static int get_texts(ctx_t *c, const cJSON *obj, const char *path, const char *key,
		     bool required, size_t maxc, const char **out)
{
	char p[256];
	const cJSON *v;
	for (int l = 0; l < LANG_COUNT; l++)
		out[l] = NULL;
	pathf(p, sizeof p, "%s.%s", path, key);
	int rc = get_member(c, obj, path, key, required, &v);
	if (rc || !v)
		return rc;
	if (!cJSON_IsObject(v))
		return fail(c, v, p, "must be an object {\"vi\": ..., \"en\": ...}, not %s",
			    type_word(v));
	static const char *const allowed[] = { "vi", "en", NULL };
	if ((rc = check_keys(c, v, p, allowed)))
		return rc;
	for (int l = 0; l < LANG_COUNT; l++) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(v, lang_keys[l]);
		if (!t)
			return fail(c, v, p, "missing the %s text (\"%s\")",
				    l == LANG_VI ? "Vietnamese" : "English", lang_keys[l]);
		char pl[256];
		pathf(pl, sizeof pl, "%s.%s", p, lang_keys[l]);
		if ((rc = check_text(c, t, pl, maxc)))
			return rc;
		if (!(out[l] = arena_strdup(c, t->valuestring)))
			return KIOSK_ENOMEM;
	}
	return KIOSK_OK;
}

static bool id_ok(const char *s, bool underscore)
{
	if (!*s || strlen(s) > 40)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      (underscore ? *s == '_' : *s == '-')))
			return false;
	return true;
}

static int get_id(ctx_t *c, const cJSON *obj, const char *path, bool underscore,
		  const char **out)
{
	const cJSON *v;
	char p[256];
	*out = NULL;
	int rc = get_member(c, obj, path, "id", true, &v);
	if (rc)
		return rc;
	pathf(p, sizeof p, "%s.id", path);
	if (!cJSON_IsString(v))
		return fail(c, v, p, "must be a string, not %s", type_word(v));
	if (!id_ok(v->valuestring, underscore))
		return fail(c, v, p, "bad id \"%.40s\" (use 1-40 of a-z, 0-9 and %s)",
			    v->valuestring, underscore ? "_" : "-");
	*out = arena_strdup(c, v->valuestring);
	return *out ? KIOSK_OK : KIOSK_ENOMEM;
}

static int get_bool(ctx_t *c, const cJSON *obj, const char *path, const char *key,
		    bool *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	*out = false;
	if (!v)
		return KIOSK_OK;
	if (!cJSON_IsBool(v)) {
		char p[256];
		pathf(p, sizeof p, "%s.%s", path, key);
		return fail(c, v, p, "must be true or false, not %s", type_word(v));
	}
	*out = cJSON_IsTrue(v);
	return KIOSK_OK;
}

/* Optional "icon": a known pictogram name. */
static int get_icon(ctx_t *c, const cJSON *obj, const char *path, const char **name,
		    unsigned *cp)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "icon");
	*name = NULL;
	*cp = 0;
	if (!v)
		return KIOSK_OK;
	char p[256];
	pathf(p, sizeof p, "%s.icon", path);
	if (!cJSON_IsString(v))
		return fail(c, v, p, "must be a string, not %s", type_word(v));
	if (!(*cp = catalog_icon_codepoint(v->valuestring)))
		return fail(c, v, p, "unknown icon \"%.40s\" (docs/catalog.md lists the icons)",
			    v->valuestring);
	*name = arena_strdup(c, v->valuestring);
	return *name ? KIOSK_OK : KIOSK_ENOMEM;
}

/* ---- sections ------------------------------------------------------------ */

static int load_groups(ctx_t *c, const cJSON *root)
{
	const cJSON *arr;
	int rc = get_member(c, root, "catalog", "groups", true, &arr);
	if (rc)
		return rc;
	if (!cJSON_IsArray(arr))
		return fail(c, arr, "groups", "must be an array, not %s", type_word(arr));
	size_t n = (size_t)cJSON_GetArraySize(arr);
	if (n == 0)
		return fail(c, arr, "groups", "the catalog needs at least one group");
	if (n > 26)
		return fail(c, arr, "groups", "at most 26 groups (one per letter A-Z)");
	if (!(c->cat->groups = arena(c, n * sizeof(catalog_group_t))))
		return KIOSK_ENOMEM;
	static const char *const allowed[] = { "id", "letter", "name", "plain", "icon", NULL };
	size_t i = 0;
	for (const cJSON *g = arr->child; g; g = g->next, i++) {
		char p[256];
		pathf(p, sizeof p, "groups[%zu]", i);
		if (!cJSON_IsObject(g))
			return fail(c, g, p, "must be an object, not %s", type_word(g));
		if ((rc = check_keys(c, g, p, allowed)))
			return rc;
		catalog_group_t *grp = &c->cat->groups[i];
		if ((rc = get_id(c, g, p, false, &grp->id)))
			return rc;
		for (size_t j = 0; j < i; j++)
			if (strcmp(c->cat->groups[j].id, grp->id) == 0)
				return fail(c, cJSON_GetObjectItemCaseSensitive(g, "id"), p,
					    "duplicate group id \"%s\"", grp->id);
		const cJSON *l;
		if ((rc = get_member(c, g, p, "letter", true, &l)))
			return rc;
		char pl[256];
		pathf(pl, sizeof pl, "%s.letter", p);
		if (!cJSON_IsString(l))
			return fail(c, l, pl, "must be a string, not %s", type_word(l));
		const char *s = l->valuestring;
		if (strlen(s) != 1 || s[0] < 'A' || s[0] > 'Z')
			return fail(c, l, pl, "series letter must be one of A-Z, not \"%.8s\"", s);
		for (size_t j = 0; j < i; j++)
			if (c->cat->groups[j].letter == s[0])
				return fail(c, l, pl, "series letter %c is already used by group \"%s\"",
					    s[0], c->cat->groups[j].id);
		grp->letter = s[0];
		if ((rc = get_texts(c, g, p, "name", true, 60, grp->name)))
			return rc;
		if ((rc = get_texts(c, g, p, "plain", false, CATALOG_MAX_PLAIN, grp->plain)))
			return rc;
		if ((rc = get_icon(c, g, p, &grp->icon, &grp->icon_cp)))
			return rc;
		c->cat->ngroups = i + 1;
	}
	return KIOSK_OK;
}

static int load_field(ctx_t *c, const cJSON *f, const char *p, catalog_field_t *fld,
		      const catalog_field_t *prev, size_t nprev)
{
	static const char *const allowed[] = { "id", "type", "required", "label", "hint",
					       "max_len", NULL };
	int rc;
	if (!cJSON_IsObject(f))
		return fail(c, f, p, "must be an object, not %s", type_word(f));
	if ((rc = check_keys(c, f, p, allowed)))
		return rc;
	if ((rc = get_id(c, f, p, true, &fld->id)))
		return rc;
	for (size_t j = 0; j < nprev; j++)
		if (strcmp(prev[j].id, fld->id) == 0)
			return fail(c, cJSON_GetObjectItemCaseSensitive(f, "id"), p,
				    "duplicate field id \"%s\" in this procedure", fld->id);
	const cJSON *t;
	char pt[256];
	if ((rc = get_member(c, f, p, "type", true, &t)))
		return rc;
	pathf(pt, sizeof pt, "%s.type", p);
	if (!cJSON_IsString(t))
		return fail(c, t, pt, "must be a string, not %s", type_word(t));
	if (catalog_field_type_from_name(t->valuestring, &fld->type))
		return fail(c, t, pt, "unknown field type \"%.40s\" (name, cccd, phone, date, "
			    "birthdate, sex, address, text)", t->valuestring);
	if ((rc = get_bool(c, f, p, "required", &fld->required)))
		return rc;
	if (!cJSON_GetObjectItemCaseSensitive(f, "required"))
		return fail(c, f, p, "missing required key \"required\"");
	if ((rc = get_texts(c, f, p, "label", true, 120, fld->label)))
		return rc;
	if ((rc = get_texts(c, f, p, "hint", false, 200, fld->hint)))
		return rc;
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(f, "max_len");
	fld->max_len = 0;
	if (m) {
		pathf(pt, sizeof pt, "%s.max_len", p);
		/* Range first: a huge number must not reach an int conversion. */
		if (!cJSON_IsNumber(m) || m->valuedouble != floor(m->valuedouble))
			return fail(c, m, pt, "must be a whole number, not %s", type_word(m));
		if (m->valuedouble < 1 || m->valuedouble > CATALOG_MAX_FIELD_LEN)
			return fail(c, m, pt, "must be between 1 and %d", CATALOG_MAX_FIELD_LEN);
		if (fld->type != FIELD_NAME && fld->type != FIELD_ADDRESS && fld->type != FIELD_TEXT)
			return fail(c, m, pt, "max_len only applies to name, address and text fields");
		fld->max_len = (int)m->valuedouble;
	}
	return KIOSK_OK;
}

static bool code_ok(const char *s)
{
	/* national procedure code: digits '.' digits, e.g. 1.001193 */
	size_t i = 0, a = 0, b = 0;
	while (s[i] >= '0' && s[i] <= '9')
		i++, a++;
	if (s[i] != '.')
		return false;
	i++;
	while (s[i] >= '0' && s[i] <= '9')
		i++, b++;
	return s[i] == '\0' && a >= 1 && a <= 3 && b >= 3 && b <= 8;
}

static int load_proc(ctx_t *c, const cJSON *pr, const char *p, catalog_proc_t *proc)
{
	static const char *const allowed[] = { "id", "group", "code", "name", "short_name",
					       "docs", "fields", "handoff_id", "plain", "icon", NULL };
	int rc;
	if (!cJSON_IsObject(pr))
		return fail(c, pr, p, "must be an object, not %s", type_word(pr));
	if ((rc = check_keys(c, pr, p, allowed)))
		return rc;
	if ((rc = get_id(c, pr, p, false, &proc->id)))
		return rc;
	for (size_t j = 0; j < c->cat->nprocs; j++)
		if (strcmp(c->cat->procs[j].id, proc->id) == 0)
			return fail(c, cJSON_GetObjectItemCaseSensitive(pr, "id"), p,
				    "duplicate procedure id \"%s\"", proc->id);
	char q[256];
	const cJSON *v;
	if ((rc = get_member(c, pr, p, "group", true, &v)))
		return rc;
	pathf(q, sizeof q, "%s.group", p);
	if (!cJSON_IsString(v))
		return fail(c, v, q, "must be a string, not %s", type_word(v));
	proc->group = catalog_group_find(c->cat, v->valuestring);
	if (!proc->group)
		return fail(c, v, q, "unknown group \"%.40s\"", v->valuestring);
	if ((rc = get_member(c, pr, p, "code", true, &v)))
		return rc;
	pathf(q, sizeof q, "%s.code", p);
	if (!cJSON_IsString(v))
		return fail(c, v, q, "must be a string, not %s", type_word(v));
	if (!code_ok(v->valuestring))
		return fail(c, v, q, "bad national procedure code \"%.20s\" (like 1.001193)",
			    v->valuestring);
	if (!(proc->code = arena_strdup(c, v->valuestring)))
		return KIOSK_ENOMEM;
	if ((rc = get_texts(c, pr, p, "name", true, 200, proc->name)))
		return rc;
	if ((rc = get_texts(c, pr, p, "short_name", false, CATALOG_MAX_SHORT, proc->short_name)))
		return rc;
	for (int l = 0; l < LANG_COUNT; l++)
		if (!proc->short_name[l])
			proc->short_name[l] = proc->name[l];
	if ((rc = get_texts(c, pr, p, "plain", false, CATALOG_MAX_PLAIN, proc->plain)))
		return rc;
	if ((rc = get_icon(c, pr, p, &proc->icon, &proc->icon_cp)))
		return rc;
	if ((rc = get_bool(c, pr, p, "handoff_id", &proc->handoff_id)))
		return rc;

	/* docs: [{"vi": ..., "en": ...}, ...] */
	if ((rc = get_member(c, pr, p, "docs", true, &v)))
		return rc;
	pathf(q, sizeof q, "%s.docs", p);
	if (!cJSON_IsArray(v))
		return fail(c, v, q, "must be an array, not %s", type_word(v));
	size_t nd = (size_t)cJSON_GetArraySize(v);
	if (nd > CATALOG_MAX_DOCS)
		return fail(c, v, q, "at most %d documents", CATALOG_MAX_DOCS);
	const char **docs[LANG_COUNT];
	for (int l = 0; l < LANG_COUNT; l++) {
		if (!(docs[l] = arena(c, (nd + 1) * sizeof(char *))))
			return KIOSK_ENOMEM;
		proc->docs[l] = docs[l];
	}
	size_t i = 0;
	for (const cJSON *d = v->child; d; d = d->next, i++) {
		char pd[256];
		pathf(pd, sizeof pd, "%s[%zu]", q, i);
		if (!cJSON_IsObject(d))
			return fail(c, d, pd, "must be an object {\"vi\": ..., \"en\": ...}, not %s",
				    type_word(d));
		static const char *const langs[] = { "vi", "en", NULL };
		if ((rc = check_keys(c, d, pd, langs)))
			return rc;
		for (int l = 0; l < LANG_COUNT; l++) {
			const cJSON *t = cJSON_GetObjectItemCaseSensitive(d, lang_keys[l]);
			if (!t)
				return fail(c, d, pd, "missing the %s text (\"%s\")",
					    l == LANG_VI ? "Vietnamese" : "English", lang_keys[l]);
			char pl[256];
			pathf(pl, sizeof pl, "%s.%s", pd, lang_keys[l]);
			if ((rc = check_text(c, t, pl, 120)))
				return rc;
			if (!(docs[l][i] = arena_strdup(c, t->valuestring)))
				return KIOSK_ENOMEM;
		}
	}
	proc->ndocs = nd;

	/* fields: optional, [] when absent */
	v = cJSON_GetObjectItemCaseSensitive(pr, "fields");
	proc->nfields = 0;
	proc->fields = NULL;
	if (v) {
		pathf(q, sizeof q, "%s.fields", p);
		if (!cJSON_IsArray(v))
			return fail(c, v, q, "must be an array, not %s", type_word(v));
		size_t nf = (size_t)cJSON_GetArraySize(v);
		if (nf > CATALOG_MAX_FIELDS)
			return fail(c, v, q, "at most %d fields (keep forms short)", CATALOG_MAX_FIELDS);
		catalog_field_t *fields = arena(c, (nf ? nf : 1) * sizeof(*fields));
		if (!fields)
			return KIOSK_ENOMEM;
		i = 0;
		for (const cJSON *f = v->child; f; f = f->next, i++) {
			char pf[256];
			pathf(pf, sizeof pf, "%s[%zu]", q, i);
			if ((rc = load_field(c, f, pf, &fields[i], fields, i)))
				return rc;
		}
		proc->fields = fields;
		proc->nfields = nf;
	}
	return KIOSK_OK;
}

static int load_root(ctx_t *c, const cJSON *root)
{
	static const char *const allowed[] = { "version", "link_template", "groups",
					       "procedures", NULL };
	int rc;
	if (!cJSON_IsObject(root))
		return fail(c, root, "catalog", "the top level must be an object, not %s",
			    type_word(root));
	if ((rc = check_keys(c, root, "catalog", allowed)))
		return rc;
	const cJSON *v;
	if ((rc = get_member(c, root, "catalog", "version", true, &v)))
		return rc;
	if (!cJSON_IsNumber(v) || v->valuedouble != 1.0)
		return fail(c, v, "version", "unsupported catalog version (this firmware reads 1)");
	if ((rc = get_member(c, root, "catalog", "link_template", true, &v)))
		return rc;
	if (!cJSON_IsString(v))
		return fail(c, v, "link_template", "must be a string, not %s", type_word(v));
	if (!strstr(v->valuestring, "{code}"))
		return fail(c, v, "link_template", "the link template must contain {code}");
	if (strncmp(v->valuestring, "https://", 8) != 0)
		return fail(c, v, "link_template", "the link must start with https://");
	for (const char *s = v->valuestring; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7F)
			return fail(c, v, "link_template", "the link must be plain ASCII without spaces");
	if (!(c->cat->link_template = arena_strdup(c, v->valuestring)))
		return KIOSK_ENOMEM;
	if ((rc = load_groups(c, root)))
		return rc;
	const cJSON *arr;
	if ((rc = get_member(c, root, "catalog", "procedures", true, &arr)))
		return rc;
	if (!cJSON_IsArray(arr))
		return fail(c, arr, "procedures", "must be an array, not %s", type_word(arr));
	size_t n = (size_t)cJSON_GetArraySize(arr);
	if (n == 0)
		return fail(c, arr, "procedures", "the catalog needs at least one procedure");
	if (!(c->cat->procs = arena(c, n * sizeof(catalog_proc_t))))
		return KIOSK_ENOMEM;
	size_t i = 0;
	for (const cJSON *pr = arr->child; pr; pr = pr->next, i++) {
		char p[256];
		pathf(p, sizeof p, "procedures[%zu]", i);
		if ((rc = load_proc(c, pr, p, &c->cat->procs[i])))
			return rc;
		c->cat->nprocs = i + 1;
	}
	return KIOSK_OK;
}

static int read_file(const char *path, char **out, size_t *len, char *err, size_t errlen)
{
	*out = NULL;
	*len = 0;
	FILE *f = fopen(path, "rb");
	if (!f) {
		int e = errno;
		if (err && errlen)
			snprintf(err, errlen, "%s:0: cannot open the catalog: %s", path, strerror(e));
		return e == ENOENT ? KIOSK_ENOENT : KIOSK_EIO;
	}
	char *buf = malloc(CATALOG_MAX_FILE + 1);
	if (!buf) {
		fclose(f);
		return KIOSK_ENOMEM;
	}
	size_t n = fread(buf, 1, CATALOG_MAX_FILE + 1, f);
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		if (err && errlen)
			snprintf(err, errlen, "%s:0: cannot read the catalog", path);
		return KIOSK_EIO;
	}
	if (n > CATALOG_MAX_FILE) {
		free(buf);
		if (err && errlen)
			snprintf(err, errlen, "%s:0: the catalog is larger than %d bytes", path,
				 CATALOG_MAX_FILE);
		return KIOSK_EINVAL;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return KIOSK_OK;
}

int catalog_load_text(const char *name, const char *text, size_t len, catalog_t **out,
		      char *err, size_t errlen)
{
	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	ctx_t c = { .file = name, .text = text, .len = len, .err = err, .errlen = errlen,
		    .cur_line = 1 };
	if (memchr(text, '\0', len)) {
		size_t off = (size_t)((const char *)memchr(text, '\0', len) - text);
		if (err && errlen)
			snprintf(err, errlen, "%s:%d: NUL byte in the file", name, line_at(text, off));
		return KIOSK_EINVAL;
	}
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	size_t off = end && end >= text && end <= text + len ? (size_t)(end - text) : 0;
	if (root) {
		/* Only white space may follow the top-level value. */
		off = skip_ws(&c, off);
		if (off < len) {
			cJSON_Delete(root);
			root = NULL;
		}
	}
	if (!root) {
		off = skip_ws(&c, off);
		if (err && errlen) {
			if (off >= len) {
				/* name the line of the last thing in the file */
				size_t last = len;
				while (last > 0 && strchr(" \t\r\n", text[last - 1]))
					last--;
				snprintf(err, errlen, "%s:%d: JSON syntax error: unexpected end of file",
					 name, line_at(text, last ? last - 1 : 0));
			}
			else {
				size_t n = 0;
				while (off + n < len && n < 20 && text[off + n] != '\n' &&
				       text[off + n] != '\r')
					n++;
				/* never cut a UTF-8 sequence */
				while (n > 0 && off + n < len &&
				       ((unsigned char)text[off + n] & 0xC0) == 0x80)
					n--;
				snprintf(err, errlen, "%s:%d: JSON syntax error near \"%.*s\"", name,
					 line_at(text, off), (int)n, text + off);
			}
		}
		return KIOSK_EINVAL;
	}
	c.cat = calloc(1, sizeof(catalog_t));
	if (!c.cat) {
		cJSON_Delete(root);
		return KIOSK_ENOMEM;
	}
	char path[256] = "";
	walk(&c, root, skip_ws(&c, 0), skip_ws(&c, 0), 0, path, sizeof path);
	int rc = c.oom ? KIOSK_ENOMEM
		 : c.nul_node ? fail(&c, c.nul_node, c.nul_path,
				     c.nul_in_key ? "a key holds a NUL character (\\u0000)"
						  : "the text holds a NUL character (\\u0000)")
			      : load_root(&c, root);
	if (rc == KIOSK_OK && c.oom)
		rc = KIOSK_ENOMEM;
	if (rc == KIOSK_ENOMEM && err && errlen)
		snprintf(err, errlen, "%s:0: out of memory", name);
	free(c.lines);
	cJSON_Delete(root);
	if (rc) {
		catalog_free(c.cat);
		return rc;
	}
	*out = c.cat;
	return KIOSK_OK;
}

int catalog_load(const char *path, catalog_t **out, char *err, size_t errlen)
{
	char *text;
	size_t len;
	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	int rc = read_file(path, &text, &len, err, errlen);
	if (rc)
		return rc;
	rc = catalog_load_text(path, text, len, out, err, errlen);
	free(text);
	return rc;
}

void catalog_free(catalog_t *cat)
{
	if (!cat)
		return;
	struct block *b = cat->blocks;
	while (b) {
		struct block *n = b->next;
		free(b);
		b = n;
	}
	free(cat);
}

size_t catalog_group_count(const catalog_t *cat) { return cat ? cat->ngroups : 0; }

const catalog_group_t *catalog_group_at(const catalog_t *cat, size_t i)
{
	return cat && i < cat->ngroups ? &cat->groups[i] : NULL;
}

const catalog_group_t *catalog_group_find(const catalog_t *cat, const char *id)
{
	for (size_t i = 0; cat && id && i < cat->ngroups; i++)
		if (strcmp(cat->groups[i].id, id) == 0)
			return &cat->groups[i];
	return NULL;
}

size_t catalog_proc_count(const catalog_t *cat) { return cat ? cat->nprocs : 0; }

const catalog_proc_t *catalog_proc_at(const catalog_t *cat, size_t i)
{
	return cat && i < cat->nprocs ? &cat->procs[i] : NULL;
}

const catalog_proc_t *catalog_proc_find(const catalog_t *cat, const char *id)
{
	for (size_t i = 0; cat && id && i < cat->nprocs; i++)
		if (strcmp(cat->procs[i].id, id) == 0)
			return &cat->procs[i];
	return NULL;
}

int catalog_link(const catalog_t *cat, const catalog_proc_t *p, char *buf, size_t cap)
{
	if (!buf || cap == 0)
		return KIOSK_ERANGE;
	buf[0] = '\0';
	if (!cat || !p)
		return KIOSK_EINVAL;
	size_t o = 0;
	const char *t = cat->link_template;
	size_t clen = strlen(p->code);
	while (*t) {
		if (strncmp(t, "{code}", 6) == 0) {
			if (o + clen >= cap) {
				buf[0] = '\0';
				return KIOSK_ERANGE;
			}
			memcpy(buf + o, p->code, clen);
			o += clen;
			t += 6;
		} else {
			if (o + 1 >= cap) {
				buf[0] = '\0';
				return KIOSK_ERANGE;
			}
			buf[o++] = *t++;
		}
	}
	buf[o] = '\0';
	return KIOSK_OK;
}
