/* hours.c - office hours: open, lunch or closed at a moment (Vietnam local
 * time), and the next moment that changes. The state only changes at a
 * period boundary or at local midnight, so the next change is found by
 * testing those instants in order, up to 8 days ahead. */
#include "domain/hours.h"

#include "core/clock.h"

#define DAY_MS INT64_C(86400000)
#define SEARCH_DAYS 8

/* State on weekday wday at minute m of the local day. */
static hours_state_t state_at_minute(const config_t *cfg, int wday, int m)
{
	int n = cfg->office_hours_count[wday];
	if (n <= 0 || n > CONFIG_MAX_PERIODS)
		return HOURS_CLOSED;
	const config_period_t *p = cfg->office_hours[wday];
	for (int i = 0; i < n; i++)
		if (m >= p[i].start_min && m < p[i].end_min)
			return HOURS_OPEN;
	if (m >= p[0].start_min && m < p[n - 1].end_min)
		return HOURS_LUNCH;
	return HOURS_CLOSED;
}

static hours_state_t state_at(const config_t *cfg, int64_t utc_ms)
{
	kclock_local_t l;
	kclock_to_local(utc_ms, &l);
	return state_at_minute(cfg, l.wday, l.hour * 60 + l.min);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

hours_state_t hours_state(const config_t *cfg, int64_t utc_ms, int64_t *next_change_ms)
{
	hours_state_t now = state_at(cfg, utc_ms);
	if (!next_change_ms)
		return now;
	*next_change_ms = INT64_MAX;
	const int64_t off = (int64_t)KCLOCK_VN_OFFSET_S * 1000;
	int64_t midnight = floor_div(utc_ms + off, DAY_MS) * DAY_MS - off;
	for (int d = 0; d <= SEARCH_DAYS; d++) {
		int64_t day0 = midnight + d * DAY_MS;
		kclock_local_t l;
		kclock_to_local(day0, &l);
		/* Candidate minutes of this day, ascending: midnight, then each
		 * period's start and end (periods are sorted). */
		int cand[1 + 2 * CONFIG_MAX_PERIODS];
		int nc = 0;
		cand[nc++] = 0;
		int n = cfg->office_hours_count[l.wday];
		if (n > CONFIG_MAX_PERIODS)
			n = CONFIG_MAX_PERIODS;
		for (int i = 0; i < n; i++) {
			cand[nc++] = cfg->office_hours[l.wday][i].start_min;
			cand[nc++] = cfg->office_hours[l.wday][i].end_min;
		}
		for (int i = 0; i < nc; i++) {
			int64_t t = day0 + (int64_t)cand[i] * 60000;
			if (t <= utc_ms)
				continue;
			if (state_at(cfg, t) != now) {
				*next_change_ms = t;
				return now;
			}
		}
	}
	return now;
}
