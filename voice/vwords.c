/* vwords.c - Vietnamese words for numbers, letters and ticket numbers, so the
 * synthesiser only ever reads words (espeak-ng's own number reading cuts
 * "năm" short and confuses "mươi"/"mười": espeak-ng #2442). The rules are
 * those of docs/voice.md: mười/mươi, mốt, tư, lăm, linh (lẻ), không trăm. */
#include "voice/vwords.h"

#include <stdio.h>
#include <string.h>

#include "core/kiosk.h"

static const char *const DIGITS[10] = {
	"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
};

/* Letter names, upper and lower case of each letter. */
static const struct {
	const char *upper, *lower, *name;
} LETTERS[] = {
	{"A", "a", "a"},      {"Ă", "ă", "á"},       {"Â", "â", "ớ"},     {"B", "b", "bê"},
	{"C", "c", "xê"},     {"D", "d", "dê"},      {"Đ", "đ", "đê"},     {"E", "e", "e"},
	{"Ê", "ê", "ê"},      {"F", "f", "ép"},      {"G", "g", "giê"},    {"H", "h", "hát"},
	{"I", "i", "i"},      {"J", "j", "gi"},      {"K", "k", "ca"},     {"L", "l", "e lờ"},
	{"M", "m", "em mờ"},  {"N", "n", "en nờ"},   {"O", "o", "o"},      {"Ô", "ô", "ô"},
	{"Ơ", "ơ", "ơ"},      {"P", "p", "pê"},      {"Q", "q", "quy"},    {"R", "r", "e rờ"},
	{"S", "s", "ét xì"},  {"T", "t", "tê"},      {"U", "u", "u"},      {"Ư", "ư", "ư"},
	{"V", "v", "vê"},     {"W", "w", "vê kép"},  {"X", "x", "ích xì"}, {"Y", "y", "i dài"},
	{"Z", "z", "dét"},
};

const char *vwords_digit(int d)
{
	return d >= 0 && d <= 9 ? DIGITS[d] : NULL;
}

const char *vwords_letter(const char *utf8)
{
	if (!utf8)
		return NULL;
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(LETTERS); i++)
		if (strcmp(utf8, LETTERS[i].upper) == 0 || strcmp(utf8, LETTERS[i].lower) == 0)
			return LETTERS[i].name;
	return NULL;
}

/* Appends word (with a separating space) to buf; false when it does not fit. */
static int add(char *buf, size_t cap, size_t *len, const char *word)
{
	int n = snprintf(buf + *len, cap - *len, "%s%s", *len ? " " : "", word);
	if (n < 0 || (size_t)n >= cap - *len)
		return 0;
	*len += (size_t)n;
	return 1;
}

/* One group of three digits. lead: the first group of the number, which
 * drops a zero hundred ("mười lăm", but 1015 "... không trăm mười lăm"). */
static int group(unsigned n, int lead, vwords_region_t region, char *buf, size_t cap, size_t *len)
{
	unsigned h = n / 100, t = n / 10 % 10, u = n % 10;
	int hundreds = h > 0 || !lead;
	if (hundreds && (!add(buf, cap, len, DIGITS[h]) || !add(buf, cap, len, "trăm")))
		return 0;
	if (t == 0) {
		if (u == 0)
			return 1;
		/* 105 "một trăm linh năm": after linh the digit keeps its name. */
		if (hundreds && !add(buf, cap, len, region == VWORDS_SOUTH ? "lẻ" : "linh"))
			return 0;
		return add(buf, cap, len, DIGITS[u]);
	}
	if (t == 1) {
		/* 10 "mười", 11 "mười một", 14 "mười bốn", 15 "mười lăm". */
		if (!add(buf, cap, len, "mười"))
			return 0;
		return u == 0 || add(buf, cap, len, u == 5 ? "lăm" : DIGITS[u]);
	}
	/* 20 "hai mươi", 21 "hai mươi mốt", 24 "hai mươi tư", 25 "hai mươi lăm". */
	if (!add(buf, cap, len, DIGITS[t]) || !add(buf, cap, len, "mươi"))
		return 0;
	if (u == 0)
		return 1;
	return add(buf, cap, len, u == 1 ? "mốt" : u == 4 ? "tư" : u == 5 ? "lăm" : DIGITS[u]);
}

int vwords_number(unsigned n, vwords_region_t region, char *buf, size_t cap)
{
	if (!buf || cap == 0)
		return KIOSK_ERANGE;
	buf[0] = 0;
	if (n > VWORDS_MAX)
		return KIOSK_ERANGE;
	size_t len = 0;
	int ok;
	if (n == 0) {
		ok = add(buf, cap, &len, DIGITS[0]);
	} else if (n < 1000) {
		ok = group(n, 1, region, buf, cap, &len);
	} else {
		ok = group(n / 1000, 1, region, buf, cap, &len) &&
		     add(buf, cap, &len, region == VWORDS_SOUTH ? "ngàn" : "nghìn") &&
		     (n % 1000 == 0 || group(n % 1000, 0, region, buf, cap, &len));
	}
	if (!ok) {
		buf[0] = 0;
		return KIOSK_ERANGE;
	}
	return KIOSK_OK;
}

int vwords_ticket(const char *number, vwords_ticket_mode_t mode, vwords_region_t region,
		  vwords_list_t *out)
{
	memset(out, 0, sizeof *out);
	if (!number || !number[0])
		return KIOSK_EINVAL;
	/* The letter: one UTF-8 character (1..4 bytes). */
	size_t ll = 1;
	while (ll < 4 && ((unsigned char)number[ll] & 0xC0) == 0x80)
		ll++;
	char letter[5] = {0};
	memcpy(letter, number, ll);
	const char *name = vwords_letter(letter);
	const char *digits = number + ll;
	size_t nd = strlen(digits);
	if (!name || nd < 1 || nd > 4 || strspn(digits, "0123456789") != nd)
		return KIOSK_EINVAL;
	snprintf(out->item[out->count++], VWORDS_ITEM, "%s", name);
	if (mode == VWORDS_TICKET_WHOLE) {
		unsigned v = 0;
		for (size_t i = 0; i < nd; i++)
			v = v * 10 + (unsigned)(digits[i] - '0');
		if (vwords_number(v, region, out->item[out->count], VWORDS_ITEM) != KIOSK_OK) {
			memset(out, 0, sizeof *out);
			return KIOSK_ERANGE;
		}
		out->count++;
		return KIOSK_OK;
	}
	for (size_t i = 0; i < nd; i++)
		snprintf(out->item[out->count++], VWORDS_ITEM, "%s", DIGITS[digits[i] - '0']);
	return KIOSK_OK;
}

int vwords_known(const char *words)
{
	if (!words)
		return 0;
	for (int d = 0; d < 10; d++)
		if (strcmp(words, DIGITS[d]) == 0)
			return 1;
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(LETTERS); i++)
		if (strcmp(words, LETTERS[i].name) == 0)
			return 1;
	char buf[VWORDS_ITEM];
	for (int r = VWORDS_NORTH; r <= VWORDS_SOUTH; r++)
		for (unsigned n = 0; n < 1000; n++)
			if (vwords_number(n, (vwords_region_t)r, buf, sizeof buf) == KIOSK_OK &&
			    strcmp(words, buf) == 0)
				return 1;
	return 0;
}
