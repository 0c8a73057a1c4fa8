/* app_read.c - reading the citizen screens aloud (app_read.h). The main
 * thread builds the plan of the screen (flow/speak.c, copied into a job)
 * and hands it to the speaking thread, which alone uses espeak-ng (it is
 * not thread-safe) and renders the job into PCM; the main thread then
 * queues the PCM on the audio device (all SDL audio calls stay on it). Each
 * job has a generation: a touch or a newer screen makes older ones stale,
 * and stale speech is thrown away, never played. */
#include "app/app_read.h"

#include <SDL.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/app_sound.h"
#include "core/kiosk.h"
#include "core/log.h"
#include "flow/speak.h"
#include "voice/vspeech.h"
#include "voice/vwav.h"

typedef struct {
	speak_kind_t kind[SPEAK_ITEMS];
	char text[SPEAK_ITEMS][VSPEECH_ITEM]; /* the key, the catalogue text or the number */
	unsigned n[SPEAK_ITEMS];
	int count;
	char screen[24];
	int rate, volume;
	unsigned gen;
} job_t;

typedef struct {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool started, stop;
	job_t job;                 /* the newest request */
	bool pending;              /* job not taken by the thread yet */
	bool making;               /* the thread renders */
	unsigned gen;              /* the generation asked for now */
	vspeech_audio_t done;      /* the thread's result */
	vspeech_seq_t done_seq;
	unsigned done_gen;
	bool have_done;
	const i18n_t *tr;
	/* main thread only */
	SDL_AudioDeviceID dev;
	int seen_sig;              /* what the auto-read last read (screen_sig) */
	bool seen_any;
	unsigned written;
	bool warned;
} reader_t;

static reader_t R;

static void *worker(void *arg)
{
	(void)arg;
	vspeech_t *sp = NULL;
	int sp_rate = -1, sp_volume = -1;
	static job_t j;            /* one job at a time: this thread's */
	static vspeech_seq_t seq;
	pthread_mutex_lock(&R.mu);
	for (;;) {
		while (!R.stop && !R.pending)
			pthread_cond_wait(&R.cv, &R.mu);
		if (R.stop)
			break;
		j = R.job;
		R.pending = false;
		R.making = true;
		pthread_mutex_unlock(&R.mu);

		char err[256] = "";
		int rc = KIOSK_OK;
		if (!sp || sp_rate != j.rate || sp_volume != j.volume) {
			vspeech_close(sp);
			sp = NULL;
			vspeech_opts_t so = {.synth = {.voice = "vi", .rate_wpm = j.rate, .volume = j.volume}};
			rc = vspeech_open(R.tr, &so, &sp, err, sizeof err);
			sp_rate = j.rate, sp_volume = j.volume;
		}
		memset(&seq, 0, sizeof seq);
		for (int i = 0; rc == KIOSK_OK && i < j.count; i++) {
			switch (j.kind[i]) {
			case SPK_KEY: rc = vspeech_seq_key(sp, j.text[i], &seq, err, sizeof err); break;
			case SPK_TEXT: rc = vspeech_seq_text(sp, j.text[i], &seq, err, sizeof err); break;
			case SPK_TICKET: rc = vspeech_seq_ticket(sp, j.text[i], &seq, err, sizeof err); break;
			case SPK_NUMBER: rc = vspeech_seq_number(sp, j.n[i], &seq, err, sizeof err); break;
			}
		}
		vspeech_audio_t au = {0};
		if (rc == KIOSK_OK)
			rc = vspeech_render(sp, &seq, &au, err, sizeof err);
		if (rc != KIOSK_OK)
			log_warn("read aloud: %s not read (%s)", j.screen, err);

		pthread_mutex_lock(&R.mu);
		R.making = false;
		if (rc == KIOSK_OK && j.gen == R.gen) {
			vspeech_audio_free(&R.done);
			R.done = au;
			R.done_seq = seq;
			R.done_gen = j.gen;
			R.have_done = true;
		} else {
			vspeech_audio_free(&au); /* stale: a touch or a newer screen came */
		}
	}
	pthread_mutex_unlock(&R.mu);
	vspeech_close(sp);
	return NULL;
}

static bool start(app_t *a)
{
	if (R.started)
		return true;
	R.tr = a->tr;
	pthread_mutex_init(&R.mu, NULL);
	pthread_cond_init(&R.cv, NULL);
	if (pthread_create(&R.th, NULL, worker, NULL) != 0) {
		pthread_cond_destroy(&R.cv);
		pthread_mutex_destroy(&R.mu);
		log_warn("read aloud: no thread for the speech");
		return false;
	}
	R.started = true;
	return true;
}

void app_read_screen(app_t *a)
{
	speak_plan_t plan;
	speak_plan(a->session, &plan);
	if (plan.count == 0 || !start(a))
		return;
	if (R.dev)
		SDL_ClearQueuedAudio(R.dev);
	pthread_mutex_lock(&R.mu);
	job_t *j = &R.job;
	memset(j, 0, sizeof *j);
	for (int i = 0; i < plan.count; i++) {
		const speak_item_t *it = &plan.item[i];
		j->kind[i] = it->kind;
		j->n[i] = it->n;
		snprintf(j->text[i], sizeof j->text[i], "%s",
			 it->kind == SPK_KEY ? it->key : it->kind == SPK_TEXT ? it->text : it->number);
	}
	j->count = plan.count;
	snprintf(j->screen, sizeof j->screen, "%s", plan.screen);
	j->rate = a->cfg.voice_rate;
	j->volume = a->cfg.voice_volume;
	j->gen = ++R.gen;
	R.pending = true;
	R.have_done = false;
	pthread_cond_signal(&R.cv);
	pthread_mutex_unlock(&R.mu);
	log_info("read aloud: %s", plan.screen);
}

bool app_read_stop(app_t *a)
{
	(void)a;
	if (!R.started)
		return false;
	pthread_mutex_lock(&R.mu);
	bool busy = R.pending || R.making || R.have_done;
	R.gen++;
	R.pending = false;
	R.have_done = false;
	pthread_mutex_unlock(&R.mu);
	if (R.dev && SDL_GetQueuedAudioSize(R.dev) > 0) {
		busy = true;
		SDL_ClearQueuedAudio(R.dev);
	}
	if (busy)
		log_info("read aloud: stopped by a touch");
	return busy;
}

/* DIR/read-NNN.wav and DIR/read-NNN.txt: the items, one a line, with where
 * each is in the audio (samples). */
static void write_out(const char *dir, const vspeech_audio_t *au, const vspeech_seq_t *seq)
{
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return;
	char path[1200], err[256];
	R.written++;
	snprintf(path, sizeof path, "%s/read-%03u.wav", dir, R.written);
	if (vwav_write(path, au->pcm, au->n, VOICE_RATE, err, sizeof err) != KIOSK_OK) {
		log_warn("read aloud: %s", err);
		return;
	}
	snprintf(path, sizeof path, "%s/read-%03u.txt", dir, R.written);
	FILE *f = fopen(path, "w");
	if (!f)
		return;
	for (int i = 0; i < seq->count && i < au->count; i++)
		fprintf(f, "%s\t%zu\t%zu\n", seq->item[i], au->seg[i].start, au->seg[i].end);
	fclose(f);
}

/* What makes a screen new for the auto-read: the screen, the warning over
 * it, the question on a form, the step of a rating, the help call's state. */
static int screen_sig(const session_t *s)
{
	int sub = s->screen == SCR_FORM ? s->field : s->screen == SCR_RATE ? (int)s->rate_step
		  : s->screen == SCR_HELP ? (int)s->help : 0;
	return (s->warning ? 1 << 20 : 0) | (int)s->screen << 12 | (sub & 0xfff);
}

void app_read_tick(app_t *a)
{
	const session_t *s = a->session;
	if (a->cfg.voice_read_screens) {
		int sig = screen_sig(s);
		if (!R.seen_any || sig != R.seen_sig) {
			R.seen_any = true;
			R.seen_sig = sig;
			/* The idle screens are not read to an empty room. */
			if (s->warning || (s->screen != SCR_WELCOME && s->screen != SCR_CLOSED && s->screen != SCR_LUNCH))
				app_read_screen(a);
		}
	}
	if (!R.started)
		return;
	pthread_mutex_lock(&R.mu);
	bool ready = R.have_done && R.done_gen == R.gen;
	vspeech_audio_t au = {0};
	static vspeech_seq_t seq;
	if (ready) {
		au = R.done;
		seq = R.done_seq;
		memset(&R.done, 0, sizeof R.done);
		R.have_done = false;
	}
	pthread_mutex_unlock(&R.mu);
	if (!ready)
		return;
	if (!R.dev)
		R.dev = app_sound_device(a);
	if (R.dev)
		SDL_QueueAudio(R.dev, au.pcm, (Uint32)(au.n * sizeof(int16_t)));
	else if (!R.warned) {
		R.warned = true;
		log_warn("read aloud: no audio device (%s): the screens are not heard", SDL_GetError());
	}
	if (a->opt && a->opt->audio_out)
		write_out(a->opt->audio_out, &au, &seq);
	log_info("read aloud: %d items, %.1f s", au.count, (double)au.n / VOICE_RATE);
	vspeech_audio_free(&au);
}

int64_t app_read_deadline(app_t *a)
{
	if (!R.started)
		return -1;
	pthread_mutex_lock(&R.mu);
	bool busy = R.pending || R.making || R.have_done;
	pthread_mutex_unlock(&R.mu);
	return busy ? kclock_mono(&a->clock) + 20 : -1;
}

void app_read_close(app_t *a)
{
	(void)a;
	if (!R.started)
		return;
	pthread_mutex_lock(&R.mu);
	R.stop = true;
	pthread_cond_signal(&R.cv);
	pthread_mutex_unlock(&R.mu);
	pthread_join(R.th, NULL);
	vspeech_audio_free(&R.done);
	pthread_cond_destroy(&R.cv);
	pthread_mutex_destroy(&R.mu);
	R.started = false;
	R.dev = 0; /* app_sound_close closes it */
}
