/* vspeech.h - the one speech interface of the kiosk and the board: a phrase
 * sequence (items said one after the other) is built from translation keys
 * (assets/i18n/<lang>/voice.json and the screens' own keys), ticket numbers
 * and counter numbers, then rendered into one PCM buffer at VOICE_RATE: each
 * item from the voice pack when it has a clip, otherwise by espeak-ng, joined
 * with short fades and pauses.
 *
 * What is spoken comes from keys and numbers only. Nothing a citizen typed
 * (names, ID numbers, addresses) is ever passed here: there is no function
 * for form text, and vspeech_seq_words is for the command-line tools only.
 *
 * Speech is Vietnamese (the English translation of voice.json exists so the
 * two languages keep the same keys; English speech is not there yet). */
#ifndef VSPEECH_H
#define VSPEECH_H

#include <stddef.h>
#include <stdint.h>

#include "core/i18n.h"
#include "voice/vsynth.h"
#include "voice/vwords.h"

#define VSPEECH_ITEMS 32        /* items of one sequence */
#define VSPEECH_ITEM 512        /* bytes of one item */
#define VSPEECH_PAUSE_MS 120    /* default pause between items */
#define VSPEECH_FADE_MS 15      /* fade at each end of an item (a crossfade when there is no pause) */

typedef struct vspeech vspeech_t;

typedef struct {
	vsynth_opts_t synth;             /* espeak-ng voice, data folder, rate, volume */
	const char *pack_dir;            /* voice pack folder; NULL: espeak-ng only */
	vwords_region_t region;          /* number words (linh/lẻ, nghìn/ngàn) */
	vwords_ticket_mode_t ticket_mode;
	int pause_ms;                    /* between items; 0: VSPEECH_PAUSE_MS, <0: none (crossfade) */
} vspeech_opts_t;

/* Opens the speech: espeak-ng (vsynth_open) and the pack when pack_dir is set
 * (vpack_open; a pack with any problem is refused, err says the first one).
 * tr must outlive the handle. *out NULL on failure. */
int vspeech_open(const i18n_t *tr, const vspeech_opts_t *o, vspeech_t **out, char *err,
		 size_t errlen);
void vspeech_close(vspeech_t *v);

/* A phrase sequence: items as they will be said (and as golden tests list
 * them). */
typedef struct {
	char item[VSPEECH_ITEMS][VSPEECH_ITEM];
	int count;
} vspeech_seq_t;

/* The call of ticket `number` ("A012") to counter 1..999, from the template
 * voice.call: "Mời công dân có số thứ tự | {ticket} | đến | quầy số |
 * {counter}" -> "Mời công dân có số thứ tự", "a", "không", "một", "hai",
 * "đến", "quầy số", "ba". Replaces *out. KIOSK_EINVAL for a bad number or
 * counter; KIOSK_ENOENT when voice.call is missing. */
int vspeech_seq_call(const vspeech_t *v, const char *number, int counter, vspeech_seq_t *out,
		     char *err, size_t errlen);

/* The same to a counter with a name of its own ("Quầy tiếp nhận"), from
 * voice.call_named: "... | {ticket} | đến | {name}" (its spoken forms
 * applied). name NULL or "", or no voice.call_named: vspeech_seq_call. */
int vspeech_seq_call_named(const vspeech_t *v, const char *number, int counter, const char *name,
			   vspeech_seq_t *out, char *err, size_t errlen);
/* Appends the text of a translation key: its items ('|' separates them),
 * spoken forms of voice.spoken applied ("UBND" -> "Ủy ban nhân dân"), digit
 * runs read as numbers by vwords. KIOSK_ENOENT for a missing key,
 * KIOSK_ERANGE when the sequence is full. */
int vspeech_seq_key(const vspeech_t *v, const char *key, vspeech_seq_t *seq, char *err,
		    size_t errlen);
/* Appends a number as one item ("mười lăm"), or a ticket number's items. */
int vspeech_seq_number(const vspeech_t *v, unsigned n, vspeech_seq_t *seq, char *err, size_t errlen);
int vspeech_seq_ticket(const vspeech_t *v, const char *number, vspeech_seq_t *seq, char *err,
		       size_t errlen);
/* A fixed text of the catalogue (a group's or procedure's name, the
 * question a form asks: flow/speak.c), treated like a key's text. Never an
 * answer. */
int vspeech_seq_text(const vspeech_t *v, const char *text, vspeech_seq_t *seq, char *err,
		     size_t errlen);
/* Tools only (kiosk-voice say): words given on a command line, treated like
 * a key's text. */
int vspeech_seq_words(const vspeech_t *v, const char *text, vspeech_seq_t *seq, char *err,
		      size_t errlen);

/* The rendered sequence: samples at VOICE_RATE and where each item is. */
typedef struct {
	size_t start, end;  /* samples [start, end) of the item */
	int from_pack;      /* 1: the pack's clip, 0: espeak-ng */
} vspeech_seg_t;
typedef struct {
	int16_t *pcm;
	size_t n;
	vspeech_seg_t seg[VSPEECH_ITEMS];
	int count;
} vspeech_audio_t;

/* Renders seq into *out (free with vspeech_audio_free). *out is empty on
 * failure. */
int vspeech_render(vspeech_t *v, const vspeech_seq_t *seq, vspeech_audio_t *out, char *err,
		   size_t errlen);
void vspeech_audio_free(vspeech_audio_t *a);

/* vpack_known_fn for the validator (ctx: the i18n_t): true for the fixed
 * items of voice.json's templates and every vwords form. */
int vspeech_known(const char *say, void *i18n);

/* The fixed items of voice.json's templates (what a pack may record), in
 * order, without duplicates; *count how many. For kiosk-voice make-pack. */
int vspeech_phrases(const i18n_t *tr, vspeech_seq_t *out);

#endif
