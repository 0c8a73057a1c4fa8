/* officekey.h - the office's hand-off key: 32 random bytes that
 * authenticate the ticket's QR record (format K2, docs/handoff-record.md).
 * Kept in the data folder (<data>/office.key, outside the update slots, so
 * an update never changes it), made at the first start when missing, mode
 * 0600, written atomically and never replaced once it exists. The file holds
 * the key as 64 lower-case hex digits and a newline, so a technician can
 * hand it to the counter software (the technician menu's export copies it). */
#ifndef OFFICEKEY_H
#define OFFICEKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OFFICEKEY_LEN 32
#define OFFICEKEY_FILE "office.key"

/* Read a key file (no link followed, a regular file of the format above).
 * KIOSK_OK; KIOSK_ENOENT when missing; KIOSK_ECORRUPT with err saying what
 * is wrong and how to recover for a damaged one; KIOSK_EIO otherwise. */
int officekey_read(const char *path, uint8_t key[OFFICEKEY_LEN], char *err, size_t errlen);

/* The key of data_dir: read <data_dir>/office.key, or (create set) make it
 * when it is missing. Two processes racing to make it end with the same key
 * (the file is linked into place, never renamed over an existing one). */
int officekey_load(const char *data_dir, bool create, uint8_t key[OFFICEKEY_LEN], char *err,
		   size_t errlen);

#endif
