/* i18n.h - UI text from assets/i18n/<lang>/<module>.json (flat objects of
 * "module.key": "text", NFC). No UI text lives in C. */
#ifndef I18N_H
#define I18N_H

#include <stddef.h>
#include "core/lang.h"

typedef struct i18n i18n_t;

/* The longest text a key may hold, in characters (code points): a longer
 * one would make every frame slow to lay out and push targets off screen. */
#define I18N_MAX_TEXT 400     /* any key */
#define I18N_MAX_KEY_LABEL 24 /* kb.*: on-screen keyboard key labels */
size_t i18n_max_chars(const char *key);

/* Load every *.json of <dir>/vi and <dir>/en. A duplicate key, a non-string
 * value, invalid UTF-8 or non-NFC text, a text longer than
 * i18n_max_chars(key), or a key present in one language but not the other is
 * an error ("FILE: key: problem" in err). */
int i18n_load(const char *dir, i18n_t **out, char *err, size_t errlen);
void i18n_free(i18n_t *t);

/* The text for key, or the key itself when missing (never NULL). Valid until
 * i18n_free. */
const char *i18n_get(const i18n_t *t, lang_t lang, const char *key);

/* True when the key exists. */
int i18n_has(const i18n_t *t, const char *key);

/* Format: replaces {name} placeholders with values from a NULL-terminated
 * list of name, value pairs. Returns KIOSK_OK or KIOSK_ERANGE (truncated). */
int i18n_format(char *buf, size_t cap, const char *tmpl, ...);

/* Language code "vi"/"en" <-> lang_t. */
const char *lang_code(lang_t l);
int lang_parse(const char *code, lang_t *out);

#endif
