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

bool text_is_nfc(const char *s, size_t len)
{
	/* ASCII without NUL is NFC as it is: most keys, English, numbers. */
	size_t i = 0;
	while (i < len && (unsigned char)s[i] - 1u < 0x7fu)
		i++;
	if (i == len)
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
