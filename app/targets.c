/* targets.c - the .targets file beside a screenshot (targets.h): what a
 * picture shows, as JSON lines read by the tests. */
#include "app/targets.h"

#include <stdio.h>
#include <string.h>

#include "core/kiosk.h"

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void write_item(FILE *f, const dc_t *c, targets_kind_t kind)
{
	if (kind == TARGETS_TOUCH) {
		fputs("{\"id\":", f);
		json_str(f, c->text);
		fputs(",\"label\":", f);
		json_str(f, c->label);
		fprintf(f, ",\"x\":%d,\"y\":%d,\"w\":%d,\"h\":%d,\"flags\":%d}\n", c->r.x, c->r.y, c->r.w,
			c->r.h, c->flags);
	} else {
		fputs("{\"id\":\"text\",\"label\":", f);
		json_str(f, c->text);
		fprintf(f, ",\"x\":%d,\"y\":%d,\"w\":%d,\"h\":%d,\"px\":%d,\"bg\":%d}\n", c->r.x, c->r.y,
			c->r.w, c->r.h, c->px, (int)c->bg);
	}
}

int targets_write(const drawlist_t *dl, const char *png, targets_kind_t kind)
{
	char path[4200], tmp[4300];
	size_t n = strlen(png);
	if (n > 4 && strcmp(png + n - 4, ".png") == 0)
		n -= 4;
	snprintf(path, sizeof path, "%.*s.targets", (int)n, png);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return KIOSK_EIO;
	for (int i = 0; i < dl->n; i++) {
		const dc_t *c = &dl->cmds[i];
		bool want = kind == TARGETS_TOUCH ? c->kind == DC_TARGET
						  : c->kind == DC_TEXT && c->font != FONT_ICON;
		if (want)
			write_item(f, c, kind);
	}
	if (fclose(f) != 0) {
		(void)remove(tmp);
		return KIOSK_EIO;
	}
	return rename(tmp, path) == 0 ? KIOSK_OK : KIOSK_EIO;
}
