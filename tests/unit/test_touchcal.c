/* test_touchcal.c - touch calibration: the fit recovers a scale and an
 * offset, refuses implausible or inconsistent touches, and the file round
 * trip (a bad file is reported and not used). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/kiosk.h"
#include "domain/touchcal.h"

static void points(int w, int h, int ex[4], int ey[4])
{
	for (int i = 0; i < 4; i++)
		touchcal_point(w, h, i, &ex[i], &ey[i]);
}

static void test_fit(void **state)
{
	(void)state;
	int ex[4], ey[4], rx[4], ry[4];
	points(1920, 1080, ex, ey);
	/* The panel reads x 2 % too wide and 15 px left, y 10 px low. */
	for (int i = 0; i < 4; i++) {
		rx[i] = (int)((ex[i] + 15) / 0.98);
		ry[i] = ey[i] + 10;
	}
	touchcal_t c;
	assert_int_equal(touchcal_fit(ex, ey, rx, ry, 1920, 1080, &c), KIOSK_OK);
	assert_true(c.set);
	for (int i = 0; i < 4; i++) {
		int x = rx[i], y = ry[i];
		touchcal_apply(&c, &x, &y);
		assert_in_range(x, ex[i] - 1, ex[i] + 1);
		assert_int_equal(y, ey[i]);
	}
	/* Points inside, away from the 96 px corners. */
	for (int i = 0; i < 4; i++) {
		assert_true(ex[i] > 300 && ex[i] < 1620);
		assert_true(ey[i] > 300 && ey[i] < 900);
	}
}

static void test_fit_refuses(void **state)
{
	(void)state;
	int ex[4], ey[4], rx[4], ry[4];
	points(1080, 1920, ex, ey);
	touchcal_t c;
	/* all four touches on one spot */
	for (int i = 0; i < 4; i++) {
		rx[i] = 500;
		ry[i] = 900;
	}
	assert_int_equal(touchcal_fit(ex, ey, rx, ry, 1080, 1920, &c), KIOSK_ERANGE);
	assert_false(c.set);
	/* inconsistent: one touch 120 px off */
	for (int i = 0; i < 4; i++) {
		rx[i] = ex[i];
		ry[i] = ey[i];
	}
	rx[2] += 120;
	assert_int_equal(touchcal_fit(ex, ey, rx, ry, 1080, 1920, &c), KIOSK_ERANGE);
	/* a scale far off */
	for (int i = 0; i < 4; i++)
		rx[i] = ex[i] * 2;
	assert_int_equal(touchcal_fit(ex, ey, rx, ry, 1080, 1920, &c), KIOSK_ERANGE);
}

static void test_file(void **state)
{
	(void)state;
	const char *tmp = getenv("TESTS_TMP");
	char path[512];
	snprintf(path, sizeof path, "%s/touchcal-%d.json", tmp ? tmp : "/tmp", (int)getpid());
	touchcal_t c = {.sx = 1.01, .ox = -12, .sy = 0.99, .oy = 8, .set = true}, d;
	assert_int_equal(touchcal_save(path, &c), KIOSK_OK);
	assert_int_equal(touchcal_load(path, &d), KIOSK_OK);
	assert_true(d.set);
	assert_true(d.sx > 1.0099 && d.sx < 1.0101);
	assert_true(d.oy > 7.99 && d.oy < 8.01);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"x_scale\": 3, \"x_offset\": 0, \"y_scale\": 1, \"y_offset\": 0}", f);
	fclose(f);
	assert_int_equal(touchcal_load(path, &d), KIOSK_ECORRUPT);
	assert_false(d.set);
	int x = 100, y = 200;
	touchcal_apply(&d, &x, &y);
	assert_int_equal(x, 100);
	assert_int_equal(y, 200);
	remove(path);
	assert_int_equal(touchcal_load(path, &d), KIOSK_ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_fit_refuses),
		cmocka_unit_test(test_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
