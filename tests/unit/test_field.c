/* test_field.c - form field normalisation and validation, and that every
 * message key the validators return exists in both languages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <utf8proc.h>

#include "core/clock.h"
#include "domain/field.h"
#include "core/kiosk.h"
#include "core/text.h"

static kclock_virtual_t vstate;
static kclock_t vclock;
static field_ctx_t base_ctx;

/* every key returned by any case, checked against the i18n files at the end */
static const char *seen_keys[256];
static size_t nseen;

static void note_key(const char *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < nseen; i++)
		if (!strcmp(seen_keys[i], k))
			return;
	assert_true(nseen < KIOSK_ARRAY_LEN(seen_keys));
	seen_keys[nseen++] = k;
}

typedef struct {
	field_type_t type;
	const char *in;
	const char *want; /* normalised value, or the message key on failure */
	int rc;
	int max_len;
} fcase_t;

#define OK(t, in, out) { t, in, out, KIOSK_OK, 0 }
#define BAD(t, in, key) { t, in, key, KIOSK_EINVAL, 0 }

static const fcase_t cases[] = {
	/* names */
	OK(FIELD_NAME, "nguyễn văn an", "Nguyễn Văn An"),
	OK(FIELD_NAME, "  nguyễn   thị   bích  ", "Nguyễn Thị Bích"),
	OK(FIELD_NAME, "đặng ữu", "Đặng Ữu"),
	OK(FIELD_NAME, "ừ ỡ ậ ị", "Ừ Ỡ Ậ Ị"),
	OK(FIELD_NAME, "NGUYỄN VĂN AN", "NGUYỄN VĂN AN"),
	OK(FIELD_NAME, "Lê thị Hoa", "Lê thị Hoa"),
	OK(FIELD_NAME, "y moan ê-ban", "Y Moan Ê-Ban"),
	OK(FIELD_NAME, "h'hen niê", "H'hen Niê"),
	OK(FIELD_NAME, "H\xe2\x80\x99Hen Niê", "H'Hen Niê"),
	OK(FIELD_NAME, "nguye\xcc\x82\xcc\x83n", "Nguyễn"),       /* NFD in, NFC out */
	BAD(FIELD_NAME, "tr\xc6\xb0\xcc\x9b\xcc\x80ng", "field.name.bad_char"), /* stray mark */
	OK(FIELD_NAME, "an\xc2\xa0\xc2\xa0thu", "An Thu"),            /* no-break spaces */
	OK(FIELD_NAME, "\tbình\t", "Bình"),
	BAD(FIELD_NAME, "", "field.empty"),
	BAD(FIELD_NAME, "    ", "field.empty"),
	BAD(FIELD_NAME, "Nguyễn Văn 2", "field.name.digit"),
	BAD(FIELD_NAME, "Nguyễn.Văn", "field.name.bad_char"),
	BAD(FIELD_NAME, "Nguyễn@", "field.name.bad_char"),
	BAD(FIELD_NAME, "--", "field.name.bad_char"),
	BAD(FIELD_NAME, "An-", "field.name.bad_char"),
	BAD(FIELD_NAME, "'An", "field.name.bad_char"),
	BAD(FIELD_NAME, "An -Bình", "field.name.bad_char"),
	BAD(FIELD_NAME, "Иван", "field.name.bad_char"),
	BAD(FIELD_NAME, "张伟", "field.name.bad_char"),
	BAD(FIELD_NAME, "An\nBình", "field.bad_chars"),
	BAD(FIELD_NAME, "An\x7f", "field.bad_chars"),
	BAD(FIELD_NAME, "An\xe2\x80\x8b", "field.bad_chars"),
	BAD(FIELD_NAME, "An \xff", "field.bad_chars"),
	BAD(FIELD_NAME, "An \xc3", "field.bad_chars"),
	{ FIELD_NAME, "Nguyễn Văn Anh", "field.too_long", KIOSK_EINVAL, 10 },
	{ FIELD_NAME, "Nguyễn Văn An", "Nguyễn Văn An", KIOSK_OK, 13 },
	/* citizen ID */
	OK(FIELD_CCCD, "001152000123", "001152000123"),
	OK(FIELD_CCCD, "001 152 000 123", "001152000123"),
	OK(FIELD_CCCD, "079-201-000-456", "079201000456"),
	OK(FIELD_CCCD, "096058000001", "096058000001"),
	OK(FIELD_CCCD, "100190000001", "100190000001"), /* registered abroad */
	BAD(FIELD_CCCD, "", "field.empty"),
	BAD(FIELD_CCCD, "00115200012", "field.cccd.length"),
	BAD(FIELD_CCCD, "0011520001234", "field.cccd.length"),
	BAD(FIELD_CCCD, "012000345", "field.cccd.old_cmnd"),
	BAD(FIELD_CCCD, "00115200012a", "field.cccd.digits"),
	BAD(FIELD_CCCD, "003152000123", "field.cccd.province"),
	BAD(FIELD_CCCD, "000152000123", "field.cccd.province"),
	BAD(FIELD_CCCD, "097152000123", "field.cccd.province"),
	BAD(FIELD_CCCD, "001299000123", "field.cccd.year"),   /* born 2099 */
	BAD(FIELD_CCCD, "001400000123", "field.cccd.year"),   /* 2100s */
	BAD(FIELD_CCCD, "001926000123", "field.cccd.year"),
	OK(FIELD_CCCD, "001226000123", "001226000123"),       /* born 2026 */
	/* phone */
	OK(FIELD_PHONE, "0912345678", "0912345678"),
	OK(FIELD_PHONE, "0912 345 678", "0912345678"),
	OK(FIELD_PHONE, "091.234.5678", "0912345678"),
	OK(FIELD_PHONE, "+84912345678", "0912345678"),
	OK(FIELD_PHONE, "+84 912 345 678", "0912345678"),
	OK(FIELD_PHONE, "+84 (0) 912 345 678", "0912345678"),
	OK(FIELD_PHONE, "84912345678", "0912345678"),
	OK(FIELD_PHONE, "0084912345678", "0912345678"),
	OK(FIELD_PHONE, "0321234567", "0321234567"),
	OK(FIELD_PHONE, "0561234567", "0561234567"),
	OK(FIELD_PHONE, "0701234567", "0701234567"),
	OK(FIELD_PHONE, "0812345678", "0812345678"),
	OK(FIELD_PHONE, "02431234567", "02431234567"),
	OK(FIELD_PHONE, "+84 24 3123 4567", "02431234567"),
	OK(FIELD_PHONE, "(0236) 3123 456", "02363123456"),
	BAD(FIELD_PHONE, "", "field.empty"),
	BAD(FIELD_PHONE, "091234567", "field.phone.length"),
	BAD(FIELD_PHONE, "09123456789", "field.phone.length"),
	BAD(FIELD_PHONE, "0243123456", "field.phone.landline_length"),
	BAD(FIELD_PHONE, "0112345678", "field.phone.prefix"),
	BAD(FIELD_PHONE, "0412345678", "field.phone.prefix"),
	BAD(FIELD_PHONE, "0612345678", "field.phone.prefix"),
	BAD(FIELD_PHONE, "912345678", "field.phone.prefix"),
	BAD(FIELD_PHONE, "09123abc78", "field.phone.digits"),
	BAD(FIELD_PHONE, "+1 202 555 0100", "field.phone.foreign"),
	BAD(FIELD_PHONE, "+", "field.phone.digits"),
	BAD(FIELD_PHONE, "0912345678901234567890123456789012345678901234567890123456789012345",
	    "field.phone.length"),
	/* dates */
	OK(FIELD_DATE, "05/03/1958", "05/03/1958"),
	OK(FIELD_DATE, "5/3/1958", "05/03/1958"),
	OK(FIELD_DATE, "05031958", "05/03/1958"),
	OK(FIELD_DATE, "5-3-1958", "05/03/1958"),
	OK(FIELD_DATE, "5.3.1958", "05/03/1958"),
	OK(FIELD_DATE, " 5 / 3 / 1958 ", "05/03/1958"),
	OK(FIELD_DATE, "29/02/2024", "29/02/2024"),
	OK(FIELD_DATE, "29/02/2000", "29/02/2000"),
	OK(FIELD_DATE, "31/12/2030", "31/12/2030"),           /* a plain date may be ahead */
	/* each wrong part has its own message (the day/month/year fill it in) */
	BAD(FIELD_DATE, "29/02/1900", "field.date.not_leap"),  /* 1900: not a leap year */
	BAD(FIELD_DATE, "29/02/2023", "field.date.not_leap"),
	BAD(FIELD_DATE, "30/02/2024", "field.date.no_day"),
	BAD(FIELD_DATE, "31022025", "field.date.no_day"),
	BAD(FIELD_DATE, "31/04/1960", "field.date.no_day"),
	BAD(FIELD_DATE, "31/06/1960", "field.date.no_day"),
	BAD(FIELD_DATE, "31/09/1960", "field.date.no_day"),
	BAD(FIELD_DATE, "31/11/1960", "field.date.no_day"),
	OK(FIELD_DATE, "31/12/1960", "31/12/1960"),
	OK(FIELD_DATE, "31/07/1960", "31/07/1960"),
	OK(FIELD_DATE, "31/08/1960", "31/08/1960"),
	BAD(FIELD_DATE, "00/01/1960", "field.date.day_zero"),
	BAD(FIELD_DATE, "01/13/1960", "field.date.month"),
	BAD(FIELD_DATE, "15001960", "field.date.month"),
	BAD(FIELD_DATE, "32/13/1960", "field.date.month"),     /* the month is named first */
	BAD(FIELD_DATE, "32/01/1960", "field.date.no_day"),
	BAD(FIELD_DATE, "01/01/0958", "field.date.year_range"),
	BAD(FIELD_DATE, "5/3/58", "field.date.year4"),
	BAD(FIELD_DATE, "050358", "field.date.year4"),
	BAD(FIELD_DATE, "0503195", "field.date.incomplete"),   /* the mask is not full */
	BAD(FIELD_DATE, "3", "field.date.incomplete"),
	BAD(FIELD_DATE, "050319581", "field.date.format"),
	BAD(FIELD_DATE, "5/3-1958", "field.date.format"),
	BAD(FIELD_DATE, "5//1958", "field.date.format"),
	BAD(FIELD_DATE, "5/3/1958/1", "field.date.format"),
	BAD(FIELD_DATE, "123/3/1958", "field.date.format"),
	BAD(FIELD_DATE, "ngày 5 tháng 3", "field.date.format"),
	BAD(FIELD_DATE, "", "field.empty"),
	BAD(FIELD_DATE, "01/01/1899", "field.date.year_range"),
	BAD(FIELD_DATE, "01/01/2100", "field.date.year_range"),
	OK(FIELD_BIRTHDATE, "01/01/1900", "01/01/1900"),
	OK(FIELD_BIRTHDATE, "28/11/2026", "28/11/2026"),      /* today */
	BAD(FIELD_BIRTHDATE, "29/11/2026", "field.date.future"),
	BAD(FIELD_BIRTHDATE, "01/01/2027", "field.date.future"),
	BAD(FIELD_BIRTHDATE, "31/12/1899", "field.date.too_old"),
	BAD(FIELD_BIRTHDATE, "30/02/1960", "field.date.no_day"),
	BAD(FIELD_BIRTHDATE, "01010958", "field.date.too_old"),
	OK(FIELD_BIRTHDATE, "29021960", "29/02/1960"),
	/* sex */
	OK(FIELD_SEX, "nam", "nam"),
	OK(FIELD_SEX, "Nam", "nam"),
	OK(FIELD_SEX, "NAM", "nam"),
	OK(FIELD_SEX, "nu", "nu"),
	OK(FIELD_SEX, "Nữ", "nu"),
	OK(FIELD_SEX, "NỮ", "nu"),
	OK(FIELD_SEX, "N\xc6\xb0\xcc\x83", "nu"), /* NFD */
	OK(FIELD_SEX, " female ", "nu"),
	OK(FIELD_SEX, "male", "nam"),
	BAD(FIELD_SEX, "khác", "field.sex.invalid"),
	BAD(FIELD_SEX, "", "field.empty"),
	/* address and text */
	OK(FIELD_ADDRESS, "  Thôn   Mẫu,  Xã Mẫu ", "Thôn Mẫu, Xã Mẫu"),
	OK(FIELD_ADDRESS, "Số 5, ngõ 12/3, Cư M'gar, Đắk Lắk", "Số 5, ngõ 12/3, Cư M'gar, Đắk Lắk"),
	OK(FIELD_ADDRESS, "Tho\xcc\x82n", "Thôn"),
	BAD(FIELD_ADDRESS, "Thôn\r\nXã", "field.bad_chars"),
	BAD(FIELD_ADDRESS, "\x1b[31m", "field.bad_chars"),
	BAD(FIELD_ADDRESS, " ", "field.empty"),
	{ FIELD_ADDRESS, "Thôn Mẫu", "field.too_long", KIOSK_EINVAL, 5 },
	OK(FIELD_TEXT, "để đăng ký kết hôn", "để đăng ký kết hôn"),
	{ FIELD_TEXT, "12345", "12345", KIOSK_OK, 5 },
	{ FIELD_TEXT, "123456", "field.too_long", KIOSK_EINVAL, 5 },
	BAD(FIELD_TEXT, "a\x01", "field.bad_chars"),
	BAD(FIELD_TEXT, "\xef\xbb\xbf", "field.bad_chars"),
};

static void run_case(const fcase_t *c, const field_ctx_t *ctx)
{
	char out[FIELD_OUT_MAX];
	const char *msg = "unset";
	memset(out, 'x', sizeof out);
	int rc = field_validate(c->type, c->in, c->max_len, ctx, out, sizeof out, &msg);
	note_key(msg);
	if (rc != c->rc || (rc == KIOSK_OK && strcmp(out, c->want)) ||
	    (rc != KIOSK_OK && (!msg || strcmp(msg, c->want) || out[0])))
		fail_msg("type %s input \"%s\": want rc %d \"%s\", got rc %d out \"%s\" msg %s",
			 catalog_field_type_name(c->type), c->in, c->rc, c->want, rc,
			 rc ? "" : out, msg ? msg : "NULL");
	if (rc == KIOSK_OK) {
		assert_null(msg);
		assert_true(text_is_nfc(out, strlen(out)));
	}
}

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(cases); i++)
		run_case(&cases[i], &base_ctx);
}

static void test_long_name(void **state)
{
	(void)state;
	char in[400];
	memset(in, 'a', sizeof in - 1);
	in[sizeof in - 1] = '\0';
	char out[FIELD_OUT_MAX];
	const char *msg;
	assert_int_equal(field_validate(FIELD_NAME, in, 0, NULL, out, sizeof out, &msg), KIOSK_EINVAL);
	assert_string_equal(msg, "field.too_long");
	in[FIELD_NAME_MAX] = '\0';
	assert_int_equal(field_validate(FIELD_NAME, in, 0, NULL, out, sizeof out, &msg), KIOSK_OK);
	assert_int_equal(out[0], 'A');
	/* a too small out buffer is reported, never overrun */
	char small[4];
	assert_int_equal(field_validate(FIELD_NAME, "an binh", 0, NULL, small, sizeof small, &msg),
			 KIOSK_ERANGE);
	assert_string_equal(msg, "field.too_long");
	assert_string_equal(small, "");
	/* huge input refused before any work */
	char *huge = malloc(20000);
	assert_non_null(huge);
	memset(huge, 'a', 19999);
	huge[19999] = '\0';
	assert_int_equal(field_validate(FIELD_TEXT, huge, 1000, NULL, out, sizeof out, &msg), KIOSK_EINVAL);
	assert_string_equal(msg, "field.too_long");
	free(huge);
	/* 1000 Vietnamese characters fit FIELD_OUT_MAX */
	char *big = malloc(4000);
	assert_non_null(big);
	big[0] = '\0';
	for (int i = 0; i < 1000; i++)
		strcat(big, "ữ");
	assert_int_equal(field_validate(FIELD_TEXT, big, 1000, NULL, out, sizeof out, &msg), KIOSK_OK);
	assert_int_equal(text_count(out), 1000);
	free(big);
}

static void test_cccd_context(void **state)
{
	(void)state;
	field_ctx_t ctx = base_ctx;
	char out[32];
	const char *msg;
	/* 001 152 ...: female (digit 1), born 1952 */
	field_ctx_set_dob(&ctx, "15/05/1952");
	field_ctx_set_sex(&ctx, "nu");
	assert_int_equal(field_validate(FIELD_CCCD, "001152000123", 0, &ctx, out, sizeof out, &msg), KIOSK_OK);
	field_ctx_set_sex(&ctx, "nam");
	assert_int_equal(field_validate(FIELD_CCCD, "001152000123", 0, &ctx, out, sizeof out, &msg), KIOSK_EINVAL);
	assert_string_equal(msg, "field.cccd.sex_mismatch");
	note_key(msg);
	ctx.sex = FIELD_SEX_UNKNOWN;
	field_ctx_set_dob(&ctx, "15/05/2052");
	assert_int_equal(field_validate(FIELD_CCCD, "001152000123", 0, &ctx, out, sizeof out, &msg), KIOSK_EINVAL);
	assert_string_equal(msg, "field.cccd.dob_mismatch");
	note_key(msg);
	field_ctx_set_dob(&ctx, "01/01/1953");
	assert_int_equal(field_validate(FIELD_CCCD, "001152000123", 0, &ctx, out, sizeof out, &msg), KIOSK_EINVAL);
	/* 079 2 01: male, 2001 */
	field_ctx_set_dob(&ctx, "02032001");
	ctx.sex = FIELD_SEX_MALE;
	assert_int_equal(field_validate(FIELD_CCCD, "079201000456", 0, &ctx, out, sizeof out, &msg), KIOSK_OK);
	assert_int_equal(field_check_cccd("079301000456", &ctx, &msg), KIOSK_EINVAL);
	assert_string_equal(msg, "field.cccd.sex_mismatch");
	/* an invalid dob string leaves the context alone */
	field_ctx_t c2 = { 0 };
	field_ctx_set_dob(&c2, "31/02/2001");
	assert_int_equal(c2.dob_year, 0);
	field_ctx_set_sex(&c2, "khác");
	assert_int_equal(c2.sex, FIELD_SEX_UNKNOWN);
	/* without a clock no future check: 2099 passes the year test */
	assert_int_equal(field_check_cccd("001299000123", NULL, &msg), KIOSK_OK);
}

static void test_provinces(void **state)
{
	(void)state;
	int n = 0;
	for (int c = 0; c < 1000; c++)
		if (field_province_name(c))
			n++;
	assert_int_equal(n, 63);
	assert_string_equal(field_province_name(1), "Hà Nội");
	assert_string_equal(field_province_name(79), "Hồ Chí Minh");
	assert_string_equal(field_province_name(96), "Cà Mau");
	assert_null(field_province_name(3));
	assert_null(field_province_name(97));
}

static void test_catalog_field(void **state)
{
	(void)state;
	catalog_field_t f = { .id = "phone", .type = FIELD_PHONE, .required = false };
	char out[64];
	const char *msg;
	assert_int_equal(field_validate_field(&f, "  ", NULL, out, sizeof out, &msg), KIOSK_OK);
	assert_string_equal(out, "");
	assert_null(msg);
	f.required = true;
	assert_int_equal(field_validate_field(&f, "", NULL, out, sizeof out, &msg), KIOSK_EINVAL);
	assert_string_equal(msg, "field.required");
	note_key(msg);
	assert_int_equal(field_validate_field(&f, "+84 912345678", NULL, out, sizeof out, &msg), KIOSK_OK);
	assert_string_equal(out, "0912345678");
	catalog_field_t t = { .id = "purpose", .type = FIELD_TEXT, .required = false, .max_len = 4 };
	assert_int_equal(field_validate_field(&t, "abcde", NULL, out, sizeof out, &msg), KIOSK_EINVAL);
	assert_string_equal(msg, "field.too_long");
	assert_int_equal(field_default_max_len(FIELD_ADDRESS), 200);
	assert_int_equal(field_default_max_len(FIELD_TEXT), 300);
	assert_int_equal(field_default_max_len(FIELD_PHONE), 0);
	assert_int_equal(field_max_len(&t), 4);
	t.max_len = 0;
	assert_int_equal(field_max_len(&t), FIELD_TEXT_MAX);
	assert_int_equal(field_max_len(&f), 0);
}

static void test_date_mask(void **state)
{
	(void)state;
	char out[16], d[16];
	static const struct { const char *in, *want; } m[] = {
		{"", "__/__/____"}, {"3", "3_/__/____"}, {"31", "31/__/____"},
		{"310", "31/0_/____"}, {"3102", "31/02/____"}, {"3102202", "31/02/202_"},
		{"31022025", "31/02/2025"}, {"15/08/1952", "15/08/1952"},
		{"310220251", "31/02/2025"}, /* never more than 8 digits */
	};
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(m); i++) {
		field_date_mask(m[i].in, out, sizeof out);
		assert_string_equal(out, m[i].want);
	}
	field_date_mask("3102", out, 10); /* too small for the mask */
	assert_string_equal(out, "");
	assert_int_equal(field_date_digits("15/08/1952", d, sizeof d), 8);
	assert_string_equal(d, "15081952");
	field_date_t p;
	assert_int_equal(field_date_parts("31022025", &p), KIOSK_OK);
	assert_int_equal(p.day, 31);
	assert_int_equal(p.month, 2);
	assert_int_equal(p.year, 2025);
	assert_int_equal(field_date_parts("3102", &p), KIOSK_EINVAL);
	assert_int_equal(field_days_in_month(2024, 2), 29);
	assert_int_equal(field_days_in_month(2100, 2), 28);
	assert_int_equal(field_days_in_month(2000, 2), 29);
	assert_int_equal(field_days_in_month(2025, 4), 30);
	assert_int_equal(field_days_in_month(2025, 13), 0);
}

/* ---- i18n: every returned key exists in both languages ------------------- */

static cJSON *load_json(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	cJSON *j = cJSON_Parse(buf);
	if (!j)
		fail_msg("%s is not valid JSON", path);
	return j;
}

static void test_messages_exist(void **state)
{
	(void)state;
	cJSON *vi = load_json("assets/i18n/vi/field.json");
	cJSON *en = load_json("assets/i18n/en/field.json");
	assert_true(nseen > 15);
	for (size_t i = 0; i < nseen; i++) {
		const cJSON *a = cJSON_GetObjectItemCaseSensitive(vi, seen_keys[i]);
		const cJSON *b = cJSON_GetObjectItemCaseSensitive(en, seen_keys[i]);
		if (!cJSON_IsString(a) || !cJSON_IsString(b))
			fail_msg("message key %s missing in vi or en field.json", seen_keys[i]);
	}
	/* both files have the same keys, all "field." and NFC */
	assert_int_equal(cJSON_GetArraySize(vi), cJSON_GetArraySize(en));
	for (const cJSON *m = vi->child; m; m = m->next) {
		assert_int_equal(strncmp(m->string, "field.", 6), 0);
		assert_non_null(cJSON_GetObjectItemCaseSensitive(en, m->string));
		assert_true(text_is_nfc(m->valuestring, strlen(m->valuestring)));
	}
	cJSON_Delete(vi);
	cJSON_Delete(en);
}

static int setup(void **state)
{
	(void)state;
	vstate.trusted = true;
	assert_int_equal(kclock_parse_iso("2026-11-28T10:00:00+07:00", &vstate.now_ms), KIOSK_OK);
	kclock_virtual(&vclock, &vstate);
	memset(&base_ctx, 0, sizeof base_ctx);
	base_ctx.clock = &vclock;
	return 0;
}

/* text_is_nfc: the ASCII fast path and the full check agree with NFC. */
static void test_is_nfc(void **state)
{
	(void)state;
#define NFC(lit) text_is_nfc(lit, sizeof lit - 1)
	assert_true(NFC(""));
	assert_true(NFC("Counter 3: A001"));
	assert_false(NFC("A\0B"));                        /* NUL inside */
	assert_true(NFC("Nguy\xe1\xbb\x85n"));             /* Nguyễn, precomposed */
	assert_false(NFC("Nguye\xcc\x82\xcc\x83n"));        /* e + circumflex + tilde */
	assert_true(NFC("caf\xc3\xa9"));                   /* café */
	assert_false(NFC("cafe\xcc\x81"));                 /* cafe + combining acute */
	assert_false(NFC("ab\xc3"));                        /* cut sequence */
	assert_false(NFC("\xc0\xaf"));                     /* overlong */
	assert_true(text_is_nfc("Nguy\xe1\xbb\x85n", 4));   /* the ASCII part alone */
	assert_false(NFC("Nguy\xc3\xaa\xcc\x83n"));        /* ê then a tilde: ễ */
	assert_false(NFC("\xc3\xa9\xe1\xbb"));            /* quick letter, then a cut one */
	assert_false(NFC("\xed\xa0\x80"));                /* a surrogate */
	assert_false(NFC("\xe0\x80\xaf"));                /* overlong, three bytes */
	assert_true(NFC("\xc3\xa9 \xf0\x9f\x98\x80"));    /* four bytes: utf8proc decides */
	assert_false(NFC("\xe2\x84\xab"));                /* U+212B (singleton to U+00C5) */
#undef NFC
}

/* Every pair of a quick code point after ASCII or another quick one is NFC
 * by utf8proc too: the quick path can never call a string NFC that is not. */
static void test_nfc_quick_set(void **state)
{
	(void)state;
	uint32_t set[1024];
	size_t n = 0;
	for (uint32_t cp = 0x20; cp < 0x3000; cp++)
		if (text_nfc_quick(cp)) {
			assert_true(n < 1024);
			set[n++] = cp;
		}
	assert_true(n > 700);
	assert_true(text_nfc_quick(0x1EC5) && text_nfc_quick(0x0111) && !text_nfc_quick(0x0301));
	for (size_t a = 0; a < n; a++) {
		assert_int_equal(utf8proc_get_property((utf8proc_int32_t)set[a])->combining_class, 0);
		for (size_t b = 0; b < n; b++) {
			if (set[b] < 0x7F)
				continue; /* ASCII after ASCII: nothing composes */
			char s[16] = "";
			assert_int_equal(text_append_cp(s, sizeof s, set[a]), KIOSK_OK);
			assert_int_equal(text_append_cp(s, sizeof s, set[b]), KIOSK_OK);
			utf8proc_uint8_t *out = NULL;
			utf8proc_ssize_t len = utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
							    UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE);
			bool same = len >= 0 && (size_t)len == strlen(s) && memcmp(out, s, (size_t)len) == 0;
			free(out);
			if (!same)
				fail_msg("U+%04X U+%04X is not NFC", (unsigned)set[a], (unsigned)set[b]);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_long_name),
		cmocka_unit_test(test_cccd_context),
		cmocka_unit_test(test_provinces),
		cmocka_unit_test(test_catalog_field),
		cmocka_unit_test(test_date_mask),
		cmocka_unit_test(test_messages_exist),
		cmocka_unit_test(test_is_nfc),
		cmocka_unit_test(test_nfc_quick_set),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
