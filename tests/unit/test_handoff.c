/* test_handoff.c - the hand-off record: round trip, field order, ID-number
 * rule, NFC, the 200-byte truncation rule, and the strict decoder's
 * rejections. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "catalog.h"
#include "clock.h"
#include "handoff.h"
#include "kiosk.h"

static const catalog_group_t grp = {"ho-tich", 'A', {"Hộ tịch", "Civil status"}};
static const catalog_field_t fields[] = {
	{"ho_ten", FIELD_NAME, true, {"Họ và tên", "Full name"}, {NULL, NULL}, 0},
	{"so_cccd", FIELD_CCCD, false, {"Số CCCD", "ID"}, {NULL, NULL}, 0},
	{"dia_chi", FIELD_ADDRESS, false, {"Địa chỉ", "Address"}, {NULL, NULL}, 0},
	{"ghi_chu", FIELD_TEXT, false, {"Ghi chú", "Note"}, {NULL, NULL}, 0},
};
static catalog_proc_t proc = {"khai-sinh", &grp, "1.001193", {"Đăng ký khai sinh", "Birth"},
			      {NULL, NULL}, {NULL, NULL}, 0, fields, 4, false};

static handoff_head_t head(void)
{
	handoff_head_t h = {"A012", "0a1b2c3d-42", "1.001193", 0, true, false};
	kclock_parse_iso("2026-01-05T09:30:15+07:00", &h.time_ms);
	return h;
}

static void test_round_trip(void **state)
{
	(void)state;
	handoff_head_t h = head();
	/* NFD input ("Nguyễn" decomposed) must come out NFC. */
	handoff_answer_t a[] = {
		{"dia_chi", "Thôn 3; xã A=B 100%"},
		{"ho_ten", "Nguye\xCC\x82\xCC\x83n Văn An"},
		{"so_cccd", "001152000123"},
	};
	char buf[HANDOFF_MAX + 1];
	int dropped = -1;
	assert_int_equal(handoff_encode(&h, &proc, a, 3, buf, sizeof buf, &dropped), KIOSK_OK);
	assert_int_equal(dropped, 0);
	assert_string_equal(buf, "A012;K1;0a1b2c3d-42;1.001193;20260105T093015;0;"
				 "ho_ten=Nguy%E1%BB%85n+V%C4%83n+An;dia_chi=Th%C3%B4n+3%3B+x%C3%A3+A%3DB+100%25");
	for (const char *p = buf; *p; p++)
		assert_true(*p > 0x20 && *p < 0x7F);
	handoff_record_t r;
	char why[128];
	assert_int_equal(handoff_decode(buf, strlen(buf), &r, why, sizeof why), KIOSK_OK);
	assert_string_equal(r.number, "A012");
	assert_string_equal(r.format, "K1");
	assert_string_equal(r.ticket_id, "0a1b2c3d-42");
	assert_string_equal(r.time, "2026-01-05T09:30:15+07:00");
	assert_false(r.reprint);
	assert_int_equal(r.nfields, 2);
	assert_string_equal(r.field_id[0], "ho_ten");
	assert_string_equal(r.value[0], "Nguyễn Văn An");
	assert_string_equal(r.value[1], "Thôn 3; xã A=B 100%");
	/* With handoff_id the ID number is carried. */
	proc.handoff_id = true;
	assert_int_equal(handoff_encode(&h, &proc, a, 3, buf, sizeof buf, NULL), KIOSK_OK);
	assert_non_null(strstr(buf, ";so_cccd=001152000123;"));
	proc.handoff_id = false;
	/* Undated: time "-", decoded as empty. Reprint flag. */
	h.dated = false;
	h.reprint = true;
	assert_int_equal(handoff_encode(&h, &proc, NULL, 0, buf, sizeof buf, NULL), KIOSK_OK);
	assert_string_equal(buf, "A012;K1;0a1b2c3d-42;1.001193;-;1");
	assert_int_equal(handoff_decode(buf, strlen(buf), &r, why, sizeof why), KIOSK_OK);
	assert_string_equal(r.time, "");
	assert_true(r.reprint);
	assert_int_equal(r.nfields, 0);
}

static void test_truncation(void **state)
{
	(void)state;
	handoff_head_t h = head();
	char addr[600] = "";
	for (int i = 0; i < 40; i++)
		strcat(addr, "Ấp ");
	handoff_answer_t a[] = {{"ho_ten", "Trần Thị Bình"}, {"dia_chi", addr}, {"ghi_chu", "x"}};
	char buf[HANDOFF_MAX + 1];
	int dropped = 0;
	assert_int_equal(handoff_encode(&h, &proc, a, 3, buf, sizeof buf, &dropped), KIOSK_OK);
	assert_true(strlen(buf) <= HANDOFF_MAX);
	assert_int_equal(dropped, 2); /* dia_chi cut, ghi_chu dropped */
	handoff_record_t r;
	char why[128];
	assert_int_equal(handoff_decode(buf, strlen(buf), &r, why, sizeof why), KIOSK_OK);
	assert_int_equal(r.nfields, 2);
	assert_string_equal(r.value[0], "Trần Thị Bình");
	size_t vl = strlen(r.value[1]);
	assert_true(vl > 10);
	assert_string_equal(r.value[1] + vl - 3, "\xE2\x80\xA6");
	assert_memory_equal(r.value[1], addr, vl - 3);
	/* Bad answers are refused, nothing encoded. */
	handoff_answer_t bad[] = {{"ho_ten", "a\nb"}};
	assert_int_equal(handoff_encode(&h, &proc, bad, 1, buf, sizeof buf, NULL), KIOSK_EINVAL);
	handoff_answer_t unk[] = {{"khong_co", "x"}};
	assert_int_equal(handoff_encode(&h, &proc, unk, 1, buf, sizeof buf, NULL), KIOSK_EINVAL);
	handoff_answer_t inv[] = {{"ho_ten", "\xC3\x28"}};
	assert_int_equal(handoff_check(&proc, inv, 1), KIOSK_EINVAL);
}

static void test_decoder_rejects(void **state)
{
	(void)state;
	const char *bad[] = {
		"",
		"A012",
		"A012;K1;id;1.0;-",
		"A012;K2;id;1.0;-;0",
		"a012;K1;id;1.0;-;0",
		"A000;K1;id;1.0;-;0",
		"A12;K1;id;1.0;-;0",
		"A012;K1;ID;1.0;-;0",
		"A012;K1;id;1.0;20261305T000000;0",
		"A012;K1;id;1.0;20260105T0930;0",
		"A012;K1;id;1.0;-;2",
		"A012;K1;id;1.0;-;0;",
		"A012;K1;id;1.0;-;0;ho_ten",
		"A012;K1;id;1.0;-;0;ho_ten=",
		"A012;K1;id;1.0;-;0;Ho=x",
		"A012;K1;id;1.0;-;0;a=x;a=y",
		"A012;K1;id;1.0;-;0;a=%41",
		"A012;K1;id;1.0;-;0;a=%e1%bb%85",
		"A012;K1;id;1.0;-;0;a=%C3",
		"A012;K1;id;1.0;-;0;a=%0A",
		"A012;K1;id;1.0;-;0;a=x y",
		"A012;K1;id;1.0;-;0;a=x*y",
		"A012;K1;id;1.0;-;0;a=e%CC%81",   /* NFD */
		"A012;K1;id;1.0;-;0;a=%2",
		"A012 ;K1;id;1.0;-;0",
	};
	handoff_record_t r;
	char why[128];
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(bad); i++) {
		why[0] = 0;
		if (handoff_decode(bad[i], strlen(bad[i]), &r, why, sizeof why) != KIOSK_EINVAL)
			fail_msg("accepted: %s", bad[i]);
		assert_true(why[0] != 0);
	}
	char longrec[300];
	memset(longrec, 'a', sizeof longrec);
	memcpy(longrec, "A012;K1;id;1.0;-;0;a=", 21);
	assert_int_equal(handoff_decode(longrec, 201, &r, why, sizeof why), KIOSK_EINVAL);
	assert_int_equal(handoff_decode(longrec, 200, &r, why, sizeof why), KIOSK_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_decoder_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
