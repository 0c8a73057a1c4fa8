/* update.h - the A/B updater: install a verified bundle into the inactive
 * slot, switch atomically, count trial starts, mark good, roll back.
 *
 * Layout under ROOT (a plain folder; tests use a temp dir, no root needed):
 *   ROOT/app/slot-a  ROOT/app/slot-b   the two app slots
 *   ROOT/app/current -> slot-a          switched by symlink + rename + fsync
 *   ROOT/app/state.0 ROOT/app/state.1   state record, two copies, seq + CRC32
 *   ROOT/data/...                       the same for data bundles
 *   ROOT/update.lock                    flock: one updater at a time (0600)
 * Run as root, every change refuses folders and records writable by anyone
 * but root (the kiosk user must not be able to swap names in them).
 * Keys and the compatible string live outside ROOT (read-only rootfs).
 *
 * All calls return KIOSK_OK or a negative KIOSK_E* code; on failure err gets
 * a one-line reason for the technician. KIOSK_EIO (and KIOSK_ENOMEM) are I/O
 * errors; other codes are refusals. Every mutation goes through update_io_*.
 * Not thread-safe: one update_t per thread. */
#ifndef KIOSK_UPDATE_H
#define KIOSK_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "update/bundle.h"

#define UPDATE_DEFAULT_TRIES 3
#define UPDATE_FAILURE_MAX 200

typedef enum {
	UPDATE_SLOT_EMPTY = 0, /* never installed */
	UPDATE_SLOT_INCOMPLETE,
	UPDATE_SLOT_PENDING,   /* on trial: waiting for mark-good */
	UPDATE_SLOT_GOOD,
	UPDATE_SLOT_BAD,
} update_slot_state_t;

const char *update_slot_state_name(update_slot_state_t s);

typedef struct {
	update_slot_state_t state;
	char version[BUNDLE_VERSION_MAX + 1]; /* "" when unknown */
	uint32_t epoch;
	char sha[65];                          /* payload_sha256 hex, "" unknown */
} update_slot_t;

typedef struct {
	uint64_t seq;
	update_slot_t slot[2];                 /* [0] = a, [1] = b */
	uint32_t tries_left;
	char floor_version[BUNDLE_VERSION_MAX + 1]; /* "" = no floor yet */
	uint32_t floor_epoch;
	char last_failure[UPDATE_FAILURE_MAX + 1];
} update_state_t;

typedef struct {
	int current;     /* 0 = a, 1 = b, -1 = none */
	int state_ok;    /* 0: both state copies corrupt (defaults shown) */
	update_state_t st;
} update_pair_status_t;

typedef struct {
	update_pair_status_t pair[2]; /* indexed by bundle_type_t */
} update_status_t;

/* Progress for the UI: percent 0..100, bytes of the current phase, phase
 * one of "verify", "install", "check", "switch", "done". */
typedef void (*update_progress_fn)(void *user, int percent, uint64_t bytes, uint64_t total,
				   const char *phase);

typedef struct update update_t;

/* keys_dir and compatible_file may be NULL for status, mark-good, rollback
 * and the launcher; install refuses without them. The key folder must hold
 * one or two *.pub files. *out is NULL on failure; free with update_close. */
int update_open(const char *root, const char *keys_dir, const char *compatible_file,
		update_t **out, char *err, size_t errlen);
void update_close(update_t *u);
void update_set_progress(update_t *u, update_progress_fn fn, void *user);

int update_status(update_t *u, update_status_t *out, char *err, size_t errlen);
/* Whether the current slot of pair type is on trial (pending mark-good). */
bool update_on_trial(const update_status_t *st, bundle_type_t type);

#define UPDATE_F_REINSTALL 1u
typedef struct {
	unsigned flags;
	int want_type;   /* -1 any, else bundle_type_t */
	uint32_t tries;  /* trial starts; 0 = UPDATE_DEFAULT_TRIES */
} update_install_opts_t;

/* Full verification (signature, header, compatible, type, version and epoch
 * floors, the whole payload read and hashed, every name checked), then the
 * install into the inactive slot and the atomic switch. msg (may be NULL)
 * gets a one-line summary on success. */
int update_install_file(update_t *u, const char *path, const update_install_opts_t *o,
			char *msg, size_t msglen, char *err, size_t errlen);

/* One *.kiosk file found at the root of a stick folder. */
typedef struct {
	char name[256];
	int verified;       /* signature and header check passed */
	int candidate;      /* verified and compatible with this device */
	int newer;          /* candidate and would install (newer, floors ok) */
	bundle_header_t h;  /* valid when verified */
	char reason[BUNDLE_ERR_LEN]; /* why not a candidate / not newer */
	int unsafe;         /* not a regular file, or a name with control
			     * characters or '=' (shown with '?' for them);
			     * never opened */
} update_candidate_t;

/* Lists the *.kiosk files at the root of dir (._* ignored). *out is malloc'd
 * (free it), *n entries. Never runs anything from the stick. */
int update_stick_scan(update_t *u, const char *dir, update_candidate_t **out, size_t *n,
		      char *err, size_t errlen);
/* Installs from a stick: two candidates of one type is a refusal; each type
 * with a newer candidate is installed (data before app). */
int update_install_stick(update_t *u, const char *dir, const update_install_opts_t *o,
			 char *msg, size_t msglen, char *err, size_t errlen);

/* Health check passed: every pending current slot (app and data) becomes
 * good, tries reset, floors raised. A no-op when nothing is pending. */
int update_mark_good(update_t *u, char *err, size_t errlen);

/* The same for the kiosk itself: uses KIOSK_ROOT (set by kiosk-launcher).
 * KIOSK_ENOENT when KIOSK_ROOT is unset (the kiosk was not started by the
 * launcher: nothing to mark). With KIOSK_HEALTH_SERVICE set (the board: the
 * records are root's) it asks the root health service instead
 * (update_request_mark_good). */
int update_mark_good_env(char *err, size_t errlen);

/* The kiosk's one narrow request to root (docs/updates.md, section 2):
 * SVC/req/health.request holds one line, SVC/ans/health.answer gets
 * id=, result=ok|refused, message=. Waits KIOSK_HEALTH_TIMEOUT_MS (default
 * 30000) for the answer: KIOSK_ETIMEOUT without one, KIOSK_EPERM refused.
 * mark-good names every pending current slot's version (nothing pending:
 * KIOSK_OK, no request); rollback names the running version. Both only
 * read ROOT. */
int update_request_mark_good(const char *svc, const char *root, char *err, size_t errlen);
int update_request_rollback(const char *svc, const char *root, bundle_type_t type, char *err,
			    size_t errlen);

/* Root side: reads REQ_DIR/health.request once (never through a link,
 * never blocking on a FIFO, a small regular file, exact grammar), removes
 * it, checks it against the state (mark-good: the named versions are the
 * pending current slots; rollback: the named version is running and the
 * other slot is good and at or above the security epoch floor), carries it
 * out and writes ANS_DIR/health.answer (a root-only folder). KIOSK_ENOENT:
 * no request; another error: refused (err says why; the answer says so). */
int update_serve_request(update_t *u, const char *req_dir, const char *ans_dir, char *msg,
			 size_t msglen, char *err, size_t errlen);

/* Switch type's pair back to the other slot, which must be good; the
 * current one is marked bad and reason recorded as last_failure. */
int update_rollback(update_t *u, bundle_type_t type, const char *reason, char *err,
		    size_t errlen);

/* What the launcher does before each start: count a trial start of a pending
 * slot, roll back when its tries are used up, clean up uncommitted installs.
 * app_dir / data_dir get the real paths of the active slots ("" when the
 * data pair has none). max_tries caps tries_left. */
/* The unprivileged half of the launcher (it only reads): the active slots'
 * paths and an fd of the app slot to fchdir into. Refuses a slot whose
 * folder, pair or ROOT is writable by others or owned by someone else than
 * ROOT's owner, a `current` that is not exactly slot-a/slot-b, and an
 * incomplete or bad slot. */
int update_launcher_resolve(update_t *u, char *app_dir, size_t app_len, char *data_dir,
			    size_t data_len, int *app_fd, char *err, size_t errlen);

int update_launcher_prepare(update_t *u, uint32_t max_tries, char *app_dir, size_t app_len,
			    char *data_dir, size_t data_len, char *err, size_t errlen);

/* Test hook for health checks: 1 when KIOSK_HEALTH_FAIL (comma separated)
 * names check ("fonts", "catalog", "ledger", "frame"), so tests can make a
 * kiosk fail any one of its checks without breaking real files. */
int update_health_fail_injected(const char *check);

/* CRC-32 (IEEE) used by the state record. */
uint32_t update_crc32(const void *buf, size_t len);
/* State record text <-> struct (exposed for unit tests). */
int update_state_format(const update_state_t *st, char *buf, size_t len);
int update_state_parse(const char *buf, size_t len, update_state_t *st);

#endif
