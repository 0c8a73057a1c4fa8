/* outbox.h - the fleet agent's store-and-forward outbox (SQLite, its own file
 * <data>/fleet-outbox.db, WAL, synchronous=FULL like the ledger).
 *
 * Every message the kiosk sends to the fleet broker is first written here
 * with the next number of a per-kiosk sequence that only grows (never reused,
 * not even after the table empties), then published with QoS 1 by the agent
 * (fleet/agent.h) and deleted when the broker acknowledges it. The receiver
 * de-duplicates on (kiosk, seq). outbox_enqueue returns KIOSK_OK only once
 * the message is durable on the storage.
 *
 * The outbox has a bound (rows and payload bytes). When a new message would
 * pass it, room is made in this order (docs/fleet.md, "Drop policy"):
 *   1. the oldest heartbeats go first;
 *   2. then hourly queue figures are merged into one message per day and
 *      group (counts summed, "_max" fields kept as the maximum, medians
 *      dropped; the merged message lists the seqs it "replaces");
 *   3. then the oldest figures (stats), 4. events last.
 * Each dropped message counts in outbox_dropped(); the heartbeat reports
 * those counters, so nothing goes silently. The message being enqueued is
 * never the one dropped.
 *
 * One outbox_t is one SQLite connection: use it from one thread at a time.
 * The kiosk's loop and the agent's thread each open their own. */
#ifndef OUTBOX_H
#define OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"

#define OUTBOX_ID_MAX 63            /* bytes of a kiosk id: A-Z a-z 0-9 _ - . */
#define OUTBOX_TOPIC_MAX 128
#define OUTBOX_PAYLOAD_MAX 16384    /* bytes of one payload */

typedef struct outbox outbox_t;

/* What a message is; the order of the drop policy. */
typedef enum {
	OUTBOX_HEARTBEAT = 0,       /* kiosk/<id>/heartbeat */
	OUTBOX_STATS = 1,           /* kiosk/<id>/stats */
	OUTBOX_EVENT = 2,           /* kiosk/<id>/event */
	OUTBOX_CLASSES = 3,
} outbox_class_t;

typedef struct {
	int max_rows;               /* 0 = default 20000 */
	int64_t max_bytes;          /* of topics and payloads; 0 = default 16 MiB */
} outbox_limits_t;

typedef struct {
	int64_t seq;
	outbox_class_t cls;
	char topic[OUTBOX_TOPIC_MAX];
	char *payload;              /* NUL-terminated JSON, owned: outbox_msgs_free */
	size_t len;
} outbox_msg_t;

typedef struct {
	int64_t rows, bytes;        /* waiting now */
	int64_t next_seq;           /* the seq the next message gets */
	int64_t dropped[OUTBOX_CLASSES]; /* dropped for the bound, since the file was made */
	int64_t merged;             /* hourly figures folded into daily ones */
} outbox_info_t;

/* True when id is a usable kiosk id (1-63 of A-Z a-z 0-9 _ - .). */
bool outbox_id_valid(const char *id);

/* Open (or create) the outbox at path for kiosk_id. clock is borrowed; lim
 * may be NULL (defaults). A file that is not an outbox gives KIOSK_ECORRUPT
 * and is left untouched; storage problems give KIOSK_ENOSPC, KIOSK_EROFS or
 * KIOSK_EIO, with words in err. *out is NULL on failure. */
int outbox_open(const char *path, const char *kiosk_id, const kclock_t *clock,
		const outbox_limits_t *lim, outbox_t **out, char *err, size_t errlen);
void outbox_close(outbox_t *o);

/* Store one message durably. body is a JSON object without personal data
 * and without the envelope keys (v, kiosk, seq, ts), which the outbox adds
 * first: {"v":1,"kiosk":id,"seq":n,"ts":ms, ...body}. Hourly figures
 * (OUTBOX_STATS with "period":"hour", a "day" yyyymmdd and an optional
 * "group") can be merged under the drop policy. *seq (may be NULL) gets
 * the message's number. KIOSK_EINVAL for a bad body, KIOSK_ERANGE when the
 * message alone is larger than the bound; storage errors as outbox_open.
 * On any failure nothing is stored and the sequence is not advanced. */
int outbox_enqueue(outbox_t *o, outbox_class_t cls, const char *body, int64_t *seq);

/* Up to max of the oldest messages with a seq above after, oldest first.
 * *n gets the count; free with outbox_msgs_free. */
int outbox_peek(outbox_t *o, int64_t after, int max, outbox_msg_t *msgs, int *n);
void outbox_msgs_free(outbox_msg_t *msgs, int n);

/* The broker acknowledged seq: delete it (a seq already gone is fine). */
int outbox_ack(outbox_t *o, int64_t seq);

int outbox_info(outbox_t *o, outbox_info_t *info);

/* The last error in words (storage kind, SQLite code, errno). */
const char *outbox_error(const outbox_t *o);

/* The topic's last part for a class: "heartbeat", "stats", "event". */
const char *outbox_class_name(outbox_class_t cls);

#endif
