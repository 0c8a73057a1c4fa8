/* textfield.h - one line of text typed on the on-screen keyboard or a
 * physical one: the text (a buffer its user owns), the input engine
 * (domain/ime.h) composing the current word, and the on-screen keyboard's
 * mode. The citizen form (flow/session.c, one answer at a time) and the
 * office name in the menus (flow/menu.c) both type through it.
 *
 * textfield_t is a documented struct owned (embedded) by its user, who
 * points it at its buffer with textfield_attach. Others read it through
 * textfield_mode and textfield_preedit (ui/ draws from them). */
#ifndef TEXTFIELD_H
#define TEXTFIELD_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/ime.h"

/* The on-screen keyboard: letters with mark and tone buttons (KB_LETTERS),
 * the same letters typed as Telex or VNI, or the keypad. */
typedef enum { KB_LETTERS, KB_TELEX, KB_VNI, KB_NUMERIC } kb_mode_t;

typedef struct {
	char *buf;            /* the committed text, NUL-terminated (borrowed) */
	size_t cap;           /* its size in bytes */
	ime_t *ime;           /* the word being composed (owned) */
	kb_mode_t kb;         /* the on-screen keyboard's mode */
	bool numeric_only;    /* a number field: "kb-mode"/"kb-method" do nothing */
	const char *punct;    /* the punctuation keys it takes, of "'-/," */
} textfield_t;

/* Create the input engine (tone style as configured) and attach no text.
 * punct (static) names the punctuation keys the field takes.
 * KIOSK_OK or KIOSK_ENOMEM. */
int textfield_init(textfield_t *tf, ime_tone_style_t style, const char *punct);
/* Wipe the word in composition and free the engine. */
void textfield_fini(textfield_t *tf);

/* Type into buf (cap bytes, NUL-terminated, owned by the caller) from now
 * on; the word in composition stays. */
void textfield_attach(textfield_t *tf, char *buf, size_t cap);
/* Show the keyboard in mode kb. */
void textfield_set_mode(textfield_t *tf, kb_mode_t kb);
/* A number field: "kb-mode" and "kb-method" do nothing on it. */
void textfield_set_numeric_only(textfield_t *tf, bool numeric_only);
/* Forget the word in composition (wiped). */
void textfield_reset(textfield_t *tf);
/* Add the word in composition to the text. */
void textfield_commit(textfield_t *tf);

/* What a tap or a key did. */
typedef enum {
	TEXTFIELD_NONE,      /* not a key of the text field */
	TEXTFIELD_KEPT,      /* a key of it that changed nothing (mode on a number field) */
	TEXTFIELD_CHANGED,   /* the mode or a space/punctuation changed */
	TEXTFIELD_TYPED,     /* a letter, mark, tone or backspace changed the text */
} textfield_result_t;

/* A key of the on-screen keyboard: "key-<c>", "key-space",
 * "key-backspace", "key-apostrophe" (and the other punctuation it takes),
 * "mark-*", "tone-*", "kb-mode", "kb-method". */
textfield_result_t textfield_tap(textfield_t *tf, const char *target);
/* A printable key of a physical keyboard, typed with method. */
void textfield_key(textfield_t *tf, char c, ime_method_t method);
/* Backspace: the word in composition first, then the text's last character. */
void textfield_backspace(textfield_t *tf);

/* The text plus the word in composition. */
void textfield_display(const textfield_t *tf, char *buf, size_t cap);
/* The word in composition ("" when none). */
const char *textfield_preedit(const textfield_t *tf);
/* The on-screen keyboard's mode. */
kb_mode_t textfield_mode(const textfield_t *tf);

#endif
