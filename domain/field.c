/* field.c - per-type normalisation and validation of form values: names
 * (Vietnamese letters, table-driven title case via utf8proc), citizen ID
 * numbers (province, century/sex digit, birth year cross-checks), phone
 * numbers, dates, sex, addresses and free text. See docs/forms.md. */
#include "domain/field.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/kiosk.h"
#include "core/text.h"

/* Longest input accepted before any work: far above every limit. */
#define FIELD_IN_MAX 8192

/* ---- provinces (codes of Thông tư 07/2016/TT-BCA, before the 2025 merger) */

static const struct {
	int code;
	const char *name;
} provinces[] = {
	{ 1, "Hà Nội" }, { 2, "Hà Giang" }, { 4, "Cao Bằng" }, { 6, "Bắc Kạn" },
	{ 8, "Tuyên Quang" }, { 10, "Lào Cai" }, { 11, "Điện Biên" }, { 12, "Lai Châu" },
	{ 14, "Sơn La" }, { 15, "Yên Bái" }, { 17, "Hòa Bình" }, { 19, "Thái Nguyên" },
	{ 20, "Lạng Sơn" }, { 22, "Quảng Ninh" }, { 24, "Bắc Giang" }, { 25, "Phú Thọ" },
	{ 26, "Vĩnh Phúc" }, { 27, "Bắc Ninh" }, { 30, "Hải Dương" }, { 31, "Hải Phòng" },
	{ 33, "Hưng Yên" }, { 34, "Thái Bình" }, { 35, "Hà Nam" }, { 36, "Nam Định" },
	{ 37, "Ninh Bình" }, { 38, "Thanh Hóa" }, { 40, "Nghệ An" }, { 42, "Hà Tĩnh" },
	{ 44, "Quảng Bình" }, { 45, "Quảng Trị" }, { 46, "Thừa Thiên Huế" }, { 48, "Đà Nẵng" },
	{ 49, "Quảng Nam" }, { 51, "Quảng Ngãi" }, { 52, "Bình Định" }, { 54, "Phú Yên" },
	{ 56, "Khánh Hòa" }, { 58, "Ninh Thuận" }, { 60, "Bình Thuận" }, { 62, "Kon Tum" },
	{ 64, "Gia Lai" }, { 66, "Đắk Lắk" }, { 67, "Đắk Nông" }, { 68, "Lâm Đồng" },
	{ 70, "Bình Phước" }, { 72, "Tây Ninh" }, { 74, "Bình Dương" }, { 75, "Đồng Nai" },
	{ 77, "Bà Rịa - Vũng Tàu" }, { 79, "Hồ Chí Minh" }, { 80, "Long An" }, { 82, "Tiền Giang" },
	{ 83, "Bến Tre" }, { 84, "Trà Vinh" }, { 86, "Vĩnh Long" }, { 87, "Đồng Tháp" },
	{ 89, "An Giang" }, { 91, "Kiên Giang" }, { 92, "Cần Thơ" }, { 93, "Hậu Giang" },
	{ 94, "Sóc Trăng" }, { 95, "Bạc Liêu" }, { 96, "Cà Mau" },
};

const char *field_province_name(int code)
{
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(provinces); i++)
		if (provinces[i].code == code)
			return provinces[i].name;
	return NULL;
}

/* ---- helpers ------------------------------------------------------------- */

static void wipe_free(char *p)
{
	if (p) {
		explicit_bzero(p, strlen(p));
		free(p);
	}
}

static int set_msg(const char **msg, const char *key)
{
	*msg = key;
	return KIOSK_EINVAL;
}

static int put(char *out, size_t cap, const char *s, const char **msg)
{
	size_t n = strlen(s);
	if (n >= cap) {
		if (cap)
			out[0] = '\0';
		*msg = "field.too_long";
		return KIOSK_ERANGE;
	}
	memcpy(out, s, n + 1);
	*msg = NULL;
	return KIOSK_OK;
}

static bool is_space_cp(int32_t cp)
{
	return cp == ' ' || cp == 0xA0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200A) ||
	       cp == 0x202F;
}

static bool is_control_cp(int32_t cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0xFEFF || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E);
}

/* NFC copy of in with ends trimmed and inner space runs collapsed to one
 * ASCII space. Tabs count as spaces; other controls fail. *msg on error.
 * Returns a malloc'd string (wipe_free it) or NULL. */
static char *clean_text(const char *in, const char **msg)
{
	size_t len = strnlen(in, FIELD_IN_MAX + 1);
	if (len > FIELD_IN_MAX) {
		*msg = "field.too_long";
		return NULL;
	}
	if (!text_utf8_valid(in, len)) {
		*msg = "field.bad_chars";
		return NULL;
	}
	char *nfc = text_nfc(in);
	if (!nfc) {
		*msg = "field.bad_chars";
		return NULL;
	}
	size_t nlen = strlen(nfc);
	char *out = malloc(nlen + 1);
	if (!out) {
		wipe_free(nfc);
		*msg = "field.bad_chars";
		return NULL;
	}
	size_t i = 0, o = 0;
	bool pending_space = false;
	int32_t cp;
	while (i < nlen) {
		size_t start = i;
		cp = text_next(nfc, nlen, &i);
		if (cp < 0) {
			*msg = "field.bad_chars";
			goto fail;
		}
		if (cp == '\t' || is_space_cp(cp)) {
			pending_space = o > 0;
			continue;
		}
		if (is_control_cp(cp)) {
			*msg = "field.bad_chars";
			goto fail;
		}
		if (pending_space)
			out[o++] = ' ';
		pending_space = false;
		memcpy(out + o, nfc + start, i - start);
		o += i - start;
	}
	out[o] = '\0';
	wipe_free(nfc);
	return out;
fail:
	explicit_bzero(out, nlen + 1);
	free(out);
	wipe_free(nfc);
	return NULL;
}

int field_default_max_len(field_type_t type)
{
	switch (type) {
	case FIELD_NAME: return FIELD_NAME_MAX;
	case FIELD_ADDRESS: return FIELD_ADDRESS_MAX;
	case FIELD_TEXT: return FIELD_TEXT_MAX;
	default: return 0;
	}
}

int field_max_len(const catalog_field_t *f)
{
	if (!f)
		return 0;
	return f->max_len > 0 ? f->max_len : field_default_max_len(f->type);
}

/* Keep only the digits of s; other allowed separators are skipped, anything
 * else fails. Returns the digit count, or -1. */
static int digits_only(const char *s, const char *seps, char *out, size_t cap)
{
	size_t o = 0;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (o + 1 >= cap)
				return -1;
			out[o++] = *s;
		} else if (!strchr(seps, *s)) {
			return -1;
		}
	}
	out[o] = '\0';
	return (int)o;
}

/* ---- name ---------------------------------------------------------------- */

/* Letters a Vietnamese (or Latin-script minority) name may hold: ASCII
 * letters and the Latin letter blocks (Latin-1, Extended-A/B, Extended
 * Additional), which cover all 134 Vietnamese letters. */
static bool name_letter(int32_t cp)
{
	if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
		return true;
	if (!((cp >= 0xC0 && cp <= 0x24F) || (cp >= 0x1E00 && cp <= 0x1EFF)))
		return false;
	utf8proc_category_t c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL || c == UTF8PROC_CATEGORY_LT;
}

static int check_name(const char *in, int max_len, char *out, size_t cap, const char **msg)
{
	char *s = clean_text(in, msg);
	if (!s)
		return KIOSK_EINVAL;
	int rc = KIOSK_OK;
	size_t len = strlen(s);
	if (len == 0) {
		rc = set_msg(msg, "field.empty");
		goto done;
	}
	if (text_count(s) > (size_t)max_len) {
		rc = set_msg(msg, "field.too_long");
		goto done;
	}
	bool any_upper = false, any_letter = false;
	size_t i = 0;
	int32_t cp, prev = ' ';
	while ((cp = text_next(s, len, &i)) >= 0) {
		if (name_letter(cp)) {
			any_letter = true;
			if (utf8proc_category(cp) != UTF8PROC_CATEGORY_LL)
				any_upper = true;
		} else if (cp == ' ' || cp == '\'' || cp == '-' || cp == 0x2019) {
			/* a mark must sit next to letters: no "--", "' " or leading '-' */
			if (cp != ' ' && (prev == ' ' || prev == '\'' || prev == '-' || prev == 0x2019)) {
				rc = set_msg(msg, "field.name.bad_char");
				goto done;
			}
		} else if (cp >= '0' && cp <= '9') {
			rc = set_msg(msg, "field.name.digit");
			goto done;
		} else {
			rc = set_msg(msg, "field.name.bad_char");
			goto done;
		}
		prev = cp;
	}
	if (!any_letter) {
		rc = set_msg(msg, "field.name.bad_char");
		goto done;
	}
	if (prev == '\'' || prev == '-' || prev == 0x2019) {
		rc = set_msg(msg, "field.name.bad_char");
		goto done;
	}
	/* Typographic apostrophe becomes ASCII; all-lowercase is title-cased
	 * from Unicode's case table (utf8proc), never tolower/toupper. */
	char *t = malloc(len * 2 + 8);
	if (!t) {
		rc = set_msg(msg, "field.too_long");
		goto done;
	}
	size_t o = 0;
	i = 0;
	prev = ' ';
	while ((cp = text_next(s, len, &i)) >= 0) {
		int32_t w = cp == 0x2019 ? '\'' : cp;
		if (!any_upper && (prev == ' ' || prev == '-') && name_letter(w))
			w = utf8proc_totitle(w);
		o += (size_t)utf8proc_encode_char(w, (utf8proc_uint8_t *)t + o);
		prev = cp;
	}
	t[o] = '\0';
	char *n = text_nfc(t);
	explicit_bzero(t, len * 2 + 8);
	free(t);
	if (!n) {
		rc = set_msg(msg, "field.bad_chars");
		goto done;
	}
	rc = put(out, cap, n, msg);
	wipe_free(n);
done:
	wipe_free(s);
	return rc;
}

/* ---- dates --------------------------------------------------------------- */

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

int field_days_in_month(int year, int month)
{
	return month >= 1 && month <= 12 ? days_in(year, month) : 0;
}

/* The numbers as typed, no calendar check: for a message's {day}, {month},
 * {year}. */
static int date_parts(const char *in, field_date_t *out, const char **msg);

int field_date_parts(const char *in, field_date_t *out)
{
	const char *msg;
	return in ? date_parts(in, out, &msg) : KIOSK_EINVAL;
}

size_t field_date_digits(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	if (cap == 0)
		return 0;
	for (; in && *in && o < FIELD_DATE_DIGITS && o + 1 < cap; in++)
		if (*in >= '0' && *in <= '9')
			out[o++] = *in;
	out[o] = '\0';
	return o;
}

void field_date_mask(const char *in, char *out, size_t cap)
{
	/* dd/mm/yyyy: the digits typed so far, '_' where one is still to come;
	 * the slashes belong to the mask. */
	char d[FIELD_DATE_DIGITS + 1];
	field_date_digits(in, d, sizeof d);
	text_fill_mask("__/__/____", d, out, cap);
	explicit_bzero(d, sizeof d);
}

int field_parse_date(const char *in, field_date_t *out, const char **msg)
{
	int rc = date_parts(in, out, msg);
	if (rc)
		return rc;
	int d = out->day, m = out->month, y = out->year;
	out->year = out->month = out->day = 0;
	/* Say which part is wrong: the month first, then the day. */
	if (m < 1 || m > 12)
		return set_msg(msg, "field.date.month");
	if (d < 1)
		return set_msg(msg, "field.date.day_zero");
	if (d > days_in(y, m))
		return set_msg(msg, m == 2 && d == 29 ? "field.date.not_leap" : "field.date.no_day");
	if (y < 1000)
		return set_msg(msg, "field.date.year_range");
	out->year = y;
	out->month = m;
	out->day = d;
	return KIOSK_OK;
}

static int date_parts(const char *in, field_date_t *out, const char **msg)
{
	out->year = out->month = out->day = 0;
	*msg = NULL;
	char buf[40];
	size_t n = 0;
	/* drop spaces */
	for (const char *p = in; *p; p++) {
		if (*p == ' ')
			continue;
		if (n + 1 >= sizeof buf)
			return set_msg(msg, "field.date.format");
		buf[n++] = *p;
	}
	buf[n] = '\0';
	if (n == 0)
		return set_msg(msg, "field.empty");
	int part[3] = { 0, 0, 0 }, width[3] = { 0, 0, 0 }, k = 0;
	bool digits = true;
	for (size_t i = 0; i < n; i++)
		if (buf[i] < '0' || buf[i] > '9')
			digits = false;
	if (digits) {
		if (n != 8)
			return set_msg(msg, n == 6 ? "field.date.year4"
					    : n < 8 ? "field.date.incomplete" : "field.date.format");
		part[0] = (buf[0] - '0') * 10 + (buf[1] - '0');
		part[1] = (buf[2] - '0') * 10 + (buf[3] - '0');
		part[2] = atoi(buf + 4);
		width[0] = width[1] = 2;
		width[2] = 4;
	} else {
		char sep = 0;
		for (size_t i = 0; i < n; i++) {
			char c = buf[i];
			if (c >= '0' && c <= '9') {
				if (width[k] >= 4)
					return set_msg(msg, "field.date.format");
				part[k] = part[k] * 10 + (c - '0');
				width[k]++;
			} else if (c == '/' || c == '-' || c == '.') {
				if (sep && c != sep)
					return set_msg(msg, "field.date.format");
				sep = c;
				if (++k > 2 || width[k - 1] == 0)
					return set_msg(msg, "field.date.format");
			} else {
				return set_msg(msg, "field.date.format");
			}
		}
		if (k != 2 || width[2] == 0 || width[0] > 2 || width[1] > 2)
			return set_msg(msg, "field.date.format");
		if (width[2] != 4)
			return set_msg(msg, "field.date.year4");
	}
	out->day = part[0];
	out->month = part[1];
	out->year = part[2];
	return KIOSK_OK;
}

static int today_key(const field_ctx_t *ctx)
{
	if (!ctx || !ctx->clock)
		return 0;
	kclock_local_t l;
	kclock_to_local(kclock_now(ctx->clock), &l);
	return l.yday_key;
}

static int check_date(const char *in, bool birth, const field_ctx_t *ctx, char *out,
		      size_t cap, const char **msg)
{
	field_date_t d;
	int rc = field_parse_date(in, &d, msg);
	if (rc == KIOSK_EINVAL && birth && *msg && !strcmp(*msg, "field.date.year_range"))
		*msg = "field.date.too_old";
	if (rc)
		return rc;
	if (d.year < 1900)
		return set_msg(msg, birth ? "field.date.too_old" : "field.date.year_range");
	if (!birth && d.year > 2099)
		return set_msg(msg, "field.date.year_range");
	int key = d.year * 10000 + d.month * 100 + d.day;
	int today = today_key(ctx);
	if (birth && today && key > today)
		return set_msg(msg, "field.date.future");
	char buf[48];
	snprintf(buf, sizeof buf, "%02d/%02d/%04d", d.day, d.month, d.year);
	return put(out, cap, buf, msg);
}

/* ---- citizen ID ---------------------------------------------------------- */

int field_check_cccd(const char *digits, const field_ctx_t *ctx, const char **msg)
{
	*msg = NULL;
	size_t n = strlen(digits);
	for (size_t i = 0; i < n; i++)
		if (digits[i] < '0' || digits[i] > '9')
			return set_msg(msg, "field.cccd.digits");
	if (n == 9)
		return set_msg(msg, "field.cccd.old_cmnd");
	if (n != 12)
		return set_msg(msg, "field.cccd.length");
	int prov = (digits[0] - '0') * 100 + (digits[1] - '0') * 10 + (digits[2] - '0');
	/* 0xx: a province; a code not starting with 0 is a birth registered
	 * abroad (peers.md §4) and is not checked against the table. */
	if (digits[0] == '0' && !field_province_name(prov))
		return set_msg(msg, "field.cccd.province");
	int g = digits[3] - '0';
	int year = 1900 + (g / 2) * 100 + (digits[4] - '0') * 10 + (digits[5] - '0');
	field_sex_t sex = g % 2 ? FIELD_SEX_FEMALE : FIELD_SEX_MALE;
	int today = today_key(ctx);
	int this_year = today ? today / 10000 : 2099;
	if (year > this_year)
		return set_msg(msg, "field.cccd.year");
	if (ctx && ctx->dob_year && ctx->dob_year != year)
		return set_msg(msg, "field.cccd.dob_mismatch");
	if (ctx && ctx->sex != FIELD_SEX_UNKNOWN && ctx->sex != sex)
		return set_msg(msg, "field.cccd.sex_mismatch");
	return KIOSK_OK;
}

static int check_cccd(const char *in, const field_ctx_t *ctx, char *out, size_t cap,
		      const char **msg)
{
	char d[40];
	if (strnlen(in, 64) >= 64)
		return set_msg(msg, "field.cccd.length");
	int n = digits_only(in, " .-", d, sizeof d);
	if (n < 0) {
		int rc = set_msg(msg, "field.cccd.digits");
		explicit_bzero(d, sizeof d);
		return rc;
	}
	if (n == 0)
		return set_msg(msg, "field.empty");
	int rc = field_check_cccd(d, ctx, msg);
	if (rc == KIOSK_OK)
		rc = put(out, cap, d, msg);
	explicit_bzero(d, sizeof d);
	return rc;
}

/* ---- phone --------------------------------------------------------------- */

static int check_phone(const char *in, char *out, size_t cap, const char **msg)
{
	char d[40];
	const char *p = in;
	while (*p == ' ')
		p++;
	bool plus = *p == '+';
	if (plus)
		p++;
	if (strnlen(p, 64) >= 64)
		return set_msg(msg, "field.phone.length");
	int n = digits_only(p, " .-()", d, sizeof d);
	if (n < 0)
		return set_msg(msg, "field.phone.digits");
	if (n == 0)
		return set_msg(msg, plus ? "field.phone.digits" : "field.empty");
	char nat[40];
	/* +84 / 84 / 0084 forms become the national 0... form */
	const char *rest = NULL;
	if (plus) {
		if (strncmp(d, "84", 2) != 0)
			return set_msg(msg, "field.phone.foreign");
		rest = d + 2;
	} else if (strncmp(d, "0084", 4) == 0) {
		rest = d + 4;
	} else if (strncmp(d, "84", 2) == 0 && (n == 11 || n == 12)) {
		rest = d + 2;
	}
	if (rest) {
		if (rest[0] == '0')
			rest++; /* "+84 (0) 912..." */
		snprintf(nat, sizeof nat, "0%s", rest);
	} else {
		snprintf(nat, sizeof nat, "%s", d);
	}
	size_t len = strlen(nat);
	if (nat[0] != '0')
		return set_msg(msg, "field.phone.prefix");
	if (nat[1] == '2') {
		if (len != 11)
			return set_msg(msg, "field.phone.landline_length");
	} else if (strchr("35789", nat[1]) && nat[1]) {
		if (len != 10)
			return set_msg(msg, "field.phone.length");
	} else {
		return set_msg(msg, "field.phone.prefix");
	}
	return put(out, cap, nat, msg);
}

/* ---- sex ----------------------------------------------------------------- */

static int check_sex(const char *in, char *out, size_t cap, const char **msg)
{
	char *s = clean_text(in, msg);
	if (!s)
		return KIOSK_EINVAL;
	/* case-fold with the Unicode table */
	utf8proc_uint8_t *f = NULL;
	utf8proc_map((const utf8proc_uint8_t *)s, 0, &f,
		     UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
	int rc;
	if (!f || !*s)
		rc = set_msg(msg, *s ? "field.sex.invalid" : "field.empty");
	else if (!strcmp((char *)f, "nam") || !strcmp((char *)f, "male") || !strcmp((char *)f, "m"))
		rc = put(out, cap, "nam", msg);
	else if (!strcmp((char *)f, "nu") || !strcmp((char *)f, "n\xe1\xbb\xaf") ||
		 !strcmp((char *)f, "female") || !strcmp((char *)f, "f"))
		rc = put(out, cap, "nu", msg);
	else
		rc = set_msg(msg, "field.sex.invalid");
	free(f);
	wipe_free(s);
	return rc;
}

/* ---- address and text ---------------------------------------------------- */

static int check_free(const char *in, int max_len, char *out, size_t cap, const char **msg)
{
	char *s = clean_text(in, msg);
	if (!s)
		return KIOSK_EINVAL;
	int rc;
	if (!*s)
		rc = set_msg(msg, "field.empty");
	else if (text_count(s) > (size_t)max_len)
		rc = set_msg(msg, "field.too_long");
	else
		rc = put(out, cap, s, msg);
	wipe_free(s);
	return rc;
}

/* ---- entry points -------------------------------------------------------- */

int field_validate(field_type_t type, const char *in, int max_len, const field_ctx_t *ctx,
		   char *out, size_t cap, const char **msg)
{
	const char *dummy;
	if (!msg)
		msg = &dummy;
	*msg = NULL;
	if (out && cap)
		out[0] = '\0';
	if (!in || !out || cap == 0)
		return set_msg(msg, "field.empty");
	int lim = max_len > 0 ? max_len : field_default_max_len(type);
	int rc;
	switch (type) {
	case FIELD_NAME: rc = check_name(in, lim, out, cap, msg); break;
	case FIELD_CCCD: rc = check_cccd(in, ctx, out, cap, msg); break;
	case FIELD_PHONE: rc = check_phone(in, out, cap, msg); break;
	case FIELD_DATE: rc = check_date(in, false, ctx, out, cap, msg); break;
	case FIELD_BIRTHDATE: rc = check_date(in, true, ctx, out, cap, msg); break;
	case FIELD_SEX: rc = check_sex(in, out, cap, msg); break;
	case FIELD_ADDRESS:
	case FIELD_TEXT: rc = check_free(in, lim, out, cap, msg); break;
	default: rc = set_msg(msg, "field.bad_chars"); break;
	}
	if (rc != KIOSK_OK)
		out[0] = '\0';
	return rc;
}

static bool blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t')
			return false;
	return true;
}

int field_validate_field(const catalog_field_t *f, const char *in, const field_ctx_t *ctx,
			 char *out, size_t cap, const char **msg)
{
	const char *dummy;
	if (!msg)
		msg = &dummy;
	if (!f)
		return set_msg(msg, "field.empty");
	if (blank(in)) {
		if (out && cap)
			out[0] = '\0';
		if (f->required)
			return set_msg(msg, "field.required");
		*msg = NULL;
		return KIOSK_OK;
	}
	return field_validate(f->type, in, f->max_len, ctx, out, cap, msg);
}

void field_ctx_set_dob(field_ctx_t *ctx, const char *s)
{
	field_date_t d;
	const char *msg;
	if (ctx && s && field_parse_date(s, &d, &msg) == KIOSK_OK) {
		ctx->dob_year = d.year;
		ctx->dob_month = d.month;
		ctx->dob_day = d.day;
	}
}

void field_ctx_set_sex(field_ctx_t *ctx, const char *s)
{
	if (!ctx || !s)
		return;
	if (!strcmp(s, "nam"))
		ctx->sex = FIELD_SEX_MALE;
	else if (!strcmp(s, "nu"))
		ctx->sex = FIELD_SEX_FEMALE;
}
