/* pngout.h - writes 8-bit RGB or 1-bit images as PNG files (libpng),
 * atomically: a temporary file, fsync, then rename. */
#ifndef PNGOUT_H
#define PNGOUT_H

#include <stdint.h>

/* rgb: rows of w*3 bytes, stride bytes apart. */
int pngout_write_rgb(const char *path, const uint8_t *rgb, int w, int h, int stride);

#endif
