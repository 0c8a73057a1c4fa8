/* i18n.c - UI text: every *.json of <dir>/vi and <dir>/en (in name order),
 * each a flat object of "module.key": "text". The two languages are checked
 * against each other when loading (same keys, same {placeholders}), so a
 * missing translation is found at start-up, not on screen. Lookup is a
 * binary search in one array sorted by key. */
#include "core/i18n.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/kiosk.h"
#include "core/text.h"

#define I18N_MAX_FILE (1024 * 1024)

typedef struct {
	char *key;
	char *text[LANG_COUNT];
	const char *file[LANG_COUNT]; /* points into the file name table */
} entry_t;

struct i18n {
	entry_t *e;
	size_t n;
	char **files; /* file paths, for messages while loading */
	size_t nfiles;
};

/* One language's entries while loading. */
typedef struct {
	char *key, *text;
	const char *file;
} raw_t;

typedef struct {
	raw_t *v;
	size_t n, cap;
} rawvec_t;


static const char *const CODES[LANG_COUNT] = {"vi", "en"};
static const char *const NAMES[LANG_COUNT] = {"Vietnamese", "English"};

const char *lang_code(lang_t l)
{
	return ((int)l >= 0 && (int)l < LANG_COUNT) ? CODES[l] : CODES[LANG_VI];
}

int lang_parse(const char *code, lang_t *out)
{
	*out = LANG_VI;
	for (int i = 0; code && i < LANG_COUNT; i++)
		if (strcmp(code, CODES[i]) == 0) {
			*out = (lang_t)i;
			return KIOSK_OK;
		}
	return KIOSK_EINVAL;
}

size_t i18n_max_chars(const char *key)
{
	/* Keyboard key labels are a word or a few letters; the rest (titles,
	 * buttons, body text, the ticket's lines) at most a short paragraph. */
	if (key && strncmp(key, "kb.", 3) == 0)
		return I18N_MAX_KEY_LABEL;
	return I18N_MAX_TEXT;
}

static void rawvec_free(rawvec_t *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].key);
		free(r->v[i].text);
	}
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rbe");
	if (!f)
		return NULL;
	struct stat st;
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > I18N_MAX_FILE) {
		fclose(f);
		errno = EFBIG;
		return NULL;
	}
	char *buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	*len = fread(buf, 1, (size_t)st.st_size, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* Names of the {placeholders} in s, sorted and joined by ',' into out. */
static void placeholders(const char *s, char *out, size_t cap)
{
	const char *names[32];
	size_t lens[32];
	size_t n = 0;
	for (const char *p = s; (p = strchr(p, '{')) != NULL; p++) {
		size_t k = 1;
		while (p[k] == '_' || (p[k] >= 'a' && p[k] <= 'z') || (p[k] >= 'A' && p[k] <= 'Z') ||
		       (p[k] >= '0' && p[k] <= '9'))
			k++;
		if (k > 1 && p[k] == '}' && n < 32) {
			names[n] = p + 1;
			lens[n] = k - 1;
			n++;
		}
	}
	/* insertion sort */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0; j--) {
			size_t m = lens[j] < lens[j - 1] ? lens[j] : lens[j - 1];
			int c = memcmp(names[j - 1], names[j], m);
			if (c < 0 || (c == 0 && lens[j - 1] <= lens[j]))
				break;
			const char *tn = names[j];
			names[j] = names[j - 1];
			names[j - 1] = tn;
			size_t tl = lens[j];
			lens[j] = lens[j - 1];
			lens[j - 1] = tl;
		}
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && lens[i] == lens[i - 1] && memcmp(names[i], names[i - 1], lens[i]) == 0)
			continue; /* the same name twice counts once */
		int w = snprintf(out + o, cap - o, "%s{%.*s}", o ? "," : "", (int)lens[i], names[i]);
		if (w < 0 || (size_t)w >= cap - o)
			break;
		o += (size_t)w;
	}
}

static int load_file(const char *path, rawvec_t *r, char *err, size_t errlen)
{
	size_t len = 0;
	char *buf = read_all(path, &len);
	if (!buf)
		return kiosk_err(err, errlen, KIOSK_EIO, "%s: cannot read (%s)", path, strerror(errno));
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
	if (!root) {
		int line = 1;
		for (const char *p = buf; end && p < end && p < buf + len; p++)
			line += *p == '\n';
		free(buf);
		return kiosk_err(err, errlen, KIOSK_EINVAL, "%s: not valid JSON (near line %d)", path,
			       line);
	}
	free(buf);
	int rc = KIOSK_OK;
	if (!cJSON_IsObject(root)) {
		rc = kiosk_err(err, errlen, KIOSK_EINVAL, "%s: must be a JSON object of strings", path);
		goto out;
	}
	const cJSON *it;
	cJSON_ArrayForEach(it, root)
	{
		const char *k = it->string;
		size_t kl = strlen(k);
		if (kl == 0 || !text_is_nfc(k, kl)) {
			rc = kiosk_err(err, errlen, KIOSK_EINVAL,
				     "%s: \"%s\": a key must be non-empty NFC UTF-8", path, k);
			goto out;
		}
		if (!cJSON_IsString(it)) {
			rc = kiosk_err(err, errlen, KIOSK_EINVAL, "%s: %s: must be a string", path, k);
			goto out;
		}
		const char *s = it->valuestring;
		size_t sl = strlen(s);
		if (!text_utf8_valid(s, sl)) {
			rc = kiosk_err(err, errlen, KIOSK_EINVAL, "%s: %s: not valid UTF-8", path, k);
			goto out;
		}
		if (!text_is_nfc(s, sl)) {
			rc = kiosk_err(err, errlen, KIOSK_EINVAL,
				     "%s: %s: not in NFC (normalise the file to NFC)", path, k);
			goto out;
		}
		size_t chars = 0;
		for (size_t i = 0; i < sl; i++)
			chars += ((unsigned char)s[i] & 0xC0) != 0x80;
		size_t lim = i18n_max_chars(k);
		if (chars > lim) {
			rc = kiosk_err(err, errlen, KIOSK_EINVAL,
				     "%s: %s: %zu characters, more than the %zu allowed "
				     "(docs/conventions.md)", path, k, chars, lim);
			goto out;
		}
		if (r->n == r->cap) {
			size_t nc = r->cap ? r->cap * 2 : 64;
			raw_t *nv = realloc(r->v, nc * sizeof *nv);
			if (!nv) {
				rc = KIOSK_ENOMEM;
				goto out;
			}
			r->v = nv;
			r->cap = nc;
		}
		raw_t *e = &r->v[r->n];
		e->key = strdup(k);
		e->text = strdup(s);
		e->file = path;
		if (!e->key || !e->text) {
			free(e->key);
			free(e->text);
			rc = KIOSK_ENOMEM;
			goto out;
		}
		r->n++;
	}
out:
	cJSON_Delete(root);
	return rc;
}

static int json_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

static int cmp_raw(const void *a, const void *b)
{
	return strcmp(((const raw_t *)a)->key, ((const raw_t *)b)->key);
}

/* Load one language folder: every *.json, in name order. */
static int load_lang(i18n_t *t, const char *dir, lang_t l, rawvec_t *r, char *err, size_t errlen)
{
	char folder[4096];
	snprintf(folder, sizeof folder, "%s/%s", dir, CODES[l]);
	struct dirent **list = NULL;
	int n = scandir(folder, &list, json_name, alphasort);
	if (n < 0)
		return kiosk_err(err, errlen, errno == ENOENT ? KIOSK_ENOENT : KIOSK_EIO,
			       "%s: cannot open folder (%s)", folder, strerror(errno));
	int rc = KIOSK_OK;
	for (int i = 0; i < n; i++) {
		if (rc == KIOSK_OK) {
			char **nf = realloc(t->files, (t->nfiles + 1) * sizeof *nf);
			size_t pl = strlen(folder) + strlen(list[i]->d_name) + 2;
			char *p = malloc(pl);
			if (!nf || !p) {
				if (nf)
					t->files = nf;
				free(p);
				rc = KIOSK_ENOMEM;
			} else {
				t->files = nf;
				snprintf(p, pl, "%s/%s", folder, list[i]->d_name);
				t->files[t->nfiles++] = p;
				rc = load_file(p, r, err, errlen);
			}
		}
		free(list[i]);
	}
	free(list);
	if (rc != KIOSK_OK)
		return rc;
	qsort(r->v, r->n, sizeof *r->v, cmp_raw);
	for (size_t i = 1; i < r->n; i++)
		if (strcmp(r->v[i].key, r->v[i - 1].key) == 0) {
			if (r->v[i].file == r->v[i - 1].file)
				return kiosk_err(err, errlen, KIOSK_EINVAL, "%s: %s: duplicate key",
					       r->v[i].file, r->v[i].key);
			return kiosk_err(err, errlen, KIOSK_EINVAL,
				       "%s: %s: duplicate key (also in %s)", r->v[i].file,
				       r->v[i].key, r->v[i - 1].file);
		}
	return KIOSK_OK;
}

void i18n_free(i18n_t *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->e[i].key);
		for (int l = 0; l < LANG_COUNT; l++)
			free(t->e[i].text[l]);
	}
	free(t->e);
	for (size_t i = 0; i < t->nfiles; i++)
		free(t->files[i]);
	free(t->files);
	free(t);
}

int i18n_load(const char *dir, i18n_t **out, char *err, size_t errlen)
{
	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	if (!dir)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "i18n: no folder");
	i18n_t *t = calloc(1, sizeof *t);
	if (!t)
		return KIOSK_ENOMEM;
	rawvec_t r[LANG_COUNT];
	memset(r, 0, sizeof r);
	int rc = KIOSK_OK;
	for (int l = 0; l < LANG_COUNT && rc == KIOSK_OK; l++)
		rc = load_lang(t, dir, (lang_t)l, &r[l], err, errlen);
	if (rc == KIOSK_OK) {
		/* Pair the sorted lists: every key in both languages. */
		t->e = calloc(r[LANG_VI].n + 1, sizeof *t->e);
		if (!t->e)
			rc = KIOSK_ENOMEM;
		size_t i = 0, j = 0;
		rawvec_t *a = &r[LANG_VI], *b = &r[LANG_EN];
		while (rc == KIOSK_OK && (i < a->n || j < b->n)) {
			int c = i >= a->n ? 1 : j >= b->n ? -1 : strcmp(a->v[i].key, b->v[j].key);
			if (c < 0) {
				rc = kiosk_err(err, errlen, KIOSK_EINVAL,
					     "%s: %s: missing in %s (%s/%s)", a->v[i].file,
					     a->v[i].key, NAMES[LANG_EN], dir, CODES[LANG_EN]);
				break;
			}
			if (c > 0) {
				rc = kiosk_err(err, errlen, KIOSK_EINVAL,
					     "%s: %s: missing in %s (%s/%s)", b->v[j].file,
					     b->v[j].key, NAMES[LANG_VI], dir, CODES[LANG_VI]);
				break;
			}
			char pa[512], pb[512];
			placeholders(a->v[i].text, pa, sizeof pa);
			placeholders(b->v[j].text, pb, sizeof pb);
			if (strcmp(pa, pb) != 0) {
				rc = kiosk_err(err, errlen, KIOSK_EINVAL,
					     "%s: %s: placeholders differ from %s (\"%s\" vs \"%s\")",
					     b->v[j].file, b->v[j].key, a->v[i].file, pb, pa);
				break;
			}
			entry_t *e = &t->e[t->n++];
			/* Move the strings over. */
			e->key = a->v[i].key;
			e->text[LANG_VI] = a->v[i].text;
			e->text[LANG_EN] = b->v[j].text;
			e->file[LANG_VI] = a->v[i].file;
			e->file[LANG_EN] = b->v[j].file;
			a->v[i].key = a->v[i].text = NULL;
			b->v[j].text = NULL;
			i++;
			j++;
		}
	}
	for (int l = 0; l < LANG_COUNT; l++)
		rawvec_free(&r[l]);
	if (rc != KIOSK_OK) {
		if (rc == KIOSK_ENOMEM && err && errlen && !err[0])
			kiosk_err(err, errlen, rc, "%s: out of memory", dir);
		i18n_free(t);
		return rc;
	}
	*out = t;
	return KIOSK_OK;
}

static const entry_t *find(const i18n_t *t, const char *key)
{
	if (!t || !key)
		return NULL;
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->e[mid].key, key);
		if (c == 0)
			return &t->e[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *i18n_get(const i18n_t *t, lang_t lang, const char *key)
{
	const entry_t *e = find(t, key);
	if (!e)
		return key ? key : "";
	if ((int)lang < 0 || (int)lang >= LANG_COUNT)
		lang = LANG_VI;
	return e->text[lang];
}

int i18n_has(const i18n_t *t, const char *key)
{
	return find(t, key) != NULL;
}

/* Append n bytes of s to buf; on overflow copy what fits without cutting a
 * UTF-8 sequence and return false. */
static bool put(char *buf, size_t cap, size_t *o, const char *s, size_t n)
{
	if (*o + n < cap) {
		memcpy(buf + *o, s, n);
		*o += n;
		buf[*o] = '\0';
		return true;
	}
	size_t room = cap - 1 - *o;
	while (room > 0 && ((unsigned char)s[room] & 0xC0) == 0x80)
		room--;
	memcpy(buf + *o, s, room);
	*o += room;
	buf[*o] = '\0';
	return false;
}

int i18n_format(char *buf, size_t cap, const char *tmpl, ...)
{
	if (!buf || cap == 0)
		return KIOSK_ERANGE;
	buf[0] = '\0';
	if (!tmpl)
		return KIOSK_EINVAL;
	size_t o = 0;
	const char *p = tmpl;
	while (*p) {
		const char *open = strchr(p, '{');
		const char *close = open ? strchr(open + 1, '}') : NULL;
		if (!open || !close) {
			if (!put(buf, cap, &o, p, strlen(p)))
				return KIOSK_ERANGE;
			break;
		}
		if (!put(buf, cap, &o, p, (size_t)(open - p)))
			return KIOSK_ERANGE;
		size_t nl = (size_t)(close - open - 1);
		const char *value = NULL;
		va_list ap;
		va_start(ap, tmpl);
		for (const char *name; (name = va_arg(ap, const char *)) != NULL;) {
			const char *v = va_arg(ap, const char *);
			if (strlen(name) == nl && memcmp(name, open + 1, nl) == 0) {
				value = v ? v : "";
				break;
			}
		}
		va_end(ap);
		if (value) {
			if (!put(buf, cap, &o, value, strlen(value)))
				return KIOSK_ERANGE;
			p = close + 1;
		} else {
			/* Not a known placeholder: keep the '{' and go on after it. */
			if (!put(buf, cap, &o, open, 1))
				return KIOSK_ERANGE;
			p = open + 1;
		}
	}
	return KIOSK_OK;
}
