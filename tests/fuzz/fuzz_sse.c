/* fuzz_sse.c - libFuzzer target for the board feed's SSE framing parser
 * (drivers/hubfeed/sse) and the snapshot parser behind it (flow/board): no
 * crash on any input; the stream fed whole and fed in two pieces split at
 * the first byte's value gives the same events; every event's data goes to
 * board_feed, which keeps a parsed state only from a valid snapshot. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/kiosk.h"
#include "drivers/hubfeed/sse.h"
#include "flow/board.h"

typedef struct {
	uint64_t hash;
	unsigned n;
	board_t *b;
} acc_t;

static void on_event(void *ctx, const char *type, const char *id, const char *data, size_t len)
{
	acc_t *a = ctx;
	for (const char *s = type; *s; s++)
		a->hash = (a->hash ^ (unsigned char)*s) * 1099511628211ULL;
	for (const char *s = id; *s; s++)
		a->hash = (a->hash ^ (unsigned char)*s) * 1099511628211ULL;
	for (size_t i = 0; i < len; i++)
		a->hash = (a->hash ^ (unsigned char)data[i]) * 1099511628211ULL;
	if (data[len] != 0)
		abort();
	a->n++;
	if (a->b && board_feed(a->b, data, len, a->n) == KIOSK_OK && !a->b->have)
		abort();
}

static void on_comment(void *ctx, const char *text, size_t len)
{
	acc_t *a = ctx;
	for (size_t i = 0; i < len; i++)
		a->hash = (a->hash ^ (unsigned char)text[i]) * 1099511628211ULL;
	a->n++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static sse_t p;
	static board_t b;
	board_init(&b);
	acc_t one = {.hash = 1469598103934665603ULL, .b = &b}, two = {.hash = 1469598103934665603ULL};
	sse_handler_t h1 = {.on_event = on_event, .on_comment = on_comment, .ctx = &one};
	sse_init(&p, &h1);
	sse_feed(&p, (const char *)data, size);
	sse_feed(&p, "\n\n", 2);
	size_t cut = size ? data[0] % (size + 1) : 0;
	sse_handler_t h2 = {.on_event = on_event, .on_comment = on_comment, .ctx = &two};
	sse_init(&p, &h2);
	sse_feed(&p, (const char *)data, cut);
	sse_feed(&p, (const char *)data + cut, size - cut);
	sse_feed(&p, "\n\n", 2);
	if (one.hash != two.hash || one.n != two.n)
		abort();
	return 0;
}
