/* fuzz_ime.c - libFuzzer target for the input engine: random keys, buttons,
 * backspaces, commits and method/style switches. The preedit and every
 * committed word must always be valid NFC UTF-8; can_apply must agree with
 * apply; backspace must always empty the word in bounded steps. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/ime.h"
#include "core/text.h"

static void check_text(const char *s)
{
	size_t len = strlen(s);
	if (len && !text_is_nfc(s, len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	ime_t *ime = ime_create((ime_method_t)(data[0] % 3), (ime_tone_style_t)(data[1] % 2));
	if (!ime)
		return 0;
	char out[512];
	for (size_t i = 2; i < size; i++) {
		uint8_t b = data[i];
		if (b < 0x80) {
			/* Any byte is a key; printable ones are the common case. */
			(void)ime_key(ime, (char)b);
		} else if (b < 0x80 + 10) {
			ime_action_t act = (ime_action_t)(b - 0x80);
			bool can = ime_can_apply(ime, act);
			if (ime_apply(ime, act) != can)
				abort();
		} else if (b < 0xA0) {
			(void)ime_backspace(ime);
		} else if (b < 0xA8) {
			size_t cap = (size_t)(b - 0xA0) * 3;
			size_t n = ime_commit(ime, out, cap ? cap : sizeof out);
			if (n >= sizeof out || (cap && n >= cap))
				abort();
			check_text(out);
		} else if (b < 0xB0) {
			ime_set_method(ime, (ime_method_t)((b - 0xA8) % 3));
		} else if (b < 0xB8) {
			ime_set_tone_style(ime, (ime_tone_style_t)((b - 0xB0) % 2));
		} else {
			ime_reset(ime);
		}
		check_text(ime_preedit(ime));
	}
	/* Backspace empties any word in bounded steps. */
	for (int k = 0; ime_backspace(ime); k++)
		if (k > 1000)
			abort();
	if (ime_preedit(ime)[0] != '\0')
		abort();
	ime_destroy(ime);
	return 0;
}
