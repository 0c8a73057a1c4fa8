/* vpack.c - loading and validating a voice pack (manifest.json + WAV clips):
 * every clip is checked (file, format, rate, length, level, key) and every
 * problem reported on its own line naming the file, so a technician fixes a
 * recorded pack in one pass; lookup of a clip by the words it says. */
#include "voice/vpack.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kiosk.h"
#include "voice/vsynth.h"
#include "voice/vwav.h"

#define MANIFEST_MAX (1024 * 1024)

typedef struct {
	char *say;
	int16_t *pcm;
	size_t n;
} clip_t;

struct vpack {
	clip_t *c;
	size_t n;
};

typedef struct {
	vpack_report_fn report;
	void *rctx;
	int count;
	char first[512];
} problems_t;

static void problem(problems_t *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(problems_t *p, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (p->count++ == 0)
		snprintf(p->first, sizeof p->first, "%s", line);
	if (p->report)
		p->report(line, p->rctx);
}

void vpack_levels(const int16_t *pcm, size_t n, int *peak, size_t *full_scale)
{
	int pk = 0;
	size_t fs = 0;
	for (size_t i = 0; i < n; i++) {
		int a = pcm[i] < 0 ? -(int)pcm[i] : pcm[i];
		if (a > pk)
			pk = a;
		if (a >= VPACK_CLIP_LEVEL)
			fs++;
	}
	*peak = pk;
	*full_scale = fs;
}

void vpack_close(vpack_t *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->c[i].say);
		free(p->c[i].pcm);
	}
	free(p->c);
	free(p);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *s = malloc(MANIFEST_MAX + 1);
	size_t n = s ? fread(s, 1, MANIFEST_MAX + 1, f) : 0;
	fclose(f);
	if (!s)
		return NULL;
	s[n > MANIFEST_MAX ? MANIFEST_MAX : n] = 0;
	*len = n;
	return s;
}

/* A clip file is a plain name inside the pack: no folder, no dot file. */
static int plain_name(const char *f)
{
	size_t n = strlen(f);
	return n > 4 && n < 128 && f[0] != '.' && !strchr(f, '/') && !strchr(f, '\\') &&
	       strcmp(f + n - 4, ".wav") == 0;
}

/* Checks one clip; on success moves its samples into *c. */
static void load_clip(const char *dir, const char *file, int rate, problems_t *pr, clip_t *c)
{
	char path[1024], why[256];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	vwav_t w;
	int rc = vwav_read(path, &w, why, sizeof why);
	if (rc == KIOSK_ENOENT) {
		problem(pr, "%s: missing (listed in manifest.json)", path);
		return;
	}
	if (rc != KIOSK_OK) {
		problem(pr, "%s: %s", path, why);
		return;
	}
	int bad = 0;
	if (w.format != 1 || w.bits != 16 || w.channels != 1) {
		problem(pr, "%s: %s %d-bit, %d channel%s; a clip is 16-bit PCM mono", path,
			w.format == 1 ? "PCM" : w.format == 3 ? "float" : "compressed", w.bits,
			w.channels, w.channels == 1 ? "" : "s");
		bad = 1;
	}
	if (w.rate != rate) {
		problem(pr, "%s: sample rate %d Hz, the pack's is %d Hz", path, w.rate, rate);
		bad = 1;
	}
	if (!bad) {
		double ms = (double)w.frames * 1000.0 / rate;
		int peak;
		size_t fs;
		vpack_levels(w.pcm, w.frames, &peak, &fs);
		if (ms < VPACK_MIN_MS || ms > VPACK_MAX_MS) {
			problem(pr, "%s: %.0f ms long; a clip lasts %d..%d ms", path, ms, VPACK_MIN_MS,
				VPACK_MAX_MS);
			bad = 1;
		} else if (peak < VPACK_SILENT_PEAK) {
			problem(pr, "%s: silent (peak %d of 32767)", path, peak);
			bad = 1;
		} else if (fs * 1000 > w.frames * VPACK_CLIP_PERMILLE && fs >= 3) {
			problem(pr, "%s: clipped (%zu of %zu samples at full scale)", path, fs, w.frames);
			bad = 1;
		}
	}
	if (bad) {
		vwav_free(&w);
		return;
	}
	c->pcm = w.pcm;
	c->n = w.frames;
}

int vpack_open(const char *dir, vpack_known_fn known, void *kctx, vpack_report_fn report,
	       void *rctx, vpack_t **out, char *err, size_t errlen)
{
	*out = NULL;
	problems_t pr = {.report = report, .rctx = rctx};
	char mpath[1024];
	snprintf(mpath, sizeof mpath, "%s/manifest.json", dir);
	size_t len = 0;
	char *text = read_all(mpath, &len);
	if (!text) {
		problem(&pr, "%s: missing", mpath);
		return kiosk_err(err, errlen, KIOSK_ENOENT, "%s", pr.first);
	}
	vpack_t *p = calloc(1, sizeof *p);
	cJSON *root = len > MANIFEST_MAX ? NULL : cJSON_Parse(text);
	free(text);
	if (!p) {
		cJSON_Delete(root);
		return kiosk_err(err, errlen, KIOSK_ENOMEM, "out of memory");
	}
	const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
	const cJSON *rate = cJSON_GetObjectItemCaseSensitive(root, "sample_rate");
	const cJSON *clips = cJSON_GetObjectItemCaseSensitive(root, "clips");
	if (!root || !cJSON_IsObject(root)) {
		problem(&pr, "%s: not a JSON object%s", mpath, len > MANIFEST_MAX ? " (too large)" : "");
	} else if (!cJSON_IsNumber(fmt) || fmt->valueint != VPACK_FORMAT) {
		problem(&pr, "%s: \"format\" must be %d", mpath, VPACK_FORMAT);
	} else if (!cJSON_IsNumber(rate) || rate->valueint != VOICE_RATE) {
		problem(&pr, "%s: \"sample_rate\" must be %d (the voice's output rate)", mpath, VOICE_RATE);
	} else if (!cJSON_IsArray(clips) || cJSON_GetArraySize(clips) > VPACK_MAX_CLIPS) {
		problem(&pr, "%s: \"clips\" must be a list of at most %d {\"say\", \"file\"}", mpath,
			VPACK_MAX_CLIPS);
	} else {
		size_t nc = (size_t)cJSON_GetArraySize(clips);
		p->c = calloc(nc ? nc : 1, sizeof *p->c);
		if (!p->c) {
			cJSON_Delete(root);
			vpack_close(p);
			return kiosk_err(err, errlen, KIOSK_ENOMEM, "out of memory");
		}
		int i = 0;
		const cJSON *e;
		cJSON_ArrayForEach(e, clips) {
			i++;
			const cJSON *say = cJSON_GetObjectItemCaseSensitive(e, "say");
			const cJSON *file = cJSON_GetObjectItemCaseSensitive(e, "file");
			if (!cJSON_IsString(say) || !say->valuestring[0] || !cJSON_IsString(file)) {
				problem(&pr, "%s: clip %d: needs \"say\" and \"file\" strings", mpath, i);
				continue;
			}
			if (!plain_name(file->valuestring)) {
				problem(&pr, "%s: clip %d: \"%s\" is not a plain NAME.wav inside the pack",
					mpath, i, file->valuestring);
				continue;
			}
			int dup = 0;
			for (size_t k = 0; k < p->n; k++)
				if (strcmp(p->c[k].say, say->valuestring) == 0)
					dup = 1;
			if (dup) {
				problem(&pr, "%s/%s: \"%s\" has another clip before it", dir,
					file->valuestring, say->valuestring);
				continue;
			}
			if (known && !known(say->valuestring, kctx)) {
				problem(&pr, "%s/%s: \"%s\" is not a phrase or word the kiosk speaks", dir,
					file->valuestring, say->valuestring);
				continue;
			}
			clip_t c = {0};
			load_clip(dir, file->valuestring, rate->valueint, &pr, &c);
			if (!c.pcm)
				continue;
			c.say = strdup(say->valuestring);
			if (!c.say) {
				free(c.pcm);
				problem(&pr, "%s: out of memory", mpath);
				continue;
			}
			p->c[p->n++] = c;
		}
	}
	cJSON_Delete(root);
	if (pr.count) {
		vpack_close(p);
		if (pr.count > 1)
			return kiosk_err(err, errlen, KIOSK_ECORRUPT, "%s (and %d more)", pr.first,
					 pr.count - 1);
		return kiosk_err(err, errlen, KIOSK_ECORRUPT, "%s", pr.first);
	}
	*out = p;
	return KIOSK_OK;
}

const int16_t *vpack_find(const vpack_t *p, const char *say, size_t *n)
{
	*n = 0;
	for (size_t i = 0; p && say && i < p->n; i++)
		if (strcmp(p->c[i].say, say) == 0) {
			*n = p->c[i].n;
			return p->c[i].pcm;
		}
	return NULL;
}

size_t vpack_count(const vpack_t *p)
{
	return p ? p->n : 0;
}
