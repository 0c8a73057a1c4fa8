/* printer.c - transport-independent printer logic: the DLE EOT status query
 * (drain, validate, retry) and the chunked, resumable send. */
#include "drivers/printer/printer.h"

#include "core/kiosk.h"

#define QUERY_TRIES 3
#define QUERY_TIMEOUT_MS 300
#define DRAIN_MAX 64
#define STALLS_MAX 3

int printer_state_rc(printer_state_t s)
{
	switch (s) {
	case PRINTER_OK: case PRINTER_NEAR_END: return KIOSK_OK;
	case PRINTER_PAPER_OUT: return KIOSK_EPAPER;
	case PRINTER_COVER_OPEN: return KIOSK_ECOVER;
	case PRINTER_OFFLINE: return KIOSK_EOFFLINE;
	case PRINTER_NO_PRINTER: return KIOSK_ENODEV;
	case PRINTER_NOT_RESPONDING: return KIOSK_ETIMEOUT;
	default: return KIOSK_ERR;
	}
}

/* Read and drop whatever is waiting on IN (stale or unsolicited replies). */
static int drain(printer_t *p)
{
	uint8_t b[64];
	for (int i = 0; i < DRAIN_MAX; i++) {
		size_t got = 0;
		int rc = p->ops->read(p->ctx, b, sizeof b, &got, 5);
		if (rc)
			return rc;
		if (got == 0)
			return KIOSK_OK;
	}
	return KIOSK_OK;
}

/* One DLE EOT n exchange: KIOSK_OK with *reply, KIOSK_ETIMEOUT when no
 * valid reply came after the retries, KIOSK_ENODEV when gone. */
static int query_one(printer_t *p, int n, uint8_t *reply)
{
	for (int t = 0; t < QUERY_TRIES; t++) {
		int rc = drain(p);
		if (rc)
			return rc;
		uint8_t req[3];
		escpos_status_request(n, req);
		size_t done = 0;
		rc = p->ops->write(p->ctx, req, sizeof req, &done, QUERY_TIMEOUT_MS);
		if (rc == KIOSK_ENODEV)
			return rc;
		if (rc || done != sizeof req)
			continue;
		uint8_t b[8];
		size_t got = 0;
		rc = p->ops->read(p->ctx, b, sizeof b, &got, QUERY_TIMEOUT_MS);
		if (rc == KIOSK_ENODEV)
			return rc;
		if (rc || got == 0)
			continue;
		/* The reply to this request is the last byte that arrived. */
		if (escpos_status_valid(b[got - 1])) {
			*reply = b[got - 1];
			return KIOSK_OK;
		}
	}
	return KIOSK_ETIMEOUT;
}

printer_state_t printer_query(printer_t *p)
{
	if (!p || !p->ops)
		return PRINTER_NO_PRINTER;
	if (p->ops->present && !p->ops->present(p->ctx))
		return PRINTER_NO_PRINTER;
	if (p->ops->status) {
		printer_state_t s = PRINTER_NO_PRINTER;
		if (p->ops->status(p->ctx, &s))
			return s == PRINTER_OK ? PRINTER_NOT_RESPONDING : s;
		return s;
	}
	static const int ns[] = {1, 2, 4};
	printer_state_t s = PRINTER_OK;
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(ns); i++) {
		uint8_t r = 0;
		int rc = query_one(p, ns[i], &r);
		if (rc == KIOSK_ENODEV)
			return PRINTER_NO_PRINTER;
		if (rc)
			return PRINTER_NOT_RESPONDING;
		escpos_status_apply(ns[i], r, &s);
	}
	return s;
}

int printer_chunk_timeout_ms(const escpos_profile_t *prof)
{
	double row_bytes = prof->dots / 8.0;
	double mm = (prof->buffer_bytes + prof->chunk_bytes) / row_bytes / prof->dots_per_mm;
	return (int)(mm / prof->speed_min_mm_s * 1000.0) + 3000;
}

int printer_send(printer_t *p, const uint8_t *buf, size_t len, size_t *sent, printer_state_t *state)
{
	*sent = 0;
	*state = PRINTER_OK;
	if (!p || !p->ops || !p->prof)
		return KIOSK_EINVAL;
	size_t chunk = p->prof->chunk_bytes > 0 ? (size_t)p->prof->chunk_bytes : 4096;
	int timeout = printer_chunk_timeout_ms(p->prof);
	int stalls = 0;
	while (*sent < len) {
		size_t n = len - *sent < chunk ? len - *sent : chunk;
		size_t tr = 0;
		int rc = p->ops->write(p->ctx, buf + *sent, n, &tr, timeout);
		if (tr > n)
			tr = n;
		*sent += tr;
		if (rc == KIOSK_OK) {
			stalls = 0;
			continue;
		}
		if (rc == KIOSK_ENODEV) {
			*state = PRINTER_NO_PRINTER;
			return rc;
		}
		if (rc != KIOSK_ETIMEOUT) {
			*state = printer_query(p);
			if (*state == PRINTER_OK || *state == PRINTER_NEAR_END)
				*state = PRINTER_NOT_RESPONDING;
			return printer_state_rc(*state);
		}
		/* Timeout: the printer's buffer is full or it stopped. Resume at
		 * the offset unless the status says it cannot go on. */
		printer_state_t s = printer_query(p);
		if (s != PRINTER_OK && s != PRINTER_NEAR_END) {
			*state = s;
			return printer_state_rc(s);
		}
		stalls = tr ? 0 : stalls + 1;
		if (stalls >= STALLS_MAX) {
			*state = PRINTER_NOT_RESPONDING;
			return KIOSK_ETIMEOUT;
		}
	}
	return KIOSK_OK;
}
