/* hub_sess.h - counter sessions of the hub, held in memory only: a random
 * 128-bit token (the kh_session cookie) and a CSRF token per login, ended
 * after idle_ms without a request, at logout, or when the hub restarts;
 * and each session's answers to recent request ids (rid), so that a double
 * click or a retried request within HUB_RID_MS gets the first answer again
 * without a second change (docs/office-queue.md). Time from the injected
 * clock (monotonic). Thread-safe (one lock inside). */
#ifndef HUB_SESS_H
#define HUB_SESS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/clock.h"
#include "hub/hub_req.h"

#define HUB_SESS_MAX 256       /* a new login past this ends the least recently used */
#define HUB_RID_MS 60000
#define HUB_RID_KEEP 16        /* answers kept per session */

typedef struct hub_sess hub_sess_t;

/* clock is borrowed. NULL when out of memory. */
hub_sess_t *hub_sess_new(const kclock_t *clock, int64_t idle_ms);
void hub_sess_free(hub_sess_t *s);

/* A new session of counter: token and csrf get fresh random hex tokens
 * (OpenSSL RAND_bytes). KIOSK_ERR when no random bytes could be had. */
int hub_sess_create(hub_sess_t *s, int counter, char token[HUB_TOKEN_HEX + 1],
		    char csrf[HUB_TOKEN_HEX + 1]);

/* The live session of token (idle time restarts): KIOSK_OK with *counter;
 * KIOSK_ENOENT for an unknown, ended or expired one. */
int hub_sess_get(hub_sess_t *s, const char *token, int *counter);

/* Whether csrf is the session's CSRF token (constant-time). */
bool hub_sess_csrf_ok(hub_sess_t *s, const char *token, const char *csrf);

/* End a session (logout); KIOSK_ENOENT when there was none. */
int hub_sess_end(hub_sess_t *s, const char *token);

/* Whether a live session of counter exists ("online" in the snapshot). */
bool hub_sess_online(hub_sess_t *s, int counter);

/* The answer kept for rid in token's session within HUB_RID_MS: true with
 * *status and *body (a malloc'd copy, the caller frees it). */
bool hub_sess_rid_find(hub_sess_t *s, const char *token, const char *rid, int *status, char **body);
/* Keep an answer for rid (the oldest kept answer goes). */
void hub_sess_rid_keep(hub_sess_t *s, const char *token, const char *rid, int status,
		       const char *body);

#endif
