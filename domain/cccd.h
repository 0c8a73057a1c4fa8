/* cccd.h - parse the QR code on the back of the chip-based citizen ID card
 * (căn cước công dân): "ID|old ID|name|ddmmyyyy|sex|address|ddmmyyyy", also
 * the 6-field layout without the old ID. Format and rules: docs/forms.md,
 * /work/shared/notes/peers.md §4.
 *
 * The raw text and the parsed card are personal data: never log them, keep
 * them in RAM for the session only and cccd_wipe() the struct when done. */
#ifndef CCCD_H
#define CCCD_H

#include <stddef.h>

#include "core/clock.h"

#define CCCD_RAW_MAX 2048      /* longer input is not an ID card code */
#define CCCD_NAME_CHARS 100
#define CCCD_ADDRESS_CHARS 300

typedef struct {
	char id[13];          /* 12 digits */
	char old_id[13];      /* old 9-digit CMND (or 12), "" when absent */
	char name[CCCD_NAME_CHARS * 4 + 1];       /* NFC, as printed */
	char dob[11];         /* dd/mm/yyyy */
	char sex[4];          /* "nam" or "nu" (field_ values) */
	char address[CCCD_ADDRESS_CHARS * 4 + 1]; /* NFC, as printed */
	char issued[11];      /* dd/mm/yyyy */
} cccd_t;

typedef enum {
	CCCD_OK = 0,
	CCCD_NOT_CARD,   /* some other code: not an ID card */
	CCCD_DAMAGED,    /* looks like a card code but a part is wrong: scan again */
	CCCD_STRIPPED,   /* diacritics lost ('?' or plain ASCII): keyboard-mode scanner */
	CCCD_MISMATCH,   /* ID number disagrees with birth date or sex: ask staff */
} cccd_status_t;

/* Parse len bytes of scanned text (need not be NUL-terminated; a trailing
 * CR/LF is ignored). clock gives "today" for date checks (may be NULL).
 * Returns KIOSK_OK with *out filled, or KIOSK_EINVAL with *out wiped,
 * *status set and *msg (may be NULL) set to the key in
 * assets/i18n/{vi,en}/cccd.json. */
int cccd_parse(const char *raw, size_t len, const kclock_t *clock, cccd_t *out,
	       cccd_status_t *status, const char **msg);

/* Message key for a status ("cccd.not_card", ...); NULL for CCCD_OK. */
const char *cccd_status_key(cccd_status_t st);

/* Zero the parsed card (explicit_bzero: not optimised away). */
void cccd_wipe(cccd_t *c);

#endif
