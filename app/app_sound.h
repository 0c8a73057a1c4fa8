/* app_sound.h - the kiosk's sounds through SDL audio (app_sound.c): the
 * help chime, the technician's sound test (the chime, then a sentence
 * spoken by espeak-ng), and whether the kiosk has an audio device at all
 * (voice.device; "none" is silent by choice). Without a device the kiosk
 * keeps working silently; the health view says so. */
#ifndef APP_SOUND_H
#define APP_SOUND_H

#include <stdbool.h>

#include "app/app_internal.h"

#include <SDL.h>

/* The kiosk's audio device, opened at the first call and kept (0: none;
 * voice.device "none"). Main thread only. */
SDL_AudioDeviceID app_sound_device(app_t *a);

/* The chime for a help call (nothing when there is no device). */
void app_sound_chime(app_t *a);

/* Whether an audio device opens now (false for voice.device "none"). */
bool app_sound_ready(app_t *a);

/* The technician's test: the chime, then "voice.test" spoken (with
 * voice.volume and voice.rate). KIOSK_OK when it went to the device;
 * KIOSK_ENODEV without one; KIOSK_EIO when the sentence could not be made
 * (the chime still played). Blocks for the synthesis (well under a second
 * on the board). */
int app_sound_test(app_t *a);

/* At exit: the device of the last sound. */
void app_sound_close(void);

#endif
