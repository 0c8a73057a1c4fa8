/* pngout.h - the one PNG writer: 8-bit RGB screenshots (an own writer over
 * zlib), written atomically (a temporary file, fsync, then rename), and 1-bit
 * images through libpng (core/bitmap.h: tickets, the file printer's
 * pictures). */
#ifndef PNGOUT_H
#define PNGOUT_H

#include <stdint.h>
#include <stdio.h>

#include "core/bitmap.h"

/* rgb: rows of w*3 bytes, stride bytes apart. */
int pngout_write_rgb(const char *path, const uint8_t *rgb, int w, int h, int stride);

/* The rows come from fetch, a band at a time: fetch(ctx, y, n, buf, stride)
 * fills rows y .. y+n-1 (w*3 bytes each, stride apart) and returns 0, or
 * non-zero to give up (the file is then not written). A whole frame is
 * never held twice. */
typedef int (*pngout_fetch_fn)(void *ctx, int y, int n, uint8_t *buf, int stride);
int pngout_write_rgb_rows(const char *path, int w, int h, pngout_fetch_fn fetch, void *ctx);
/* The same with the deflate on a second thread (threads 2) or on the
 * caller's (1); pngout_write_rgb_rows takes 2 where more than one core is
 * online. Both write the same bytes. All three: KIOSK_OK, KIOSK_EINVAL (no
 * path or fetch, a size PNG cannot hold), KIOSK_ENOMEM, or KIOSK_EIO (fetch
 * gave up, a write or fsync failed: the file is then not there, nor its
 * temporary). fetch is called on the caller's thread only. */
int pngout_write_rgb_rows_on(const char *path, int w, int h, pngout_fetch_fn fetch, void *ctx,
			     int threads);

/* PNG (1-bit greyscale) of img to an open stream (flushed, not closed) or
 * to a file path (written in place, not atomically). KIOSK_OK, KIOSK_EINVAL,
 * KIOSK_ENOMEM or KIOSK_EIO. */
int pngout_write_bitmap_fp(const bitmap_t *img, FILE *f);
int pngout_write_bitmap(const bitmap_t *img, const char *path);

#endif
