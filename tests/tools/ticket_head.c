/* ticket_head.c - the head of a printed ticket, for tests that check which
 * office name a ticket carries: reads the PBM P4 that escpos_decode stitched
 * from a ticket's byte stream, finds the first rule (the first row at least
 * 80 % black: the line under the office name, docs/printing.md) and prints
 * the picture's width, the number of rows above that rule and an FNV-1a hash
 * of those rows. Two tickets rendered at the same width with the same office
 * name have the same head; the ticket's number, time and QR lie below it.
 *
 *   ticket_head IN.pbm
 * Prints "width=N head_rows=N head_hash=HEX". Exit 0 ok, 1 no rule or a bad
 * file, 2 usage. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: ticket_head IN.pbm\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	int w = 0, h = 0;
	if (fscanf(f, "P4 %d %d", &w, &h) != 2 || w <= 0 || h <= 0 || w > 4096 || h > 100000 ||
	    fgetc(f) == EOF) {
		fprintf(stderr, "ticket_head: %s is not a PBM P4\n", argv[1]);
		fclose(f);
		return 1;
	}
	size_t stride = ((size_t)w + 7) / 8;
	uint8_t *row = malloc(stride);
	if (!row) {
		fclose(f);
		return 1;
	}
	uint64_t hash = 1469598103934665603ULL;
	int y = 0;
	for (; y < h; y++) {
		if (fread(row, 1, stride, f) != stride)
			break;
		int black = 0;
		for (int x = 0; x < w; x++)
			black += (row[x >> 3] >> (7 - (x & 7))) & 1;
		if (black * 5 >= w * 4)
			break; /* the rule */
		for (size_t i = 0; i < stride; i++)
			hash = (hash ^ row[i]) * 1099511628211ULL;
	}
	free(row);
	fclose(f);
	if (y >= h) {
		fprintf(stderr, "ticket_head: %s: no rule found\n", argv[1]);
		return 1;
	}
	printf("width=%d head_rows=%d head_hash=%016llx\n", w, y, (unsigned long long)hash);
	return 0;
}
