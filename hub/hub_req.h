/* hub_req.h - the hub's requests read and checked before anything acts on
 * them: which route a method and path name, a POST body's JSON fields with
 * their types and ranges, the session cookie and the Origin check
 * (docs/office-queue.md). Pure functions over bytes, no I/O, so a fuzzer
 * drives them (tests/fuzz/fuzz_hub_req.c). */
#ifndef HUB_REQ_H
#define HUB_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/handoff.h"

#define HUB_BODY_MAX 8192      /* bytes of a POST body */
#define HUB_TOKEN_HEX 32       /* a 128-bit token in hex */

typedef enum {
	HUB_NONE = 0,
	HUB_PAGE,                  /* GET /, /counter: the counter page */
	HUB_STATIC,                /* GET /static/<file> */
	HUB_I18N,                  /* GET /i18n/<lang>.json */
	HUB_STATE,                 /* GET /api/state */
	HUB_EVENTS,                /* GET /api/events */
	HUB_LOGIN,                 /* POST from here on */
	HUB_LOGOUT,
	HUB_CALL_NEXT,
	HUB_RECALL,
	HUB_ABSENT,
	HUB_DONE,
	HUB_TRANSFER,
	HUB_CALL,
	HUB_RATE,
	HUB_HELP_TAKE,
	HUB_HANDOFF,
	HUB_ROUTE_COUNT
} hub_route_t;

typedef struct {
	hub_route_t route;
	char file[128];            /* HUB_PAGE, HUB_STATIC: a file name under <assets>/web */
	const char *type;          /* its Content-Type */
	char lang[4];              /* HUB_I18N: "vi" or "en" */
} hub_target_t;

/* The route of method and url (the path, without the query: a query is
 * ignored). KIOSK_OK; KIOSK_ENOENT for no such route or file name (404);
 * KIOSK_EPERM for a known path with the wrong method (405). A static file
 * name is one or more segments of [A-Za-z0-9_-] with one dot and a known
 * extension (html css js json svg png woff2 ttf ico txt); no "..", no
 * hidden file, no empty segment, so nothing outside the folder can be
 * named. */
int hub_req_target(const char *method, const char *url, hub_target_t *out);

/* Whether a route is a POST that needs a session (every POST but login). */
bool hub_req_needs_session(hub_route_t r);

/* A POST body's fields (those its route uses; the others zero). */
typedef struct {
	int counter;               /* login: 1..99 */
	char pin[16];              /* login: digits, at most 12 */
	char rid[65];              /* [A-Za-z0-9_-]{1,64}: one per click */
	bool has_rid;
	char expect[8];            /* the ticket the page shows as current */
	char group[32];            /* transfer: [a-z0-9-]{1,31} */
	char number[8];            /* call, rate: [A-Z][0-9]{1,4} */
	int level;                 /* rate: 1..3 */
	unsigned reasons;          /* rate: 0..255 */
	int64_t id;                /* help/take: >= 1 */
	char qr[HANDOFF_MAX_K2 + 1]; /* handoff: the scanned record, printable ASCII */
	size_t qr_len;
} hub_body_t;

/* Read a route's body: a JSON object (UTF-8, at most HUB_BODY_MAX bytes,
 * len bytes, no NUL needed) whose keys are known, of the right types and
 * ranges, with the route's required ones present (rid for every counter
 * action, expect for recall/absent/done/transfer). KIOSK_OK;
 * KIOSK_ERANGE for a body over the cap; KIOSK_EINVAL otherwise (the hub
 * answers 400 bad_request and changes nothing). *why (may be NULL) gets a
 * short reason for the log (never a value from the body). */
int hub_req_body(hub_route_t r, const char *body, size_t len, hub_body_t *out, const char **why);

/* The kh_session token of a Cookie header (32 lower-case hex digits) into
 * token; false when there is none (or it is malformed). */
bool hub_req_cookie(const char *cookie, char token[HUB_TOKEN_HEX + 1]);

/* CSRF's Origin rule: true when origin is absent (NULL) or is
 * http://<host> or https://<host> for the request's Host header. */
bool hub_req_origin_ok(const char *origin, const char *host);

#endif
