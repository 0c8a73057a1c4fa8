/* vpack.h - the voice pack: a folder with manifest.json and WAV clips (16-bit
 * PCM mono at VOICE_RATE), one clip for each phrase or word it covers.
 * Format in docs/voice.md:
 *   {"format": 1, "sample_rate": 22050, "name": "...",
 *    "clips": [{"say": "đến", "file": "den.wav"}, ...]}
 * A clip is keyed by exactly the words it says: a phrase of the translation
 * file (voice.json) or a word form of vwords.h. Loading validates every clip
 * and reports each problem on one line naming the file. */
#ifndef VPACK_H
#define VPACK_H

#include <stddef.h>
#include <stdint.h>

#define VPACK_FORMAT 1
#define VPACK_MAX_CLIPS 1024
#define VPACK_MIN_MS 20          /* a shorter clip is refused */
#define VPACK_MAX_MS 10000       /* a longer one too */
#define VPACK_SILENT_PEAK 328    /* peak below this (-40 dBFS): silent */
#define VPACK_CLIP_LEVEL 32767   /* |sample| at or above: full scale */
#define VPACK_CLIP_PERMILLE 1    /* more than this share of samples at full scale: clipped */

typedef struct vpack vpack_t;

/* Does the kiosk ever say this? (a phrase of voice.json or a vwords form) */
typedef int (*vpack_known_fn)(const char *say, void *ctx);
/* One problem: "DIR/FILE: what is wrong". */
typedef void (*vpack_report_fn)(const char *problem, void *ctx);

/* Loads and validates dir. Every problem goes to report (when not NULL):
 * a missing or malformed manifest, a clip file missing, not a WAV, not
 * 16-bit PCM mono, at another sample rate, too short or long, silent,
 * clipped, a "say" the kiosk never speaks (known, when not NULL), a
 * duplicate. KIOSK_ENOENT: no manifest.json; KIOSK_ECORRUPT: any problem
 * (err: the first one and how many more); *out NULL then. */
int vpack_open(const char *dir, vpack_known_fn known, void *kctx, vpack_report_fn report,
	       void *rctx, vpack_t **out, char *err, size_t errlen);
void vpack_close(vpack_t *p);

/* The clip saying exactly `say`, or NULL; *n its samples (VOICE_RATE). Valid
 * until vpack_close. */
const int16_t *vpack_find(const vpack_t *p, const char *say, size_t *n);
size_t vpack_count(const vpack_t *p);

/* Peak and full-scale count of samples, as the validator judges them. */
void vpack_levels(const int16_t *pcm, size_t n, int *peak, size_t *full_scale);

#endif
