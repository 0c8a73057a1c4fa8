/* escpos_decode.c - strict decoder for the ticket byte stream, written from
 * the byte formats in the design notes (not from the encoder). It accepts
 * only what the kiosk emits:
 *   1B 40            init (must come first; after a cut, may start a new ticket)
 *   1B 61 n          align, n in {0,1,2,30,31,32}; only at the start of a line
 *   1B 64 n          print and feed n lines
 *   1D 76 30 00 xL xH yL yH d1..dk   raster band, k == x*y, 1 <= y <= band limit,
 *                    the same x in every band
 *   1D 56 41 n / 42 n  feed and cut; only at the start of a line; ends the ticket
 * and fails on anything else. It stitches the bands into a PBM P4.
 *
 *   escpos_decode [--max-band N] [--width-bytes X] IN.escpos OUT.pbm
 * Prints "bands=N rows=N width=N bytes=N" on stdout. Exit 0 ok, 1 bad
 * stream, 2 usage. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t *d;
static size_t n, pos;

static int bad(const char *what)
{
	fprintf(stderr, "escpos_decode: offset %zu: %s\n", pos, what);
	return 1;
}

int main(int argc, char **argv)
{
	long max_band = 256, want_x = -1;
	int i = 1;
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		if (i + 1 >= argc)
			return 2;
		if (strcmp(argv[i], "--max-band") == 0)
			max_band = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--width-bytes") == 0)
			want_x = strtol(argv[i + 1], NULL, 10);
		else
			return 2;
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: escpos_decode [--max-band N] [--width-bytes X] IN OUT.pbm\n");
		return 2;
	}
	FILE *f = fopen(argv[i], "rb");
	if (!f) {
		perror(argv[i]);
		return 2;
	}
	static uint8_t buf[1 << 22];
	n = fread(buf, 1, sizeof buf, f);
	int more = fgetc(f) != EOF;
	fclose(f);
	if (more)
		return bad("stream larger than 4 MiB");
	d = buf;
	uint8_t *img = NULL;
	size_t rows = 0, bands = 0;
	long x = -1;
	int line_start = 1, inited = 0, cut = 0;
	while (pos < n) {
		size_t left = n - pos;
		if (cut && !(left >= 2 && d[pos] == 0x1B && d[pos + 1] == 0x40))
			return bad("bytes after the cut other than ESC @");
		if (left >= 2 && d[pos] == 0x1B && d[pos + 1] == 0x40) {
			inited = 1;
			cut = 0;
			line_start = 1;
			pos += 2;
			continue;
		}
		if (!inited)
			return bad("stream does not start with ESC @");
		if (d[pos] == 0x1B) {
			if (left < 3)
				return bad("truncated ESC command");
			uint8_t c = d[pos + 1], a = d[pos + 2];
			if (c == 0x61) {
				if (!line_start)
					return bad("ESC a not at the start of a line");
				if (!(a <= 2 || (a >= 0x30 && a <= 0x32)))
					return bad("ESC a with a bad argument");
				pos += 3;
				continue;
			}
			if (c == 0x64) {
				line_start = 1;
				pos += 3;
				continue;
			}
			return bad("unknown ESC command");
		}
		if (d[pos] == 0x1D) {
			if (left < 2)
				return bad("truncated GS command");
			uint8_t c = d[pos + 1];
			if (c == 0x56) {
				if (left < 4)
					return bad("truncated GS V");
				if (d[pos + 2] != 0x41 && d[pos + 2] != 0x42)
					return bad("GS V in a form we do not emit");
				if (!line_start)
					return bad("GS V not at the start of a line");
				cut = 1;
				pos += 4;
				continue;
			}
			if (c == 0x76) {
				if (left < 8)
					return bad("truncated GS v 0 header");
				if (d[pos + 2] != 0x30)
					return bad("GS v with a function other than 0");
				if (d[pos + 3] != 0x00)
					return bad("GS v 0 with a scaling mode we do not emit");
				long bx = d[pos + 4] | (long)d[pos + 5] << 8;
				long by = d[pos + 6] | (long)d[pos + 7] << 8;
				if (bx < 1 || by < 1)
					return bad("GS v 0 with zero width or height");
				if (by > max_band)
					return bad("band taller than the limit");
				if (want_x >= 0 && bx != want_x)
					return bad("band width differs from the printer width");
				if (x >= 0 && bx != x)
					return bad("band width changes between bands");
				x = bx;
				size_t k = (size_t)bx * (size_t)by;
				if (left - 8 < k)
					return bad("band data shorter than x*y (k != x*y)");
				uint8_t *ni = realloc(img, (rows + (size_t)by) * (size_t)x);
				if (!ni)
					return bad("out of memory");
				img = ni;
				memcpy(img + rows * (size_t)x, d + pos + 8, k);
				rows += (size_t)by;
				bands++;
				pos += 8 + k;
				line_start = 1;
				continue;
			}
			return bad("unknown GS command");
		}
		return bad("byte outside any command we emit");
	}
	if (!inited)
		return bad("empty stream");
	if (!rows)
		return bad("no raster data");
	FILE *o = fopen(argv[i + 1], "wb");
	if (!o) {
		perror(argv[i + 1]);
		return 2;
	}
	fprintf(o, "P4\n%ld %zu\n", x * 8, rows);
	fwrite(img, 1, rows * (size_t)x, o);
	if (fclose(o) != 0)
		return bad("cannot write the PBM");
	free(img);
	printf("bands=%zu rows=%zu width=%ld bytes=%zu cut=%d\n", bands, rows, x * 8, n, cut);
	return 0;
}
