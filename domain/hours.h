/* hours.h - office hours: whether the kiosk is open, at lunch or closed at a
 * given local time, and when that changes next. */
#ifndef HOURS_H
#define HOURS_H

#include <stdint.h>
#include "domain/config.h"

typedef enum { HOURS_OPEN, HOURS_LUNCH, HOURS_CLOSED } hours_state_t;

/* State at utc_ms (Vietnam local time). LUNCH = between two periods of the
 * same day; CLOSED = before the first, after the last, or a day off.
 * *next_change_ms (may be NULL) gets the UTC ms of the next change, or
 * INT64_MAX when nothing changes within the next 8 days (e.g. no hours at
 * all). Periods ending at 24:00 that meet the next day's 00:00 period are
 * one open stretch: the change is where the state really differs. */
hours_state_t hours_state(const config_t *cfg, int64_t utc_ms, int64_t *next_change_ms);

#endif
