/* text.c - UTF-8 helpers built on utf8proc: NFC normalisation for text that
 * arrives from outside (catalog, configuration, scans), validation, and the
 * code point stepping the text fields need. */
#include "core/text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/kiosk.h"

char *text_nfc(const char *s)
{
	if (!s || !text_utf8_valid(s, strlen(s)))
		return NULL;
	return (char *)utf8proc_NFC((const utf8proc_uint8_t *)s);
}

bool text_utf8_valid(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
						      (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0 || cp == 0)
			return false;
		i += (size_t)n;
	}
	return true;
}

/* Code points that are NFC as they stand next to any other of this set or
 * ASCII: starters (combining class 0) with no canonical decomposition other
 * than their own composition, never the second of a composition pair. The
 * Latin letters of Vietnamese and the punctuation of the UI texts; checked
 * against utf8proc pair by pair in tests/unit/test_field.c. Anything else
 * goes through utf8proc. */
bool text_nfc_quick(uint32_t cp)
{
	return (cp >= 0x20 && cp < 0x7F) || (cp >= 0xA0 && cp <= 0x24F) ||
	       (cp >= 0x1E00 && cp <= 0x1EFF) || (cp >= 0x2010 && cp <= 0x2027);
}

/* The next code point of two or three bytes, or 0 when it is not one the
 * quick path takes (four-byte, malformed, or overlong forms: utf8proc
 * decides). */
static uint32_t quick_next(const unsigned char *s, size_t len, size_t *i)
{
	size_t k = *i;
	if (s[k] >= 0xC2 && s[k] <= 0xDF && k + 1 < len && (s[k + 1] & 0xC0) == 0x80) {
		*i = k + 2;
		return ((uint32_t)(s[k] & 0x1F) << 6) | (s[k + 1] & 0x3F);
	}
	if ((s[k] & 0xF0) == 0xE0 && k + 2 < len && (s[k + 1] & 0xC0) == 0x80 && (s[k + 2] & 0xC0) == 0x80) {
		uint32_t cp = ((uint32_t)(s[k] & 0x0F) << 12) | ((uint32_t)(s[k + 1] & 0x3F) << 6) |
			      (s[k + 2] & 0x3F);
		*i = k + 3;
		return cp >= 0x800 ? cp : 0;
	}
	return 0;
}

bool text_is_nfc(const char *s, size_t len)
{
	/* ASCII without NUL is NFC as it is (most keys, English, numbers), and
	 * so is Vietnamese text in precomposed letters (text_nfc_quick). */
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	bool quick = true;
	while (quick && i < len) {
		if (u[i] - 1u < 0x7fu)
			i++;
		else
			quick = text_nfc_quick(quick_next(u, len, &i));
	}
	if (quick)
		return true;
	if (!text_utf8_valid(s, len))
		return false;
	utf8proc_uint8_t *n = NULL;
	utf8proc_ssize_t nl = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &n,
					   UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	bool same = nl >= 0 && (size_t)nl == len && memcmp(n, s, len) == 0;
	free(n);
	return same;
}

int32_t text_next(const char *s, size_t len, size_t *i)
{
	if (*i >= len)
		return -1;
	utf8proc_int32_t cp;
	utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + *i,
					      (utf8proc_ssize_t)(len - *i), &cp);
	if (n <= 0)
		return -1;
	*i += (size_t)n;
	return cp;
}

size_t text_last_len(const char *s)
{
	size_t len = strlen(s);
	if (len == 0)
		return 0;
	size_t i = len - 1;
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	return len - i;
}

size_t text_count(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

int text_append_cp(char *buf, size_t cap, uint32_t cp)
{
	utf8proc_uint8_t enc[4];
	utf8proc_ssize_t n = utf8proc_encode_char((utf8proc_int32_t)cp, enc);
	size_t len = strlen(buf);
	if (n <= 0 || len + (size_t)n + 1 > cap)
		return KIOSK_ERANGE;
	memcpy(buf + len, enc, (size_t)n);
	buf[len + (size_t)n] = '\0';
	return KIOSK_OK;
}

void text_fill_mask(const char *tmpl, const char *typed, char *out, size_t cap)
{
	size_t n = strlen(tmpl);
	if (cap <= n) {
		if (cap)
			out[0] = '\0';
		return;
	}
	for (size_t j = 0; j <= n; j++)
		out[j] = tmpl[j] == '_' && typed && *typed ? *typed++ : tmpl[j];
}
