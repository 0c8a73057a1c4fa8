/* textfield.c - one line of typed text through the input engine
 * (textfield.h): the on-screen keyboard's keys, its mode keys and the
 * physical keyboard, for the citizen form and the menus' office name. */
#include "flow/textfield.h"

#include <stdio.h>
#include <string.h>

#include "core/kiosk.h"
#include "core/text.h"

#define TEXTFIELD_WORD_MAX 512

/* "kb-mode": the letter keyboard <-> the keypad. "kb-method": the on-screen
 * typing style, mark buttons -> Telex -> VNI (the keypad stays). */
static kb_mode_t kb_mode_toggle(kb_mode_t m)
{
	return m == KB_NUMERIC ? KB_LETTERS : KB_NUMERIC;
}
static kb_mode_t kb_method_next(kb_mode_t m)
{
	return m == KB_LETTERS ? KB_TELEX : m == KB_TELEX ? KB_VNI : m == KB_VNI ? KB_LETTERS : m;
}

int textfield_init(textfield_t *tf, ime_tone_style_t style, const char *punct)
{
	*tf = (textfield_t){.kb = KB_LETTERS, .punct = punct ? punct : ""};
	tf->ime = ime_create(IME_PLAIN, style);
	return tf->ime ? KIOSK_OK : KIOSK_ENOMEM;
}

void textfield_fini(textfield_t *tf)
{
	if (tf->ime)
		ime_reset(tf->ime);
	ime_destroy(tf->ime);
	tf->ime = NULL;
}

void textfield_attach(textfield_t *tf, char *buf, size_t cap)
{
	tf->buf = buf;
	tf->cap = cap;
}

void textfield_set_mode(textfield_t *tf, kb_mode_t kb)
{
	tf->kb = kb;
}

void textfield_set_numeric_only(textfield_t *tf, bool numeric_only)
{
	tf->numeric_only = numeric_only;
}

void textfield_reset(textfield_t *tf)
{
	ime_reset(tf->ime);
}

void textfield_commit(textfield_t *tf)
{
	char word[TEXTFIELD_WORD_MAX];
	size_t n = ime_commit(tf->ime, word, sizeof word);
	if (n == 0 || !tf->buf)
		return;
	size_t len = strlen(tf->buf);
	if (len + n + 1 > tf->cap)
		n = tf->cap - 1 - len;
	memcpy(tf->buf + len, word, n);
	tf->buf[len + n] = '\0';
	explicit_bzero(word, sizeof word);
}

static void append(textfield_t *tf, char c)
{
	size_t len = strlen(tf->buf);
	if (len + 2 <= tf->cap) {
		tf->buf[len] = c;
		tf->buf[len + 1] = '\0';
	}
}

void textfield_key(textfield_t *tf, char c, ime_method_t method)
{
	ime_set_method(tf->ime, method);
	if (!ime_key(tf->ime, c)) {
		textfield_commit(tf);
		append(tf, c);
	}
}

void textfield_backspace(textfield_t *tf)
{
	if (!ime_backspace(tf->ime)) {
		size_t n = text_last_len(tf->buf);
		tf->buf[strlen(tf->buf) - n] = '\0';
	}
}

/* The mark and tone buttons. */
static const struct { const char *id; ime_action_t act; } acts[] = {
	{"mark-circumflex", IME_ACT_CIRCUMFLEX}, {"mark-breve", IME_ACT_BREVE},
	{"mark-horn", IME_ACT_HORN}, {"mark-dbar", IME_ACT_DBAR},
	{"tone-grave", IME_ACT_TONE_GRAVE}, {"tone-acute", IME_ACT_TONE_ACUTE},
	{"tone-hook", IME_ACT_TONE_HOOK}, {"tone-tilde", IME_ACT_TONE_TILDE},
	{"tone-dot", IME_ACT_TONE_DOT}, {"mark-remove", IME_ACT_REMOVE_MARK},
};

/* The space and the punctuation keys. */
static const struct { const char *id; char c; } puncts[] = {
	{"key-space", ' '}, {"key-apostrophe", '\''}, {"key-hyphen", '-'},
	{"key-slash", '/'}, {"key-comma", ','},
};

textfield_result_t textfield_tap(textfield_t *tf, const char *t)
{
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(acts); i++)
		if (strcmp(t, acts[i].id) == 0) {
			ime_apply(tf->ime, acts[i].act);
			return TEXTFIELD_TYPED;
		}
	if (strcmp(t, "key-backspace") == 0) {
		textfield_backspace(tf);
		return TEXTFIELD_TYPED;
	}
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(puncts); i++)
		if (strcmp(t, puncts[i].id) == 0) {
			if (puncts[i].c != ' ' && !strchr(tf->punct, puncts[i].c))
				return TEXTFIELD_NONE;
			textfield_commit(tf);
			append(tf, puncts[i].c);
			return TEXTFIELD_CHANGED;
		}
	if (strcmp(t, "kb-mode") == 0 || strcmp(t, "kb-method") == 0) {
		if (tf->numeric_only) /* a number field never switches to letters */
			return TEXTFIELD_KEPT;
		textfield_commit(tf);
		tf->kb = t[4] == 'o' ? kb_mode_toggle(tf->kb) : kb_method_next(tf->kb);
		return TEXTFIELD_CHANGED;
	}
	if (strncmp(t, "key-", 4) == 0 && t[4] && !t[5]) {
		textfield_key(tf, t[4], tf->kb == KB_TELEX ? IME_TELEX
					: tf->kb == KB_VNI ? IME_VNI : IME_PLAIN);
		return TEXTFIELD_TYPED;
	}
	return TEXTFIELD_NONE;
}

void textfield_display(const textfield_t *tf, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s%s", tf->buf ? tf->buf : "", ime_preedit(tf->ime));
}

const char *textfield_preedit(const textfield_t *tf)
{
	return ime_preedit(tf->ime);
}

kb_mode_t textfield_mode(const textfield_t *tf)
{
	return tf->kb;
}
