/* qr.h - a QR code's modules (libqrencode), for the two places that draw
 * one: the screen's texture and the ticket's 1-bit picture. Byte mode, the
 * error-correction level chosen by the caller; the quiet zone is the
 * caller's to draw (QR_QUIET_MODULES wide on each side). */
#ifndef CORE_QR_H
#define CORE_QR_H

#include <stdint.h>

#define QR_QUIET_MODULES 4

typedef enum { QR_ECC_M, QR_ECC_L } qr_ecc_t;

/* Owns its modules; qr_free wipes them (a hand-off QR carries the
 * citizen's answers). */
typedef struct {
	int width;         /* modules a side, without the quiet zone */
	void *impl;
} qr_t;

/* Encodes data. Returns 0, KIOSK_EINVAL (NULL or empty data) or KIOSK_ERANGE
 * (too long for a QR code at that level, or no memory). */
int qr_make(qr_t *out, const char *data, qr_ecc_t ecc);

/* 1 when module (x, y) is dark; 0 outside 0..width-1 (the quiet zone). */
int qr_dark(const qr_t *q, int x, int y);

/* Wipes and frees the modules, zeroes q. NULL or an empty q is fine. */
void qr_free(qr_t *q);

#endif
