/* test_tap.c - the row matching of the tap tables (flow/tap.c): ids match
 * exactly, "prefix-*" rows match by prefix and hand on what follows, and
 * technician rows need the technician's role. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "flow/tap.h"

static void test_match(void **state)
{
	(void)state;
	const char *arg = NULL;
	assert_true(tap_match("next", "next", &arg));
	assert_string_equal(arg, "next");
	assert_false(tap_match("next", "next-x", &arg));
	assert_false(tap_match("next", "nex", &arg));
	assert_true(tap_match("group-*", "group-ho-tich", &arg));
	assert_string_equal(arg, "ho-tich");
	assert_true(tap_match("group-*", "group-", &arg));
	assert_string_equal(arg, "");
	assert_false(tap_match("group-*", "proc-x", &arg));
	assert_false(tap_match("group-*", "group", &arg));
	assert_true(tap_match("*", "key-a", &arg));
	assert_string_equal(arg, "key-a");
}

static void test_allowed(void **state)
{
	(void)state;
	assert_true(tap_allowed(TAP_ANYONE, STAFF_NONE));
	assert_true(tap_allowed(TAP_STAFF, STAFF_STAFF));
	assert_true(tap_allowed(TAP_STAFF, STAFF_TECH));
	assert_false(tap_allowed(TAP_TECH, STAFF_STAFF));
	assert_false(tap_allowed(TAP_TECH, STAFF_NONE));
	assert_true(tap_allowed(TAP_TECH, STAFF_TECH));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_allowed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
