/* board_voice.h - the wall board's spoken calls (issue 15): a call becomes
 * a chime, then "Mời công dân có số thứ tự A012 đến quầy số 3" said
 * `repeat` times, played through SDL audio (ALSA through SDL) and/or written
 * as one WAV file a call (tests). Calls wait in a queue and are played one
 * after the other, never cut off. Synthesis runs in the module's own thread
 * (espeak-ng is not thread-safe: only that thread speaks), so the board's
 * frames never wait for it. docs/voice.md, "The board's calls". */
#ifndef BOARD_VOICE_H
#define BOARD_VOICE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/i18n.h"

#define BOARD_VOICE_QUEUE 32      /* calls waiting; more are dropped (logged) */
#define BOARD_VOICE_CHIME_GAP_MS 300  /* chime to speech */
#define BOARD_VOICE_REPEAT_GAP_MS 700 /* after each saying */

typedef struct board_voice board_voice_t;

typedef struct {
	const i18n_t *tr;        /* voice.json's templates; must outlive the handle */
	const char *device;      /* SDL audio device name; "" or NULL: the default one; "none": no sound */
	int volume;              /* 0..200, 100 normal */
	int repeat;              /* sayings after the chime, 0..5 */
	int rate;                /* words per minute, 80..450 */
	const char *pack_dir;    /* voice pack folder; NULL: espeak-ng only */
	const char *espeak_data; /* espeak-ng-data folder; NULL: espeak-ng's own */
	const char *out_dir;     /* when set: DIR/call-001.wav, ... one file a call (chime and speech) */
} board_voice_opts_t;

/* Opens the audio device (SDL's audio subsystem must be initialised, or is
 * tried here) and starts the speaking thread. Without a device (none there,
 * "none", or SDL cannot open it) the handle still works: calls are then
 * only written to out_dir, if any; the reason is logged once. *out NULL
 * only when memory or a thread is refused (KIOSK_ENOMEM / KIOSK_EIO). */
int board_voice_open(const board_voice_opts_t *o, board_voice_t **out);

/* Queue a call (never blocks): number "A012", counter 1..999; name: the
 * counter's own name when it has one ("Quầy tiếp nhận", said instead of
 * "quầy số 3"), NULL or "" otherwise; quiet: the chime only (quiet hours).
 * The number and the counter are all that is spoken. */
void board_voice_call(board_voice_t *v, const char *number, int counter, const char *name, bool quiet);

/* Queue the chime alone (a kiosk's help call: for the staff, nothing is
 * spoken), in turn with the calls. */
void board_voice_chime(board_voice_t *v);

/* New volume, repeat count and speed (the hub's, set from the kiosk's
 * menu): from the next call on; a call being spoken ends as it began. */
void board_voice_set(board_voice_t *v, int volume, int repeat, int rate);

/* Whether a device plays (false: silent board). */
bool board_voice_has_device(const board_voice_t *v);

/* Wait until every queued call is rendered and handed to the device (or
 * written); with play_out, also until the device has played it all (at
 * most timeout_ms). */
void board_voice_drain(board_voice_t *v, bool play_out, int timeout_ms);

/* Figures since the start (or the last reset): calls taken from the queue,
 * the time from board_voice_call to the chime's first sample handed to
 * the device (or its buffer ready, without one) and to the speech's, ms,
 * p50 and p99; seconds of speech synthesised (one saying a call). */
typedef struct {
	unsigned calls, failed;
	double first_p50, first_p99, speech_p50, speech_p99;
	double rendered_s;
} board_voice_figures_t;
void board_voice_figures(board_voice_t *v, board_voice_figures_t *f);
void board_voice_reset_figures(board_voice_t *v);
/* The figures on one line ("kiosk: voice calls=..."). */
void board_voice_stats(board_voice_t *v, FILE *f);

/* Stops the thread (calls still queued are dropped) and closes the device. */
void board_voice_close(board_voice_t *v);

#endif
