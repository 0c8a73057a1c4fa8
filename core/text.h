/* text.h - UTF-8 helpers: NFC normalisation, validation, code point steps. */
#ifndef TEXT_H
#define TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Return a newly allocated NFC copy of s (caller frees), or NULL when s is
 * not valid UTF-8 or memory is short. */
char *text_nfc(const char *s);

/* True when s (len bytes) is valid UTF-8 and already NFC. */
bool text_is_nfc(const char *s, size_t len);

/* True when code point cp is NFC next to ASCII or any other such code point
 * (printable ASCII, Latin letters with their marks precomposed, the general
 * punctuation of U+2010-U+2027): text of these alone is NFC as it is. */
bool text_nfc_quick(uint32_t cp);

/* True when s (len bytes) is valid UTF-8 without NUL bytes. */
bool text_utf8_valid(const char *s, size_t len);

/* Decode one code point at s[*i], advancing *i; returns -1 on bad input. */
int32_t text_next(const char *s, size_t len, size_t *i);

/* Byte length of the last code point of s (0 for an empty string). */
size_t text_last_len(const char *s);

/* Number of code points in s. */
size_t text_count(const char *s);

/* Append code point cp as UTF-8 to buf (NUL-terminated, size cap).
 * Returns KIOSK_OK or KIOSK_ERANGE. */
int text_append_cp(char *buf, size_t cap, uint32_t cp);

/* An entry mask as it fills: tmpl ("__/__/____") with each '_', in order,
 * replaced by the next byte of typed (digits) while it lasts; the rest of
 * tmpl as it is. out gets "" when cap cannot hold tmpl. */
void text_fill_mask(const char *tmpl, const char *typed, char *out, size_t cap);

#endif
