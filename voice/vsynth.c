/* vsynth.c - libespeak-ng in synchronous mode: one initialisation for the
 * process, a callback appending each block of samples to the caller's
 * buffer, the voice and settings applied before every call (several
 * synthesisers with different voices may share the library), and a linear
 * resampler for an espeak-ng built for another rate than VOICE_RATE. */
#include "voice/vsynth.h"

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/kiosk.h"

const char *const vsynth_voices[] = {"vi", "vi-vn-x-central", "vi-vn-x-south", NULL};

/* espeak-ng's voice file of each of ours (under espeak-ng-data/lang/). */
static const char *const VOICE_FILES[] = {"aav/vi", "aav/vi-VN-x-central", "aav/vi-VN-x-south"};

struct vsynth {
	int voice; /* index into vsynth_voices */
	int rate_wpm, volume;
};

/* espeak-ng is one state per process and not thread-safe: every call into
 * it holds g_mu (the board's speaking thread, the kiosk's reader thread and
 * the technician's sound test may each have a handle). It is initialised at
 * the first open and kept until the process ends: after espeak_ng_Terminate
 * a second espeak_ng_Initialize leaves a state whose next Terminate never
 * returns (seen with 1.51: the board hung at exit after a settings change). */
static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static bool g_ready;     /* espeak-ng initialised */
static int g_users;      /* open synthesisers */
static int g_rate;       /* espeak-ng's sample rate */
static char g_path[512]; /* the data folder in use */

typedef struct {
	int16_t *v;
	size_t n, cap;
	int oom;
} pcmbuf_t;

static int on_samples(short *wav, int count, espeak_EVENT *ev)
{
	pcmbuf_t *b = NULL;
	for (; ev && ev->type != espeakEVENT_LIST_TERMINATED; ev++)
		if (ev->user_data)
			b = ev->user_data;
	if (!b && ev)
		b = ev->user_data;
	if (!b || !wav || count <= 0)
		return 0;
	if (b->n + (size_t)count > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16384;
		while (cap < b->n + (size_t)count)
			cap *= 2;
		int16_t *v = realloc(b->v, cap * sizeof *v);
		if (!v) {
			b->oom = 1;
			return 1; /* stop */
		}
		b->v = v;
		b->cap = cap;
	}
	memcpy(b->v + b->n, wav, (size_t)count * sizeof *wav);
	b->n += (size_t)count;
	return 0;
}

static int file_exists(const char *dir, const char *name)
{
	char p[700];
	struct stat st;
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return stat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

/* The data folder must hold the phoneme tables, the Vietnamese dictionary
 * and the voice file: espeak-ng itself would print to stderr or exit. */
static int check_data(const char *dir, int voice, char *err, size_t errlen)
{
	const char *need[] = {"phontab", "phondata", "phonindex", "intonations", "vi_dict"};
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(need); i++)
		if (!file_exists(dir, need[i]))
			return kiosk_err(err, errlen, KIOSK_ENOENT,
					 "espeak-ng voice data missing: %s/%s (install espeak-ng-data)",
					 dir, need[i]);
	char lang[64];
	snprintf(lang, sizeof lang, "lang/%s", VOICE_FILES[voice]);
	if (!file_exists(dir, lang))
		return kiosk_err(err, errlen, KIOSK_ENOENT,
				 "espeak-ng voice data missing: %s/%s (voice %s; install espeak-ng-data)",
				 dir, lang, vsynth_voices[voice]);
	return KIOSK_OK;
}

int vsynth_open(const vsynth_opts_t *o, vsynth_t **out, char *err, size_t errlen)
{
	*out = NULL;
	vsynth_opts_t d = {0};
	if (!o)
		o = &d;
	int voice = -1;
	const char *name = o->voice ? o->voice : "vi";
	for (int i = 0; vsynth_voices[i]; i++)
		if (strcmp(name, vsynth_voices[i]) == 0)
			voice = i;
	if (voice < 0)
		return kiosk_err(err, errlen, KIOSK_EINVAL,
				 "unknown voice \"%s\" (vi, vi-vn-x-central, vi-vn-x-south)", name);
	int rate = o->rate_wpm ? o->rate_wpm : 150, volume = o->volume ? o->volume : 100;
	if (rate < espeakRATE_MINIMUM || rate > espeakRATE_MAXIMUM)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "speech rate %d outside %d..%d words a minute",
				 rate, espeakRATE_MINIMUM, espeakRATE_MAXIMUM);
	if (volume < 0 || volume > 200)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "speech volume %d outside 0..200", volume);

	pthread_mutex_lock(&g_mu);
	if (!g_ready) {
		/* Where espeak-ng looks: the folder given, else its own default
		 * (ESPEAK_DATA_PATH or the compiled-in path). */
		/* espeak-ng falls back to its default for a folder that does
		 * not exist: a folder given must hold the data itself. */
		if (o->data_dir) {
			int rc = check_data(o->data_dir, voice, err, errlen);
			if (rc != KIOSK_OK) {
				pthread_mutex_unlock(&g_mu);
				return rc;
			}
		}
		espeak_ng_InitializePath(o->data_dir);
		const char *path = NULL;
		espeak_Info(&path);
		snprintf(g_path, sizeof g_path, "%s", path ? path : "(unknown)");
		int rc = check_data(g_path, voice, err, errlen);
		if (rc != KIOSK_OK) {
			pthread_mutex_unlock(&g_mu);
			return rc;
		}
		espeak_ng_ERROR_CONTEXT ctx = NULL;
		espeak_ng_STATUS st = espeak_ng_Initialize(&ctx);
		if (st == ENS_OK)
			st = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL);
		if (st != ENS_OK) {
			char m[256];
			espeak_ng_GetStatusCodeMessage(st, m, sizeof m);
			espeak_ng_ClearErrorContext(&ctx);
			pthread_mutex_unlock(&g_mu);
			return kiosk_err(err, errlen, KIOSK_EIO, "espeak-ng (data %s): %s", g_path, m);
		}
		espeak_SetSynthCallback(on_samples);
		g_rate = espeak_ng_GetSampleRate();
		g_ready = true;
	} else {
		int rc = check_data(g_path, voice, err, errlen);
		if (rc != KIOSK_OK) {
			pthread_mutex_unlock(&g_mu);
			return rc;
		}
	}
	vsynth_t *s = calloc(1, sizeof *s);
	if (!s) {
		pthread_mutex_unlock(&g_mu);
		return kiosk_err(err, errlen, KIOSK_ENOMEM, "out of memory");
	}
	s->voice = voice;
	s->rate_wpm = rate;
	s->volume = volume;
	g_users++;
	pthread_mutex_unlock(&g_mu);
	*out = s;
	return KIOSK_OK;
}

void vsynth_close(vsynth_t *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&g_mu);
	free(s);
	g_users--; /* espeak-ng itself stays initialised (above) */
	pthread_mutex_unlock(&g_mu);
}

/* Linear resampling from rate `from` to VOICE_RATE. */
static int resample(pcmbuf_t *b, int from)
{
	if (from == VOICE_RATE || b->n == 0)
		return KIOSK_OK;
	size_t n = (size_t)((double)b->n * VOICE_RATE / from);
	int16_t *v = malloc((n ? n : 1) * sizeof *v);
	if (!v)
		return KIOSK_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		double x = (double)i * from / VOICE_RATE;
		size_t k = (size_t)x;
		double f = x - (double)k;
		int a = b->v[k], c = k + 1 < b->n ? b->v[k + 1] : a;
		v[i] = (int16_t)(a + (c - a) * f);
	}
	free(b->v);
	b->v = v;
	b->n = b->cap = n;
	return KIOSK_OK;
}

int vsynth_say(vsynth_t *s, const char *text, int16_t **pcm, size_t *n, char *err, size_t errlen)
{
	*pcm = NULL;
	*n = 0;
	if (!s || !text || !text[0])
		return kiosk_err(err, errlen, KIOSK_EINVAL, "nothing to say");
	size_t len = strlen(text);
	if (len > VSYNTH_MAX_TEXT)
		return kiosk_err(err, errlen, KIOSK_EINVAL, "text of %zu bytes, more than %d", len,
				 VSYNTH_MAX_TEXT);
	if (strpbrk(text, "0123456789"))
		return kiosk_err(err, errlen, KIOSK_EINVAL,
				 "\"%s\": digits go through vwords, never to espeak-ng", text);
	pthread_mutex_lock(&g_mu);
	espeak_ng_STATUS st = espeak_ng_SetVoiceByName(vsynth_voices[s->voice]);
	if (st == ENS_OK)
		st = espeak_ng_SetParameter(espeakRATE, s->rate_wpm, 0);
	if (st == ENS_OK)
		st = espeak_ng_SetParameter(espeakVOLUME, s->volume, 0);
	pcmbuf_t b = {0};
	if (st == ENS_OK)
		st = espeak_ng_Synthesize(text, len + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, &b);
	pthread_mutex_unlock(&g_mu);
	if (st == ENS_OK && b.oom) {
		free(b.v);
		return kiosk_err(err, errlen, KIOSK_ENOMEM, "out of memory");
	}
	if (st != ENS_OK) {
		char m[256];
		espeak_ng_GetStatusCodeMessage(st, m, sizeof m);
		free(b.v);
		return kiosk_err(err, errlen, KIOSK_EIO, "espeak-ng, voice %s: %s", vsynth_voices[s->voice], m);
	}
	if (b.n == 0) {
		free(b.v);
		return kiosk_err(err, errlen, KIOSK_EIO, "espeak-ng gave no sound for \"%s\"", text);
	}
	if (resample(&b, g_rate) != KIOSK_OK) {
		free(b.v);
		return kiosk_err(err, errlen, KIOSK_ENOMEM, "out of memory");
	}
	*pcm = b.v;
	*n = b.n;
	return KIOSK_OK;
}
