/* sse.h - the Server-Sent Events framing parser (the WHATWG "event stream"
 * format): lines ending in LF, CRLF or CR; "field: value" lines (data, id,
 * event, retry), comments (lines starting with ':'), and a blank line that
 * ends an event. Incremental: bytes are fed as they arrive, split anywhere.
 * No allocation; the buffers are in the struct (bounded: a longer line or
 * event is dropped and counted, never truncated into a wrong snapshot). */
#ifndef SSE_H
#define SSE_H

#include <stdbool.h>
#include <stddef.h>

#define SSE_MAX_LINE (128 * 1024)  /* longest line kept */
#define SSE_MAX_DATA (128 * 1024)  /* longest event data kept */
#define SSE_MAX_FIELD 64           /* event type and id */

typedef struct {
	/* A complete event: type ("message" when the stream named none), the
	 * last id seen ("" if none), and its data (NUL-terminated, len bytes,
	 * data lines joined with '\n'). Strings valid during the call only. */
	void (*on_event)(void *ctx, const char *type, const char *id, const char *data, size_t len);
	/* A comment line (without the ':'); may be NULL. */
	void (*on_comment)(void *ctx, const char *text, size_t len);
	void *ctx;
} sse_handler_t;

typedef struct {
	sse_handler_t h;
	char line[SSE_MAX_LINE + 1];
	size_t line_len;
	bool line_over;     /* the current line is longer than SSE_MAX_LINE */
	bool after_cr;      /* the last byte was CR: a following LF is the same end */
	bool started;       /* past a leading byte-order mark */
	size_t bom;         /* bytes of a BOM matched so far */
	char data[SSE_MAX_DATA + 1];
	size_t data_len;
	bool data_any;      /* a data field was seen in this event */
	bool event_over;    /* this event's data or a line overflowed: drop it */
	char type[SSE_MAX_FIELD + 1];
	char id[SSE_MAX_FIELD + 1];
	long retry_ms;      /* last "retry:" value, -1 if none */
	unsigned long events, comments, dropped; /* counts, for the status */
} sse_t;

/* Start (or restart, for a new connection) a parser. The last event id is
 * kept across sse_reset, as the format says; sse_init clears it. */
void sse_init(sse_t *p, const sse_handler_t *h);
void sse_reset(sse_t *p);

/* Feed n bytes of the stream. */
void sse_feed(sse_t *p, const char *buf, size_t n);

#endif
