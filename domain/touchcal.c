/* touchcal.c - touch calibration fit, storage and application
 * (touchcal.h). */
#include "domain/touchcal.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kiosk.h"
#include "core/mfile.h"

void touchcal_identity(touchcal_t *c)
{
	*c = (touchcal_t){.sx = 1, .ox = 0, .sy = 1, .oy = 0, .set = false};
}

void touchcal_point(int w, int h, int i, int *x, int *y)
{
	*x = (i == 0 || i == 3) ? w / 5 : w - w / 5;
	*y = (i == 0 || i == 1) ? h * 2 / 5 : h * 7 / 10;
}

static int fit_axis(const int e[4], const int r[4], double *s, double *o)
{
	double me = 0, mr = 0;
	for (int i = 0; i < 4; i++) {
		me += e[i];
		mr += r[i];
	}
	me /= 4;
	mr /= 4;
	double cov = 0, var = 0;
	for (int i = 0; i < 4; i++) {
		cov += (r[i] - mr) * (e[i] - me);
		var += (r[i] - mr) * (r[i] - mr);
	}
	if (var < 100.0)
		return KIOSK_ERANGE; /* the points do not spread */
	*s = cov / var;
	*o = me - *s * mr;
	return KIOSK_OK;
}

int touchcal_fit(const int ex[4], const int ey[4], const int rx[4], const int ry[4], int w, int h,
		 touchcal_t *out)
{
	touchcal_identity(out);
	touchcal_t c = {.set = true};
	if (fit_axis(ex, rx, &c.sx, &c.ox) != KIOSK_OK || fit_axis(ey, ry, &c.sy, &c.oy) != KIOSK_OK)
		return KIOSK_ERANGE;
	if (c.sx < 0.8 || c.sx > 1.25 || c.sy < 0.8 || c.sy > 1.25 || fabs(c.ox) > w / 4.0 ||
	    fabs(c.oy) > h / 4.0)
		return KIOSK_ERANGE;
	for (int i = 0; i < 4; i++) {
		int x = rx[i], y = ry[i];
		touchcal_apply(&c, &x, &y);
		if (abs(x - ex[i]) > TOUCHCAL_MAX_RESIDUAL || abs(y - ey[i]) > TOUCHCAL_MAX_RESIDUAL)
			return KIOSK_ERANGE;
	}
	*out = c;
	return KIOSK_OK;
}

void touchcal_apply(const touchcal_t *c, int *x, int *y)
{
	if (!c || !c->set)
		return;
	*x = (int)lround(c->sx * *x + c->ox);
	*y = (int)lround(c->sy * *y + c->oy);
}

int touchcal_load(const char *path, touchcal_t *out)
{
	touchcal_identity(out);
	char *text = NULL;
	int rc = mfile_read(path, 4096, &text, NULL);
	if (rc != KIOSK_OK)
		return rc == KIOSK_ENOENT ? rc : KIOSK_ECORRUPT;
	cJSON *j = cJSON_Parse(text);
	free(text);
	const char *keys[4] = {"x_scale", "x_offset", "y_scale", "y_offset"};
	double v[4];
	rc = KIOSK_OK;
	for (int i = 0; i < 4 && rc == KIOSK_OK; i++) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(j, keys[i]);
		if (!cJSON_IsNumber(n) || !isfinite(n->valuedouble))
			rc = KIOSK_ECORRUPT;
		else
			v[i] = n->valuedouble;
	}
	cJSON_Delete(j);
	if (rc != KIOSK_OK || v[0] < 0.8 || v[0] > 1.25 || v[2] < 0.8 || v[2] > 1.25 ||
	    fabs(v[1]) > 4096 || fabs(v[3]) > 4096)
		return KIOSK_ECORRUPT;
	*out = (touchcal_t){.sx = v[0], .ox = v[1], .sy = v[2], .oy = v[3], .set = true};
	return KIOSK_OK;
}

int touchcal_save(const char *path, const touchcal_t *c)
{
	char buf[256];
	int n = snprintf(buf, sizeof buf,
			 "{\"x_scale\": %.6f, \"x_offset\": %.2f, \"y_scale\": %.6f, \"y_offset\": %.2f}\n",
			 c->sx, c->ox, c->sy, c->oy);
	if (n < 0 || n >= (int)sizeof buf)
		return KIOSK_ERANGE;
	return mfile_write_atomic(path, buf, (size_t)n, 0644);
}
