/* cccd.c - citizen ID card QR parser: split on '|', decide the layout by
 * field count (7, or 6 without the old ID), normalise to NFC, validate each
 * part with the field_ rules, cross-check the ID number with birth date and
 * sex, and tell a foreign code, a damaged scan and a keyboard-mode scanner
 * that lost the diacritics apart. Works on a private copy that is wiped. */
#include "domain/cccd.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "domain/field.h"
#include "core/kiosk.h"
#include "core/text.h"

#define MAX_PARTS 8

const char *cccd_status_key(cccd_status_t st)
{
	switch (st) {
	case CCCD_OK: return NULL;
	case CCCD_NOT_CARD: return "cccd.not_card";
	case CCCD_DAMAGED: return "cccd.damaged";
	case CCCD_STRIPPED: return "cccd.stripped";
	case CCCD_MISMATCH: return "cccd.mismatch";
	}
	return "cccd.damaged";
}

void cccd_wipe(cccd_t *c)
{
	if (c)
		explicit_bzero(c, sizeof *c);
}

static bool all_digits(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

static bool has_letter(const char *s)
{
	for (; *s; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z'))
			return true;
	return false;
}

/* '?' or U+FFFD where a letter should be: what keyboard-mode scanners type
 * for characters they cannot send. */
static bool has_replacement(const char *s)
{
	return strchr(s, '?') || strstr(s, "\xef\xbf\xbd");
}

/* A ddmmyyyy date that field_parse_date accepts, 1900 or later and not
 * after today. Writes dd/mm/yyyy. */
static bool card_date(const char *s, int today, char out[11], field_date_t *d)
{
	const char *msg;
	if (!all_digits(s, 8) || field_parse_date(s, d, &msg) != KIOSK_OK)
		return false;
	if (d->year < 1900)
		return false;
	if (today && d->year * 10000 + d->month * 100 + d->day > today)
		return false;
	char tmp[48];
	snprintf(tmp, sizeof tmp, "%02d/%02d/%04d", d->day, d->month, d->year);
	memcpy(out, tmp, 10);
	out[10] = '\0';
	return true;
}

static int finish(cccd_t *out, cccd_status_t st, cccd_status_t *status, const char **msg)
{
	if (st != CCCD_OK)
		cccd_wipe(out);
	if (status)
		*status = st;
	if (msg)
		*msg = cccd_status_key(st);
	return st == CCCD_OK ? KIOSK_OK : KIOSK_EINVAL;
}

int cccd_parse(const char *raw, size_t len, const kclock_t *clock, cccd_t *out,
	       cccd_status_t *status, const char **msg)
{
	cccd_wipe(out);
	if (!raw || len == 0 || len > CCCD_RAW_MAX)
		return finish(out, CCCD_NOT_CARD, status, msg);
	/* a trailing CR/LF (and stray NULs) from the scanner */
	while (len > 0 && (raw[len - 1] == '\r' || raw[len - 1] == '\n' || raw[len - 1] == '\0'))
		len--;
	if (len == 0)
		return finish(out, CCCD_NOT_CARD, status, msg);

	char buf[CCCD_RAW_MAX + 1];
	memcpy(buf, raw, len);
	buf[len] = '\0';
	cccd_status_t st = CCCD_OK;

	/* split on '|' only; count first, so the layout is decided by count */
	char *parts[MAX_PARTS];
	size_t nparts = 0;
	bool too_many = false;
	char *p = buf;
	parts[nparts++] = p;
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '|') {
			buf[i] = '\0';
			if (nparts == MAX_PARTS)
				too_many = true;
			else
				parts[nparts++] = buf + i + 1;
		}
	bool id_like = all_digits(parts[0], 12);
	if (nparts == 1 || !id_like) {
		st = CCCD_NOT_CARD;
		goto out;
	}
	if (too_many || (nparts != 6 && nparts != 7) || memchr(raw, '\0', len)) {
		st = CCCD_DAMAGED;
		goto out;
	}
	const char *f_old = nparts == 7 ? parts[1] : "";
	size_t k = nparts == 7 ? 2 : 1;
	const char *f_name = parts[k], *f_dob = parts[k + 1], *f_sex = parts[k + 2];
	const char *f_addr = parts[k + 3], *f_issued = parts[k + 4];

	/* keyboard-mode scanner: '?' for letters it cannot type, or the whole
	 * code in plain ASCII although addresses always carry diacritics */
	if (has_replacement(f_name) || has_replacement(f_sex) || has_replacement(f_addr) ||
	    (!strcmp(f_sex, "Nu") || !strcmp(f_sex, "NU") || !strcmp(f_sex, "nu")) ||
	    (is_ascii(f_name) && is_ascii(f_addr) && has_letter(f_addr))) {
		st = CCCD_STRIPPED;
		goto out;
	}
	for (size_t i = 0; i < nparts; i++)
		if (!text_utf8_valid(parts[i], strlen(parts[i]))) {
			st = CCCD_DAMAGED;
			goto out;
		}

	/* control characters anywhere (after the trimmed CR/LF) */
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)raw[i] < 0x20 || raw[i] == 0x7F) {
			st = CCCD_DAMAGED;
			goto out;
		}

	int today = 0;
	if (clock) {
		kclock_local_t l;
		kclock_to_local(kclock_now(clock), &l);
		today = l.yday_key;
	}
	memcpy(out->id, parts[0], 12);
	if (!(*f_old == '\0' || all_digits(f_old, 9) || all_digits(f_old, 12))) {
		st = CCCD_DAMAGED;
		goto out;
	}
	snprintf(out->old_id, sizeof out->old_id, "%s", f_old);

	field_date_t dob, iss;
	if (!card_date(f_dob, today, out->dob, &dob) ||
	    !card_date(f_issued, today, out->issued, &iss) ||
	    iss.year * 10000 + iss.month * 100 + iss.day <= dob.year * 10000 + dob.month * 100 + dob.day) {
		st = CCCD_DAMAGED;
		goto out;
	}

	const char *m;
	/* only Nam / Nữ (any case, any normalisation form) */
	if (field_validate(FIELD_SEX, f_sex, 0, NULL, out->sex, sizeof out->sex, &m) != KIOSK_OK ||
	    (strcasecmp(f_sex, "nam") != 0 && (strcmp(out->sex, "nu") != 0 || is_ascii(f_sex)))) {
		st = CCCD_DAMAGED;
		goto out;
	}
	if (field_validate(FIELD_NAME, f_name, CCCD_NAME_CHARS, NULL, out->name, sizeof out->name,
			   &m) != KIOSK_OK ||
	    field_validate(FIELD_ADDRESS, f_addr, CCCD_ADDRESS_CHARS, NULL, out->address,
			   sizeof out->address, &m) != KIOSK_OK) {
		st = CCCD_DAMAGED;
		goto out;
	}

	/* the ID number's own checks, then against birth date and sex */
	field_ctx_t ctx = { .clock = clock };
	if (field_check_cccd(out->id, &ctx, &m) != KIOSK_OK) {
		st = CCCD_DAMAGED;
		goto out;
	}
	ctx.dob_year = dob.year;
	ctx.sex = out->sex[1] == 'a' ? FIELD_SEX_MALE : FIELD_SEX_FEMALE;
	if (field_check_cccd(out->id, &ctx, &m) != KIOSK_OK) {
		st = CCCD_MISMATCH;
		goto out;
	}
out:
	explicit_bzero(buf, sizeof buf);
	return finish(out, st, status, msg);
}
