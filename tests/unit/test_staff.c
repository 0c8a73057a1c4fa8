/* test_staff.c - the PIN store (hashing, no default PIN, rules, constant
 * answers for wrong PINs, a lockout that survives a restart, corrupt files)
 * and the corner-zone sequence detector. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <openssl/evp.h>

#include "core/clock.h"
#include "flow/corners.h"
#include "core/kiosk.h"
#include "domain/staff.h"

#define IT 2000 /* tests use fewer iterations; the product floor is 100000 */

typedef struct {
	char dir[256];
	kclock_virtual_t v;
	kclock_t clk;
} fx_t;

static int setup(void **state)
{
	fx_t *f = calloc(1, sizeof *f);
	const char *tmp = getenv("TESTS_TMP");
	snprintf(f->dir, sizeof f->dir, "%s/staff-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(f->dir))
		return -1;
	kclock_parse_iso("2026-01-05T09:00:00+07:00", &f->v.now_ms);
	f->v.mono_ms = 5000;
	f->v.trusted = true;
	kclock_virtual(&f->clk, &f->v);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx_t *f = *state;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static staff_t *open_ok(fx_t *f)
{
	staff_t *st = NULL;
	char err[256];
	assert_int_equal(staff_open(f->dir, &f->clk, IT, &st, err, sizeof err), KIOSK_OK);
	assert_non_null(st);
	return st;
}

static void read_file(fx_t *f, char *buf, size_t cap)
{
	char p[300];
	snprintf(p, sizeof p, "%s/staff.json", f->dir);
	FILE *fp = fopen(p, "r");
	assert_non_null(fp);
	size_t n = fread(buf, 1, cap - 1, fp);
	buf[n] = '\0';
	fclose(fp);
}

static void test_no_default_pin(void **state)
{
	fx_t *f = *state;
	staff_t *st = open_ok(f);
	assert_false(staff_configured(st));
	staff_role_t role = STAFF_TECH;
	assert_int_equal(staff_check(st, "000000", &role, NULL), KIOSK_ENOENT);
	assert_int_equal(role, STAFF_NONE);
	assert_int_equal(staff_check(st, "", &role, NULL), KIOSK_ENOENT);
	staff_close(st);
}

static void test_set_and_check(void **state)
{
	fx_t *f = *state;
	staff_t *st = open_ok(f);
	assert_int_equal(staff_set_pin(st, STAFF_STAFF, "482913"), KIOSK_OK);
	assert_false(staff_configured(st));
	assert_int_equal(staff_set_pin(st, STAFF_TECH, "73910264"), KIOSK_OK);
	assert_true(staff_configured(st));
	staff_role_t role;
	assert_int_equal(staff_check(st, "482913", &role, NULL), KIOSK_OK);
	assert_int_equal(role, STAFF_STAFF);
	assert_int_equal(staff_check(st, "73910264", &role, NULL), KIOSK_OK);
	assert_int_equal(role, STAFF_TECH);
	assert_int_equal(staff_check(st, "482914", &role, NULL), KIOSK_EPERM);
	assert_int_equal(role, STAFF_NONE);
	assert_int_equal(staff_check(st, "48291", &role, NULL), KIOSK_EPERM);
	assert_int_equal(staff_check(st, "4829130", &role, NULL), KIOSK_EPERM);
	staff_close(st);
	/* The file holds hashes and salts, never the PIN. */
	char buf[4096];
	read_file(f, buf, sizeof buf);
	assert_null(strstr(buf, "482913"));
	assert_null(strstr(buf, "73910264"));
	assert_non_null(strstr(buf, "pbkdf2-hmac-sha256"));
	assert_non_null(strstr(buf, "\"iterations\":2000"));
	/* Reopened, the PINs still work. */
	st = open_ok(f);
	assert_true(staff_configured(st));
	assert_int_equal(staff_check(st, "73910264", &role, NULL), KIOSK_OK);
	assert_int_equal(role, STAFF_TECH);
	staff_close(st);
}

static void test_same_pin_twice_gets_new_salt(void **state)
{
	fx_t *f = *state;
	staff_t *st = open_ok(f);
	assert_int_equal(staff_set_pin(st, STAFF_STAFF, "482913"), KIOSK_OK);
	char a[4096], b[4096];
	read_file(f, a, sizeof a);
	assert_int_equal(staff_set_pin(st, STAFF_STAFF, "482913"), KIOSK_OK);
	read_file(f, b, sizeof b);
	assert_string_not_equal(a, b);
	staff_close(st);
}

static void test_pin_rules(void **state)
{
	fx_t *f = *state;
	staff_t *st = open_ok(f);
	const char *why;
	assert_int_equal(staff_pin_ok(st, STAFF_STAFF, "12345", &why), KIOSK_EINVAL);
	assert_string_equal(why, "menu.pin_rule_length");
	assert_int_equal(staff_pin_ok(st, STAFF_STAFF, "1234567890123", &why), KIOSK_EINVAL);
	assert_int_equal(staff_pin_ok(st, STAFF_STAFF, "12a456", &why), KIOSK_EINVAL);
	assert_int_equal(staff_pin_ok(st, STAFF_STAFF, "", &why), KIOSK_EINVAL);
	assert_int_equal(staff_pin_ok(st, STAFF_STAFF, "111111", &why), KIOSK_EINVAL);
	assert_string_equal(why, "menu.pin_rule_simple");
	assert_int_equal(staff_pin_ok(st, STAFF_STAFF, "123456", &why), KIOSK_EINVAL);
	assert_int_equal(staff_pin_ok(st, STAFF_STAFF, "987654", &why), KIOSK_EINVAL);
	assert_int_equal(staff_pin_ok(st, STAFF_STAFF, "890123", &why), KIOSK_EINVAL);
	assert_int_equal(staff_set_pin(st, STAFF_STAFF, "111111"), KIOSK_EINVAL);
	assert_false(staff_has_pin(st, STAFF_STAFF));
	assert_int_equal(staff_set_pin(st, STAFF_STAFF, "482913"), KIOSK_OK);
	assert_int_equal(staff_pin_ok(st, STAFF_TECH, "482913", &why), KIOSK_EINVAL);
	assert_string_equal(why, "menu.pin_rule_differ");
	assert_int_equal(staff_set_pin(st, STAFF_TECH, "482913"), KIOSK_EINVAL);
	assert_int_equal(staff_pin_ok(st, STAFF_TECH, "482919", &why), KIOSK_OK);
	staff_close(st);
}

static staff_t *configured(fx_t *f)
{
	staff_t *st = open_ok(f);
	assert_int_equal(staff_set_pin(st, STAFF_STAFF, "482913"), KIOSK_OK);
	assert_int_equal(staff_set_pin(st, STAFF_TECH, "73910264"), KIOSK_OK);
	return st;
}

static void test_lockout_grows(void **state)
{
	fx_t *f = *state;
	staff_t *st = configured(f);
	staff_role_t role;
	int64_t wait;
	for (int i = 0; i < 4; i++) {
		assert_int_equal(staff_check(st, "000001", &role, &wait), KIOSK_EPERM);
		assert_int_equal(wait, 0);
	}
	assert_int_equal(staff_check(st, "000001", &role, &wait), KIOSK_EPERM);
	assert_int_equal(wait, 60000);
	/* Locked: even the right PIN is refused without being looked at. */
	assert_int_equal(staff_check(st, "482913", &role, &wait), KIOSK_EBUSY);
	assert_int_equal(role, STAFF_NONE);
	assert_int_equal(wait, 60000);
	kclock_virtual_advance(&f->v, 59999);
	assert_int_equal(staff_check(st, "482913", &role, &wait), KIOSK_EBUSY);
	assert_int_equal(wait, 1);
	kclock_virtual_advance(&f->v, 1);
	assert_int_equal(staff_locked_ms(st), 0);
	assert_int_equal(staff_check(st, "000002", &role, &wait), KIOSK_EPERM);
	assert_int_equal(wait, 5 * 60000);
	kclock_virtual_advance(&f->v, 5 * 60000);
	assert_int_equal(staff_check(st, "000002", &role, &wait), KIOSK_EPERM);
	assert_int_equal(wait, 15 * 60000);
	kclock_virtual_advance(&f->v, 15 * 60000);
	assert_int_equal(staff_check(st, "000003", &role, &wait), KIOSK_EPERM);
	assert_int_equal(wait, 15 * 60000);
	kclock_virtual_advance(&f->v, 15 * 60000);
	/* The right PIN clears the count. */
	assert_int_equal(staff_check(st, "482913", &role, &wait), KIOSK_OK);
	assert_int_equal(role, STAFF_STAFF);
	assert_int_equal(staff_failures(st), 0);
	assert_int_equal(staff_check(st, "000001", &role, &wait), KIOSK_EPERM);
	assert_int_equal(wait, 0);
	staff_close(st);
}

static void test_lockout_survives_restart(void **state)
{
	fx_t *f = *state;
	staff_t *st = configured(f);
	staff_role_t role;
	int64_t wait;
	for (int i = 0; i < 3; i++)
		assert_int_equal(staff_check(st, "000001", &role, &wait), KIOSK_EPERM);
	staff_close(st);
	/* A restart keeps the count: two more wrong PINs lock. */
	st = open_ok(f);
	assert_int_equal(staff_failures(st), 3);
	assert_int_equal(staff_check(st, "000001", &role, &wait), KIOSK_EPERM);
	assert_int_equal(wait, 0);
	assert_int_equal(staff_check(st, "000001", &role, &wait), KIOSK_EPERM);
	assert_int_equal(wait, 60000);
	staff_close(st);
	/* Reboot 20 s later: the monotonic clock starts again from zero; the
	 * wall clock says 40 s are left. */
	f->v.mono_ms = 100;
	f->v.now_ms += 20000;
	st = open_ok(f);
	assert_int_equal(staff_check(st, "482913", &role, &wait), KIOSK_EBUSY);
	assert_int_equal(wait, 40000);
	staff_close(st);
	/* Reboot with the wall clock thrown back a year: the full lock again. */
	f->v.now_ms -= 365LL * 86400 * 1000;
	st = open_ok(f);
	assert_int_equal(staff_check(st, "482913", &role, &wait), KIOSK_EBUSY);
	assert_int_equal(wait, 60000);
	kclock_virtual_advance(&f->v, 60000);
	assert_int_equal(staff_check(st, "482913", &role, &wait), KIOSK_OK);
	staff_close(st);
}

static void write_store(fx_t *f, const char *text)
{
	char p[300];
	snprintf(p, sizeof p, "%s/staff.json", f->dir);
	FILE *fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void test_corrupt_store(void **state)
{
	fx_t *f = *state;
	static const char *const bad[] = {
		"not json",
		"[]",
		"{\"failures\":0,\"lock_ms\":0}",
		"{\"staff\":{\"kdf\":\"md5\",\"iterations\":2000,\"salt\":\"00000000000000000000000000000000\","
		"\"hash\":\"0000000000000000000000000000000000000000000000000000000000000000\"},"
		"\"failures\":0,\"lock_ms\":0,\"lock_wall_ms\":0}",
		/* weaker than the floor */
		"{\"staff\":{\"kdf\":\"pbkdf2-hmac-sha256\",\"iterations\":10,\"salt\":\"00000000000000000000000000000000\","
		"\"hash\":\"0000000000000000000000000000000000000000000000000000000000000000\"},"
		"\"failures\":0,\"lock_ms\":0,\"lock_wall_ms\":0}",
		"{\"staff\":{\"kdf\":\"pbkdf2-hmac-sha256\",\"iterations\":2000,\"salt\":\"00\","
		"\"hash\":\"00\"},\"failures\":0,\"lock_ms\":0,\"lock_wall_ms\":0}",
		"{\"failures\":-1,\"lock_ms\":0,\"lock_wall_ms\":0}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		write_store(f, bad[i]);
		staff_t *st = (staff_t *)1;
		char err[256] = "";
		assert_int_equal(staff_open(f->dir, &f->clk, IT, &st, err, sizeof err), KIOSK_ECORRUPT);
		assert_null(st);
		assert_non_null(strstr(err, "staff.json"));
	}
	/* The bad file is left as it was (never replaced silently). */
	char buf[512];
	read_file(f, buf, sizeof buf);
	assert_string_equal(buf, bad[sizeof bad / sizeof bad[0] - 1]);
}

static void test_wipe(void **state)
{
	fx_t *f = *state;
	staff_t *st = configured(f);
	assert_int_equal(staff_wipe(st), KIOSK_OK);
	assert_false(staff_configured(st));
	staff_role_t role;
	assert_int_equal(staff_check(st, "482913", &role, NULL), KIOSK_ENOENT);
	staff_close(st);
	st = open_ok(f);
	assert_false(staff_has_pin(st, STAFF_STAFF));
	staff_close(st);
}

static void test_unwritable_store(void **state)
{
	fx_t *f = *state;
	staff_t *st = NULL;
	char err[256], dir[300];
	snprintf(dir, sizeof dir, "%s/missing", f->dir);
	assert_int_equal(staff_open(dir, &f->clk, IT, &st, err, sizeof err), KIOSK_OK);
	assert_int_equal(staff_set_pin(st, STAFF_STAFF, "482913"), KIOSK_EIO);
	assert_false(staff_has_pin(st, STAFF_STAFF));
	staff_close(st);
}

/* ---- corners ---- */

static void test_corners_sequence(void **state)
{
	(void)state;
	corners_t c;
	corners_init(&c, 1920, 1080, 96);
	assert_int_equal(corners_zone(&c, 0, 0), 0);
	assert_int_equal(corners_zone(&c, 95, 95), 0);
	assert_int_equal(corners_zone(&c, 96, 95), -1);
	assert_int_equal(corners_zone(&c, 1919, 0), 1);
	assert_int_equal(corners_zone(&c, 1824, 1079), 2);
	assert_int_equal(corners_zone(&c, 1823, 1079), -1);
	assert_int_equal(corners_zone(&c, 10, 1000), 3);
	int64_t t = 1000;
	assert_false(corners_press(&c, 10, 10, t));
	assert_false(corners_press(&c, 1900, 10, t += 500));
	assert_false(corners_press(&c, 1900, 1070, t += 500));
	assert_true(corners_press(&c, 10, 1070, t += 500));
	/* it starts over afterwards */
	assert_false(corners_press(&c, 10, 1070, t += 500));
}

static void test_corners_rejects(void **state)
{
	(void)state;
	corners_t c;
	corners_init(&c, 1080, 1920, 50); /* zones never below 96 px */
	assert_int_equal(c.zone, 96);
	int64_t t = 0;
	/* wrong order */
	assert_false(corners_press(&c, 10, 10, t));
	assert_false(corners_press(&c, 1070, 1910, t += 100));
	assert_false(corners_press(&c, 1070, 10, t += 100));
	assert_false(corners_press(&c, 1070, 1910, t += 100));
	assert_false(corners_press(&c, 10, 1910, t += 100));
	/* a press elsewhere breaks it */
	assert_false(corners_press(&c, 10, 10, t += 100));
	assert_false(corners_press(&c, 1070, 10, t += 100));
	assert_false(corners_press(&c, 500, 900, t += 100));
	assert_false(corners_press(&c, 1070, 1910, t += 100));
	assert_false(corners_press(&c, 10, 1910, t += 100));
	/* too slow: more than 5 s from the first corner */
	assert_false(corners_press(&c, 10, 10, t = 10000));
	assert_false(corners_press(&c, 1070, 10, t + 1000));
	assert_false(corners_press(&c, 1070, 1910, t + 2000));
	assert_false(corners_press(&c, 10, 1910, t + 5001));
	/* exactly 5 s is fine; a bounce on a corner does not break it */
	assert_false(corners_press(&c, 10, 10, t = 20000));
	assert_false(corners_press(&c, 1070, 10, t + 1000));
	assert_false(corners_press(&c, 1070, 10, t + 1100));
	assert_false(corners_press(&c, 1070, 1910, t + 2000));
	assert_true(corners_press(&c, 10, 1910, t + 5000));
	/* outside the screen is no corner */
	assert_int_equal(corners_zone(&c, -1, 0), -1);
}


/* Value of "key" in role's record of staff.json (salt, hash, iterations). */
static void field(const char *json, const char *role, const char *key, char *out, size_t cap)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\"", role);
	const char *r = strstr(json, pat);
	assert_non_null(r);
	snprintf(pat, sizeof pat, "\"%s\"", key);
	const char *k = strstr(r, pat);
	assert_non_null(k);
	k += strlen(pat);
	while (*k == ':' || *k == ' ' || *k == '"' || *k == '\t' || *k == '\n')
		k++;
	size_t n = 0;
	while (k[n] && k[n] != '"' && k[n] != ',' && k[n] != '\n' && k[n] != '}' && n + 1 < cap)
		n++;
	memcpy(out, k, n);
	out[n] = 0;
}

static void hexs(const unsigned char *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

/* A store as the old code wrote it (a salt per role) still opens and
 * verifies; the next right PIN moves that role onto the other role's salt,
 * so later checks cost one derivation. */
static void test_old_store_verifies_and_is_rehashed(void **state)
{
	fx_t *f = *state;
	const char *pins[2] = {"482913", "73910264"};
	unsigned char salt[2][16], hash[2][32];
	char hs[2][33], hh[2][65];
	for (int i = 0; i < 2; i++) {
		for (int j = 0; j < 16; j++)
			salt[i][j] = (unsigned char)(17 * i + j + 1);
		assert_int_equal(PKCS5_PBKDF2_HMAC(pins[i], (int)strlen(pins[i]), salt[i], 16, IT,
						   EVP_sha256(), 32, hash[i]), 1);
		hexs(salt[i], 16, hs[i]);
		hexs(hash[i], 32, hh[i]);
	}
	char text[1024];
	snprintf(text, sizeof text,
		 "{\"staff\":{\"kdf\":\"pbkdf2-hmac-sha256\",\"iterations\":%d,\"salt\":\"%s\",\"hash\":\"%s\"},"
		 "\"technician\":{\"kdf\":\"pbkdf2-hmac-sha256\",\"iterations\":%d,\"salt\":\"%s\",\"hash\":\"%s\"},"
		 "\"failures\":0,\"lock_ms\":0,\"lock_wall_ms\":0}",
		 IT, hs[0], hh[0], IT, hs[1], hh[1]);
	write_store(f, text);
	staff_t *st = open_ok(f);
	staff_role_t role;
	assert_int_equal(staff_check(st, "73910264", &role, NULL), KIOSK_OK);
	assert_int_equal(role, STAFF_TECH);
	staff_close(st);
	char buf[4096], a[80], b[80];
	read_file(f, buf, sizeof buf);
	field(buf, "technician", "salt", a, sizeof a);
	field(buf, "staff", "salt", b, sizeof b);
	assert_string_equal(a, b);                 /* shared now */
	field(buf, "staff", "hash", a, sizeof a);
	assert_string_equal(a, hh[0]);             /* the staff record is untouched */
	field(buf, "technician", "hash", a, sizeof a);
	assert_string_not_equal(a, hh[1]);
	st = open_ok(f);
	assert_int_equal(staff_check(st, "482913", &role, NULL), KIOSK_OK);
	assert_int_equal(role, STAFF_STAFF);
	assert_int_equal(staff_check(st, "73910264", &role, NULL), KIOSK_OK);
	assert_int_equal(role, STAFF_TECH);
	assert_int_equal(staff_check(st, "555555", &role, NULL), KIOSK_EPERM);
	staff_close(st);
}

/* Hashes made at a lower count (an older release, a slower calibration)
 * verify and are redone at the current count at the next right PIN. */
static void test_weaker_count_is_upgraded(void **state)
{
	fx_t *f = *state;
	staff_t *st = configured(f); /* at IT */
	staff_close(st);
	char err[256], buf[4096], v[80], w[80];
	assert_int_equal(staff_open(f->dir, &f->clk, 2 * IT, &st, err, sizeof err), KIOSK_OK);
	assert_int_equal(staff_iterations(st), 2 * IT);
	staff_role_t role;
	assert_int_equal(staff_check(st, "482913", &role, NULL), KIOSK_OK);
	assert_int_equal(role, STAFF_STAFF);
	read_file(f, buf, sizeof buf);
	field(buf, "staff", "iterations", v, sizeof v);
	assert_int_equal(atoi(v), 2 * IT);
	field(buf, "technician", "iterations", v, sizeof v);
	assert_int_equal(atoi(v), IT);             /* not known yet: left as it was */
	assert_int_equal(staff_check(st, "73910264", &role, NULL), KIOSK_OK);
	assert_int_equal(role, STAFF_TECH);
	read_file(f, buf, sizeof buf);
	field(buf, "technician", "iterations", v, sizeof v);
	assert_int_equal(atoi(v), 2 * IT);
	field(buf, "technician", "salt", v, sizeof v);
	field(buf, "staff", "salt", w, sizeof w);
	assert_string_equal(v, w);
	staff_close(st);
	/* Both still open after a restart at the new count. */
	assert_int_equal(staff_open(f->dir, &f->clk, 2 * IT, &st, err, sizeof err), KIOSK_OK);
	assert_int_equal(staff_check(st, "482913", &role, NULL), KIOSK_OK);
	assert_int_equal(staff_check(st, "73910264", &role, NULL), KIOSK_OK);
	assert_int_equal(role, STAFF_TECH);
	staff_close(st);
	/* A store below the floor (half the count) is still refused. */
	assert_int_equal(staff_open(f->dir, &f->clk, 8 * IT, &st, err, sizeof err), KIOSK_ECORRUPT);
}

/* Counter PINs (office queue): one per counter, the staff rules and never a
 * menu PIN; a lockout per counter that survives a restart; and two
 * processes (the kiosk and the hub: two handles here) never lose each
 * other's writes. */
static void test_counter_pins(void **state)
{
	fx_t *f = *state;
	staff_t *st = configured(f);
	const char *why;
	int64_t wait;
	assert_false(staff_counter_has_pin(st, 3));
	assert_int_equal(staff_counter_check(st, 3, "591827", &wait), KIOSK_ENOENT);
	assert_int_equal(staff_counter_set_pin(st, 3, "123456"), KIOSK_EINVAL);
	assert_int_equal(staff_counter_pin_ok(st, 3, "482913", &why), KIOSK_EINVAL);
	assert_string_equal(why, "menu.pin_rule_differ");
	assert_int_equal(staff_counter_pin_ok(st, 3, "73910264", &why), KIOSK_EINVAL);
	assert_int_equal(staff_counter_set_pin(st, 0, "591827"), KIOSK_EINVAL);
	assert_int_equal(staff_counter_set_pin(st, STAFF_COUNTER_MAX + 1, "591827"), KIOSK_EINVAL);
	assert_int_equal(staff_counter_set_pin(st, 3, "591827"), KIOSK_OK);
	assert_int_equal(staff_counter_set_pin(st, 4, "602938"), KIOSK_OK);
	assert_true(staff_counter_has_pin(st, 3));
	assert_int_equal(staff_counter_check(st, 3, "591827", &wait), KIOSK_OK);
	assert_int_equal(staff_counter_check(st, 4, "591827", &wait), KIOSK_EPERM);
	assert_int_equal(staff_counter_check(st, 4, "602938", &wait), KIOSK_OK);
	/* A counter PIN opens no menu. */
	staff_role_t role;
	assert_int_equal(staff_check(st, "591827", &role, NULL), KIOSK_EPERM);
	assert_int_equal(staff_check(st, "482913", &role, NULL), KIOSK_OK);
	char text[8192];
	read_file(f, text, sizeof text);
	assert_null(strstr(text, "591827"));
	/* Counter 3's lockout: its own count, the same schedule. */
	for (int i = 0; i < 4; i++) {
		assert_int_equal(staff_counter_check(st, 3, "000001", &wait), KIOSK_EPERM);
		assert_int_equal(wait, 0);
	}
	assert_int_equal(staff_counter_check(st, 3, "000001", &wait), KIOSK_EPERM);
	assert_int_equal(wait, 60000);
	assert_int_equal(staff_counter_check(st, 3, "591827", &wait), KIOSK_EBUSY);
	assert_int_equal(wait, 60000);
	assert_int_equal(staff_counter_check(st, 4, "602938", &wait), KIOSK_OK);
	assert_int_equal(staff_check(st, "482913", &role, NULL), KIOSK_OK);
	staff_close(st);
	/* After a restart the lock runs on. */
	kclock_virtual_advance(&f->v, 20000);
	st = open_ok(f);
	assert_int_equal(staff_counter_check(st, 3, "591827", &wait), KIOSK_EBUSY);
	assert_int_equal(wait, 40000);
	assert_int_equal(staff_counter_locked_ms(st, 3), 40000);
	kclock_virtual_advance(&f->v, 40000);
	assert_int_equal(staff_counter_check(st, 3, "591827", &wait), KIOSK_OK);
	/* Two handles on one folder, as the kiosk and the hub. */
	staff_t *hub = open_ok(f);
	assert_int_equal(staff_counter_set_pin(hub, 5, "713846"), KIOSK_OK);
	assert_int_equal(staff_set_pin(st, STAFF_STAFF, "482955"), KIOSK_OK); /* the kiosk writes */
	assert_int_equal(staff_counter_check(st, 5, "713846", &wait), KIOSK_OK); /* sees the hub's PIN */
	assert_int_equal(staff_counter_check(hub, 5, "000001", &wait), KIOSK_EPERM);
	for (int i = 0; i < 3; i++)
		assert_int_equal(staff_counter_check(st, 5, "000001", &wait), KIOSK_EPERM);
	/* The 5th wrong PIN in a row, counted across both handles, locks. */
	assert_int_equal(staff_counter_check(hub, 5, "000001", &wait), KIOSK_EPERM);
	assert_int_equal(wait, 60000);
	assert_int_equal(staff_counter_check(st, 5, "713846", &wait), KIOSK_EBUSY);
	staff_close(hub);
	staff_close(st);
	st = open_ok(f);
	assert_int_equal(staff_check(st, "482955", &role, NULL), KIOSK_OK);
	assert_true(staff_counter_has_pin(st, 5));
	assert_true(staff_counter_has_pin(st, 4));
	assert_int_equal(staff_counter_clear(st, 4), KIOSK_OK);
	assert_false(staff_counter_has_pin(st, 4));
	staff_close(st);
}

/* The count for new hashes comes from a measurement with the injected
 * clock: a clock that does not run gives the floor, never a hang. */
static void test_measured_count(void **state)
{
	fx_t *f = *state;
	int probe = -1;
	assert_int_equal(staff_measure_iterations(&f->clk, STAFF_TARGET_MS, &probe), STAFF_ITERATIONS);
	assert_int_equal(probe, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_default_pin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_and_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_pin_twice_gets_new_salt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_store_verifies_and_is_rehashed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_weaker_count_is_upgraded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_measured_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lockout_grows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lockout_survives_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counter_pins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wipe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwritable_store, setup, teardown),
		cmocka_unit_test(test_corners_sequence),
		cmocka_unit_test(test_corners_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
