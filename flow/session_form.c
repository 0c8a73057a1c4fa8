/* session_form.c - the form's field rules for the session: each answer is
 * normalised and checked by domain/field.c, with the answers already given
 * (date of birth, sex) as context for the ID-number cross-checks; and the
 * ID-card QR prefill, which the citizen accepts or declines on screen. */
#include "flow/session_form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/cccd.h"
#include "domain/field.h"
#include "core/kiosk.h"

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

const char *session_form_next_key(const session_t *s)
{
	bool last = !s->proc || s->from_review || s->field + 1 >= (int)s->proc->nfields;
	return last ? "ui.to_review" : "ui.continue";
}

void session_form_error_text(const session_t *s, const i18n_t *tr, char *buf, size_t cap)
{
	const char *key = s->error_key ? s->error_key : s->scan_error_key;
	if (cap)
		buf[0] = '\0';
	if (!key || !cap)
		return;
	lang_t l = s->lang;
	const catalog_field_t *f = NULL;
	if (s->proc && s->field >= 0 && s->field < (int)s->proc->nfields)
		f = &s->proc->fields[s->field];
	char max[16] = "", day[16] = "", month[16] = "", year[16] = "", days[16] = "";
	if (f) {
		snprintf(max, sizeof max, "%d", field_max_len(f));
		field_date_t d;
		if ((f->type == FIELD_DATE || f->type == FIELD_BIRTHDATE) &&
		    field_date_parts(s->values[s->field], &d) == KIOSK_OK) {
			snprintf(day, sizeof day, "%d", d.day);
			snprintf(month, sizeof month, "%d", d.month);
			snprintf(year, sizeof year, "%d", d.year);
			snprintf(days, sizeof days, "%d", field_days_in_month(d.year, d.month));
		}
	}
	i18n_format(buf, cap, i18n_get(tr, l, key), "label", f ? f->label[l] : "",
		    "next", i18n_get(tr, l, session_form_next_key(s)),
		    "back", i18n_get(tr, l, "ui.back"), "help", i18n_get(tr, l, "ui.help"),
		    "male", i18n_get(tr, l, "ui.sex_male"), "female", i18n_get(tr, l, "ui.sex_female"),
		    "max", max, "day", day, "month", month, "year", year, "days", days, NULL);
	explicit_bzero(day, sizeof day);
	explicit_bzero(month, sizeof month);
	explicit_bzero(year, sizeof year);
}

/* The applicant's own answers have these field ids; a scan fills only
 * them (never, say, a child's name in a birth registration). */
static const char *const scan_ids[5] = {"name", "dob", "sex", "id_number", "address"};

void session_form_scan(session_t *s, const char *text)
{
	s->scan_error_key = NULL;
	s->scan_offer = false;
	explicit_bzero(s->scan_values, sizeof s->scan_values);
	if (s->screen != SCR_FORM || !s->proc)
		return; /* only a form can use it; nothing is kept */
	cccd_t *c = calloc(1, sizeof *c);
	if (!c)
		return;
	cccd_status_t st;
	const char *msg = NULL;
	if (cccd_parse(text, strlen(text), s->clock, c, &st, &msg) != KIOSK_OK) {
		s->scan_error_key = msg ? msg : cccd_status_key(st);
	} else {
		const char *vals[5] = {c->name, c->dob, c->sex, c->id, c->address};
		bool any = false;
		for (size_t i = 0; i < s->proc->nfields; i++)
			for (int k = 0; k < 5; k++)
				if (strcmp(s->proc->fields[i].id, scan_ids[k]) == 0 && vals[k][0]) {
					snprintf(s->scan_values[k], SESSION_VALUE_MAX, "%s", vals[k]);
					any = true;
				}
		if (any)
			s->scan_offer = true;
		else
			s->scan_error_key = "form.scan_nothing";
	}
	cccd_wipe(c);
	free(c);
}

void session_form_apply_scan(session_t *s)
{
	for (size_t i = 0; i < s->proc->nfields && i < SESSION_MAX_FIELDS; i++)
		for (int k = 0; k < 5; k++) {
			const catalog_field_t *f = &s->proc->fields[i];
			if (strcmp(f->id, scan_ids[k]) != 0 || !s->scan_values[k][0])
				continue;
			snprintf(s->values[i], SESSION_VALUE_MAX, "%s", s->scan_values[k]);
			s->answered[i] = session_form_check(s, f, s->values[i], SESSION_VALUE_MAX) == NULL;
			if (!s->answered[i])
				s->values[i][0] = '\0';
		}
	explicit_bzero(s->scan_values, sizeof s->scan_values);
	s->scan_offer = false;
}
