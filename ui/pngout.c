/* pngout.c - PNG output for screenshots through libpng, written to a temporary
 * file and renamed into place so a reader never sees half a picture. */
#include "pngout.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "kiosk.h"

int pngout_write_rgb(const char *path, const uint8_t *rgb, int w, int h, int stride)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "wb");
	if (!f)
		return KIOSK_EIO;
	png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = p ? png_create_info_struct(p) : NULL;
	if (!p || !info || setjmp(png_jmpbuf(p))) {
		png_destroy_write_struct(&p, &info);
		fclose(f);
		unlink(tmp);
		return KIOSK_EIO;
	}
	png_init_io(p, f);
	png_set_IHDR(p, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(p, info);
	for (int y = 0; y < h; y++)
		png_write_row(p, (png_const_bytep)(rgb + (size_t)y * (size_t)stride));
	png_write_end(p, NULL);
	png_destroy_write_struct(&p, &info);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		fclose(f);
		unlink(tmp);
		return KIOSK_EIO;
	}
	fclose(f);
	if (rename(tmp, path) != 0) {
		unlink(tmp);
		return KIOSK_EIO;
	}
	return KIOSK_OK;
}
