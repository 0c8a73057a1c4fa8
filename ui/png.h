/* png.h - writes 8-bit RGB or 1-bit images as PNG files (libpng),
 * atomically: a temporary file, fsync, then rename. */
#ifndef PNG_WRITE_H
#define PNG_WRITE_H

#include <stdint.h>

/* rgb: rows of w*3 bytes, stride bytes apart. */
int png_write_rgb(const char *path, const uint8_t *rgb, int w, int h, int stride);

#endif
