/* test_textfield.c - the one text field (flow/textfield.c) the citizen form
 * and the menus' office name type through: keyboard keys, marks and tones,
 * the punctuation each user takes, the mode keys, backspace, the size limit
 * and the physical keyboard. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/kiosk.h"
#include "flow/textfield.h"

static void shown(const textfield_t *tf, const char *want)
{
	char buf[256];
	textfield_display(tf, buf, sizeof buf);
	assert_string_equal(buf, want);
}

/* Letters with the mark and tone buttons, a space, backspace. */
static void test_buttons(void **state)
{
	(void)state;
	textfield_t tf;
	char text[64] = "";
	assert_int_equal(textfield_init(&tf, IME_TONE_OLD, "'-"), KIOSK_OK);
	textfield_attach(&tf, text, sizeof text);
	assert_int_equal(textfield_tap(&tf, "key-h"), TEXTFIELD_TYPED);
	assert_int_equal(textfield_tap(&tf, "key-o"), TEXTFIELD_TYPED);
	assert_int_equal(textfield_tap(&tf, "key-a"), TEXTFIELD_TYPED);
	assert_int_equal(textfield_tap(&tf, "tone-grave"), TEXTFIELD_TYPED);
	shown(&tf, "hòa");
	assert_string_equal(text, ""); /* still composing */
	assert_string_equal(textfield_preedit(&tf), "hòa");
	assert_int_equal(textfield_tap(&tf, "key-space"), TEXTFIELD_CHANGED);
	assert_string_equal(text, "hòa ");
	assert_int_equal(textfield_tap(&tf, "key-backspace"), TEXTFIELD_TYPED);
	assert_int_equal(textfield_tap(&tf, "key-backspace"), TEXTFIELD_TYPED);
	assert_string_equal(text, "hò"); /* the space, then the last letter */
	assert_int_equal(textfield_tap(&tf, "key-backspace"), TEXTFIELD_TYPED);
	assert_string_equal(text, "h"); /* "ò" is one character: it goes whole */
	assert_int_equal(textfield_tap(&tf, "key-hyphen"), TEXTFIELD_CHANGED);
	assert_string_equal(text, "h-");
	/* This field takes no slash or comma; other targets are not its keys. */
	assert_int_equal(textfield_tap(&tf, "key-slash"), TEXTFIELD_NONE);
	assert_int_equal(textfield_tap(&tf, "key-comma"), TEXTFIELD_NONE);
	assert_int_equal(textfield_tap(&tf, "next"), TEXTFIELD_NONE);
	assert_int_equal(textfield_tap(&tf, "key-ab"), TEXTFIELD_NONE);
	assert_string_equal(text, "h-");
	textfield_fini(&tf);
}

/* The mode keys: letters <-> keypad, and the typing style; a number field
 * keeps its keypad. Telex typing follows the mode. */
static void test_modes(void **state)
{
	(void)state;
	textfield_t tf;
	char text[64] = "";
	assert_int_equal(textfield_init(&tf, IME_TONE_OLD, "'-/,"), KIOSK_OK);
	textfield_attach(&tf, text, sizeof text);
	assert_int_equal(textfield_mode(&tf), KB_LETTERS);
	assert_int_equal(textfield_tap(&tf, "kb-mode"), TEXTFIELD_CHANGED);
	assert_int_equal(textfield_mode(&tf), KB_NUMERIC);
	assert_int_equal(textfield_tap(&tf, "kb-mode"), TEXTFIELD_CHANGED);
	assert_int_equal(textfield_tap(&tf, "kb-method"), TEXTFIELD_CHANGED);
	assert_int_equal(textfield_mode(&tf), KB_TELEX);
	for (const char *k = "vieejt"; *k; k++)
		textfield_tap(&tf, (char[]){'k', 'e', 'y', '-', *k, 0});
	shown(&tf, "việt");
	assert_int_equal(textfield_tap(&tf, "key-slash"), TEXTFIELD_CHANGED);
	assert_string_equal(text, "việt/");
	assert_int_equal(textfield_tap(&tf, "kb-method"), TEXTFIELD_CHANGED);
	assert_int_equal(textfield_mode(&tf), KB_VNI);
	tf.numeric_only = true;
	assert_int_equal(textfield_tap(&tf, "kb-mode"), TEXTFIELD_KEPT);
	assert_int_equal(textfield_tap(&tf, "kb-method"), TEXTFIELD_KEPT);
	assert_int_equal(textfield_mode(&tf), KB_VNI);
	textfield_fini(&tf);
}

/* The physical keyboard types with the method it is given; the text never
 * outgrows its buffer. */
static void test_keys_and_limit(void **state)
{
	(void)state;
	textfield_t tf;
	char text[8] = "";
	assert_int_equal(textfield_init(&tf, IME_TONE_OLD, ""), KIOSK_OK);
	textfield_attach(&tf, text, sizeof text);
	for (const char *k = "dda "; *k; k++)
		textfield_key(&tf, *k, IME_TELEX);
	assert_string_equal(text, "đa ");
	for (int i = 0; i < 20; i++)
		textfield_key(&tf, '1', IME_PLAIN);
	textfield_commit(&tf);
	assert_true(strlen(text) < sizeof text);
	textfield_reset(&tf);
	shown(&tf, text);
	textfield_fini(&tf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buttons),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_keys_and_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
