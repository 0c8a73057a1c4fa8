/* png_pixels.c - decodes a PNG with libpng's simplified reader and writes its
 * pixels as raw 8-bit RGB rows to stdout, for tests that hold a second
 * decoder (tests/tools/png_check.py, zlib only) against it.
 *
 *   png_pixels IN.png > OUT.rgb
 * Prints "WIDTHxHEIGHT" on stderr. Exit 0 ok, 1 not a readable PNG, 2 usage. */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: png_pixels IN.png > OUT.rgb\n");
		return 2;
	}
	png_image im;
	memset(&im, 0, sizeof im);
	im.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&im, argv[1])) {
		fprintf(stderr, "png_pixels: %s: %s\n", argv[1], im.message);
		return 1;
	}
	im.format = PNG_FORMAT_RGB;
	size_t n = PNG_IMAGE_SIZE(im);
	unsigned char *px = malloc(n);
	if (!px || !png_image_finish_read(&im, NULL, px, 0, NULL)) {
		fprintf(stderr, "png_pixels: %s: %s\n", argv[1], px ? im.message : "out of memory");
		free(px);
		png_image_free(&im);
		return 1;
	}
	int ok = fwrite(px, 1, n, stdout) == n;
	fprintf(stderr, "%ux%u\n", im.width, im.height);
	free(px);
	return ok ? 0 : 1;
}
