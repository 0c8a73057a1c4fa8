/* speak.h - what the kiosk reads aloud for the screen a citizen sees (the
 * "Nghe" button, or every new screen when voice.read_screens is on): the
 * screen's title and prompt as translation keys (voice.json's spoken forms,
 * "voice.screen_*"), the catalogue's fixed words (the group, procedure or
 * question being asked) and the office's name, and numbers (the ticket, how many are ahead, the
 * counter that is coming). Never an answer: the plan is built from the
 * screen, the catalogue and the queue's figures, and no field of it can
 * hold what a citizen typed or a card gave. app/app_read.c speaks it. */
#ifndef SPEAK_H
#define SPEAK_H

#include "flow/session.h"

#define SPEAK_ITEMS 12

typedef enum {
	SPK_KEY,      /* a translation key's text (key) */
	SPK_TEXT,     /* a fixed text of the catalogue (text, borrowed from the catalogue) */
	SPK_TICKET,   /* a ticket number, read sign by sign (number) */
	SPK_NUMBER,   /* a count (n) */
} speak_kind_t;

typedef struct {
	speak_kind_t kind;
	const char *key;     /* SPK_KEY */
	const char *text;    /* SPK_TEXT */
	char number[8];      /* SPK_TICKET */
	unsigned n;          /* SPK_NUMBER */
} speak_item_t;

typedef struct {
	speak_item_t item[SPEAK_ITEMS];
	int count;
	const char *screen;  /* screen_id of what it reads */
} speak_plan_t;

/* The plan for what s shows now (the timeout warning over a screen is read
 * as the warning). count 0 for the staff screens, which are not read. */
void speak_plan(const session_t *s, speak_plan_t *out);

#endif
