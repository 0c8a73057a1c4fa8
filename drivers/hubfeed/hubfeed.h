/* hubfeed.h - the wall board's feed of queue snapshots from the hub
 * (docs/office-queue.md, "The snapshot"), behind one ops struct:
 *   - http: GET <URL>/api/events, a Server-Sent Events stream, read by libcurl
 *     in a background thread; it reconnects by itself (1 s, doubling to 10 s)
 *     and gives up a connection that stays silent for 30 s (the hub sends at
 *     least every 15 s);
 *   - file: the snapshots of a file (one JSON snapshot, or an SSE transcript
 *     whose events are handed out one per take), for screenshots without a
 *     server.
 * The feed only moves text: the snapshot is parsed by flow/board. The latest
 * snapshot waits in a mutex-protected slot; an older one not yet taken is
 * replaced (snapshots are whole states, so nothing is lost). */
#ifndef HUBFEED_H
#define HUBFEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hubfeed hubfeed_t;

typedef struct {
	bool connected;     /* a stream is open now (file: always) */
	uint64_t heard;     /* grows with every event or comment received */
	uint64_t events;    /* snapshot events received (good or not) */
	uint64_t dropped;   /* events too long to keep */
	uint64_t connects;  /* connections made */
} hubfeed_status_t;

typedef struct {
	const char *name;
	/* arg: http: the hub's base URL ("http://10.0.0.2:8080"); file: a path. */
	int (*open)(hubfeed_t *f, const char *arg);
	/* A file descriptor that becomes readable when something changed (the
	 * caller polls it and then calls take), or -1. */
	int (*fd)(const hubfeed_t *f);
	/* The status now, and the newest snapshot not yet taken: *json gets a
	 * malloc'd NUL-terminated copy (caller frees) or NULL when none is new. */
	int (*take)(hubfeed_t *f, hubfeed_status_t *st, char **json);
	void (*close)(hubfeed_t *f);
} hubfeed_ops_t;

extern const hubfeed_ops_t hubfeed_http_ops;
extern const hubfeed_ops_t hubfeed_file_ops;

/* Open a feed with the given ops; *out is NULL on failure. KIOSK_OK,
 * KIOSK_EINVAL (bad URL or unreadable file), KIOSK_ENOMEM. The caller owns
 * the feed and closes it with hubfeed_close(). */
int hubfeed_open(const hubfeed_ops_t *ops, const char *arg, hubfeed_t **out);
int hubfeed_fd(const hubfeed_t *f);
int hubfeed_take(hubfeed_t *f, hubfeed_status_t *st, char **json);
void hubfeed_close(hubfeed_t *f);

/* Reconnection backoff: the wait before attempt n (0-based) after a failed
 * connection: 1 s, 2 s, 4 s, 8 s, then 10 s. */
int hubfeed_backoff_ms(int attempt);

/* Silence after which the http feed drops a connection and reconnects. */
#define HUBFEED_SILENCE_MS 30000

#endif
