/* app_sound.c - the kiosk's sounds (app_sound.h): one SDL audio device
 * (voice.device, the default one when empty), opened at the first sound and
 * kept until exit, so its queue plays out on its own and the chime, the
 * test and the read-aloud take turns on it. */
#include "app/app_sound.h"

#include <SDL.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/kiosk.h"
#include "core/log.h"
#include "voice/vspeech.h"
#include "voice/vsynth.h"

#define CHIME_N (VOICE_RATE / 2 * 2) /* two half-second tones */

static SDL_AudioDeviceID last;

static SDL_AudioDeviceID open_dev(app_t *a)
{
	const char *name = a->cfg.voice_device;
	if (strcmp(name, "none") == 0)
		return 0;
	if (!SDL_WasInit(SDL_INIT_AUDIO) && SDL_InitSubSystem(SDL_INIT_AUDIO) != 0)
		return 0;
	SDL_AudioSpec want = {.freq = VOICE_RATE, .format = AUDIO_S16SYS, .channels = 1, .samples = 1024};
	return SDL_OpenAudioDevice(name[0] ? name : NULL, 0, &want, NULL, 0);
}

static void keep(SDL_AudioDeviceID dev)
{
	SDL_PauseAudioDevice(dev, 0);
	if (last)
		SDL_CloseAudioDevice(last);
	last = dev;
}

static void chime_into(int16_t *buf, int volume)
{
	const int half = CHIME_N / 2;
	for (int i = 0; i < CHIME_N; i++) {
		double f = i < half ? 880.0 : 660.0;
		double env = 1.0 - (i % half) / (double)half;
		buf[i] = (int16_t)(80.0 * volume * env * sin(2 * 3.14159265358979 * f * i / VOICE_RATE));
	}
}

/* The chime onto dev, which is kept (and plays) from now on. */
static void play_chime(app_t *a, SDL_AudioDeviceID dev)
{
	static int16_t buf[CHIME_N];
	chime_into(buf, a->cfg.voice_volume);
	SDL_QueueAudio(dev, buf, sizeof buf);
	if (dev != last)
		keep(dev);
}

SDL_AudioDeviceID app_sound_device(app_t *a)
{
	if (!last) {
		SDL_AudioDeviceID dev = open_dev(a);
		if (dev)
			keep(dev);
	}
	return last;
}

void app_sound_chime(app_t *a)
{
	SDL_AudioDeviceID dev = app_sound_device(a);
	if (dev)
		play_chime(a, dev);
}

bool app_sound_ready(app_t *a)
{
	if (last)
		return true;
	SDL_AudioDeviceID dev = open_dev(a);
	if (!dev)
		return false;
	SDL_CloseAudioDevice(dev);
	return true;
}

int app_sound_test(app_t *a)
{
	SDL_AudioDeviceID dev = app_sound_device(a);
	if (!dev) {
		log_warn("sound test: no audio device%s (%s)",
			 strcmp(a->cfg.voice_device, "none") == 0 ? " (voice.device is \"none\")" : "",
			 SDL_GetError());
		return KIOSK_ENODEV;
	}
	play_chime(a, dev);
	char err[256] = "";
	vspeech_opts_t so = {.synth = {.voice = "vi", .rate_wpm = a->cfg.voice_rate, .volume = a->cfg.voice_volume}};
	vspeech_t *sp = NULL;
	vspeech_seq_t *seq = calloc(1, sizeof *seq); /* 16 KiB: off the stack */
	vspeech_audio_t au = {0};
	int rc = seq ? vspeech_open(a->tr, &so, &sp, err, sizeof err) : KIOSK_ENOMEM;
	if (rc == KIOSK_OK)
		rc = vspeech_seq_key(sp, "voice.test", seq, err, sizeof err);
	if (rc == KIOSK_OK)
		rc = vspeech_render(sp, seq, &au, err, sizeof err);
	if (rc == KIOSK_OK) {
		int16_t gap[VOICE_RATE / 4] = {0};
		SDL_QueueAudio(dev, gap, sizeof gap);
		SDL_QueueAudio(dev, au.pcm, (Uint32)(au.n * sizeof(int16_t)));
	}
	char said[48] = "";
	if (rc == KIOSK_OK)
		snprintf(said, sizeof said, " and the sentence (%.1f s)", (double)au.n / VOICE_RATE);
	log_info("sound test: the chime%s on %s (audio driver %s)%s%s", said,
		 a->cfg.voice_device[0] ? a->cfg.voice_device : "the default device", SDL_GetCurrentAudioDriver(),
		 rc == KIOSK_OK ? "" : "; no sentence: ", rc == KIOSK_OK ? "" : err);
	vspeech_audio_free(&au);
	vspeech_close(sp);
	free(seq);
	return rc == KIOSK_OK ? KIOSK_OK : KIOSK_EIO;
}

void app_sound_close(void)
{
	if (last)
		SDL_CloseAudioDevice(last);
	last = 0;
}
