/* vsynth.h - espeak-ng speaking Vietnamese words into a memory buffer:
 * 16-bit mono PCM at VOICE_RATE. The library is initialised once for the
 * process (synchronous mode, no audio device) and is not thread-safe: one
 * thread synthesises. Text given here holds words only, never digits
 * (vwords.h turns numbers into words; espeak-ng's own number reading is
 * wrong for Vietnamese). */
#ifndef VSYNTH_H
#define VSYNTH_H

#include <stddef.h>
#include <stdint.h>

#define VOICE_RATE 22050         /* the one output sample rate of voice/ */
#define VSYNTH_MAX_TEXT 1000     /* bytes of text per call */

typedef struct vsynth vsynth_t;

typedef struct {
	const char *voice;       /* "vi" (northern), "vi-vn-x-central", "vi-vn-x-south"; NULL "vi" */
	const char *data_dir;    /* espeak-ng-data folder; NULL: espeak-ng's default (or ESPEAK_DATA_PATH) */
	int rate_wpm;            /* words per minute, 80..450; 0: 150 */
	int volume;              /* 0..200 (100 normal); 0: 100 */
} vsynth_opts_t;

/* The voices a synthesiser may be opened with, NULL-terminated. */
extern const char *const vsynth_voices[];

/* Opens a synthesiser. KIOSK_ENOENT with a message naming the missing file
 * when the voice data is absent ("install espeak-ng-data"); KIOSK_EINVAL for
 * an unknown voice or a setting out of range. *out is NULL on failure. Close
 * with vsynth_close. */
int vsynth_open(const vsynth_opts_t *o, vsynth_t **out, char *err, size_t errlen);
void vsynth_close(vsynth_t *s);

/* Speaks words into a new buffer (*pcm, *n samples at VOICE_RATE; the
 * caller frees *pcm). KIOSK_EINVAL when text holds a digit, is empty or
 * longer than VSYNTH_MAX_TEXT; KIOSK_EIO when espeak-ng fails. *pcm is NULL
 * and *n 0 on failure. */
int vsynth_say(vsynth_t *s, const char *text, int16_t **pcm, size_t *n, char *err, size_t errlen);

#endif
