/* bench_board_voice.c - the wall board's spoken calls (app/board_voice):
 * the time from a call to its first audio sample handed to SDL audio, and
 * to the speech's first sample (p50/p99 over N calls made one at a time,
 * as on an idle board), and the CPU time of synthesis per second of speech.
 *
 *   bench_board_voice [calls [cold]]   (default 30 and 3; SDL_AUDIODRIVER picks the device)
 *
 * "cold": the board idle long enough for the device to be closed (a chime
 * alone, played out, then 2.5 s of silence), so the figure includes opening
 * the device again.
 * A warm-up call (espeak-ng's start) is left out of the figures. Figures
 * only; nothing is asserted. */
#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/board_voice.h"
#include "core/i18n.h"
#include "core/kiosk.h"
#include "core/log.h"

static double cpu_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 30;
	int cold = argc > 2 ? atoi(argv[2]) : 3;
	if (n < 1 || n > 1000 || cold < 0 || cold > 100) {
		fprintf(stderr, "usage: bench_board_voice [calls 1..1000 [cold 0..100]]\n");
		return 2;
	}
	const char *assets = getenv("KIOSK_ASSETS");
	char dir[1024], err[512];
	snprintf(dir, sizeof dir, "%s/i18n", assets ? assets : "build/share/kiosk");
	i18n_t *tr = NULL;
	if (i18n_load(dir, &tr, err, sizeof err) != KIOSK_OK) {
		fprintf(stderr, "bench_board_voice: %s\n", err);
		return 1;
	}
	log_set_stderr(0);
	SDL_Init(SDL_INIT_AUDIO);
	board_voice_opts_t o = {.tr = tr, .device = "", .volume = 100, .repeat = 0, .rate = 150};
	board_voice_t *v = NULL;
	if (cold && board_voice_open(&o, &v) == KIOSK_OK && board_voice_has_device(v)) {
		for (int i = 0; i < cold; i++) {
			SDL_Delay(2500);
			board_voice_call(v, "A001", 1, NULL, false);
			board_voice_drain(v, true, 5000);
		}
		board_voice_figures_t f;
		board_voice_figures(v, &f);
		printf("board voice, cold (device closed while idle, opened again): %u calls, first sample "
		       "handed to SDL p50 %.2f ms p99 %.2f ms\n",
		       f.calls, f.first_p50, f.first_p99);
	}
	board_voice_close(v);
	v = NULL;
	o.repeat = 2;
	if (board_voice_open(&o, &v) != KIOSK_OK || !board_voice_has_device(v)) {
		fprintf(stderr, "bench_board_voice: no audio device (SDL_AUDIODRIVER=dummy?)\n");
		board_voice_close(v);
		i18n_free(tr);
		return 1;
	}
	board_voice_call(v, "A001", 1, NULL, false);
	board_voice_drain(v, false, 0);
	board_voice_reset_figures(v);
	double c0 = cpu_s();
	for (int i = 0; i < n; i++) {
		char num[12];
		snprintf(num, sizeof num, "%c%03d", 'A' + i % 3, 1 + (i * 37) % 999);
		board_voice_call(v, num, 1 + (i * 7) % 30, NULL, false);
		board_voice_drain(v, false, 0);
	}
	double cpu = cpu_s() - c0;
	board_voice_figures_t f;
	board_voice_figures(v, &f);
	printf("board voice: %u calls (chime + 2 sayings), audio driver %s\n", f.calls,
	       SDL_GetCurrentAudioDriver());
	printf("  call -> first sample handed to SDL audio: p50 %.2f ms  p99 %.2f ms "
	       "(+ the device's buffer, 1024 frames = 46 ms at most)\n",
	       f.first_p50, f.first_p99);
	printf("  call -> first speech sample handed over:  p50 %.1f ms  p99 %.1f ms\n", f.speech_p50,
	       f.speech_p99);
	printf("  synthesis: %.1f s of speech in %.2f s CPU = %.3f s CPU per s of speech\n", f.rendered_s, cpu,
	       f.rendered_s > 0 ? cpu / f.rendered_s : 0);
	double per = f.calls ? f.rendered_s / f.calls : 0;
	printf("  synthesis wall time: %.1f ms (p50, call to speech) for %.2f s a saying = %.1f ms per s of speech\n",
	       f.speech_p50, per, per > 0 ? f.speech_p50 / per : 0);
	board_voice_close(v);
	SDL_Quit();
	i18n_free(tr);
	return f.calls == (unsigned)n && f.failed == 0 ? 0 : 1;
}
