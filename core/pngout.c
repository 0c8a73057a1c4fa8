/* pngout.c - PNG output: RGB screenshots through an own writer over zlib,
 * written to a temporary file and renamed into place so a reader never sees
 * half a picture; 1-bit pictures (tickets) through libpng.
 *
 * Screenshot encoding (docs/profile.md): zlib level 1 and the Up filter on
 * every row. A UI frame is mostly rows equal to the row above, which Up
 * turns to zeros; libpng's default (level 6, all five filters tried on each
 * row) took 57 ms per 1080p frame against 15 ms, for files ~35 % smaller.
 * libpng does filtering, deflate and both checksums on one thread; the own
 * writer deflates on a second one (below). The image is the same either
 * way: PNG is lossless. */
#include "core/pngout.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <png.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "core/kiosk.h"
#include "core/mfile.h"

/* Rows already in memory, stride bytes apart. */
typedef struct {
	const uint8_t *rows;
	int stride;
} whole_t;

static int fetch_whole(void *ctx, int y, int n, uint8_t *buf, int stride)
{
	const whole_t *w = ctx;
	for (int i = 0; i < n; i++)
		memcpy(buf + (size_t)i * (size_t)stride, w->rows + (size_t)(y + i) * (size_t)w->stride,
		       (size_t)stride);
	return 0;
}

int pngout_write_rgb(const char *path, const uint8_t *rgb, int w, int h, int stride)
{
	whole_t c = {rgb, stride};
	return pngout_write_rgb_rows(path, w, h, fetch_whole, &c);
}

/* ---- RGB screenshots: an own PNG writer over zlib ------------------------
 *
 * The caller's thread fetches each band, Up-filters it and keeps the
 * Adler-32 of the filtered bytes; a second thread deflates the filtered
 * bands (raw deflate, zlib level 1) and writes them as IDAT chunks. A band
 * at a time passes between them through NSLOT slots, so neither waits long
 * for the other and a frame is never held whole. On one core, or if no
 * thread can be started, the caller's thread does both in turn; the file is
 * the same byte for byte either way. Measured on a 1080p frame (docs/profile.md):
 * libpng took 18 ms for the screenshot, this writer 11-12 ms, the two
 * threads busy ~7 ms each. */

#define SLOT_ROWS 8
#define NSLOT 3
#define IDAT_MAX (32 * 1024)
/* zlib's memory level: 6 (8K hash heads, 16 KiB, in the first-level cache)
 * deflated a 1080p UI frame in 7.0 ms against 8.1 ms at zlib's default 8
 * (64K heads), the file 1 % smaller; 5 and 7 were slower. */
#define MEM_LEVEL 6

typedef struct {
	int fd;
	int h;
	size_t row;              /* bytes of one filtered row: the filter byte, w*3 */
	uint8_t *slots;          /* NSLOT * SLOT_ROWS filtered rows */
	int slot_rows[NSLOT];    /* rows in each slot */
	uint8_t *chunk;          /* 8 header bytes, IDAT_MAX data, 4 of CRC */
	size_t used;             /* data bytes in chunk */
	z_stream z;
	uLong adler;             /* of every filtered byte handed over */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	long produced, consumed; /* bands filled by the caller, deflated by the worker */
	bool finished;           /* the caller handed over its last slot */
	int failed;              /* first error of either side, 0 if none */
} rgb_enc_t;

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* One chunk from its type and n data bytes at buf + 8 (buf has 8 bytes
 * before the data and 4 after for the length, type and CRC). */
static int write_chunk(int fd, uint8_t *buf, const char type[4], size_t n)
{
	put32(buf, (uint32_t)n);
	memcpy(buf + 4, type, 4);
	put32(buf + 8 + n, (uint32_t)crc32(0, buf + 4, (uInt)(n + 4)));
	return mfile_write_all(fd, buf, n + 12);
}

static int flush_idat(rgb_enc_t *e)
{
	int rc = e->used ? write_chunk(e->fd, e->chunk, "IDAT", e->used) : KIOSK_OK;
	e->used = 0;
	return rc;
}

/* Deflates n bytes (Z_NO_FLUSH) or the end of the stream (Z_FINISH) into
 * the chunk buffer, writing each IDAT as it fills. */
static int deflate_into(rgb_enc_t *e, const uint8_t *in, size_t n, int flush)
{
	e->z.next_in = (Bytef *)(uintptr_t)in;
	e->z.avail_in = (uInt)n;
	for (;;) {
		e->z.next_out = e->chunk + 8 + e->used;
		e->z.avail_out = (uInt)(IDAT_MAX - e->used);
		int zr = deflate(&e->z, flush);
		e->used = IDAT_MAX - e->z.avail_out;
		if (zr == Z_STREAM_ERROR)
			return KIOSK_EIO;
		if (flush == Z_FINISH ? zr == Z_STREAM_END : e->z.avail_out > 0)
			return KIOSK_OK;
		if (flush_idat(e) != KIOSK_OK)
			return KIOSK_EIO;
	}
}

static uint8_t *slot_at(const rgb_enc_t *e, long k)
{
	return e->slots + (size_t)(k % NSLOT) * SLOT_ROWS * e->row;
}

/* The deflating side's end: the rest of the stream, the Adler-32 the
 * caller kept, the last IDAT and IEND. */
static int finish_stream(rgb_enc_t *e)
{
	int rc = deflate_into(e, NULL, 0, Z_FINISH);
	if (rc == KIOSK_OK && e->used + 4 > IDAT_MAX)
		rc = flush_idat(e);
	if (rc == KIOSK_OK) {
		put32(e->chunk + 8 + e->used, (uint32_t)e->adler);
		e->used += 4;
		rc = flush_idat(e);
	}
	return rc ? rc : write_chunk(e->fd, e->chunk, "IEND", 0);
}

static void *deflate_worker(void *arg)
{
	rgb_enc_t *e = arg;
	pthread_mutex_lock(&e->mu);
	for (;;) {
		while (e->consumed == e->produced && !e->finished && !e->failed)
			pthread_cond_wait(&e->cv, &e->mu);
		if (e->failed || e->consumed == e->produced)
			break;
		long k = e->consumed;
		pthread_mutex_unlock(&e->mu);
		int rc = deflate_into(e, slot_at(e, k), (size_t)e->slot_rows[k % NSLOT] * e->row, Z_NO_FLUSH);
		pthread_mutex_lock(&e->mu);
		if (rc && !e->failed)
			e->failed = rc;
		e->consumed++;
		pthread_cond_broadcast(&e->cv);
	}
	bool done = e->finished && !e->failed;
	pthread_mutex_unlock(&e->mu);
	if (done) {
		int rc = finish_stream(e);
		pthread_mutex_lock(&e->mu);
		if (rc && !e->failed)
			e->failed = rc;
		pthread_mutex_unlock(&e->mu);
	}
	return NULL;
}

/* Adler-32 of n bytes added to a, the same value as zlib's adler32(): the
 * sums kept in 64 bits and reduced every 4096 bytes, each run of 32 zero
 * bytes taken at once. An Up-filtered UI frame is ~97 % zeros even in the
 * rows that differ from the one above: zlib's byte-by-byte sums took
 * ~0.8 ms of the 1080p frame on the fetching thread, this ~0.2 ms. */
static uLong adler_sparse(uLong a, const uint8_t *p, size_t n)
{
	uint64_t s1 = a & 0xffff, s2 = a >> 16;
	while (n > 0) {
		size_t len = n < 4096 ? n : 4096, i = 0;
		for (; i + 32 <= len; i += 32) {
			uint64_t w[4];
			memcpy(w, p + i, sizeof w);
			if ((w[0] | w[1] | w[2] | w[3]) == 0) {
				s2 += 32 * s1;
				continue;
			}
			for (int j = 0; j < 32; j++) {
				s1 += p[i + j];
				s2 += s1;
			}
		}
		for (; i < len; i++) {
			s1 += p[i];
			s2 += s1;
		}
		s1 %= 65521;
		s2 %= 65521;
		p += len;
		n -= len;
	}
	return (uLong)(s2 << 16 | s1);
}

/* Up filter of cur against prev (NULL for the first row: zeros) into out,
 * the filter byte first; the Adler-32 kept as it goes. A row equal to the
 * one above filters to zeros, whose checksum is combined without reading
 * them. The difference goes 32 bytes at a time, a fixed count the compiler
 * turns into vector instructions at -O2. */
static void filter_row(rgb_enc_t *e, const uint8_t *restrict cur, const uint8_t *restrict prev,
		       uint8_t *restrict out)
{
	size_t n = e->row - 1;
	out[0] = 2;
	e->adler = adler32(e->adler, out, 1);
	if (prev && memcmp(cur, prev, n) == 0) {
		memset(out + 1, 0, n);
		e->adler = adler32_combine(e->adler, ((uLong)(n % 65521) << 16) | 1, (z_off_t)n);
		return;
	}
	if (prev) {
		size_t i = 0;
		for (; i + 32 <= n; i += 32)
			for (int j = 0; j < 32; j++)
				out[1 + i + j] = (uint8_t)(cur[i + j] - prev[i + j]);
		for (; i < n; i++)
			out[1 + i] = (uint8_t)(cur[i] - prev[i]);
	} else {
		memcpy(out + 1, cur, n);
	}
	e->adler = adler_sparse(e->adler, out + 1, n);
}

/* The fetching side: every band fetched, filtered and handed over (or
 * deflated in turn when there is no worker). raw holds SLOT_ROWS + 1 rows:
 * the band and, last, the row above it. */
static int produce(rgb_enc_t *e, pngout_fetch_fn fetch, void *ctx, uint8_t *raw, bool threaded)
{
	size_t n = e->row - 1;
	uint8_t *above = raw + SLOT_ROWS * n;
	for (int y = 0; y < e->h; y += SLOT_ROWS) {
		int rows = e->h - y < SLOT_ROWS ? e->h - y : SLOT_ROWS;
		long k = y / SLOT_ROWS;
		if (fetch(ctx, y, rows, raw, (int)n) != 0)
			return KIOSK_EIO;
		if (threaded) { /* wait for a free slot */
			pthread_mutex_lock(&e->mu);
			while (k - e->consumed == NSLOT && !e->failed)
				pthread_cond_wait(&e->cv, &e->mu);
			int failed = e->failed;
			pthread_mutex_unlock(&e->mu);
			if (failed)
				return failed;
		}
		uint8_t *out = slot_at(e, k);
		for (int i = 0; i < rows; i++) {
			const uint8_t *cur = raw + (size_t)i * n;
			filter_row(e, cur, i ? cur - n : y ? above : NULL, out + (size_t)i * e->row);
		}
		memcpy(above, raw + (size_t)(rows - 1) * n, n);
		e->slot_rows[k % NSLOT] = rows;
		if (!threaded) {
			int rc = deflate_into(e, out, (size_t)rows * e->row, Z_NO_FLUSH);
			if (rc)
				return rc;
			continue;
		}
		pthread_mutex_lock(&e->mu);
		e->produced = k + 1;
		pthread_cond_broadcast(&e->cv);
		pthread_mutex_unlock(&e->mu);
	}
	return KIOSK_OK;
}

/* The whole file to fd, deflating on a second thread when threads > 1. */
static int encode_rgb(int fd, int w, int h, pngout_fetch_fn fetch, void *ctx, int threads)
{
	static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	rgb_enc_t e = {.fd = fd, .h = h, .row = (size_t)w * 3 + 1};
	uint8_t *raw = malloc((SLOT_ROWS + 1) * (e.row - 1));
	e.slots = malloc(NSLOT * SLOT_ROWS * e.row);
	e.chunk = malloc(IDAT_MAX + 12);
	if (!raw || !e.slots || !e.chunk ||
	    deflateInit2(&e.z, 1, Z_DEFLATED, -15, MEM_LEVEL, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(raw);
		free(e.slots);
		free(e.chunk);
		return KIOSK_ENOMEM;
	}
	pthread_mutex_init(&e.mu, NULL);
	pthread_cond_init(&e.cv, NULL);
	int rc = mfile_write_all(fd, sig, sizeof sig);
	uint8_t *ihdr = e.chunk + 8;
	put32(ihdr, (uint32_t)w);
	put32(ihdr + 4, (uint32_t)h);
	memcpy(ihdr + 8, "\x08\x02\x00\x00\x00", 5); /* 8-bit RGB, deflate, PNG filters, no interlace */
	if (rc == KIOSK_OK)
		rc = write_chunk(fd, e.chunk, "IHDR", 13);
	/* The zlib header: deflate, 32 KiB window, the fastest level. */
	e.chunk[8] = 0x78;
	e.chunk[9] = 0x01;
	e.used = 2;
	e.adler = adler32(0, NULL, 0);
	pthread_t worker;
	bool threaded = rc == KIOSK_OK && threads > 1 && pthread_create(&worker, NULL, deflate_worker, &e) == 0;
	if (rc == KIOSK_OK)
		rc = produce(&e, fetch, ctx, raw, threaded);
	pthread_mutex_lock(&e.mu);
	if (rc && !e.failed)
		e.failed = rc;
	e.finished = true;
	pthread_cond_broadcast(&e.cv);
	pthread_mutex_unlock(&e.mu);
	if (threaded)
		pthread_join(worker, NULL);
	else if (!e.failed)
		e.failed = finish_stream(&e);
	rc = e.failed;
	deflateEnd(&e.z);
	pthread_cond_destroy(&e.cv);
	pthread_mutex_destroy(&e.mu);
	free(raw);
	free(e.slots);
	free(e.chunk);
	return rc;
}

int pngout_write_rgb_rows_on(const char *path, int w, int h, pngout_fetch_fn fetch, void *ctx, int threads)
{
	if (!path || !fetch || w <= 0 || h <= 0 || w > (INT_MAX - 1) / 3)
		return KIOSK_EINVAL;
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return KIOSK_EINVAL;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return KIOSK_EIO;
	int rc = encode_rgb(fd, w, h, fetch, ctx, threads);
	if (rc == KIOSK_OK && fsync(fd) != 0)
		rc = KIOSK_EIO;
	if (close(fd) != 0 && rc == KIOSK_OK)
		rc = KIOSK_EIO;
	if (rc == KIOSK_OK && rename(tmp, path) != 0)
		rc = KIOSK_EIO;
	if (rc)
		unlink(tmp);
	return rc;
}

int pngout_write_rgb_rows(const char *path, int w, int h, pngout_fetch_fn fetch, void *ctx)
{
	return pngout_write_rgb_rows_on(path, w, h, fetch, ctx, sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 2 : 1);
}

/* ---- 1-bit pictures through libpng ---------------------------------------- */

/* img to f with libpng's defaults, inverted (our 1 = black, PNG grey 0 =
 * black); not flushed. KIOSK_OK, KIOSK_ENOMEM or KIOSK_EIO. */
static int encode_bitmap(FILE *f, const bitmap_t *img)
{
	png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = p ? png_create_info_struct(p) : NULL;
	if (!p || !info) {
		png_destroy_write_struct(&p, &info);
		return KIOSK_ENOMEM;
	}
	if (setjmp(png_jmpbuf(p))) {
		png_destroy_write_struct(&p, &info);
		return KIOSK_EIO;
	}
	png_init_io(p, f);
	png_set_IHDR(p, info, (png_uint_32)img->w, (png_uint_32)img->h, 1, PNG_COLOR_TYPE_GRAY,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(p, info);
	png_set_invert_mono(p);
	for (int y = 0; y < img->h; y++)
		png_write_row(p, (png_const_bytep)(img->bits + (size_t)y * (size_t)img->stride));
	png_write_end(p, NULL);
	png_destroy_write_struct(&p, &info);
	return KIOSK_OK;
}

int pngout_write_bitmap_fp(const bitmap_t *img, FILE *f)
{
	if (!img || !img->bits || img->w <= 0 || img->h <= 0 || !f)
		return KIOSK_EINVAL;
	int rc = encode_bitmap(f, img);
	return rc ? rc : fflush(f) == 0 ? KIOSK_OK : KIOSK_EIO;
}

int pngout_write_bitmap(const bitmap_t *img, const char *path)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return KIOSK_EIO;
	int rc = pngout_write_bitmap_fp(img, f);
	if (fclose(f) != 0 && !rc)
		rc = KIOSK_EIO;
	return rc;
}
