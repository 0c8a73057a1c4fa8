/* ime.h - the Vietnamese input engine (Telex, VNI, plain letters, and the
 * explicit mark/tone buttons of the on-screen keyboard).
 *
 * The engine holds one word being composed. Keys go in one at a time; the
 * composed word is available as NFC UTF-8 at any moment (ime_preedit) and is
 * handed out by ime_commit. Behaviour: docs/input-method.md. */
#ifndef IME_H
#define IME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { IME_PLAIN, IME_TELEX, IME_VNI } ime_method_t;
typedef enum { IME_TONE_OLD, IME_TONE_NEW } ime_tone_style_t;

/* Explicit actions from on-screen buttons, independent of the method. */
typedef enum {
	IME_ACT_CIRCUMFLEX, /* â ê ô */
	IME_ACT_BREVE,      /* ă */
	IME_ACT_HORN,       /* ơ ư (and ươ) */
	IME_ACT_DBAR,       /* đ */
	IME_ACT_TONE_GRAVE, /* huyền */
	IME_ACT_TONE_ACUTE, /* sắc */
	IME_ACT_TONE_HOOK,  /* hỏi */
	IME_ACT_TONE_TILDE, /* ngã */
	IME_ACT_TONE_DOT,   /* nặng */
	IME_ACT_REMOVE_MARK /* the tone first, then the letter marks */
} ime_action_t;

typedef struct ime ime_t;

/* Create an engine; NULL when out of memory. Caller frees with ime_destroy. */
ime_t *ime_create(ime_method_t method, ime_tone_style_t style);
void ime_destroy(ime_t *ime);

/* Changing the method or style commits nothing; the current word keeps its
 * letters and is re-rendered. */
void ime_set_method(ime_t *ime, ime_method_t method);
void ime_set_tone_style(ime_t *ime, ime_tone_style_t style);
ime_method_t ime_method(const ime_t *ime);

/* Feed one ASCII key (an uppercase letter means shift+letter). Returns true
 * when the key was taken into the word; false when it is a word boundary
 * (space, punctuation, and for Telex digits): the caller then commits the
 * word and inserts the character itself. */
bool ime_key(ime_t *ime, char key);

/* Apply an explicit button. Returns true when it changed the word (a button
 * that applies to nothing changes nothing and returns false). */
bool ime_apply(ime_t *ime, ime_action_t act);

/* True when the action would apply to the current word (to enable buttons). */
bool ime_can_apply(const ime_t *ime, ime_action_t act);

/* Undo one step (the last key or mark). Returns false when the word was
 * already empty (the caller then deletes committed text). */
bool ime_backspace(ime_t *ime);

/* The word being composed, NFC UTF-8, "" when empty. Valid until the next
 * call that changes the engine. */
const char *ime_preedit(const ime_t *ime);

/* Copy the composed word into out (NUL-terminated) and start a new word.
 * Returns the number of bytes written (without NUL); the word is truncated at
 * a code point boundary if cap is too small. */
size_t ime_commit(ime_t *ime, char *out, size_t cap);

/* Drop the word being composed. */
void ime_reset(ime_t *ime);

#endif
