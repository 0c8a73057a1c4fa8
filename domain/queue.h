/* queue.h - the office queue in the ledger: tickets waiting per group,
 * called at counters, served, absent, transferred, rated; help calls from
 * the kiosk; the figures people see (ahead, estimated wait) and the day's
 * statistics. Rules: docs/office-queue.md.
 *
 * The queue's tables live in the ledger's SQLite file, opened through a
 * connection of the queue's own, so the kiosk and the hub (two processes)
 * share one authority. Every change is one BEGIN IMMEDIATE transaction: two
 * counters never get the same ticket, and a crash leaves the state before
 * or after one change. No personal data is read or written.
 *
 * A queue_t is used by one thread. */
#ifndef QUEUE_H
#define QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"

#define QUEUE_MAX_COUNTERS 99
#define QUEUE_MAX_GROUPS 32
#define QUEUE_RECENT 6

/* What the queue needs to know of the office (from the catalog and the
 * config); copied at queue_open. */
typedef struct {
	char id[32];               /* catalog group id, "ho-tich" */
	char letter;               /* its series letter */
} queue_group_t;

typedef struct {
	char procedure[64];        /* procedure id */
	char group[32];            /* its group id */
} queue_proc_t;

typedef struct {
	int id;                    /* 1..QUEUE_MAX_COUNTERS */
	char groups[8][32];        /* group ids it serves */
	int group_count;
} queue_counter_t;

typedef struct {
	const queue_group_t *groups; int group_count;
	const queue_proc_t *procs; int proc_count;
	const queue_counter_t *counters; int counter_count;
	int regular_per_priority;  /* one priority call after this many regular ones; 0 = priority first */
	int absent_window;         /* a parked ticket stays callable for this many later calls of its group */
} queue_setup_t;

/* The office as the queue needs it, read from a catalog: its groups (up to
 * QUEUE_MAX_GROUPS) and the procedures that belong to one (up to
 * QUEUE_MAX_PROCS). One place for the kiosk, the hub and the scenarios. */
#define QUEUE_MAX_PROCS 256
typedef struct {
	queue_group_t groups[QUEUE_MAX_GROUPS]; int group_count;
	queue_proc_t procs[QUEUE_MAX_PROCS]; int proc_count;
} queue_office_t;

struct catalog;
void queue_office_from_catalog(const struct catalog *cat, queue_office_t *o);

typedef enum {
	QUEUE_WAITING, QUEUE_CALLED, QUEUE_SERVED, QUEUE_ABSENT, QUEUE_NOSHOW, QUEUE_CLOSED
} queue_state_t;

typedef struct {
	int64_t row;               /* the ledger's ticket row */
	char number[8];            /* "A012" */
	char group[32];
	bool priority;
	queue_state_t state;
	int counter;               /* calling counter (0: none) */
	int recalls;
	int64_t issued_ms, called_ms, served_ms;
} queue_ticket_t;

typedef struct {
	char number[8];
	int counter;
	bool priority;
	char group[32];
	int64_t at_ms;
	int recalls;
} queue_call_t;

typedef struct {
	int64_t id;
	char kiosk[64];            /* the kiosk's name (config), not a person's */
	int64_t at_ms;
	int taken_by;              /* counter, 0 while nobody has taken it */
} queue_help_t;

typedef struct {
	int64_t seq;               /* grows with every change */
	int day_key;
	queue_call_t calls[QUEUE_RECENT]; int call_count;      /* newest first */
	struct { int id; char current[8]; } counters[QUEUE_MAX_COUNTERS]; int counter_count;
	struct {
		char id[32]; char letter;
		int waiting, priority_waiting;
		int estimate_min;    /* -1: no estimate yet */
		char absent[16][8]; int absent_count;            /* parked, callable back */
	} groups[QUEUE_MAX_GROUPS]; int group_count;
	queue_help_t help[8]; int help_count;               /* open and recently taken */
} queue_view_t;

typedef struct queue queue_t;

/* Open the queue on the ledger file at path (the ledger must exist: the
 * kiosk creates it). Adds the queue's tables when missing. setup is copied,
 * clock is borrowed. KIOSK_ENOENT, KIOSK_ECORRUPT, KIOSK_EIO... with err
 * saying which for staff. *out is NULL on failure. */
int queue_open(const char *path, const kclock_t *clock, const queue_setup_t *setup, queue_t **out,
	       char *err, size_t errlen);
void queue_close(queue_t *q);

/* The counters and the call policy changed (the technician menu): take
 * them from now on (checked like queue_open's; nothing changes on
 * KIOSK_EINVAL). A counter's called ticket stays its own. */
int queue_reconfigure(queue_t *q, const queue_counter_t *cs, int n, int regular_per_priority,
		      int absent_window, char *err, size_t errlen);

/* Bring in tickets printed since the last look (and close yesterday's
 * line at a new business day). Every call below does this first. */
int queue_sync(queue_t *q);

/* Counter actions. *out (may be NULL) gets the ticket acted on.
 * KIOSK_ENOENT: nothing waiting / no current ticket / no such number today;
 * KIOSK_EPERM: not a group of this counter; KIOSK_EBUSY: the ticket is not
 * in a state for this action (already called elsewhere, closed...). */
int queue_call_next(queue_t *q, int counter, queue_ticket_t *out);
int queue_call_number(queue_t *q, int counter, const char *number, queue_ticket_t *out);
int queue_recall(queue_t *q, int counter, queue_ticket_t *out);
int queue_absent(queue_t *q, int counter, queue_ticket_t *out);
int queue_done(queue_t *q, int counter, queue_ticket_t *out);
int queue_transfer(queue_t *q, int counter, const char *group, queue_ticket_t *out);
/* The counter's current (called) ticket; KIOSK_ENOENT when none. */
int queue_current(queue_t *q, int counter, queue_ticket_t *out);

/* Rating of a served ticket: level 1..3, reasons a bit set (level 1 only).
 * KIOSK_EBUSY when already rated or not served, KIOSK_ETIMEOUT after the
 * window. */
int queue_rate(queue_t *q, const char *number, int level, unsigned reasons);
/* Whether today's ticket number can be rated now (nothing changes):
 * KIOSK_OK; KIOSK_ENOENT no such ticket today; KIOSK_EBUSY not served (yet);
 * KIOSK_EPERM already rated; KIOSK_ETIMEOUT the window has passed. */
int queue_rate_open(queue_t *q, const char *number);

/* Help calls: the kiosk asks (*id gets the call), a counter takes it. */
int queue_help_request(queue_t *q, const char *kiosk, int64_t *id);
int queue_help_take(queue_t *q, int64_t id, int counter);
int queue_help_get(queue_t *q, int64_t id, queue_help_t *out);

/* What a citizen sees: people ahead of a waiting ticket and the estimated
 * wait in whole minutes (-1: no estimate yet). */
int queue_ahead(queue_t *q, const char *number, int *ahead, int *estimate_min);
/* The same for a ticket of group joining the line now (the kiosk, before
 * it prints the number). KIOSK_EINVAL for a group not in the setup. */
int queue_ahead_join(queue_t *q, const char *group, bool priority, int *ahead, int *estimate_min);

/* The whole state for the board and the pages. A queue opened without
 * counters (the kiosk) lists, as counters, every counter that has a called
 * ticket today; its estimates count the counters that called in the group
 * in the last hour. */
int queue_view(queue_t *q, queue_view_t *out);
/* Cheap check for a change by anyone (this or another process) since the
 * last queue_view: true when a new view would differ. */
bool queue_changed(queue_t *q);

/* The day's statistics for the export (read-only, from the ledger file at
 * path, beside any open queue). One row per (day, group) with counter 0
 * (the whole group), followed by one row per counter that acted in that
 * group that day. issued: tickets that joined the group's line; called:
 * calls (call next, by number, back from parked; not recalls); served,
 * noshow, closed (left at the end of the day); transferred: sent from this
 * group to another, transfer_in: received. wait: issue -> first call;
 * service: call -> served; -1 when there is none. ratings[1..3] per level
 * (by the serving counter). KIOSK_OK, KIOSK_ENOENT (no ledger) or
 * KIOSK_EIO. No personal data exists in these tables. */
typedef struct {
	int day_key;
	char group[32];
	int counter;               /* 0: the whole group */
	bool hourly;               /* a row of queue_stats_hourly: the hour below; false: the whole day */
	int hour;                  /* with hourly: 0..23, Vietnam time */
	long issued, called, served, noshow, closed, transferred, transfer_in;
	long waits, services;      /* how many times were measured */
	int64_t wait_median_ms, wait_p90_ms, service_median_ms, service_p90_ms;
	long ratings[4];           /* [1] Không hài lòng, [2] Hài lòng, [3] Rất hài lòng */
} queue_stat_t;

int queue_stats_daily(const char *path, void (*fn)(void *user, const queue_stat_t *s), void *user);

/* The same figures of one day (yyyymmdd) per group and hour of the event
 * (Vietnam time: a ticket joins in the hour it was issued, is served in the
 * hour it was served), the whole group only (counter 0): one row per
 * (group, hour) with anything in it, in order. */
int queue_stats_hourly(const char *path, int day, void (*fn)(void *user, const queue_stat_t *s), void *user);

#endif
