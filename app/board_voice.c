/* board_voice.c - the wall board's spoken calls (board_voice.h): a queue of
 * calls, one thread that owns the speech (voice/vspeech, espeak-ng) and
 * renders each call - the chime first, handed to SDL audio at once so the
 * first sound comes without waiting for synthesis, then the sentence
 * `repeat` times with pauses - and an SDL audio device fed with
 * SDL_QueueAudio, whose queue plays the calls one after another. The device
 * is closed after 1-2 s with nothing to play (an idle board wakes no audio
 * thread and keeps ALSA free) and opened again for the next call. */
#include "app/board_voice.h"

#include <SDL.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/kiosk.h"
#include "core/log.h"
#include "voice/vspeech.h"
#include "voice/vwav.h"

#define STATS_MAX 4096

typedef struct {
	char number[12];
	int counter;
	char name[64];       /* the counter's own name, "" for a numbered call */
	bool quiet;
	double t0;           /* s, CLOCK_MONOTONIC: when the call was queued */
} job_t;

struct board_voice {
	board_voice_opts_t o;
	char device[64], pack[1024], espeak[1024], out_dir[1024];
	bool audio;             /* a device opened at the start: the board has sound */
	SDL_AudioDeviceID dev;  /* open now, 0: closed; written by the thread under mu */
	int empty_ticks;        /* idle seconds with the device's queue empty */
	bool reopen_failed;     /* logged once until it opens again */
	int16_t *chime;
	size_t nchime;
	pthread_t th;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv;      /* a job came, or stop */
	pthread_cond_t idle_cv; /* the queue emptied */
	job_t q[BOARD_VOICE_QUEUE];
	int head, n;
	bool busy, stop;
	/* New settings from board_voice_set, taken by the thread before its
	 * next call (guarded by mu); o.volume, o.repeat and o.rate are the
	 * thread's own in between, and read under mu elsewhere. */
	bool want_set;
	int want_volume, want_repeat, want_rate;
	unsigned written;       /* WAV files written */
	/* Latency figures (ms), guarded by mu. */
	double lat_chime[STATS_MAX], lat_speech[STATS_MAX];
	int nchime_lat, nspeech_lat;
	unsigned calls, failed;
	double rendered_s;
};

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The chime: two soft bell tones (E6 then C6, as office queue chimes go),
 * each with a quick attack and an exponential decay, about 0.9 s. */
static int make_chime(int volume, int16_t **out, size_t *n)
{
	const double tone_s = 0.45, freq[2] = {1318.5, 1046.5};
	size_t per = (size_t)(tone_s * VOICE_RATE);
	int16_t *p = calloc(per * 2, sizeof *p);
	if (!p)
		return KIOSK_ENOMEM;
	double amp = 0.35 * 32767.0 * (double)volume / 100.0;
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < per; i++) {
			double t = (double)i / VOICE_RATE;
			double env = (t < 0.005 ? t / 0.005 : 1.0) * exp(-t * 6.0);
			double s = sin(2 * M_PI * freq[k] * t) + 0.3 * sin(2 * M_PI * 2 * freq[k] * t);
			double v = amp * env * s / 1.3;
			if (v > 32767)
				v = 32767;
			if (v < -32768)
				v = -32768;
			p[(size_t)k * per + i] = (int16_t)v;
		}
	*out = p;
	*n = per * 2;
	return KIOSK_OK;
}

static void note(board_voice_t *v, double *arr, int *cnt, double t0)
{
	double ms = (now_s() - t0) * 1000.0;
	pthread_mutex_lock(&v->mu);
	if (*cnt < STATS_MAX)
		arr[(*cnt)++] = ms;
	pthread_mutex_unlock(&v->mu);
}

/* One call: the chime, then the speech; both to the device, all of it to a
 * WAV file when out_dir is set. Runs in the speaking thread. */
static void speak(board_voice_t *v, vspeech_t *sp, const job_t *j)
{
	if (v->dev)
		SDL_QueueAudio(v->dev, v->chime, (Uint32)(v->nchime * sizeof(int16_t)));
	note(v, v->lat_chime, &v->nchime_lat, j->t0);
	int16_t *all = NULL;
	size_t n = 0;
	vspeech_audio_t au = {0};
	char err[256] = "";
	if (!j->quiet && j->number[0] && v->o.repeat > 0 && sp) {
		vspeech_seq_t seq;
		int rc = vspeech_seq_call_named(sp, j->number, j->counter, j->name, &seq, err, sizeof err);
		if (rc == KIOSK_OK)
			rc = vspeech_render(sp, &seq, &au, err, sizeof err);
		if (rc != KIOSK_OK) {
			log_warn("board: a call could not be spoken (%s); the chime only", err);
			pthread_mutex_lock(&v->mu);
			v->failed++;
			pthread_mutex_unlock(&v->mu);
		} else {
			pthread_mutex_lock(&v->mu);
			v->rendered_s += (double)au.n / VOICE_RATE;
			pthread_mutex_unlock(&v->mu);
		}
	}
	size_t gap = (size_t)VOICE_RATE * BOARD_VOICE_CHIME_GAP_MS / 1000;
	size_t rgap = (size_t)VOICE_RATE * BOARD_VOICE_REPEAT_GAP_MS / 1000;
	size_t speech_n = au.n ? gap + (size_t)v->o.repeat * (au.n + rgap) : 0;
	all = calloc(v->nchime + speech_n + 1, sizeof *all);
	if (all) {
		memcpy(all, v->chime, v->nchime * sizeof *all);
		n = v->nchime;
		if (speech_n) {
			n += gap;
			for (int r = 0; r < v->o.repeat; r++) {
				memcpy(all + n, au.pcm, au.n * sizeof *all);
				n += au.n + rgap;
			}
		}
	}
	if (all && speech_n) {
		if (v->dev)
			SDL_QueueAudio(v->dev, all + v->nchime, (Uint32)(speech_n * sizeof *all));
		note(v, v->lat_speech, &v->nspeech_lat, j->t0);
	} else if (!all && v->dev && au.n) {
		SDL_QueueAudio(v->dev, au.pcm, (Uint32)(au.n * sizeof(int16_t)));
	}
	if (v->out_dir[0] && all) {
		char path[1200], tmp[1300];
		unsigned k = ++v->written;
		snprintf(path, sizeof path, "%s/call-%03u.wav", v->out_dir, k);
		snprintf(tmp, sizeof tmp, "%s/.call-%03u.wav.tmp", v->out_dir, k);
		if (vwav_write(tmp, all, n, VOICE_RATE, err, sizeof err) != KIOSK_OK || rename(tmp, path) != 0)
			log_warn("board: %s: cannot write the call's audio", path);
	}
	free(all);
	vspeech_audio_free(&au);
}

static SDL_AudioDeviceID open_dev(const board_voice_t *v)
{
	SDL_AudioSpec want = {.freq = VOICE_RATE, .format = AUDIO_S16SYS, .channels = 1, .samples = 1024};
	SDL_AudioSpec have;
	SDL_AudioDeviceID d = SDL_OpenAudioDevice(v->device[0] ? v->device : NULL, 0, &want, &have, 0);
	if (d)
		SDL_PauseAudioDevice(d, 0);
	return d;
}

/* The device for the next call (mu held): opened again if it was closed. */
static void wake_device(board_voice_t *v)
{
	v->empty_ticks = 0;
	if (!v->audio || v->dev)
		return;
	v->dev = open_dev(v);
	if (!v->dev && !v->reopen_failed)
		log_warn("board: the audio device cannot be opened again (%s): calls are not heard until it is back",
			 SDL_GetError());
	else if (v->dev && v->reopen_failed)
		log_info("board: the audio device is back");
	v->reopen_failed = !v->dev;
}

/* Waiting for a call (mu held): with the device open, every second check
 * whether it has played everything; two such seconds and it is closed. */
static void idle_wait(board_voice_t *v)
{
	if (!v->dev) {
		pthread_cond_wait(&v->cv, &v->mu);
		return;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 1;
	if (pthread_cond_timedwait(&v->cv, &v->mu, &ts) != ETIMEDOUT || v->n || v->stop)
		return;
	if (SDL_GetQueuedAudioSize(v->dev) > 0)
		v->empty_ticks = 0;
	else if (++v->empty_ticks >= 2) {
		SDL_CloseAudioDevice(v->dev);
		v->dev = 0;
		v->empty_ticks = 0;
	}
}

/* The speech engine for the settings in force (NULL: the chime only). */
static vspeech_t *open_speech(board_voice_t *v)
{
	vspeech_t *sp = NULL;
	char err[512] = "";
	if (v->o.repeat > 0 && v->o.volume > 0 && (v->audio || v->out_dir[0])) {
		vspeech_opts_t so = {.synth = {.voice = "vi", .data_dir = v->espeak[0] ? v->espeak : NULL,
					       .rate_wpm = v->o.rate, .volume = v->o.volume},
				     .pack_dir = v->pack[0] ? v->pack : NULL};
		if (vspeech_open(v->o.tr, &so, &sp, err, sizeof err) != KIOSK_OK && so.pack_dir) {
			log_warn("board: voice pack %s not used: %s", so.pack_dir, err);
			so.pack_dir = NULL;
			vspeech_open(v->o.tr, &so, &sp, err, sizeof err);
		}
		if (!sp)
			log_error("board: no speech (%s): the calls get the chime only", err);
	}
	return sp;
}

/* Settings changed (under mu): a chime at the new loudness and the speech
 * engine again. On no memory the old chime stays. */
static void take_settings(board_voice_t *v, vspeech_t **sp)
{
	v->want_set = false;
	bool speech = v->o.rate != v->want_rate || v->o.volume != v->want_volume ||
		      (v->o.repeat > 0) != (v->want_repeat > 0);
	int16_t *chime = NULL;
	size_t n = 0;
	if (v->o.volume != v->want_volume && make_chime(v->want_volume, &chime, &n) == KIOSK_OK) {
		free(v->chime);
		v->chime = chime;
		v->nchime = n;
	}
	v->o.volume = v->want_volume;
	v->o.repeat = v->want_repeat;
	v->o.rate = v->want_rate;
	if (speech) {
		vspeech_close(*sp);
		*sp = open_speech(v);
	}
	log_info("board: voice settings now volume %d, said %d times, %d words a minute", v->o.volume,
		 v->o.repeat, v->o.rate);
}

static void *worker(void *arg)
{
	board_voice_t *v = arg;
	vspeech_t *sp = open_speech(v);
	pthread_mutex_lock(&v->mu);
	for (;;) {
		while (!v->stop && v->n == 0)
			idle_wait(v);
		if (v->stop)
			break;
		if (v->want_set)
			take_settings(v, &sp);
		wake_device(v);
		job_t j = v->q[v->head];
		v->head = (v->head + 1) % BOARD_VOICE_QUEUE;
		v->n--;
		v->busy = true;
		v->calls++;
		pthread_mutex_unlock(&v->mu);
		speak(v, sp, &j);
		pthread_mutex_lock(&v->mu);
		v->busy = false;
		if (v->n == 0)
			pthread_cond_broadcast(&v->idle_cv);
	}
	v->busy = false;
	pthread_cond_broadcast(&v->idle_cv);
	pthread_mutex_unlock(&v->mu);
	vspeech_close(sp);
	return NULL;
}

static void open_device(board_voice_t *v)
{
	if (strcmp(v->device, "none") == 0) {
		log_info("board: voice.device is \"none\": the calls are shown, not heard");
		return;
	}
	if (!SDL_WasInit(SDL_INIT_AUDIO) && SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
		log_warn("board: no audio (%s): the calls are shown, not heard", SDL_GetError());
		return;
	}
	v->dev = open_dev(v);
	if (!v->dev) {
		log_warn("board: no audio device%s%s%s (%s): the calls are shown, not heard",
			 v->device[0] ? " \"" : "", v->device, v->device[0] ? "\"" : "", SDL_GetError());
		return;
	}
	v->audio = true;
	log_info("board: the calls are spoken on %s (audio driver %s)",
		 v->device[0] ? v->device : "the default device", SDL_GetCurrentAudioDriver());
}

int board_voice_open(const board_voice_opts_t *o, board_voice_t **out)
{
	*out = NULL;
	board_voice_t *v = calloc(1, sizeof *v);
	if (!v)
		return KIOSK_ENOMEM;
	v->o = *o;
	snprintf(v->device, sizeof v->device, "%s", o->device ? o->device : "");
	snprintf(v->pack, sizeof v->pack, "%s", o->pack_dir ? o->pack_dir : "");
	snprintf(v->espeak, sizeof v->espeak, "%s", o->espeak_data ? o->espeak_data : "");
	snprintf(v->out_dir, sizeof v->out_dir, "%s", o->out_dir ? o->out_dir : "");
	if (v->out_dir[0] && mkdir(v->out_dir, 0755) != 0 && errno != EEXIST)
		log_warn("board: %s: cannot create the audio folder", v->out_dir);
	if (make_chime(o->volume, &v->chime, &v->nchime) != KIOSK_OK) {
		free(v);
		return KIOSK_ENOMEM;
	}
	pthread_mutex_init(&v->mu, NULL);
	pthread_cond_init(&v->cv, NULL);
	pthread_cond_init(&v->idle_cv, NULL);
	open_device(v);
	if (pthread_create(&v->th, NULL, worker, v) != 0) {
		board_voice_close(v);
		return KIOSK_EIO;
	}
	v->started = true;
	*out = v;
	return KIOSK_OK;
}

void board_voice_set(board_voice_t *v, int volume, int repeat, int rate)
{
	if (!v)
		return;
	pthread_mutex_lock(&v->mu);
	int cv = v->want_set ? v->want_volume : v->o.volume, cr = v->want_set ? v->want_repeat : v->o.repeat,
	    cs = v->want_set ? v->want_rate : v->o.rate;
	if (volume != cv || repeat != cr || rate != cs) {
		v->want_set = true;
		v->want_volume = volume < 0 ? 0 : volume > 200 ? 200 : volume;
		v->want_repeat = repeat < 0 ? 0 : repeat > 5 ? 5 : repeat;
		v->want_rate = rate < 80 ? 80 : rate > 450 ? 450 : rate;
	}
	pthread_mutex_unlock(&v->mu);
}

bool board_voice_has_device(const board_voice_t *v)
{
	return v && v->audio;
}

void board_voice_call(board_voice_t *v, const char *number, int counter, const char *name, bool quiet)
{
	if (!v || (!v->audio && !v->out_dir[0]))
		return; /* nowhere to play */
	pthread_mutex_lock(&v->mu);
	if ((v->want_set ? v->want_volume : v->o.volume) == 0) {
		pthread_mutex_unlock(&v->mu);
		return; /* muted */
	}
	if (v->n == BOARD_VOICE_QUEUE) {
		pthread_mutex_unlock(&v->mu);
		log_warn("board: %d calls already wait to be spoken; this one is shown only", BOARD_VOICE_QUEUE);
		return;
	}
	job_t *j = &v->q[(v->head + v->n) % BOARD_VOICE_QUEUE];
	snprintf(j->number, sizeof j->number, "%s", number);
	j->counter = counter;
	snprintf(j->name, sizeof j->name, "%s", name ? name : "");
	j->quiet = quiet;
	j->t0 = now_s();
	v->n++;
	pthread_cond_signal(&v->cv);
	pthread_mutex_unlock(&v->mu);
}

void board_voice_chime(board_voice_t *v)
{
	board_voice_call(v, "", 0, NULL, true);
}

void board_voice_drain(board_voice_t *v, bool play_out, int timeout_ms)
{
	if (!v)
		return;
	pthread_mutex_lock(&v->mu);
	while (v->started && !v->stop && (v->n > 0 || v->busy))
		pthread_cond_wait(&v->idle_cv, &v->mu);
	pthread_mutex_unlock(&v->mu);
	for (int waited = 0; play_out && waited < timeout_ms; waited += 20) {
		pthread_mutex_lock(&v->mu);
		Uint32 left = v->dev ? SDL_GetQueuedAudioSize(v->dev) : 0;
		pthread_mutex_unlock(&v->mu);
		if (!left)
			break;
		SDL_Delay(20);
	}
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void pct(const double *src, int n, double *p50, double *p99)
{
	*p50 = *p99 = 0;
	double *s = n > 0 ? malloc((size_t)n * sizeof *s) : NULL;
	if (!s)
		return;
	memcpy(s, src, (size_t)n * sizeof *s);
	qsort(s, (size_t)n, sizeof *s, cmp_d);
	*p50 = s[(n - 1) / 2];
	int k = (int)ceil(0.99 * n) - 1;
	*p99 = s[k < 0 ? 0 : k];
	free(s);
}

void board_voice_figures(board_voice_t *v, board_voice_figures_t *f)
{
	memset(f, 0, sizeof *f);
	if (!v)
		return;
	pthread_mutex_lock(&v->mu);
	f->calls = v->calls;
	f->failed = v->failed;
	f->rendered_s = v->rendered_s;
	pct(v->lat_chime, v->nchime_lat, &f->first_p50, &f->first_p99);
	pct(v->lat_speech, v->nspeech_lat, &f->speech_p50, &f->speech_p99);
	pthread_mutex_unlock(&v->mu);
}

void board_voice_reset_figures(board_voice_t *v)
{
	if (!v)
		return;
	pthread_mutex_lock(&v->mu);
	v->calls = v->failed = 0;
	v->nchime_lat = v->nspeech_lat = 0;
	v->rendered_s = 0;
	pthread_mutex_unlock(&v->mu);
}

void board_voice_stats(board_voice_t *v, FILE *f)
{
	if (!v)
		return;
	board_voice_figures_t g;
	board_voice_figures(v, &g);
	fprintf(f,
		"kiosk: voice calls=%u device=%s first_sample_ms p50=%.2f p99=%.2f speech_ms p50=%.1f "
		"p99=%.1f failed=%u\n",
		g.calls, v->audio ? "yes" : "no", g.first_p50, g.first_p99, g.speech_p50, g.speech_p99, g.failed);
}

void board_voice_close(board_voice_t *v)
{
	if (!v)
		return;
	if (v->started) {
		pthread_mutex_lock(&v->mu);
		v->stop = true;
		pthread_cond_broadcast(&v->cv);
		pthread_mutex_unlock(&v->mu);
		pthread_join(v->th, NULL);
	}
	if (v->dev)
		SDL_CloseAudioDevice(v->dev);
	pthread_cond_destroy(&v->cv);
	pthread_cond_destroy(&v->idle_cv);
	pthread_mutex_destroy(&v->mu);
	free(v->chime);
	free(v);
}
