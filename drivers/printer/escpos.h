/* escpos.h - the ESC/POS byte stream we send to thermal printers: init,
 * raster bands (GS v 0), feed, feed-and-cut, DLE EOT status requests and
 * their replies, and the printer profile table (docs/printing.md). */
#ifndef ESCPOS_H
#define ESCPOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/printer_state.h"

/* A growable byte buffer. Zero-initialise, free with escpos_buf_free. */
typedef struct {
	uint8_t *data;
	size_t len, cap;
	bool failed;               /* an allocation failed; data is incomplete */
} escpos_buf_t;

void escpos_buf_free(escpos_buf_t *b);
/* Append raw bytes (sets b->failed when memory is short). */
void escpos_put(escpos_buf_t *b, const void *p, size_t n);

typedef enum { ESCPOS_CUT_NONE, ESCPOS_CUT_FULL, ESCPOS_CUT_PARTIAL } escpos_cut_t;

/* One printer model family. */
typedef struct {
	const char *name;          /* "80mm", "58mm", ... */
	int dots;                  /* printable width in dots (576, 384) */
	int dots_per_mm;           /* 8 at 203 dpi */
	int band_rows;             /* rows per GS v 0 band, 1..256 */
	int feed_lines;            /* ESC d lines before the cut */
	escpos_cut_t cut;
	int cut_feed;              /* n of GS V 41/42 n (feed to cutter + n) */
	int speed_min_mm_s;        /* slowest speed (black-heavy), for timeouts */
	int speed_mm_s;            /* rated speed */
	int buffer_bytes;          /* receive buffer of the printer */
	int chunk_bytes;           /* USB write chunk */
} escpos_profile_t;

/* The profile called name, or NULL. escpos_profile_at(i) walks the table
 * (NULL past the end). */
const escpos_profile_t *escpos_profile_find(const char *name);
const escpos_profile_t *escpos_profile_at(size_t i);

/* Appenders; each sets b->failed on allocation failure. */
void escpos_init(escpos_buf_t *b);                        /* 1B 40 */
void escpos_align(escpos_buf_t *b, int n);                /* 1B 61 n, n 0..2 */
void escpos_feed(escpos_buf_t *b, int lines);             /* 1B 64 n, n 0..255 */
/* GS v 0 bands of at most band_rows (1..256) rows. bits: rows of
 * width_bytes bytes, MSB = leftmost dot, 1 = black. */
void escpos_raster(escpos_buf_t *b, const uint8_t *bits, int width_bytes, int rows, int band_rows);
/* Feed-and-cut: 1D 56 41 n (full) or 1D 56 42 n (partial); nothing for NONE. */
void escpos_cut(escpos_buf_t *b, escpos_cut_t cut, int feed);

/* The whole ticket: init, left align, bands, feed, cut as the profile says.
 * Returns KIOSK_OK, KIOSK_EINVAL (width does not match) or KIOSK_ENOMEM. */
int escpos_ticket(escpos_buf_t *b, const escpos_profile_t *prof, const uint8_t *bits,
		  int width_dots, int rows);

/* DLE EOT n request bytes (n 1..4) into req[3]. */
void escpos_status_request(int n, uint8_t req[3]);
/* True when b is a well-formed DLE EOT reply: (b & 0x93) == 0x12. */
bool escpos_status_valid(uint8_t b);
/* Fold one reply of DLE EOT n into *state (starts at PRINTER_OK; worse
 * states win: cover/paper-out/offline over near-end). */
void escpos_status_apply(int n, uint8_t reply, printer_state_t *state);

#endif
