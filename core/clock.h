/* clock.h - injected time. Every module that needs "now" takes a kclock_t,
 * so tests and scenario scripts run on a virtual clock.
 *
 * Times are UTC milliseconds since the epoch. Local time is always
 * Asia/Ho_Chi_Minh (UTC+7, no daylight saving), whatever the system's zone. */
#ifndef CLOCK_H
#define CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KCLOCK_VN_OFFSET_S (7 * 3600)

typedef struct kclock {
	int64_t (*now_ms)(void *ctx);     /* wall clock, UTC ms */
	int64_t (*mono_ms)(void *ctx);    /* monotonic ms, for timers */
	bool (*trusted)(void *ctx);       /* wall clock is known good */
	void *ctx;
} kclock_t;

/* Broken-down local (Vietnam) time. */
typedef struct {
	int year, month, day;     /* 2026, 1..12, 1..31 */
	int hour, min, sec;
	int wday;                 /* 0 = Sunday .. 6 = Saturday */
	int yday_key;             /* year*10000 + month*100 + day */
} kclock_local_t;

static inline int64_t kclock_now(const kclock_t *c) { return c->now_ms(c->ctx); }
static inline int64_t kclock_mono(const kclock_t *c) { return c->mono_ms(c->ctx); }
static inline bool kclock_trusted(const kclock_t *c) { return c->trusted(c->ctx); }

/* The real clock: CLOCK_REALTIME / CLOCK_MONOTONIC; trusted when the kernel
 * reports the clock synchronised (adjtimex) or a marker file written when
 * staff set the date today exists (path may be NULL). */
void kclock_real(kclock_t *out, const char *staff_set_marker);

/* A virtual clock for tests and scenarios. */
typedef struct {
	int64_t now_ms;
	int64_t mono_ms;
	bool trusted;
} kclock_virtual_t;
void kclock_virtual(kclock_t *out, kclock_virtual_t *state);
/* Advance both the wall and monotonic time of a virtual clock. */
void kclock_virtual_advance(kclock_virtual_t *v, int64_t ms);

/* Convert UTC ms to Vietnam local time. */
void kclock_to_local(int64_t utc_ms, kclock_local_t *out);

/* Parse ISO 8601 "YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM|-HH:MM]". Without an
 * offset the time is taken as Vietnam local time. Returns KIOSK_OK or
 * KIOSK_EINVAL. */
int kclock_parse_iso(const char *s, int64_t *utc_ms);

/* Format UTC ms as local "YYYY-MM-DDTHH:MM:SS+07:00" into buf (>= 32). */
void kclock_format_iso(int64_t utc_ms, char *buf, size_t cap);

#endif
