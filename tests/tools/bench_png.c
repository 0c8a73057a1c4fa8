/* bench_png.c - the screenshot writer against libpng on the same frame: the
 * pixels of IN.png (a 1080p kiosk screen) written again and again by
 * core/pngout with the deflate on a second thread and on one, and by libpng
 * at the settings the kiosk used before (zlib level 1, the Up filter, rows
 * fed a band at a time). Prints the median time of each, the ratios and the
 * file sizes; checks that each file reads back to the same pixels; asserts
 * nothing about time. The rows here come from memory, so the second thread
 * has little to overlap with; in the kiosk each band is painted first and
 * the second thread shortens the whole start (29 against 32 ms, stop 31).
 *     bench_png IN.png OUTDIR [RUNS]                                       */
#include <png.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/kiosk.h"
#include "core/pngout.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

typedef struct {
	const uint8_t *rgb;
	int w;
} frame_t;

static int fetch(void *ctx, int y, int n, uint8_t *buf, int stride)
{
	const frame_t *f = ctx;
	memcpy(buf, f->rgb + (size_t)y * (size_t)f->w * 3, (size_t)n * (size_t)stride);
	return 0;
}

/* libpng at the kiosk's former settings; 0 or -1. */
static int libpng_write(const char *path, const uint8_t *rgb, int w, int h)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = p ? png_create_info_struct(p) : NULL;
	if (!p || !info || setjmp(png_jmpbuf(p))) {
		png_destroy_write_struct(&p, &info);
		fclose(f);
		return -1;
	}
	png_init_io(p, f);
	png_set_compression_level(p, 1);
	png_set_filter(p, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
	png_set_compression_buffer_size(p, 64 * 1024);
	png_set_IHDR(p, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(p, info);
	for (int y = 0; y < h; y++)
		png_write_row(p, rgb + (size_t)y * (size_t)w * 3);
	png_write_end(p, NULL);
	png_destroy_write_struct(&p, &info);
	int rc = fflush(f) == 0 && fsync(fileno(f)) == 0 ? 0 : -1;
	return fclose(f) == 0 ? rc : -1;
}

static uint8_t *read_rgb(const char *path, int *w, int *h)
{
	png_image im;
	memset(&im, 0, sizeof im);
	im.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&im, path))
		return NULL;
	im.format = PNG_FORMAT_RGB;
	uint8_t *px = malloc(PNG_IMAGE_SIZE(im));
	if (!px || !png_image_finish_read(&im, NULL, px, 0, NULL)) {
		free(px);
		png_image_free(&im);
		return NULL;
	}
	*w = (int)im.width;
	*h = (int)im.height;
	return px;
}

static long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_png IN.png OUTDIR [RUNS]\n");
		return 2;
	}
	int runs = argc > 3 ? atoi(argv[3]) : 15;
	if (runs < 1 || runs > 1000)
		runs = 15;
	int w, h;
	uint8_t *rgb = read_rgb(argv[1], &w, &h);
	if (!rgb) {
		fprintf(stderr, "bench_png: cannot read %s\n", argv[1]);
		return 1;
	}
	static const char *names[3] = {"pngout, deflate on a second thread", "pngout, one thread",
				       "libpng (the former writer)"};
	char path[3][1024];
	double med[3];
	double *t = calloc((size_t)runs, sizeof *t);
	frame_t fr = {rgb, w};
	for (int k = 0; k < 3; k++)
		snprintf(path[k], sizeof path[k], "%s/bench-%d.png", argv[2], k);
	/* the three interleaved run by run, so a change in the machine's load
	 * falls on all of them */
	double *all = calloc((size_t)runs * 3, sizeof *all);
	if (!t || !all)
		return 1;
	for (int r = 0; r < runs; r++)
		for (int k = 0; k < 3; k++) {
			double t0 = now_ms();
			int rc = k == 2 ? libpng_write(path[k], rgb, w, h)
					: pngout_write_rgb_rows_on(path[k], w, h, fetch, &fr, k == 0 ? 2 : 1);
			all[(size_t)k * (size_t)runs + (size_t)r] = now_ms() - t0;
			if (rc != 0) {
				fprintf(stderr, "bench_png: %s failed\n", names[k]);
				return 1;
			}
		}
	for (int k = 0; k < 3; k++) {
		memcpy(t, all + (size_t)k * (size_t)runs, (size_t)runs * sizeof *t);
		qsort(t, (size_t)runs, sizeof *t, cmp_double);
		med[k] = t[runs / 2];
		int w2, h2;
		uint8_t *back = read_rgb(path[k], &w2, &h2);
		bool same = back && w2 == w && h2 == h && memcmp(back, rgb, (size_t)w * (size_t)h * 3) == 0;
		free(back);
		if (!same) {
			fprintf(stderr, "bench_png: %s wrote other pixels\n", names[k]);
			return 1;
		}
		printf("  %-36s %6.2f ms  %7ld bytes (median of %d, %dx%d, same pixels)\n", names[k], med[k],
		       file_size(path[k]), runs, w, h);
		unlink(path[k]);
	}
	printf("  libpng / pngout: %.2fx on two threads, %.2fx on one\n", med[2] / med[0], med[2] / med[1]);
	free(t);
	free(all);
	free(rgb);
	return 0;
}
