/* fuzz_cccd.c - libFuzzer target for the citizen ID card QR parser: no
 * crash or sanitizer report on any input, and on success every text field
 * is valid NFC UTF-8 and the fixed-form fields have their exact shape. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/cccd.h"
#include "core/clock.h"
#include "core/kiosk.h"
#include "core/text.h"

static void check_nfc(const char *s)
{
	if (!text_is_nfc(s, strlen(s)))
		abort();
}

static void check_date(const char *s)
{
	if (strlen(s) != 10 || s[2] != '/' || s[5] != '/')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static kclock_virtual_t v = { .now_ms = 1795834800000LL, .trusted = true }; /* 2026-11-28 10:00 VN */
	kclock_t clk;
	kclock_virtual(&clk, &v);
	cccd_t c;
	cccd_status_t st;
	const char *msg;
	int rc = cccd_parse((const char *)data, size, &clk, &c, &st, &msg);
	if ((rc == KIOSK_OK) != (st == CCCD_OK))
		abort();
	if (rc == KIOSK_OK) {
		if (msg || strlen(c.id) != 12)
			abort();
		check_nfc(c.name);
		check_nfc(c.address);
		if (!c.name[0] || !c.address[0])
			abort();
		check_date(c.dob);
		check_date(c.issued);
		if (strcmp(c.sex, "nam") && strcmp(c.sex, "nu"))
			abort();
	} else {
		if (!msg || strcmp(msg, cccd_status_key(st)))
			abort();
		/* a rejected scan leaves nothing behind */
		const unsigned char *b = (const unsigned char *)&c;
		for (size_t i = 0; i < sizeof c; i++)
			if (b[i])
				abort();
	}
	cccd_wipe(&c);
	return 0;
}
