/* qr.c - QR modules from libqrencode: one encoder for the screen and the
 * ticket, the modules wiped when freed. */
#include "core/qr.h"

#include <qrencode.h>
#include <string.h>

#include "core/kiosk.h"

int qr_make(qr_t *out, const char *data, qr_ecc_t ecc)
{
	memset(out, 0, sizeof(*out));
	if (!data || !*data)
		return KIOSK_EINVAL;
	QRcode *q = QRcode_encodeString(data, 0, ecc == QR_ECC_L ? QR_ECLEVEL_L : QR_ECLEVEL_M,
					QR_MODE_8, 1);
	if (!q)
		return KIOSK_ERANGE;
	out->width = q->width;
	out->impl = q;
	return 0;
}

int qr_dark(const qr_t *q, int x, int y)
{
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return 0;
	const QRcode *c = q->impl;
	return c->data[y * q->width + x] & 1;
}

void qr_free(qr_t *q)
{
	if (!q || !q->impl)
		return;
	QRcode *c = q->impl;
	explicit_bzero(c->data, (size_t)c->width * (size_t)c->width);
	QRcode_free(c);
	memset(q, 0, sizeof(*q));
}
