/* layoutrep.c - the layout report: FIRST_FRAME, CLOCK, SCREEN and TARGET
 * lines for tests and benchmarks (layoutrep.h). */
#include "app/layoutrep.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kiosk.h"

struct layoutrep {
	FILE *f;
	int screen;                /* last reported, -1 = none yet */
	bool warning;
	uint64_t targets;          /* hash of the reported targets */
};

int layoutrep_open(const char *path, layoutrep_t **out)
{
	*out = NULL;
	if (!path)
		return KIOSK_OK;
	layoutrep_t *r = calloc(1, sizeof *r);
	if (!r)
		return KIOSK_ENOMEM;
	r->f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	if (!r->f) {
		fprintf(stderr, "kiosk: cannot write the report %s\n", path);
		free(r);
		return KIOSK_EIO;
	}
	r->screen = -1;
	*out = r;
	return KIOSK_OK;
}

void layoutrep_close(layoutrep_t *r)
{
	if (!r)
		return;
	if (r->f != stdout)
		fclose(r->f);
	free(r);
}

void layoutrep_line(layoutrep_t *r, const char *fmt, ...)
{
	if (!r)
		return;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(r->f, fmt, ap);
	va_end(ap);
	fputc('\n', r->f);
	fflush(r->f);
}

void layoutrep_frame(layoutrep_t *r, int screen, bool warning, const char *screen_name, const drawlist_t *dl,
		     const platform_t *p)
{
	if (!r)
		return;
	/* Again whenever the screen or its targets change (a scan offer adds
	 * buttons to the same screen). */
	uint64_t th = 1469598103934665603ULL;
	for (int i = 0; i < dl->n; i++) {
		const dc_t *c = &dl->cmds[i];
		if (c->kind != DC_TARGET)
			continue;
		for (const char *s = c->text; *s; s++)
			th = (th ^ (unsigned char)*s) * 1099511628211ULL;
		th = (th ^ (uint64_t)(c->r.x * 7919 + c->r.y * 31 + c->r.w + c->r.h)) * 1099511628211ULL;
	}
	if (r->screen == screen && r->warning == warning && r->targets == th)
		return;
	r->screen = screen;
	r->warning = warning;
	r->targets = th;
	layoutrep_line(r, "SCREEN %s", screen_name);
	for (int i = 0; i < dl->n; i++) {
		const dc_t *c = &dl->cmds[i];
		if (c->kind != DC_TARGET)
			continue;
		/* The target's box on the physical output (rotated, scaled). */
		int x0, y0, x1, y1;
		platform_to_output(p, c->r.x, c->r.y, &x0, &y0);
		platform_to_output(p, c->r.x + c->r.w, c->r.y + c->r.h, &x1, &y1);
		int x = x0 < x1 ? x0 : x1, y = y0 < y1 ? y0 : y1;
		layoutrep_line(r, "TARGET %s %s %d %d %d %d", screen_name, c->text, x, y, abs(x1 - x0), abs(y1 - y0));
	}
}
