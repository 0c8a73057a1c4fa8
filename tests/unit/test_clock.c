/* test_clock.c - Vietnam local time, ISO 8601 parsing and the virtual clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "core/clock.h"
#include "core/kiosk.h"

static void test_parse_and_local(void **state)
{
	(void)state;
	int64_t t;
	assert_int_equal(kclock_parse_iso("2026-01-05T09:00:00+07:00", &t), KIOSK_OK);
	kclock_local_t l;
	kclock_to_local(t, &l);
	assert_int_equal(l.year, 2026);
	assert_int_equal(l.month, 1);
	assert_int_equal(l.day, 5);
	assert_int_equal(l.hour, 9);
	assert_int_equal(l.wday, 1); /* Monday */
	int64_t z;
	assert_int_equal(kclock_parse_iso("2026-01-05T02:00:00Z", &z), KIOSK_OK);
	assert_int_equal(z, t);
	/* No offset means Vietnam time. */
	assert_int_equal(kclock_parse_iso("2026-01-05T09:00", &z), KIOSK_OK);
	assert_int_equal(z, t);
	/* 23:30 UTC is already the next day in Vietnam. */
	assert_int_equal(kclock_parse_iso("2026-02-28T23:30:00Z", &z), KIOSK_OK);
	kclock_to_local(z, &l);
	assert_int_equal(l.yday_key, 20260301);
	char buf[40];
	kclock_format_iso(t, buf, sizeof buf);
	assert_string_equal(buf, "2026-01-05T09:00:00+07:00");
}

static void test_parse_rejects(void **state)
{
	(void)state;
	int64_t t;
	const char *bad[] = {"", "2026-02-30T09:00", "2026-13-01T00:00", "2026-01-05 09:00",
			     "2026-01-05T24:00", "2026-01-05T09:00+7", "2026-01-05T09:00:00+07:00x"};
	for (size_t i = 0; i < KIOSK_ARRAY_LEN(bad); i++)
		assert_int_equal(kclock_parse_iso(bad[i], &t), KIOSK_EINVAL);
}

static void test_virtual(void **state)
{
	(void)state;
	kclock_virtual_t v = {.now_ms = 1000, .mono_ms = 5, .trusted = true};
	kclock_t c;
	kclock_virtual(&c, &v);
	kclock_virtual_advance(&v, 600);
	assert_int_equal(kclock_now(&c), 1600);
	assert_int_equal(kclock_mono(&c), 605);
	assert_true(kclock_trusted(&c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_local),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_virtual),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
