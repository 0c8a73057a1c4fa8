/* bitmap.h - the 1-bit image: what the ticket renderer draws, the ESC/POS
 * encoder sends and the file printer decodes back. Rows of stride bytes,
 * MSB = leftmost dot, 1 = black (the GS v 0 and PBM P4 packing). */
#ifndef BITMAP_H
#define BITMAP_H

#include <stddef.h>
#include <stdint.h>

/* Owns bits. */
typedef struct {
	int w, h, stride;
	uint8_t *bits;
	int cut;                   /* set by the ticket renderer: texts cut short with an
				    * ellipsis (too long for their lines) */
} bitmap_t;

/* Wipes and frees the bits (the QR's modules carry the citizen's answers),
 * then zeroes img. NULL is fine. */
void bitmap_free(bitmap_t *img);

static inline int bitmap_pixel(const bitmap_t *img, int x, int y)
{
	return (img->bits[(size_t)y * (size_t)img->stride + (size_t)(x >> 3)] >> (7 - (x & 7))) & 1;
}

#endif
