/* gallery.h - puts a session into each screen state for screenshots and
 * for the layout checks, so both look at the same states. */
#ifndef GALLERY_H
#define GALLERY_H

#include <stddef.h>
#include "session.h"

/* Every screen and state the gallery renders, in order. */
extern const screen_t gallery_screens[];
extern const size_t gallery_screen_count;

/* Set s to show scr with sample content (SCR_TIMEOUT_WARNING: the warning
 * over the form). Sample answers are invented. */
void gallery_set_state(session_t *s, screen_t scr);

#endif
