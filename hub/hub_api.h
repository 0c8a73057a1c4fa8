/* hub_api.h - the hub's HTTP API without the HTTP library: a request
 * (method, path, the few headers that matter, the body) in, an answer
 * (status, JSON or a file, headers) out; the routes of docs/office-queue.md
 * turned into queue calls under one lock, the sessions, CSRF and rid rules,
 * the snapshot for /api/state and the event stream, the counter page's
 * files and the hand-off decoding. Holds no personal data: a hand-off
 * record's answers go into the one answer that shows them and are wiped. */
#ifndef HUB_API_H
#define HUB_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"
#include "domain/catalog.h"
#include "domain/officekey.h"
#include "domain/queue.h"
#include "domain/staff.h"

#define HUB_MAX_COUNTERS 99
#define HUB_MAX_GROUPS 32

typedef struct {
	int id;
	char name[2][64];          /* [LANG_VI], [LANG_EN] */
	char groups[8][32];
	int group_count;
} hub_counter_t;

typedef struct {
	char id[32];
	char letter;
	char name[2][96];
} hub_group_t;

/* The office's voice settings for its wall boards (voice.* of the hub's
 * configuration), sent in every snapshot as "board". */
typedef struct {
	int volume, repeat, rate;
	char quiet[16];            /* "" or "HH:MM-HH:MM" */
} hub_voice_t;

/* What the hub serves; copied by hub_api_new, pointers borrowed. */
typedef struct {
	const kclock_t *clock;
	queue_t *queue;            /* used only under the API's lock */
	staff_t *staff;            /* counter PINs, under a lock of its own */
	const catalog_t *catalog;  /* hand-off labels */
	bool have_key;             /* office key known: hand-off records can be checked */
	uint8_t key[OFFICEKEY_LEN];
	char assets[1024];         /* <assets>: web/ and i18n/ */
	char office[128];
	hub_counter_t counters[HUB_MAX_COUNTERS];
	int counter_count;
	hub_group_t groups[HUB_MAX_GROUPS];
	int group_count;
	int64_t session_idle_ms;
	hub_voice_t voice;
} hub_api_setup_t;

typedef struct {
	const char *method, *url;
	const char *cookie, *csrf, *origin, *host; /* headers, NULL when absent */
	const char *body;
	size_t len;
	bool too_big;              /* the body went over HUB_BODY_MAX (not kept) */
} hub_request_t;

typedef struct {
	int status;
	char *body;                /* malloc'd */
	size_t len;
	const char *type;          /* Content-Type */
	bool no_store;             /* Cache-Control: no-store */
	char cookie[192];          /* Set-Cookie value, "" for none */
	bool events;               /* /api/events: the caller streams snapshots */
} hub_answer_t;

typedef struct hub_api hub_api_t;

int hub_api_new(const hub_api_setup_t *setup, hub_api_t **out);
void hub_api_free(hub_api_t *a);

/* The configuration changed (local.json, from the kiosk's technician
 * menu): the counters, the call policy, the boards' voice and the office
 * name from now on (thread-safe; office or voice NULL keeps it). The streams get a new snapshot
 * within the watcher's next look. KIOSK_EINVAL (err says why): nothing
 * changed. A logged-in counter that is gone gets "no_counter" answers. */
int hub_api_reconfigure(hub_api_t *a, const hub_counter_t *cs, int n, int regular_per_priority,
			int absent_window, const char *office, const hub_voice_t *voice, char *err,
			size_t errlen);

/* Answer one request (thread-safe). */
void hub_api_handle(hub_api_t *a, const hub_request_t *rq, hub_answer_t *out);
void hub_answer_free(hub_answer_t *ans);

/* The watcher's look (every 250 ms): when the queue changed (this process
 * or the kiosk), the snapshot is rebuilt. True when the snapshot changed
 * since the last call. */
bool hub_api_poll(hub_api_t *a);

/* The current snapshot on one line (malloc'd) and its version (grows with
 * each new snapshot, from this process's actions or hub_api_poll). */
char *hub_api_snapshot(hub_api_t *a, uint64_t *version);
uint64_t hub_api_version(hub_api_t *a);

#endif
