/* session_form.h - the form's validation and ID-card prefill, kept apart
 * from the state machine so the field rules live in one place. */
#ifndef SESSION_FORM_H
#define SESSION_FORM_H

#include <stddef.h>
#include "flow/session.h"

/* Normalise value in place (cap bytes) and check it; NULL when valid, else
 * the message key explaining what is wrong and how to fix it. */
const char *session_form_check(session_t *s, const catalog_field_t *f, char *value, size_t cap);

/* An ID-card scan arrived: parse it and offer to fill (scan_offer), or set
 * scan_error_key. */
void session_form_scan(session_t *s, const char *text);

/* The citizen accepted the offer: fill the matching fields. */
void session_form_apply_scan(session_t *s);

#endif
