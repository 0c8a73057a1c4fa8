/* bitmap.c - freeing a 1-bit image (core/bitmap.h). */
#include "core/bitmap.h"

#include <stdlib.h>
#include <string.h>

void bitmap_free(bitmap_t *img)
{
	if (!img)
		return;
	if (img->bits) /* the QR's modules carry the citizen's answers */
		explicit_bzero(img->bits, (size_t)img->stride * (size_t)img->h);
	free(img->bits);
	memset(img, 0, sizeof *img);
}
