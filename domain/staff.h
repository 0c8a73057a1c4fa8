/* staff.h - the staff and technician PINs: set at first boot (there is no
 * default PIN), stored as PBKDF2-HMAC-SHA256 hashes with a random salt in
 * <data>/staff.json (written atomically), checked in constant time, with a
 * lockout after repeated wrong PINs that survives a reboot.
 *
 * Lockout: the 5th wrong PIN in a row locks for 1 minute, the 6th for 5,
 * every further one for 15. A right PIN clears the count. The count and the
 * lock are written to disk before the answer is given, so pulling the power
 * does not forget them. After a restart the lock runs again for what the
 * wall clock says is left, or for its full length when the wall clock went
 * backwards (an unset clock can never shorten a lock).
 *
 * Counter PINs for the office queue: see staff_counter_check.
 *
 * Not thread-safe. */
#ifndef STAFF_H
#define STAFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"

typedef enum { STAFF_NONE = 0, STAFF_STAFF = 1, STAFF_TECH = 2 } staff_role_t;

#define STAFF_PIN_MIN 6
#define STAFF_PIN_MAX 12
#define STAFF_ITERATIONS 100000   /* floor: the weakest hash accepted (docs/menus.md) */
#define STAFF_ITERATIONS_MAX 20000000
#define STAFF_TARGET_MS 250       /* one derivation on the board: a check costs one */
#define STAFF_LOCK_AFTER 5

typedef struct staff staff_t;

/* Open the store of data_dir (the file may be missing: no PINs yet).
 * iterations 0 = the count is measured on this machine when a hash is first
 * made (staff_measure_iterations, STAFF_TARGET_MS); tests and benchmarks
 * pass a fixed count; one below STAFF_ITERATIONS makes half of it the
 * floor accepted from the file. Hashes with an older, lower count still verify (the count
 * is in each record) and are redone at the next right PIN. A file that does not parse or
 * holds weaker hashes is KIOSK_ECORRUPT (never replaced silently). clock is
 * borrowed. *out is NULL on failure. */
int staff_open(const char *data_dir, const kclock_t *clock, unsigned iterations, staff_t **out,
	       char *err, size_t errlen);
void staff_close(staff_t *st);

/* Recovery from a damaged store (staff_open gave KIOSK_ECORRUPT): rename
 * <data>/staff.json to staff.json.damaged-YYYYMMDD-HHMMSS (local time of
 * clock), kept for inspection, so that the next staff_open finds no PINs and
 * the first-boot screen sets new ones. Safe because only the kiosk (and
 * root) can write the data folder: a citizen cannot damage the file.
 * moved (may be NULL) gets the new file name. KIOSK_EIO when it cannot be
 * renamed (read-only storage): the menus then stay shut. KIOSK_EPERM, and
 * nothing moved, for a store that is intact but refused for its iteration
 * count (a raised floor is not damage; resetting PINs for it would be). */
int staff_set_aside(const char *data_dir, const kclock_t *clock, char *moved, size_t cap);

/* True when the role has a PIN; staff_configured: both roles have one. */
bool staff_has_pin(const staff_t *st, staff_role_t role);
bool staff_configured(const staff_t *st);

/* Whether pin is acceptable for role: STAFF_PIN_MIN..MAX digits, not all
 * the same digit, not a straight run (123456), and not the other role's
 * PIN. KIOSK_OK or KIOSK_EINVAL with *why set to a message key. */
int staff_pin_ok(staff_t *st, staff_role_t role, const char *pin, const char **why);

/* Set (or change) a role's PIN and save. KIOSK_EINVAL for a PIN that
 * staff_pin_ok refuses, KIOSK_EIO when it cannot be saved. */
int staff_set_pin(staff_t *st, staff_role_t role, const char *pin);

/* Check a PIN. KIOSK_OK with *role set (the technician's PIN gives
 * STAFF_TECH, which also opens the staff menu); KIOSK_EPERM for a wrong
 * PIN; KIOSK_EBUSY while locked (the PIN is not even looked at); KIOSK_ENOENT
 * when no PIN is set. *wait_ms (may be NULL) gets the lock time left. */
int staff_check(staff_t *st, const char *pin, staff_role_t *role, int64_t *wait_ms);

/* Lock time left in ms (0 when not locked) and wrong PINs in a row. */
int64_t staff_locked_ms(staff_t *st);
int staff_failures(const staff_t *st);

/* Counter PINs (the office queue's counters, docs/office-queue.md): one PIN
 * per counter id 1..STAFF_COUNTER_MAX, the same hashing (each its own salt)
 * and rules as staff_pin_ok, and never the staff or technician PIN. Each
 * counter has its own lockout count (same schedule), kept in the file with
 * its hash. The kiosk and the hub (two processes) share the file: every
 * write takes <data>/.staff.lock, reads the file again and changes only its
 * own part, and a counter's record is read from the file before each use,
 * so neither process loses what the other wrote. */
#define STAFF_COUNTER_MAX 99
int staff_counter_pin_ok(staff_t *st, int counter, const char *pin, const char **why);
/* KIOSK_EINVAL for a PIN staff_counter_pin_ok refuses or a bad id. */
int staff_counter_set_pin(staff_t *st, int counter, const char *pin);
/* Forget a counter's PIN (nobody can log in there). */
int staff_counter_clear(staff_t *st, int counter);
bool staff_counter_has_pin(staff_t *st, int counter);
/* KIOSK_OK for the right PIN; KIOSK_EPERM wrong (*wait_ms: the lock it
 * started, 0 for none); KIOSK_EBUSY while locked (*wait_ms: time left, the
 * PIN is not looked at); KIOSK_ENOENT when the counter has no PIN. */
int staff_counter_check(staff_t *st, int counter, const char *pin, int64_t *wait_ms);
int64_t staff_counter_locked_ms(staff_t *st, int counter);

/* Factory reset: forget both PINs and the lockout (the file is removed). */
int staff_wipe(staff_t *st);

/* Iteration count used for new hashes (measured on first use when not
 * fixed at open). */
unsigned staff_iterations(staff_t *st);

/* PBKDF2-HMAC-SHA256 iterations that take about target_ms here (measured
 * with clock's monotonic time, at least 60 ms of probing), between
 * STAFF_ITERATIONS and STAFF_ITERATIONS_MAX; *probe_ms (may be NULL) gets
 * the measured time of 20000 iterations. */
unsigned staff_measure_iterations(const kclock_t *clock, int target_ms, int *probe_ms);

#endif
