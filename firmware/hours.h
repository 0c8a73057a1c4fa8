/* hours.h - office hours: whether the kiosk is open, at lunch or closed at a
 * given local time, and when that changes next. */
#ifndef HOURS_H
#define HOURS_H

#include <stdint.h>
#include "config.h"

typedef enum { HOURS_OPEN, HOURS_LUNCH, HOURS_CLOSED } hours_state_t;

/* State at utc_ms (Vietnam local time). LUNCH = between two periods of the
 * same day; CLOSED = before the first, after the last, or a day off.
 * *next_change_ms (may be NULL) gets the UTC ms of the next change. */
hours_state_t hours_state(const config_t *cfg, int64_t utc_ms, int64_t *next_change_ms);

#endif
