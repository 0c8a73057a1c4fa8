/* corners.h - the hidden gesture that opens the PIN screen: presses in the
 * four corner zones (no targets live there) in the order top-left,
 * top-right, bottom-right, bottom-left, all within CORNERS_WINDOW_MS of the
 * first. The app feeds every raw press to the detector before hit testing;
 * the touch repeat filter does not apply. A press anywhere else, in the
 * wrong corner, or too late starts over. */
#ifndef CORNERS_H
#define CORNERS_H

#include <stdbool.h>
#include <stdint.h>

#define CORNERS_WINDOW_MS 5000

typedef struct {
	int w, h;          /* logical screen size */
	int zone;          /* corner zone side in px (>= 96) */
	int step;          /* corners done so far, 0..3 */
	int64_t first_ms;  /* mono ms of the first corner */
} corners_t;

void corners_init(corners_t *c, int w, int h, int zone);

/* Which corner (0 TL, 1 TR, 2 BR, 3 BL) holds (x, y), or -1. */
int corners_zone(const corners_t *c, int x, int y);

/* A press at (x, y) at mono time now_ms. True when it completes the
 * sequence (the detector then starts over). */
bool corners_press(corners_t *c, int x, int y, int64_t now_ms);

#endif
