/* png_crop.c - cuts every touch target out of a screenshot, for the OCR
 * check of button labels (tests/cli/ocr_labels.sh). Reads X.png and the
 * X.targets file `kiosk --targets` writes beside it (one JSON object a line:
 * id, label, x, y, w, h, flags), writes OUTDIR/<prefix>-<n>.png for each
 * target and prints one line per crop: "<crop path>\t<id>\t<flags>\t<label>".
 * Usage: png_crop [-g] [-i INSET] [-m MARGIN] X.png X.targets OUTDIR PREFIX
 * -g writes grey levels (luma, BT.601), the usual first step before OCR;
 * -i drops INSET pixels on each side of the target (its frame); -m adds
 * MARGIN pixels around the crop in the colour of its top-left pixel (the
 * button's own background), the quiet zone an OCR engine expects. */
#include <cjson/cJSON.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pngout.h"

static unsigned char *read_png(const char *path, int *w, int *h)
{
	png_image img;
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, path))
		return NULL;
	img.format = PNG_FORMAT_RGB;
	unsigned char *px = malloc(PNG_IMAGE_SIZE(img));
	if (!px || !png_image_finish_read(&img, NULL, px, 0, NULL)) {
		free(px);
		png_image_free(&img);
		return NULL;
	}
	*w = (int)img.width;
	*h = (int)img.height;
	return px;
}

/* Write the w x h box at px (stride bytes a row) with a margin m around it. */
static int write_crop(const char *out, const unsigned char *px, int w, int h, int stride, int m)
{
	if (m == 0)
		return pngout_write_rgb(out, px, w, h, stride);
	int ow = w + 2 * m, oh = h + 2 * m;
	unsigned char *o = malloc((size_t)ow * (size_t)oh * 3);
	if (!o)
		return -1;
	for (int i = 0; i < ow * oh; i++)
		memcpy(o + (size_t)i * 3, px, 3);
	for (int y = 0; y < h; y++)
		memcpy(o + ((size_t)(y + m) * (size_t)ow + (size_t)m) * 3, px + (size_t)y * (size_t)stride,
		       (size_t)w * 3);
	int rc = pngout_write_rgb(out, o, ow, oh, ow * 3);
	free(o);
	return rc;
}

int main(int argc, char **argv)
{
	int inset = 0, margin = 0, grey = 0;
	while (argc > 1 && strcmp(argv[1], "-g") == 0) {
		grey = 1;
		argv++;
		argc--;
	}
	while (argc > 2 && argv[1][0] == '-' && (argv[1][1] == 'i' || argv[1][1] == 'm')) {
		int v = atoi(argv[2]);
		if (v < 0 || v > 200)
			return 2;
		if (argv[1][1] == 'i')
			inset = v;
		else
			margin = v;
		argv += 2;
		argc -= 2;
	}
	if (argc != 5) {
		fprintf(stderr, "usage: png_crop [-g] [-i INSET] [-m MARGIN] X.png X.targets OUTDIR PREFIX\n");
		return 2;
	}
	int w, h;
	unsigned char *px = read_png(argv[1], &w, &h);
	FILE *f = fopen(argv[2], "r");
	if (!px || !f) {
		fprintf(stderr, "png_crop: cannot read %s or %s\n", argv[1], argv[2]);
		return 2;
	}
	if (grey)
		for (size_t i = 0; i < (size_t)w * (size_t)h; i++) {
			unsigned char *p = px + i * 3;
			unsigned char y = (unsigned char)((p[0] * 299 + p[1] * 587 + p[2] * 114) / 1000);
			p[0] = p[1] = p[2] = y;
		}
	char line[8192];
	int n = 0, rc = 0;
	while (fgets(line, sizeof line, f)) {
		cJSON *o = cJSON_Parse(line);
		const cJSON *id = cJSON_GetObjectItem(o, "id"), *label = cJSON_GetObjectItem(o, "label");
		const cJSON *jx = cJSON_GetObjectItem(o, "x"), *jy = cJSON_GetObjectItem(o, "y");
		const cJSON *jw = cJSON_GetObjectItem(o, "w"), *jh = cJSON_GetObjectItem(o, "h");
		const cJSON *fl = cJSON_GetObjectItem(o, "flags");
		if (!cJSON_IsString(id) || !cJSON_IsString(label) || !cJSON_IsNumber(jx) ||
		    !cJSON_IsNumber(jy) || !cJSON_IsNumber(jw) || !cJSON_IsNumber(jh)) {
			fprintf(stderr, "png_crop: %s: bad line %d\n", argv[2], n + 1);
			cJSON_Delete(o);
			rc = 2;
			break;
		}
		int x = jx->valueint, y = jy->valueint, cw = jw->valueint, ch = jh->valueint;
		if (x < 0 || y < 0 || cw <= 0 || ch <= 0 || x + cw > w || y + ch > h) {
			fprintf(stderr, "png_crop: %s: target %s outside the picture\n", argv[2],
				id->valuestring);
			cJSON_Delete(o);
			rc = 1;
			n++;
			continue;
		}
		if (cw > 2 * inset && ch > 2 * inset) {
			x += inset;
			y += inset;
			cw -= 2 * inset;
			ch -= 2 * inset;
		}
		char out[4096];
		snprintf(out, sizeof out, "%s/%s-%d.png", argv[3], argv[4], n);
		if (write_crop(out, px + ((size_t)y * (size_t)w + (size_t)x) * 3, cw, ch, w * 3,
			       margin) != 0) {
			fprintf(stderr, "png_crop: cannot write %s\n", out);
			cJSON_Delete(o);
			rc = 2;
			break;
		}
		printf("%s\t%s\t%d\t%s\n", out, id->valuestring, fl ? fl->valueint : 0,
		       label->valuestring);
		cJSON_Delete(o);
		n++;
	}
	fclose(f);
	free(px);
	return rc;
}
