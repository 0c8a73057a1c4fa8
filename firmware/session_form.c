/* session_form.c - the form's field rules for the session: each answer is
 * normalised and checked by firmware/field.c, with the answers already given
 * (date of birth, sex) as context for the ID-number cross-checks. */
#include "session_form.h"

#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "kiosk.h"

static void build_ctx(const session_t *s, const catalog_field_t *skip, field_ctx_t *ctx)
{
	memset(ctx, 0, sizeof *ctx);
	ctx->clock = s->clock;
	for (size_t i = 0; i < s->proc->nfields; i++) {
		const catalog_field_t *f = &s->proc->fields[i];
		if (f == skip || !s->answered[i] || !s->values[i][0])
			continue;
		if (f->type == FIELD_BIRTHDATE)
			field_ctx_set_dob(ctx, s->values[i]);
		else if (f->type == FIELD_SEX)
			field_ctx_set_sex(ctx, s->values[i]);
	}
}

const char *session_form_check(session_t *s, const catalog_field_t *f, char *value, size_t cap)
{
	field_ctx_t ctx;
	build_ctx(s, f, &ctx);
	char *out = malloc(FIELD_OUT_MAX);
	if (!out)
		return "field.bad_chars";
	const char *msg = NULL;
	int rc = field_validate_field(f, value, &ctx, out, FIELD_OUT_MAX, &msg);
	if (rc == KIOSK_OK) {
		if (strlen(out) < cap)
			memcpy(value, out, strlen(out) + 1);
		else
			msg = "field.too_long";
	} else if (!msg) {
		msg = "field.bad_chars";
	}
	explicit_bzero(out, FIELD_OUT_MAX);
	free(out);
	return rc == KIOSK_OK && !msg ? NULL : msg;
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
