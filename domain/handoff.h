/* handoff.h - the hand-off record printed in the ticket's QR code for the
 * counter: number, format, ticket id, procedure code, time, reprint flag and
 * the answers, as printable ASCII (docs/handoff-record.md). Format K2 (what
 * the kiosk prints) ends with an HMAC-SHA256 tag under the office key
 * (officekey.h), so a hand-made record does not verify; K1 (no tag) is still
 * decoded, as unverified. */
#ifndef HANDOFF_H
#define HANDOFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/catalog.h"

#define HANDOFF_FORMAT "K1"
#define HANDOFF_FORMAT_K2 "K2"
#define HANDOFF_TAG_BYTES 16   /* HMAC-SHA256 cut to 128 bits: 32 hex digits */
#define HANDOFF_MAX_K2 (HANDOFF_MAX + 1 + 2 * HANDOFF_TAG_BYTES) /* 233: body, ";", tag */
#define HANDOFF_MAX 200        /* bytes of a record, without the NUL */
#define HANDOFF_MAX_FIELDS 32

typedef struct {
	const char *field_id;
	const char *value;         /* UTF-8 */
} handoff_answer_t;

typedef struct {
	const char *number;        /* "A012" */
	const char *ticket_id;     /* [0-9a-z-]{1,39} */
	const char *procedure_code;/* [0-9A-Za-z.-]{1,32} */
	int64_t time_ms;           /* UTC ms */
	bool dated;                /* false: time is written as "-" */
	bool reprint;
} handoff_head_t;

/* Check answers against the procedure: every field id must be one of its
 * fields and every value valid UTF-8 without control characters.
 * KIOSK_EINVAL otherwise (nothing is encoded). */
int handoff_check(const catalog_proc_t *p, const handoff_answer_t *a, size_t n);

/* Encode a record into buf (cap > HANDOFF_MAX). Answers follow the
 * procedure's field order; ID-number fields are left out unless
 * p->handoff_id; empty values are left out; values are NFC. When the record
 * would exceed HANDOFF_MAX, the first answer that does not fit is cut at a
 * character boundary and ends with U+2026 (at least one character kept,
 * else it is dropped) and every later answer is dropped. *dropped (may be
 * NULL) counts answers cut or dropped. p may be NULL for no answers. */
int handoff_encode(const handoff_head_t *h, const catalog_proc_t *p, const handoff_answer_t *a,
		   size_t n, char *buf, size_t cap, int *dropped);

/* handoff_encode's record as format K2 (cap > HANDOFF_MAX_K2): the same
 * items under the same 200-byte rule (the body), then ";" and the tag,
 * HMAC-SHA256(key, body) cut to HANDOFF_TAG_BYTES, in upper-case hex. */
int handoff_encode_k2(const handoff_head_t *h, const catalog_proc_t *p, const handoff_answer_t *a,
		      size_t n, const uint8_t *key, size_t keylen, char *buf, size_t cap, int *dropped);

/* A decoded record; strings point into the struct's own storage. */
typedef struct {
	char format[4];
	char number[8];
	char ticket_id[40];
	char procedure[33];
	char time[48];             /* "YYYY-MM-DDTHH:MM:SS+07:00" or "" */
	bool reprint;
	size_t nfields;
	char field_id[HANDOFF_MAX_FIELDS][33];
	char value[HANDOFF_MAX_FIELDS][HANDOFF_MAX + 1];
	bool tagged;               /* K2: the record ends with a tag */
	size_t body_len;           /* bytes before the tag's ";" (the whole record for K1) */
} handoff_record_t;

/* Strict decoder: KIOSK_OK, or KIOSK_EINVAL with a one-line reason in why. */
int handoff_decode(const char *rec, size_t len, handoff_record_t *out, char *why, size_t whylen);

/* Whether rec (decoded into r by handoff_decode) is a K2 record whose tag is
 * right for key (constant-time compare). False for K1, a wrong key or a
 * changed record. */
bool handoff_verify(const char *rec, size_t len, const handoff_record_t *r, const uint8_t *key,
		    size_t keylen);

#endif
