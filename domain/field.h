/* field.h - normalise and validate one typed form value per field type
 * (catalog.h field_type_t). Rules: docs/forms.md.
 *
 * On a problem the functions return KIOSK_EINVAL and a message key into
 * assets/i18n/{vi,en}/field.json ("field.phone.prefix", ...) that says what
 * is wrong and how to fix it. Values are personal data: never log them. */
#ifndef FIELD_H
#define FIELD_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/catalog.h"
#include "core/clock.h"

typedef enum { FIELD_SEX_UNKNOWN = 0, FIELD_SEX_MALE, FIELD_SEX_FEMALE } field_sex_t;

/* Default length limits, in characters (catalog max_len overrides). */
#define FIELD_NAME_MAX 80
#define FIELD_ADDRESS_MAX 200
#define FIELD_TEXT_MAX 300
/* Longest normalised value of any type, in bytes, plus the NUL. A buffer of
 * this size always suffices for field_validate's out. */
#define FIELD_OUT_MAX (1000 * 4 + 1)

/* What is already known about the person, for cross-checks. Zero it, then
 * set what is known. clock gives "today" for birth dates (may be NULL: no
 * future check then). */
typedef struct {
	const kclock_t *clock;
	int dob_year, dob_month, dob_day; /* 0 = unknown */
	field_sex_t sex;
} field_ctx_t;

/* A calendar date. */
typedef struct {
	int year, month, day;
} field_date_t;

/* Validate and normalise `in` as a value of `type`. max_len (characters)
 * overrides the default for name, address and text when > 0. ctx may be
 * NULL. On success writes the normalised value to out (cap bytes) and sets
 * *msg = NULL; on a problem returns KIOSK_EINVAL and sets *msg. An empty
 * value gives "field.empty" (see field_validate_field for optional fields).
 * Returns KIOSK_ERANGE (msg "field.too_long") when out is too small. */
int field_validate(field_type_t type, const char *in, int max_len, const field_ctx_t *ctx,
		   char *out, size_t cap, const char **msg);

/* The same for a catalog field: an empty optional field is accepted as ""
 * and an empty required one gives "field.required". */
int field_validate_field(const catalog_field_t *f, const char *in, const field_ctx_t *ctx,
			 char *out, size_t cap, const char **msg);

/* Default length limit for a type (0 for types with a fixed form). */
int field_default_max_len(field_type_t type);
/* The limit that applies to a catalog field (its max_len, else the type's
 * default): the number the UI puts in place of {max} in field.too_long. */
int field_max_len(const catalog_field_t *f);

/* Parse a date as typed: d/m/yyyy or dd/mm/yyyy ('/', '-' or '.'), or
 * ddmmyyyy digits. Checks it is a real calendar date (any year 1000-9999).
 * Returns KIOSK_OK or KIOSK_EINVAL with *msg: which part is wrong
 * (field.date.month, .day_zero, .no_day, .not_leap), or the shape
 * (.incomplete: fewer than 8 digits, .year4, .format). */
int field_parse_date(const char *in, field_date_t *out, const char **msg);

/* The three numbers of a date as typed (day, month, year), with no
 * calendar check, for the {day} {month} {year} of a message. KIOSK_OK when
 * the text has the shape of a date. */
int field_date_parts(const char *in, field_date_t *out);
/* Days in a month (0 for a month outside 1-12). */
int field_days_in_month(int year, int month);

/* The date mask: a date is typed as digits only (ddmmyyyy). */
#define FIELD_DATE_DIGITS 8
/* The first FIELD_DATE_DIGITS digits of in, other characters dropped
 * ("15/08/1952" -> "15081952"); returns how many. */
size_t field_date_digits(const char *in, char *out, size_t cap);
/* in shown in the dd/mm/yyyy mask as it fills: "310" -> "31/0_/____",
 * "31022025" -> "31/02/2025". cap >= 11 (else out is ""). */
void field_date_mask(const char *in, char *out, size_t cap);

/* Check a 12-digit citizen ID number (digits only) against the province
 * table, its century/sex digit, the birth year, and the ctx (date of birth,
 * sex) when known. Returns KIOSK_OK or KIOSK_EINVAL with *msg. */
int field_check_cccd(const char *digits, const field_ctx_t *ctx, const char **msg);

/* Province (pre-2025, 63 codes) name for a 3-digit code, or NULL. */
const char *field_province_name(int code);

/* Store an accepted date of birth / sex in ctx ("dd/mm/yyyy", "nam"/"nu"). */
void field_ctx_set_dob(field_ctx_t *ctx, const char *ddmmyyyy);
void field_ctx_set_sex(field_ctx_t *ctx, const char *sex);

#endif
