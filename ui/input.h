/* input.h - the one small input event type the UI sees. Touch, mouse and
 * keyboard are converted into it by the app's platform layer, after finger
 * coordinates are scaled and rotated into logical pixels. */
#ifndef INPUT_H
#define INPUT_H

#include <stdbool.h>

typedef enum {
	INPUT_PRESS,    /* a finger or button went down at x, y */
	INPUT_MOVE,     /* it moved (only while down) */
	INPUT_RELEASE,  /* it came up at x, y */
	INPUT_CANCEL,   /* the touch was taken away (e.g. a second finger) */
	INPUT_CHAR,     /* a printable ASCII character from a physical keyboard */
	INPUT_KEY,      /* a special key (INK_*) */
	INPUT_MENU,     /* the staff chord Ctrl+Alt+M */
} input_type_t;

enum { INK_BACKSPACE = 1, INK_RETURN, INK_ESCAPE, INK_TAB };

typedef struct {
	input_type_t type;
	int x, y;      /* logical pixels */
	bool touch;    /* from a touchscreen (the repeat filter applies) */
	char ch;       /* INPUT_CHAR */
	int key;       /* INPUT_KEY */
} input_t;

#endif
