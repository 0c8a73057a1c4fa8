/* test_escpos.c - byte-exact ESC/POS encoder output, band splitting, the
 * profile table, status validation and mapping, and the chunked send with
 * resume-at-transferred over the fake transport. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/printer/escpos.h"
#include "core/kiosk.h"
#include "drivers/printer/printer.h"

static void test_simple_commands(void **state)
{
	(void)state;
	escpos_buf_t b = {0};
	escpos_init(&b);
	escpos_align(&b, 1);
	escpos_feed(&b, 3);
	escpos_cut(&b, ESCPOS_CUT_PARTIAL, 16);
	escpos_cut(&b, ESCPOS_CUT_FULL, 0);
	escpos_cut(&b, ESCPOS_CUT_NONE, 5);
	static const uint8_t want[] = {0x1B, 0x40, 0x1B, 0x61, 0x01, 0x1B, 0x64, 0x03,
				       0x1D, 0x56, 0x42, 0x10, 0x1D, 0x56, 0x41, 0x00};
	assert_int_equal(b.len, sizeof want);
	assert_memory_equal(b.data, want, sizeof want);
	escpos_buf_free(&b);
}

static void test_raster_bands(void **state)
{
	(void)state;
	/* 16 dots wide (2 bytes), 5 rows, bands of 2 rows: 2 + 2 + 1. */
	uint8_t bits[10];
	for (int i = 0; i < 10; i++)
		bits[i] = (uint8_t)(0xA0 + i);
	escpos_buf_t b = {0};
	escpos_raster(&b, bits, 2, 5, 2);
	static const uint8_t want[] = {
		0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 0x02, 0x00, 0xA0, 0xA1, 0xA2, 0xA3,
		0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 0x02, 0x00, 0xA4, 0xA5, 0xA6, 0xA7,
		0x1D, 0x76, 0x30, 0x00, 0x02, 0x00, 0x01, 0x00, 0xA8, 0xA9};
	assert_int_equal(b.len, sizeof want);
	assert_memory_equal(b.data, want, sizeof want);
	escpos_buf_free(&b);
}

static void test_ticket_stream(void **state)
{
	(void)state;
	const escpos_profile_t *p = escpos_profile_find("80mm");
	assert_non_null(p);
	assert_int_equal(p->dots, 576);
	assert_int_equal(escpos_profile_find("58mm")->dots, 384);
	assert_null(escpos_profile_find("57mm"));
	int rows = 600;
	uint8_t *bits = calloc((size_t)rows, 72);
	bits[0] = 0x80;
	escpos_buf_t b = {0};
	assert_int_equal(escpos_ticket(&b, p, bits, 576, rows), KIOSK_OK);
	/* init + align + 3 bands (256, 256, 88) + cut */
	size_t want = 2 + 3 + 3 * 8 + (size_t)rows * 72 + 4;
	assert_int_equal(b.len, want);
	assert_memory_equal(b.data, "\x1B\x40\x1B\x61\x00\x1D\x76\x30\x00\x48\x00\x00\x01\x80", 14);
	size_t second = 5 + 8 + 256 * 72;
	assert_memory_equal(b.data + second, "\x1D\x76\x30\x00\x48\x00\x00\x01", 8);
	size_t third = second + 8 + 256 * 72;
	assert_memory_equal(b.data + third, "\x1D\x76\x30\x00\x48\x00\x58\x00", 8);
	assert_memory_equal(b.data + b.len - 4, "\x1D\x56\x42\x28", 4);
	escpos_buf_free(&b);
	/* Width must match the profile. */
	assert_int_equal(escpos_ticket(&b, p, bits, 384, rows), KIOSK_EINVAL);
	escpos_buf_free(&b);
	free(bits);
}

static void test_status(void **state)
{
	(void)state;
	uint8_t req[3];
	escpos_status_request(4, req);
	assert_memory_equal(req, "\x10\x04\x04", 3);
	assert_true(escpos_status_valid(0x12));
	assert_true(escpos_status_valid(0x1E));
	assert_true(escpos_status_valid(0x72));
	assert_false(escpos_status_valid(0x00));
	assert_false(escpos_status_valid(0xFF));
	assert_false(escpos_status_valid(0x13));
	printer_state_t s = PRINTER_OK;
	escpos_status_apply(4, 0x12, &s);
	assert_int_equal(s, PRINTER_OK);
	escpos_status_apply(4, 0x1E, &s);
	assert_int_equal(s, PRINTER_NEAR_END);
	escpos_status_apply(4, 0x72, &s);
	assert_int_equal(s, PRINTER_PAPER_OUT);
	s = PRINTER_OK;
	escpos_status_apply(2, 0x16, &s);
	assert_int_equal(s, PRINTER_COVER_OPEN);
	s = PRINTER_OK;
	escpos_status_apply(1, 0x1A, &s);
	assert_int_equal(s, PRINTER_OFFLINE);
	/* A worse state is never replaced by a milder one. */
	escpos_status_apply(4, 0x1E, &s);
	assert_int_equal(s, PRINTER_OFFLINE);
}

static void test_query_and_send(void **state)
{
	(void)state;
	printer_fake_t f;
	printer_fake_init(&f);
	printer_t p;
	printer_fake_attach(&f, escpos_profile_find("58mm"), &p);
	f.stale_bytes = 3;
	assert_int_equal(printer_query(&p), PRINTER_OK);
	f.state = PRINTER_NEAR_END;
	assert_int_equal(printer_query(&p), PRINTER_NEAR_END);
	f.state = PRINTER_OK;
	f.garbage_replies = 2;
	assert_int_equal(printer_query(&p), PRINTER_OK);
	f.silent_replies = 10;
	assert_int_equal(printer_query(&p), PRINTER_NOT_RESPONDING);
	f.silent_replies = 0;
	/* 10000 bytes, 700 per write, every 4th write half then timeout. */
	uint8_t *data = malloc(10000);
	for (int i = 0; i < 10000; i++)
		data[i] = (uint8_t)(i * 7);
	f.max_per_write = 700;
	f.timeout_partial_every = 4;
	size_t sent;
	printer_state_t st;
	assert_int_equal(printer_send(&p, data, 10000, &sent, &st), KIOSK_OK);
	assert_int_equal(sent, 10000);
	assert_int_equal(f.nreceived, 10000);
	assert_memory_equal(f.received, data, 10000);
	/* Paper ends mid-send: stops with the count that reached the printer. */
	printer_fake_reset_stream(&f);
	f.timeout_partial_every = 0;
	f.paper_out_after = 4321;
	assert_int_equal(printer_send(&p, data, 10000, &sent, &st), KIOSK_EPAPER);
	assert_int_equal(sent, 4321);
	assert_int_equal(st, PRINTER_PAPER_OUT);
	assert_memory_equal(f.received, data, 4321);
	free(data);
	printer_fake_free(&f);
	assert_true(printer_chunk_timeout_ms(escpos_profile_find("80mm")) > 3000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_commands),
		cmocka_unit_test(test_raster_bands),
		cmocka_unit_test(test_ticket_stream),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_query_and_send),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
