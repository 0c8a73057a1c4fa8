/* pngout.c - PNG output for screenshots through libpng, written to a temporary
 * file and renamed into place so a reader never sees half a picture.
 *
 * Encoding settings (docs/profile.md): zlib level 1 and the Up filter on every
 * row. A UI frame is mostly rows equal to the row above, which Up turns to
 * zeros; libpng's default (level 6, all five filters tried on each row) took
 * 57 ms per 1080p frame against 15 ms, for files ~35 % smaller. The image is
 * the same either way: PNG is lossless. */
#include "core/pngout.h"

#include <png.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/kiosk.h"

#define BAND_ROWS 8

/* Rows already in memory, stride bytes apart. */
typedef struct {
	const uint8_t *rows;
	int stride;
} whole_t;

static int fetch_whole(void *ctx, int y, int n, uint8_t *buf, int stride)
{
	const whole_t *w = ctx;
	for (int i = 0; i < n; i++)
		memcpy(buf + (size_t)i * (size_t)stride, w->rows + (size_t)(y + i) * (size_t)w->stride,
		       (size_t)stride);
	return 0;
}

int pngout_write_rgb(const char *path, const uint8_t *rgb, int w, int h, int stride)
{
	whole_t c = {rgb, stride};
	return pngout_write_rgb_rows(path, w, h, fetch_whole, &c);
}

/* How a picture is encoded: RGB screenshots fast (level 1, the Up
 * filter), 1-bit pictures with libpng's defaults, inverted (our 1 = black,
 * PNG grey 0 = black). */
typedef struct {
	int w, h, depth, colour;
	bool fast, invert;
} format_t;

/* The one libpng encoder: rows from fetch, a band at a time, to f (not
 * flushed). KIOSK_OK, KIOSK_ENOMEM or KIOSK_EIO. */
static int encode(FILE *f, const format_t *fm, pngout_fetch_fn fetch, void *ctx)
{
	size_t row = ((size_t)fm->w * (size_t)fm->depth * (fm->colour == PNG_COLOR_TYPE_RGB ? 3 : 1) +
		      7) / 8;
	uint8_t *band = malloc(row * BAND_ROWS);
	if (!band)
		return KIOSK_ENOMEM;
	png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = p ? png_create_info_struct(p) : NULL;
	if (!p || !info) {
		png_destroy_write_struct(&p, &info);
		free(band);
		return KIOSK_ENOMEM;
	}
	if (setjmp(png_jmpbuf(p))) {
		png_destroy_write_struct(&p, &info);
		free(band);
		return KIOSK_EIO;
	}
	png_init_io(p, f);
	if (fm->fast) {
		png_set_compression_level(p, 1);
		png_set_filter(p, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
		png_set_compression_buffer_size(p, 64 * 1024);
	}
	png_set_IHDR(p, info, (png_uint_32)fm->w, (png_uint_32)fm->h, fm->depth, fm->colour,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(p, info);
	if (fm->invert)
		png_set_invert_mono(p);
	for (int y = 0; y < fm->h; y += BAND_ROWS) {
		int n = fm->h - y < BAND_ROWS ? fm->h - y : BAND_ROWS;
		if (fetch(ctx, y, n, band, (int)row) != 0)
			png_error(p, "no pixels");
		for (int i = 0; i < n; i++)
			png_write_row(p, (png_const_bytep)(band + (size_t)i * row));
	}
	png_write_end(p, NULL);
	png_destroy_write_struct(&p, &info);
	free(band);
	return KIOSK_OK;
}

int pngout_write_rgb_rows(const char *path, int w, int h, pngout_fetch_fn fetch, void *ctx)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "wb");
	if (!f)
		return KIOSK_EIO;
	format_t fm = {w, h, 8, PNG_COLOR_TYPE_RGB, true, false};
	int rc = encode(f, &fm, fetch, ctx);
	if (!rc && (fflush(f) != 0 || fsync(fileno(f)) != 0))
		rc = KIOSK_EIO;
	fclose(f);
	if (!rc && rename(tmp, path) != 0)
		rc = KIOSK_EIO;
	if (rc)
		unlink(tmp);
	return rc;
}

int pngout_write_bitmap_fp(const bitmap_t *img, FILE *f)
{
	if (!img || !img->bits || img->w <= 0 || img->h <= 0 || !f)
		return KIOSK_EINVAL;
	whole_t c = {img->bits, img->stride};
	format_t fm = {img->w, img->h, 1, PNG_COLOR_TYPE_GRAY, false, true};
	int rc = encode(f, &fm, fetch_whole, &c);
	return rc ? rc : fflush(f) == 0 ? KIOSK_OK : KIOSK_EIO;
}

int pngout_write_bitmap(const bitmap_t *img, const char *path)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return KIOSK_EIO;
	int rc = pngout_write_bitmap_fp(img, f);
	if (fclose(f) != 0 && !rc)
		rc = KIOSK_EIO;
	return rc;
}
