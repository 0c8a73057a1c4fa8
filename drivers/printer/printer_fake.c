/* printer_fake.c - a scripted, fault-injecting printer for tests: short
 * writes, stalls, partial timeouts, unplug and paper end mid-ticket, cover
 * open, stale / garbage / missing DLE EOT replies, and real-time status
 * requests recognised inside raster data. It records the byte stream that
 * "reached the printer" so tests can compare it with the reference. */
#include "drivers/printer/printer.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/kiosk.h"

void printer_fake_init(printer_fake_t *f)
{
	memset(f, 0, sizeof *f);
	f->unplug_after = -1;
	f->paper_out_after = -1;
	f->cover_open_after = -1;
	f->state = PRINTER_OK;
}

void printer_fake_reset_stream(printer_fake_t *f)
{
	f->nreceived = 0;
	f->job_bytes = 0;
}

void printer_fake_free(printer_fake_t *f)
{
	free(f->received);
	f->received = NULL;
	f->nreceived = f->capreceived = 0;
}

static void push_in(printer_fake_t *f, uint8_t b)
{
	if (f->nin < (int)sizeof f->in)
		f->in[f->nin++] = b;
}

/* The reply a real printer would give to DLE EOT n in state s. */
static uint8_t reply_for(printer_state_t s, int n)
{
	uint8_t r = 0x12;
	switch (n) {
	case 1:
		if (s == PRINTER_OFFLINE || s == PRINTER_COVER_OPEN || s == PRINTER_PAPER_OUT)
			r |= 0x08;
		break;
	case 2:
		if (s == PRINTER_COVER_OPEN)
			r |= 0x04;
		if (s == PRINTER_PAPER_OUT)
			r |= 0x20;
		if (s == PRINTER_OFFLINE)
			r |= 0x40;
		break;
	case 4:
		if (s == PRINTER_PAPER_OUT)
			r |= 0x6C;
		else if (s == PRINTER_NEAR_END)
			r |= 0x0C;
		break;
	default:
		break;
	}
	return r;
}

static void answer(printer_fake_t *f, int n)
{
	if (f->silent_replies > 0 || f->state == PRINTER_NOT_RESPONDING) {
		if (f->silent_replies > 0)
			f->silent_replies--;
		return;
	}
	if (f->garbage_replies > 0) {
		f->garbage_replies--;
		push_in(f, 0xFF);
		return;
	}
	push_in(f, reply_for(f->state, n));
}

static void record(printer_fake_t *f, const uint8_t *b, size_t n)
{
	if (f->nreceived + n > f->capreceived) {
		size_t nc = f->capreceived ? f->capreceived : 4096;
		while (nc < f->nreceived + n)
			nc *= 2;
		uint8_t *nb = realloc(f->received, nc);
		if (!nb)
			abort();
		f->received = nb;
		f->capreceived = nc;
	}
	memcpy(f->received + f->nreceived, b, n);
	f->nreceived += n;
}

static long limit_of(const printer_fake_t *f, printer_state_t *which)
{
	long lim = -1;
	struct { long at; printer_state_t s; } t[] = {
		{f->unplug_after, PRINTER_NO_PRINTER},
		{f->paper_out_after, PRINTER_PAPER_OUT},
		{f->cover_open_after, PRINTER_COVER_OPEN},
	};
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(t); i++)
		if (t[i].at >= 0 && (lim < 0 || t[i].at < lim)) {
			lim = t[i].at;
			*which = t[i].s;
		}
	return lim;
}

static int k_write(void *ctx, const uint8_t *b, size_t len, size_t *tr, int timeout_ms)
{
	printer_fake_t *f = ctx;
	*tr = 0;
	f->write_calls++;
	if (f->write_delay_us > 0) {
		struct timespec ts = {0, (long)f->write_delay_us * 1000L};
		nanosleep(&ts, NULL);
	}
	if (f->unplugged)
		return KIOSK_ENODEV;
	/* A bare status request: answered, not recorded. */
	if (len == 3 && b[0] == 0x10 && b[1] == 0x04 && b[2] >= 1 && b[2] <= 4) {
		if (f->stale_bytes > 0) {
			while (f->stale_bytes > 0) {
				push_in(f, 0x12 | 0x08); /* an old "offline" reply */
				f->stale_bytes--;
			}
		}
		answer(f, b[2]);
		*tr = 3;
		return KIOSK_OK;
	}
	if (f->state != PRINTER_OK && f->state != PRINTER_NEAR_END)
		return KIOSK_ETIMEOUT; /* stopped: NAKs forever */
	if (f->stall_writes > 0) {
		f->stall_writes--;
		return KIOSK_ETIMEOUT;
	}
	size_t n = len;
	if (f->max_per_write && n > f->max_per_write)
		n = f->max_per_write;
	bool partial_to = false;
	if (f->timeout_partial_every > 0 && f->write_calls % f->timeout_partial_every == 0 && n > 1) {
		n /= 2;
		partial_to = true;
	}
	printer_state_t which = PRINTER_OK;
	long lim = limit_of(f, &which);
	bool hit = false;
	if (lim >= 0 && f->job_bytes + (long)n >= lim) {
		n = (size_t)(lim - f->job_bytes);
		hit = true;
	}
	record(f, b, n);
	if (f->realtime_in_data)
		for (size_t i = 0; i + 2 < n; i++)
			if (b[i] == 0x10 && b[i + 1] == 0x04 && b[i + 2] >= 1 && b[i + 2] <= 4)
				answer(f, b[i + 2]);
	f->job_bytes += (long)n;
	*tr = n;
	if (hit) {
		f->unplug_after = f->paper_out_after = f->cover_open_after = -1;
		if (which == PRINTER_NO_PRINTER) {
			f->unplugged = true;
			return KIOSK_ENODEV;
		}
		f->state = which;
		return KIOSK_ETIMEOUT;
	}
	return partial_to ? KIOSK_ETIMEOUT : KIOSK_OK;
}

static int k_read(void *ctx, uint8_t *b, size_t cap, size_t *got, int timeout_ms)
{
	printer_fake_t *f = ctx;
	*got = 0;
	if (f->unplugged)
		return KIOSK_ENODEV;
	size_t n = (size_t)f->nin < cap ? (size_t)f->nin : cap;
	memcpy(b, f->in, n);
	memmove(f->in, f->in + n, (size_t)f->nin - n);
	f->nin -= (int)n;
	*got = n;
	return KIOSK_OK;
}

static int k_job_begin(void *ctx, const char *name)
{
	printer_fake_t *f = ctx;
	f->jobs_begun++;
	f->job_bytes = 0;
	return KIOSK_OK;
}

static int k_job_end(void *ctx, bool printed)
{
	printer_fake_t *f = ctx;
	if (printed)
		f->jobs_printed++;
	else
		f->jobs_failed++;
	return KIOSK_OK;
}

static bool k_present(void *ctx)
{
	return !((printer_fake_t *)ctx)->unplugged;
}

static void k_close(void *ctx)
{
	(void)ctx; /* owned by the test */
}

static const printer_ops_t fake_ops = {
	.name = "fake",
	.write = k_write,
	.read = k_read,
	.job_begin = k_job_begin,
	.job_end = k_job_end,
	.present = k_present,
	.close = k_close,
};

void printer_fake_attach(printer_fake_t *f, const escpos_profile_t *prof, printer_t *out)
{
	out->ops = &fake_ops;
	out->ctx = f;
	out->prof = prof;
}
