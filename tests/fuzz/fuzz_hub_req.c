/* fuzz_hub_req.c - libFuzzer target for the hub's request checks
 * (hub/hub_req.h): the first byte picks a route, the rest is the POST body;
 * the same bytes also go through the route, cookie and Origin readers.
 * No crash or sanitizer report on any input, and whatever is accepted has
 * the shape the API relies on (character sets, ranges, NUL-ended). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/kiosk.h"
#include "hub/hub_req.h"

static void charset(const char *s, const char *set)
{
	if (strspn(s, set) != strlen(s))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	hub_route_t r = (hub_route_t)(HUB_LOGIN + data[0] % (HUB_ROUTE_COUNT - HUB_LOGIN));
	hub_body_t b;
	const char *why;
	int rc = hub_req_body(r, (const char *)data + 1, size - 1, &b, &why);
	if (rc == KIOSK_OK) {
		charset(b.pin, "0123456789");
		charset(b.rid, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
		charset(b.group, "abcdefghijklmnopqrstuvwxyz0123456789-");
		charset(b.number, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
		charset(b.expect, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
		if (strlen(b.qr) != b.qr_len || b.qr_len > HANDOFF_MAX_K2)
			abort();
		if (r == HUB_LOGIN && (b.counter < 1 || b.counter > 99))
			abort();
		if (r == HUB_RATE && (b.level < 1 || b.level > 3))
			abort();
		if (hub_req_needs_session(r) && r != HUB_LOGOUT && r != HUB_HANDOFF && !b.has_rid)
			abort();
	} else if (rc != KIOSK_EINVAL && rc != KIOSK_ERANGE) {
		abort();
	}
	/* The same bytes as a URL, a Cookie and an Origin (NUL-ended copies). */
	char *s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	hub_target_t t;
	if (hub_req_target(data[0] & 1 ? "POST" : "GET", s, &t) == KIOSK_OK &&
	    (t.route == HUB_STATIC || t.route == HUB_PAGE)) {
		if (strstr(t.file, "..") || t.file[0] == '/' || t.file[0] == '.' || !t.type)
			abort();
		charset(t.file, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./");
	}
	char tok[HUB_TOKEN_HEX + 1];
	if (hub_req_cookie(s, tok)) {
		if (strlen(tok) != HUB_TOKEN_HEX)
			abort();
		charset(tok, "0123456789abcdef");
	}
	(void)hub_req_origin_ok(s, "127.0.0.1:8080");
	free(s);
	return 0;
}
