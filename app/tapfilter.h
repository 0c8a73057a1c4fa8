/* tapfilter.h - the input filter between SDL and the session (tapfilter.c):
 * SDL's events become input_t in logical pixels (one finger followed, a
 * second finger or a palm ignored, touches not counted again as synthetic
 * mouse events), and a press becomes a tap only when it is released on the
 * target it went down on (sliding off cancels) and is not a tremor's bounce
 * on the same target within the repeat window.
 *
 * The filter knows targets by their id only; the caller hit-tests. One
 * tapfilter_t per process, main thread. */
#ifndef TAPFILTER_H
#define TAPFILTER_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/platform.h"
#include "ui/input.h"

typedef struct tapfilter tapfilter_t;

/* KIOSK_OK or KIOSK_ENOMEM. */
int tapfilter_new(tapfilter_t **out);
void tapfilter_free(tapfilter_t *f);

/* Convert one SDL event (touch, mouse, text, keys) into at most cap input
 * events in out; the number written. Other event types give 0. */
int tapfilter_event(tapfilter_t *f, const platform_t *p, const SDL_Event *e, input_t *out, int cap);

/* The target under the finger now ("" for none). */
const char *tapfilter_pressed(const tapfilter_t *f);
/* A press went down on target (NULL or "": on nothing). */
void tapfilter_press(tapfilter_t *f, const char *target);
/* The finger moved over `under` (NULL: nothing): true when that cancelled
 * the press (it slid off its target). */
bool tapfilter_move(tapfilter_t *f, const char *under);
/* The finger came up over `under`: true when that is the pressed target (a
 * tap). The press ends either way. */
bool tapfilter_release(tapfilter_t *f, const char *under);
/* The press was taken away. */
void tapfilter_cancel(tapfilter_t *f);
/* A touch tap on target at now_ms: true when it is a bounce of the last tap
 * (the same target within window_ms) and must be ignored; false records it
 * as the last tap. */
bool tapfilter_bounce(tapfilter_t *f, const char *target, int window_ms, int64_t now_ms);

#endif
