/* corners.c - the corner-zone sequence detector that opens the PIN screen
 * (corners.h). */
#include "flow/corners.h"

void corners_init(corners_t *c, int w, int h, int zone)
{
	c->w = w;
	c->h = h;
	c->zone = zone < 96 ? 96 : zone;
	c->step = 0;
	c->first_ms = 0;
}

int corners_zone(const corners_t *c, int x, int y)
{
	if (x < 0 || y < 0 || x >= c->w || y >= c->h)
		return -1;
	bool left = x < c->zone, right = x >= c->w - c->zone;
	bool top = y < c->zone, bottom = y >= c->h - c->zone;
	if (top && left)
		return 0;
	if (top && right)
		return 1;
	if (bottom && right)
		return 2;
	if (bottom && left)
		return 3;
	return -1;
}

bool corners_press(corners_t *c, int x, int y, int64_t now_ms)
{
	int z = corners_zone(c, x, y);
	if (c->step > 0 && now_ms - c->first_ms > CORNERS_WINDOW_MS)
		c->step = 0;
	if (z == c->step && c->step > 0) {
		/* the expected next corner */
	} else if (z == 0) {
		c->step = 0; /* top-left always (re)starts the sequence */
		c->first_ms = now_ms;
	} else if (z == c->step - 1 && z >= 0) {
		return false; /* the same corner again (a bounce): no change */
	} else {
		c->step = 0;
		return false;
	}
	c->step++;
	if (c->step == 4) {
		c->step = 0;
		return true;
	}
	return false;
}
