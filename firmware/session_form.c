/* session_form.c - field validation and ID-card prefill for the session.
 * Interim version: required fields and lengths only; the field rules and the
 * ID-card parser replace it when they land. */
#include "session_form.h"

#include <string.h>

#include "text.h"

const char *session_form_check(session_t *s, const catalog_field_t *f, char *value, size_t cap)
{
	(void)s;
	(void)cap;
	/* Trim spaces at both ends. */
	size_t len = strlen(value);
	while (len && value[len - 1] == ' ')
		value[--len] = '\0';
	size_t lead = strspn(value, " ");
	memmove(value, value + lead, len - lead + 1);
	if (f->required && value[0] == '\0')
		return "form.error_required";
	int max = f->max_len ? f->max_len : 200;
	if ((int)text_count(value) > max)
		return "form.error_too_long";
	return NULL;
}

void session_form_scan(session_t *s, const char *text)
{
	(void)text;
	s->scan_error_key = "form.scan_unsupported";
}

void session_form_apply_scan(session_t *s)
{
	s->scan_offer = false;
}
