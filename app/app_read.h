/* app_read.h - the kiosk reads its screens aloud (app_read.c): "Nghe" on a
 * citizen screen reads its title and prompt (flow/speak.c says what), a
 * touch stops it, and with voice.read_screens every new screen is read by
 * itself. Speech is made by espeak-ng in a thread of its own (so a touch is
 * never kept waiting) and played on the kiosk's audio device (app_sound);
 * with --audio-out DIR each reading is also DIR/read-NNN.wav with its
 * items in DIR/read-NNN.txt. Nothing typed is ever read (speak.h). */
#ifndef APP_READ_H
#define APP_READ_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app_internal.h"

/* Read the current screen (replacing what was being read). */
void app_read_screen(app_t *a);
/* Stop reading (a touch): what is queued is dropped. True when something
 * was being read. */
bool app_read_stop(app_t *a);
/* From the main loop: a rendered reading goes to the device; with
 * voice.read_screens a new screen is read. */
void app_read_tick(app_t *a);
/* The next time the loop must look (mono ms) while speech is being made,
 * else -1. */
int64_t app_read_deadline(app_t *a);
/* At exit. */
void app_read_close(app_t *a);

#endif
