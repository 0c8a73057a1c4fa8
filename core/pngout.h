/* pngout.h - writes 8-bit RGB images as PNG files (libpng), atomically: a
 * temporary file, fsync, then rename. */
#ifndef PNGOUT_H
#define PNGOUT_H

#include <stdint.h>

/* rgb: rows of w*3 bytes, stride bytes apart. */
int pngout_write_rgb(const char *path, const uint8_t *rgb, int w, int h, int stride);

/* The rows come from fetch, a band at a time: fetch(ctx, y, n, buf, stride)
 * fills rows y .. y+n-1 (w*3 bytes each, stride apart) and returns 0, or
 * non-zero to give up (the file is then not written). A whole frame is
 * never held twice. */
typedef int (*pngout_fetch_fn)(void *ctx, int y, int n, uint8_t *buf, int stride);
int pngout_write_rgb_rows(const char *path, int w, int h, pngout_fetch_fn fetch, void *ctx);

#endif
