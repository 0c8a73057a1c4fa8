/* layoutrep.h - the layout report (`--report FILE`, "-" for stdout): one
 * line per fact tests and benchmarks read, FIRST_FRAME, CLOCK, and after a
 * frame whose screen or touch targets changed, SCREEN and one TARGET line
 * per target with its box on the physical output (layoutrep.c). */
#ifndef LAYOUTREP_H
#define LAYOUTREP_H

#include <stdbool.h>

#include "app/platform.h"
#include "ui/draw.h"

typedef struct layoutrep layoutrep_t;

/* path NULL: no report, *out NULL (every call accepts NULL). KIOSK_OK, or
 * KIOSK_EIO when the file cannot be written (said on stderr). */
int layoutrep_open(const char *path, layoutrep_t **out);
void layoutrep_close(layoutrep_t *r);

/* One line (no newline in fmt), flushed at once. */
void layoutrep_line(layoutrep_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* After a frame of screen (an id number) with its draw list: SCREEN
 * screen_name and the TARGET lines, when the screen, the warning or the
 * targets (ids and boxes) differ from the last frame reported. */
void layoutrep_frame(layoutrep_t *r, int screen, bool warning, const char *screen_name, const drawlist_t *dl,
		     const platform_t *p);

#endif
