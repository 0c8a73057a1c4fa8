/* test_hours.c - office hours state and next change, with the default week
 * (Mon-Fri 07:30-11:30 and 13:30-17:00, Sat 07:30-11:30, Sun closed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/clock.h"
#include "domain/config.h"
#include "domain/hours.h"
#include "core/kiosk.h"

static int64_t at(const char *iso)
{
	int64_t t = 0;
	assert_int_equal(kclock_parse_iso(iso, &t), KIOSK_OK);
	return t;
}

/* State at local time iso; checks the next change equals next_iso. */
static void check(const config_t *cfg, const char *iso, hours_state_t want, const char *next_iso)
{
	int64_t next = 0;
	hours_state_t s = hours_state(cfg, at(iso), &next);
	if (s != want)
		fail_msg("%s: state %d, expected %d", iso, (int)s, (int)want);
	if (next_iso) {
		char got[40];
		kclock_format_iso(next, got, sizeof got);
		if (next != at(next_iso))
			fail_msg("%s: next change %s, expected %s", iso, got, next_iso);
	}
	/* NULL is accepted for the next change. */
	assert_int_equal(hours_state(cfg, at(iso), NULL), want);
}

static void test_weekdays(void **state)
{
	(void)state;
	config_t cfg;
	config_defaults(&cfg);
	/* 2026-01-05 is a Monday. */
	check(&cfg, "2026-01-05T09:00", HOURS_OPEN, "2026-01-05T11:30");
	check(&cfg, "2026-01-05T12:00", HOURS_LUNCH, "2026-01-05T13:30");
	check(&cfg, "2026-01-05T17:30", HOURS_CLOSED, "2026-01-06T07:30");
	check(&cfg, "2026-01-05T07:29:59", HOURS_CLOSED, "2026-01-05T07:30");
	check(&cfg, "2026-01-05T07:30", HOURS_OPEN, "2026-01-05T11:30");
	check(&cfg, "2026-01-05T11:30", HOURS_LUNCH, "2026-01-05T13:30");
	check(&cfg, "2026-01-05T16:59:59", HOURS_OPEN, "2026-01-05T17:00");
	check(&cfg, "2026-01-05T17:00", HOURS_CLOSED, "2026-01-06T07:30");
	check(&cfg, "2026-01-05T00:00", HOURS_CLOSED, "2026-01-05T07:30");
	/* UTC input: 02:00Z is 09:00 in Vietnam; 23:00Z Sunday is Monday 06:00. */
	check(&cfg, "2026-01-05T02:00:00Z", HOURS_OPEN, "2026-01-05T11:30");
	check(&cfg, "2026-01-04T23:00:00Z", HOURS_CLOSED, "2026-01-05T07:30");
}

static void test_weekend(void **state)
{
	(void)state;
	config_t cfg;
	config_defaults(&cfg);
	/* Friday evening: next is Saturday morning. */
	check(&cfg, "2026-01-09T18:00", HOURS_CLOSED, "2026-01-10T07:30");
	/* Saturday morning open, afternoon closed (not lunch: no later period). */
	check(&cfg, "2026-01-10T10:00", HOURS_OPEN, "2026-01-10T11:30");
	check(&cfg, "2026-01-10T14:00", HOURS_CLOSED, "2026-01-12T07:30");
	/* Sunday closed all day; next change Monday 07:30. */
	check(&cfg, "2026-01-11T09:00", HOURS_CLOSED, "2026-01-12T07:30");
	check(&cfg, "2026-01-11T23:59", HOURS_CLOSED, "2026-01-12T07:30");
}

static void test_custom(void **state)
{
	(void)state;
	config_t cfg;
	config_defaults(&cfg);
	char err[256];
	/* Closed all week: no change within 8 days. */
	assert_int_equal(config_overlay_text(&cfg, "t.json", "{\"office\":{\"hours\":{}}}", err,
					     sizeof err),
			 KIOSK_OK);
	int64_t next = 0;
	assert_int_equal(hours_state(&cfg, at("2026-01-05T09:00"), &next), HOURS_CLOSED);
	assert_true(next == INT64_MAX);
	/* Only Wednesdays, three periods: next change from Thursday is 6 days on. */
	assert_int_equal(
		config_overlay_text(&cfg, "t.json",
				    "{\"office\":{\"hours\":{\"wed\":[[\"08:00\",\"09:00\"],"
				    "[\"10:00\",\"11:00\"],[\"20:00\",\"24:00\"]],"
				    "\"thu\":[[\"00:00\",\"01:00\"]]}}}",
				    err, sizeof err),
		KIOSK_OK);
	check(&cfg, "2026-01-08T02:00", HOURS_CLOSED, "2026-01-14T08:00");
	check(&cfg, "2026-01-07T09:30", HOURS_LUNCH, "2026-01-07T10:00");
	check(&cfg, "2026-01-07T12:00", HOURS_LUNCH, "2026-01-07T20:00");
	/* 20:00-24:00 runs on into Thursday 00:00-01:00 without a change. */
	check(&cfg, "2026-01-07T21:00", HOURS_OPEN, "2026-01-08T01:00");
	check(&cfg, "2026-01-08T00:30", HOURS_OPEN, "2026-01-08T01:00");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weekdays),
		cmocka_unit_test(test_weekend),
		cmocka_unit_test(test_custom),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
