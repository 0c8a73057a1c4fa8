/* escpos.c - ESC/POS encoder for raster tickets and DLE EOT status parsing.
 * Only the commands listed in docs/printing.md are ever emitted. */
#include "drivers/printer/escpos.h"

#include <stdlib.h>
#include <string.h>

#include "core/kiosk.h"

static const escpos_profile_t profiles[] = {
	/* name   dots dpmm band feed cut                cut_feed vmin v    buffer chunk */
	{"80mm", 576, 8, 256, 0, ESCPOS_CUT_PARTIAL, 40, 38, 250, 65536, 4096},
	{"58mm", 384, 8, 256, 0, ESCPOS_CUT_PARTIAL, 40, 30, 90, 65536, 4096},
	{"80mm-full", 576, 8, 256, 0, ESCPOS_CUT_FULL, 40, 38, 250, 65536, 4096},
	{"58mm-nocut", 384, 8, 128, 6, ESCPOS_CUT_NONE, 0, 30, 90, 4096, 1024},
};

const escpos_profile_t *escpos_profile_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(profiles); i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}

const escpos_profile_t *escpos_profile_at(size_t i)
{
	return i < KIOSK_ARRAY_LEN(profiles) ? &profiles[i] : NULL;
}

void escpos_buf_free(escpos_buf_t *b)
{
	if (!b)
		return;
	free(b->data);
	memset(b, 0, sizeof *b);
}

void escpos_put(escpos_buf_t *b, const void *p, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n > b->cap) {
		size_t nc = b->cap ? b->cap : 256;
		while (nc < b->len + n)
			nc *= 2;
		uint8_t *d = realloc(b->data, nc);
		if (!d) {
			b->failed = true;
			return;
		}
		b->data = d;
		b->cap = nc;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void escpos_init(escpos_buf_t *b)
{
	static const uint8_t c[] = {0x1B, 0x40};
	escpos_put(b, c, sizeof c);
}

void escpos_align(escpos_buf_t *b, int n)
{
	uint8_t c[] = {0x1B, 0x61, (uint8_t)(n < 0 ? 0 : n > 2 ? 2 : n)};
	escpos_put(b, c, sizeof c);
}

void escpos_feed(escpos_buf_t *b, int lines)
{
	uint8_t c[] = {0x1B, 0x64, (uint8_t)(lines < 0 ? 0 : lines > 255 ? 255 : lines)};
	escpos_put(b, c, sizeof c);
}

void escpos_raster(escpos_buf_t *b, const uint8_t *bits, int width_bytes, int rows, int band_rows)
{
	if (band_rows < 1 || band_rows > 256)
		band_rows = 256;
	for (int y = 0; y < rows; y += band_rows) {
		int h = rows - y < band_rows ? rows - y : band_rows;
		uint8_t hdr[] = {0x1D, 0x76, 0x30, 0x00, (uint8_t)(width_bytes & 0xFF),
				 (uint8_t)(width_bytes >> 8), (uint8_t)(h & 0xFF), (uint8_t)(h >> 8)};
		escpos_put(b, hdr, sizeof hdr);
		escpos_put(b, bits + (size_t)y * (size_t)width_bytes, (size_t)h * (size_t)width_bytes);
	}
}

void escpos_cut(escpos_buf_t *b, escpos_cut_t cut, int feed)
{
	if (cut == ESCPOS_CUT_NONE)
		return;
	uint8_t c[] = {0x1D, 0x56, cut == ESCPOS_CUT_FULL ? 0x41 : 0x42,
		       (uint8_t)(feed < 0 ? 0 : feed > 255 ? 255 : feed)};
	escpos_put(b, c, sizeof c);
}

int escpos_ticket(escpos_buf_t *b, const escpos_profile_t *prof, const uint8_t *bits,
		  int width_dots, int rows)
{
	if (!prof || !bits || width_dots != prof->dots || rows < 1)
		return KIOSK_EINVAL;
	escpos_init(b);
	escpos_align(b, 0);
	escpos_raster(b, bits, (width_dots + 7) / 8, rows, prof->band_rows);
	if (prof->feed_lines > 0)
		escpos_feed(b, prof->feed_lines);
	escpos_cut(b, prof->cut, prof->cut_feed);
	return b->failed ? KIOSK_ENOMEM : KIOSK_OK;
}

void escpos_status_request(int n, uint8_t req[3])
{
	req[0] = 0x10;
	req[1] = 0x04;
	req[2] = (uint8_t)n;
}

bool escpos_status_valid(uint8_t b)
{
	return (b & 0x93) == 0x12;
}

static int severity(printer_state_t s)
{
	switch (s) {
	case PRINTER_OK: return 0;
	case PRINTER_NEAR_END: return 1;
	case PRINTER_OFFLINE: return 2;
	case PRINTER_PAPER_OUT: return 3;
	case PRINTER_COVER_OPEN: return 4;
	default: return 5;
	}
}

static void worse(printer_state_t *state, printer_state_t s)
{
	if (severity(s) > severity(*state))
		*state = s;
}

void escpos_status_apply(int n, uint8_t r, printer_state_t *state)
{
	switch (n) {
	case 1:
		if (r & 0x08)
			worse(state, PRINTER_OFFLINE);
		break;
	case 2:
		if (r & 0x04)
			worse(state, PRINTER_COVER_OPEN);
		if (r & 0x20)
			worse(state, PRINTER_PAPER_OUT);
		else if (r & 0x40)
			worse(state, PRINTER_OFFLINE);
		break;
	case 3:
		if (r & (0x08 | 0x20))
			worse(state, PRINTER_OFFLINE);
		break;
	case 4:
		if ((r & 0x60) == 0x60)
			worse(state, PRINTER_PAPER_OUT);
		else if ((r & 0x0C) == 0x0C)
			worse(state, PRINTER_NEAR_END);
		break;
	default:
		break;
	}
}
