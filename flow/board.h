/* board.h - the wall board's state (kiosk --board URL): the last good queue
 * snapshot from the hub (docs/office-queue.md, "The snapshot") parsed into a
 * fixed struct, whether the hub is heard, and the highlight of a new call.
 * A malformed snapshot changes nothing: the board keeps the last good state
 * on screen (never blank). No SDL; time comes in as monotonic ms. */
#ifndef BOARD_H
#define BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/lang.h"

#define BOARD_MAX_CALLS 6
#define BOARD_MAX_GROUPS 32
#define BOARD_NAME_MAX 96      /* bytes of a counter, group or office name */
#define BOARD_SNAPSHOT_MAX (256 * 1024)
/* No event or comment for this long and the board shows "lost" (the hub
 * sends at least every 15 s). */
#define BOARD_SILENCE_MS 30000
/* How long a new call is highlighted. */
#define BOARD_HIGHLIGHT_MS 8000
/* A call first seen when it is older than this by the hub's clock is not
 * announced (the board was away; it only shows it). */
#define BOARD_ANNOUNCE_MAX_AGE_MS 60000

typedef struct {
	char number[12];                      /* "A012" */
	int counter;                          /* 1..99 */
	char counter_name[LANG_COUNT][BOARD_NAME_MAX];
	bool priority;
	char group[40];
	int64_t at_ms;                        /* UTC ms of the call */
	int recall;                           /* times recalled */
} board_call_t;

typedef struct {
	char id[40];
	char letter[8];                       /* the series letter, "A" */
	char name[LANG_COUNT][BOARD_NAME_MAX];
	int waiting, priority_waiting;
	int estimate_min;                     /* -1: no estimate yet */
} board_group_t;

/* A kiosk's open help call ("Cần hỗ trợ"), not yet taken by a counter. */
#define BOARD_MAX_HELP 8
typedef struct {
	int64_t id;
	char kiosk[64];                       /* office.kiosk_name, "Ki-ốt 1" */
	int64_t at_ms;
} board_help_t;

typedef struct {
	int64_t seq;
	char office[128];
	int64_t now_ms;                       /* the hub's clock, UTC ms */
	board_call_t calls[BOARD_MAX_CALLS];  /* newest first */
	int ncalls;
	board_group_t groups[BOARD_MAX_GROUPS];
	int ngroups;
	int more_groups;                      /* groups beyond BOARD_MAX_GROUPS */
	board_help_t help[BOARD_MAX_HELP];    /* open help calls (taken ones are left out) */
	int nhelp;
	/* The office's voice settings for its boards ("board", set from the
	 * kiosk's technician menu); has_voice false when the hub sends none. */
	bool has_voice;
	int volume, repeat, rate;             /* 0..200, 0..5, 80..450 */
	int quiet_start, quiet_end;           /* minutes of the day; -1, -1: no quiet hours */
} board_snapshot_t;

typedef struct {
	board_snapshot_t snap;   /* the last good snapshot */
	bool have;               /* one was ever received */
	int64_t snap_mono;       /* when it arrived */
	bool connected;          /* the stream is open */
	bool ever_heard;
	int64_t heard_mono;      /* last event or comment */
	int64_t lost_since;      /* mono ms the hub was lost, 0 while heard */
	int64_t highlight_until; /* mono ms, 0 = no highlight */
	unsigned bad;            /* malformed snapshots ignored */
	uint32_t generation;     /* grows with every visible change */
	bool was_lost;
	bool was_highlight;
	int shown_minute;        /* the clock's minute last drawn */
	/* The calls the last board_feed brought that were not in the snapshot
	 * before (a new call, a recall, a transfer to another counter), oldest
	 * first: what the caller announces. Empty after the first snapshot (the
	 * board just started), after a snapshot that repeats the one before (a
	 * reconnect) and for calls older than BOARD_ANNOUNCE_MAX_AGE_MS. */
	board_call_t fresh[BOARD_MAX_CALLS];
	int nfresh;
	/* Open help calls the last board_feed brought that were not open before
	 * (same rules as fresh): the caller chimes once for them. */
	int nfresh_help;
} board_t;

/* Parse a snapshot (UTF-8 JSON object, version 1). KIOSK_OK, or KIOSK_EINVAL
 * for anything malformed (why in err: "calls[2].number missing"); *out is
 * cleared first. Texts too long for their field are refused, not cut. */
int board_parse(const char *json, size_t len, board_snapshot_t *out, char *err, size_t errlen);

void board_init(board_t *b);

/* A snapshot event arrived at now (mono ms): a good one replaces the state
 * (and highlights a new newest call), a malformed one only counts. Returns
 * the parse result. */
int board_feed(board_t *b, const char *json, size_t len, int64_t now);

/* The hub was heard (an event or a comment) at now. */
void board_heard(board_t *b, int64_t now);

/* The stream opened or closed at now. */
void board_link(board_t *b, bool up, int64_t now);

/* Whether to show "lost": the stream is down, or nothing was heard for
 * BOARD_SILENCE_MS, or nothing was ever heard. */
bool board_lost(const board_t *b, int64_t now);

/* Whether the newest call is highlighted now. */
bool board_highlight(const board_t *b, int64_t now);

/* The hub's wall clock now (UTC ms), running on from the last snapshot; 0
 * without a snapshot. */
int64_t board_hub_time(const board_t *b, int64_t now);

/* Update lost/highlight/clock-minute at now; returns true when what is
 * shown changed (generation grew), so the caller redraws. */
bool board_tick(board_t *b, int64_t now);

/* The next mono ms at which board_tick may change something (-1: never). */
int64_t board_next_deadline(const board_t *b, int64_t now);

#endif
