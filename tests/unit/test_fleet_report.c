/* test_fleet_report.c - the bodies of the fleet messages (fleet/report.h,
 * docs/fleet.md): each is one JSON object with the documented keys, the
 * drop counters in the heartbeat, "unknown" for a first printer state and
 * for a board without a temperature, -1 for figures not measured, a group
 * that is not an id refused (nothing that could carry text reaches the
 * payload), and a buffer too small refused rather than cut. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <cjson/cJSON.h>

#include "core/kiosk.h"
#include "fleet/report.h"

static double num(const cJSON *o, const char *path)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%s", path);
	const cJSON *cur = o;
	for (char *tok = strtok(buf, "."); tok && cur; tok = strtok(NULL, "."))
		cur = cJSON_GetObjectItemCaseSensitive(cur, tok);
	assert_non_null(cur);
	assert_true(cJSON_IsNumber(cur));
	return cur->valuedouble;
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	assert_true(cJSON_IsString(v));
	return v->valuestring;
}

static void test_heartbeat(void **state)
{
	(void)state;
	fleet_heartbeat_t h = {.version = "1.4.2", .slot = "b", .data_version = "2.0.1", .uptime_s = 3600, .disk_free_kb = 1000,
			       .disk_total_kb = 8000, .temp_c = 47.25, .printer = "near-end"};
	h.outbox.rows = 3;
	h.outbox.dropped[OUTBOX_HEARTBEAT] = 7;
	h.outbox.dropped[OUTBOX_EVENT] = 1;
	h.outbox.merged = 24;
	char buf[1024];
	assert_int_equal(fleet_heartbeat_body(&h, buf, sizeof buf), KIOSK_OK);
	cJSON *j = cJSON_Parse(buf);
	assert_true(cJSON_IsObject(j));
	assert_string_equal(str(j, "version"), "1.4.2");
	assert_string_equal(str(j, "slot"), "b");
	assert_string_equal(str(j, "data_version"), "2.0.1");
	assert_string_equal(str(j, "printer"), "near-end");
	assert_int_equal(num(j, "uptime_s"), 3600);
	assert_int_equal(num(j, "disk_free_kb"), 1000);
	assert_true(num(j, "temp_c") > 47.1 && num(j, "temp_c") < 47.4);
	assert_int_equal(num(j, "outbox.waiting"), 3);
	assert_int_equal(num(j, "outbox.dropped.heartbeat"), 7);
	assert_int_equal(num(j, "outbox.dropped.stats"), 0);
	assert_int_equal(num(j, "outbox.dropped.event"), 1);
	assert_int_equal(num(j, "outbox.merged"), 24);
	cJSON_Delete(j);
	/* No temperature, no printer known. */
	h.temp_c = -1000;
	h.printer = NULL;
	assert_int_equal(fleet_heartbeat_body(&h, buf, sizeof buf), KIOSK_OK);
	j = cJSON_Parse(buf);
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "temp_c")));
	assert_string_equal(str(j, "printer"), "unknown");
	cJSON_Delete(j);
	assert_int_equal(fleet_heartbeat_body(&h, buf, 40), KIOSK_ERANGE);
	/* A version that is not plain text is left out, never pasted in. */
	snprintf(h.version, sizeof h.version, "1\",\"x\":\"y");
	assert_int_equal(fleet_heartbeat_body(&h, buf, sizeof buf), KIOSK_OK);
	j = cJSON_Parse(buf);
	assert_string_equal(str(j, "version"), "");
	assert_null(cJSON_GetObjectItemCaseSensitive(j, "x"));
	cJSON_Delete(j);
}

static void test_printer_event(void **state)
{
	(void)state;
	char buf[160];
	assert_int_equal(fleet_printer_event_body(PRINTER_PAPER_OUT, PRINTER_NEAR_END, buf, sizeof buf), KIOSK_OK);
	assert_string_equal(buf, "{\"event\":\"printer\",\"state\":\"paper-out\",\"was\":\"near-end\"}");
	assert_int_equal(fleet_printer_event_body(PRINTER_OK, PRINTER_STATE_COUNT, buf, sizeof buf), KIOSK_OK);
	assert_string_equal(buf, "{\"event\":\"printer\",\"state\":\"ok\",\"was\":\"unknown\"}");
	assert_int_equal(fleet_printer_event_body(PRINTER_OK, PRINTER_OK, buf, 10), KIOSK_ERANGE);
}

static void test_stats(void **state)
{
	(void)state;
	queue_stat_t s = {.day_key = 20261202, .group = "ho-tich", .issued = 40, .called = 41, .served = 37,
			  .noshow = 2, .closed = 1, .waits = 38, .wait_median_ms = 754000, .wait_p90_ms = 1500999,
			  .service_median_ms = -1, .ratings = {0, 1, 5, 9}};
	char buf[1024];
	assert_int_equal(fleet_stats_body(&s, buf, sizeof buf), KIOSK_OK);
	cJSON *j = cJSON_Parse(buf);
	assert_true(cJSON_IsObject(j));
	assert_string_equal(str(j, "period"), "day");
	assert_string_equal(str(j, "group"), "ho-tich");
	assert_int_equal(num(j, "day"), 20261202);
	assert_int_equal(num(j, "issued"), 40);
	assert_int_equal(num(j, "no_show"), 2);
	assert_int_equal(num(j, "wait_median_s"), 754);
	assert_int_equal(num(j, "wait_p90_s"), 1500);
	assert_true(num(j, "service_median_s") == -1); /* a double: no cast to unsigned */
	assert_int_equal(num(j, "rating_1"), 1);
	assert_int_equal(num(j, "rating_3"), 9);
	assert_null(cJSON_GetObjectItemCaseSensitive(j, "hour"));
	cJSON_Delete(j);
	/* An hour's row: "period":"hour" and the hour, 0 included. */
	s.hourly = true;
	s.hour = 0;
	assert_int_equal(fleet_stats_body(&s, buf, sizeof buf), KIOSK_OK);
	j = cJSON_Parse(buf);
	assert_string_equal(str(j, "period"), "hour");
	assert_int_equal(num(j, "hour"), 0);
	assert_int_equal(num(j, "day"), 20261202);
	cJSON_Delete(j);
	s.hour = 24;
	assert_int_equal(fleet_stats_body(&s, buf, sizeof buf), KIOSK_EINVAL);
	s.hourly = false;
	/* A group that is not an id never reaches a payload. */
	snprintf(s.group, sizeof s.group, "a\",\"x\":\"1");
	assert_int_equal(fleet_stats_body(&s, buf, sizeof buf), KIOSK_EINVAL);
	snprintf(s.group, sizeof s.group, "Nguyễn");
	assert_int_equal(fleet_stats_body(&s, buf, sizeof buf), KIOSK_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_heartbeat),
		cmocka_unit_test(test_printer_event),
		cmocka_unit_test(test_stats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
