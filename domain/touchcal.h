/* touchcal.h - touch calibration: a per-axis scale and offset measured on a
 * 4-point check screen in the technician menu, stored in
 * <data>/touch-calibration.json and applied to every touch before hit
 * testing (logical = scale * raw + offset). */
#ifndef TOUCHCAL_H
#define TOUCHCAL_H

#include <stdbool.h>

typedef struct {
	double sx, ox, sy, oy;
	bool set;              /* false: identity */
} touchcal_t;

#define TOUCHCAL_MAX_RESIDUAL 40 /* px: worst point after the fit */

void touchcal_identity(touchcal_t *c);

/* Where cross i (0 TL, 1 TR, 2 BR, 3 BL) is drawn on a w x h screen: well
 * inside, away from the corner zones and the bars. */
void touchcal_point(int w, int h, int i, int *x, int *y);

/* Least-squares fit of logical = s * raw + o per axis from 4 points.
 * KIOSK_ERANGE when the result is implausible (scale outside 0.8..1.25,
 * offset beyond a quarter of the screen, a point still off by more than
 * TOUCHCAL_MAX_RESIDUAL px) or the points do not spread. */
int touchcal_fit(const int ex[4], const int ey[4], const int rx[4], const int ry[4], int w, int h,
		 touchcal_t *out);

void touchcal_apply(const touchcal_t *c, int *x, int *y);

/* Load (missing file: identity and KIOSK_ENOENT; bad file: identity and
 * KIOSK_ECORRUPT) and save (atomic). */
int touchcal_load(const char *path, touchcal_t *out);
int touchcal_save(const char *path, const touchcal_t *c);

#endif
