/* session_pose.h - puts a session into a named screen state with invented
 * sample content (answers, errors, a scanned card, long names, a ticket,
 * the office queue's lines), for the screenshot gallery, the layout test
 * and the render benchmark, so all of them look at the same states. Part of
 * the session (flow/session_pose.c writes the session's own fields); nothing
 * is printed and nothing is stored. */
#ifndef SESSION_POSE_H
#define SESSION_POSE_H

#include <stdbool.h>

#include "core/lang.h"
#include "flow/session.h"

enum {
	POSE_ERROR = 1 << 0,        /* form: a wrong answer and its error */
	POSE_LONG = 1 << 1,         /* form/review: answers at their length limit */
	POSE_SCAN = 1 << 2,         /* form: the ID-card offer */
	POSE_SCAN_ERROR = 1 << 3,   /* form: an unreadable ID-card scan */
	POSE_LONGEST_NAME = 1 << 4, /* the catalog's longest procedure name */
	POSE_PLANTED_NAME = 1 << 5, /* a planted 200-character procedure name */
	POSE_NUMERIC = 1 << 6,      /* form: a letter field switched to the keypad */
	POSE_LUNCH = 1 << 7,        /* welcome: lunch break, numbers for the afternoon */
	POSE_AHEAD = 1 << 8,        /* ticket: people ahead, no estimate yet (the office queue) */
	POSE_ESTIMATE = 1 << 9,     /* ticket: people ahead and the estimated wait */
	POSE_SERVING = 1 << 10,     /* welcome: the numbers being served at the counters */
	POSE_HELP_BANNER = 1 << 11, /* the staff banner of a session that called for help */
	POSE_HELP_COMING = 1 << 12, /* help taken: counter 12's officer is coming */
	POSE_HELP_ASK = 1 << 13,    /* help with nobody to call: ask at the nearest counter */
	POSE_RATE_REASONS = 1 << 14, /* rate: "Không hài lòng", two reasons chosen */
	POSE_RATE_THANKS = 1 << 15, /* rate: stored, thanks */
	POSE_RATE_REFUSED = 1 << 16, /* rate: the scanned ticket is not served yet */
};

typedef struct {
	screen_t screen;    /* SCR_TIMEOUT_WARNING: the warning over the form */
	int field_type;     /* form: the field_type_t asked, -1 = the default form */
	unsigned flags;     /* POSE_* */
	lang_t lang;
	bool high_contrast;
	bool large_text;
} session_pose_t;

/* Put s into the state p: nothing of the state before stays. */
void session_pose(session_t *s, const session_pose_t *p);

/* Show scr with sample content in the session's current language and text
 * settings (the plain state of that screen). */
void session_pose_screen(session_t *s, screen_t scr);

#endif
