/* vspeech.c - phrase sequences from translation keys and numbers, rendered
 * from the voice pack's clips or espeak-ng: each item trimmed of its leading
 * and trailing silence, faded in and out over VSPEECH_FADE_MS, and joined
 * with a pause (or overlapped into a crossfade when the pause is off). */
#include "voice/vspeech.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kiosk.h"
#include "voice/vpack.h"

/* The keys of voice.json whose text is a template of items. */
static const char *const TEMPLATES[] = {"voice.call", "voice.call_named"};
#define SPOKEN_KEY "voice.spoken"
#define TRIM_LEVEL 256  /* |sample| above this is sound when trimming */
#define TRIM_MARGIN_MS 5

struct vspeech {
	const i18n_t *tr;
	vsynth_t *synth;
	vpack_t *pack;
	vwords_region_t region;
	vwords_ticket_mode_t ticket_mode;
	int pause_ms;
};

int vspeech_open(const i18n_t *tr, const vspeech_opts_t *o, vspeech_t **out, char *err,
		 size_t errlen)
{
	*out = NULL;
	vspeech_opts_t d = {0};
	if (!o)
		o = &d;
	if (!tr || !i18n_has(tr, "voice.call"))
		return kiosk_err(err, errlen, KIOSK_ENOENT,
				 "voice.call missing from the translation files (assets/i18n/*/voice.json)");
	vspeech_t *v = calloc(1, sizeof *v);
	if (!v)
		return kiosk_err(err, errlen, KIOSK_ENOMEM, "out of memory");
	v->tr = tr;
	v->region = o->region;
	v->ticket_mode = o->ticket_mode;
	v->pause_ms = o->pause_ms == 0 ? VSPEECH_PAUSE_MS : o->pause_ms < 0 ? 0 : o->pause_ms;
	int rc = vsynth_open(&o->synth, &v->synth, err, errlen);
	if (rc == KIOSK_OK && o->pack_dir)
		rc = vpack_open(o->pack_dir, vspeech_known, (void *)tr, NULL, NULL, &v->pack, err,
				errlen);
	if (rc != KIOSK_OK) {
		vspeech_close(v);
		return rc;
	}
	*out = v;
	return KIOSK_OK;
}

void vspeech_close(vspeech_t *v)
{
	if (!v)
		return;
	vpack_close(v->pack);
	vsynth_close(v->synth);
	free(v);
}

static int push(vspeech_seq_t *seq, const char *item, char *err, size_t errlen)
{
	if (seq->count >= VSPEECH_ITEMS)
		return kiosk_err(err, errlen, KIOSK_ERANGE, "more than %d items to say", VSPEECH_ITEMS);
	int n = snprintf(seq->item[seq->count], VSPEECH_ITEM, "%s", item);
	if (n < 0 || n >= VSPEECH_ITEM)
		return kiosk_err(err, errlen, KIOSK_ERANGE, "an item longer than %d bytes", VSPEECH_ITEM - 1);
	seq->count++;
	return KIOSK_OK;
}

static int word_byte(unsigned char c)
{
	return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Appends s[0..n) to buf; false when it does not fit. */
static int cat(char *buf, size_t cap, size_t *len, const char *s, size_t n)
{
	if (*len + n >= cap)
		return 0;
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = 0;
	return 1;
}

/* The spoken form of the written word at s (length n) from voice.spoken
 * ("UBND: Ủy ban nhân dân | HĐND: Hội đồng nhân dân"), copied to out. */
static int spoken_form(const i18n_t *tr, const char *s, size_t n, char *out, size_t cap)
{
	if (!i18n_has(tr, SPOKEN_KEY))
		return 0;
	const char *p = i18n_get(tr, LANG_VI, SPOKEN_KEY);
	while (*p) {
		while (*p == ' ' || *p == '|')
			p++;
		const char *colon = strchr(p, ':');
		const char *bar = strchr(p, '|');
		if (!bar)
			bar = p + strlen(p);
		if (colon && colon < bar && (size_t)(colon - p) == n && memcmp(p, s, n) == 0) {
			const char *a = colon + 1, *b = bar;
			while (a < b && *a == ' ')
				a++;
			while (b > a && b[-1] == ' ')
				b--;
			snprintf(out, cap, "%.*s", (int)(b - a), a);
			return 1;
		}
		p = bar;
	}
	return 0;
}

/* One item of text: spoken forms applied, digit runs as number words. */
static int say_item(const vspeech_t *v, const char *s, size_t n, char *out, size_t cap)
{
	size_t len = 0;
	out[0] = 0;
	for (size_t i = 0; i < n;) {
		if (!word_byte((unsigned char)s[i])) {
			if (!cat(out, cap, &len, s + i, 1))
				return KIOSK_ERANGE;
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && word_byte((unsigned char)s[j]))
			j++;
		char sp[VSPEECH_ITEM];
		size_t k = i;
		while (k < j && s[k] >= '0' && s[k] <= '9')
			k++;
		if (k == j) {
			/* A number: up to six digits as a whole, longer ones digit by digit. */
			char w[VSPEECH_ITEM] = "";
			if (j - i <= 6) {
				unsigned x = 0;
				for (size_t q = i; q < j; q++)
					x = x * 10 + (unsigned)(s[q] - '0');
				vwords_number(x, v->region, w, sizeof w);
			} else {
				size_t wl = 0;
				for (size_t q = i; q < j; q++) {
					const char *d = vwords_digit(s[q] - '0');
					if ((wl && !cat(w, sizeof w, &wl, " ", 1)) || !cat(w, sizeof w, &wl, d, strlen(d)))
						return KIOSK_ERANGE;
				}
			}
			if (!cat(out, cap, &len, w, strlen(w)))
				return KIOSK_ERANGE;
		} else if (spoken_form(v->tr, s + i, j - i, sp, sizeof sp)) {
			if (!cat(out, cap, &len, sp, strlen(sp)))
				return KIOSK_ERANGE;
		} else if (k > i) {
			/* Letters after digits ("12A"): the digits as a number, then the rest. */
			char w[VWORDS_ITEM];
			unsigned x = 0;
			for (size_t q = i; q < k && q < i + 6; q++)
				x = x * 10 + (unsigned)(s[q] - '0');
			vwords_number(x, v->region, w, sizeof w);
			if (!cat(out, cap, &len, w, strlen(w)) || !cat(out, cap, &len, " ", 1) ||
			    !cat(out, cap, &len, s + k, j - k))
				return KIOSK_ERANGE;
		} else {
			/* A word with digits inside ("A12"): the letters, then the digits read one by one. */
			for (size_t q = i; q < j; q++) {
				if (s[q] >= '0' && s[q] <= '9') {
					const char *d = vwords_digit(s[q] - '0');
					if (!cat(out, cap, &len, " ", 1) || !cat(out, cap, &len, d, strlen(d)))
						return KIOSK_ERANGE;
				} else if (!cat(out, cap, &len, s + q, 1)) {
					return KIOSK_ERANGE;
				}
			}
		}
		i = j;
	}
	return KIOSK_OK;
}

/* Splits text at '|' into items (trimmed, empty ones dropped); a {ticket} or
 * {counter} item is handed to fill (when not NULL). */
typedef int (*fill_fn)(const vspeech_t *v, const char *name, vspeech_seq_t *seq, void *ctx,
		       char *err, size_t errlen);
static int add_text(const vspeech_t *v, const char *text, fill_fn fill, void *ctx,
		    vspeech_seq_t *seq, char *err, size_t errlen)
{
	const char *p = text;
	for (;;) {
		const char *bar = strchr(p, '|');
		const char *e = bar ? bar : p + strlen(p);
		const char *a = p, *b = e;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (b > a) {
			int rc;
			if (*a == '{' && b[-1] == '}' && fill) {
				char name[64];
				snprintf(name, sizeof name, "%.*s", (int)(b - a - 2), a + 1);
				rc = fill(v, name, seq, ctx, err, errlen);
			} else {
				char item[VSPEECH_ITEM];
				rc = say_item(v, a, (size_t)(b - a), item, sizeof item);
				if (rc != KIOSK_OK)
					return kiosk_err(err, errlen, rc, "\"%.*s\": too long to say",
							 (int)(b - a), a);
				rc = item[0] ? push(seq, item, err, errlen) : KIOSK_OK;
			}
			if (rc != KIOSK_OK)
				return rc;
		}
		if (!bar)
			return KIOSK_OK;
		p = bar + 1;
	}
}

int vspeech_seq_number(const vspeech_t *v, unsigned n, vspeech_seq_t *seq, char *err, size_t errlen)
{
	char w[VWORDS_ITEM];
	if (vwords_number(n, v->region, w, sizeof w) != KIOSK_OK)
		return kiosk_err(err, errlen, KIOSK_ERANGE, "%u: larger than %d", n, VWORDS_MAX);
	return push(seq, w, err, errlen);
}

int vspeech_seq_ticket(const vspeech_t *v, const char *number, vspeech_seq_t *seq, char *err,
		       size_t errlen)
{
	vwords_list_t l;
	if (vwords_ticket(number, v->ticket_mode, v->region, &l) != KIOSK_OK)
		return kiosk_err(err, errlen, KIOSK_EINVAL,
				 "\"%s\" is not a ticket number (a letter and 1 to 4 digits)", number);
	for (int i = 0; i < l.count; i++) {
		int rc = push(seq, l.item[i], err, errlen);
		if (rc != KIOSK_OK)
			return rc;
	}
	return KIOSK_OK;
}

typedef struct {
	const char *number;
	int counter;
	const char *name;          /* the counter's name, for voice.call_named */
} call_t;

static int fill_call(const vspeech_t *v, const char *name, vspeech_seq_t *seq, void *ctx,
		     char *err, size_t errlen)
{
	const call_t *c = ctx;
	if (strcmp(name, "ticket") == 0)
		return vspeech_seq_ticket(v, c->number, seq, err, errlen);
	if (strcmp(name, "counter") == 0)
		return vspeech_seq_number(v, (unsigned)c->counter, seq, err, errlen);
	if (strcmp(name, "name") == 0 && c->name)
		return add_text(v, c->name, NULL, NULL, seq, err, errlen);
	return kiosk_err(err, errlen, KIOSK_EINVAL, "voice.call: unknown placeholder {%s}", name);
}

int vspeech_seq_call(const vspeech_t *v, const char *number, int counter, vspeech_seq_t *out,
		     char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (counter < 1 || counter > 999)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "counter %d outside 1..999", counter);
	if (!i18n_has(v->tr, "voice.call"))
		return kiosk_err(err, errlen, KIOSK_ENOENT, "voice.call missing from the translation files");
	call_t c = {number, counter, NULL};
	int rc = add_text(v, i18n_get(v->tr, LANG_VI, "voice.call"), fill_call, &c, out, err, errlen);
	if (rc != KIOSK_OK)
		memset(out, 0, sizeof *out);
	return rc;
}

int vspeech_seq_call_named(const vspeech_t *v, const char *number, int counter, const char *name,
			   vspeech_seq_t *out, char *err, size_t errlen)
{
	if (!name || !name[0] || strchr(name, '|') || strchr(name, '{') || !i18n_has(v->tr, "voice.call_named"))
		return vspeech_seq_call(v, number, counter, out, err, errlen);
	memset(out, 0, sizeof *out);
	call_t c = {number, counter, name};
	int rc = add_text(v, i18n_get(v->tr, LANG_VI, "voice.call_named"), fill_call, &c, out, err, errlen);
	if (rc != KIOSK_OK)
		memset(out, 0, sizeof *out);
	return rc;
}

int vspeech_seq_key(const vspeech_t *v, const char *key, vspeech_seq_t *seq, char *err,
		    size_t errlen)
{
	if (!i18n_has(v->tr, key))
		return kiosk_err(err, errlen, KIOSK_ENOENT, "%s: no such translation key", key);
	return add_text(v, i18n_get(v->tr, LANG_VI, key), NULL, NULL, seq, err, errlen);
}

int vspeech_seq_text(const vspeech_t *v, const char *text, vspeech_seq_t *seq, char *err,
		     size_t errlen)
{
	return add_text(v, text, NULL, NULL, seq, err, errlen);
}

int vspeech_seq_words(const vspeech_t *v, const char *text, vspeech_seq_t *seq, char *err,
		      size_t errlen)
{
	return add_text(v, text, NULL, NULL, seq, err, errlen);
}

int vspeech_phrases(const i18n_t *tr, vspeech_seq_t *out)
{
	memset(out, 0, sizeof *out);
	vspeech_t v = {.tr = tr};
	for (size_t t = 0; t < KIOSK_ARRAY_LEN(TEMPLATES); t++) {
		if (!i18n_has(tr, TEMPLATES[t]))
			continue;
		vspeech_seq_t s = {0};
		if (add_text(&v, i18n_get(tr, LANG_VI, TEMPLATES[t]), NULL, NULL, &s, NULL, 0) != KIOSK_OK)
			return KIOSK_ERANGE;
		for (int i = 0; i < s.count; i++) {
			if (s.item[i][0] == '{')
				continue;
			int dup = 0;
			for (int k = 0; k < out->count; k++)
				dup |= strcmp(out->item[k], s.item[i]) == 0;
			if (!dup && push(out, s.item[i], NULL, 0) != KIOSK_OK)
				return KIOSK_ERANGE;
		}
	}
	return KIOSK_OK;
}

int vspeech_known(const char *say, void *i18n)
{
	if (vwords_known(say))
		return 1;
	vspeech_seq_t s;
	if (vspeech_phrases(i18n, &s) != KIOSK_OK)
		return 0;
	for (int i = 0; i < s.count; i++)
		if (strcmp(s.item[i], say) == 0)
			return 1;
	return 0;
}

void vspeech_audio_free(vspeech_audio_t *a)
{
	if (!a)
		return;
	free(a->pcm);
	memset(a, 0, sizeof *a);
}

/* The sounding part of pcm: [*a, *b) with a small margin. */
static void trim(const int16_t *pcm, size_t n, size_t *a, size_t *b)
{
	size_t i = 0, j = n;
	while (i < n && abs(pcm[i]) <= TRIM_LEVEL)
		i++;
	while (j > i && abs(pcm[j - 1]) <= TRIM_LEVEL)
		j--;
	size_t m = (size_t)VOICE_RATE * TRIM_MARGIN_MS / 1000;
	*a = i > m ? i - m : 0;
	*b = j + m < n ? j + m : n;
	if (*b <= *a) {
		*a = 0;
		*b = n;
	}
}

int vspeech_render(vspeech_t *v, const vspeech_seq_t *seq, vspeech_audio_t *out, char *err,
		   size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!seq || seq->count <= 0)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "nothing to say");
	size_t fade = (size_t)VOICE_RATE * VSPEECH_FADE_MS / 1000;
	size_t pause = (size_t)VOICE_RATE * (size_t)v->pause_ms / 1000;
	size_t len = 0, cap = 0;
	int16_t *buf = NULL;
	for (int i = 0; i < seq->count; i++) {
		size_t n = 0;
		int16_t *own = NULL;
		const int16_t *src = vpack_find(v->pack, seq->item[i], &n);
		int from_pack = src != NULL;
		if (!src) {
			int rc = vsynth_say(v->synth, seq->item[i], &own, &n, err, errlen);
			if (rc != KIOSK_OK) {
				free(buf);
				return rc;
			}
			src = own;
		}
		size_t a, b;
		trim(src, n, &a, &b);
		size_t seglen = b - a;
		size_t f = fade * 2 < seglen ? fade : seglen / 2;
		/* Where it starts: after the pause, or overlapping the previous
		 * item's fade-out (a crossfade) when there is no pause. */
		size_t start = i == 0 ? 0 : pause ? len + pause : (len > f ? len - f : 0);
		size_t need = start + seglen;
		if (need > cap) {
			size_t nc = cap ? cap : VOICE_RATE;
			while (nc < need)
				nc *= 2;
			int16_t *nb = realloc(buf, nc * sizeof *nb);
			if (!nb) {
				free(own);
				free(buf);
				return kiosk_err(err, errlen, KIOSK_ENOMEM, "out of memory");
			}
			buf = nb;
			cap = nc;
		}
		if (start > len)
			memset(buf + len, 0, (start - len) * sizeof *buf);
		for (size_t k = 0; k < seglen; k++) {
			double g = 1.0;
			if (k < f)
				g = (double)k / (double)f;
			else if (k >= seglen - f)
				g = (double)(seglen - k) / (double)f;
			int s = (int)(src[a + k] * g);
			if (start + k < len) /* overlap: add to the fading previous item */
				s += buf[start + k];
			buf[start + k] = (int16_t)(s > 32767 ? 32767 : s < -32768 ? -32768 : s);
		}
		free(own);
		out->seg[i] = (vspeech_seg_t){start, start + seglen, from_pack};
		if (start + seglen > len)
			len = start + seglen;
	}
	out->pcm = buf;
	out->n = len;
	out->count = seq->count;
	return KIOSK_OK;
}
