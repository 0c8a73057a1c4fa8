/* test_handoff.c - the hand-off record: round trip, field order, ID-number
 * rule, NFC, the 200-byte truncation rule, the strict decoder's rejections,
 * the K2 tag (a hand-made or changed record does not verify) and the office
 * key file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "domain/catalog.h"
#include "core/clock.h"
#include "domain/handoff.h"
#include "core/kiosk.h"
#include "domain/officekey.h"

static const catalog_group_t grp = {"ho-tich", 'A', {"Hộ tịch", "Civil status"},
				     {NULL, NULL}, NULL, 0};
static const catalog_field_t fields[] = {
	{"ho_ten", FIELD_NAME, true, {"Họ và tên", "Full name"}, {NULL, NULL}, 0},
	{"so_cccd", FIELD_CCCD, false, {"Số CCCD", "ID"}, {NULL, NULL}, 0},
	{"dia_chi", FIELD_ADDRESS, false, {"Địa chỉ", "Address"}, {NULL, NULL}, 0},
	{"ghi_chu", FIELD_TEXT, false, {"Ghi chú", "Note"}, {NULL, NULL}, 0},
};
static catalog_proc_t proc = {"khai-sinh", &grp, "1.001193", {"Đăng ký khai sinh", "Birth"},
			      {NULL, NULL}, {NULL, NULL}, 0, fields, 4, false,
			      {NULL, NULL}, NULL, 0};

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


static const uint8_t key1[OFFICEKEY_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
					    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

static bool verifies(const char *rec, const uint8_t *key)
{
	static handoff_record_t r;
	char why[128];
	if (handoff_decode(rec, strlen(rec), &r, why, sizeof why) != KIOSK_OK)
		fail_msg("refused %s: %s", rec, why);
	return handoff_verify(rec, strlen(rec), &r, key, OFFICEKEY_LEN);
}

static void test_k2_tag(void **state)
{
	(void)state;
	handoff_head_t h = head();
	handoff_answer_t a[] = {{"ho_ten", "Nguyễn Văn An"}, {"dia_chi", "Thôn 3"}};
	char buf[HANDOFF_MAX_K2 + 1];
	assert_int_equal(handoff_encode_k2(&h, &proc, a, 2, key1, sizeof key1, buf, sizeof buf, NULL),
			 KIOSK_OK);
	const char *body = "A012;K2;0a1b2c3d-42;1.001193;20260105T093015;0;"
			   "ho_ten=Nguy%E1%BB%85n+V%C4%83n+An;dia_chi=Th%C3%B4n+3;";
	assert_memory_equal(buf, body, strlen(body));
	assert_int_equal(strlen(buf), strlen(body) + 2 * HANDOFF_TAG_BYTES);
	handoff_record_t r;
	char why[128];
	assert_int_equal(handoff_decode(buf, strlen(buf), &r, why, sizeof why), KIOSK_OK);
	assert_string_equal(r.format, "K2");
	assert_true(r.tagged);
	assert_int_equal(r.nfields, 2);
	assert_string_equal(r.value[0], "Nguyễn Văn An");
	assert_true(verifies(buf, key1));
	/* Another office's key does not verify it. */
	uint8_t key2[OFFICEKEY_LEN];
	memcpy(key2, key1, sizeof key2);
	key2[31] ^= 1;
	assert_false(verifies(buf, key2));
	/* A changed answer, number or flag with the old tag does not verify. */
	char ch[HANDOFF_MAX_K2 + 1];
	strcpy(ch, buf);
	ch[strlen(body) - 3] = '4'; /* Thôn 3 -> Thôn 4 */
	assert_false(verifies(ch, key1));
	strcpy(ch, buf);
	ch[3] = '3'; /* A012 -> A013 */
	assert_false(verifies(ch, key1));
	/* A hand-made K2 record (guessable id, made-up tag) is decoded but does not verify. */
	assert_false(verifies("A013;K2;0a1b2c3d-43;1.001193;-;0;ho_ten=X;"
			      "0123456789ABCDEF0123456789ABCDEF", key1));
	/* K1 still decodes, never verified. */
	assert_int_equal(handoff_encode(&h, &proc, a, 2, buf, sizeof buf, NULL), KIOSK_OK);
	assert_false(verifies(buf, key1));
	/* The 200-byte rule holds for the body; the tag comes on top (233 in all). */
	char addr[600] = "";
	for (int i = 0; i < 40; i++)
		strcat(addr, "Ấp ");
	handoff_answer_t lng[] = {{"ho_ten", "Trần Thị Bình"}, {"dia_chi", addr}};
	int dropped = 0;
	assert_int_equal(handoff_encode_k2(&h, &proc, lng, 2, key1, sizeof key1, buf, sizeof buf, &dropped),
			 KIOSK_OK);
	assert_true(strlen(buf) <= HANDOFF_MAX_K2);
	assert_true(strlen(buf) > HANDOFF_MAX_K2 - 12);
	assert_int_equal(dropped, 1);
	assert_true(verifies(buf, key1));
	/* Same answers, same cut as K1: the tag costs QR size, not answer room. */
	char k1[HANDOFF_MAX + 1];
	assert_int_equal(handoff_encode(&h, &proc, lng, 2, k1, sizeof k1, NULL), KIOSK_OK);
	assert_int_equal(strlen(k1) + 1 + 2 * HANDOFF_TAG_BYTES, strlen(buf));
	assert_memory_equal(k1 + 8, buf + 8, strlen(k1) - 8);
	/* A body over 200 bytes is refused even with a tag. */
	char big[300];
	memset(big, 'a', sizeof big);
	memcpy(big, "A012;K2;id;1.0;-;0;a=", 21);
	memcpy(big + 201, ";0123456789ABCDEF0123456789ABCDEF", 33);
	assert_int_equal(handoff_decode(big, 234, &r, why, sizeof why), KIOSK_EINVAL);
	memcpy(big + 200, ";0123456789ABCDEF0123456789ABCDEF", 33);
	assert_int_equal(handoff_decode(big, 233, &r, why, sizeof why), KIOSK_OK);
	/* No key: refused, nothing encoded. */
	assert_int_equal(handoff_encode_k2(&h, &proc, a, 2, NULL, 0, buf, sizeof buf, NULL), KIOSK_EINVAL);
	assert_string_equal(buf, "");
	/* Malformed tags are refused by the decoder. */
	const char *bad[] = {
		"A012;K2;id;1.0;-;0",
		"A012;K2;id;1.0;-;0;0123456789abcdef0123456789abcdef",
		"A012;K2;id;1.0;-;0;0123456789ABCDEF0123456789ABCDE",
		"A012;K2;id;1.0;-;0;0123456789ABCDEF0123456789ABCDEF0",
		"A012;K2;id;1.0;-;0123456789ABCDEF0123456789ABCDEF",
		"A012;K1;id;1.0;-;0;0123456789ABCDEF0123456789ABCDEF",
	};
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(bad); i++)
		if (handoff_decode(bad[i], strlen(bad[i]), &r, why, sizeof why) == KIOSK_OK)
			fail_msg("accepted: %s", bad[i]);
}

static void test_office_key(void **state)
{
	(void)state;
	char dir[] = "/tmp/officekey-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128], err[512];
	snprintf(path, sizeof path, "%s/office.key", dir);
	uint8_t k1[OFFICEKEY_LEN], k2[OFFICEKEY_LEN];
	assert_int_equal(officekey_load(dir, false, k1, err, sizeof err), KIOSK_ENOENT);
	assert_int_equal(officekey_load(dir, true, k1, err, sizeof err), KIOSK_OK);
	struct stat sb;
	assert_int_equal(lstat(path, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(sb.st_size, 65);
	/* The same key at the next start; never replaced. */
	assert_int_equal(officekey_load(dir, true, k2, err, sizeof err), KIOSK_OK);
	assert_memory_equal(k1, k2, sizeof k1);
	static const uint8_t zero[OFFICEKEY_LEN];
	assert_memory_not_equal(k1, zero, sizeof k1);
	/* Two folders get different keys. */
	char dir2[] = "/tmp/officekey-XXXXXX";
	assert_non_null(mkdtemp(dir2));
	assert_int_equal(officekey_load(dir2, true, k2, err, sizeof err), KIOSK_OK);
	assert_memory_not_equal(k1, k2, sizeof k1);
	char p2[128];
	snprintf(p2, sizeof p2, "%s/office.key", dir2);
	unlink(p2);
	/* A damaged key: a clear message, nothing replaced. */
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("0123abc\n", f);
	fclose(f);
	assert_int_equal(officekey_load(dir, true, k2, err, sizeof err), KIOSK_ECORRUPT);
	assert_non_null(strstr(err, "damaged"));
	assert_int_equal(lstat(path, &sb), 0);
	assert_int_equal(sb.st_size, 8);
	/* A link is not followed. */
	unlink(path);
	assert_int_equal(symlink(p2, path), 0);
	assert_int_equal(officekey_load(dir, true, k2, err, sizeof err), KIOSK_ECORRUPT);
	assert_non_null(strstr(err, "link"));
	unlink(path);
	rmdir(dir);
	rmdir(dir2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_decoder_rejects),
		cmocka_unit_test(test_k2_tag),
		cmocka_unit_test(test_office_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
