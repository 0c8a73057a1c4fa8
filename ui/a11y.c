/* a11y.c - converts the physical sizes of a11y.h into pixels for one panel
 * and text scale. */
#include "ui/a11y.h"

#include <math.h>

static int px(double mm, double ppmm) { return (int)lround(mm * ppmm); }

void a11y_compute(a11y_t *a, double diagonal_in, int panel_w, int panel_h, int scale_pct)
{
	double diag_px = sqrt((double)panel_w * panel_w + (double)panel_h * panel_h);
	double ppmm = diag_px / (diagonal_in * 25.4);
	double s = scale_pct / 100.0;
	a->px_per_mm = ppmm;
	a->scale_pct = scale_pct;
	a->body_px = (int)lround(A11Y_BODY_MM * ppmm * s);
	a->small_px = (int)lround(A11Y_SMALL_MM * ppmm * s);
	a->title_px = (int)lround(A11Y_TITLE_MM * ppmm * s);
	a->button_px = (int)lround(A11Y_BUTTON_MM * ppmm * s);
	/* The number is already huge: large-text mode grows it by a quarter. */
	a->number_px = (int)lround(A11Y_NUMBER_MM * ppmm * (s > 1.0 ? 1.25 : 1.0));
	a->composed_px = (int)lround(A11Y_COMPOSED_MM * ppmm * s);
	a->target_px = px(A11Y_TARGET_MM, ppmm);
	a->primary_h = px(A11Y_PRIMARY_MM, ppmm);
	a->primary_w = px(A11Y_PRIMARY_W_MM, ppmm);
	a->gap = px(A11Y_GAP_MM, ppmm);
	a->back_gap = px(A11Y_BACK_GAP_MM, ppmm);
	a->key_px = px(A11Y_KEY_MM, ppmm);
	a->numkey_px = px(A11Y_NUMKEY_MM, ppmm);
	a->corner = px(A11Y_CORNER_MM, ppmm);
	if (a->corner < 96)
		a->corner = 96;
	a->margin = px(A11Y_MARGIN_MM, ppmm);
	a->qr_px = px(A11Y_QR_MM, ppmm);
}

int a11y_line(int font_px)
{
	return (int)lround(font_px * A11Y_LINE_FACTOR);
}
