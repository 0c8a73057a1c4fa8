/* test_pngout.c - the screenshot PNG writer: pictures of many sizes and
 * kinds decode to exactly the pixels given, through libpng and through a
 * second reader here on zlib alone (every chunk's CRC, one zlib stream with
 * its Adler-32, the Up filter undone); the deflate on a second thread writes
 * the same bytes as on one; a fetch that gives up, a full disk (a file size
 * limit) and a folder that cannot be written leave no file and no
 * temporary, and the picture already there untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <png.h>
#include <zlib.h>
#include <cmocka.h>

#include "core/kiosk.h"
#include "core/pngout.h"

static const char *tmpdir(void)
{
	const char *t = getenv("TESTS_TMP");
	return t ? t : "/tmp";
}

static uint32_t rng = 12345;
static uint8_t next_byte(void)
{
	rng = rng * 1103515245u + 12345u;
	return (uint8_t)(rng >> 16);
}

/* A picture like a screen: flat bands, a few rectangles, "text" (noise in
 * short runs) on some rows, so rows equal to the one above, rows of edges
 * and noisy rows all occur. kind 0: that; 1: noise everywhere; 2: flat. */
static uint8_t *picture(int w, int h, int kind)
{
	uint8_t *p = malloc((size_t)w * (size_t)h * 3);
	assert_non_null(p);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			uint8_t *px = p + ((size_t)y * (size_t)w + (size_t)x) * 3;
			if (kind == 1) {
				px[0] = next_byte(), px[1] = next_byte(), px[2] = next_byte();
			} else if (kind == 2) {
				px[0] = 0xf5, px[1] = 0xf1, px[2] = 0xe8;
			} else {
				int band = (y / 37) % 3;
				px[0] = (uint8_t)(0xf0 - band * 40), px[1] = 0xf1, px[2] = (uint8_t)(0x30 + band * 50);
				if (x > w / 5 && x < w / 2 && y > h / 4 && y < h / 2)
					px[0] = 0x12, px[1] = 0x24, px[2] = 0x48;
				if (y % 53 > 40 && x % 11 < 6 && (x / 7 + y) % 3)
					px[0] = next_byte(), px[1] = 0, px[2] = px[0];
			}
		}
	return p;
}

typedef struct {
	const uint8_t *rgb;
	int w;
	int fail_at; /* the fetch gives up at this row, -1 never */
	int calls;
} src_t;

static int fetch(void *ctx, int y, int n, uint8_t *buf, int stride)
{
	src_t *s = ctx;
	s->calls++;
	if (s->fail_at >= 0 && y + n > s->fail_at)
		return -1;
	assert_int_equal(stride, s->w * 3);
	memcpy(buf, s->rgb + (size_t)y * (size_t)s->w * 3, (size_t)n * (size_t)stride);
	return 0;
}

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *b = malloc((size_t)len + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return b;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The second reader: zlib alone. Returns the IDAT count. */
static int zlib_read(const char *path, const uint8_t *want, int w, int h)
{
	size_t n;
	uint8_t *b = slurp(path, &n);
	assert_true(n > 8);
	assert_memory_equal(b, "\x89PNG\r\n\x1a\n", 8);
	size_t row = (size_t)w * 3 + 1, total = row * (size_t)h;
	uint8_t *out = malloc(total + 1);
	assert_non_null(out);
	z_stream z = {0};
	assert_int_equal(inflateInit(&z), Z_OK); /* zlib header and Adler-32 checked */
	z.next_out = out;
	z.avail_out = (uInt)total + 1;
	size_t pos = 8;
	int idats = 0, zr = Z_OK;
	bool ihdr = false, iend = false;
	while (pos + 12 <= n && !iend) {
		uint32_t len = get32(b + pos);
		assert_true(pos + 12 + len <= n);
		const uint8_t *type = b + pos + 4, *data = b + pos + 8;
		assert_int_equal(get32(data + len), (uint32_t)crc32(0, type, len + 4));
		if (!memcmp(type, "IHDR", 4)) {
			assert_false(ihdr);
			assert_int_equal(len, 13);
			assert_int_equal(get32(data), (uint32_t)w);
			assert_int_equal(get32(data + 4), (uint32_t)h);
			assert_memory_equal(data + 8, "\x08\x02\x00\x00\x00", 5);
			ihdr = true;
		} else if (!memcmp(type, "IDAT", 4)) {
			assert_true(ihdr);
			assert_int_not_equal(zr, Z_STREAM_END);
			if (idats == 0) {
				assert_true(len >= 2);
				assert_int_equal(data[0], 0x78); /* deflate, 32 KiB window */
				assert_int_equal(data[1] >> 6, 0); /* the fastest level */
			}
			idats++;
			z.next_in = (Bytef *)(uintptr_t)data;
			z.avail_in = len;
			zr = inflate(&z, Z_NO_FLUSH);
			assert_true(zr == Z_OK || zr == Z_STREAM_END);
			assert_int_equal(z.avail_in, 0);
		} else if (!memcmp(type, "IEND", 4)) {
			assert_int_equal(len, 0);
			iend = true;
		}
		pos += 12 + len;
	}
	assert_true(iend);
	assert_int_equal(pos, n);
	assert_int_equal(zr, Z_STREAM_END);
	assert_int_equal(z.total_out, total);
	inflateEnd(&z);
	for (int y = 0; y < h; y++) {
		uint8_t *r = out + (size_t)y * row;
		assert_int_equal(r[0], 2); /* Up on every row */
		for (size_t i = 1; i < row; i++) {
			uint8_t up = y ? out[(size_t)(y - 1) * row + i] : 0;
			r[i] = (uint8_t)(r[i] + up);
		}
		assert_memory_equal(r + 1, want + (size_t)y * (row - 1), row - 1);
	}
	free(out);
	free(b);
	return idats;
}

static void libpng_read(const char *path, const uint8_t *want, int w, int h)
{
	png_image im;
	memset(&im, 0, sizeof im);
	im.version = PNG_IMAGE_VERSION;
	assert_true(png_image_begin_read_from_file(&im, path));
	assert_int_equal(im.width, (png_uint_32)w);
	assert_int_equal(im.height, (png_uint_32)h);
	im.format = PNG_FORMAT_RGB;
	uint8_t *px = malloc(PNG_IMAGE_SIZE(im));
	assert_non_null(px);
	assert_true(png_image_finish_read(&im, NULL, px, 0, NULL));
	assert_memory_equal(px, want, (size_t)w * (size_t)h * 3);
	free(px);
}

static bool exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

static void test_sizes_and_kinds(void **state)
{
	(void)state;
	static const int sizes[][2] = {
		{1, 1}, {1, 9}, {3, 5}, {17, 8}, {33, 17}, {640, 480}, {1920, 1080}, {5, 2000},
	};
	char a[512], b[512];
	snprintf(a, sizeof a, "%s/one.png", tmpdir());
	snprintf(b, sizeof b, "%s/two.png", tmpdir());
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		for (int kind = 0; kind < 3; kind++) {
			int w = sizes[i][0], h = sizes[i][1];
			uint8_t *pic = picture(w, h, kind);
			src_t s = {pic, w, -1, 0};
			assert_int_equal(pngout_write_rgb_rows_on(a, w, h, fetch, &s, 1), KIOSK_OK);
			assert_int_equal(pngout_write_rgb_rows_on(b, w, h, fetch, &s, 2), KIOSK_OK);
			size_t na, nb;
			uint8_t *fa = slurp(a, &na), *fb = slurp(b, &nb);
			assert_int_equal(na, nb);
			assert_memory_equal(fa, fb, na); /* the same bytes on one thread or two */
			free(fa);
			free(fb);
			int idats = zlib_read(b, pic, w, h);
			libpng_read(b, pic, w, h);
			if (w == 1920 && kind == 1)
				assert_true(idats > 10); /* a big picture in many IDATs */
			free(pic);
		}
	/* the whole-buffer form, with a stride wider than the row */
	int w = 21, h = 13, stride = 80;
	uint8_t *pic = picture(w, h, 0), *wide = calloc((size_t)stride * (size_t)h, 1);
	assert_non_null(wide);
	for (int y = 0; y < h; y++)
		memcpy(wide + (size_t)y * (size_t)stride, pic + (size_t)y * (size_t)w * 3, (size_t)w * 3);
	assert_int_equal(pngout_write_rgb(a, wide, w, h, stride), KIOSK_OK);
	zlib_read(a, pic, w, h);
	libpng_read(a, pic, w, h);
	free(wide);
	free(pic);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	char p[512];
	snprintf(p, sizeof p, "%s/bad.png", tmpdir());
	uint8_t px[3] = {0};
	src_t s = {px, 1, -1, 0};
	assert_int_equal(pngout_write_rgb_rows(p, 0, 1, fetch, &s), KIOSK_EINVAL);
	assert_int_equal(pngout_write_rgb_rows(p, 1, -1, fetch, &s), KIOSK_EINVAL);
	assert_int_equal(pngout_write_rgb_rows(p, 1, 1, NULL, &s), KIOSK_EINVAL);
	assert_int_equal(pngout_write_rgb_rows(NULL, 1, 1, fetch, &s), KIOSK_EINVAL);
	assert_int_equal(pngout_write_rgb_rows(p, INT_MAX / 2, 1, fetch, &s), KIOSK_EINVAL);
	assert_int_equal(s.calls, 0);
	assert_false(exists(p));
	snprintf(p, sizeof p, "%s/no-such-folder/x.png", tmpdir());
	assert_int_equal(pngout_write_rgb_rows(p, 1, 1, fetch, &s), KIOSK_EIO);
}

/* Writes a first picture, then fails a second over it; the first stays. */
static void fails_over(const char *name, int threads, int fail_at, bool full_disk)
{
	char p[512], t[520];
	snprintf(p, sizeof p, "%s/%s.png", tmpdir(), name);
	snprintf(t, sizeof t, "%s.tmp", p);
	int w = 640, h = 480;
	uint8_t *first = picture(w, h, 2), *second = picture(w, h, 1);
	src_t s1 = {first, w, -1, 0};
	assert_int_equal(pngout_write_rgb_rows_on(p, w, h, fetch, &s1, threads), KIOSK_OK);
	src_t s2 = {second, w, fail_at, 0};
	if (full_disk) {
		/* In a child: no more than 64 KiB per file, as if the disk filled. */
		fflush(NULL);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			signal(SIGXFSZ, SIG_IGN);
			struct rlimit r = {64 * 1024, 64 * 1024};
			setrlimit(RLIMIT_FSIZE, &r);
			_exit(pngout_write_rgb_rows_on(p, w, h, fetch, &s2, threads) == KIOSK_EIO ? 0 : 1);
		}
		int st = 0;
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	} else {
		assert_int_equal(pngout_write_rgb_rows_on(p, w, h, fetch, &s2, threads), KIOSK_EIO);
		assert_true(s2.calls > 0);
	}
	assert_false(exists(t));
	zlib_read(p, first, w, h);
	free(first);
	free(second);
}

static void test_fetch_gives_up(void **state)
{
	(void)state;
	fails_over("fetch1", 1, 0, false);
	fails_over("fetch2", 2, 0, false);
	fails_over("fetch1late", 1, 479, false);
	fails_over("fetch2late", 2, 479, false);
	fails_over("fetch2mid", 2, 200, false);
}

static void test_full_disk(void **state)
{
	(void)state;
	fails_over("full1", 1, -1, true);
	fails_over("full2", 2, -1, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes_and_kinds),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_fetch_gives_up),
		cmocka_unit_test(test_full_disk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
