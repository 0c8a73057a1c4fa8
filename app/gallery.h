/* gallery.h - puts a session into each screen state for screenshots and
 * for the layout checks, so both look at the same states. */
#ifndef GALLERY_H
#define GALLERY_H

#include <stddef.h>
#include "flow/session.h"

/* Every screen and state the gallery renders, in order. */
extern const screen_t gallery_screens[];
extern const size_t gallery_screen_count;

/* A named state: a screen and what is on it. The layout test and the
 * screenshots go through the same list. */
enum {
	GS_ERROR = 1 << 0,        /* form: a wrong answer and its error */
	GS_LONG = 1 << 1,         /* form/review: answers at their length limit */
	GS_SCAN = 1 << 2,         /* form: the ID-card offer */
	GS_SCAN_ERROR = 1 << 3,   /* form: an unreadable ID-card scan */
	GS_LONGEST_NAME = 1 << 4, /* the catalog's longest procedure name */
	GS_PLANTED_NAME = 1 << 5, /* a planted 200-character procedure name */
	GS_NUMERIC = 1 << 6,      /* form: a letter field switched to the keypad */
	GS_LUNCH = 1 << 7,        /* welcome: lunch break, numbers for the afternoon */
	GS_AHEAD = 1 << 8,        /* ticket: people ahead, no estimate yet (the office queue) */
	GS_ESTIMATE = 1 << 9,     /* ticket: people ahead and the estimated wait */
	GS_SERVING = 1 << 10,     /* welcome: the numbers being served at the counters */
};

typedef struct {
	const char *name;   /* file name stem: "form-cccd-error" */
	screen_t screen;
	int field_type;     /* form: the field_type_t asked, -1 = the default form */
	unsigned flags;     /* GS_* */
} gallery_state_t;

extern const gallery_state_t gallery_states[];
extern const size_t gallery_state_count;

/* Put s into a state (sample content, invented). */
void gallery_apply(session_t *s, const gallery_state_t *st);

/* Set s to show scr with sample content (SCR_TIMEOUT_WARNING: the warning
 * over the form). Sample answers are invented. */
void gallery_set_state(session_t *s, screen_t scr);

#endif
