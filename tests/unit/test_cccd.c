/* test_cccd.c - citizen ID card QR parsing: both layouts, normalisation,
 * the distinct errors (foreign code, damaged, diacritics lost, mismatch),
 * wiping, and that the message keys exist in both languages. All data is
 * synthetic (fictitious people, numbers built to the format rules). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include "domain/cccd.h"
#include "core/clock.h"
#include "core/kiosk.h"
#include "core/text.h"

static kclock_virtual_t vstate;
static kclock_t vclock;

#define CARD7 "001152000123|012000345|NGUYỄN THỊ A|15051952|Nữ|Thôn Mẫu, Xã Mẫu, Huyện Mẫu, Hà Nội|10102021"
#define CARD7B "079201000456||LÊ VĂN B|02032001|Nam|Tổ 5, Phường Mẫu, TP. Hồ Chí Minh|20062022"
#define CARD6 "038090000789|TRẦN VĂN C|30121990|Nam|Xóm Mẫu, Xã Mẫu, Thanh Hóa|01072021"

static cccd_status_t parse(const char *s, cccd_t *c)
{
	cccd_status_t st = (cccd_status_t)99;
	const char *msg = "unset";
	int rc = cccd_parse(s, strlen(s), &vclock, c, &st, &msg);
	assert_int_equal(rc == KIOSK_OK, st == CCCD_OK);
	if (st == CCCD_OK)
		assert_null(msg);
	else
		assert_string_equal(msg, cccd_status_key(st));
	return st;
}

static void test_seven_fields(void **state)
{
	(void)state;
	cccd_t c;
	assert_int_equal(parse(CARD7, &c), CCCD_OK);
	assert_string_equal(c.id, "001152000123");
	assert_string_equal(c.old_id, "012000345");
	assert_string_equal(c.name, "NGUYỄN THỊ A");
	assert_string_equal(c.dob, "15/05/1952");
	assert_string_equal(c.sex, "nu");
	assert_string_equal(c.address, "Thôn Mẫu, Xã Mẫu, Huyện Mẫu, Hà Nội");
	assert_string_equal(c.issued, "10/10/2021");
	assert_int_equal(parse(CARD7B, &c), CCCD_OK);
	assert_string_equal(c.old_id, "");
	assert_string_equal(c.sex, "nam");
	assert_string_equal(c.address, "Tổ 5, Phường Mẫu, TP. Hồ Chí Minh");
	cccd_wipe(&c);
	const unsigned char *b = (const unsigned char *)&c;
	for (size_t i = 0; i < sizeof c; i++)
		assert_int_equal(b[i], 0);
}

static void test_six_fields_and_trailing(void **state)
{
	(void)state;
	cccd_t c;
	assert_int_equal(parse(CARD6, &c), CCCD_OK);
	assert_string_equal(c.id, "038090000789");
	assert_string_equal(c.old_id, "");
	assert_string_equal(c.name, "TRẦN VĂN C");
	assert_string_equal(c.dob, "30/12/1990");
	assert_string_equal(c.issued, "01/07/2021");
	assert_int_equal(parse(CARD7 "\r\n", &c), CCCD_OK);
	assert_int_equal(parse(CARD7 "\n", &c), CCCD_OK);
	/* NFD text (some scanners or phones decompose) comes out NFC */
	assert_int_equal(parse("079201000456||LE\xcc\x82 VA\xcc\x86N B|02032001|Nam|Phu\xcc\x9bo\xcc\x9b\xcc\x80ng Mẫu|20062022", &c), CCCD_OK);
	assert_string_equal(c.name, "LÊ VĂN B");
	assert_string_equal(c.address, "Phường Mẫu");
	assert_true(text_is_nfc(c.name, strlen(c.name)));
	/* Nữ in NFD and upper case */
	assert_int_equal(parse("001152000123||NGUYỄN THỊ A|15051952|N\xc6\xaf\xcc\x83|Thôn Mẫu|10102021", &c), CCCD_OK);
	assert_string_equal(c.sex, "nu");
	/* commas in the address are never separators; spaces collapse */
	assert_int_equal(parse("079201000456||LÊ VĂN B|02032001|Nam|  Số 1,  Đường Mẫu , Phường Mẫu |20062022", &c), CCCD_OK);
	assert_string_equal(c.address, "Số 1, Đường Mẫu , Phường Mẫu");
	cccd_wipe(&c);
}

static void test_not_card(void **state)
{
	(void)state;
	cccd_t c;
	assert_int_equal(parse("https://dichvucong.gov.vn/", &c), CCCD_NOT_CARD);
	assert_int_equal(parse("8934567890123", &c), CCCD_NOT_CARD);        /* EAN-13 */
	assert_int_equal(parse("00020101021138570010A000000727", &c), CCCD_NOT_CARD); /* VietQR */
	assert_int_equal(parse("a|b|c|d|e|f|g", &c), CCCD_NOT_CARD);
	assert_int_equal(parse("012000345|NGUYỄN THỊ A|15051952|Nữ|Thôn Mẫu|10102021", &c), CCCD_NOT_CARD);
	assert_int_equal(parse("", &c), CCCD_NOT_CARD);
	assert_int_equal(parse("\r\n", &c), CCCD_NOT_CARD);
	char *big = malloc(CCCD_RAW_MAX + 10);
	assert_non_null(big);
	memset(big, '1', CCCD_RAW_MAX + 9);
	big[CCCD_RAW_MAX + 9] = '\0';
	assert_int_equal(parse(big, &c), CCCD_NOT_CARD);
	free(big);
	cccd_status_t st;
	assert_int_equal(cccd_parse(NULL, 0, NULL, &c, &st, NULL), KIOSK_EINVAL);
	assert_int_equal(st, CCCD_NOT_CARD);
}

static void test_damaged(void **state)
{
	(void)state;
	cccd_t c;
	static const char *const bad[] = {
		"001152000123|012000345|NGUYỄN THỊ A|15051952|Nữ|Thôn Mẫu",            /* cut short */
		"001152000123|012000345|NGUYỄN THỊ A|15051952|Nữ|Thôn Mẫu|10102021|x",  /* 8 fields */
		"001152000123|012000345|NGUYỄN THỊ A|15051952|Nữ|Thôn Mẫu|10102021|x|y|z|w",
		"001152000123|01200|NGUYỄN THỊ A|15051952|Nữ|Thôn Mẫu|10102021",        /* old ID */
		"001152000123|012000345|NGUYỄN THỊ A|31021952|Nữ|Thôn Mẫu|10102021",   /* 31 Feb */
		"001152000123|012000345|NGUYỄN THỊ A|1505195|Nữ|Thôn Mẫu|10102021",
		"001152000123|012000345|NGUYỄN THỊ A|15051952|Nữ|Thôn Mẫu|10101950",   /* issued before birth */
		"001152000123|012000345|NGUYỄN THỊ A|15051952|Nữ|Thôn Mẫu|10102099",   /* issued in the future */
		"001152000123|012000345|NGUYỄN THỊ A|15051952|Khác|Thôn Mẫu|10102021",
		"001152000123|012000345|NGUYỄN THỊ A|15051952|F|Thôn Mẫu|10102021",
		"001152000123|012000345|NGUYỄN 3 A|15051952|Nữ|Thôn Mẫu|10102021",      /* digit in name */
		"001152000123|012000345||15051952|Nữ|Thôn Mẫu|10102021",                /* empty name */
		"001152000123|012000345|NGUYỄN THỊ A|15051952|Nữ||10102021",            /* empty address */
		"001152000123|012000345|NGUYỄN\tTHỊ A|15051952|Nữ|Thôn Mẫu|10102021",   /* control */
		"001152000123|012000345|NGUYỄN THỊ A|15051952|Nữ|Thôn\nMẫu|10102021",
		"001152000123|012000345|NGUYỄN THỊ \xff|15051952|Nữ|Thôn Mẫu|10102021", /* bad UTF-8 */
		"003152000123|012000345|NGUYỄN THỊ A|15051952|Nữ|Thôn Mẫu|10102021",   /* province */
		"001452000123|012000345|NGUYỄN THỊ A|15051952|Nữ|Thôn Mẫu|10102021",   /* 2152 */
	};
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(bad); i++) {
		cccd_status_t st = parse(bad[i], &c);
		if (st != CCCD_DAMAGED)
			fail_msg("case %zu: want damaged, got %d", i, st);
		/* nothing of the rejected scan is left in the struct */
		const unsigned char *b = (const unsigned char *)&c;
		for (size_t j = 0; j < sizeof c; j++)
			assert_int_equal(b[j], 0);
	}
	/* an embedded NUL */
	static const char nul[] = "001152000123|012000345|NGUYỄN\0THỊ A|15051952|Nữ|Thôn Mẫu|10102021";
	cccd_status_t st;
	assert_int_equal(cccd_parse(nul, sizeof nul - 1, &vclock, &c, &st, NULL), KIOSK_EINVAL);
	assert_int_equal(st, CCCD_DAMAGED);
}

static void test_stripped(void **state)
{
	(void)state;
	cccd_t c;
	/* what a keyboard-mode scanner types for the cards above */
	assert_int_equal(parse("001152000123|012000345|NGUYEN THI A|15051952|Nu|Thon Mau, Xa Mau, Huyen Mau, Ha Noi|10102021", &c), CCCD_STRIPPED);
	assert_int_equal(parse("079201000456||LE VAN B|02032001|Nam|To 5, Phuong Mau, TP. Ho Chi Minh|20062022", &c), CCCD_STRIPPED);
	assert_int_equal(parse("001152000123|012000345|NGUY?N TH? A|15051952|N?|Th?n M?u|10102021", &c), CCCD_STRIPPED);
	assert_int_equal(parse("079201000456||L? V?N B|02032001|Nam|T? 5, Ph??ng M?u|20062022", &c), CCCD_STRIPPED);
	assert_int_equal(parse("079201000456||L\xef\xbf\xbd V\xef\xbf\xbdN B|02032001|Nam|Phường Mẫu|20062022", &c), CCCD_STRIPPED);
	assert_int_equal(parse(CARD6, &c), CCCD_OK); /* control: the real thing passes */
	/* a plain ASCII name with a proper address is a real name, not stripped */
	assert_int_equal(parse("002080000321||LY A DO|01011980|Nam|Xã Mẫu, Hà Giang|05052021", &c), CCCD_OK);
	assert_string_equal(c.name, "LY A DO");
	cccd_wipe(&c);
}

static void test_mismatch(void **state)
{
	(void)state;
	cccd_t c;
	/* ID says female 1952; card says Nam */
	assert_int_equal(parse("001152000123|012000345|NGUYỄN VĂN A|15051952|Nam|Thôn Mẫu|10102021", &c), CCCD_MISMATCH);
	/* ID says 1952; card says 1953 */
	assert_int_equal(parse("001152000123|012000345|NGUYỄN THỊ A|15051953|Nữ|Thôn Mẫu|10102021", &c), CCCD_MISMATCH);
	/* ID says 2001 (digit 2), card says 1901 */
	assert_int_equal(parse("079201000456||LÊ VĂN B|02031901|Nam|Phường Mẫu|20062022", &c), CCCD_MISMATCH);
	assert_int_equal(c.id[0], '\0');
}

static cJSON *load_json(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	static char buf[16384];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	cJSON *j = cJSON_Parse(buf);
	if (!j)
		fail_msg("%s is not valid JSON", path);
	return j;
}

static void test_messages(void **state)
{
	(void)state;
	cJSON *vi = load_json("assets/i18n/vi/cccd.json");
	cJSON *en = load_json("assets/i18n/en/cccd.json");
	assert_null(cccd_status_key(CCCD_OK));
	for (int s = CCCD_NOT_CARD; s <= CCCD_MISMATCH; s++) {
		const char *k = cccd_status_key((cccd_status_t)s);
		assert_non_null(k);
		assert_true(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(vi, k)));
		assert_true(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(en, k)));
		for (int t = CCCD_NOT_CARD; t < s; t++)
			assert_string_not_equal(k, cccd_status_key((cccd_status_t)t));
	}
	assert_int_equal(cJSON_GetArraySize(vi), cJSON_GetArraySize(en));
	cJSON_Delete(vi);
	cJSON_Delete(en);
}

static int setup(void **state)
{
	(void)state;
	vstate.trusted = true;
	assert_int_equal(kclock_parse_iso("2026-11-28T10:00:00+07:00", &vstate.now_ms), KIOSK_OK);
	kclock_virtual(&vclock, &vstate);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seven_fields),
		cmocka_unit_test(test_six_fields_and_trailing),
		cmocka_unit_test(test_not_card),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_stripped),
		cmocka_unit_test(test_mismatch),
		cmocka_unit_test(test_messages),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
